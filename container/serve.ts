/**
 * Runs one container instance in this process, with this process's env and signals.
 *
 * Both entry points use it: container/main.ts (the SageMaker image and the local region's child
 * processes) and `warmgate container`. SIGTERM and SIGINT drain in-flight requests, then exit 0.
 * Bad configuration or arguments exit 2 before anything listens (startup.ts); a port that cannot
 * be bound exits 1.
 */
import { jsonLogger, type Logger } from './log.js';
import { type RunningContainer, runContainer } from './run.js';
import { type Startup, startupFromArgv } from './startup.js';

export async function serve(startup: Startup, log: Logger = jsonLogger()): Promise<RunningContainer> {
  let running: RunningContainer;
  try {
    running = await runContainer(startup.args, startup.config, {
      log,
      now: () => performance.now(),
      exit: (code) => process.exit(code),
    });
  } catch (error) {
    log('error', 'start-failed', { reason: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  }
  const stop = (signal: string) => {
    void running.shutdown(signal).then((code) => process.exit(code));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  return running;
}

export async function serveFromArgv(argv: readonly string[]): Promise<RunningContainer | undefined> {
  const log = jsonLogger();
  const startup = startupFromArgv(argv, log);
  return startup ? serve(startup, log) : undefined;
}
