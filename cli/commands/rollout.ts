import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { Command } from 'commander';
import { ValidationError } from '../../core/errors.js';
import { planRollout, type SmokeShape } from '../../core/rollout/rollout-plan.js';
import { parseWarmupManifest } from '../../core/warmup-manifest.js';
import { cliClientConfig, findStateMachineArn, targetsLocalRegion } from '../aws-context.js';
import { runCommand } from '../command-errors.js';
import { printer, runRollout } from '../rollout-runner.js';

interface RolloutFlags {
  endpoint?: string;
  image?: string;
  modelData?: string;
  instanceType?: string;
  instances?: string;
  min?: string;
  max?: string;
  strategy?: string;
  startupTimeout?: string;
  warmup?: string;
  name?: string;
  stateMachineArn?: string;
  wait?: boolean;
  json?: boolean;
}

/** A numeric flag as the schema should see it: a number, or the raw text so zod names the field. */
function numberFlag(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) && value.trim() !== '' ? parsed : value;
}

/** The rollout request the flags describe; undefined flags are left out so defaults apply. */
export function requestFromFlags(flags: RolloutFlags): Record<string, unknown> {
  const entries: Array<[string, unknown]> = [
    ['endpoint', flags.endpoint],
    ['image', flags.image],
    ['modelDataUrl', flags.modelData],
    ['instanceType', flags.instanceType],
    ['instanceCount', numberFlag(flags.instances)],
    ['minCapacity', numberFlag(flags.min)],
    ['maxCapacity', numberFlag(flags.max)],
    ['strategy', flags.strategy],
    ['startupTimeoutSeconds', numberFlag(flags.startupTimeout)],
  ];
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
}

/**
 * The smoke shapes for the verify step: the warmup manifest given with --warmup, else the
 * `warmup.json` inside a `file://` model directory. Same manifest, same shapes the container
 * warmed, so the smoke test exercises exactly the paths that must be warm.
 *
 * @throws ValidationError naming `--warmup` when the file is missing or not a valid manifest.
 */
export function smokeShapesFor(flags: Pick<RolloutFlags, 'warmup' | 'modelData'>): SmokeShape[] {
  let path = flags.warmup;
  if (!path && flags.modelData?.startsWith('file://') && !flags.modelData.endsWith('.tar.gz')) {
    const candidate = join(fileURLToPath(flags.modelData), 'warmup.json');
    if (existsSync(candidate)) path = candidate;
  }
  if (!path) return [];
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ValidationError([{ field: '--warmup', message: `cannot read ${path}` }], { cause });
  }
  let manifest: ReturnType<typeof parseWarmupManifest>;
  try {
    manifest = parseWarmupManifest(JSON.parse(text));
  } catch (cause) {
    const detail = cause instanceof ValidationError ? cause.message : 'not valid JSON';
    throw new ValidationError([{ field: '--warmup', message: `${path}: ${detail}` }], { cause });
  }
  return manifest.shapes.map((shape) => ({ name: shape.name, body: shape.body }));
}

export function register(program: Command): void {
  program
    .command('rollout')
    .description(
      'roll out a model to a SageMaker endpoint through the rollout state machine (AWS, or the local region via AWS_ENDPOINT_URL)',
    )
    .requiredOption('--endpoint <name>', 'endpoint name')
    .requiredOption('--image <uri>', 'container image URI (ECR; locally also …warmgate-container[:tag])')
    .requiredOption('--model-data <url>', 'model artefact: s3://BUCKET/KEY, or file:///PATH locally')
    .option('--instance-type <type>', 'ml.* hosting instance type (default ml.m5.large)')
    .option('--instances <n>', 'instances in the new fleet, at least 2 (default 2)')
    .option('--min <n>', 'autoscaling floor, at least 2 (default 2)')
    .option('--max <n>', 'autoscaling ceiling (default 2 × max(instances, min))')
    .option('--strategy <name>', 'all-at-once | canary | linear (default all-at-once)')
    .option(
      '--startup-timeout <seconds>',
      'ContainerStartupHealthCheckTimeoutInSeconds, 60-3600 (default 600)',
    )
    .option(
      '--warmup <file>',
      'warmup manifest whose shapes the smoke test sends (default: warmup.json in a file:// model dir)',
    )
    .option('--name <execution>', 'execution name (unique per state machine; CI can pass its run id)')
    .option(
      '--state-machine-arn <arn>',
      'the rollout state machine (default: the one named warmgate-rollout)',
    )
    .option('--wait', 'follow the execution to its end and exit 0 on success, 1 on failure')
    .option('--json', 'machine-readable output: one JSON object per line')
    .addHelpText(
      'after',
      '\nExit codes: 0 succeeded (or started, without --wait), 1 the rollout failed, 2 the input was refused before anything changed.',
    )
    .action((flags: RolloutFlags) => runCommand(flags.json === true, () => rollout(flags)));
}

async function rollout(flags: RolloutFlags): Promise<number> {
  const request = requestFromFlags(flags);
  const smokeShapes = smokeShapesFor(flags);
  // Validate here with the very schema the first Lambda uses, so bad input exits 2 before any
  // execution (or resource) exists.
  planRollout(
    { request, smokeShapes, executionId: 'cli-precheck', startedAt: new Date().toISOString() },
    targetsLocalRegion() ? 'local' : 'aws',
  );
  const sfn = new SFNClient(cliClientConfig());
  const stateMachineArn = await findStateMachineArn(sfn, 'rollout', flags.stateMachineArn);
  return runRollout(
    sfn,
    stateMachineArn,
    { request, smokeShapes, ...(flags.name ? { name: flags.name } : {}) },
    { wait: flags.wait === true, print: printer(flags.json === true) },
  );
}
