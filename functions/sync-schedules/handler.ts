import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';
import * as z from 'zod';
import { parseNormalizedCalendar } from '../../core/calendar/normalized-calendar.js';
import type { PrewarmSchedules, PrewarmStarter } from '../../core/ports/prewarm-schedules.js';
import type { ReleasePlanStore } from '../../core/ports/release-plan.js';
import type { MetricsSink } from '../../core/ports/telemetry.js';
import { type SyncReport, syncCalendar } from '../../core/prewarm/calendar-sync.js';
import { CloudWatchMetricsSink } from '../adapters/cloudwatch-metrics-sink.js';
import { S3ReleasePlan } from '../adapters/s3-release-plan.js';
import { SchedulerPrewarmSchedules } from '../adapters/scheduler-prewarm-schedules.js';
import { StepFunctionsPrewarmStarter } from '../adapters/step-functions-prewarm-starter.js';
import { lambdaHandler } from '../shared/lambda-handler.js';
import { clientConfig, readConfig } from '../shared/runtime-config.js';
import { lambdaS3Objects } from '../shared/s3-objects-deps.js';

export interface SyncSchedulesDeps {
  readonly schedules: PrewarmSchedules;
  readonly starter: PrewarmStarter;
  readonly metrics: MetricsSink;
  /** Where the plan is published once the schedules match it (the dashboard reads it there). */
  readonly plan?: ReleasePlanStore | undefined;
  readonly now: () => number;
}

const syncVars = {
  RELEASE_PLAN_URL: z
    .string()
    .regex(/^s3:\/\//, 'must be s3://BUCKET/KEY')
    .optional(),
  SCHEDULE_GROUP: z.string().min(1).default('warmgate'),
  PREWARM_STATE_MACHINE_ARN: z.string().startsWith('arn:'),
  SCHEDULER_ROLE_ARN: z.string().startsWith('arn:'),
};

/**
 * The second step of `warmgate-calendar-sync`: takes the calendar read-calendar normalized,
 * checks it again (a cheap schema, no calendar parser: an execution can be started by hand),
 * plans it with the measured history and makes the pre-warm schedules match the plan
 * (idempotent), then publishes the plan.
 */
export function makeHandler(deps: SyncSchedulesDeps) {
  return lambdaHandler(
    'sync-schedules',
    async (event: unknown): Promise<SyncReport> =>
      syncCalendar(deps, parseNormalizedCalendar(event), deps.now()),
  );
}

export function defaultDeps(): SyncSchedulesDeps {
  const config = readConfig(syncVars);
  return {
    schedules: new SchedulerPrewarmSchedules(new SchedulerClient(clientConfig()), {
      groupName: config.SCHEDULE_GROUP,
      stateMachineArn: config.PREWARM_STATE_MACHINE_ARN,
      roleArn: config.SCHEDULER_ROLE_ARN,
    }),
    starter: new StepFunctionsPrewarmStarter(new SFNClient(clientConfig()), config.PREWARM_STATE_MACHINE_ARN),
    metrics: new CloudWatchMetricsSink(new CloudWatchClient(clientConfig())),
    plan: config.RELEASE_PLAN_URL ? new S3ReleasePlan(lambdaS3Objects(), config.RELEASE_PLAN_URL) : undefined,
    now: Date.now,
  };
}

export const handler = makeHandler(defaultDeps());
