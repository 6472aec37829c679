/**
 * bench/rollout-overhead: a fresh 2-instance rollout through the local control plane (StartExecution
 * → SUCCEEDED), divided by the container's own time to ready for the same fleet.
 *
 *   node --import tsx bench/rollout-overhead.ts
 *
 * The denominator is read from the very instances the rollout started: each container's `/status`
 * gives process start → gate `ready` on its own clock (the first instant `/ping` can answer 200),
 * and the fleet's time is the slower of the two. A standalone pair of containers spawned together
 * (spawn → first `/ping` 200, polled every 2 ms) is measured in the same loop as a cross-check.
 *
 * Every run is cut into consecutive segments on one epoch-ms timeline, so the segments add up to
 * the wall time: control-plane work before the endpoint exists, provisioning, the containers,
 * the region's `/ping` probing, the poll loop's granularity, verify/smoke, floor, record/unlock.
 * Two stacks run interleaved: the region's defaults (what `npm start` uses: no provisioning delay,
 * a starting instance probed every 10 ms), and one paced as the region used to be (250 ms
 * provisioning, a starting instance probed every second), to show what that pacing cost.
 */

import { DeleteEndpointCommand } from '@aws-sdk/client-sagemaker';
import { median, round, startContainer, untilReady, writeReport } from './container-harness.js';
import { createBenchConfig, createEndpointAndWait } from './local-harness.js';
import {
  containerTimeline,
  type RolloutBench,
  removeBenchEndpoint,
  rolloutRequest,
  runRollout,
  startRolloutBench,
  stateVisits,
  until,
} from './rollout-harness.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TARGET_RATIO = 1.3;

/** Segment names in timeline order; each is the time from the previous point to the next. */
const SEGMENTS = [
  'validateAndLock',
  'createApiCalls',
  'provisioningAndModelCopy',
  'containerToReady',
  'pingProbeLag',
  'pollGranularity',
  'describeAndChoice',
  'verifyAndSmoke',
  'ensureFloor',
  'recordAndReleaseLock',
  'clientObserves',
] as const;
type Segment = (typeof SEGMENTS)[number];

const CONTROL_PLANE_WORK: readonly Segment[] = [
  'validateAndLock',
  'createApiCalls',
  'describeAndChoice',
  'verifyAndSmoke',
  'ensureFloor',
  'recordAndReleaseLock',
];

/** Where each segment comes from, for a reader of the JSON. */
const SEGMENT_NOTES: Record<Segment, string> = {
  validateAndLock:
    'inherent: ValidateAndPlan + AcquireLock (DynamoDB conditional write); Lambdas are in-process here, so AWS adds Lambda invoke latency per state',
  createApiCalls:
    'inherent: CreateOrUpdate entered → the region accepted CreateEndpoint (CreateModel, CreateEndpointConfig, CreateEndpoint calls)',
  provisioningAndModelCopy:
    "local-region artefact in size: the instance type's simulated provisioning delay plus copying model data into each instance dir; on AWS, instance launch and model download take minutes and are SageMaker's",
  containerToReady:
    "the denominator's own span: earliest container process start → the slower container's gate entering ready",
  pingProbeLag:
    "the region's /ping probing of a starting instance (startupPingIntervalMs): container ready → the endpoint goes InService",
  pollGranularity:
    'inherent to the control plane: InService → the DescribeEndpoint step that saw it returning; the step long-polls inside its Lambda (a look every 25 ms locally, every 2 s for up to 20 s on AWS), and between steps Step Functions Wait states take whole seconds',
  describeAndChoice: 'inherent: the Choice state after that DescribeEndpoint step',
  verifyAndSmoke:
    'inherent: capacity verdict + one smoke InvokeEndpoint per warmup shape against the latency budget',
  ensureFloor: 'inherent: RegisterScalableTarget (min ≥ 2) and the target-tracking policy',
  recordAndReleaseLock: 'inherent: metrics + audit record, then the lock release, then ExecutionSucceeded',
  clientObserves: 'bench artefact: DescribeExecution polled every 5 ms',
};

interface RunSample {
  readonly wallMs: number;
  /** Slowest instance's process start → ready, on its own clock. */
  readonly fleetContainerMs: number;
  readonly instanceTimeToReadyMs: number[];
  readonly ratio: number;
  readonly describePolls: number;
  readonly segmentsMs: Record<Segment, number>;
}

function timeOf(visits: ReturnType<typeof stateVisits>, name: string, nth = 0): number {
  const found = visits.filter((v) => v.name === name)[nth];
  if (!found) throw new Error(`state ${name} was not entered`);
  return found.enteredAt;
}

