/**
 * CreateEndpoint → InService in the local region, minus the container's own time to ready.
 *
 * The container is timed alone (spawn → first `/ping` 200, polled every 2 ms), then through the
 * region (CreateEndpoint → DescribeEndpoint says InService, polled every 10 ms). The difference is
 * what the region adds: the instance type's provisioning delay (none by default), linking the
 * model into the instance's directory, and the lag of probing a starting instance's `/ping`
 * (every 10 ms by default). Run with the region's defaults, and paced as the region used to be
 * (250 ms provisioning, a starting instance probed once a second), to show what that cost.
 */
import { DeleteEndpointCommand } from '@aws-sdk/client-sagemaker';
import { startRegion } from '../local/region.js';
import {
  exampleModelDir,
  median,
  round,
  startContainer,
  untilReady,
  writeReport,
} from './container-harness.js';
import { benchSageMaker, createBenchConfig, createEndpointAndWait } from './local-harness.js';

const RUNS = 5;
const TARGET_OVERHEAD_MS = 1500;

async function containerAlone(modelDir: string): Promise<number> {
  const container = await startContainer(modelDir);
  const readyAt = await untilReady(container.url);
  await container.stop();
  return readyAt - container.spawnedAt;
}

interface RegionRun {
  readonly createToInServiceMs: number;
  readonly instanceReadyMs: number;
}

/** A region with one model and config, creating and deleting one endpoint per run. */
async function regionUnderTest(
  modelDir: string,
  options: { provisioningDelayMs?: number; startupPingIntervalMs?: number },
) {
  const region = await startRegion(options);
  const sagemaker = benchSageMaker(region.url);
  await createBenchConfig(sagemaker, 'bench', modelDir);
  let run = 0;
  return {
    async once(): Promise<RegionRun> {
      run += 1;
      const name = `bench-${run}`;
      const started = performance.now();
      await createEndpointAndWait(sagemaker, name, 'bench');
      const createToInServiceMs = round(performance.now() - started);
      const instance = region.hosting.snapshot().find((e) => e.name === name)?.fleets[0]?.instances[0];
      const instanceReadyMs =
        instance?.readyAt && instance.launchedAt
          ? Date.parse(instance.readyAt) - Date.parse(instance.launchedAt)
          : Number.NaN;
      await sagemaker.send(new DeleteEndpointCommand({ EndpointName: name }));
      while (region.hosting.get(name)) await new Promise((resolve) => setTimeout(resolve, 20));
      return { createToInServiceMs, instanceReadyMs };
    },
    async close() {
      sagemaker.destroy();
      await region.close();
    },
  };
}

const model = await exampleModelDir();
try {
  // One throw-away start builds the container bundle, so no run pays for it.
  await (await startContainer(model.dir)).stop();
  // Interleaved, so the three measurements share whatever else the machine is doing.
  const withDefaults = await regionUnderTest(model.dir, {});
  const pacedAsBefore = await regionUnderTest(model.dir, {
    provisioningDelayMs: 250,
    startupPingIntervalMs: 1000,
  });
  const alone: number[] = [];
  const defaults: RegionRun[] = [];
  const paced: RegionRun[] = [];
  try {
    for (let run = 0; run < RUNS; run += 1) {
      alone.push(await containerAlone(model.dir));
      defaults.push(await withDefaults.once());
      paced.push(await pacedAsBefore.once());
    }
  } finally {
    await withDefaults.close();
    await pacedAsBefore.close();
  }
  const containerMedian = median(alone);
  const defaultMedian = median(defaults.map((s) => s.createToInServiceMs));
  const pacedMedian = median(paced.map((s) => s.createToInServiceMs));
  const overhead = defaultMedian - containerMedian;
  writeReport({
    name: 'local-create-endpoint',
    command: 'node --import tsx bench/local-create-endpoint.ts',
    headline: {
      'CreateEndpoint to InService (median)': `${round(defaultMedian, 0)} ms`,
      'container alone to ready (median)': `${round(containerMedian, 0)} ms`,
      'region overhead (median)': `${round(overhead, 0)} ms`,
      'overhead paced as before (250 ms provisioning, 1 s startup probing)': `${round(pacedMedian - containerMedian, 0)} ms`,
    },
    results: {
      runs: RUNS,
      containerAloneMs: alone.map((v) => round(v)),
      regionDefaults: { provisioningDelayMs: 0, startupPingIntervalMs: 10, samples: defaults },
      pacedAsBefore: { provisioningDelayMs: 250, startupPingIntervalMs: 1000, samples: paced },
      overheadMs: { defaults: round(overhead), pacedAsBefore: round(pacedMedian - containerMedian) },
    },
    targets: { 'region overhead (median)': `<= ${TARGET_OVERHEAD_MS} ms` },
    pass: overhead <= TARGET_OVERHEAD_MS,
  });
} finally {
  model.remove();
}
