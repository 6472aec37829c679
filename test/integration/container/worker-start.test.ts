/**
 * The prestarted inference worker's session is created as soon as main.ts knows the configuration;
 * the backend adopting it later must get that same session, not create a second one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadContainerConfig } from '../../../container/config.js';
import { type StartingWorker, startInferenceWorker } from '../../../container/recommender/worker-start.js';
import { cleanup, exampleModel, tempDir } from './harness.js';

const workers: StartingWorker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.worker.terminate()));
  await cleanup();
});

function start(): StartingWorker {
  const starting = startInferenceWorker();
  workers.push(starting);
  return starting;
}

describe('an inference worker initialised early', () => {
  const { ort } = loadContainerConfig({});

  it('creates its session once, and a second initialise with the same options waits for that one', async () => {
    const dir = await exampleModel();
    const starting = start();
    const first = starting.initialise(dir, ort);
    const second = starting.initialise(dir, { ...ort });
    expect(second).toBe(first);
    const loaded = await first;
    expect(loaded.type).toBe('loaded');
    expect(loaded.sessionCreateMs).toBeGreaterThan(0);
  });

  it('refuses to be re-initialised with other options instead of silently serving the first model', async () => {
    const dir = await exampleModel();
    const starting = start();
    await starting.initialise(dir, ort);
    await expect(starting.initialise(tempDir(), ort)).rejects.toThrow(
      /already initialised with other options/,
    );
  });

  it('reports a model that cannot load to whoever adopts the worker', async () => {
    const starting = start();
    const early = starting.initialise(tempDir(), ort);
    await expect(starting.initialise(tempDir(), ort)).rejects.toThrow(/other options/);
    await expect(early).rejects.toThrow(/model\.onnx/);
  });

  it('remembers that it exited after loading, so the backend adopting it replaces it instead of waiting', async () => {
    const dir = await exampleModel();
    const starting = start();
    await starting.initialise(dir, ort);
    expect(starting.exited()).toBeUndefined();
    await starting.worker.terminate();
    await new Promise((resolve) => setImmediate(resolve));
    expect(starting.exited()).toMatch(/^exit /);
  });
});
