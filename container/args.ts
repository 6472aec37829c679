/**
 * The container's command line: the SageMaker form `serve` and the local form with flags.
 *
 * SageMaker starts a bring-your-own container as `docker run IMAGE serve`, with the port in
 * `SAGEMAKER_BIND_TO_PORT` and the model unpacked at `/opt/ml/model`. Locally the same program
 * runs as `--model-dir DIR --port N`.
 */
import { parseArgs } from 'node:util';
import { ValidationError } from '../core/errors.js';
import type { WarmupMode } from './warmup.js';

export const SAGEMAKER_MODEL_DIR = '/opt/ml/model';
export const DEFAULT_PORT = 8080;

export interface ContainerArgs {
  readonly modelDir: string;
  readonly port: number;
  readonly host: string;
  readonly gate: boolean;
  readonly warmup: WarmupMode;
  readonly serve: boolean;
}

export const USAGE = `usage: container [serve] [--model-dir DIR] [--port N] [--host ADDR] [--no-gate] [--warmup full|single|none]

  serve           the SageMaker form: binds 0.0.0.0, port from SAGEMAKER_BIND_TO_PORT (default 8080)
  --model-dir     model.onnx, catalog.json and warmup.json (default ${SAGEMAKER_MODEL_DIR})
  --port          port to listen on (default SAGEMAKER_BIND_TO_PORT, then ${DEFAULT_PORT}); 0 picks a free one
  --host          address to bind (default 127.0.0.1, or 0.0.0.0 with serve)
  --no-gate       NAIVE BASELINE for benchmarks: /ping says 200 from process start, no warmup
  --warmup        full (default), or single / none for the warmup-effectiveness benchmark only`;

function port(text: string, field: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65_535)
    throw ValidationError.field(field, `must be a port number 0-65535, got ${text}`);
  return Number(text);
}

/**
 * @param sagemakerPort SAGEMAKER_BIND_TO_PORT, already parsed from the environment.
 * @throws {ValidationError} naming the bad argument.
 */
export function parseContainerArgs(
  argv: readonly string[],
  sagemakerPort: number | undefined,
): ContainerArgs {
  let parsed: ReturnType<
    typeof parseArgs<{
      options: {
        'model-dir': { type: 'string' };
        port: { type: 'string' };
        host: { type: 'string' };
        'no-gate': { type: 'boolean' };
        warmup: { type: 'string' };
      };
      allowPositionals: true;
    }>
  >;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        'model-dir': { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'no-gate': { type: 'boolean' },
        warmup: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw ValidationError.field('argv', error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const extra = positionals.filter((p) => p !== 'serve');
  if (extra.length > 0) throw ValidationError.field('argv', `unexpected argument ${extra[0]}`);
  const serve = positionals.includes('serve');
  const gate = !values['no-gate'];
  const warmup = values.warmup ?? (gate ? 'full' : 'none');
  if (warmup !== 'full' && warmup !== 'single' && warmup !== 'none') {
    throw ValidationError.field('--warmup', `must be full, single or none, got ${warmup}`);
  }
  return {
    serve,
    modelDir: values['model-dir'] ?? SAGEMAKER_MODEL_DIR,
    port: values.port !== undefined ? port(values.port, '--port') : (sagemakerPort ?? DEFAULT_PORT),
    // Inside a SageMaker container the agent reaches us through the container's own network
    // interface, so `serve` must bind every interface. Run directly on a developer machine,
    // the container binds loopback only unless told otherwise.
    host: values.host ?? (serve ? '0.0.0.0' : '127.0.0.1'),
    gate,
    warmup,
  };
}
