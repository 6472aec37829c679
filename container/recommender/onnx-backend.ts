/**
 * The ONNX recommender backend: a pool of worker threads, each with its own onnxruntime session,
 * behind a bounded queue.
 *
 * Inference runs only in the workers, so the main thread keeps answering `/ping` and `/live`
 * while every worker is busy. The queue is bounded so that overload turns into fast 429s
 * instead of unbounded memory and latency.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { InferenceError, ModelLoadError, ModelNotLoadedError, QueueFullError } from '../../core/errors.js';
import type { BackendStats, LoadReport, ModelBackend } from '../backend.js';
import type { OrtOptions } from '../config.js';
import { type CatalogFile, CatalogFileSchema } from './catalog.js';
import type { FromWorker, Recommendation, ToWorker } from './protocol.js';
import {
  parseRecommendationRequest,
  type RecommendationInstance,
  type RecommendationRequest,
} from './request.js';
import { type StartingWorker, takeInferenceWorker, type WorkerLoaded } from './worker-start.js';

export interface OnnxBackendOptions {
  readonly modelDir: string;
  readonly ort: OrtOptions;
  readonly workers: number;
  readonly maxQueue: number;
  /** Called when a worker dies and is replaced; the container logs it. */
  readonly onWorkerEvent?: (event: string, detail: Record<string, unknown>) => void;
}

interface Job {
  readonly id: number;
  readonly instances: readonly RecommendationInstance[];
  readonly resolve: (results: readonly (readonly Recommendation[])[]) => void;
  readonly reject: (error: Error) => void;
}

interface Slot {
  readonly worker: Worker;
  job: Job | undefined;
  completed: number;
}

