/**
 * The recommender's `/invocations` request: `{query, history?, topK?}` or `{instances: [...]}`.
 */
import * as z from 'zod';
import { type FieldIssue, ValidationError } from '../../core/errors.js';

import { MAX_BATCH, MAX_HISTORY_TURNS, MAX_QUERY_CHARS, MAX_TOP_K } from './limits.js';

export const RecommendationInstanceSchema = z
  .object({
    query: z.string().trim().min(1, 'must be a non-empty string').max(MAX_QUERY_CHARS),
    /** Earlier user turns of the conversation, oldest first. */
    history: z.array(z.string().max(MAX_QUERY_CHARS)).max(MAX_HISTORY_TURNS).optional(),
    topK: z.number().int().min(1).max(MAX_TOP_K).optional(),
  })
  .strict();

const BatchSchema = z
  .object({ instances: z.array(z.unknown()).min(1, 'must hold at least one instance').max(MAX_BATCH) })
  .strict();

export type RecommendationInstance = z.infer<typeof RecommendationInstanceSchema>;

/** A validated request: one instance, or a batch whose answer is `{predictions: [...]}`. */
export type RecommendationRequest =
  | { readonly kind: 'single'; readonly instances: readonly [RecommendationInstance] }
  | { readonly kind: 'batch'; readonly instances: readonly RecommendationInstance[] };

function issuesOf(error: z.ZodError, prefix: readonly (string | number)[]): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    // An unknown key is reported at its own name, which is what a client has to fix.
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const field = keys.length > 0 ? [...path, keys[0]].join('.') : path.join('.');
    return { field: field || 'body', message: issue.message };
  });
}

/**
 * Validates a decoded JSON body.
 *
 * @throws {ValidationError} whose first issue names the offending field (`query`,
 *   `instances.3.topK`, `body` when the body is not an object).
 */
export function parseRecommendationRequest(body: unknown): RecommendationRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw ValidationError.field('body', 'must be a JSON object with `query` or `instances`');
  }
  if ('instances' in body) {
    const batch = BatchSchema.safeParse(body);
    if (!batch.success) throw new ValidationError(issuesOf(batch.error, []));
    const instances: RecommendationInstance[] = [];
    const problems: FieldIssue[] = [];
    batch.data.instances.forEach((raw, i) => {
      const parsed = RecommendationInstanceSchema.safeParse(raw);
      if (parsed.success) instances.push(parsed.data);
      else problems.push(...issuesOf(parsed.error, ['instances', i]));
    });
    if (problems.length > 0) throw new ValidationError(problems);
    return { kind: 'batch', instances };
  }
  const single = RecommendationInstanceSchema.safeParse(body);
  if (!single.success) throw new ValidationError(issuesOf(single.error, []));
  return { kind: 'single', instances: [single.data] };
}
