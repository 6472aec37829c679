/**
 * The container process entry point: `node container/main.ts serve` (through tsx), or the
 * esbuild bundle of this file in the SageMaker image. See serve.ts for what it does.
 *
 * The first inference worker starts before anything else loads: its isolate and onnxruntime's
 * native library then load while this thread evaluates the rest of the code (zod, the server),
 * which takes the worker's start off the critical path to the first `/ping` 200.
 */
import { prestartInferenceWorker } from './recommender/worker-start.js';

prestartInferenceWorker();
const { serveFromArgv } = await import('./serve.js');
await serveFromArgv(process.argv.slice(2));