function text(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reads and validates catalog.json.
 *
 * @throws {Error} naming the file and the first bad field.
 */
async function readCatalog(modelDir: string): Promise<CatalogFile> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(modelDir, 'catalog.json'), 'utf8'));
  } catch (error) {
    throw new Error(`catalog.json: ${text(error)}`);
  }
  const parsed = CatalogFileSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`catalog.json: ${first?.path.join('.') || '(file)'}: ${first?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

export class OnnxRecommenderBackend implements ModelBackend<RecommendationRequest> {
  readonly kind = 'onnxruntime';
  readonly #options: OnnxBackendOptions;
  readonly #slots: Slot[] = [];
  readonly #queue: Job[] = [];
  #catalog: CatalogFile | undefined;
  #nextId = 1;
  #completed = 0;
  #loaded = false;
  #closed = false;

  constructor(options: OnnxBackendOptions) {
    this.#options = options;
  }

  async load(): Promise<LoadReport> {
    const starting = Array.from({ length: this.#options.workers }, () => takeInferenceWorker());
    // Sessions start first; catalog.json is read and validated while they are being created.
    const sessions = starting.map((s) => this.#initialise(s));
    const [catalogResult, ...started] = await Promise.allSettled([
      readCatalog(this.#options.modelDir),
      ...sessions,
    ]);
    const failure =
      catalogResult?.status === 'rejected'
        ? catalogResult
        : started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure || catalogResult?.status !== 'fulfilled') {
      await Promise.all(starting.map((s) => s.worker.terminate()));
      const reason = (failure as PromiseRejectedResult | undefined)?.reason;
      throw new ModelLoadError(text(reason), { cause: reason });
    }
    const catalog = catalogResult.value as CatalogFile;
    this.#catalog = catalog;
    for (const s of starting) s.worker.postMessage({ type: 'catalog', catalog } satisfies ToWorker);
    const infos = started.map((s) => (s as PromiseFulfilledResult<WorkerLoaded>).value);
    starting.forEach((s) => {
      this.#attach({ worker: s.worker, job: undefined, completed: 0 }, s.exited());
    });
    this.#loaded = true;
    return {
      sessionCreateMs: Math.max(...infos.map((i) => i.sessionCreateMs)),
      details: {
        ortImportMs: Math.round(Math.max(...infos.map((i) => i.ortImportMs)) * 10) / 10,
        workers: infos.length,
        providers: infos[0]?.providers ?? [],
        catalogItems: catalog.items.length,
        graphOptimization: this.#options.ort.graphOptimization,
        intraOpThreads: this.#options.ort.intraOpThreads,
        interOpThreads: this.#options.ort.interOpThreads,
      },
    };
  }

  /** Sends `init` (unless main.ts already did) and waits for the session. */
  #initialise(starting: StartingWorker): Promise<WorkerLoaded> {
    return starting.initialise(this.#options.modelDir, this.#options.ort);
  }

  /** @param exited why the worker already exited, if it did before it was attached. */
  #attach(slot: Slot, exited?: string): void {
    this.#slots.push(slot);
    slot.worker.on('message', (message: FromWorker) => {
      const job = slot.job;
      if (!job || !('id' in message) || message.id !== job.id) return;
      slot.job = undefined;
      slot.completed += 1;
      this.#completed += 1;
      if (message.type === 'result') job.resolve(message.results);
      else if (message.type === 'run-error') job.reject(new InferenceError(message.message));
      this.#pump();
    });
    const lost = (why: string) => {
      const index = this.#slots.indexOf(slot);
      if (index < 0) return;
      this.#slots.splice(index, 1);
      slot.job?.reject(new InferenceError(`inference worker failed: ${why}`));
      slot.job = undefined;
      if (this.#closed || !this.#catalog) return;
      this.#options.onWorkerEvent?.('worker-lost', { why });
      const fresh = takeInferenceWorker();
      const catalog = this.#catalog;
      this.#initialise(fresh).then(
        () => {
          if (this.#closed) void fresh.worker.terminate();
          else {
            fresh.worker.postMessage({ type: 'catalog', catalog } satisfies ToWorker);
            this.#attach({ worker: fresh.worker, job: undefined, completed: 0 }, fresh.exited());
            this.#options.onWorkerEvent?.('worker-replaced', {});
            this.#pump();
          }
        },
        (error: unknown) => {
          void fresh.worker.terminate();
          this.#options.onWorkerEvent?.('worker-replace-failed', { error: text(error) });
        },
      );
    };
    slot.worker.on('error', (error) => lost(error.message));
    slot.worker.on('exit', (code) => lost(`exit ${code}`));
    // Its 'exit' event has come and gone: replace it now, or its jobs would wait for nothing.
    if (exited) queueMicrotask(() => lost(exited));
  }

  /** Hands queued jobs to idle workers, least-used first, so warmup waves reach every worker. */
  #pump(): void {
    while (this.#queue.length > 0) {
      const idle = this.#slots.filter((s) => !s.job).sort((a, b) => a.completed - b.completed)[0];
      if (!idle) return;
      const job = this.#queue.shift() as Job;
      idle.job = job;
      const message: ToWorker = { type: 'run', id: job.id, instances: job.instances };
      idle.worker.postMessage(message);
    }
  }

  parse(body: unknown): RecommendationRequest {
    return parseRecommendationRequest(body);
  }

  async invoke(request: RecommendationRequest): Promise<unknown> {
    if (!this.#loaded || this.#closed) throw new ModelNotLoadedError('the model is not loaded');
    if (this.#queue.length >= this.#options.maxQueue) {
      throw new QueueFullError(`inference queue full (${this.#options.maxQueue} waiting)`);
    }
    const results = await new Promise<readonly (readonly Recommendation[])[]>((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, instances: request.instances, resolve, reject });
      this.#pump();
    });
    if (request.kind === 'single') return { results: results[0] ?? [] };
    return { predictions: results.map((r) => ({ results: r })) };
  }

  stats(): BackendStats {
    return {
      inFlight: this.#slots.filter((s) => s.job).length,
      queued: this.#queue.length,
      completed: this.#completed,
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#loaded = false;
    for (const job of this.#queue.splice(0)) job.reject(new ModelNotLoadedError('the backend is closing'));
    await Promise.all(this.#slots.splice(0).map((s) => s.worker.terminate()));
  }
}
