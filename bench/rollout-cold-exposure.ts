/**
 * bench/rollout-cold-exposure: how many requests meet a cold instance while an endpoint scales
 * out from 2 to 4 instances and is then rolled out to a new version, under a steady mixed-shape
 * load, for the gated container and, side by side in the same run, the naive `--no-gate` one.
 *
 *   node --import tsx bench/rollout-cold-exposure.ts
 *
 * Per endpoint: a rollout creates it (2 instances, v1; no load yet); once both containers have
 * warmed, a few paced clients send the warmup.json shapes (short / medium / long, in turn) through
 * InvokeEndpoint for the whole sequence: a steady window (the warm baseline), then
 * UpdateEndpointWeightsAndCapacities to 4 instances, then a rollout to v2 through the rollout
 * state machine, each followed by a short tail. The naive endpoint is the same rollout with
 * `Environment: { WARMGATE_GATE: 'off' }`, which the local region starts with `--no-gate`.
 *
 * Each request is judged at the moment the region handed it to an instance (recorded by a probe
 * on the region's Instance.invoke, matched by the request's CustomAttributes tag): it is *cold*
 * when that instance's `/ping` had not passed then, or when its container was not yet `ready`
 * (still loading or warming, by its `/status` phase timings placed on this clock). A `--no-gate`
 * container runs no warmup at all (container/args.ts), so it never completes one: for it, the
 * first request of each shape after its model loaded is counted cold too (it pays the session's
 * first-run cost that the gated container pays during warmup); later requests of that shape are
 * warmed by traffic and counted separately, not as cold. Latency is the client's InvokeEndpoint
 * round trip. The SDK client makes one attempt per request, so failures show.
 */
import {
  DescribeEndpointCommand,
  UpdateEndpointWeightsAndCapacitiesCommand,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { localClientConfig } from '../local/control-plane/local-clients.js';
import { Instance } from '../local/hosting/instance.js';
import { percentile, round, writeReport } from './container-harness.js';
import {
  type RolloutBench,
  removeBenchEndpoint,
  rolloutRequest,
  runRollout,
  startRolloutBench,
  type TrackedInstance,
  trackInstances,
} from './rollout-harness.js';

const REPS = Number(process.env.BENCH_REPS ?? 3);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 3);
/** Each client sends one request every PACE_MS at most: about 150 requests/s in all, well under saturation. */
const PACE_MS = Number(process.env.BENCH_PACE_MS ?? 20);
const STEADY_MS = Number(process.env.BENCH_STEADY_MS ?? 8000);
const TAIL_MS = Number(process.env.BENCH_TAIL_MS ?? 3000);
/**
 * How often serving instances are probed (the region's default is every second, as SageMaker
 * does). Starting instances are probed every 10 ms by the region's default, so the no-gate
 * container, which passes /ping as soon as it listens, takes traffic within ~10 ms of listening:
 * its cold window is not hidden behind the probe's lag.
 */
const PING_INTERVAL_MS = Number(process.env.BENCH_PING_INTERVAL_MS ?? 100);
/**
 * The latency target per shape: this many times that shape's p99 on warm fleets in the same run.
 * Not 3 × p50: on this shared 2-core machine the warm steady p99 is itself several times the p50
 * (other work preempts the region), so a p50 multiple would flag a tenth of all warm requests.
 */
const TARGET_TIMES_P99 = 2;
/**
 * The control for a new instance's first request: requests of the same shape and endpoint served
 * by instances that were already warm before the event, started within this many ms of it. New
 * containers boot on the same 2 cores as the serving ones here (on AWS each instance is its own
 * machine), so a slow first request is only evidence of a cold instance when it is also slower
 * than the warm fleet was at that moment.
 */
const CONTROL_WINDOW_MS = 1000;

type Variant = 'gated' | 'naive';
type Phase = 'steady' | 'scale-out' | 'rollout';

interface Routed {
  readonly at: number;
  readonly instance: string;
  readonly pingPassed: boolean;
}

interface RequestRecord {
  readonly variant: Variant;
  readonly rep: number;
  readonly phase: Phase;
  readonly shape: string;
  readonly startedAt: number;
  readonly latencyMs: number;
  readonly ok: boolean;
  readonly error: string | undefined;
  readonly routed: Routed | undefined;
}

