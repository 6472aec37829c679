/**
 * Shared plumbing for the rollout benchmarks: a local stack (region + control plane) with the
 * example model in two versions, rollouts started and timed through the Step Functions API, their
 * execution history, and each instance's own readiness timeline read from its `/status`.
 */
import { DeregisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import { DeleteEndpointCommand } from '@aws-sdk/client-sagemaker';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { InstanceView } from '../local/hosting/instance.js';
import {
  IMAGE,
  type ModelStack,
  type StackOptions,
  startModelStack,
  type WarmupShape,
} from '../test/integration/support/model-stack.js';
import { http } from './container-harness.js';

export { IMAGE, type StackOptions, type WarmupShape };

/** A local stack with SDK clients, the example model as v1 and v2, and its warmup shapes. */
export type RolloutBench = ModelStack;

/**
 * Starts a local stack for a benchmark, with the region's own defaults unless `options` say
 * otherwise (the tests' fixture speeds them up; a benchmark measures them).
 */
export function startRolloutBench(options: StackOptions = {}): Promise<RolloutBench> {
  return startModelStack(options);
}

/** A rollout request for the local region: all-at-once with no bake time, the fastest strategy. */
export function rolloutRequest(
  endpoint: string,
  modelDir: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    endpoint,
    image: IMAGE,
    modelDataUrl: `file://${modelDir}`,
    instanceCount: 2,
    minCapacity: 2,
    maxCapacity: 4,
    strategy: { type: 'all-at-once', waitIntervalSeconds: 0 },
    ...extra,
  };
}

export interface RolloutRun {
  readonly executionArn: string;
  readonly status: string;
  readonly cause: string | undefined;
  /** Epoch ms just before StartExecution was sent. */
  readonly startedAt: number;
  /** Epoch ms when DescribeExecution first answered a final status. */
  readonly observedDoneAt: number;
  /** StartExecution → a final status seen by the client. */
  readonly wallMs: number;
  readonly history: HistoryEvent[];
}

/**
 * Starts a rollout through the Step Functions API, polls DescribeExecution every `pollMs` until
 * it stops, and reads its whole history.
 */
