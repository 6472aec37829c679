/**
 * Starting inference worker threads, and starting the first one early.
 *
 * A worker's own start (a V8 isolate, loading onnxruntime's native library) and its session
 * creation take tens of milliseconds each. container/main.ts calls {@link prestartInferenceWorker}
 * as its very first statement and {@link initialisePrestartedWorker} as soon as the configuration
 * is parsed, so both overlap with the main thread loading the server code and binding its port,
 * instead of following them. Kept free of heavy imports for that reason.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { OrtOptions } from '../config.js';
import type { FromWorker, ToWorker } from './protocol.js';

export type WorkerInit = Extract<ToWorker, { type: 'init' }>;
export type WorkerLoaded = Extract<FromWorker, { type: 'loaded' }>;

/**
 * Where the worker's code is. From TypeScript sources (tsx), a tiny ESM data: URL registers tsx
 * inside the worker first: Node 20 ignores `--import` in a Worker's execArgv, and a process
 * started through tsx's `register()` API has no flag to inherit. From the esbuild bundle, the
 * worker is a sibling `inference-worker.mjs`.
 */
export function inferenceWorkerUrl(base: string = import.meta.url): URL {
  if (!base.endsWith('.ts')) return new URL('./inference-worker.mjs', base);
  const tsxDir = dirname(createRequire(base).resolve('tsx/package.json'));
  const api = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const entry = new URL('./inference-worker.ts', base).href;
  const code = `import { register } from ${JSON.stringify(api)};\nregister();\nawait import(${JSON.stringify(entry)});\n`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

/** A started worker whose session may already be on its way. */
export interface StartingWorker {
  readonly worker: Worker;
  /**
   * Sends `init` (once: a second call with the same options returns the same promise) and
   * resolves when the session exists; rejects with the worker's reason, or with the error or exit
   * the worker hit before anyone asked.
   */
  initialise(modelDir: string, ort: OrtOptions): Promise<WorkerLoaded>;
  /**
   * Why the worker exited, if it has: its 'exit' event fires once, so a worker that died between
   * loading and being adopted must be seen here, or its adopter would wait for it forever.
   */
  exited(): string | undefined;
}

const sameInit = (a: WorkerInit, b: WorkerInit) =>
  a.modelDir === b.modelDir && JSON.stringify(a.ort) === JSON.stringify(b.ort);

export function startInferenceWorker(): StartingWorker {
  const worker = new Worker(inferenceWorkerUrl());
  let early: Error | undefined;
  // An 'error' event with no listener would crash the process; until the backend attaches its
  // own, these keep what happened for `initialise` to report.
  const onEarlyError = (error: Error) => {
    early ??= error;
  };
  let exitedWith: string | undefined;
  const onEarlyExit = (code: number) => {
    exitedWith = `exit ${code}`;
    early ??= new Error(`inference worker exited with code ${code} before it was initialised`);
  };
  worker.on('error', onEarlyError);
  worker.on('exit', onEarlyExit);
  let sent: { readonly init: WorkerInit; readonly loaded: Promise<WorkerLoaded> } | undefined;

  const initialise = (modelDir: string, ort: OrtOptions): Promise<WorkerLoaded> => {
    const init: WorkerInit = { type: 'init', modelDir, ort };
    if (sent) {
      return sameInit(sent.init, init)
        ? sent.loaded
        : Promise.reject(new Error('inference worker was already initialised with other options'));
    }
    const loaded = new Promise<WorkerLoaded>((resolve, reject) => {
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const onMessage = (message: FromWorker) => {
        cleanup();
        if (message.type === 'loaded') resolve(message);
        else
          reject(new Error(message.type === 'load-error' ? message.message : `unexpected ${message.type}`));
      };
      const onError = (error: Error) => {
        cleanup();
        reject(error);
      };
      const onExit = (code: number) => {
        cleanup();
        reject(new Error(`inference worker exited with code ${code} while loading`));
      };
      if (early) {
        reject(early);
        return;
      }
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage(init);
    });
    // Started early, nobody may be waiting yet; the adopter sees the rejection through `loaded`.
    loaded.catch(() => {});
    sent = { init, loaded };
    return loaded;
  };
  return { worker, initialise, exited: () => exitedWith };
}

const prestarted: StartingWorker[] = [];

/**
 * Starts one worker now, for the backend to adopt later. It is unref'd until adopted, so a
 * process that exits early (`--help`, bad configuration) is not held open by it.
 */
export function prestartInferenceWorker(): void {
  const starting = startInferenceWorker();
  starting.worker.unref();
  prestarted.push(starting);
}

/**
 * Starts the prestarted worker's session as soon as the configuration is known, before the
 * server code has loaded. The backend's own `initialise` with the same options then just waits.
 */
export function initialisePrestartedWorker(modelDir: string, ort: OrtOptions): void {
  void prestarted[0]?.initialise(modelDir, ort);
}

/** A prestarted worker if there is one, else a fresh one. */
export function takeInferenceWorker(): StartingWorker {
  const starting = prestarted.shift() ?? startInferenceWorker();
  starting.worker.ref();
  return starting;
}
