/**
 * The container's start-up input: command line and environment, parsed and validated.
 *
 * Split from serve.ts so that container/main.ts can read it before loading the server code, and
 * hand the model directory and session options to the prestarted inference worker at once.
 * Bad configuration or arguments exit 2 here, before anything listens.
 */
import { ConfigError, ValidationError } from '../core/errors.js';
import { type ContainerArgs, parseContainerArgs, USAGE } from './args.js';
import { type ContainerConfig, loadContainerConfig } from './config.js';
import type { Logger } from './log.js';

export interface Startup {
  readonly args: ContainerArgs;
  readonly config: ContainerConfig;
}

/**
 * @returns undefined after printing the usage for `--help`.
 * Exits the process with 2, naming the bad variable or argument, when the input is invalid.
 */
export function startupFromArgv(argv: readonly string[], log: Logger): Startup | undefined {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return undefined;
  }
  try {
    const config = loadContainerConfig(process.env);
    return { config, args: parseContainerArgs(argv, config.sagemakerPort) };
  } catch (error) {
    const bad = error instanceof ConfigError || error instanceof ValidationError;
    log('error', 'start-failed', { reason: error instanceof Error ? error.message : String(error) });
    if (!bad) throw error;
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
}
