import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';
import * as z from 'zod';
import { ValidationError } from '../../core/errors.js';
import type { CalendarSource, PrewarmSchedules, PrewarmStarter } from '../../core/ports/prewarm-schedules.js';
import type { ReleasePlanStore } from '../../core/ports/release-plan.js';
import type { MetricsSink } from '../../core/ports/telemetry.js';
import { type SyncReport, syncCalendar } from '../../core/prewarm/calendar-sync.js';
import { calendarSource } from '../adapters/calendar-sources.js';
import { CloudWatchMetricsSink } from '../adapters/cloudwatch-metrics-sink.js';
import { S3ReleasePlan } from '../adapters/s3-release-plan.js';
import { SchedulerPrewarmSchedules } from '../adapters/scheduler-prewarm-schedules.js';
import { StepFunctionsPrewarmStarter } from '../adapters/step-functions-prewarm-starter.js';
import { lambdaHandler } from '../shared/lambda-handler.js';
import { clientConfig, modeVars, readConfig } from '../shared/runtime-config.js';
import { lambdaS3Objects } from '../shared/s3-objects-deps.js';

export interface CalendarSyncDeps {
  /** The calendar to read for this event: the configured one, or one the event names. */
  source(event: SyncEvent): CalendarSource;
  readonly schedules: PrewarmSchedules;
  readonly starter: PrewarmStarter;
  readonly metrics: MetricsSink;
  /** Where the plan is published once the schedules match it (the dashboard reads it there). */
  readonly plan?: ReleasePlanStore | undefined;
  readonly horizonDays: number;
  readonly now: () => number;
}

/** A daily rule (no fields), an S3 notification, or an explicit calendar to read. */
export interface SyncEvent {
  readonly calendarUrl?: string;
  readonly warmupUrl?: string;
  readonly Records?: ReadonlyArray<{
    readonly s3?: { bucket?: { name?: string }; object?: { key?: string } };
  }>;
}

/**
 * The calendar an event asks for: an explicit `calendarUrl`, else the object an S3 notification
 * names (keys arrive URL-encoded with `+` for spaces), else undefined.
 */
export function calendarUrlOf(event: SyncEvent): string | undefined {
  if (event.calendarUrl) return event.calendarUrl;
  const s3 = event.Records?.[0]?.s3;
  const bucket = s3?.bucket?.name;
  const key = s3?.object?.key;
  return bucket && key ? `s3://${bucket}/${decodeURIComponent(key.replace(/\+/g, ' '))}` : undefined;
}

const syncVars = {
  ...modeVars,
  // Optional: an S3 notification names the object itself, and an explicit event may name one.
  CALENDAR_URL: z
    .string()
    .regex(/^(s3|file):\/\//, 'must be s3://BUCKET/KEY or file:///PATH')
    .optional(),
  WARMUP_URL: z
    .string()
    .regex(/^(s3|file):\/\//, 'must be s3://BUCKET/KEY or file:///PATH')
    .optional(),
  RELEASE_PLAN_URL: z
    .string()
    .regex(/^s3:\/\//, 'must be s3://BUCKET/KEY')
    .optional(),
  SCHEDULE_GROUP: z.string().min(1).default('warmgate'),
  PREWARM_STATE_MACHINE_ARN: z.string().startsWith('arn:'),
  SCHEDULER_ROLE_ARN: z.string().startsWith('arn:'),
  HORIZON_DAYS: z.coerce.number().int().min(1).max(60).default(14),
};

/** Plans the calendar and makes the pre-warm schedules match the plan (idempotent). */
export function makeHandler(deps: CalendarSyncDeps) {
  return lambdaHandler('calendar-sync', async (event: unknown): Promise<SyncReport> => {
    const request = (event ?? {}) as SyncEvent;
    return syncCalendar(
      { ...deps, source: deps.source(request) },
      { horizonDays: deps.horizonDays },
      deps.now(),
    );
  });
}

export function defaultDeps(): CalendarSyncDeps {
  const config = readConfig(syncVars);
  const s3 = lambdaS3Objects();
  return {
    source: (event) => {
      const named = calendarUrlOf(event);
      const calendarUrl = named ?? config.CALENDAR_URL;
      if (!calendarUrl)
        throw ValidationError.field('calendarUrl', 'no calendar in the event and CALENDAR_URL is unset');
      return calendarSource(
        config.WARMGATE_MODE,
        () => s3,
        calendarUrl,
        event.warmupUrl ?? config.WARMUP_URL,
      );
    },
    schedules: new SchedulerPrewarmSchedules(new SchedulerClient(clientConfig()), {
      groupName: config.SCHEDULE_GROUP,
      stateMachineArn: config.PREWARM_STATE_MACHINE_ARN,
      roleArn: config.SCHEDULER_ROLE_ARN,
    }),
    starter: new StepFunctionsPrewarmStarter(new SFNClient(clientConfig()), config.PREWARM_STATE_MACHINE_ARN),
    metrics: new CloudWatchMetricsSink(new CloudWatchClient(clientConfig())),
    plan: config.RELEASE_PLAN_URL ? new S3ReleasePlan(s3, config.RELEASE_PLAN_URL) : undefined,
    horizonDays: config.HORIZON_DAYS,
    now: Date.now,
  };
}

export const handler = makeHandler(defaultDeps());
