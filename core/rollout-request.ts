import * as z from 'zod';
import { type Floor, floorSchema, MIN_FLOOR } from './floor.js';
import { DEFAULT_INSTANCE_TYPE, isHostingInstanceType } from './instance-types.js';
import {
  type Brand,
  DEFAULT_VARIANT,
  type EndpointName,
  endpointNameSchema,
  type VariantName,
  variantNameSchema,
} from './names.js';
import { parseOrThrow } from './validation.js';

/**
 * Where a request will run. `local` is the embedded local region: it also runs the short
 * `warmgate-container[:tag]` image form and `file://` model data, which real SageMaker cannot.
 */
export type RolloutMode = 'aws' | 'local';

/** A container image reference that passed {@link parseRolloutRequest}'s image check. */
export type ImageUri = Brand<string, 'ImageUri'>;
/** A model artefact location that passed the check for its mode (`s3://`, or `file://` locally). */
export type ModelDataUrl = Brand<string, 'ModelDataUrl'>;

/** How much of the new fleet a canary or linear step turns on, in SageMaker's own terms. */
export interface CapacitySize {
  readonly type: 'INSTANCE_COUNT' | 'CAPACITY_PERCENT';
  readonly value: number;
}

interface StrategyCommon {
  /** Seconds between traffic-shifting steps (SageMaker WaitIntervalInSeconds, 0..3600). */
  readonly waitIntervalSeconds: number;
  /** Seconds the old fleet is kept after traffic has moved (TerminationWaitInSeconds, 0..3600). */
  readonly terminationWaitSeconds: number;
  /** Upper bound on the whole blue/green update (MaximumExecutionTimeoutInSeconds, 600..28800). */
  readonly maximumExecutionTimeoutSeconds?: number;
}

/** The blue/green traffic-routing strategy of an update; creation ignores it. */
export type DeploymentStrategy =
  | (StrategyCommon & { readonly type: 'all-at-once' })
  | (StrategyCommon & { readonly type: 'canary'; readonly canarySize: CapacitySize })
  | (StrategyCommon & { readonly type: 'linear'; readonly linearStepSize: CapacitySize });

/** A validated rollout: every field within SageMaker's ranges and warmgate's floor rule. */
export interface RolloutRequest {
  readonly endpoint: EndpointName;
  readonly variant: VariantName;
  readonly image: ImageUri;
  readonly modelDataUrl: ModelDataUrl;
  readonly instanceType: string;
  /** Instances the new fleet starts with. At least 2 and within [minCapacity, maxCapacity]. */
  readonly instanceCount: number;
  /** The autoscaling floor (MinCapacity). Never below 2. */
  readonly minCapacity: Floor;
  readonly maxCapacity: number;
  /** ContainerStartupHealthCheckTimeoutInSeconds: how long /ping may stay 503 (60..3600). */
  readonly startupTimeoutSeconds: number;
  /** ModelDataDownloadTimeoutInSeconds (60..3600). */
  readonly modelDataDownloadTimeoutSeconds: number;
  readonly strategy: DeploymentStrategy;
  /** Smoke-test budget: each warmup shape must answer within this many milliseconds. */
  readonly smoke?: { readonly latencyBudgetMs: number };
  /** Environment variables for the model container (SageMaker allows 16 pairs). */
  readonly environment?: Readonly<Record<string, string>>;
}

// ECR is the only registry SageMaker real-time hosting pulls from without a VPC registry setup,
// so the AWS form is an ECR URI: ACCOUNT.dkr.ecr[-fips].REGION.amazonaws.com[.cn]/REPO[:TAG|@sha256:DIGEST].
const REPOSITORY = '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*';
const REFERENCE = '(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})?';
const ECR_IMAGE = new RegExp(
  `^\\d{12}\\.dkr\\.ecr(?:-fips)?\\.[a-z]{2}(?:-[a-z]+)+-\\d\\.amazonaws\\.com(?:\\.cn)?/${REPOSITORY}${REFERENCE}$`,
);
// The local region runs this repository's container for any image whose repository name ends in
// `warmgate-container` (DESIGN.md), with or without a registry host in front.
const LOCAL_IMAGE = new RegExp(
  `^(?:[a-z0-9.-]+(?::\\d+)?/)?(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*(?:[a-z0-9]+(?:[._-][a-z0-9]+)*[._-])?warmgate-container${REFERENCE}$`,
);
const S3_URL = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/\S+$/;
const FILE_URL = /^file:\/\/\/\S+$/;

function imageSchema(mode: RolloutMode) {
  const accepted =
    mode === 'local'
      ? 'an ECR image URI (ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO[:TAG]) or a local …warmgate-container[:TAG] image'
      : 'an ECR image URI: ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO[:TAG|@sha256:DIGEST]';
  return z
    .string({ error: 'must be a string' })
    .refine(
      (uri) => ECR_IMAGE.test(uri) || (mode === 'local' && LOCAL_IMAGE.test(uri)),
      `must be ${accepted}`,
    )
    .transform((uri) => uri as ImageUri);
}

