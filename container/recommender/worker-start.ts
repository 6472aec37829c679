/**
 * Starting inference worker threads, and starting the first one early.
 *
 * A worker's own start (a V8 isolate, loading onnxruntime's native library) takes tens of
 * milliseconds. container/main.ts calls {@link prestartInferenceWorker} as its very first
 * statement, so that cost overlaps with the main thread loading its own code and parsing its
 * configuration, instead of following it. Kept free of heavy imports for that reason.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

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

/** A started worker, and the error or exit it hit before anyone listened, if any. */
export interface StartingWorker {
  readonly worker: Worker;
  early(): Error | undefined;
}

export function startInferenceWorker(): StartingWorker {
  const worker = new Worker(inferenceWorkerUrl());
  let early: Error | undefined;
  // Until the backend attaches its own listeners, an 'error' event must not crash the process.
  const onError = (error: Error) => {
    early ??= error;
  };
  const onExit = (code: number) => {
    early ??= new Error(`inference worker exited with code ${code} before it was initialised`);
  };
  worker.on('error', onError);
  worker.on('exit', onExit);
  return {
    worker,
    early: () => {
      worker.off('error', onError);
      worker.off('exit', onExit);
      return early;
    },
  };
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

/** A prestarted worker if there is one, else a fresh one. */
export function takeInferenceWorker(): StartingWorker {
  const starting = prestarted.shift() ?? startInferenceWorker();
  starting.worker.ref();
  return starting;
}