/** One stack under test: creates, times and deletes a fresh 2-instance endpoint per call. */
async function stackUnderTest(label: string, options: Parameters<typeof startRolloutBench>[0]) {
  const bench = await startRolloutBench(options);
  const inServiceAt = new Map<string, number>();
  bench.stack.region.hosting.subscribe((event) => {
    if (
      event.kind === 'endpoint-status' &&
      event.status === 'InService' &&
      !inServiceAt.has(event.endpointName)
    )
      inServiceAt.set(event.endpointName, Date.now());
  });
  let run = 0;
  return {
    label,
    bench,
    async once(): Promise<RunSample> {
      run += 1;
      const endpoint = `overhead-${label}-${run}`;
      const result = await runRollout(bench, rolloutRequest(endpoint, bench.modelV1), { pollMs: 5 });
      if (result.status !== 'SUCCEEDED')
        throw new Error(`${endpoint}: ${result.status} ${result.cause ?? ''}`);
      const instances = bench.stack.region.hosting
        .snapshot()
        .find((e) => e.name === endpoint)
        ?.fleets.flatMap((f) => f.instances);
      if (instances?.length !== 2) throw new Error(`${endpoint}: expected 2 instances`);
      const timelines = await Promise.all(
        instances.map(async (i) => {
          const timeline = i.port === undefined ? undefined : await containerTimeline(i.port);
          if (!timeline?.warmedAt || timeline.timeToReadyMs === undefined)
            throw new Error(`${i.id}: no ready timeline`);
          return { launchedAt: Date.parse(i.launchedAt), ...timeline, warmedAt: timeline.warmedAt };
        }),
      );
      const visits = stateVisits(result.history);
      const polls = visits.filter((v) => v.name === 'DescribeEndpoint');
      const donePoll = polls.find(
        (v) => (v.output as { poll?: { verdict?: string } })?.poll?.verdict === 'done',
      );
      if (!donePoll) throw new Error(`${endpoint}: no DescribeEndpoint saw done`);
      const inService = inServiceAt.get(endpoint);
      if (inService === undefined) throw new Error(`${endpoint}: never InService`);
      const ended = visits.at(-1)?.leftAt ?? Number.NaN;
      const points = [
        result.startedAt,
        timeOf(visits, 'CreateOrUpdate'),
        Math.min(...timelines.map((t) => t.launchedAt)),
        Math.min(...timelines.map((t) => t.processStartAt)),
        Math.max(...timelines.map((t) => t.warmedAt)),
        inService,
        donePoll.leftAt,
        timeOf(visits, 'VerifyCapacity'),
        timeOf(visits, 'EnsureFloor'),
        timeOf(visits, 'RecordSuccess'),
        ended,
        result.observedDoneAt,
      ];
      const segmentsMs = Object.fromEntries(
        SEGMENTS.map((name, i) => [name, round((points[i + 1] as number) - (points[i] as number))]),
      ) as Record<Segment, number>;
      const fleetContainerMs = Math.max(...timelines.map((t) => t.timeToReadyMs as number));
      await removeBenchEndpoint(bench, endpoint, 30_000);
      return {
        wallMs: round(result.wallMs),
        fleetContainerMs: round(fleetContainerMs),
        instanceTimeToReadyMs: timelines.map((t) => round(t.timeToReadyMs as number)),
        ratio: round(result.wallMs / fleetContainerMs, 2),
        describePolls: polls.length,
        segmentsMs,
      };
    },
  };
}

/**
 * The same 2-instance fleet deployed without warmgate, on the same region: CreateModel,
 * CreateEndpointConfig, CreateEndpoint, then DescribeEndpoint every 10 ms until InService. That is
 * the best any control plane could do on top of SageMaker's own provisioning and /ping cadence,
 * so rollout ÷ this is warmgate's overhead over a bare deployment.
 */
async function directDeploy(bench: RolloutBench, run: number): Promise<number> {
  const name = `direct-${run}`;
  const started = performance.now();
  await createBenchConfig(bench.sagemaker, name, bench.modelV1, 2);
  await createEndpointAndWait(bench.sagemaker, name, name);
  const elapsed = performance.now() - started;
  await bench.sagemaker.send(new DeleteEndpointCommand({ EndpointName: name }));
  await until(() => bench.stack.region.hosting.get(name) === undefined, 30_000);
  return elapsed;
}

/** Two containers spawned together, as a fleet: the slower one's spawn → first /ping 200. */
async function standaloneFleet(modelDir: string): Promise<number> {
  const pair = await Promise.all([startContainer(modelDir), startContainer(modelDir)]);
  try {
    const ready = await Promise.all(pair.map((c) => untilReady(c.url, 2)));
    return Math.max(...pair.map((c, i) => (ready[i] as number) - c.spawnedAt));
  } finally {
    await Promise.all(pair.map((c) => c.stop()));
  }
}

