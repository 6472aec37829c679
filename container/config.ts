/**
 * Container configuration from the environment, parsed once with zod into a frozen object.
 *
 * Every variable is optional with a default that suits a small CPU instance; a malformed one
 * fails the start naming the variable (core/env-config.ts), never the first request.
 */
import { availableParallelism } from 'node:os';
import * as z from 'zod';
import { parseEnvConfig } from '../core/env-config.js';

const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const GRAPH_OPTIMIZATION = ['disabled', 'basic', 'extended', 'all'] as const;

const ContainerEnvSchema = z.object({
  /** SageMaker's port variable; `--port` wins over it. */
  SAGEMAKER_BIND_TO_PORT: int(0, 65_535).optional(),
  /**
   * Execution providers in preference order, comma-separated (`cuda,cpu`). `auto` uses CUDA
   * when the onnxruntime binary in the image provides it, and CPU otherwise.
   */
  WARMGATE_ORT_PROVIDERS: z
    .string()
    .trim()
    .regex(
      /^(auto|[a-z]+(,[a-z]+)*)$/,
      'must be `auto` or a comma-separated provider list such as `cuda,cpu`',
    )
    .default('auto'),
  WARMGATE_ORT_GRAPH_OPTIMIZATION: z.enum(GRAPH_OPTIMIZATION).default('all'),
  /** Threads per session for one operator; 0 lets onnxruntime choose (one per core). */
  WARMGATE_ORT_INTRA_OP_THREADS: int(0, 256).default(1),
  /** Threads per session across operators; only used in `parallel` execution mode. */
  WARMGATE_ORT_INTER_OP_THREADS: int(0, 256).default(1),
  WARMGATE_ORT_EXECUTION_MODE: z.enum(['sequential', 'parallel']).default('sequential'),
  /**
   * Inference worker threads, each with its own session. `auto` leaves one core to the HTTP
   * event loop (so `/ping` stays fast under load) and uses the rest: max(1, cores - 1).
   */
  WARMGATE_INFERENCE_WORKERS: z.union([z.literal('auto'), int(1, 64)]).default('auto'),
  /** Requests waiting for a worker before new ones get 429. */
  WARMGATE_MAX_QUEUE: int(1, 100_000).default(256),
  /** Largest accepted `/invocations` body; larger ones get 413. */
  WARMGATE_MAX_BODY_BYTES: int(1, 100 * 1024 * 1024).default(1024 * 1024),
  /** How long a failed container keeps answering `/status` before it exits non-zero. */
  WARMGATE_FAIL_GRACE_MS: int(0, 600_000).default(2_000),
  /** SIGTERM drain budget; SageMaker sends SIGKILL 30 s after SIGTERM, so stay under that. */
  WARMGATE_DRAIN_TIMEOUT_MS: int(0, 600_000).default(25_000),
});

export type GraphOptimization = (typeof GRAPH_OPTIMIZATION)[number];

/** onnxruntime session options, as the inference workers apply them. */
export interface OrtOptions {
  readonly providers: 'auto' | readonly string[];
  readonly graphOptimization: GraphOptimization;
  readonly intraOpThreads: number;
  readonly interOpThreads: number;
  readonly executionMode: 'sequential' | 'parallel';
}

export interface ContainerConfig {
  readonly sagemakerPort: number | undefined;
  readonly ort: OrtOptions;
  readonly workers: number;
  readonly maxQueue: number;
  readonly maxBodyBytes: number;
  readonly failGraceMs: number;
  readonly drainTimeoutMs: number;
}

/**
 * @throws {ConfigError} naming each malformed variable.
 */
export function loadContainerConfig(
  env: Readonly<Record<string, string | undefined>>,
  cores: number = availableParallelism(),
): Readonly<ContainerConfig> {
  const raw = parseEnvConfig(ContainerEnvSchema, env);
  const providers = raw.WARMGATE_ORT_PROVIDERS;
  return Object.freeze({
    sagemakerPort: raw.SAGEMAKER_BIND_TO_PORT,
    ort: Object.freeze({
      providers: providers === 'auto' ? 'auto' : Object.freeze(providers.split(',')),
      graphOptimization: raw.WARMGATE_ORT_GRAPH_OPTIMIZATION,
      intraOpThreads: raw.WARMGATE_ORT_INTRA_OP_THREADS,
      interOpThreads: raw.WARMGATE_ORT_INTER_OP_THREADS,
      executionMode: raw.WARMGATE_ORT_EXECUTION_MODE,
    }),
    workers:
      raw.WARMGATE_INFERENCE_WORKERS === 'auto' ? Math.max(1, cores - 1) : raw.WARMGATE_INFERENCE_WORKERS,
    maxQueue: raw.WARMGATE_MAX_QUEUE,
    maxBodyBytes: raw.WARMGATE_MAX_BODY_BYTES,
    failGraceMs: raw.WARMGATE_FAIL_GRACE_MS,
    drainTimeoutMs: raw.WARMGATE_DRAIN_TIMEOUT_MS,
  });
}
