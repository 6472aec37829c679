/**
 * bench/container-ping-under-load: does `/ping` stay fast while `/invocations` is overloaded?
 *
 *   node --import tsx bench/container-ping-under-load.ts
 *
 * 1. Capacity: autocannon (its own process) drives `/invocations` with the medium
 *    recommendation shape, closed-loop, and the 200s per second are the container's capacity.
 * 2. Overload: autocannon offers twice that rate, open-loop, for DURATION seconds, while this
 *    process probes `/ping` every 10 ms on a fresh connection each time (as a health checker
 *    would), with SageMaker's 2 s timeout. Every probe that is not a 200 within 2 s is a failure.
 *
 * autocannon runs at nice 10 with two worker threads (client and container share 2 cores). Target: `/ping` p99 under
 * 50 ms and zero failed probes, with the achieved rate at least 1.8× capacity. Excess invocations are expected to be
 * shed with 429 by the bounded queue; they are counted, not hidden.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseWarmupManifest } from '../core/warmup-manifest.js';
import {
  exampleModelDir,
  percentile,
  round,
  startContainer,
  untilReady,
  writeReport,
} from './container-harness.js';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 15);
const CAPACITY_S = 6;
/**
 * Enough connections for the open-loop rate: at 2× capacity the queue fills, so each
 * connection waits up to queue/capacity seconds for an answer (Little's law).
 */
const OVERLOAD_CONNECTIONS = 512;
const LOAD_GENERATOR_NICE = 10;
/**
 * One autocannon thread could not offer 2× capacity on this machine (it reached 1.56× in one run);
 * two worker threads can. autocannon splits connections among its workers but applies
 * `--overallRate` to each worker, so each gets the offered rate divided by this.
 */
const LOAD_GENERATOR_WORKERS = 2;

interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  statusCodeStats?: Record<string, { count: number }>;
}

function autocannon(url: string, body: string, args: string[]): Promise<AutocannonResult> {
  const bin = join(
    dirname(createRequire(import.meta.url).resolve('autocannon/package.json')),
    'autocannon.js',
  );
  return new Promise((resolve, reject) => {
    // Client and container share this machine's 2 cores. The load generator runs at a lower
    // priority so that it does not take CPU time from the container it is measuring; it still
    // has to reach the offered rate, which the report checks (achievedRequestsPerSecond).
    const child = spawn(
      'nice',
      [
        '-n',
        String(LOAD_GENERATOR_NICE),
        process.execPath,
        bin,
        '--json',
        '-m',
        'POST',
        '-H',
        'content-type=application/json',
        '-b',
        body,
        ...args,
        url,
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('exit', (code) => {
      try {
        resolve(JSON.parse(out) as AutocannonResult);
      } catch {
        reject(new Error(`autocannon exited ${code}: ${out.slice(0, 300)}`));
      }
    });
  });
}

/** One /ping on a new connection; status 0 means no answer within 2 s. */
function probe(url: string): Promise<{ status: number; ms: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = request(`${url}/ping`, { agent: false, timeout: 2_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
    req.end();
  });
}

async function main(): Promise<void> {
  const model = await exampleModelDir();
  const container = await startContainer(model.dir);
  try {
    await untilReady(container.url);
    const manifest = parseWarmupManifest(JSON.parse(readFileSync(join(model.dir, 'warmup.json'), 'utf8')));
    const shape = manifest.shapes.find((s) => s.name === 'medium-recommendation') ?? manifest.shapes[0];
    const body = JSON.stringify(shape?.body);
    const url = `${container.url}/invocations`;

    const capacityRun = await autocannon(url, body, ['-c', '8', '-d', String(CAPACITY_S)]);
    const capacity = capacityRun['2xx'] / CAPACITY_S;
    const offered = Math.ceil(capacity * 2);

    const probes: { status: number; ms: number }[] = [];
    let probing = true;
    const prober = (async () => {
      while (probing) {
        const started = performance.now();
        probes.push(await probe(container.url));
        await new Promise((r) => setTimeout(r, Math.max(0, 10 - (performance.now() - started))));
      }
    })();
    const overload = await autocannon(url, body, [
      '-c',
      String(OVERLOAD_CONNECTIONS),
      '-w',
      String(LOAD_GENERATOR_WORKERS),
      '-d',
      String(DURATION_S),
      '--overallRate',
      String(Math.ceil(offered / LOAD_GENERATOR_WORKERS)),
      '--timeout',
      '10',
    ]);
    probing = false;
    await prober;

    const latencies = probes.map((p) => p.ms);
    const achieved = (overload['2xx'] + overload.non2xx) / DURATION_S;
    const failures = probes.filter((p) => p.status !== 200).length;
    const p99 = percentile(latencies, 99);
    const codes = Object.fromEntries(
      Object.entries(overload.statusCodeStats ?? {}).map(([k, v]) => [k, v.count]),
    );
    writeReport({
      name: 'container-ping-under-load',
      command: 'node --import tsx bench/container-ping-under-load.ts',
      headline: {
        '/ping p99 at 2× capacity': `${round(p99, 1)} ms`,
        '/ping failures': `${failures} of ${probes.length}`,
        'capacity → achieved load': `${Math.round(capacity)} → ${Math.round(achieved)} req/s`,
        'invocations answered 200 / 429': `${codes['200'] ?? 0} / ${codes['429'] ?? 0}`,
      },
      results: {
        shape: shape?.name,
        capacity: {
          requestsPerSecond: round(capacity),
          latencyP50Ms: capacityRun.latency.p50,
          latencyP99Ms: capacityRun.latency.p99,
          connections: 8,
          seconds: CAPACITY_S,
        },
        overload: {
          offeredRequestsPerSecond: offered,
          seconds: DURATION_S,
          connections: OVERLOAD_CONNECTIONS,
          achievedRequestsPerSecond: round(achieved),
          statusCodes: codes,
          errors: overload.errors,
          timeouts: overload.timeouts,
          ok200PerSecond: round((codes['200'] ?? 0) / DURATION_S),
          latencyP50Ms: overload.latency.p50,
          latencyP99Ms: overload.latency.p99,
        },
        ping: {
          probes: probes.length,
          failures,
          p50Ms: round(percentile(latencies, 50), 2),
          p99Ms: round(p99, 2),
          maxMs: round(Math.max(...latencies), 2),
          everyMs: 10,
          newConnectionEachProbe: true,
        },
        containerConfig: 'defaults: 1 inference worker on 2 cores, 1 intra-op thread, queue 256',
        loadGeneratorNice: LOAD_GENERATOR_NICE,
        loadGeneratorWorkers: LOAD_GENERATOR_WORKERS,
      },
      targets: {
        maxPingP99Ms: 50,
        maxPingFailures: 0,
        minAchievedOverCapacity: 1.8,
        criterion:
          '/ping p99 < 50 ms and no failed probe while /invocations is driven at 2× capacity (≥ 1.8× achieved)',
      },
      pass: p99 < 50 && failures === 0 && achieved >= 1.8 * capacity,
    });
  } finally {
    await container.stop();
    model.remove();
  }
}

await main();
process.exit(0);
