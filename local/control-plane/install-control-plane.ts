import { fileURLToPath } from 'node:url';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';
import { ValidationError } from '../../core/errors.js';
import { DEFAULT_POLL_POLICY } from '../../core/poll-policy.js';
import { ApplicationAutoScalingVariantScaling } from '../../functions/adapters/application-auto-scaling-variant-scaling.js';
import { calendarSource } from '../../functions/adapters/calendar-sources.js';
import { CloudWatchMetricsSink } from '../../functions/adapters/cloudwatch-metrics-sink.js';
import { CONTROL_PLANE_TABLES } from '../../functions/adapters/control-plane-tables.js';
import { DynamoDbAuditLog } from '../../functions/adapters/dynamodb-audit-log.js';
import { DynamoDbCapacityHolds } from '../../functions/adapters/dynamodb-capacity-holds.js';
import { DynamoDbEndpointLock } from '../../functions/adapters/dynamodb-endpoint-lock.js';
import { DynamoDbRemovedScaling } from '../../functions/adapters/dynamodb-removed-scaling.js';
import { SageMakerEndpointHost } from '../../functions/adapters/sagemaker-endpoint-host.js';
import { SageMakerRuntimeInvoker } from '../../functions/adapters/sagemaker-runtime-invoker.js';
import {
  SchedulerPrewarmSchedules,
  START_EXECUTION_TARGET,
} from '../../functions/adapters/scheduler-prewarm-schedules.js';
import { StepFunctionsExecutionStatus } from '../../functions/adapters/step-functions-execution-status.js';
import { StepFunctionsPrewarmStarter } from '../../functions/adapters/step-functions-prewarm-starter.js';
import { realClock } from '../../functions/shared/poll-deps.js';
import type { RegionClock } from '../clock.js';
import { FunctionRegistry, type LocalHandler } from '../lambda/function-registry.js';
import { createLambdaService } from '../lambda/lambda-service.js';
import { SchedulerService } from '../scheduler/scheduler-service.js';
import type { RegionService } from '../service.js';
import { loadAslDefinition } from '../stepfunctions/asl-definition.js';
import { StepFunctionsService } from '../stepfunctions/step-functions-service.js';
import { createControlPlaneTables } from './control-plane-tables.js';
import { localClientConfig, localClients } from './local-clients.js';

/** What the control plane needs from the region it is installed into. */

/** How long after a stopped execution ended its lock may be taken over, locally. */
export const LOCAL_LOCK_TAKEOVER_GRACE_MS = 2_000;
export interface RegionHost {
  readonly url: string;
  readonly accountId: string;
  readonly region: string;
  readonly clock: RegionClock;
  readonly log?: (line: string) => void;
  register(service: RegionService): void;
}

export interface ControlPlaneOptions {
  /** The calendar read-calendar reads when the execution names none (`file:///…yaml|json|ics`). */
  readonly calendarUrl?: string;
  /** The warmup manifest whose shapes pre-warms smoke-test (`file:///…/warmup.json`). */
  readonly warmupUrl?: string;
  /** Poll cadence of the rollout's DescribeEndpoint loop; local fleets settle in seconds. */
  readonly pollSeconds?: { readonly initial: number; readonly max: number };
  /**
   * Real milliseconds between the calendar syncs the region starts on its own: the twin of the
   * stack's hourly rule. Without a calendar, each ends lapsed windows only. Default: an hour of
   * schedule time (so `--speed` shortens it); 0 turns it off.
   */
  readonly calendarSyncEveryMs?: number;
}

export interface ControlPlane {
  readonly functions: FunctionRegistry;
  readonly stepFunctions: StepFunctionsService;
  readonly scheduler: SchedulerService;
  /** The Scheduler group sync-schedules manages. */
  readonly scheduleGroup: string;
  readonly stateMachineArns: Readonly<Record<'rollout' | 'prewarm' | 'calendarSync', string>>;
  close(): Promise<void>;
}

const STATE_MACHINE_DIR = fileURLToPath(new URL('../../state-machines/', import.meta.url));
const EXECUTION_ROLE_ARN = (account: string) => `arn:aws:iam::${account}:role/warmgate-sagemaker-execution`;
const SCHEDULE_GROUP = 'warmgate';
const HOUR_MS = 3_600_000;
const SCHEDULER_ROLE_ARN = (account: string) => `arn:aws:iam::${account}:role/warmgate-scheduler`;

/**
 * The variables the CDK stack gives the real Lambdas. The handler modules parse them at import
 * (their `export const handler = makeHandler(defaultDeps())`), so they are set, where unset,
 * before those modules load. The in-process functions themselves get explicit deps below.
 */
