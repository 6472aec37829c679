import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, exampleModel, type Instance, invoke, startInstance, waitReady } from './harness.js';

afterAll(cleanup);

let instance: Instance;

beforeAll(async () => {
  instance = await startInstance(await exampleModel(), { env: { WARMGATE_MAX_BODY_BYTES: '65536' } });
  await waitReady(instance.url);
});

/** Sends a body in chunks without a Content-Length, as a streaming client would. */
function chunked(url: string, chunks: number, chunkBytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/invocations`,
      { method: 'POST', headers: { 'transfer-encoding': 'chunked' } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', (error) =>
      String(error).includes('EPIPE') || String(error).includes('ECONNRESET') ? undefined : reject(error),
    );
    const chunk = Buffer.alloc(chunkBytes, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < chunks) {
        sent += 1;
        if (!req.write(chunk)) return req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

describe('/invocations', () => {
  it('answers a single query with ranked results', async () => {
    const { status, json } = await invoke(instance.url, { query: 'pirates adventure', topK: 3 });
    expect(status).toBe(200);
    const results = json.results as { rank: number; title: string; score: number }[];
    expect(results.map((r) => r.rank)).toEqual([1, 2, 3]);
    expect(results[0]?.score).toBeGreaterThanOrEqual(results[2]?.score ?? 1);
    expect(typeof results[0]?.title).toBe('string');
  });

  it('answers a batch with one prediction per instance, each with its own topK', async () => {
    const { status, json } = await invoke(instance.url, {
      instances: [{ query: 'boxing', topK: 2 }, { query: 'cooking' }],
    });
    expect(status).toBe(200);
    const predictions = json.predictions as { results: unknown[] }[];
    expect(predictions.map((p) => p.results.length)).toEqual([2, 10]);
  });

  it('rejects bad input with 400 and the name of the field', async () => {
    const cases: [unknown, string][] = [
      [{}, 'query'],
      [{ query: 'x', topK: 0 }, 'topK'],
      [{ query: 'x', topk: 5 }, 'topk'],
      [{ instances: [{ query: 'ok' }, { query: 7 }] }, 'instances.1.query'],
      ['{"query": ', 'body'],
      ['[]', 'body'],
    ];
    for (const [body, field] of cases) {
      const { status, json } = await invoke(instance.url, body);
      expect(status, JSON.stringify(body)).toBe(400);
      expect((json.error as { field: string }).field).toBe(field);
    }
  });

  it('rejects an oversized body with 413, announced or streamed, and keeps serving', async () => {
    const big = JSON.stringify({ query: 'x'.repeat(70_000) });
    const announced = await fetch(`${instance.url}/invocations`, { method: 'POST', body: big });
    expect(announced.status).toBe(413);
    expect(((await announced.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await chunked(instance.url, 200, 4096)).toBe(413);
    expect((await fetch(`${instance.url}/live`)).status).toBe(200);
    expect((await invoke(instance.url, { query: 'still alive' })).status).toBe(200);
  });

  it('answers 405 and 404 for other methods and paths, without crashing', async () => {
    expect((await fetch(`${instance.url}/invocations`)).status).toBe(405);
    expect((await fetch(`${instance.url}/ping`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${instance.url}/nope`)).status).toBe(404);
    expect(instance.child.exitCode).toBeNull();
  });
});
