import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeExampleModel } from '../../../container/example-model/build.js';
import { eventually, IMAGE, processAlive } from './region-fixture.js';

const BIN = fileURLToPath(new URL('../../../bin/warmgate.js', import.meta.url));
let modelDir: string;
const started: ChildProcess[] = [];

beforeAll(async () => {
  modelDir = join(mkdtempSync(join(tmpdir(), 'warmgate-cmd-')), 'model');
  await writeExampleModel(modelDir);
  return () => rmSync(join(modelDir, '..'), { recursive: true, force: true });
});

afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Starts `warmgate local --json` and resolves with its ready event and every later line. */
async function startLocal(extra: string[] = ['--bare']) {
  const child = spawn(process.execPath, [BIN, 'local', '--port', '0', '--json', ...extra], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  started.push(child);
  const lines: Record<string, unknown>[] = [];
  const ready = new Promise<{ url: string; port: number; dashboard?: string }>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const event = JSON.parse(line) as Record<string, unknown>;
      lines.push(event);
      if (event.event === 'ready')
        resolve(event as unknown as { url: string; port: number; dashboard?: string });
    });
    child.on('exit', (code) => reject(new Error(`warmgate local exited with ${code} before ready`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, ready: await ready, lines, exited };
}

/** Creates a one-instance endpoint through the SDK and returns the instance's pid once it serves. */
async function hostOneInstance(url: string): Promise<number> {
  const sagemaker = new SageMakerClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  try {
    await sagemaker.send(
      new CreateModelCommand({
        ModelName: 'm',
        PrimaryContainer: { Image: IMAGE, ModelDataUrl: `file://${modelDir}` },
      }),
    );
    await sagemaker.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: 'c',
        ProductionVariants: [
          { VariantName: 'AllTraffic', ModelName: 'm', InstanceType: 'ml.m5.large', InitialInstanceCount: 1 },
        ],
      }),
    );
    await sagemaker.send(new CreateEndpointCommand({ EndpointName: 'e', EndpointConfigName: 'c' }));
  } finally {
    sagemaker.destroy();
  }
  return eventually(async () => {
    const state = (await (await fetch(`${url}/_warmgate/instances`)).json()) as {
      instances: { pid?: number; pingPassed: boolean }[];
    };
    const instance = state.instances[0];
    return instance?.pingPassed ? instance.pid : undefined;
  });
}

describe('warmgate local', () => {
  it('prints a ready line with a loopback URL and ends its instances on SIGTERM', async () => {
    const { child, ready, lines, exited } = await startLocal();
    expect(new URL(ready.url).hostname).toBe('127.0.0.1');
    expect(ready.port).toBeGreaterThan(0);
    const pid = await hostOneInstance(ready.url);
    expect(processAlive(pid)).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(lines.map((l) => l.event)).toEqual(['ready', 'stopping', 'stopped']);
    expect(processAlive(pid)).toBe(false);
  });

  it('leaves no orphan instance when the region process is killed outright', async () => {
    const { child, ready, exited } = await startLocal();
    const pid = await hostOneInstance(ready.url);
    child.kill('SIGKILL');
    await exited;
    // The watchdog sends SIGTERM at once and SIGKILL two seconds later.
    await eventually(() => (processAlive(pid) ? undefined : true), 10_000);
  });

  it('serves the control plane and a dashboard whose API needs the printed token when not bare', async () => {
    const { child, ready, exited } = await startLocal([]);
    const dashboard = new URL(ready.dashboard ?? '');
    expect(dashboard.hostname).toBe('127.0.0.1');
    const token = dashboard.searchParams.get('token') ?? '';
    expect(token.length).toBeGreaterThanOrEqual(24);
    expect((await fetch(`${ready.url}/api/endpoints`)).status).toBe(401);
    expect(
      (await fetch(`${ready.url}/api/endpoints`, { headers: { authorization: 'Bearer wrong' } })).status,
    ).toBe(401);
    const authorised = await fetch(`${ready.url}/api/endpoints`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(authorised.status).toBe(200);
    const machines = (await (
      await fetch(ready.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'AWSStepFunctions.ListStateMachines',
        },
        body: '{}',
      })
    ).json()) as { stateMachines: Array<{ name: string }> };
    expect(machines.stateMachines.map((m) => m.name).sort()).toEqual([
      'warmgate-calendar-sync',
      'warmgate-prewarm',
      'warmgate-rollout',
    ]);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses a malformed option with exit code 2 before listening', async () => {
    const child = spawn(process.execPath, [BIN, 'local', '--port', 'abc', '--bare'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('--port');
  });

  it('refuses a --port already in use with exit 2, naming --port and how to get a free one', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      for (const extra of [['--bare'], []]) {
        const child = spawn(process.execPath, [BIN, 'local', '--port', String(port), ...extra], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        started.push(child);
        let stdout = '';
        let stderr = '';
        child.stdout?.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
        });
        child.stderr?.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
        });
        const code = await new Promise((resolve) => child.on('exit', resolve));
        expect({ code, stderr }).toMatchObject({ code: 2 });
        expect(stderr).toContain(`--port: ${port} is already in use`);
        expect(stderr).toContain('--port 0');
        expect(stderr).not.toContain('EADDRINUSE');
        expect(stdout).not.toContain('ready');
      }
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
