import { describe, expect, it } from 'vitest';
import type { Invoke } from '../../../container/invocation.js';
import { emptyReport, hasConverged, runWarmup, type WarmupMode } from '../../../container/warmup.js';
import { ModelLoadError } from '../../../core/errors.js';
import { parseWarmupManifest, type WarmupManifestInput } from '../../../core/warmup-manifest.js';

const rule = { window: 4, tolerance: 0.2, absoluteToleranceMs: 0, minIterations: 4, maxIterations: 100 };

/** A fake clock that an invoke advances by a scripted latency per call. */
function scripted(latencies: (shape: string, call: number) => number) {
  let clock = 0;
  const calls: string[] = [];
  const invoke: Invoke = async (raw) => {
    const body = JSON.parse(raw.toString()) as { query: string };
    calls.push(body.query);
    clock += latencies(body.query, calls.filter((c) => c === body.query).length);
    return { status: 200, body: '{}' };
  };
  return { invoke, now: () => clock, calls };
}

async function warm(
  input: WarmupManifestInput,
  invoke: Invoke,
  now: () => number,
  mode: WarmupMode = 'full',
) {
  const manifest = parseWarmupManifest(input);
  return runWarmup(manifest, invoke, { mode, now, report: emptyReport(manifest, mode) });
}

describe('hasConverged', () => {
  it('is true when the last window sits within the tolerance of its median', () => {
    expect(hasConverged([50, 20, 10, 10.5, 9.8, 10.2], rule)).toBe(true);
  });

  it('is false while one recent latency is still far from the median', () => {
    expect(hasConverged([10, 10, 10, 15], rule)).toBe(false);
  });

  it('is false before minIterations, however flat the latencies', () => {
    expect(hasConverged([1, 1, 1, 1], { ...rule, minIterations: 5 })).toBe(false);
  });

  it('accepts sub-millisecond jitter within the absolute tolerance', () => {
    const tiny = [0.3, 0.5, 0.31, 0.45];
    expect(hasConverged(tiny, rule)).toBe(false);
    expect(hasConverged(tiny, { ...rule, absoluteToleranceMs: 0.5 })).toBe(true);
  });
});

describe('runWarmup', () => {
  const manifest = (extra: Partial<WarmupManifestInput> = {}): WarmupManifestInput => ({
    version: 1,
    shapes: [
      { name: 'short', body: { query: 'short' }, concurrency: 3 },
      { name: 'long', body: { query: 'long' } },
    ],
    convergence: rule,
    mixedRounds: 0,
    ...extra,
  });

  it('records first and converged latency per shape and stops each shape once it converges', async () => {
    // Cold: 40 ms, then 10 ms flat for short; long starts at 90 and settles at 30.
    const { invoke, now } = scripted((q, n) =>
      q === 'short' ? (n <= 3 ? 40 / 3 : 10 / 3) : n === 1 ? 90 : 30,
    );
    const report = await warm(manifest(), invoke, now);
    const [short, long] = report.shapes;
    expect(short).toMatchObject({ name: 'short', status: 'converged', firstMs: 40, convergedMs: 10 });
    expect(long).toMatchObject({ name: 'long', status: 'converged', firstMs: 90, convergedMs: 30 });
    expect(short?.iterations).toBe(5);
    expect(report.totalMs).toBeGreaterThan(0);
  });

  it('sends each wave as concurrency parallel requests through the invoke pipeline', async () => {
    const { invoke, now, calls } = scripted(() => 1);
    const report = await warm(manifest({ mixedRounds: 2 }), invoke, now);
    const short = report.shapes[0];
    expect(calls.filter((c) => c === 'short')).toHaveLength((short?.iterations ?? 0) * 3 + 2 * 3);
    expect(report.mixedRounds).toBe(2);
  });

  it('stops a shape that never converges at maxIterations and reports it unconverged', async () => {
    const { invoke, now } = scripted((_q, n) => (n % 2 === 0 ? 10 : 30));
    const report = await warm(manifest({ convergence: { ...rule, maxIterations: 12 } }), invoke, now);
    expect(report.shapes[1]).toMatchObject({ status: 'unconverged', iterations: 12 });
  });

  it('fails with the shape named when onUnconverged is fail', async () => {
    const { invoke, now } = scripted((_q, n) => (n % 2 === 0 ? 10 : 30));
    const input = manifest({ convergence: { ...rule, maxIterations: 12 }, onUnconverged: 'fail' });
    await expect(warm(input, invoke, now)).rejects.toThrow(
      /did not converge for long \(maxIterations reached\)/,
    );
  });

  it('stops at the total deadline and says so', async () => {
    const { invoke, now } = scripted((_q, n) => (n % 2 === 0 ? 100 : 300));
    const report = await warm(manifest({ deadlineMs: 1_000 }), invoke, now);
    expect(report.deadlineHit).toBe(true);
    expect(report.shapes.every((s) => s.status === 'unconverged')).toBe(true);
    expect(report.totalMs).toBeLessThan(2_000);
  });

  it('fails the warmup, naming the shape and status, when a warmup request is not answered 200', async () => {
    const invoke: Invoke = async () => ({ status: 400, body: '{"error":{"field":"query"}}' });
    const error = await warm(manifest(), invoke, () => 0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect(String((error as Error).message)).toMatch(/short.*400.*query/);
  });

  it('warms shapes side by side when parallelShapes is on, each to its own convergence', async () => {
    const { invoke, now, calls } = scripted(() => 1);
    const report = await warm({ ...manifest(), parallelShapes: true }, invoke, now);
    expect(report.shapes.map((s) => s.status)).toEqual(['converged', 'converged']);
    // Interleaved: the long shape's first request went out before the short shape finished.
    expect(calls.indexOf('long')).toBeLessThan(calls.lastIndexOf('short'));
  });

  it('stops every shape once one fails', async () => {
    let longCalls = 0;
    const invoke: Invoke = async (raw) => {
      const { query } = JSON.parse(raw.toString()) as { query: string };
      if (query === 'long') longCalls += 1;
      await new Promise((r) => setImmediate(r));
      return query === 'short' ? { status: 500, body: 'boom' } : { status: 200, body: '{}' };
    };
    const input = {
      ...manifest({ convergence: { ...rule, tolerance: 0.0001, maxIterations: 1000 } }),
      parallelShapes: true,
    };
    await expect(warm(input, invoke, () => performance.now())).rejects.toThrow(/short.*500/);
    const after = longCalls;
    await new Promise((r) => setTimeout(r, 20));
    expect(longCalls).toBe(after);
    expect(after).toBeLessThan(10);
  });

  it('sends exactly one request in single mode and none in none mode (benchmark baselines)', async () => {
    const one = scripted(() => 5);
    const single = await warm(manifest(), one.invoke, one.now, 'single');
    expect(one.calls).toEqual(['short']);
    expect(single.shapes.map((s) => s.status)).toEqual(['unconverged', 'skipped']);
    const none = scripted(() => 5);
    await warm(manifest(), none.invoke, none.now, 'none');
    expect(none.calls).toEqual([]);
  });
});
