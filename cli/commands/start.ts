/**
 * `warmgate start` (what `npm start` runs): the whole product on one machine. It builds the
 * example model, starts the local region with warmgate's control plane and dashboard, rolls out
 * `manga-recs` to 2 warm instances through the rollout state machine, loads a release calendar
 * whose One Piece drop is a few minutes away so a pre-warm happens live, prints the dashboard URL,
 * and keeps running until Ctrl-C.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Command } from 'commander';
import { ValidationError } from '../../core/errors.js';
import { causeMessage } from '../../core/execution-progress.js';
import { EXIT, runCommand } from '../command-errors.js';
import { demoCalendar } from '../demo-calendar.js';
import { followExecution, formatProgress } from '../follow-execution.js';
import { printer, runRollout } from '../rollout-runner.js';
import { smokeShapesFor } from './rollout.js';

interface StartOptions {
  port: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('start')
    .description(
      'run warmgate end to end on this machine: local region, rollout of manga-recs, a live calendar pre-warm, dashboard',
    )
    .option('--port <n>', 'port for the local region and dashboard (0 picks a free one)', '4566')
    .option('--json', 'machine-readable lines')
    .action((options: StartOptions) => runCommand(options.json === true, () => start(options)));
}

async function start(options: StartOptions): Promise<number> {
  const print = printer(options.json === true);
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw ValidationError.field('--port', 'must be 0-65535');

  const [
    { writeExampleModel },
    { REPO_ROOT },
    { startLocalStack },
    { installDashboard },
    { localClientConfig },
  ] = await Promise.all([
    import('../../container/example-model/build.js'),
    import('../../container/launch.js'),
    import('../../local/local-stack.js'),
    import('../../local/dashboard/install-dashboard.js'),
    import('../../local/control-plane/local-clients.js'),
  ]);

  // 1. The example model.
  const workDir = join(REPO_ROOT, '.warmgate');
  const modelDir = join(workDir, 'example-model');
  const built = performance.now();
  const { modelBytes } = await writeExampleModel(modelDir);
  print(
    `[1/5] example model built in ${Math.round(performance.now() - built)} ms: ${modelDir} (${(modelBytes / 1e6).toFixed(1)} MB)`,
    {
      event: 'model-built',
      modelDir,
      modelBytes,
    },
  );

  // 2. The local region, the control plane and the dashboard, with the demo calendar.
  const calendar = demoCalendar(Date.now());
  mkdirSync(workDir, { recursive: true });
  const calendarPath = join(workDir, 'calendar.yaml');
  writeFileSync(calendarPath, calendar.yaml);
  const warmupPath = join(modelDir, 'warmup.json');
  const stackOptions = { calendarUrl: `file://${calendarPath}`, warmupUrl: `file://${warmupPath}` };
  const stack = await startLocalStack({ port, ...stackOptions }).catch((error: unknown) => {
    if ((error as { code?: string }).code !== 'EADDRINUSE') throw error;
    print(`port ${port} is busy; using a free port instead`, { event: 'port-busy', port });
    return startLocalStack({ port: 0, ...stackOptions });
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    print('stopping: ending executions and instance processes…', { event: 'stopping' });
    await stack.close();
    process.exit(EXIT.ok);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const dashboard = await installDashboard(stack, { calendarPath });
  print(`[2/5] local region ready at ${stack.region.url} (AWS_ENDPOINT_URL=${stack.region.url})`, {
    event: 'ready',
    url: stack.region.url,
  });

  const sfn = new SFNClient(localClientConfig(stack.region.url));
  // Pre-warms run on their own schedule; print their progress as they happen.
  stack.controlPlane.stepFunctions.onExecutionChange(({ executionArn, status }) => {
    if (!executionArn.includes(':warmgate-prewarm:') || status !== 'RUNNING') return;
    print(`pre-warm started: ${executionArn}`, { event: 'prewarm-started', executionArn });
    void followExecution(sfn, executionArn, (item) =>
      print(`  pre-warm ${formatProgress(item)}`, { event: 'prewarm-progress', executionArn, ...item }),
    ).then((final) =>
      print(
        final.status === 'SUCCEEDED'
          ? 'pre-warm succeeded: capacity was proven warm before the drop and the floor is back to 2'
          : `pre-warm ${final.status?.toLowerCase()}: ${final.error ?? ''} ${causeMessage(final.cause)}`,
        { event: 'prewarm-finished', executionArn, status: final.status },
      ),
    );
  });

  // 3. Roll out manga-recs through the rollout state machine.
  print('[3/5] rolling out manga-recs (2 instances) through the rollout state machine', { event: 'rollout' });
  const modelData = `file://${modelDir}`;
  const code = await runRollout(
    sfn,
    stack.controlPlane.stateMachineArns.rollout,
    {
      request: {
        endpoint: 'manga-recs',
        image: 'warmgate-container:latest',
        modelDataUrl: modelData,
        instanceCount: 2,
        minCapacity: 2,
        maxCapacity: 4,
        strategy: { type: 'all-at-once', waitIntervalSeconds: 0 },
      },
      smokeShapes: smokeShapesFor({ modelData }),
    },
    { wait: true, print },
  );
  if (code !== EXIT.ok) {
    await stack.close();
    return code;
  }

  // 4. The calendar: sync it into pre-warm schedules through the calendar-sync state machine,
  // started as the hourly rule starts it (with an empty input: the configured calendar).
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: stack.controlPlane.stateMachineArns.calendarSync,
      input: '{}',
    }),
  );
  const synced = await followExecution(sfn, executionArn ?? '', () => undefined, 100);
  if (synced.status !== 'SUCCEEDED')
    throw new Error(
      `calendar sync ${synced.status?.toLowerCase()}: ${synced.error ?? ''} ${causeMessage(synced.cause)}`,
    );
  const report = JSON.parse(synced.output ?? '{}') as Record<string, unknown>;
  print(
    `[4/5] calendar loaded (${calendarPath}): One Piece drops at ${new Date(calendar.releaseAtMs).toISOString()} ` +
      `(${calendar.timezone}); pre-warm schedules ${JSON.stringify(report)}`,
    {
      event: 'calendar-synced',
      calendarPath,
      releaseAt: new Date(calendar.releaseAtMs).toISOString(),
      report,
    },
  );

  // 5. The dashboard.
  print(`[5/5] dashboard: ${dashboard.url}`, { event: 'dashboard', url: dashboard.url });
  print('running; press Ctrl-C to stop (every instance process is ended on exit)', { event: 'running' });
  await new Promise(() => undefined);
  return EXIT.ok;
}
