/**
 * The container process entry point: `node container/main.ts serve` (through tsx), or the
 * esbuild bundle of this file in the SageMaker image. See serve.ts for what it does.
 *
 * The order is the point. The first inference worker starts before anything else loads, so its
 * isolate and onnxruntime's native library load while this thread reads its configuration; the
 * session is created (initialisePrestartedWorker) before the server code is even loaded. Both
 * used to follow the server's start and are now off the critical path to the first `/ping` 200
 * (bench/results/container-time-to-ready.json).
 */
import { initialisePrestartedWorker, prestartInferenceWorker } from './recommender/worker-start.js';

prestartInferenceWorker();
const { jsonLogger } = await import('./log.js');
const { startupFromArgv } = await import('./startup.js');
const log = jsonLogger();
const startup = startupFromArgv(process.argv.slice(2), log);
if (startup) {
  initialisePrestartedWorker(startup.args.modelDir, startup.config.ort);
  const { serve } = await import('./serve.js');
  await serve(startup, log);
}
