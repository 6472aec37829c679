/** Whether a Step Functions execution that holds a lock is still running. */
export interface ExecutionStatus {
  /**
   * True only when Step Functions reports the execution finished (succeeded, failed, timed out or
   * aborted). An owner that is not a known execution counts as running: a lock is only ever taken
   * over from an execution proven dead, never on a guess.
   */
  hasEnded(executionArn: string): Promise<boolean>;
}