function modelDataUrlSchema(mode: RolloutMode) {
  const accepted = mode === 'local' ? 's3://BUCKET/KEY or file:///ABSOLUTE/PATH' : 's3://BUCKET/KEY';
  return z
    .string({ error: 'must be a string' })
    .refine((url) => S3_URL.test(url) || (mode === 'local' && FILE_URL.test(url)), {
      error: (issue) =>
        mode === 'aws' && typeof issue.input === 'string' && issue.input.startsWith('file://')
          ? 'file:// model data runs only in the local region; use s3://BUCKET/KEY'
          : `must be ${accepted}`,
    })
    .transform((url) => url as ModelDataUrl);
}

const seconds = (min: number, max: number) =>
  z
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(min, `must be between ${min} and ${max} seconds`)
    .max(max, `must be between ${min} and ${max} seconds`);

const capacitySizeSchema = z.strictObject({
  type: z.enum(['INSTANCE_COUNT', 'CAPACITY_PERCENT'], {
    error: 'must be INSTANCE_COUNT or CAPACITY_PERCENT',
  }),
  value: z.number().int('must be a whole number').min(1, 'must be at least 1'),
});

// Defaults: one instance (the smallest canary SageMaker allows) or half the fleet per linear
// step, and a minute of observation between steps; enough to catch a crash-looping new fleet.
const STRATEGY_DEFAULTS = {
  waitIntervalSeconds: 60,
  terminationWaitSeconds: 0,
  canarySize: { type: 'INSTANCE_COUNT', value: 1 },
  linearStepSize: { type: 'CAPACITY_PERCENT', value: 50 },
} as const;

const strategyCommon = {
  waitIntervalSeconds: seconds(0, 3600).default(STRATEGY_DEFAULTS.waitIntervalSeconds),
  terminationWaitSeconds: seconds(0, 3600).default(STRATEGY_DEFAULTS.terminationWaitSeconds),
  maximumExecutionTimeoutSeconds: seconds(600, 28800).optional(),
};

const strategyObjectSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('all-at-once'), ...strategyCommon }),
    z.strictObject({
      type: z.literal('canary'),
      canarySize: capacitySizeSchema.default(STRATEGY_DEFAULTS.canarySize),
      ...strategyCommon,
    }),
    z.strictObject({
      type: z.literal('linear'),
      linearStepSize: capacitySizeSchema.default(STRATEGY_DEFAULTS.linearStepSize),
      ...strategyCommon,
    }),
  ],
  { error: 'must be all-at-once, canary or linear' },
);

// The CLI passes `--strategy canary`; API callers may pass the full object.
const strategySchema = z.preprocess(
  (value) => (typeof value === 'string' ? { type: value } : value),
  strategyObjectSchema,
);

const positiveInt = (what: string) =>
  z.number({ error: `must be a number of ${what}` }).int(`must be a whole number of ${what}`);

function rolloutRequestSchema(mode: RolloutMode) {
  return z
    .strictObject({
      endpoint: endpointNameSchema,
      variant: variantNameSchema.default(DEFAULT_VARIANT),
      image: imageSchema(mode),
      modelDataUrl: modelDataUrlSchema(mode),
      instanceType: z
        .string({ error: 'must be a string' })
        .refine(isHostingInstanceType, {
          error: (issue) =>
            `unknown instance type ${JSON.stringify(issue.input)}: use an ml.* hosting type such as ml.m5.large`,
        })
        .default(DEFAULT_INSTANCE_TYPE),
      instanceCount: positiveInt('instances')
        .min(MIN_FLOOR, `must be at least ${MIN_FLOOR}: one instance leaves no warm spare`)
        .default(MIN_FLOOR),
      minCapacity: floorSchema.default(MIN_FLOOR as Floor),
      maxCapacity: positiveInt('instances').min(1, 'must be at least 1').optional(),
      startupTimeoutSeconds: seconds(60, 3600).default(600),
      modelDataDownloadTimeoutSeconds: seconds(60, 3600).default(600),
      strategy: strategySchema.default({
        type: 'all-at-once',
        waitIntervalSeconds: STRATEGY_DEFAULTS.waitIntervalSeconds,
        terminationWaitSeconds: STRATEGY_DEFAULTS.terminationWaitSeconds,
      }),
      environment: z
        .record(
          z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]{0,1023}$/, 'must be an environment variable name'),
          z.string({ error: 'must be a string' }).max(1024, 'must be at most 1024 characters'),
        )
        .refine((env) => Object.keys(env).length <= 16, 'must have at most 16 variables (SageMaker limit)')
        .optional(),
      smoke: z
        .strictObject({
          latencyBudgetMs: z
            .number({ error: 'must be a number of milliseconds' })
            .int('must be a whole number of milliseconds')
            .min(1, 'must be at least 1 ms')
            .max(60_000, 'must be at most 60000 ms (InvokeEndpoint times out at 60 s)'),
        })
        .optional(),
    })
    .superRefine(checkCrossFieldRules, { when: () => true });
}

