/** When a Step Functions execution (a lock holder, or the pre-warm holding a window) ended, if it has. */
export interface ExecutionStatus {
  /**
   * The stop date when Step Functions reports the execution finished (succeeded, failed, timed
   * out or aborted); undefined while it runs, or when the owner is not a known execution. A lock
   * is only ever taken over from an execution proven ended, never on a guess.
   */
  endedAt(executionArn: string): Promise<Date | undefined>;
}

/** Step Functions' status of an execution. */
export type ExecutionPhase = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

/** Where an execution is, by ARN. */
export interface ExecutionPhases {
  /** Its status; undefined when Step Functions knows no such execution (never started, or expired). */
  phase(executionArn: string): Promise<ExecutionPhase | undefined>;
}
