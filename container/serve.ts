/**
 * Runs one container instance in this process, with this process's env and signals.
 *
 * Both entry points use it: container/main.ts (the SageMaker image and the local region's child
 * processes) and `warmgate container`. SIGTERM and SIGINT drain in-flight requests, then exit 0.
 * Bad configuration or arguments exit 2 before anything listens; a port that cannot be bound exits 1.
 */
import { ConfigError, ValidationError } from '../core/errors.js';
import { parseContainerArgs, USAGE } from './args.js';
import { loadContainerConfig } from './config.js';
import { jsonLogger } from './log.js';
import { type RunningContainer, runContainer } from './run.js';

export async function serveFromArgv(argv: readonly string[]): Promise<RunningContainer | undefined> {
  const log = jsonLogger();
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return undefined;
  }
  let running: RunningContainer;
  try {
    const config = loadContainerConfig(process.env);
    const args = parseContainerArgs(argv, config.sagemakerPort);
    running = await runContainer(args, config, {
      log,
      now: () => performance.now(),
      exit: (code) => process.exit(code),
    });
  } catch (error) {
    const bad = error instanceof ConfigError || error instanceof ValidationError;
    log('error', 'start-failed', { reason: error instanceof Error ? error.message : String(error) });
    if (bad) process.stderr.write(`${USAGE}\n`);
    process.exit(bad ? 2 : 1);
  }
  const stop = (signal: string) => {
    void running.shutdown(signal).then((code) => process.exit(code));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  return running;
}
