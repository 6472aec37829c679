/**
 * One inference worker thread: owns an onnxruntime session and runs tokenize → session.run → rank.
 *
 * onnxruntime-node's `session.run` returns a promise but does the work synchronously on the
 * calling thread (a setImmediate, then a blocking native call). Run on the main thread, a long
 * batch would stall `/ping` for its whole duration; here it only ever blocks this worker.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { OrtOptions } from '../config.js';
import { type CatalogFile, CatalogFileSchema } from './catalog.js';
import { encodeBatch } from './encode.js';
import type { FromWorker, Recommendation, ToWorker, WorkerInit } from './protocol.js';
import { DEFAULT_TOP_K } from './request.js';

const port = parentPort;
if (!port) throw new Error('inference-worker must run in a worker thread');
const init = workerData as WorkerInit;

function post(message: FromWorker): void {
  port?.postMessage(message);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `auto` → CUDA first when this onnxruntime binary ships it, CPU always last. */
function providers(options: OrtOptions): string[] {
  if (options.providers !== 'auto') return [...options.providers];
  const bundled = ort.listSupportedBackends?.() ?? [];
  const cuda = bundled.some((b) => b.name === 'cuda' && b.bundled);
  return cuda ? ['cuda', 'cpu'] : ['cpu'];
}

async function load(): Promise<{ session: ort.InferenceSession; catalog: CatalogFile; used: string[] }> {
  let catalogRaw: unknown;
  try {
    catalogRaw = JSON.parse(await readFile(join(init.modelDir, 'catalog.json'), 'utf8'));
  } catch (error) {
    throw new Error(`catalog.json: ${errorText(error)}`);
  }
  const parsed = CatalogFileSchema.safeParse(catalogRaw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`catalog.json: ${first?.path.join('.') || '(file)'}: ${first?.message ?? 'invalid'}`);
  }
  const used = providers(init.ort);
  let session: ort.InferenceSession;
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
  return { session, catalog: parsed.data, used };
}

async function run(
  session: ort.InferenceSession,
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

try {
  const started = performance.now();
  const { session, catalog, used } = await load();
  post({
    type: 'loaded',
    sessionCreateMs: performance.now() - started,
    providers: used,
    items: catalog.items.length,
  });
  port.on('message', (message: ToWorker) => {
    run(session, catalog, message).then(post, (error: unknown) =>
      post({ type: 'run-error', id: message.id, message: errorText(error) }),
    );
  });
} catch (error) {
  post({ type: 'load-error', message: errorText(error) });
}
