import { DescribeExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { ExecutionStatus } from '../../core/ports/execution-status.js';
import { callAws } from './aws-errors.js';

/** Statuses after which an execution can do nothing more (PENDING_REDRIVE may run again). */
const ENDED = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

/** {@link ExecutionStatus} from DescribeExecution. */
export class StepFunctionsExecutionStatus implements ExecutionStatus {
  constructor(private readonly client: SFNClient) {}

  async hasEnded(executionArn: string): Promise<boolean> {
    if (!executionArn.startsWith('arn:') || !executionArn.includes(':execution:')) return false;
    try {
      const described = await this.client.send(new DescribeExecutionCommand({ executionArn }));
      return ENDED.has(described.status ?? 'RUNNING');
    } catch (error) {
      // Not proven ended: an unknown execution keeps its lock (until its lease runs out); any
      // other failure (throttling, permissions) surfaces through the error taxonomy.
      if ((error as { name?: string }).name === 'ExecutionDoesNotExist') return false;
      return callAws('Step Functions DescribeExecution', () => Promise.reject(error));
    }
  }
}
