import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, exampleModel, invoke, startInstance, status, until, waitReady } from './harness.js';

interface Counters {
  inference: { completed: number };
  http: { inFlight: number };
}

afterAll(cleanup);

let model: string;
beforeAll(async () => {
  model = await exampleModel();
});

/** Starts a POST whose body is sent in two halves; returns a function that sends the rest. */
function halfSent(
  url: string,
  body: string,
): { finish: () => void; response: Promise<{ status: number; text: string }> } {
  const bytes = Buffer.from(body);
  let finish = () => {};
  const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      `${url}/invocations`,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': bytes.length } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => {
          text += d.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.write(bytes.subarray(0, bytes.length >> 1));
    finish = () => req.end(bytes.subarray(bytes.length >> 1));
  });
  return { finish: () => finish(), response };
}

describe('container drain on SIGTERM', () => {
  it('finishes a request already in flight, refuses new connections, then exits 0', async () => {
    const instance = await startInstance(model);
    await waitReady(instance.url);
    const inflight = halfSent(instance.url, JSON.stringify({ query: 'samurai revenge', topK: 3 }));
    await until(async () => (instance.events.length > 0 ? true : undefined));
    // Let the half body reach the server before the signal.
    await new Promise((r) => setTimeout(r, 100));
    instance.child.kill('SIGTERM');
    await until(async () => (instance.events.some((e) => e.event === 'draining') ? true : undefined));
    await expect(fetch(`${instance.url}/live`)).rejects.toThrow();
    inflight.finish();
    const answered = await inflight.response;
    expect(answered.status).toBe(200);
    expect((JSON.parse(answered.text) as { results: unknown[] }).results).toHaveLength(3);
    expect(await instance.exited).toBe(0);
    expect(instance.events.find((e) => e.event === 'stopped')?.abandoned).toBe(0);
  });

  it('answers every queued request before exiting', async () => {
    const instance = await startInstance(model);
    await waitReady(instance.url);
    const before = (await status(instance.url)) as unknown as Counters;
    // Long histories fill the 512-token sequence, so each request keeps the worker busy for a few
    // milliseconds: the 150 arrive faster than they are answered, and SIGTERM finds a backlog.
    const turn =
      'a brutal dark fantasy war story with a morally grey swordsman, politics and revenge '.repeat(6);
    const body = {
      instances: Array.from({ length: 16 }, (_, i) => ({
        query: `dark fantasy revenge ${i}`,
        history: Array.from({ length: 8 }, () => turn),
        topK: 20,
      })),
    };
    const burst = Array.from({ length: 150 }, () => invoke(instance.url, body));
    // Only requests the server has already received are in flight; wait until all 150 are.
    await until(
      async () => {
        const s = (await status(instance.url)) as unknown as Counters;
        const arrived = s.inference.completed - before.inference.completed + s.http.inFlight - 1;
        return arrived >= 150 ? true : undefined;
      },
      20_000,
      1,
    );
    instance.child.kill('SIGTERM');
    const results = await Promise.all(burst);
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    expect(await instance.exited).toBe(0);
    // The signal really did arrive with work outstanding.
    expect(Number(instance.events.find((e) => e.event === 'draining')?.inFlight)).toBeGreaterThan(10);
  });
});