function summarise(samples: RunSample[]) {
  return {
    runs: samples.length,
    medianWallMs: round(median(samples.map((s) => s.wallMs))),
    medianFleetContainerMs: round(median(samples.map((s) => s.fleetContainerMs))),
    medianRatio: round(median(samples.map((s) => s.ratio)), 2),
    medianSegmentsMs: Object.fromEntries(
      SEGMENTS.map((name) => [name, round(median(samples.map((s) => s.segmentsMs[name])))]),
    ),
    medianOverheadMs: round(median(samples.map((s) => s.wallMs - s.fleetContainerMs))),
    // The control plane's own work: every Lambda and AWS API call outside the poll loop's waiting.
    medianControlPlaneWorkMs: round(
      median(samples.map((s) => CONTROL_PLANE_WORK.reduce((sum, name) => sum + s.segmentsMs[name], 0))),
    ),
    // Arithmetic on the measured segments: what the ratio would be if the poll loop noticed
    // InService the instant it happened (an event-driven wait instead of Wait states).
    medianRatioWithoutPollWait: round(
      median(samples.map((s) => (s.wallMs - s.segmentsMs.pollGranularity) / s.fleetContainerMs)),
      2,
    ),
    samples,
  };
}

/** The region's pacing before this benchmark showed what it cost: kept to compare against. */
const PACED_AS_BEFORE = { provisioningDelayMs: 250, startupPingIntervalMs: 1000 } as const;

async function main(): Promise<void> {
  const defaults = await stackUnderTest('defaults', {});
  const paced = await stackUnderTest('paced', PACED_AS_BEFORE);
  const standalone: number[] = [];
  const direct: number[] = [];
  const defaultSamples: RunSample[] = [];
  const pacedSamples: RunSample[] = [];
  try {
    // One throw-away start builds the container bundle and warms the file cache, so no run pays for it.
    await standaloneFleet(defaults.bench.modelV1);
    for (let i = 0; i < RUNS; i += 1) {
      standalone.push(round(await standaloneFleet(defaults.bench.modelV1)));
      defaultSamples.push(await defaults.once());
      direct.push(round(await directDeploy(defaults.bench, i)));
      pacedSamples.push(await paced.once());
      const show = (s: RunSample | undefined) => `${s?.wallMs} ms ÷ ${s?.fleetContainerMs} ms`;
      process.stderr.write(
        `run ${i + 1}/${RUNS}: defaults ${show(defaultSamples.at(-1))}, paced as before ${show(pacedSamples.at(-1))}, standalone fleet ${standalone.at(-1)} ms\n`,
      );
    }
  } finally {
    await defaults.bench.close();
    await paced.bench.close();
  }
  const d = summarise(defaultSamples);
  const p = summarise(pacedSamples);
  const standaloneMedian = round(median(standalone));
  const directMedian = round(median(direct));
  const ratio = d.medianRatio;
  writeReport({
    name: 'rollout-overhead',
    command: 'node --import tsx bench/rollout-overhead.ts',
    headline: {
      'rollout ÷ fleet container to ready (median, region defaults)': ratio,
      'rollout / container': `${d.medianWallMs} / ${d.medianFleetContainerMs} ms`,
      'the rest (medians)': `poll wait ${d.medianSegmentsMs.pollGranularity}, /ping probe lag ${d.medianSegmentsMs.pingProbeLag}, provisioning + model copy ${d.medianSegmentsMs.provisioningAndModelCopy}, Lambdas + APIs ${d.medianControlPlaneWorkMs} ms`,
      'rollout ÷ the same fleet deployed with plain CreateEndpoint (median)': round(
        d.medianWallMs / directMedian,
        2,
      ),
      'plain CreateModel → InService, 2 instances (median)': `${directMedian} ms`,
      'ratio paced as before (250 ms provisioning, 1 s startup probing)': p.medianRatio,
      'ratio without the poll wait (defaults)': d.medianRatioWithoutPollWait,
    },
    results: {
      runs: RUNS,
      fleet: {
        instances: 2,
        strategy: 'all-at-once, waitIntervalSeconds 0',
        image: 'warmgate-container:latest',
      },
      denominator:
        "per run, the slower of the rollout's two containers: process start → gate ready, from /status on the container's own clock",
      regionDefaults: {
        options: {
          provisioningDelayMs: 0,
          startupPingIntervalMs: 10,
          pingIntervalMs: 1000,
          longPollIntervalMs: 25,
          pollSeconds: { initial: 1, max: 2 },
        },
        ...d,
      },
      pacedAsBefore: {
        options: { ...PACED_AS_BEFORE, pingIntervalMs: 1000, longPollIntervalMs: 25 },
        ...p,
      },
      standaloneFleetToReadyMs: { median: standaloneMedian, samples: standalone },
      segmentNotes: SEGMENT_NOTES,
    },
    targets: {
      maxRatio: TARGET_RATIO,
      criterion: `median (StartExecution → SUCCEEDED) ÷ (fleet container time to ready) ≤ ${TARGET_RATIO}, region defaults`,
    },
    pass: ratio <= TARGET_RATIO,
  });
}

await main();
process.exit(0);
