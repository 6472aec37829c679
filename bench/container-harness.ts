/**
 * Shared plumbing for the container benchmarks: real container processes on loopback, started
 * with the same command line the local region uses, timed from the parent's `spawn`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ExampleModelOptions, writeExampleModel } from '../container/example-model/build.js';
import { containerLaunchCommand } from '../container/launch.js';

export const agent = new Agent({ keepAlive: true, maxSockets: 64 });

export interface Running {
  readonly child: ChildProcess;
  readonly url: string;
  readonly port: number;
  readonly spawnedAt: number;
  readonly exited: Promise<number>;
  stop(): Promise<number>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function exampleModelDir(
  options: ExampleModelOptions = {},
): Promise<{ dir: string; remove: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'warmgate-bench-'));
  await writeExampleModel(dir, options);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function startContainer(
  modelDir: string,
  options: {
    runtime?: 'bundle' | 'tsx';
    extraArgs?: string[];
    env?: Record<string, string>;
    gate?: boolean;
  } = {},
): Promise<Running> {
  const port = await freePort();
  const launch = containerLaunchCommand({
    modelDir,
    port,
    runtime: options.runtime ?? 'bundle',
    ...(options.gate === false ? { gate: false } : {}),
    ...(options.extraArgs ? { extraArgs: options.extraArgs } : {}),
  });
  const spawnedAt = performance.now();
  const child = spawn(launch.command, launch.args, {
    stdio: 'ignore',
    env: { ...process.env, ...options.env },
  });
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    spawnedAt,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export interface HttpResult {
  readonly status: number;
  readonly body: string;
  readonly ms: number;
}

/** One request over the shared keep-alive agent; never rejects (status 0 = connection error or timeout). */
export function http(
  url: string,
  options: { method?: string; body?: string; timeoutMs?: number } = {},
): Promise<HttpResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = request(
      url,
      {
        agent,
        method: options.method ?? 'GET',
        headers: options.body
          ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(options.body) }
          : {},
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString(),
            ms: performance.now() - started,
          }),
        );
        res.on('error', () => resolve({ status: 0, body: '', ms: performance.now() - started }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, body: '', ms: performance.now() - started }));
    req.end(options.body);
  });
}

/** Polls /ping every `everyMs` until 200; resolves with the parent-clock time of that 200. */
export async function untilReady(url: string, everyMs = 2, timeoutMs = 60_000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const r = await http(`${url}/ping`, { timeoutMs: 2_000 });
    if (r.status === 200) return performance.now();
    if (performance.now() > deadline) throw new Error(`${url} not ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export const median = (values: readonly number[]) => percentile(values, 50);
export const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

export interface BenchReport {
  readonly name: string;
  readonly command: string;
  readonly headline: Readonly<Record<string, string | number>>;
  readonly results: unknown;
  readonly targets: Readonly<Record<string, string | number>>;
  readonly pass: boolean;
}

/** Writes bench/results/<name>.json in the shared shape (name, command, measuredAt, machine, results, targets, pass). */
export function writeReport(report: BenchReport): void {
  const out = {
    name: report.name,
    command: report.command,
    measuredAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      // The 1/5/15-minute load averages when the run ended: this machine is shared, and a load
      // far above the core count inflates every latency here.
      loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    },
    headline: report.headline,
    results: report.results,
    targets: report.targets,
    pass: report.pass,
  };
  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL(`${report.name}.json`, dir), `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write(
    `${JSON.stringify({ name: report.name, headline: report.headline, pass: report.pass }, null, 2)}\n`,
  );
}
