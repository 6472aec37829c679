import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { ExecutionPhase, ExecutionPhases, ExecutionStatus } from '../../core/ports/execution-status.js';
import { callAws } from './aws-errors.js';

/**
 * Statuses after which the execution starts no further step, unless it is redriven. A redriven
 * execution whose lock was taken over meanwhile changes nothing: its changing steps confirm the
 * lock first (core/confirm-lock-held.ts).
 */
const ENDED = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

/** {@link ExecutionStatus} and {@link ExecutionPhases} from DescribeExecution. */
export class StepFunctionsExecutionStatus implements ExecutionStatus, ExecutionPhases {
  constructor(private readonly client: SFNClient) {}

  async endedAt(executionArn: string): Promise<Date | undefined> {
    const described = await this.#describe(executionArn);
    // Not proven ended: an unknown execution keeps its lock (until its lease runs out).
    if (!described || !ENDED.has(described.status ?? 'RUNNING')) return undefined;
    return described.stopDate ?? undefined;
  }

  async phase(executionArn: string): Promise<ExecutionPhase | undefined> {
    return (await this.#describe(executionArn))?.status as ExecutionPhase | undefined;
  }

  /** Undefined for an execution Step Functions does not know; other failures in the taxonomy. */
  async #describe(executionArn: string): Promise<DescribeExecutionCommandOutput | undefined> {
    if (!executionArn.startsWith('arn:') || !executionArn.includes(':execution:')) return undefined;
    try {
      return await this.client.send(new DescribeExecutionCommand({ executionArn }));
    } catch (error) {
      if ((error as { name?: string }).name === 'ExecutionDoesNotExist') return undefined;
      return callAws('Step Functions DescribeExecution', () => Promise.reject(error));
    }
  }
}
