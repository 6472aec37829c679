/**
 * One inference worker thread: owns an onnxruntime session and runs tokenize → session.run → rank.
 *
 * onnxruntime-node's `session.run` returns a promise but does the work synchronously on the
 * calling thread (a setImmediate, then a blocking native call). Run on the main thread, a long
 * batch would stall `/ping` for its whole duration; here it only ever blocks this worker.
 *
 * The worker starts loading onnxruntime the moment it exists, before the main thread has even
 * parsed its configuration, and creates the session when the `init` message arrives. This file
 * stays free of zod and other heavy imports for the same reason: its load time is on the
 * critical path to `/ping` 200.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import type { InferenceSession } from 'onnxruntime-node';
import type { OrtOptions } from '../config.js';
import type { CatalogFile } from './catalog.js';
import { encodeBatch } from './encode.js';
import { DEFAULT_TOP_K } from './limits.js';
import type { FromWorker, Recommendation, ToWorker } from './protocol.js';

type Ort = typeof import('onnxruntime-node');

const port = parentPort;
if (!port) throw new Error('inference-worker must run in a worker thread');

const importStarted = performance.now();
let ortImportMs = Number.NaN;

/**
 * `require`, not `import()`: onnxruntime-node is CommonJS, and loading it through the ES module
 * loader took ~8 ms longer in a fresh worker on this machine (19-21 ms against 11-12 ms), all of
 * it on the critical path to the first `/ping` 200.
 */
function loadOrt(): Promise<Ort> {
  try {
    const ort = createRequire(import.meta.url)('onnxruntime-node') as Ort;
    ortImportMs = performance.now() - importStarted;
    return Promise.resolve(ort);
  } catch (error) {
    return Promise.reject(error);
  }
}
const ortModule = loadOrt();
// Rejections are reported when `init` arrives; this only keeps an early failure from being unhandled.
ortModule.catch(() => {});

function post(message: FromWorker): void {
  port?.postMessage(message);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `auto` → CUDA first when this onnxruntime binary ships it, CPU always last. */
function providers(ort: Ort, options: OrtOptions): string[] {
  if (options.providers !== 'auto') return [...options.providers];
  const bundled = ort.listSupportedBackends?.() ?? [];
  const cuda = bundled.some((b) => b.name === 'cuda' && b.bundled);
  return cuda ? ['cuda', 'cpu'] : ['cpu'];
}

interface Loaded {
  readonly ort: Ort;
  readonly session: InferenceSession;
}

async function load(init: Extract<ToWorker, { type: 'init' }>): Promise<Loaded> {
  let ort: Ort;
  try {
    ort = await ortModule;
  } catch (error) {
    throw new Error(`onnxruntime-node: ${errorText(error)}`);
  }
  const used = providers(ort, init.ort);
  const sessionStarted = performance.now();
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(join(init.modelDir, 'model.onnx'), {
      executionProviders: used,
      graphOptimizationLevel: init.ort.graphOptimization,
      intraOpNumThreads: init.ort.intraOpThreads,
      interOpNumThreads: init.ort.interOpThreads,
      executionMode: init.ort.executionMode,
    });
  } catch (error) {
    throw new Error(`model.onnx: ${errorText(error)}`);
  }
  for (const name of ['token_ids', 'token_weights', 'top_k']) {
    if (!session.inputNames.includes(name)) throw new Error(`model.onnx: missing input ${name}`);
  }
  for (const name of ['scores', 'indices']) {
    if (!session.outputNames.includes(name)) throw new Error(`model.onnx: missing output ${name}`);
  }
  post({ type: 'loaded', sessionCreateMs: performance.now() - sessionStarted, ortImportMs, providers: used });
  return { ort, session };
}

async function run(
  { ort, session }: Loaded,
  catalog: CatalogFile,
  message: Extract<ToWorker, { type: 'run' }>,
): Promise<FromWorker> {
  const started = performance.now();
  const batch = encodeBatch(message.instances, catalog.tokenizer);
  const wanted = message.instances.map((i) => Math.min(i.topK ?? DEFAULT_TOP_K, catalog.items.length));
  const k = Math.max(...wanted);
  const out = await session.run({
    token_ids: new ort.Tensor('int64', batch.tokenIds, [batch.batch, batch.seq]),
    token_weights: new ort.Tensor('float32', batch.weights, [batch.batch, batch.seq]),
    top_k: new ort.Tensor('int64', BigInt64Array.of(BigInt(k)), [1]),
  });
  const scores = out.scores?.data as Float32Array;
  const indices = out.indices?.data as BigInt64Array;
  const results = wanted.map((want, row) => {
    const list: Recommendation[] = [];
    for (let j = 0; j < want; j++) {
      const index = Number(indices[row * k + j]);
      const item = catalog.items[index];
      if (!item)
        throw new Error(`model returned item ${index}, but catalog.json has ${catalog.items.length}`);
      list.push({
        rank: j + 1,
        title: item.title,
        score: Math.round((scores[row * k + j] as number) * 10_000) / 10_000,
        genres: item.genres,
        demographic: item.demographic,
        tags: item.tags,
      });
    }
    return list;
  });
  return { type: 'result', id: message.id, results, runMs: performance.now() - started };
}

let loaded: Promise<Loaded> | undefined;
let catalog: CatalogFile | undefined;
port.on('message', (message: ToWorker) => {
  if (message.type === 'init') {
    loaded = load(message);
    loaded.catch((error: unknown) => post({ type: 'load-error', message: errorText(error) }));
    return;
  }
  if (message.type === 'catalog') {
    catalog = message.catalog;
    return;
  }
  const ready = catalog;
  if (!loaded || !ready) {
    post({ type: 'run-error', id: message.id, message: 'worker not initialised' });
    return;
  }
  loaded
    .then((l) => run(l, ready, message))
    .then(post, (error: unknown) => post({ type: 'run-error', id: message.id, message: errorText(error) }));
});
