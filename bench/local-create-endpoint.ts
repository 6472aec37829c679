/**
 * CreateEndpoint → InService in the local region, minus the container's own time to ready.
 *
 * The container is timed alone (spawn → first `/ping` 200, polled every 2 ms), then through the
 * region (CreateEndpoint → DescribeEndpoint says InService, polled every 10 ms). The difference is
 * what the region adds: the instance type's provisioning delay, copying the model, and the lag
 * of SageMaker-style `/ping` probing about once a second. Run with the region's defaults, and
 * with faster probing to show where the time goes.
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
async function regionUnderTest(modelDir: string, options: { pingIntervalMs?: number }) {
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
  const withFastProbe = await regionUnderTest(model.dir, { pingIntervalMs: 100 });
  const alone: number[] = [];
  const defaults: RegionRun[] = [];
  const fastProbe: RegionRun[] = [];
  try {
    for (let run = 0; run < RUNS; run += 1) {
      alone.push(await containerAlone(model.dir));
      defaults.push(await withDefaults.once());
      fastProbe.push(await withFastProbe.once());
    }
  } finally {
    await withDefaults.close();
    await withFastProbe.close();
  }
  const containerMedian = median(alone);
  const defaultMedian = median(defaults.map((s) => s.createToInServiceMs));
  const fastMedian = median(fastProbe.map((s) => s.createToInServiceMs));
  const overhead = defaultMedian - containerMedian;
  writeReport({
    name: 'local-create-endpoint',
    command: 'node --import tsx bench/local-create-endpoint.ts',
    headline: {
      'CreateEndpoint to InService (median)': `${round(defaultMedian, 0)} ms`,
      'container alone to ready (median)': `${round(containerMedian, 0)} ms`,
      'region overhead (median)': `${round(overhead, 0)} ms`,
      'overhead with 100 ms probing': `${round(fastMedian - containerMedian, 0)} ms`,
    },
    results: {
      runs: RUNS,
      containerAloneMs: alone.map((v) => round(v)),
      regionDefaults: { provisioningDelayMs: 250, pingIntervalMs: 1000, samples: defaults },
      regionFastProbe: { provisioningDelayMs: 250, pingIntervalMs: 100, samples: fastProbe },
      overheadMs: { defaults: round(overhead), fastProbe: round(fastMedian - containerMedian) },
    },
    targets: { 'region overhead (median)': `<= ${TARGET_OVERHEAD_MS} ms` },
    pass: overhead <= TARGET_OVERHEAD_MS,
  });
} finally {
  model.remove();
}
