import type * as z from 'zod';
import { type FieldIssue, ValidationError } from './errors.js';

/** One problem zod found: where in the input (path segments) and what is wrong. */
export interface InputProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * Flattens a zod error into one problem per bad field.
 *
 * Unknown keys are reported one per key, at the key's own path, because "unrecognized keys at
 * the root" is useless to someone hunting a typo such as `timzone`.
 */
export function inputProblems(error: z.ZodError): InputProblem[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment));
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...path, key], message: 'is not a known setting' }));
    }
    if (issue.code === 'invalid_key') {
      // zod's own text is "Invalid key in record"; the nested issue says what is wrong with it.
      const reasons = issue.issues.map((inner) => inner.message).join('; ');
      return [{ path, message: `is not an accepted key: ${reasons}` }];
    }
    return [{ path, message: issue.message }];
  });
}

/** warmgate's field issues for a zod error, each named by its dotted path (`strategy.canarySize.value`). */
export function fieldIssuesFromZod(error: z.ZodError, prefix?: string): FieldIssue[] {
  return inputProblems(error).map((problem) => ({
    field: joinPath(prefix, problem.path.map(String)),
    message: problem.message,
  }));
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