function applyLambdaEnvironment(accountId: string, region: string): void {
  const environment: Record<string, string> = {
    PREWARM_STATE_MACHINE_ARN: `arn:aws:states:${region}:${accountId}:stateMachine:warmgate-prewarm`,
    SCHEDULER_ROLE_ARN: SCHEDULER_ROLE_ARN(accountId),
    SCHEDULE_GROUP,
    WARMGATE_MODE: 'local',
    LOCK_TABLE_NAME: CONTROL_PLANE_TABLES.locks.name,
    LOCK_TAKEOVER_GRACE_SECONDS: String(LOCAL_LOCK_TAKEOVER_GRACE_MS / 1000),
    AUDIT_TABLE_NAME: CONTROL_PLANE_TABLES.audit.name,
    HOLDS_TABLE_NAME: CONTROL_PLANE_TABLES.holds.name,
    EXECUTION_ROLE_ARN: EXECUTION_ROLE_ARN(accountId),
    POWERTOOLS_SERVICE_NAME: 'warmgate',
    // In-process Lambdas share the region's stdout: their failures are in the execution history,
    // so their logs stay silent unless WARMGATE_DEBUG is set; and
    // skip EMF metric blobs that only CloudWatch Logs would turn into metrics.
    POWERTOOLS_LOG_LEVEL: process.env.WARMGATE_DEBUG ? 'DEBUG' : 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
  for (const [key, value] of Object.entries(environment)) process.env[key] ??= value;
}

/**
 * Installs warmgate's own serverless control plane into a local region: the DynamoDB tables,
 * the Lambda functions (the real handlers, called in-process with deps aimed at the region
 * itself through real SDK clients), and the state machines from state-machines/*.asl.json,
 * served through the Step Functions API. This is the local twin of infra/'s stack.
 */
export async function installControlPlane(
  region: RegionHost,
  options: ControlPlaneOptions = {},
): Promise<ControlPlane> {
  const { accountId, region: regionName } = region;
  applyLambdaEnvironment(accountId, regionName);
  const clients = localClients(region.url);
  await createControlPlaneTables(clients.dynamodb);

  const host = new SageMakerEndpointHost(clients.sagemaker);
  const scaling = new ApplicationAutoScalingVariantScaling(clients.scaling);
  const lock = new DynamoDbEndpointLock(clients.dynamodb, CONTROL_PLANE_TABLES.locks.name);
  const removedScaling = new DynamoDbRemovedScaling(clients.dynamodb, CONTROL_PLANE_TABLES.locks.name);
  const holds = new DynamoDbCapacityHolds(clients.dynamodb, CONTROL_PLANE_TABLES.holds.name);
  const poll = options.pollSeconds ?? { initial: 1, max: 2 };

  const [
    validatePlan,
    acquireLock,
    releaseLock,
    createOrUpdate,
    describeEndpoint,
    verify,
    ensureFloor,
    rollback,
    record,
    prewarmPlan,
    raiseFloor,
    checkCapacity,
    recordPrewarm,
    restoreFloor,
    readCalendar,
    syncSchedules,
    endLapsedWindows,
  ] = await Promise.all([
    import('../../functions/validate-plan/handler.js'),
    import('../../functions/acquire-lock/handler.js'),
    import('../../functions/release-lock/handler.js'),
    import('../../functions/create-or-update/handler.js'),
    import('../../functions/describe-endpoint/handler.js'),
    import('../../functions/verify-capacity/handler.js'),
    import('../../functions/ensure-floor/handler.js'),
    import('../../functions/rollback/handler.js'),
    import('../../functions/record/handler.js'),
    import('../../functions/prewarm-plan/handler.js'),
    import('../../functions/raise-floor/handler.js'),
    import('../../functions/check-capacity/handler.js'),
    import('../../functions/record-prewarm/handler.js'),
    import('../../functions/restore-floor/handler.js'),
    import('../../functions/read-calendar/handler.js'),
    import('../../functions/sync-schedules/handler.js'),
    import('../../functions/end-lapsed-windows/handler.js'),
  ]);
  const now = () => new Date();
  const pollDeps = {
    host,
    // Local fleets settle in seconds: look every 10 ms inside a step, for up to 10 s. A look is a
    // DescribeEndpoint on loopback; at 200 ms the wait for the next look was ~140 ms of a local
    // rollout, at 25 ms ~17 ms (bench/results/rollout-overhead.json). 10 ms gives back what the
    // lock fence's lease renewals (a DynamoDB write per changing step: two per successful rollout) added.
    policy: {
      ...DEFAULT_POLL_POLICY,
      initialSeconds: poll.initial,
      maxSeconds: poll.max,
      longPollMs: 10_000,
      longPollIntervalMs: 10,
    },
    random: Math.random,
    ...realClock,
  };
  const telemetry = {
    metrics: new CloudWatchMetricsSink(clients.cloudwatch),
    audit: new DynamoDbAuditLog(clients.dynamodb, CONTROL_PLANE_TABLES.audit.name),
    now,
  };
  const floorChange = { scaling, holds, lock, now };
  const handlers: Record<string, { substitution: string; handler: unknown }> = {
    'warmgate-validate-plan': {
      substitution: 'ValidatePlanFunctionArn',
      handler: validatePlan.makeHandler({ mode: 'local' }),
    },
    'warmgate-acquire-lock': {
      substitution: 'AcquireLockFunctionArn',
      handler: acquireLock.makeHandler({
        lock,
        executions: new StepFunctionsExecutionStatus(new SFNClient(localClientConfig(region.url))),
        // Local steps run in this process and answer in milliseconds; AWS waits out the longest
        // Lambda timeout (infra/step-catalog.ts).
        takeoverGraceMs: LOCAL_LOCK_TAKEOVER_GRACE_MS,
        now,
      }),
    },
    'warmgate-release-lock': {
      substitution: 'ReleaseLockFunctionArn',
      handler: releaseLock.makeHandler({ lock }),
    },
    'warmgate-create-or-update': {
      substitution: 'CreateOrUpdateFunctionArn',
      handler: createOrUpdate.makeHandler({
        host,
        scaling,
        removedScaling,
        holds,
        lock,
        executionRoleArn: EXECUTION_ROLE_ARN(accountId),
        rollbackAlarms: [],
        now,
      }),
    },
    'warmgate-describe-endpoint': {
      substitution: 'DescribeEndpointFunctionArn',
      handler: describeEndpoint.makeHandler(pollDeps),
    },
    'warmgate-verify-capacity': {
      substitution: 'VerifyCapacityFunctionArn',
      handler: verify.makeHandler({
        host,
        invoker: new SageMakerRuntimeInvoker(clients.runtime),
        now: () => performance.timeOrigin + performance.now(),
      }),
    },
    'warmgate-ensure-floor': {
      substitution: 'EnsureFloorFunctionArn',
      handler: ensureFloor.makeHandler({
        scaling,
        holds,
        removedScaling,
        lock,
        targetConcurrencyPerInstance: 4,
        now,
      }),
    },
    'warmgate-rollback': {
      substitution: 'RollbackFunctionArn',
      handler: rollback.makeHandler({ host, scaling, removedScaling, holds, lock, rollbackAlarms: [], now }),
    },
    'warmgate-record': {
      substitution: 'RecordFunctionArn',
      handler: record.makeHandler(telemetry),
    },
    'warmgate-prewarm-plan': { substitution: 'PrewarmPlanFunctionArn', handler: prewarmPlan.makeHandler() },
    'warmgate-raise-floor': {
      substitution: 'RaiseFloorFunctionArn',
      handler: raiseFloor.makeHandler(floorChange),
    },
    'warmgate-check-capacity': {
      substitution: 'CheckCapacityFunctionArn',
      handler: checkCapacity.makeHandler(pollDeps),
    },
    'warmgate-record-prewarm': {
      substitution: 'RecordPrewarmFunctionArn',
      handler: recordPrewarm.makeHandler(telemetry),
    },
    'warmgate-restore-floor': {
      substitution: 'RestoreFloorFunctionArn',
      handler: restoreFloor.makeHandler(floorChange),
    },
  };

  const functions = new FunctionRegistry({ accountId, region: regionName });
  const substitutions: Record<string, string> = {
    // Registered below, once the prewarm machine these start has its ARN.
    ReadCalendarFunctionArn: functions.arn('warmgate-read-calendar'),
    SyncSchedulesFunctionArn: functions.arn('warmgate-sync-schedules'),
    EndLapsedWindowsFunctionArn: functions.arn('warmgate-end-lapsed-windows'),
  };
  for (const [name, entry] of Object.entries(handlers)) {
    functions.register(name, entry.handler as LocalHandler);
    substitutions[entry.substitution] = functions.arn(name);
  }

  const stepFunctions = new StepFunctionsService({ accountId, region: regionName, functions });
  const rolloutArn = stepFunctions.registerStateMachine(
    'warmgate-rollout',
    loadAslDefinition(`${STATE_MACHINE_DIR}rollout.asl.json`, substitutions),
  );
  const prewarmArn = stepFunctions.registerStateMachine(
    'warmgate-prewarm',
    loadAslDefinition(`${STATE_MACHINE_DIR}prewarm.asl.json`, substitutions),
  );
  region.register(stepFunctions.asRegionService());

  // sync-schedules and end-lapsed-windows need the prewarm machine's ARN, so the calendar-sync
  // steps, and then their machine, are registered after the other machines.
  const scheduler = new SchedulerService({
    clock: region.clock,
    accountId,
    region: regionName,
    ...(region.log ? { log: region.log } : {}),
    fire: async ({ arn, input }) => {
      if (arn === START_EXECUTION_TARGET) {
        // The universal target: the input is the StartExecution request itself.
        const request = JSON.parse(input ?? '{}') as {
          StateMachineArn?: string;
          Name?: string;
          Input?: string;
        };
        await stepFunctions.handle('StartExecution', {
          stateMachineArn: request.StateMachineArn,
          ...(request.Name ? { name: request.Name } : {}),
          ...(request.Input ? { input: request.Input } : {}),
        });
        return;
      }
      await stepFunctions.handle('StartExecution', { stateMachineArn: arn, ...(input ? { input } : {}) });
    },
  });
  region.register(scheduler.asRegionService());
  const sfnClient = new SFNClient(localClientConfig(region.url));
  const schedulerClient = new SchedulerClient(localClientConfig(region.url));
  // sync-schedules starts due windows with it, end-lapsed-windows the endings.
  const prewarmStarter = new StepFunctionsPrewarmStarter(sfnClient, prewarmArn);
  functions.register(
    'warmgate-read-calendar',
    readCalendar.makeHandler({
      source: (event) => {
        const calendarUrl = event.calendarUrl ?? options.calendarUrl;
        if (!calendarUrl) throw ValidationError.field('calendarUrl', 'no calendar given and none configured');
        const warmupUrl = event.warmupUrl ?? options.warmupUrl;
        return calendarSource(
          'local',
          () => {
            throw ValidationError.field('calendarUrl', 'the local region reads calendars from file:// URLs');
          },
          calendarUrl,
          warmupUrl,
        );
      },
      horizonDays: 14,
      now: Date.now,
    }) as LocalHandler,
  );
  functions.register(
    'warmgate-sync-schedules',
    syncSchedules.makeHandler({
      schedules: new SchedulerPrewarmSchedules(schedulerClient, {
        groupName: SCHEDULE_GROUP,
        stateMachineArn: prewarmArn,
        roleArn: SCHEDULER_ROLE_ARN(accountId),
      }),
      starter: prewarmStarter,
      metrics: telemetry.metrics,
      now: Date.now,
    }) as LocalHandler,
  );
  functions.register(
    'warmgate-end-lapsed-windows',
    endLapsedWindows.makeHandler({
      holds,
      executions: new StepFunctionsExecutionStatus(sfnClient),
      starter: prewarmStarter,
      now,
    }) as LocalHandler,
  );
  const calendarSyncArn = stepFunctions.registerStateMachine(
    'warmgate-calendar-sync',
    loadAslDefinition(`${STATE_MACHINE_DIR}calendar-sync.asl.json`, substitutions),
  );
  region.register(createLambdaService(functions));

  const syncEveryMs = options.calendarSyncEveryMs ?? region.clock.realDelay(HOUR_MS);
  // Without a calendar there is nothing to schedule, but a pre-warm stopped with the CLI still
  // holds its floor: the timer then ends lapsed windows alone.
  const syncInput = options.calendarUrl ? '{}' : JSON.stringify({ lapsedWindowsOnly: true });
  const syncTimer =
    syncEveryMs > 0
      ? setInterval(() => {
          stepFunctions
            .handle('StartExecution', { stateMachineArn: calendarSyncArn, input: syncInput })
            .catch((error: unknown) =>
              region.log?.(`calendar sync could not start: ${(error as Error).message}`),
            );
        }, syncEveryMs).unref()
      : undefined;

  return {
    functions,
    stepFunctions,
    stateMachineArns: { rollout: rolloutArn, prewarm: prewarmArn, calendarSync: calendarSyncArn },
    scheduler,
    scheduleGroup: SCHEDULE_GROUP,
    async close() {
      clearInterval(syncTimer);
      scheduler.close();
      sfnClient.destroy();
      schedulerClient.destroy();
      stepFunctions.stopAll();
      await stepFunctions.settle();
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}
