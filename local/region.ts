import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as z from 'zod';
import { parseOrThrow } from '../core/validation.js';
import { createAutoScalingService } from './autoscaling/autoscaling-service.js';
import { ScalingEngine } from './autoscaling/scaling-engine.js';
import { ChildReaper } from './child-reaper.js';
import { createClock, type RegionClock } from './clock.js';
import { AlarmStore } from './cloudwatch/alarms.js';
import { createCloudWatchService } from './cloudwatch/cloudwatch-service.js';
import { MetricStore } from './cloudwatch/metric-store.js';
import { SageMakerMetrics } from './cloudwatch/sagemaker-metrics.js';
import { createControlService } from './control/control-service.js';
import { createDynamoDbService } from './dynamodb/dynamodb-service.js';
import { FaultInjector } from './faults.js';
import { Hosting } from './hosting/hosting.js';
import { defaultLauncher, type Launcher } from './hosting/launcher.js';
import { Router } from './router.js';
import { createRuntimeService } from './runtime/runtime-service.js';
import { createSageMakerService } from './sagemaker/sagemaker-service.js';
import type { RegionService } from './service.js';

/** The loopback address the region binds; it is never reachable from another machine. */
export const REGION_HOST = '127.0.0.1';

const RegionOptionsSchema = z.strictObject({
  /** 0 lets the OS choose; `warmgate local` defaults to 4566. */
  port: z.number().int().min(0).max(65535).default(0),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/)
    .default('us-east-1'),
  accountId: z
    .string()
    .regex(/^\d{12}$/)
    .default('123456789012'),
  /**
   * Time an instance takes to be provisioned before its container starts, per instance type. 0 by
   * default: locally there is no machine to provision, and an invented wait only delays the
   * developer; `--provisioning-delay` brings one back to rehearse slow instance types.
   */
  provisioningDelayMs: z.number().min(0).max(600_000).default(0),
  provisioningDelayByType: z.record(z.string(), z.number().min(0).max(600_000)).default({}),
  /** The schedule clock's speed: scheduled scaling actions fire this many times sooner. */
  speed: z.number().positive().max(10_000).default(1),
  /** Where instances get their model directories; a temporary directory when omitted. */
  stateDir: z.string().min(1).optional(),
  /** `file://` model URLs without a leading `/` resolve against this directory. */
  cwd: z.string().min(1).optional(),
  /** How often metrics are sampled, alarms evaluated and scaling decided. */
  tickMs: z.number().int().min(50).max(60_000).default(1000),
  /** SageMaker probes `/ping` about every second. */
  pingIntervalMs: z.number().int().min(50).max(60_000).default(1000),
  /**
   * Until an instance's first `/ping` passes, it is probed this often instead. The probe only
   * decides when traffic may start, and on loopback it costs nothing, so a warm container is put
   * in service within a few milliseconds of its gate opening rather than up to a second later
   * (bench/results/rollout-overhead.json measured that second as most of a local rollout's
   * overhead).
   */
  startupPingIntervalMs: z.number().int().min(5).max(60_000).default(10),
  /** A serving instance that fails this many probes in a row is replaced. */
  unhealthyAfter: z.number().int().min(1).max(100).default(3),
  /** How long a retiring instance may drain in-flight requests before SIGKILL. */
  drainMs: z.number().int().min(0).max(120_000).default(10_000),
  /**
   * Multiplies the durations AWS fixes: SageMaker's startup health-check timeout, bake intervals,
   * TerminationWaitInSeconds and MaximumExecutionTimeoutInSeconds; Application Auto Scaling's
   * target-tracking periods and cooldowns. 1 is faithful; tests use 0.05 to turn 60 s into 3 s.
   */
  timeScale: z.number().positive().max(1).default(1),
});

/** Options of {@link startRegion}; every field has a default. */
export type RegionOptions = z.input<typeof RegionOptionsSchema> & {
  /** One line per request and per notable hosting event. */
  readonly log?: (line: string) => void;
  /** Overrides how instances are started (default: container/launch.ts). */
  readonly launcher?: Launcher;
};

