import * as z from 'zod';
import { type FieldIssue, ValidationError } from '../errors.js';
import { rolloutPollBudgetSeconds } from '../poll-policy.js';
import { parseRolloutRequest, type RolloutMode, type RolloutRequest } from '../rollout-request.js';
import { parseOrThrow } from '../validation.js';

/** One smoke request the verify step sends through InvokeEndpoint after the fleet is up. */
export interface SmokeShape {
  readonly name: string;
  readonly body: unknown;
}

/**
 * Everything the rollout's later steps need, fixed once by the validate step and carried in the
 * execution's state. Plain JSON, because it travels through Step Functions.
 */
export interface RolloutPlan {
  readonly mode: RolloutMode;
  readonly request: RolloutRequest;
  readonly executionId: string;
  readonly startedAt: string;
  /** After this instant polling stops and the rollout rolls back. */
  readonly deadline: string;
  /**
   * The lock lease: the whole budget plus a margin, renewed by every step that changes the
   * endpoint (core/confirm-lock-held.ts), so a live rollout keeps its lock through a rollback that
   * retries past the deadline.
   */
  readonly leaseSeconds: number;
  readonly smoke: { readonly latencyBudgetMs: number; readonly shapes: readonly SmokeShape[] };
}

// Smoke calls run against a warm fleet; a second is generous for the example model on CPU and
// still catches a cold instance, whose first answers take many times longer.
const DEFAULT_SMOKE_BUDGET_MS = 2_000;
const LEASE_MARGIN_SECONDS = 600;
/**
 * The longest deployment a rollout may wait for: the state machine's TimeoutSeconds (8 h) less an
 * hour for the rollback's retries and the remaining steps. A timed-out execution runs no Catch,
 * so a rollout that could outlive its execution would leave the lock held and nothing rolled back.
 */
export const MAX_DEPLOYMENT_BUDGET_SECONDS = 28_800 - 3_600 - LEASE_MARGIN_SECONDS;

/** zod schema for one {@link SmokeShape}. */
export const smokeShapeSchema = z.strictObject({
  name: z.string().min(1, 'must be a non-empty name'),
  body: z.unknown().refine((body) => body !== undefined && body !== null, 'is required'),
});

const executionInputSchema = z.strictObject({
  request: z.unknown(),
  executionId: z.string().min(1, 'must be the execution ARN'),
  startedAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 instant' }),
  smokeShapes: z.array(smokeShapeSchema).max(32, 'at most 32 shapes').default([]),
});

/**
 * Validates a rollout's execution input and fixes its plan. Separating what the user asked for
 * (`request`) from how it was started (`executionId`, `startedAt`) lets the same schema serve
 * the CLI, the dashboard and the validate Lambda.
 *
 * @throws ValidationError naming every bad field (`request.minCapacity`, `smokeShapes.0.body`…).
 */
export function planRollout(input: unknown, mode: RolloutMode): RolloutPlan {
  // Both halves are checked before either refusal is thrown, so one answer lists every problem.
  const outer = collectIssues(() => parseOrThrow(executionInputSchema, input));
  const rawRequest =
    typeof input === 'object' && input !== null ? (input as { request?: unknown }).request : undefined;
  const inner = collectIssues(() =>
    parseWithPrefix(() => parseRolloutRequest(rawRequest, { mode }), 'request'),
  );
  const issues = [...outer.issues, ...inner.issues];
  if (!outer.value || !inner.value || issues.length > 0) throw new ValidationError(issues);
  const { smokeShapes, ...started } = outer.value;
  const request = inner.value;
  const budgetSeconds = rolloutPollBudgetSeconds(request);
  if (budgetSeconds > MAX_DEPLOYMENT_BUDGET_SECONDS) {
    throw ValidationError.field(
      'request.strategy',
      `this strategy and its timeouts could take ${budgetSeconds} s to deploy; a rollout waits at most ${MAX_DEPLOYMENT_BUDGET_SECONDS} s (use fewer or shorter steps, or maximumExecutionTimeoutSeconds)`,
    );
  }
  return {
    mode,
    request,
    executionId: started.executionId,
    startedAt: started.startedAt,
    deadline: new Date(Date.parse(started.startedAt) + budgetSeconds * 1000).toISOString(),
    leaseSeconds: budgetSeconds + LEASE_MARGIN_SECONDS,
    smoke: {
      latencyBudgetMs: request.smoke?.latencyBudgetMs ?? DEFAULT_SMOKE_BUDGET_MS,
      shapes: smokeShapes.map((shape) => ({ name: shape.name, body: shape.body })),
    },
  };
}

/**
 * Re-reads a plan carried in execution state. Later steps re-check it rather than trust it: the
 * state is JSON that an operator can hand-edit in a redrive, and a bad plan must fail loudly.
 *
 * @throws ValidationError naming the bad field under `plan.`.
 */
export function readPlan(value: unknown): RolloutPlan {
  const plan = parseOrThrow(planSchema, value, 'plan');
  const request = parseWithPrefix(
    () => parseRolloutRequest(plan.request, { mode: plan.mode }),
    'plan.request',
  );
  return { ...plan, request };
}

const planSchema = z.object({
  mode: z.enum(['aws', 'local']),
  request: z.unknown(),
  executionId: z.string().min(1),
  startedAt: z.string().min(1),
  deadline: z.iso.datetime({ offset: true }),
  leaseSeconds: z.number().int().positive(),
  smoke: z.object({
    latencyBudgetMs: z.number().positive(),
    shapes: z.array(smokeShapeSchema),
  }),
});

function collectIssues<T>(parse: () => T): { value?: T; issues: FieldIssue[] } {
  try {
    return { value: parse(), issues: [] };
  } catch (error) {
    if (error instanceof ValidationError) return { issues: [...error.issues] };
    throw error;
  }
}

function parseWithPrefix<T>(parse: () => T, prefix: string): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ValidationError(
      error.issues.map((issue) => ({ field: `${prefix}.${issue.field}`, message: issue.message })),
      { cause: error },
    );
  }
}
