/**
 * The container process entry point: `node container/main.ts serve` (through tsx), or the
 * esbuild bundle of this file in the SageMaker image. See serve.ts for what it does.
 */
import { serveFromArgv } from './serve.js';

await serveFromArgv(process.argv.slice(2));
