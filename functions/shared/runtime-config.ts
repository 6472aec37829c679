import * as z from 'zod';
import { parseEnvConfig } from '../../core/env-config.js';

/**
 * The environment variables warmgate's Lambdas read, one schema per concern. A handler composes
 * what it needs and parses once at module init, so a missing variable fails the cold start and
 * names the variable. The CDK stack and the local region set the same variables.
 */
const positiveSeconds = z.coerce.number().int().positive();

export const modeVars = {
  WARMGATE_MODE: z.enum(['aws', 'local']).default('aws'),
};
export const lockVars = { LOCK_TABLE_NAME: z.string().min(1) };
/** Longer than any step's Lambda timeout (infra/step-catalog.ts sets it from them). */
export const lockTakeoverVars = {
  LOCK_TAKEOVER_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600),
};
export const auditVars = { AUDIT_TABLE_NAME: z.string().min(1) };
export const holdsVars = { HOLDS_TABLE_NAME: z.string().min(1) };
export const deployVars = {
  EXECUTION_ROLE_ARN: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'must be an IAM role ARN'),
  ROLLBACK_ALARMS: z
    .string()
    .default('')
    .transform((text) =>
      text
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    ),
};
export const pollVars = {
  POLL_INITIAL_SECONDS: positiveSeconds.default(5),
  POLL_MAX_SECONDS: positiveSeconds.default(30),
  // Below the step's Lambda timeout (60 s in infra/step-catalog.ts), with room for the last call.
  POLL_LONG_SECONDS: z.coerce.number().int().min(0).max(40).default(20),
};
export const scalingVars = {
  TARGET_CONCURRENCY_PER_INSTANCE: z.coerce.number().positive().default(4),
};

/** Parses the composed schema from `env` (process.env by default). @throws ConfigError naming the variable. */
export function readConfig<T extends z.ZodRawShape>(
  shape: T,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Readonly<z.infer<z.ZodObject<T>>> {
  return parseEnvConfig(z.object(shape), env) as Readonly<z.infer<z.ZodObject<T>>>;
}

/**
 * Options every SDK client gets. The SDK itself honours AWS_ENDPOINT_URL (how the local region is
 * reached); the retry budget is kept small because Step Functions owns the real retry policy.
 */
export function clientConfig(): { region: string; maxAttempts: number } {
  return { region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1', maxAttempts: 3 };
}