/** The fields the cross-field rules read; any of them may be missing or malformed at that point. */
interface CrossFieldInput {
  readonly instanceCount?: unknown;
  readonly minCapacity?: unknown;
  readonly maxCapacity?: unknown;
  readonly strategy?: unknown;
}

// A value the field's own rule already refused is not judged again here: one message per mistake.
const isCount = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 1;
const isFleetSize = (value: unknown): value is number => isCount(value) && value >= MIN_FLOOR;
const isCapacitySize = (value: unknown): value is CapacitySize =>
  typeof value === 'object' &&
  value !== null &&
  ((value as CapacitySize).type === 'INSTANCE_COUNT' ||
    (value as CapacitySize).type === 'CAPACITY_PERCENT') &&
  isCount((value as CapacitySize).value);

// Runs even when other fields failed (`when: () => true`), so one bad field does not hide a
// cross-field problem; it therefore checks each value it reads and skips rules it cannot judge.
function checkCrossFieldRules(request: CrossFieldInput, ctx: z.RefinementCtx): void {
  const { instanceCount, minCapacity, maxCapacity } = request;
  const strategy = (request.strategy ?? {}) as {
    type?: unknown;
    canarySize?: unknown;
    linearStepSize?: unknown;
  };
  if (isCount(maxCapacity) && isFleetSize(minCapacity) && maxCapacity < minCapacity) {
    ctx.addIssue({
      code: 'custom',
      path: ['maxCapacity'],
      message: `must be at least minCapacity (${minCapacity})`,
    });
  }
  if (isFleetSize(instanceCount) && isFleetSize(minCapacity) && instanceCount < minCapacity) {
    ctx.addIssue({
      code: 'custom',
      path: ['instanceCount'],
      message: `must be at least minCapacity (${minCapacity}), or autoscaling changes the fleet at once`,
    });
  }
  if (isFleetSize(instanceCount) && isCount(maxCapacity) && instanceCount > maxCapacity) {
    ctx.addIssue({
      code: 'custom',
      path: ['instanceCount'],
      message: `must be at most maxCapacity (${maxCapacity})`,
    });
  }
  if (!isFleetSize(instanceCount)) return;
  if (strategy.type === 'canary' && isCapacitySize(strategy.canarySize)) {
    const percent = percentOfFleet(strategy.canarySize, instanceCount);
    if (percent > 50) {
      ctx.addIssue({
        code: 'custom',
        path: ['strategy', 'canarySize', 'value'],
        message: `must be at most 50% of the fleet (${instanceCount} instances); SageMaker refuses larger canaries`,
      });
    }
  }
  if (strategy.type === 'linear' && isCapacitySize(strategy.linearStepSize)) {
    const percent = percentOfFleet(strategy.linearStepSize, instanceCount);
    if (percent < 10 || percent > 50) {
      ctx.addIssue({
        code: 'custom',
        path: ['strategy', 'linearStepSize', 'value'],
        message: `must be 10–50% of the fleet (${instanceCount} instances), as SageMaker requires`,
      });
    }
  }
}

/** A canary or linear step as a percentage of a fleet of `instanceCount` instances. */
export function percentOfFleet(size: CapacitySize, instanceCount: number): number {
  return size.type === 'CAPACITY_PERCENT' ? size.value : (size.value / instanceCount) * 100;
}

/**
 * Validates a rollout request before anything changes, filling SageMaker-compatible defaults:
 * variant `AllTraffic`, `ml.m5.large`, 2 instances, floor 2, max = 2 × max(instances, floor),
 * 600 s startup and download timeouts, all-at-once.
 *
 * In `aws` mode the image must be an ECR URI and the model data an `s3://` URL. In `local` mode
 * the `…warmgate-container[:tag]` image form and `file:///…` model data are accepted too.
 *
 * @throws ValidationError listing every refused field by its dotted path (`strategy.canarySize.value`).
 */
export function parseRolloutRequest(input: unknown, options: { readonly mode: RolloutMode }): RolloutRequest {
  const parsed = parseOrThrow(rolloutRequestSchema(options.mode), input);
  const { smoke, maxCapacity, strategy, environment, ...rest } = parsed;
  const { maximumExecutionTimeoutSeconds, ...routing } = strategy;
  const request: RolloutRequest = {
    ...rest,
    strategy: {
      ...routing,
      ...(maximumExecutionTimeoutSeconds === undefined ? {} : { maximumExecutionTimeoutSeconds }),
    },
    maxCapacity: maxCapacity ?? 2 * Math.max(parsed.instanceCount, parsed.minCapacity),
    ...(smoke ? { smoke } : {}),
    ...(environment ? { environment } : {}),
  };
  return request;
}
