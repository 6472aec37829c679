/**
 * `warmgate container --model-dir DIR --port N [--no-gate]`: one container instance in this process.
 */
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('container')
    .description('start one warmup-gated inference container instance (logs JSON lines to stdout)')
    .argument('[serve]', 'the SageMaker form: bind 0.0.0.0, port from SAGEMAKER_BIND_TO_PORT')
    .option('--model-dir <dir>', 'folder with model.onnx, catalog.json and warmup.json', '/opt/ml/model')
    .option('--port <n>', 'port to listen on (default SAGEMAKER_BIND_TO_PORT, then 8080; 0 = any free port)')
    .option('--host <addr>', 'address to bind (default 127.0.0.1; 0.0.0.0 with serve)')
    .option('--no-gate', 'NAIVE BASELINE for benchmarks only: /ping answers 200 from process start')
    .option('--warmup <mode>', 'full (default); single or none exist for the warmup benchmark only')
    .action(
      async (
        serve: string | undefined,
        options: { modelDir: string; port?: string; host?: string; gate: boolean; warmup?: string },
      ) => {
        const argv: string[] = [];
        if (serve !== undefined) argv.push(serve);
        argv.push('--model-dir', options.modelDir);
        if (options.port !== undefined) argv.push('--port', options.port);
        if (options.host !== undefined) argv.push('--host', options.host);
        if (!options.gate) argv.push('--no-gate');
        if (options.warmup !== undefined) argv.push('--warmup', options.warmup);
        const { serveFromArgv } = await import('../../container/serve.js');
        await serveFromArgv(argv);
      },
    );
}
