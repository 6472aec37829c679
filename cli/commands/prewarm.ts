import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Command } from 'commander';
import { type FieldIssue, ValidationError } from '../../core/errors.js';
import { causeMessage } from '../../core/execution-progress.js';
import { planPrewarm } from '../../core/prewarm/prewarm-plan.js';
import { SageMakerEndpointReader } from '../../functions/adapters/sagemaker-endpoint-reader.js';
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

/** What `--release-in` means when neither release flag is given. */
const DEFAULT_RELEASE_IN_MINUTES = 10;
const DEFAULT_HOLD_MINUTES = 60;
/** An ISO 8601 instant with Z or an offset, so that it names one instant on every machine. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

function minutes(value: string, flag: string, issues: FieldIssue[]): number | undefined {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed <= 0) {
    issues.push({ field: flag, message: `must be a positive number of minutes, got "${value}"` });
    return undefined;
  }
  return parsed;
}

/**
 * The pre-warm window the flags describe: from now, a release at `--release-at` (or
 * `--release-in` minutes, default 10), held `--hold-minutes` after it. `releaseInGiven` says
 * whether `--release-in` was on the command line: it has a default, so its value cannot tell.
 *
 * A bad flag is listed in `issues` rather than thrown, and the window is still filled in (with the
 * default release time), so that planPrewarm can check the rest and one run names every problem.
 */
export function windowFromFlags(
  flags: PrewarmFlags,
  nowMs: number,
  releaseInGiven: boolean,
): { window: Record<string, unknown>; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const releaseIn = minutes(flags.releaseIn ?? String(DEFAULT_RELEASE_IN_MINUTES), '--release-in', issues);
  const holdMinutes = minutes(flags.holdMinutes, '--hold-minutes', issues);
  let releaseAtMs = nowMs + (releaseIn ?? DEFAULT_RELEASE_IN_MINUTES) * 60_000;
  if (flags.releaseAt !== undefined) {
    if (releaseInGiven)
      issues.push({
        field: '--release-at',
        message: 'cannot be combined with --release-in: give one of --release-in and --release-at',
      });
    // An explicit Z or offset: without one, Date.parse reads the machine's local time, so a CI
    // runner in UTC and an operator in Tokyo would mean different instants by the same text.
    const parsed = ISO_INSTANT.test(flags.releaseAt) ? Date.parse(flags.releaseAt) : Number.NaN;
    if (!Number.isFinite(parsed))
      issues.push({
        field: '--release-at',
        message: `must be an ISO 8601 instant with Z or an offset (2026-11-29T00:00:00+09:00), got "${flags.releaseAt}"`,
      });
    // A window whose release has passed can never be warm in time, and its execution would only
    // raise the floor to hold it for what is left of the window.
    else if (parsed <= nowMs)
      issues.push({
        field: '--release-at',
        message: `must be in the future: ${new Date(parsed).toISOString()} is not after now (${new Date(nowMs).toISOString()})`,
      });
    else releaseAtMs = parsed;
  }
  const releaseAt = new Date(releaseAtMs).toISOString();
  const min = Number(flags.min);
  const window = {
    endpoint: flags.endpoint,
    windowId: `manual-${releaseAt.replace(/[^0-9]/g, '').slice(0, 14)}`,
    releases: ['manual'],
    releaseAt,
    restoreAt: new Date(releaseAtMs + (holdMinutes ?? DEFAULT_HOLD_MINUTES) * 60_000).toISOString(),
    minCapacity: Number.isFinite(min) && flags.min.trim() !== '' ? min : flags.min,
    ...(flags.max === undefined ? {} : { maxCapacity: Number(flags.max) }),
  };
  return { window, issues };
}

/** Adds a ValidationError's issues to `issues`; anything else is rethrown. */
function collect(error: unknown, issues: FieldIssue[]): void {
  if (!(error instanceof ValidationError)) throw error;
  issues.push(...error.issues);
}

/** The region the CLI talks to, with the local region's URL when AWS_ENDPOINT_URL is set. */
function where(): string {
  const endpointUrl = process.env.AWS_ENDPOINT_URL;
  return `${cliClientConfig().region}${endpointUrl ? ` at ${endpointUrl}` : ''}`;
}

/**
 * Whether the endpoint exists where the CLI points (AWS, or the local region). A pre-warm of a
 * missing endpoint would fail at RaiseFloor and then sit out its whole hold window.
 */
async function endpointExists(name: string): Promise<boolean> {
  const sagemaker = new SageMakerClient(cliClientConfig());
  try {
    return (await new SageMakerEndpointReader(sagemaker).describeEndpoint(name)) !== undefined;
  } finally {
    sagemaker.destroy();
  }
}

export function register(program: Command): void {
  program
    .command('prewarm')
    .description(
      'raise an endpoint to warm capacity now, ahead of a release, through the prewarm state machine',
    )
    .requiredOption('--endpoint <name>', 'endpoint name')
    .requiredOption('--min <n>', 'floor (MinCapacity) to hold through the window, at least 2')
    .option(
      '--release-at <iso>',
      'when the traffic arrives, in the future; not with --release-in (default: in --release-in minutes)',
    )
    .option(
      '--release-in <minutes>',
      'minutes from now until the traffic arrives',
      String(DEFAULT_RELEASE_IN_MINUTES),
    )
    .option(
      '--hold-minutes <minutes>',
      'how long after the release to keep the capacity',
      String(DEFAULT_HOLD_MINUTES),
    )
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
    .action((flags: PrewarmFlags, command: Command) =>
      runCommand(flags.json === true, () =>
        prewarm(flags, command.getOptionValueSource('releaseIn') !== 'default'),
      ),
    );
}

async function prewarm(flags: PrewarmFlags, releaseInGiven: boolean): Promise<number> {
  const print = printer(flags.json === true);
  const { window, issues } = windowFromFlags(flags, Date.now(), releaseInGiven);
  let smokeShapes: ReturnType<typeof smokeShapesFor> = [];
  try {
    smokeShapes = smokeShapesFor({ ...(flags.warmup ? { warmup: flags.warmup } : {}) });
  } catch (error) {
    collect(error, issues);
  }
  const input = { ...window, smokeShapes };
  try {
    planPrewarm(input);
  } catch (error) {
    collect(error, issues);
  }
  // Checked last, and only for a well-formed name, so that a refusal still lists every problem.
  if (!issues.some((issue) => issue.field === 'endpoint')) {
    let exists = true;
    try {
      exists = await endpointExists(flags.endpoint);
    } catch (error) {
      // Only a proven absence refuses. The check is advisory and a pre-warm is time-critical: a
      // caller without sagemaker:DescribeEndpoint, or a throttled call, still starts it (a missing
      // endpoint then fails at RaiseFloor).
      process.stderr.write(
        `warning: --endpoint: could not check that ${flags.endpoint} exists (${(error as Error).message}); starting the pre-warm anyway\n`,
      );
    }
    if (!exists)
      issues.push({
        field: '--endpoint',
        message: `no endpoint named ${flags.endpoint} in ${where()}; roll it out first (warmgate rollout)`,
      });
  }
  if (issues.length > 0) throw new ValidationError(issues);
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
