/**
 * `warmgate local`: the local region. One process on 127.0.0.1 serving SageMaker, SageMaker
 * Runtime, Application Auto Scaling, CloudWatch, DynamoDB and (unless `--bare`) warmgate's own
 * Step Functions control plane, with endpoints hosted by real container processes.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { ValidationError } from '../../core/errors.js';
import { EXIT, reportError } from '../command-errors.js';

interface LocalOptions {
  port: string;
  provisioningDelay: string[];
  speed: string;
  pingInterval?: string;
  startupPingInterval?: string;
  timeScale: string;
  stateDir?: string;
  bare?: boolean;
  calendar?: string;
  warmup?: string;
  verbose?: boolean;
  json?: boolean;
}

function number(value: string, flag: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed))
    throw ValidationError.field(flag, `must be a number, got "${value}"`);
  return parsed;
}

/** A TCP port: 0 (any free one) to 65535. */
function port(value: string): number {
  const parsed = number(value, '--port');
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535)
    throw ValidationError.field('--port', `must be 0-65535 (0 picks a free port), got "${value}"`);
  return parsed;
}

/**
 * The port the user asked for cannot be had: busy, or reserved for root. Bad input (exit 2) that
 * names `--port`, rather than Node's bare `listen EADDRINUSE`; anything else is rethrown. Unlike
 * `warmgate start`, `warmgate local` does not fall back to another port: scripts export the URL
 * they asked for.
 */
function refusedPort(error: unknown, requested: number): never {
  const { code, syscall } = (error ?? {}) as { code?: unknown; syscall?: unknown };
  // Only the listen call speaks of the port: an EACCES from creating the state folder does not.
  if (syscall !== 'listen') throw error;
  if (code === 'EADDRINUSE')
    throw new ValidationError(
      [
        {
          field: '--port',
          message: `${requested} is already in use on 127.0.0.1; pass --port 0 for any free port, or another port`,
        },
      ],
      { cause: error },
    );
  if (code === 'EACCES')
    throw new ValidationError(
      [
        {
          field: '--port',
          message: `${requested} needs privileges this process lacks; pass --port 0 for any free port, or one above 1023`,
        },
      ],
      { cause: error },
    );
  throw error;
}

/** `MS` sets the default delay; `TYPE=MS` sets one instance type's (repeatable). */
export function parseProvisioningDelays(specs: readonly string[]): {
  defaultMs: number | undefined;
  byType: Record<string, number>;
} {
  let defaultMs: number | undefined;
  const byType: Record<string, number> = {};
  for (const spec of specs) {
    const at = spec.indexOf('=');
    if (at === -1) defaultMs = number(spec, '--provisioning-delay');
    else byType[spec.slice(0, at)] = number(spec.slice(at + 1), `--provisioning-delay ${spec.slice(0, at)}`);
  }
  return { defaultMs, byType };
}

export function register(program: Command): void {
  program
    .command('local')
    .description(
      'serve the AWS APIs warmgate uses on 127.0.0.1, hosting endpoints as real container processes',
    )
    .option('--port <n>', 'port to listen on (0 picks a free one)', '4566')
    .option(
      '--provisioning-delay <ms|type=ms>',
      'instance provisioning delay: a default in ms, or per type as ml.g5.xlarge=8000 (repeatable)',
      (value: string, all: string[]) => [...all, value],
      [] as string[],
    )
    .option(
      '--speed <factor>',
      'run the schedule clock this many times faster (scheduled scaling in demos)',
      '1',
    )
    .option('--ping-interval <ms>', 'how often instances are health-probed on /ping (default 1000)')
    .option(
      '--startup-ping-interval <ms>',
      'how often a starting instance is probed until its first /ping passes (default 10)',
    )
    .option(
      '--time-scale <factor>',
      'shrink AWS-fixed durations such as health-check timeouts (0 < f <= 1)',
      '1',
    )
    .option('--state-dir <dir>', 'where instance model directories go (default: a temporary directory)')
    .option('--bare', "serve the AWS APIs only, without warmgate's Step Functions control plane")
    .option('--calendar <file>', 'release calendar that calendar-sync reads and the dashboard shows')
    .option('--warmup <file>', 'warmup manifest whose shapes pre-warms smoke-test')
    .option('--verbose', 'log every request and hosting event')
    .option('--json', 'print machine-readable lines')
    .action(async (options: LocalOptions) => {
      const json = options.json ?? false;
      const print = (event: Record<string, unknown>, text: string) =>
        process.stdout.write(`${json ? JSON.stringify(event) : text}\n`);
      try {
        const delays = parseProvisioningDelays(options.provisioningDelay);
        const regionOptions = {
          port: port(options.port),
          speed: number(options.speed, '--speed'),
          timeScale: number(options.timeScale, '--time-scale'),
          ...(options.pingInterval
            ? { pingIntervalMs: number(options.pingInterval, '--ping-interval') }
            : {}),
          ...(options.startupPingInterval
            ? {
                startupPingIntervalMs: number(options.startupPingInterval, '--startup-ping-interval'),
              }
            : {}),
          ...(delays.defaultMs === undefined ? {} : { provisioningDelayMs: delays.defaultMs }),
          provisioningDelayByType: delays.byType,
          ...(options.stateDir ? { stateDir: options.stateDir } : {}),
          ...(options.verbose ? { log: (line: string) => print({ event: 'log', line }, line) } : {}),
        };
        const calendarPath = options.calendar ? resolve(options.calendar) : undefined;
        const warmupPath = options.warmup ? resolve(options.warmup) : undefined;
        let dashboardUrl: string | undefined;
        let region: Awaited<ReturnType<typeof import('../../local/region.js').startRegion>>;
        const refused = (error: unknown) => refusedPort(error, regionOptions.port);
        if (options.bare) {
          region = await (await import('../../local/region.js')).startRegion(regionOptions).catch(refused);
        } else {
          const stack = await (await import('../../local/local-stack.js'))
            .startLocalStack({
              ...regionOptions,
              ...(calendarPath ? { calendarUrl: pathToFileURL(calendarPath).href } : {}),
              ...(warmupPath ? { warmupUrl: pathToFileURL(warmupPath).href } : {}),
            })
            .catch(refused);
          region = stack.region;
          // The dashboard is part of the local control plane; its token is printed once, here.
          const { installDashboard } = await import('../../local/dashboard/install-dashboard.js');
          dashboardUrl = (await installDashboard(stack, calendarPath ? { calendarPath } : {})).url;
        }
        let stopping = false;
        const stop = (signal: string) => {
          if (stopping) {
            // A second Ctrl-C means "now": the watchdog still ends the instances.
            process.exit(EXIT.failed);
          }
          stopping = true;
          print({ event: 'stopping', signal }, `stopping (${signal}): ending every instance`);
          void region.close().then(() => {
            print({ event: 'stopped' }, 'stopped');
            process.exit(EXIT.ok);
          });
        };
        process.on('SIGINT', () => stop('SIGINT'));
        process.on('SIGTERM', () => stop('SIGTERM'));
        print(
          {
            event: 'ready',
            url: region.url,
            port: region.port,
            region: region.region,
            accountId: region.accountId,
            ...(dashboardUrl ? { dashboard: dashboardUrl } : {}),
          },
          `warmgate local ready at ${region.url}\n  export AWS_ENDPOINT_URL=${region.url} AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=${region.region}` +
            (dashboardUrl ? `\n  dashboard: ${dashboardUrl}` : ''),
        );
      } catch (error) {
        process.exit(reportError(error, json));
      }
    });
}
