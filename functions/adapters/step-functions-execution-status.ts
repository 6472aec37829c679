import { DescribeExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { ExecutionStatus } from '../../core/ports/execution-status.js';
import { callAws } from './aws-errors.js';

/**
 * Statuses after which the execution starts no further step, unless it is redriven. A redriven
 * execution whose lock was taken over meanwhile changes nothing: its changing steps confirm the
 * lock first (core/confirm-lock-held.ts).
 */
const ENDED = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

/** {@link ExecutionStatus} from DescribeExecution. */
export class StepFunctionsExecutionStatus implements ExecutionStatus {
  constructor(private readonly client: SFNClient) {}

  async endedAt(executionArn: string): Promise<Date | undefined> {
    if (!executionArn.startsWith('arn:') || !executionArn.includes(':execution:')) return undefined;
    try {
      const described = await this.client.send(new DescribeExecutionCommand({ executionArn }));
      if (!ENDED.has(described.status ?? 'RUNNING')) return undefined;
      return described.stopDate ?? undefined;
    } catch (error) {
      // Not proven ended: an unknown execution keeps its lock (until its lease runs out); any
      // other failure (throttling, permissions) surfaces through the error taxonomy.
      if ((error as { name?: string }).name === 'ExecutionDoesNotExist') return undefined;
      return callAws('Step Functions DescribeExecution', () => Promise.reject(error));
    }
  }
}