// The probe: the region is in this process, so the moment it hands a request to an instance can
// be read exactly. Judging "at request start" there, rather than at the client's timestamp a
// millisecond earlier, keeps a request that raced an instance's first passing probe from being
// miscounted either way.
const routedByTag = new Map<string, Routed>();
const TAG_HEADER = 'x-amzn-sagemaker-custom-attributes';
const originalInvoke = Instance.prototype.invoke;
if (typeof originalInvoke !== 'function')
  throw new Error('Instance.prototype.invoke is gone: update the probe');
Instance.prototype.invoke = function (this: Instance, body, headers) {
  const tag = headers[TAG_HEADER];
  if (tag?.startsWith('bench=')) {
    routedByTag.set(tag, { at: Date.now(), instance: this.id, pingPassed: this.pingPassed });
  }
  return originalInvoke.call(this, body, headers);
};

let sequence = 0;

/** Paced clients cycling through the shapes until `stop` is set; every request is recorded. */
function startLoad(
  runtime: SageMakerRuntimeClient,
  bench: RolloutBench,
  endpoint: string,
  context: { variant: Variant; rep: number; phase: () => Phase },
  records: RequestRecord[],
): () => Promise<void> {
  let running = true;
  const bodies = bench.shapes.map((s) => ({ name: s.name, body: JSON.stringify(s.body) }));
  const client = async (offset: number) => {
    for (let n = offset; running; n += 1) {
      const shape = bodies[n % bodies.length] as { name: string; body: string };
      sequence += 1;
      const tag = `bench=${sequence}`;
      const phase = context.phase();
      const startedAt = Date.now();
      const t0 = performance.now();
      let ok = true;
      let error: string | undefined;
      try {
        await runtime.send(
          new InvokeEndpointCommand({
            EndpointName: endpoint,
            ContentType: 'application/json',
            CustomAttributes: tag,
            Body: shape.body,
          }),
        );
      } catch (e) {
        ok = false;
        error = e instanceof Error ? `${e.name}: ${e.message.slice(0, 160)}` : String(e);
      }
      const latencyMs = performance.now() - t0;
      records.push({
        variant: context.variant,
        rep: context.rep,
        phase,
        shape: shape.name,
        startedAt,
        latencyMs,
        ok,
        error,
        routed: routedByTag.get(tag),
      });
      routedByTag.delete(tag);
      const rest = PACE_MS - latencyMs;
      if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
    }
  };
  const clients = Array.from({ length: CLIENTS }, (_, i) => client(i));
  return async () => {
    running = false;
    await Promise.all(clients);
  };
}

async function currentCount(
  bench: RolloutBench,
  endpoint: string,
): Promise<{ status: string; current: number }> {
  const d = await bench.sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpoint }));
  return { status: d.EndpointStatus ?? '', current: d.ProductionVariants?.[0]?.CurrentInstanceCount ?? 0 };
}

interface Sequence {
  readonly variant: Variant;
  readonly rep: number;
  readonly createMs: number;
  readonly scaleOutMs: number;
  readonly rollout: { readonly status: string; readonly wallMs: number; readonly cause: string | undefined };
  readonly instancesAtEnd: number;
}

