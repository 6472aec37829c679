/**
 * Multi-shape warmup from the manifest, through the same invocation pipeline as `/invocations`.
 *
 * Each shape runs in waves of its production concurrency until its latency converges (the last
 * `window` wave times all within tolerance of their median), bounded per shape by
 * `maxIterations` and overall by the manifest's deadline. Shapes warm one after another (or side
 * by side with `parallelShapes`); then a few mixed waves run every shape at once, as production
 * interleaves them, so code shared by all shapes is not left specialised for the last one. Any request that does not answer 200 fails
 * the warmup: a shape that errors now would error for the first real client too.
 */
import { ModelLoadError } from '../core/errors.js';
import {
  type Convergence,
  convergenceFor,
  type WarmupManifest,
  type WarmupShape,
} from '../core/warmup-manifest.js';
import type { Invoke } from './invocation.js';

/**
 * `full` is the real behaviour. `single` (one request of the first shape) and `none` exist for
 * the side-by-side warmup-effectiveness benchmark only.
 */
export type WarmupMode = 'full' | 'single' | 'none';

export type ShapeStatus = 'pending' | 'warming' | 'converged' | 'unconverged' | 'skipped';

export interface ShapeReport {
  readonly name: string;
  readonly concurrency: number;
  status: ShapeStatus;
  iterations: number;
  /** Wall time of the first wave, milliseconds. */
  firstMs: number | null;
  /** Median of the last `window` waves once converged (or when stopped), milliseconds. */
  convergedMs: number | null;
  lastMs: number | null;
}

export interface WarmupReport {
  readonly mode: WarmupMode;
  readonly shapes: ShapeReport[];
  mixedRounds: number;
  totalMs: number | null;
  deadlineHit: boolean;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * True when the last `window` latencies each sit within the tolerance of their median,
 * relative or absolute (sub-millisecond runs jitter by more than any sensible percentage).
 */
export function hasConverged(latencies: readonly number[], rule: Convergence): boolean {
  if (latencies.length < Math.max(rule.minIterations, rule.window)) return false;
  const recent = latencies.slice(-rule.window);
  const m = median(recent);
  const slack = Math.max(m * rule.tolerance, rule.absoluteToleranceMs);
  return recent.every((x) => Math.abs(x - m) <= slack);
}

export function emptyReport(manifest: WarmupManifest | undefined, mode: WarmupMode): WarmupReport {
  return {
    mode,
    shapes: (manifest?.shapes ?? []).map((s) => ({
      name: s.name,
      concurrency: s.concurrency,
      status: mode === 'none' ? 'skipped' : 'pending',
      iterations: 0,
      firstMs: null,
      convergedMs: null,
      lastMs: null,
    })),
    mixedRounds: 0,
    totalMs: null,
    deadlineHit: false,
  };
}

export interface WarmupOptions {
  readonly mode: WarmupMode;
  /** Monotonic milliseconds. */
  readonly now: () => number;
  /** Aborted on SIGTERM: warmup stops between waves. */
  readonly signal?: AbortSignal;
  /** The report is updated in place, so `/status` shows progress while warmup runs. */
  readonly report: WarmupReport;
  readonly onShapeDone?: (shape: ShapeReport) => void;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/**
 * Runs the warmup and fills `options.report`.
 *
 * @throws {ModelLoadError} when a warmup request does not answer 200, or a shape stays
 *   unconverged and the manifest says `onUnconverged: "fail"`.
 */
export async function runWarmup(
  manifest: WarmupManifest,
  invoke: Invoke,
  options: WarmupOptions,
): Promise<WarmupReport> {
  const { report, now, mode } = options;
  const started = now();
  const deadline = started + manifest.deadlineMs;
  const bodies = manifest.shapes.map((s) => Buffer.from(JSON.stringify(s.body)));

  const call = async (shape: WarmupShape, body: Buffer): Promise<void> => {
    const outcome = await invoke(body);
    if (outcome.status !== 200) {
      throw new ModelLoadError(
        `warmup shape ${shape.name}: /invocations answered ${outcome.status}: ${outcome.body.slice(0, 300)}`,
      );
    }
  };
  const wave = async (shape: WarmupShape, body: Buffer): Promise<number> => {
    const t0 = now();
    await Promise.all(Array.from({ length: shape.concurrency }, () => call(shape, body)));
    return now() - t0;
  };

  if (mode === 'single') {
    const shape = manifest.shapes[0] as WarmupShape;
    const entry = report.shapes[0] as ShapeReport;
    const t0 = now();
    await call(shape, bodies[0] as Buffer);
    Object.assign(entry, {
      status: 'unconverged',
      iterations: 1,
      firstMs: round(now() - t0),
      lastMs: round(now() - t0),
    });
    for (const other of report.shapes.slice(1)) other.status = 'skipped';
  } else if (mode === 'full') {
    // One failing shape stops the others: the warmup has already failed.
    const stop = new AbortController();
    const stopped = () => stop.signal.aborted || options.signal?.aborted === true || now() >= deadline;
    const warmShape = async (i: number): Promise<void> => {
      const shape = manifest.shapes[i] as WarmupShape;
      const entry = report.shapes[i] as ShapeReport;
      const rule = convergenceFor(manifest, shape);
      const latencies: number[] = [];
      entry.status = 'warming';
      while (entry.iterations < rule.maxIterations && !stopped()) {
        const ms = await wave(shape, bodies[i] as Buffer);
        latencies.push(ms);
        entry.iterations += 1;
        entry.firstMs ??= round(ms);
        entry.lastMs = round(ms);
        if (hasConverged(latencies, rule)) break;
      }
      const converged = hasConverged(latencies, rule);
      entry.status = converged ? 'converged' : 'unconverged';
      if (latencies.length > 0) entry.convergedMs = round(median(latencies.slice(-rule.window)));
      if (!converged && now() >= deadline) report.deadlineHit = true;
      options.onShapeDone?.(entry);
    };
    const guarded = (i: number) =>
      warmShape(i).catch((error: unknown) => {
        stop.abort();
        throw error;
      });
    if (manifest.parallelShapes) await Promise.all(manifest.shapes.map((_, i) => guarded(i)));
    else for (const i of manifest.shapes.keys()) await guarded(i);
    for (let round_ = 0; round_ < manifest.mixedRounds; round_++) {
      if (options.signal?.aborted || now() >= deadline) break;
      await Promise.all(manifest.shapes.map((shape, i) => wave(shape, bodies[i] as Buffer)));
      report.mixedRounds += 1;
    }
    const unconverged = report.shapes.filter((s) => s.status === 'unconverged').map((s) => s.name);
    if (unconverged.length > 0 && manifest.onUnconverged === 'fail') {
      const why = report.deadlineHit
        ? `the ${manifest.deadlineMs} ms warmup deadline passed`
        : 'maxIterations reached';
      throw new ModelLoadError(`warmup did not converge for ${unconverged.join(', ')} (${why})`);
    }
  }
  report.totalMs = round(now() - started);
  return report;
}
