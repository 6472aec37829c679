import type { z } from 'zod';
import { type FieldIssue, ValidationError } from './errors.js';

/**
 * Turns a zod error into warmgate's field issues: one per problem, each named by its dotted path
 * (`strategy.canarySize.value`), so a refusal tells the user exactly which input to fix.
 *
 * Unknown keys are reported one per key, at the key's own path, because "unrecognized keys at
 * the root" is useless to someone hunting a typo such as `timzone`.
 */
export function fieldIssuesFromZod(error: z.ZodError, prefix?: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({ field: joinPath(prefix, [...path, key]), message: 'is not a known setting' });
      }
      continue;
    }
    issues.push({ field: joinPath(prefix, path), message: issue.message });
  }
  return issues;
}

/** The dotted path of `segments` under `prefix`; `(input)` when both are empty. */
export function joinPath(prefix: string | undefined, segments: readonly string[]): string {
  const parts = prefix ? [prefix, ...segments] : [...segments];
  return parts.length > 0 ? parts.join('.') : '(input)';
}

/**
 * Parses `input` with `schema` or throws one {@link ValidationError} listing every bad field.
 *
 * @throws ValidationError naming each refused field by its dotted path.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, prefix?: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(fieldIssuesFromZod(result.error, prefix));
  return result.data;
}
