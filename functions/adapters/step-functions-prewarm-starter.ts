import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { PrewarmStarter } from '../../core/ports/prewarm-schedules.js';
import { callAws } from './aws-errors.js';

/** {@link PrewarmStarter} over Step Functions StartExecution, idempotent by execution name. */
export class StepFunctionsPrewarmStarter implements PrewarmStarter {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  executionArn(name: string): string {
    return `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  }

  async start(name: string, input: string): Promise<'started' | 'already-started'> {
    try {
      await this.client.send(
        new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input }),
      );
      return 'started';
    } catch (error) {
      // A name is unique per state machine for 90 days: this window was started before.
      if ((error as { name?: string }).name === 'ExecutionAlreadyExists') return 'already-started';
      return callAws('StartExecution', () => Promise.reject(error));
    }
  }
}
