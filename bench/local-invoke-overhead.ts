/**
 * InvokeEndpoint's routing overhead: the same request sent straight to a container instance's
 * `/invocations` and through the local region's InvokeEndpoint, alternating so both see the same
 * machine state. The region runs as `warmgate local`, its own process, as users run it; both
 * paths use keep-alive connections, as the SDK does. The overhead is the difference of the
 * medians; a concurrent run adds throughput through each path.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { exampleModelDir, http, percentile, round, writeReport } from './container-harness.js';
import { benchSageMaker, createBenchConfig, createEndpointAndWait } from './local-harness.js';

const SEQUENTIAL = 2000;
const WARMUP = 200;
const CONCURRENCY = 8;
const CONCURRENT_MS = 3000;
const TARGET_P50_OVERHEAD_MS = 2;
const BODY = JSON.stringify({ query: 'dark fantasy swordsman seeking revenge' });

function stats(samples: readonly number[]) {
  return {
    p50: round(percentile(samples, 50), 3),
    p90: round(percentile(samples, 90), 3),
    p99: round(percentile(samples, 99), 3),
  };
}

async function concurrent(url: string): Promise<{ requests: number; rps: number; p50: number }> {
  const latencies: number[] = [];
  const until = performance.now() + CONCURRENT_MS;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        const r = await http(url, { method: 'POST', body: BODY });
        if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${r.body}`);
        latencies.push(r.ms);
      }
    }),
  );
  return {
    requests: latencies.length,
    rps: round(latencies.length / (CONCURRENT_MS / 1000), 0),
    p50: round(percentile(latencies, 50), 3),
  };
}

const model = await exampleModelDir();
const local = spawn(
  process.execPath,
  [fileURLToPath(new URL('../bin/warmgate.js', import.meta.url)), 'local', '--port', '0', '--bare', '--json'],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const url = await new Promise<string>((resolve, reject) => {
  createInterface({ input: local.stdout }).on('line', (line) => {
    const event = JSON.parse(line) as { event?: string; url?: string };
    if (event.event === 'ready' && event.url) resolve(event.url);
  });
  local.on('exit', (code) => reject(new Error(`warmgate local exited with ${code}`)));
});
const sagemaker = benchSageMaker(url);
try {
  await createBenchConfig(sagemaker, 'bench', model.dir);
  await createEndpointAndWait(sagemaker, 'bench', 'bench', 50);
  const state = JSON.parse((await http(`${url}/_warmgate/instances`)).body) as {
    instances: { port: number }[];
  };
  const direct = `http://127.0.0.1:${state.instances[0]?.port}/invocations`;
  const routed = `${url}/endpoints/bench/invocations`;

  for (let n = 0; n < WARMUP; n += 1) {
    await http(direct, { method: 'POST', body: BODY });
    await http(routed, { method: 'POST', body: BODY });
  }
  const directMs: number[] = [];
  const routedMs: number[] = [];
  for (let n = 0; n < SEQUENTIAL; n += 1) {
    const a = await http(direct, { method: 'POST', body: BODY });
    const b = await http(routed, { method: 'POST', body: BODY });
    if (a.status !== 200 || b.status !== 200) throw new Error(`HTTP ${a.status}/${b.status}`);
    directMs.push(a.ms);
    routedMs.push(b.ms);
  }
  const directConcurrent = await concurrent(direct);
  const routedConcurrent = await concurrent(routed);
  const d = stats(directMs);
  const r = stats(routedMs);
  const overheadP50 = round(r.p50 - d.p50, 3);
  writeReport({
    name: 'local-invoke-overhead',
    command: 'node --import tsx bench/local-invoke-overhead.ts',
    headline: {
      'routing overhead p50': `${overheadP50} ms`,
      'direct p50 / routed p50': `${d.p50} / ${r.p50} ms`,
      'routing overhead p99': `${round(r.p99 - d.p99, 3)} ms`,
      [`throughput at ${CONCURRENCY} connections direct / routed`]: `${directConcurrent.rps} / ${routedConcurrent.rps} req/s`,
    },
    results: {
      sequentialRequests: SEQUENTIAL,
      directMs: d,
      routedMs: r,
      overheadMs: { p50: overheadP50, p90: round(r.p90 - d.p90, 3), p99: round(r.p99 - d.p99, 3) },
      concurrent: {
        connections: CONCURRENCY,
        durationMs: CONCURRENT_MS,
        direct: directConcurrent,
        routed: routedConcurrent,
      },
    },
    targets: { 'routing overhead p50': `<= ${TARGET_P50_OVERHEAD_MS} ms` },
    pass: overheadP50 <= TARGET_P50_OVERHEAD_MS,
  });
} finally {
  sagemaker.destroy();
  local.kill('SIGTERM');
  await new Promise((resolve) => local.on('exit', resolve));
  model.remove();
  // The harness's keep-alive agent would hold the event loop open.
  process.exit(process.exitCode ?? 0);
}
