/**
 * Real container processes on loopback, started exactly as the local region starts them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { writeExampleModel } from '../../../container/example-model/build.js';
import { containerLaunchCommand } from '../../../container/launch.js';

export interface Instance {
  readonly child: ChildProcess;
  readonly url: string;
  /** Every JSON log line so far. */
  readonly events: Record<string, unknown>[];
  /** Resolves with the exit code (signal exits resolve as -1). */
  readonly exited: Promise<number>;
  stop(): Promise<number>;
}

const started: Instance[] = [];
const dirs: string[] = [];

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'warmgate-container-'));
  dirs.push(dir);
  return dir;
}

/** A fresh copy of the example model in a temporary folder. */
export async function exampleModel(): Promise<string> {
  const dir = tempDir();
  await writeExampleModel(dir);
  return dir;
}

/** Starts one instance on a free port and resolves once it listens. */
export async function startInstance(
  modelDir: string,
  options: { extraArgs?: string[]; env?: Record<string, string>; gate?: boolean; argv?: string[] } = {},
): Promise<Instance> {
  const launch = containerLaunchCommand({
    modelDir,
    port: 0,
    ...(options.gate === undefined ? {} : { gate: options.gate }),
    ...(options.extraArgs ? { extraArgs: options.extraArgs } : {}),
  });
  const args = options.argv ? [launch.args[0] as string, ...options.argv] : launch.args;
  const child = spawn(launch.command, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  const events: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      try {
        const event = JSON.parse(line) as Record<string, unknown>;
        events.push(event);
        if (event.event === 'listening') resolve(String(event.url));
      } catch {
        events.push({ raw: line });
      }
    });
    void exited.then((code) => reject(new Error(`container exited ${code} before listening: ${stderr}`)));
  });
  const instance: Instance = {
    child,
    url,
    events,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
  started.push(instance);
  return instance;
}

/** Polls until `check` returns a value, or throws after `timeoutMs`. */
export async function until<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  everyMs = 10,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function status(url: string): Promise<Record<string, unknown>> {
  return (await (await fetch(`${url}/status`)).json()) as Record<string, unknown>;
}

export async function waitReady(url: string): Promise<void> {
  await until(async () => ((await fetch(`${url}/ping`)).status === 200 ? true : undefined));
}

export async function invoke(
  url: string,
  body: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${url}/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** Kills every instance this file started and removes its folders; for afterAll. */
export async function cleanup(): Promise<void> {
  for (const instance of started.splice(0)) {
    if (instance.child.exitCode === null && instance.child.signalCode === null)
      instance.child.kill('SIGKILL');
    await instance.exited;
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