/** One endpoint's whole sequence under load. */
async function runSequence(
  bench: RolloutBench,
  runtime: SageMakerRuntimeClient,
  tracker: ReturnType<typeof trackInstances>,
  variant: Variant,
  rep: number,
  records: RequestRecord[],
): Promise<Sequence> {
  const endpoint = `cold-${variant}-${rep}`;
  const extra = variant === 'naive' ? { environment: { WARMGATE_GATE: 'off' } } : {};
  // The naive baseline is a rollout without warmgate's checks as well as without the gate: with
  // the smoke test, its rollouts fail whenever a container passes /ping before its model loads
  // (MODEL_NOT_LOADED), and the naive fleet would never serve.
  const smoke = variant === 'naive' ? { smokeShapes: [] } : {};
  const created = await runRollout(bench, rolloutRequest(endpoint, bench.modelV1, extra), smoke);
  if (created.status !== 'SUCCEEDED')
    throw new Error(`${endpoint} create: ${created.status} ${created.cause ?? ''}`);
  // The baseline must be a warm fleet: the naive containers keep warming after /ping says 200.
  await tracker.settle();

  let phase: Phase = 'steady';
  const stop = startLoad(runtime, bench, endpoint, { variant, rep, phase: () => phase }, records);
  try {
    await new Promise((resolve) => setTimeout(resolve, STEADY_MS));

    phase = 'scale-out';
    const scaleStart = performance.now();
    await bench.sagemaker.send(
      new UpdateEndpointWeightsAndCapacitiesCommand({
        EndpointName: endpoint,
        DesiredWeightsAndCapacities: [{ VariantName: 'AllTraffic', DesiredInstanceCount: 4 }],
      }),
    );
    for (;;) {
      const c = await currentCount(bench, endpoint);
      if (c.status === 'InService' && c.current >= 4) break;
      if (c.status === 'Failed') throw new Error(`${endpoint}: scale-out failed`);
      if (performance.now() - scaleStart > 60_000) throw new Error(`${endpoint}: scale-out took over 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const scaleOutMs = performance.now() - scaleStart;
    await new Promise((resolve) => setTimeout(resolve, TAIL_MS));

    phase = 'rollout';
    const rolled = await runRollout(bench, rolloutRequest(endpoint, bench.modelV2, extra), smoke);
    await new Promise((resolve) => setTimeout(resolve, TAIL_MS));
    await stop();
    const end = await currentCount(bench, endpoint);
    await tracker.settle();
    return {
      variant,
      rep,
      createMs: round(created.wallMs),
      scaleOutMs: round(scaleOutMs),
      rollout: { status: rolled.status, wallMs: round(rolled.wallMs), cause: rolled.cause },
      instancesAtEnd: end.current,
    };
  } finally {
    await stop();
    await removeBenchEndpoint(bench, endpoint, 60_000, true);
  }
}

type Verdict =
  | 'warm'
  | 'before-ping'
  | 'before-ready'
  | 'unwarmed-first-of-shape'
  | 'unwarmed-warmed-by-traffic'
  | 'unknown-instance'
  | 'not-routed';
const COLD: ReadonlySet<Verdict> = new Set(['before-ping', 'before-ready', 'unwarmed-first-of-shape']);

type Judged = RequestRecord & { readonly verdict: Verdict; readonly newInstance: boolean };

/** Judges every request, in the order the region routed them. */
function judgeAll(
  records: readonly RequestRecord[],
  instances: ReadonlyMap<string, TrackedInstance>,
): Judged[] {
  const served = new Set<string>();
  const firstPhase = new Map<string, Phase>();
  const routedOrder = [...records].sort(
    (a, b) => (a.routed?.at ?? a.startedAt) - (b.routed?.at ?? b.startedAt),
  );
  return routedOrder.map((r): Judged => {
    const routed = r.routed;
    if (!routed) return { ...r, verdict: 'not-routed', newInstance: false };
    if (!firstPhase.has(routed.instance)) firstPhase.set(routed.instance, r.phase);
    // An instance first seen by the load after its steady window was started by the scale-out or the rollout.
    const newInstance = firstPhase.get(routed.instance) !== 'steady';
    const instance = instances.get(routed.instance);
    const verdict = ((): Verdict => {
      if (!routed.pingPassed) return 'before-ping';
      if (!instance) return 'unknown-instance';
      if (instance.readyAt === undefined || routed.at < instance.readyAt) return 'before-ping';
      const readyAt = instance.timeline?.warmedAt;
      if (readyAt === undefined || routed.at < readyAt) return 'before-ready';
      if (instance.timeline?.phasesMs.warming !== undefined) return 'warm';
      const key = `${routed.instance}|${r.shape}`;
      if (served.has(key)) return 'unwarmed-warmed-by-traffic';
      served.add(key);
      return 'unwarmed-first-of-shape';
    })();
    return { ...r, verdict, newInstance };
  });
}

async function main(): Promise<void> {
  const bench = await startRolloutBench({ pingIntervalMs: PING_INTERVAL_MS });
  const runtime = new SageMakerRuntimeClient({
    ...localClientConfig(bench.stack.region.url),
    maxAttempts: 1,
  });
  const tracker = trackInstances(bench);
  const records: RequestRecord[] = [];
  const sequences: Sequence[] = [];
  try {
    for (let rep = 1; rep <= REPS; rep += 1) {
      // Alternate which variant goes first, so drift on the machine weighs on both alike.
      const order: Variant[] = rep % 2 === 1 ? ['gated', 'naive'] : ['naive', 'gated'];
      for (const variant of order) {
        sequences.push(await runSequence(bench, runtime, tracker, variant, rep, records));
        const last = sequences.at(-1);
        process.stderr.write(
          `${variant} rep ${rep}: scale-out ${last?.scaleOutMs} ms, rollout ${last?.rollout.status} in ${last?.rollout.wallMs} ms, ${records.length} requests so far\n`,
        );
      }
    }
  } finally {
    tracker.stop();
    runtime.destroy();
    await bench.close();
  }

  // The latency target, per shape, from the warm steady windows of both fleets in this run.
  const shapes = bench.shapes.map((s) => s.name);
  const judged = judgeAll(records, tracker.instances);
  const steadyWarm = judged.filter(
    (r) =>
      r.phase === 'steady' && r.ok && (r.verdict === 'warm' || r.verdict === 'unwarmed-warmed-by-traffic'),
  );
  const baseline = Object.fromEntries(
    shapes.map((shape) => {
      const ms = steadyWarm.filter((r) => r.shape === shape).map((r) => r.latencyMs);
      const p99 = percentile(ms, 99);
      return [
        shape,
        {
          requests: ms.length,
          p50Ms: round(percentile(ms, 50), 2),
          p99Ms: round(p99, 2),
          targetMs: round(TARGET_TIMES_P99 * p99, 2),
        },
      ];
    }),
  ) as Record<string, { requests: number; p50Ms: number; p99Ms: number; targetMs: number }>;

  const overTarget = (r: Judged) =>
    r.ok && r.latencyMs > (baseline[r.shape]?.targetMs ?? Number.POSITIVE_INFINITY);
  const overP99 = (r: Judged) => r.ok && r.latencyMs > (baseline[r.shape]?.p99Ms ?? Number.POSITIVE_INFINITY);
  const cold = (r: Judged) => COLD.has(r.verdict);
  const okMs = (rows: readonly Judged[]) => rows.filter((r) => r.ok).map((r) => r.latencyMs);
  const tally = (rows: readonly Judged[]) => ({
    requests: rows.length,
    coldInstance: rows.filter(cold).length,
    coldBeforePing: rows.filter((r) => r.verdict === 'before-ping').length,
    coldBeforeReady: rows.filter((r) => r.verdict === 'before-ready').length,
    coldUnwarmedFirstOfShape: rows.filter((r) => r.verdict === 'unwarmed-first-of-shape').length,
    servedByNeverWarmedInstance: rows.filter(
      (r) => r.verdict === 'unwarmed-first-of-shape' || r.verdict === 'unwarmed-warmed-by-traffic',
    ).length,
    overLatencyTarget: rows.filter(overTarget).length,
    overLatencyTargetOnColdInstance: rows.filter((r) => overTarget(r) && cold(r)).length,
    overLatencyTargetOnNewInstances: rows.filter((r) => overTarget(r) && r.newInstance).length,
    overLatencyTargetOnPreexistingInstances: rows.filter((r) => overTarget(r) && !r.newInstance).length,
    overWarmP99: rows.filter(overP99).length,
    failed: rows.filter((r) => !r.ok).length,
    failedOnColdInstance: rows.filter((r) => !r.ok && cold(r)).length,
    unjudged: rows.filter((r) => r.verdict === 'unknown-instance' || r.verdict === 'not-routed').length,
    p50Ms: round(percentile(okMs(rows), 50), 2),
    p99Ms: round(percentile(okMs(rows), 99), 2),
    maxMs: round(Math.max(0, ...okMs(rows)), 1),
  });
  /** The slowest same-shape request on an already-warm instance of the same endpoint near `r`. */
  const warmFleetAtTheTime = (r: Judged, rows: readonly Judged[]): number | undefined => {
    const near = rows.filter(
      (o) =>
        o.ok &&
        o.routed &&
        !o.newInstance &&
        o.variant === r.variant &&
        o.rep === r.rep &&
        o.shape === r.shape &&
        Math.abs(o.startedAt - r.startedAt) <= CONTROL_WINDOW_MS,
    );
    return near.length === 0 ? undefined : Math.max(...near.map((o) => o.latencyMs));
  };
  /** Each new instance's first load request of each shape: the request warmgate exists for. */
  const firstRequests = (rows: readonly Judged[]) => {
    const seen = new Set<string>();
    const firsts = rows.filter((r) => {
      if (!r.newInstance || !r.routed) return false;
      const key = `${r.routed.instance}|${r.shape}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    // Over target, and slower than every warm instance serving the same shape at the same time.
    const slowerThanWarmFleet = (r: Judged) => {
      const control = warmFleetAtTheTime(r, rows);
      return overTarget(r) && (control === undefined || r.latencyMs > control);
    };
    return {
      requests: firsts.length,
      failed: firsts.filter((r) => !r.ok).length,
      overLatencyTarget: firsts.filter(overTarget).length,
      overLatencyTargetAndSlowerThanWarmFleet: firsts.filter(slowerThanWarmFleet).length,
      withoutControl: firsts.filter((r) => warmFleetAtTheTime(r, rows) === undefined).length,
      p50Ms: round(percentile(okMs(firsts), 50), 2),
      maxMs: round(Math.max(0, ...okMs(firsts)), 1),
    };
  };
  const spread = (rows: readonly Judged[]) => ({
    requests: rows.length,
    p50: round(percentile(okMs(rows), 50), 2),
    p99: round(percentile(okMs(rows), 99), 2),
    max: round(Math.max(0, ...okMs(rows)), 1),
  });
  const latencyByAge = (rows: readonly Judged[]) => {
    const seen = new Set<string>();
    const first: Judged[] = [];
    const later: Judged[] = [];
    for (const r of rows) {
      if (!r.newInstance || !r.routed) continue;
      const key = `${r.routed.instance}|${r.shape}`;
      (seen.has(key) ? later : first).push(r);
      seen.add(key);
    }
    return {
      preexistingInstances: spread(rows.filter((r) => r.routed && !r.newInstance)),
      newInstancesFirstOfShape: spread(first),
      newInstancesLater: spread(later),
    };
  };
  const byVariant = (variant: Variant) => {
    const rows = judged.filter((r) => r.variant === variant);
    const events = rows.filter((r) => r.phase !== 'steady');
    return {
      duringScaleOutAndRollout: tally(events),
      steady: tally(rows.filter((r) => r.phase === 'steady')),
      scaleOut: tally(rows.filter((r) => r.phase === 'scale-out')),
      rollout: tally(rows.filter((r) => r.phase === 'rollout')),
      firstRequestPerShapeOnNewInstances: firstRequests(events),
      // The control for the first requests: the same windows, the same contention, instances that
      // were already serving before the scale-out.
      latencyByInstanceAgeMs: latencyByAge(events),
      errors: Object.entries(
        rows
          .filter((r) => !r.ok)
          .reduce<Record<string, number>>((acc, r) => {
            const key = (r.error ?? '').replace(/\d+/g, 'N').slice(0, 120);
            acc[key] = (acc[key] ?? 0) + 1;
            return acc;
          }, {}),
      ).map(([error, count]) => ({ error, count })),
      failedSamples: rows
        .filter((r) => !r.ok)
        .slice(0, 25)
        .map((r) => {
          const instance = r.routed ? tracker.instances.get(r.routed.instance) : undefined;
          const at = r.routed?.at;
          return {
            phase: r.phase,
            shape: r.shape,
            verdict: r.verdict,
            instance: r.routed?.instance,
            routedAfterPingMs:
              at !== undefined && instance?.readyAt !== undefined ? round(at - instance.readyAt) : undefined,
            routedAfterContainerReadyMs:
              at !== undefined && instance?.timeline?.warmedAt !== undefined
                ? round(at - instance.timeline.warmedAt)
                : undefined,
            error: r.error,
          };
        }),
    };
  };
  const gated = byVariant('gated');
  const naive = byVariant('naive');
  const instanceTimes = [...tracker.instances.values()].map((i) => ({
    id: i.id,
    endpoint: i.endpointName,
    gated: i.timeline?.gated,
    ranWarmup: i.timeline ? i.timeline.phasesMs.warming !== undefined : undefined,
    timeToReadyMs: i.timeline?.timeToReadyMs,
    pingPassedAfterProcessStartMs:
      i.readyAt !== undefined && i.timeline ? round(i.readyAt - i.timeline.processStartAt) : undefined,
    // How long the region could route to it before its container was ready (0 when gated).
    routableBeforeReadyMs:
      i.readyAt !== undefined && i.timeline?.warmedAt !== undefined
        ? round(Math.max(0, i.timeline.warmedAt - i.readyAt))
        : undefined,
  }));
  const routableBeforeReady = (gatedFlag: boolean) =>
    instanceTimes
      .filter((i) => i.gated === gatedFlag && i.routableBeforeReadyMs !== undefined)
      .map((i) => i.routableBeforeReadyMs as number);
  const g = gated.duringScaleOutAndRollout;
  const n = naive.duringScaleOutAndRollout;
  const gf = gated.firstRequestPerShapeOnNewInstances;
  const nf = naive.firstRequestPerShapeOnNewInstances;
  const pass =
    g.coldInstance === 0 &&
    g.failed === 0 &&
    gf.overLatencyTargetAndSlowerThanWarmFleet === 0 &&
    gf.failed === 0;
  writeReport({
    name: 'rollout-cold-exposure',
    command: 'node --import tsx bench/rollout-cold-exposure.ts',
    headline: {
      'gated: cold / over target / failed': `${g.coldInstance} / ${g.overLatencyTarget} / ${g.failed} of ${g.requests}`,
      'no-gate: cold / over target / failed': `${n.coldInstance} / ${n.overLatencyTarget} / ${n.failed} of ${n.requests}`,
      'first request per shape on new instances, over target + failed': `gated ${gf.overLatencyTarget} + ${gf.failed} of ${gf.requests}, no-gate ${nf.overLatencyTarget} + ${nf.failed} of ${nf.requests}`,
      'of those over target, also slower than the warm fleet at the time': `gated ${gf.overLatencyTargetAndSlowerThanWarmFleet}, no-gate ${nf.overLatencyTargetAndSlowerThanWarmFleet}`,
      'latency target (2 × warm p99) short/medium/long': `${shapes.map((s) => `${baseline[s]?.targetMs}`).join(' / ')} ms`,
      'gated over target on pre-existing instances, same windows': g.overLatencyTargetOnPreexistingInstances,
    },
    results: {
      load: {
        clients: CLIENTS,
        paceMsPerClient: PACE_MS,
        shapes,
        steadyMs: STEADY_MS,
        tailMs: TAIL_MS,
        sequence:
          'create (no load) → containers ready → load on: steady window → scale 2→4 (UpdateEndpointWeightsAndCapacities) + tail → rollout to v2 (state machine) + tail → load off',
        repetitions: REPS,
        loopbackOnly: true,
      },
      stack: `local region defaults (no provisioning delay, starting instances probed every 10 ms, timeScale 1) but serving instances probed every ${PING_INTERVAL_MS} ms; the naive rollouts run without smoke shapes`,
      latencyTarget: {
        definition: `per shape, ${TARGET_TIMES_P99} × the p99 of InvokeEndpoint round trips on warm fleets (the steady windows of both endpoints, all repetitions, same run); overWarmP99 counts against the plain p99, which by construction about 1% of steady requests exceed`,
        perShape: baseline,
      },
      coldDefinition:
        "at the instant the region routed the request: the instance's /ping had not passed, or its container was not yet ready (loading or warming, from /status), or — for a container that runs no warmup (--no-gate) — this was its first request of this shape (servedByNeverWarmedInstance counts every request such a container served)",
      routableBeforeReadyMs: {
        note: "per instance started in this run: the region's first passing /ping → the container's ready phase (model loaded, and warmed if it warms); never negative",
        gatedMedian: round(percentile(routableBeforeReady(true), 50)),
        noGateMedian: round(percentile(routableBeforeReady(false), 50)),
        noGateMax: round(Math.max(0, ...routableBeforeReady(false))),
      },
      gated,
      naive,
      sequences,
      instances: instanceTimes,
    },
    targets: {
      criterion: `gated container, during scale-out and rollout: 0 requests on a cold instance, 0 failed, and no new instance's first request of a shape both over the latency target and slower than every already-warm instance serving that shape within ±${CONTROL_WINDOW_MS} ms (the contention control: here the new containers start on the same 2 shared cores as the serving ones, which AWS does not do). The strict count without the control is reported as overLatencyTarget`,
    },
    pass,
  });
}

await main();
process.exit(0);
