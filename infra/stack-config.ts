import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import * as z from 'zod';

/**
 * The deploy-time settings of the warmgate stack, read from CDK context (`cdk.json`, or
 * `-c warmgate:endpointPrefix=recs-` on the command line, or the `context` of `new App()`).
 *
 * | context key | default | what it scopes |
 * |---|---|---|
 * | `warmgate:endpointPrefix` | `manga-` | the SageMaker endpoints, endpoint configs and models warmgate may touch |
 * | `warmgate:modelBucketName` | (a bucket the stack creates) | where model artifacts (`ModelDataUrl`) are read from |
 * | `warmgate:imageRepositories` | `warmgate-container` | the ECR repositories (comma list, this account and region) models pull from |
 * | `warmgate:rollbackAlarms` | (none) | CloudWatch alarms (comma list) that make SageMaker roll a blue/green update back |
 * | `warmgate:logRetentionDays` | `30` | retention of the Lambda and state machine log groups |
 * | `warmgate:calendarKey` | `calendar.yaml` | the release calendar's key in the calendar bucket (`.yaml`, `.json`, `.ics`) |
 * | `warmgate:warmupKey` | (none) | a warmup manifest beside it, whose shapes the pre-warm smoke test sends |
 * | `warmgate:ciRepository` | (no CI role) | `OWNER/REPO` whose GitHub Actions may start rollouts through OIDC |
 * | `warmgate:ciEnvironment` | `production` | the GitHub environment those jobs must run in |
 */
export interface StackConfig {
  readonly endpointPrefix: string;
  readonly modelBucketName?: string;
  readonly imageRepositories: readonly string[];
  readonly rollbackAlarms: readonly string[];
  readonly logRetentionDays: RetentionDays;
  readonly calendarKey: string;
  readonly warmupKey?: string;
  /** Set: the stack adds a role that GitHub Actions of this repository assume to start rollouts. */
  readonly ci?: { readonly repository: string; readonly environment: string };
}

// calendar-sync writes its release plan under warmgate/ in the calendar bucket
// (infra/release-calendar.ts): an operator's file there would be overwritten.
const outsidePlanPrefix = (key: string) => !key.startsWith('warmgate/');
const PLAN_PREFIX_MESSAGE = 'must not be under warmgate/, where calendar-sync publishes its release plan';

/**
 * The default prefix follows the reference deployment (MangaAssist's `manga-recs`), so the example
 * CI workflow and `npm start`'s endpoint work unchanged. A real team sets its own: the prefix is the
 * blast radius of every SageMaker permission the stack grants.
 */
export const DEFAULT_ENDPOINT_PREFIX = 'manga-';

const commaList = z.string().transform((text) =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

const RETENTION_DAYS = new Set<number>(
  Object.values(RetentionDays).filter((days): days is number => typeof days === 'number' && days > 0),
);

const schema = z.object({
  // SageMaker writes resource names lower-cased into ARNs (endpoint/MyModel becomes
  // endpoint/mymodel), and IAM compares ARNs case-sensitively, so an upper-case prefix would
  // match nothing. An empty prefix would grant every endpoint in the account.
  'warmgate:endpointPrefix': z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'must be 1-41 lower-case letters, digits or hyphens')
    .default(DEFAULT_ENDPOINT_PREFIX),
  'warmgate:modelBucketName': z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')
    .optional(),
  'warmgate:imageRepositories': commaList
    .default(['warmgate-container'])
    .pipe(z.array(z.string().regex(/^[a-z0-9][a-z0-9._/-]*$/, 'must be ECR repository names')).min(1)),
  'warmgate:rollbackAlarms': commaList.default([]),
  'warmgate:logRetentionDays': z.coerce
    .number()
    .refine(
      (days) => RETENTION_DAYS.has(days),
      'must be a retention CloudWatch Logs offers (1, 3, 5, 7, 14, 30, …)',
    )
    .default(30),
  'warmgate:calendarKey': z
    .string()
    .regex(
      /^[A-Za-z0-9!_.*'()/-]+\.(ya?ml|json|ics)$/,
      'must be an S3 key ending in .yaml, .yml, .json or .ics',
    )
    .refine(outsidePlanPrefix, PLAN_PREFIX_MESSAGE)
    .default('calendar.yaml'),
  'warmgate:warmupKey': z
    .string()
    .regex(/^[A-Za-z0-9!_.*'()/-]+\.json$/, 'must be an S3 key ending in .json')
    .refine(outsidePlanPrefix, PLAN_PREFIX_MESSAGE)
    .optional(),
  'warmgate:ciRepository': z
    .string()
    .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be OWNER/REPO')
    .optional(),
  'warmgate:ciEnvironment': z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'must be a GitHub environment name')
    .default('production'),
});

/**
 * Reads and checks the stack settings from the construct tree's context.
 *
 * @throws Error naming each bad context key, at synth time, before anything is deployed.
 */
export function readStackConfig(node: Node): StackConfig {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(schema.shape)) {
    const value: unknown = node.tryGetContext(key);
    // Context from `-c key=value` always arrives as a string; from cdk.json it may be a list.
    if (value !== undefined) raw[key] = Array.isArray(value) ? value.join(',') : value;
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`bad warmgate context: ${problems.join('; ')}`);
  }
  const parsed = result.data;
  return {
    endpointPrefix: parsed['warmgate:endpointPrefix'],
    ...(parsed['warmgate:modelBucketName'] === undefined
      ? {}
      : { modelBucketName: parsed['warmgate:modelBucketName'] }),
    imageRepositories: parsed['warmgate:imageRepositories'],
    rollbackAlarms: parsed['warmgate:rollbackAlarms'],
    logRetentionDays: parsed['warmgate:logRetentionDays'] as RetentionDays,
    calendarKey: parsed['warmgate:calendarKey'],
    ...(parsed['warmgate:warmupKey'] === undefined ? {} : { warmupKey: parsed['warmgate:warmupKey'] }),
    ...(parsed['warmgate:ciRepository'] === undefined
      ? {}
      : {
          ci: { repository: parsed['warmgate:ciRepository'], environment: parsed['warmgate:ciEnvironment'] },
        }),
  };
}