/** A running local region. */
export interface LocalRegion {
  /** `http://127.0.0.1:PORT`: what `AWS_ENDPOINT_URL` should be. */
  readonly url: string;
  readonly port: number;
  readonly region: string;
  readonly accountId: string;
  /** Fleets and instances, with a snapshot view and events. */
  readonly hosting: Hosting;
  /** API-level fault rules (the control API's `/_warmgate/faults` uses the same object). */
  readonly faults: FaultInjector;
  readonly clock: RegionClock;
  /** CloudWatch's metric data, including the AWS/SageMaker metrics of routed traffic. */
  readonly metrics: MetricStore;
  readonly alarms: AlarmStore;
  /** Application Auto Scaling's targets, policies, scheduled actions and activities. */
  readonly scaling: ScalingEngine;
  /** Adds a service (Step Functions, Scheduler, the dashboard) to the region's port. */
  register(service: RegionService): void;
  /** Runs `hook` during {@link LocalRegion.close}, before the children are ended. */
  onClose(hook: () => unknown): void;
  /** Ends every child process and stops listening. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the local region: one HTTP server on 127.0.0.1 serving the AWS APIs warmgate calls, with
 * SageMaker endpoints hosted by real container processes.
 *
 * @throws ValidationError when an option is out of range.
 */
export async function startRegion(options: RegionOptions = {}): Promise<LocalRegion> {
  const { log: logOption, launcher, ...rest } = options;
  const config = parseOrThrow(RegionOptionsSchema, rest, 'options');
  const log = logOption ?? (() => undefined);
  const onUnexpected = (error: unknown) =>
    log(`unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  const ownsStateDir = config.stateDir === undefined;
  const stateDir = config.stateDir ?? (await mkdtemp(join(tmpdir(), 'warmgate-local-')));
  const clock = createClock(config.speed);
  const faults = new FaultInjector();
  const reaper = new ChildReaper();
  const closeHooks: Array<() => unknown> = [];

  let loadLauncher: Promise<Launcher> | undefined;
  const hosting = new Hosting({
    stateDir,
    launcher: () => {
      loadLauncher ??= launcher ? Promise.resolve(launcher) : defaultLauncher();
      return loadLauncher;
    },
    reaper,
    pingIntervalMs: config.pingIntervalMs,
    startupPingIntervalMs: config.startupPingIntervalMs,
    unhealthyAfter: config.unhealthyAfter,
    drainMs: config.drainMs,
    timeScale: config.timeScale,
    provisioningDelayMs: (type) => config.provisioningDelayByType[type] ?? config.provisioningDelayMs,
    alarmStates: (names) =>
      new Map(names.map((name) => [name, alarms.get(name)?.state ?? 'INSUFFICIENT_DATA'])),
    log,
  });
  const metrics = new MetricStore();
  const alarms = new AlarmStore(
    metrics,
    (name) => `arn:aws:cloudwatch:${config.region}:${config.accountId}:alarm:${name}`,
  );
  const sageMakerMetrics = new SageMakerMetrics(metrics, clock.now, (endpointName, variantName) => {
    const variant = hosting.get(endpointName)?.current.variants.get(variantName as never);
    return variant?.fleet.currentCount ?? 0;
  });
  const scaling = new ScalingEngine({
    hosting,
    metrics,
    alarms,
    clock,
    timeScale: config.timeScale,
    region: config.region,
    accountId: config.accountId,
    log,
  });
  hosting.subscribe((event) => {
    if (event.kind === 'endpoint-status') {
      const reason = event.failureReason ? ` (${event.failureReason})` : '';
      const change = event.previous === event.status ? event.status : `${event.previous} -> ${event.status}`;
      log(`endpoint ${event.endpointName}: ${change}${reason}`);
    }
  });

  const router = new Router({
    accountId: config.accountId,
    region: config.region,
    faults,
    log,
    onUnexpected,
  });
  router.register(createControlService({ hosting, faults, clock, onUnexpected }));
  router.register(
    createSageMakerService({
      hosting,
      accountId: config.accountId,
      region: config.region,
      cwd: config.cwd ?? process.cwd(),
      autoscaledVariants: (endpointName) => scaling.autoscaledVariants(endpointName),
      onUnexpected,
    }),
  );
  router.register(
    createRuntimeService({
      hosting,
      region: config.region,
      onInvocation: (record) => sageMakerMetrics.recordInvocation(record),
      onUnexpected,
    }),
  );
  router.register(createAutoScalingService(scaling, onUnexpected));
  router.register(createCloudWatchService({ metrics, alarms, clock, onUnexpected }));
  router.register(createDynamoDbService());

  // One heartbeat drives the things AWS does on its own clock: concurrency metrics, alarm
  // evaluation, then scaling decisions that read those alarms.
  const ticker = setInterval(() => {
    try {
      sageMakerMetrics.recordConcurrency(hosting.sampleConcurrency());
      alarms.evaluateAll(clock.now());
      scaling.tick();
    } catch (error) {
      onUnexpected(error);
    }
  }, config.tickMs);
  ticker.unref();

  const server = createServer({ keepAliveTimeout: 65_000 }, router.handle);
  const port = await listen(server, config.port).catch(async (error: unknown) => {
    clearInterval(ticker);
    reaper.close();
    if (ownsStateDir) await rm(stateDir, { recursive: true, force: true });
    throw error;
  });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      clearInterval(ticker);
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      for (const hook of closeHooks) await Promise.resolve(hook()).catch(onUnexpected);
      await hosting.close();
      server.closeAllConnections();
      await stopped;
      for (const raw of router.rawServices()) await raw.close?.().catch(onUnexpected);
      reaper.close();
      if (ownsStateDir) await rm(stateDir, { recursive: true, force: true });
    })();
    return closing;
  };

  return {
    url: `http://${REGION_HOST}:${port}`,
    port,
    region: config.region,
    accountId: config.accountId,
    hosting,
    faults,
    clock,
    metrics,
    alarms,
    scaling,
    register: (service) => router.register(service),
    onClose: (hook) => closeHooks.push(hook),
    close,
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, REGION_HOST, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
