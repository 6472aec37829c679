import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Command } from 'commander';
import { ValidationError } from '../../core/errors.js';
import { causeMessage } from '../../core/execution-progress.js';
import { planPrewarm } from '../../core/prewarm/prewarm-plan.js';
import { cliClientConfig, findStateMachineArn } from '../aws-context.js';
import { EXIT, runCommand } from '../command-errors.js';
import { followExecution, formatProgress } from '../follow-execution.js';
import { printer } from '../rollout-runner.js';
import { smokeShapesFor } from './rollout.js';

interface PrewarmFlags {
  endpoint: string;
  min: string;
  releaseAt?: string;
  releaseIn?: string;
  holdMinutes: string;
  max?: string;
  warmup?: string;
  stateMachineArn?: string;
  wait?: boolean;
  json?: boolean;
}

function minutes(value: string, flag: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed <= 0) {
    throw ValidationError.field(flag, `must be a positive number of minutes, got "${value}"`);
  }
  return parsed;
}

/**
 * The pre-warm window the flags describe: from now, a release at `--release-at` (or
 * `--release-in` minutes, default 10), held `--hold-minutes` after it.
 *
 * @throws ValidationError naming the bad flag; planPrewarm then checks the window itself.
 */
export function windowFromFlags(flags: PrewarmFlags, nowMs: number): Record<string, unknown> {
  const releaseAtMs = flags.releaseAt
    ? Date.parse(flags.releaseAt)
    : nowMs + minutes(flags.releaseIn ?? '10', '--release-in') * 60_000;
  if (!Number.isFinite(releaseAtMs))
    throw ValidationError.field('--release-at', 'must be an ISO 8601 instant');
  const releaseAt = new Date(releaseAtMs).toISOString();
  const min = Number(flags.min);
  return {
    endpoint: flags.endpoint,
    windowId: `manual-${releaseAt.replace(/[^0-9]/g, '').slice(0, 14)}`,
    releases: ['manual'],
    releaseAt,
    restoreAt: new Date(releaseAtMs + minutes(flags.holdMinutes, '--hold-minutes') * 60_000).toISOString(),
    minCapacity: Number.isFinite(min) && flags.min.trim() !== '' ? min : flags.min,
    ...(flags.max === undefined ? {} : { maxCapacity: Number(flags.max) }),
  };
}

export function register(program: Command): void {
  program
    .command('prewarm')
    .description(
      'raise an endpoint to warm capacity now, ahead of a release, through the prewarm state machine',
    )
    .requiredOption('--endpoint <name>', 'endpoint name')
    .requiredOption('--min <n>', 'floor (MinCapacity) to hold through the window, at least 2')
    .option('--release-at <iso>', 'when the traffic arrives (default: in --release-in minutes)')
    .option('--release-in <minutes>', 'minutes from now until the traffic arrives', '10')
    .option('--hold-minutes <minutes>', 'how long after the release to keep the capacity', '60')
    .option('--max <n>', 'raise MaxCapacity to at least this')
    .option('--warmup <file>', 'warmup manifest whose shapes the smoke test sends')
    .option(
      '--state-machine-arn <arn>',
      'the prewarm state machine (default: the one named warmgate-prewarm)',
    )
    .option('--wait', 'follow the pre-warm until the capacity is proven warm (it keeps holding after that)')
    .option('--json', 'machine-readable output: one JSON object per line')
    .addHelpText(
      'after',
      '\nExit codes: 0 started (or warm, with --wait), 1 failed or late, 2 input refused.',
    )
    .action((flags: PrewarmFlags) => runCommand(flags.json === true, () => prewarm(flags)));
}

async function prewarm(flags: PrewarmFlags): Promise<number> {
  const print = printer(flags.json === true);
  const input = {
    ...windowFromFlags(flags, Date.now()),
    smokeShapes: smokeShapesFor({ ...(flags.warmup ? { warmup: flags.warmup } : {}) }),
  };
  planPrewarm(input);
  const sfn = new SFNClient(cliClientConfig());
  const stateMachineArn = await findStateMachineArn(sfn, 'prewarm', flags.stateMachineArn);
  const { executionArn = '' } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
  );
  print(`pre-warm started: ${executionArn}`, { event: 'started', executionArn, window: input });
  if (!flags.wait) return EXIT.ok;
  // Waiting for the whole execution would include the hold window; stop following once the
  // readiness verdict is in.
  let verdict: { late: boolean; message: string } | undefined;
  const abort = new AbortController();
  await followExecution(
    sfn,
    executionArn,
    (item) => {
      print(formatProgress(item), { event: 'progress', ...item });
      if (item.state === 'RecordReady' && item.kind === 'poll') {
        verdict = { late: item.message.startsWith('LATE'), message: item.message };
        abort.abort();
      }
      // The failure path also holds until the window ends; its verdict is already clear here.
      if (item.state === 'RecordNotReady' || item.kind === 'failed') {
        verdict = { late: true, message: item.message };
        abort.abort();
      }
    },
    1000,
    abort.signal,
  ).catch((error: unknown) => {
    if (!abort.signal.aborted) throw error;
  });
  if (!verdict) return EXIT.failed;
  print(
    verdict.late
      ? `pre-warm late or failed: ${causeMessage(verdict.message)}`
      : `capacity ready: ${verdict.message}`,
    {
      event: verdict.late ? 'late' : 'ready',
      message: verdict.message,
    },
  );
  return verdict.late ? EXIT.failed : EXIT.ok;
}
