import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, exampleModel, startInstance, status, until, waitReady } from './harness.js';

afterAll(cleanup);

interface Status {
  phase: string;
  phases: { phase: string; startMs: number; durationMs?: number }[];
  warmup: {
    mode: string;
    shapes: { name: string; status: string; iterations: number; firstMs: number; convergedMs: number }[];
  };
}

describe('container lifecycle', () => {
  let slowModel: string;

  beforeAll(async () => {
    // The real manifest, with every shape held to 150+ waves, so warming lasts long enough to watch.
    slowModel = await exampleModel();
    const path = join(slowModel, 'warmup.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as { convergence: Record<string, number> };
    manifest.convergence.minIterations = 150;
    manifest.convergence.maxIterations = 150;
    writeFileSync(path, JSON.stringify(manifest));
  });

  it('answers /ping 503 until warm and 200 after, with /live 200 from the start', async () => {
    const instance = await startInstance(slowModel);
    const live = await fetch(`${instance.url}/live`);
    expect(live.status).toBe(200);
    const early = await fetch(`${instance.url}/ping`);
    expect(early.status).toBe(503);
    const warming = await until(async () => {
      const s = (await status(instance.url)) as unknown as Status;
      return s.phase === 'warming' ? s : undefined;
    });
    expect((await fetch(`${instance.url}/ping`)).status).toBe(503);
    expect((await fetch(`${instance.url}/live`)).status).toBe(200);
    expect(warming.warmup.shapes.some((s) => s.status === 'warming' || s.status === 'pending')).toBe(true);
    await waitReady(instance.url);
    const ping = await fetch(`${instance.url}/ping`);
    expect(ping.status).toBe(200);
    expect(await ping.text()).toBe('');
    expect(await instance.stop()).toBe(0);
  });

  it('walks /status through booting, loading, warming and ready, timing each phase and shape', async () => {
    const instance = await startInstance(slowModel);
    const seen = new Set<string>();
    const final = await until(
      async () => {
        const s = (await status(instance.url)) as unknown as Status;
        seen.add(s.phase);
        return s.phase === 'ready' ? s : undefined;
      },
      30_000,
      5,
    );
    expect(seen.has('warming')).toBe(true);
    expect(final.phases.map((p) => p.phase)).toEqual(['booting', 'loading', 'warming', 'ready']);
    for (const p of final.phases.slice(0, 3)) expect(p.durationMs).toBeGreaterThanOrEqual(0);
    expect(final.warmup.shapes.map((s) => s.name)).toEqual([
      'short-intent',
      'medium-recommendation',
      'long-multi-turn',
    ]);
    for (const shape of final.warmup.shapes) {
      expect(shape.iterations).toBe(150);
      expect(shape.firstMs).toBeGreaterThan(0);
      expect(shape.convergedMs).toBeGreaterThan(0);
    }
    const phaseEvents = instance.events.filter((e) => e.event === 'phase').map((e) => e.phase);
    expect(phaseEvents).toEqual(['loading', 'warming', 'ready']);
    await instance.stop();
  });

  it('serves the SageMaker form: serve, SAGEMAKER_BIND_TO_PORT and the default gate', async () => {
    const model = await exampleModel();
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const instance = await startInstance(model, {
      argv: ['serve', '--model-dir', model],
      env: { SAGEMAKER_BIND_TO_PORT: String(port) },
    });
    expect(instance.url).toBe(`http://127.0.0.1:${port}`);
    expect(instance.events.find((e) => e.event === 'listening')?.host).toBe('0.0.0.0');
    await waitReady(instance.url);
    expect(await instance.stop()).toBe(0);
  });

  it('reports ready from the first ping without the gate (the naive baseline)', async () => {
    const model = await exampleModel();
    const instance = await startInstance(model, { gate: false });
    expect((await fetch(`${instance.url}/ping`)).status).toBe(200);
    const s = (await status(instance.url)) as unknown as Status & { gated: boolean };
    expect(s.gated).toBe(false);
    await instance.stop();
  });
});
