/**
 * The ONNX recommender backend: a pool of worker threads, each with its own onnxruntime session,
 * behind a bounded queue.
 *
 * Inference runs only in the workers, so the main thread keeps answering `/ping` and `/live`
 * while every worker is busy. The queue is bounded so that overload turns into fast 429s
 * instead of unbounded memory and latency.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ModelLoadError } from '../../core/errors.js';
import type { BackendStats, LoadReport, ModelBackend } from '../backend.js';
import type { OrtOptions } from '../config.js';
import { InferenceError, ModelNotLoadedError, QueueFullError } from '../errors.js';
import type { FromWorker, Recommendation, ToWorker, WorkerInit } from './protocol.js';
import {
  parseRecommendationRequest,
  type RecommendationInstance,
  type RecommendationRequest,
} from './request.js';

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

interface StartedWorker {
  readonly slot: Slot;
  readonly info: Extract<FromWorker, { type: 'loaded' }>;
}

interface Slot {
  readonly worker: Worker;
  job: Job | undefined;
  completed: number;
}

/**
 * Where the worker's code is. From TypeScript sources (tsx), a tiny ESM data: URL registers tsx
 * inside the worker first: Node 20 ignores `--import` in a Worker's execArgv, and a process
 * started through tsx's `register()` API has no flag to inherit. From the esbuild bundle, the
 * worker is a sibling `.mjs` file.
 */
function workerUrl(): URL {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new URL('./inference-worker.mjs', here);
  const tsxDir = dirname(createRequire(here).resolve('tsx/package.json'));
  const api = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const entry = new URL('./inference-worker.ts', here).href;
  const code = `import { register } from ${JSON.stringify(api)};\nregister();\nawait import(${JSON.stringify(entry)});\n`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

export class OnnxRecommenderBackend implements ModelBackend<RecommendationRequest> {
  readonly kind = 'onnxruntime';
  readonly #options: OnnxBackendOptions;
  readonly #slots: Slot[] = [];
  readonly #queue: Job[] = [];
  #nextId = 1;
  #completed = 0;
  #loaded = false;
  #closed = false;

  constructor(options: OnnxBackendOptions) {
    this.#options = options;
  }

  async load(): Promise<LoadReport> {
    const started = await Promise.allSettled(
      Array.from({ length: this.#options.workers }, () => this.#startWorker()),
    );
    const failure = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) {
      for (const s of started) if (s.status === 'fulfilled') void s.value.slot.worker.terminate();
      const reason = failure.reason instanceof Error ? failure.reason.message : String(failure.reason);
      throw new ModelLoadError(reason, { cause: failure.reason });
    }
    const loaded = started.map((s) => (s as PromiseFulfilledResult<StartedWorker>).value);
    for (const { slot } of loaded) this.#attach(slot);
    this.#loaded = true;
    const first = loaded[0]?.info;
    return {
      sessionCreateMs: Math.max(...loaded.map((l) => l.info.sessionCreateMs)),
      details: {
        workers: loaded.length,
        providers: first?.providers ?? [],
        catalogItems: first?.items ?? 0,
        graphOptimization: this.#options.ort.graphOptimization,
        intraOpThreads: this.#options.ort.intraOpThreads,
        interOpThreads: this.#options.ort.interOpThreads,
      },
    };
  }

  #startWorker(): Promise<StartedWorker> {
    const init: WorkerInit = { modelDir: this.#options.modelDir, ort: this.#options.ort };
    const worker = new Worker(workerUrl(), { workerData: init });
    return new Promise((resolve, reject) => {
      const onMessage = (message: FromWorker) => {
        cleanup();
        if (message.type === 'loaded')
          resolve({ slot: { worker, job: undefined, completed: 0 }, info: message });
        else {
          void worker.terminate();
          reject(new Error(message.type === 'load-error' ? message.message : `unexpected ${message.type}`));
        }
      };
      const onError = (error: Error) => {
        cleanup();
        reject(error);
      };
      const onExit = (code: number) => {
        cleanup();
        reject(new Error(`inference worker exited with code ${code} while loading`));
      };
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
  }

  #attach(slot: Slot): void {
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
      if (this.#closed) return;
      this.#options.onWorkerEvent?.('worker-lost', { why });
      this.#startWorker().then(
        ({ slot: fresh }) => {
          if (this.#closed) void fresh.worker.terminate();
          else {
            this.#attach(fresh);
            this.#options.onWorkerEvent?.('worker-replaced', {});
            this.#pump();
          }
        },
        (error: unknown) => this.#options.onWorkerEvent?.('worker-replace-failed', { error: String(error) }),
      );
    };
    slot.worker.on('error', (error) => lost(error.message));
    slot.worker.on('exit', (code) => lost(`exit ${code}`));
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
