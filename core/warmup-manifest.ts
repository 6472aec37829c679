/**
 * The warmup manifest: `warmup.json` in a model directory.
 *
 * It names the traffic shapes a model sees in production, each with a real request body, so that
 * the container can warm every shape through the same code path as `/invocations` before `/ping`
 * answers 200. The rollout's smoke test reads the same file to send one request of each shape to
 * a new fleet, which is why the schema lives in core: it is shared vocabulary, not container code.
 */
import * as z from 'zod';
import { parseOrThrow } from './validation.js';

/** When a shape counts as warm: the last `window` latencies all sit within a tolerance of their median. */
export const ConvergenceSchema = z
  .object({
    /** How many of the most recent latencies must agree. */
    window: z.number().int().min(2).max(50).default(5),
    /** Allowed relative distance from the window's median, e.g. 0.25 = ±25 %. */
    tolerance: z.number().positive().max(5).default(0.25),
    /**
     * Allowed absolute distance in milliseconds. Sub-millisecond runs jitter by more than any
     * sensible relative tolerance, so a latency also agrees when it is this close to the median.
     */
    absoluteToleranceMs: z.number().nonnegative().max(1000).default(0.5),
    /** Runs before convergence is even checked, so one lucky window cannot end warmup early. */
    minIterations: z.number().int().min(1).max(10_000).default(8),
    /** Hard bound per shape. A shape that has not converged by then is reported as unconverged. */
    maxIterations: z.number().int().min(1).max(10_000).default(200),
  })
  .strict()
  .refine((c) => c.maxIterations >= c.minIterations, {
    message: 'maxIterations must be at least minIterations',
    path: ['maxIterations'],
  });

/** One traffic shape: a named, real request body and how production sends it. */
export const WarmupShapeSchema = z
  .object({
    /** Stable name, reported per shape in `/status` and benchmarks. */
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be kebab-case, 1-63 characters'),
    description: z.string().max(500).optional(),
    /** The exact JSON body a client would POST to `/invocations`. */
    body: z.unknown().refine((b) => b !== undefined && b !== null, 'is required'),
    /**
     * Requests of this shape in flight at once in production. Warmup sends each iteration as a
     * wave of this many concurrent requests, so the concurrent paths (queueing, every worker)
     * are warm too, not only the serial one.
     */
    concurrency: z.number().int().min(1).max(64).default(1),
    /** Per-shape overrides of the manifest's convergence rule. */
    convergence: z
      .object({
        window: z.number().int().min(2).max(50),
        tolerance: z.number().positive().max(5),
        absoluteToleranceMs: z.number().nonnegative().max(1000),
        minIterations: z.number().int().min(1).max(10_000),
        maxIterations: z.number().int().min(1).max(10_000),
      })
      .partial()
      .strict()
      .optional(),
  })
  .strict();

export const WarmupManifestSchema = z
  .object({
    version: z.literal(1),
    shapes: z
      .array(WarmupShapeSchema)
      .min(1, 'must name at least one shape')
      .max(32)
      .refine((shapes) => new Set(shapes.map((s) => s.name)).size === shapes.length, {
        message: 'shape names must be unique',
      }),
    convergence: ConvergenceSchema.default({
      window: 5,
      tolerance: 0.25,
      absoluteToleranceMs: 0.5,
      minIterations: 8,
      maxIterations: 200,
    }),
    /** Total budget for the whole warmup. Past it, warmup stops and unconverged shapes are reported. */
    deadlineMs: z.number().int().min(100).max(3_600_000).default(60_000),
    /**
     * Warm the shapes side by side, each converging on its own, instead of one after another.
     * Off by default: measured on the example model, shapes timed while they interfere with each
     * other took 2-4× more waves to converge, so warmup took longer, not shorter. The mixed
     * rounds below cover interleaved traffic either way.
     */
    parallelShapes: z.boolean().default(false),
    /**
     * After every shape converged, run this many waves with all shapes in flight together,
     * as production mixes them. 0 turns the mixed stage off.
     */
    mixedRounds: z.number().int().min(0).max(100).default(3),
    /**
     * What an unconverged shape (max iterations or deadline reached) means. `ready`: the shape
     * ran many times and is as warm as the budget allows, so serve. `fail`: refuse to serve.
     */
    onUnconverged: z.enum(['ready', 'fail']).default('ready'),
  })
  .strict();

export type Convergence = z.infer<typeof ConvergenceSchema>;
export type WarmupShape = z.infer<typeof WarmupShapeSchema>;
export type WarmupManifest = z.infer<typeof WarmupManifestSchema>;
/** The manifest as written in a file, before defaults are applied. */
export type WarmupManifestInput = z.input<typeof WarmupManifestSchema>;

/** The convergence rule that applies to one shape: the manifest's, with the shape's overrides. */
export function convergenceFor(manifest: WarmupManifest, shape: WarmupShape): Convergence {
  const base = manifest.convergence;
  const own = shape.convergence ?? {};
  const minIterations = own.minIterations ?? base.minIterations;
  return {
    window: own.window ?? base.window,
    tolerance: own.tolerance ?? base.tolerance,
    absoluteToleranceMs: own.absoluteToleranceMs ?? base.absoluteToleranceMs,
    minIterations,
    maxIterations: Math.max(own.maxIterations ?? base.maxIterations, minIterations),
  };
}

/**
 * Parses an already-decoded manifest.
 *
 * @throws ValidationError naming every bad field as a dotted path (`shapes.1.concurrency`).
 */
export function parseWarmupManifest(input: unknown): WarmupManifest {
  return parseOrThrow(WarmupManifestSchema, input);
}
