import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  type SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import type { PrewarmSchedule, PrewarmSchedules } from '../../core/ports/prewarm-schedules.js';
import { callAws } from './aws-errors.js';

export interface ScheduleTarget {
  readonly groupName: string;
  /** The prewarm state machine. */
  readonly stateMachineArn: string;
  /** The role Scheduler assumes; it may only start that state machine. */
  readonly roleArn: string;
}

/**
 * Scheduler's universal target for Step Functions StartExecution. Unlike the templated target it
 * takes the execution `Name`, so a schedule always starts the execution named after its window:
 * Scheduler's at-least-once delivery, or calendar-sync starting a due window itself, then meet
 * ExecutionAlreadyExists instead of starting the window twice.
 */
export const START_EXECUTION_TARGET = 'arn:aws:scheduler:::aws-sdk:sfn:startExecution';

/**
 * {@link PrewarmSchedules} over EventBridge Scheduler. Schedules are kept after they fire
 * (ActionAfterCompletion NONE): a fired schedule is how calendar-sync knows a due window was
 * already started, so it never starts it a second time.
 */
export class SchedulerPrewarmSchedules implements PrewarmSchedules {
  constructor(
    private readonly client: SchedulerClient,
    private readonly target: ScheduleTarget,
  ) {}

  async list(prefix: string): Promise<PrewarmSchedule[]> {
    const names: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await callAws('ListSchedules', () =>
        this.client.send(
          new ListSchedulesCommand({ GroupName: this.target.groupName, NamePrefix: prefix, NextToken }),
        ),
      );
      for (const summary of page.Schedules ?? []) if (summary.Name) names.push(summary.Name);
      NextToken = page.NextToken;
    } while (NextToken);
    const schedules: PrewarmSchedule[] = [];
    for (const name of names) {
      const out = await callAws('GetSchedule', () =>
        this.client.send(new GetScheduleCommand({ Name: name, GroupName: this.target.groupName })),
      );
      schedules.push({
        name,
        expression: out.ScheduleExpression ?? '',
        timezone: out.ScheduleExpressionTimezone ?? 'UTC',
        input: prewarmInputOf(out.Target?.Input),
      });
    }
    return schedules;
  }

  async create(schedule: PrewarmSchedule): Promise<void> {
    await callAws('CreateSchedule', () =>
      this.client.send(new CreateScheduleCommand(this.#request(schedule))),
    );
  }

  async update(schedule: PrewarmSchedule): Promise<void> {
    await callAws('UpdateSchedule', () =>
      this.client.send(new UpdateScheduleCommand(this.#request(schedule))),
    );
  }

  async delete(name: string): Promise<void> {
    await callAws('DeleteSchedule', () =>
      this.client.send(new DeleteScheduleCommand({ Name: name, GroupName: this.target.groupName })),
    );
  }

  #request(schedule: PrewarmSchedule) {
    return {
      Name: schedule.name,
      GroupName: this.target.groupName,
      ScheduleExpression: schedule.expression,
      ScheduleExpressionTimezone: schedule.timezone,
      FlexibleTimeWindow: { Mode: 'OFF' as const },
      ActionAfterCompletion: 'NONE' as const,
      Description: 'warmgate pre-warm window (managed by calendar-sync)',
      Target: {
        Arn: START_EXECUTION_TARGET,
        RoleArn: this.target.roleArn,
        Input: JSON.stringify({
          StateMachineArn: this.target.stateMachineArn,
          Name: schedule.name,
          Input: schedule.input,
        }),
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 900 },
      },
    };
  }
}

/** The pre-warm input inside a universal-target request (or the raw input of an older schedule). */
function prewarmInputOf(targetInput: string | undefined): string {
  try {
    const request = JSON.parse(targetInput ?? '') as { Input?: unknown };
    return typeof request.Input === 'string' ? request.Input : (targetInput ?? '');
  } catch {
    return targetInput ?? '';
  }
}
