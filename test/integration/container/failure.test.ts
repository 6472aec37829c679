import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, exampleModel, startInstance, status, until } from './harness.js';

afterAll(cleanup);

interface Failed {
  phase: string;
  failure?: { phase: string; reason: string };
}

async function failsWith(modelDir: string, reason: RegExp, failedIn: string): Promise<void> {
  const instance = await startInstance(modelDir, { env: { WARMGATE_FAIL_GRACE_MS: '1500' } });
  const failed = await until(async () => {
    const s = (await status(instance.url)) as unknown as Failed;
    return s.phase === 'failed' ? s : undefined;
  });
  expect(failed.failure?.reason).toMatch(reason);
  expect(failed.failure?.phase).toBe(failedIn);
  expect((await fetch(`${instance.url}/ping`)).status).toBe(503);
  const started = Date.now();
  const code = await instance.exited;
  expect(code).not.toBe(0);
  expect(code).not.toBe(-1);
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(
    instance.events.some((e) => e.event === 'phase' && e.phase === 'failed' && reason.test(String(e.reason))),
  ).toBe(true);
}

describe('container failure', () => {
  it('fails with the reason and exits non-zero when model.onnx is corrupt', async () => {
    const model = await exampleModel();
    writeFileSync(join(model, 'model.onnx'), Buffer.from('this is not an onnx protobuf'));
    await failsWith(model, /model\.onnx/, 'loading');
  });

  it('fails naming the field when warmup.json is invalid', async () => {
    const model = await exampleModel();
    writeFileSync(
      join(model, 'warmup.json'),
      JSON.stringify({ version: 1, shapes: [{ name: 'x', body: {}, concurrency: 0 }] }),
    );
    await failsWith(model, /warmup\.json shapes\.0\.concurrency/, 'loading');
  });

  it('fails in warming when a warmup shape is a request the model refuses', async () => {
    const model = await exampleModel();
    writeFileSync(
      join(model, 'warmup.json'),
      JSON.stringify({ version: 1, shapes: [{ name: 'bad', body: { query: 'x', topK: 999 } }] }),
    );
    await failsWith(model, /warmup shape bad: \/invocations answered 400.*topK/, 'warming');
  });

  it('fails when catalog.json is missing', async () => {
    const model = await exampleModel();
    writeFileSync(join(model, 'catalog.json'), '{"format":"something-else"}');
    await failsWith(model, /catalog\.json: format/, 'loading');
  });

  it('refuses bad configuration before listening, naming the variable, with exit code 2', async () => {
    const model = await exampleModel();
    await expect(startInstance(model, { env: { WARMGATE_ORT_GRAPH_OPTIMIZATION: 'turbo' } })).rejects.toThrow(
      /exited 2/,
    );
  });
});