export async function runRollout(
  bench: RolloutBench,
  request: Record<string, unknown>,
  options: {
    pollMs?: number;
    timeoutMs?: number;
    /** The verify step's smoke requests; the bench's warmup shapes unless given. */
    smokeShapes?: readonly unknown[];
  } = {},
): Promise<RolloutRun> {
  const pollMs = options.pollMs ?? 10;
  const startedAt = Date.now();
  const t0 = performance.now();
  const out = await bench.sfn.send(
    new StartExecutionCommand({
      stateMachineArn: bench.stack.controlPlane.stateMachineArns.rollout,
      input: JSON.stringify({ request, smokeShapes: options.smokeShapes ?? bench.shapes }),
    }),
  );
  const executionArn = out.executionArn ?? '';
  const deadline = t0 + (options.timeoutMs ?? 180_000);
  for (;;) {
    const described = await bench.sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status !== 'RUNNING') {
      const wallMs = performance.now() - t0;
      return {
        executionArn,
        status: described.status ?? 'UNKNOWN',
        cause: described.cause,
        startedAt,
        observedDoneAt: startedAt + wallMs,
        wallMs,
        history: await executionHistory(bench.sfn, executionArn),
      };
    }
    if (performance.now() > deadline) throw new Error(`rollout ${executionArn} still RUNNING after timeout`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** Every history event of an execution, oldest first, following nextToken. */
export async function executionHistory(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, ...(nextToken ? { nextToken } : {}) }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** One state's visit: when it was entered and when the next state was entered (or the execution ended). */
export interface StateVisit {
  readonly name: string;
  readonly type: string;
  readonly enteredAt: number;
  readonly leftAt: number;
  /** The state's output (Task: the Lambda's result), parsed, when the history holds it. */
  readonly output: unknown;
}

/** The states an execution went through, in order, with epoch-ms times. */
export function stateVisits(history: readonly HistoryEvent[]): StateVisit[] {
  const visits: Array<{ name: string; type: string; enteredAt: number; output: unknown }> = [];
  let endedAt = Number.NaN;
  for (const event of history) {
    const at = event.timestamp ? event.timestamp.getTime() : Number.NaN;
    if (event.type?.endsWith('StateEntered')) {
      visits.push({
        name: event.stateEnteredEventDetails?.name ?? '?',
        type: event.type.replace(/StateEntered$/, ''),
        enteredAt: at,
        output: undefined,
      });
    } else if (event.type?.endsWith('StateExited')) {
      const last = visits.at(-1);
      const text = event.stateExitedEventDetails?.output;
      if (last && text) last.output = JSON.parse(text);
    } else if (event.type?.startsWith('Execution') && event.type !== 'ExecutionStarted') {
      endedAt = at;
    }
  }
  return visits.map((visit, i) => ({ ...visit, leftAt: visits[i + 1]?.enteredAt ?? endedAt }));
}

/**
 * Billable state transitions, counted the way AWS bills a Standard workflow: every state entered
 * is one, and every Lambda retry is one more ("each retry will be charged as an additional state
 * transition"). A retry shows in the history as a further `LambdaFunctionScheduled` for the same
 * state entry.
 */
export function transitionsOf(history: readonly HistoryEvent[]): {
  readonly statesEntered: number;
  readonly retries: number;
  readonly billed: number;
  readonly byState: Record<string, number>;
} {
  const byState: Record<string, number> = {};
  let statesEntered = 0;
  let taskEntries = 0;
  let scheduled = 0;
  for (const event of history) {
    if (event.type?.endsWith('StateEntered')) {
      statesEntered += 1;
      const name = event.stateEnteredEventDetails?.name ?? '?';
      byState[name] = (byState[name] ?? 0) + 1;
      if (event.type === 'TaskStateEntered') taskEntries += 1;
    } else if (event.type === 'LambdaFunctionScheduled') {
      scheduled += 1;
    }
  }
  const retries = Math.max(0, scheduled - taskEntries);
  return { statesEntered, retries, billed: statesEntered + retries, byState };
}

/** A container's own readiness timeline, on the bench's epoch-ms clock. */
export interface ContainerTimeline {
  readonly phase: string;
  /** Epoch ms of the container's process time origin (its `booting` start). */
  readonly processStartAt: number;
  /** Epoch ms when its gate entered `ready` (warmup done); undefined while not there yet. */
  readonly warmedAt: number | undefined;
  /** Process start → `ready`, on the container's own clock: its time to ready. */
  readonly timeToReadyMs: number | undefined;
  readonly phasesMs: Record<string, number>;
  readonly gated: boolean;
}

interface StatusBody {
  phase: string;
  gated: boolean;
  uptimeMs: number;
  phases: Array<{ phase: string; startMs: number; durationMs?: number }>;
}

/**
 * Reads an instance's `/status` once and places its phase timings on this process's epoch clock:
 * the container reports its uptime at answer time, so its process started at (midpoint of the
 * request) − uptime. Undefined when the container does not answer.
 */
export async function containerTimeline(port: number): Promise<ContainerTimeline | undefined> {
  const sentAt = Date.now();
  const t0 = performance.now();
  const answer = await http(`http://127.0.0.1:${port}/status`, { timeoutMs: 2000 });
  if (answer.status !== 200) return undefined;
  const midpoint = sentAt + (performance.now() - t0) / 2;
  const status = JSON.parse(answer.body) as StatusBody;
  const processStartAt = midpoint - status.uptimeMs;
  const ready = status.phases.find((p) => p.phase === 'ready');
  return {
    phase: status.phase,
    processStartAt,
    warmedAt: ready ? processStartAt + ready.startMs : undefined,
    timeToReadyMs: ready?.startMs,
    phasesMs: Object.fromEntries(
      status.phases.filter((p) => p.durationMs !== undefined).map((p) => [p.phase, p.durationMs as number]),
    ),
    gated: status.gated,
  };
}

/** What is known about one instance of the region: its hosting view and its container's timeline. */
export interface TrackedInstance {
  readonly id: string;
  readonly endpointName: string;
  readonly configName: string;
  launchedAt: number;
  /** Epoch ms when the region's `/ping` probe first passed. */
  readyAt: number | undefined;
  port: number | undefined;
  timeline: ContainerTimeline | undefined;
}

/**
 * Follows every instance the region starts: its hosting `readyAt` (from snapshot events) and,
 * as soon as its container has finished warming (or failed), its `/status` timeline. Instances are
 * kept after they end, so requests they served can still be judged.
 */
export function trackInstances(bench: RolloutBench): {
  readonly instances: Map<string, TrackedInstance>;
  /** Waits until every known live instance has a final timeline (or `timeoutMs` passes). */
  settle(timeoutMs?: number): Promise<void>;
  stop(): void;
} {
  const instances = new Map<string, TrackedInstance>();
  const polling = new Set<string>();
  let stopped = false;
  const poll = async (tracked: TrackedInstance) => {
    if (polling.has(tracked.id)) return;
    polling.add(tracked.id);
    try {
      while (!stopped && tracked.port !== undefined) {
        const timeline = await containerTimeline(tracked.port);
        if (timeline) tracked.timeline = timeline;
        if (timeline && (timeline.phase === 'ready' || timeline.phase === 'failed')) return;
        if (!live(tracked.id)) return;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    } finally {
      polling.delete(tracked.id);
    }
  };
  const views = (): InstanceView[] =>
    bench.stack.region.hosting.snapshot().flatMap((e) => e.fleets.flatMap((f) => f.instances));
  const live = (id: string) =>
    views().some((v) => v.id === id && v.phase !== 'terminated' && v.phase !== 'failed');
  const refresh = () => {
    for (const view of views()) {
      let tracked = instances.get(view.id);
      if (!tracked) {
        tracked = {
          id: view.id,
          endpointName: view.endpointName,
          configName: view.configName,
          launchedAt: Date.parse(view.launchedAt),
          readyAt: undefined,
          port: undefined,
          timeline: undefined,
        };
        instances.set(view.id, tracked);
      }
      if (view.readyAt && tracked.readyAt === undefined) tracked.readyAt = Date.parse(view.readyAt);
      if (view.port !== undefined && view.pid !== undefined) tracked.port = view.port;
      const final = tracked.timeline?.phase === 'ready' || tracked.timeline?.phase === 'failed';
      if (tracked.port !== undefined && !final && view.phase !== 'terminating') void poll(tracked);
    }
  };
  refresh();
  const unsubscribe = bench.stack.region.hosting.subscribe(refresh);
  return {
    instances,
    async settle(timeoutMs = 30_000) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        refresh();
        const open = views().filter((v) => {
          if (v.phase === 'terminated' || v.phase === 'failed' || v.phase === 'terminating') return false;
          const phase = instances.get(v.id)?.timeline?.phase;
          return phase !== 'ready' && phase !== 'failed';
        });
        if (open.length === 0 || performance.now() > deadline) return;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    stop() {
      stopped = true;
      unsubscribe();
    },
  };
}

/** Waits until `check` holds, polling every `everyMs`. */
export async function until(check: () => boolean, timeoutMs = 60_000, everyMs = 20): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * Deletes a bench endpoint, drops its scalable target (a rollout registered one) and waits until
 * the region has ended its instances, so the next run starts on an idle machine. With
 * `tolerateMissing` a failed delete is ignored (cleanup after a run that may not have created it).
 */
export async function removeBenchEndpoint(
  bench: RolloutBench,
  endpoint: string,
  timeoutMs: number,
  tolerateMissing = false,
): Promise<void> {
  const deleting = bench.sagemaker.send(new DeleteEndpointCommand({ EndpointName: endpoint }));
  await (tolerateMissing ? deleting.catch(() => undefined) : deleting);
  await bench.scaling
    .send(
      new DeregisterScalableTargetCommand({
        ServiceNamespace: 'sagemaker',
        ResourceId: `endpoint/${endpoint}/variant/AllTraffic`,
        ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      }),
    )
    .catch(() => undefined);
  await until(() => bench.stack.region.hosting.get(endpoint) === undefined, timeoutMs);
}
