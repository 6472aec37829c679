import type * as z from 'zod';
import { ConfigError } from './errors.js';

/**
 * Parses configuration once from an environment map into a frozen object.
 *
 * The environment is passed in (core reads no globals). A missing or malformed variable throws
 * {@link ConfigError} naming every bad variable, so a process fails at start rather than at the
 * first request that happens to need it.
 */
export function parseEnvConfig<S extends z.ZodType>(
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
): Readonly<z.infer<S>> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`,
    );
    throw new ConfigError(`bad configuration: ${problems.join('; ')}`);
  }
  return Object.freeze(result.data);
}
