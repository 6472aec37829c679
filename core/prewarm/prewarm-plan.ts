import * as z from 'zod';
import { ValidationError } from '../errors.js';
import { type Floor, floorSchema } from '../floor.js';
import {
  DEFAULT_VARIANT,
  type EndpointName,
  endpointNameSchema,
  type VariantName,
  variantNameSchema,
} from '../names.js';
import { ROLLOUT_FLOOR_HOLD } from '../ports/capacity-holds.js';
import { type SmokeShape, smokeShapeSchema } from '../rollout/rollout-plan.js';
import { parseOrThrow } from '../validation.js';

/**
 * One pre-warm window, fixed by the first step and carried through the execution: raise the
 * floor to `minCapacity` for the releases in it, prove the capacity warm before `releaseAt`,
 * hold it until `restoreAt`, then give it back. Plain JSON.
 */
export interface PrewarmPlan {
  readonly endpoint: EndpointName;
  readonly variant: VariantName;
  /** Stable id of the window (the schedule's name); keys the capacity hold. */
  readonly windowId: string;
  readonly releases: readonly string[];
  readonly releaseAt: string;
  readonly restoreAt: string;
  readonly minCapacity: Floor;
  /** The everyday floor to come back to; at least 2. */
  readonly baseFloor: Floor;
  readonly maxCapacity?: number;
  /**
   * End the window now instead of raising it: drop its hold and restore the floor. What the
   * dashboard starts after stopping a pre-warm, and calendar sync after a window's execution died
   * holding it (core/prewarm/end-lapsed-windows.ts): their own restore would never run.
   */
  readonly end: boolean;
  /**
   * With `end`: the execution (ARN) whose window this ends, whose hold is the one to drop. A
   * re-run of the same window holds it under its own execution, and keeps it.
   */
  readonly endsExecution?: string;
  readonly smoke: { readonly latencyBudgetMs: number; readonly shapes: readonly SmokeShape[] };
  /** The lock is held only while the floor is raised, never through the hold window. */
  readonly leaseSeconds: number;
}

const DEFAULT_SMOKE_BUDGET_MS = 2_000;
const RAISE_LEASE_SECONDS = 900;
const instant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 instant' });
const executionArn = z
  .string()
  .regex(/^arn:[^:]+:states:[^:]*:[^:]*:execution:[^:]+:[^:]+$/, 'must be a Step Functions execution ARN');

const prewarmInputSchema = z
  .strictObject({
    endpoint: endpointNameSchema,
    variant: variantNameSchema.default(DEFAULT_VARIANT),
    windowId: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, dots, dashes or underscores')
      .refine(
        (id) => id !== ROLLOUT_FLOOR_HOLD,
        `must not be ${ROLLOUT_FLOOR_HOLD}: a rollout keeps its floor there`,
      ),
    releases: z.array(z.string().min(1)).default([]),
    releaseAt: instant,
    restoreAt: instant,
    minCapacity: floorSchema,
    baseFloor: floorSchema.default(2 as Floor),
    maxCapacity: z.number().int().min(2, 'must be at least 2').optional(),
    latencyBudgetMs: z.number().int().min(1).max(60_000).default(DEFAULT_SMOKE_BUDGET_MS),
    smokeShapes: z.array(smokeShapeSchema).max(32).default([]),
    end: z.boolean().default(false),
    endsExecution: executionArn.optional(),
  })
  .superRefine((input, ctx) => {
    if (input.endsExecution !== undefined && !input.end) {
      ctx.addIssue({
        code: 'custom',
        path: ['endsExecution'],
        message: 'only an ending window (end: true) names the execution it ends',
      });
    }
    if (Date.parse(input.restoreAt) <= Date.parse(input.releaseAt)) {
      ctx.addIssue({
        code: 'custom',
        path: ['restoreAt'],
        message: 'must be after releaseAt (the hold ends after the drop)',
      });
    }
    if (input.maxCapacity !== undefined && input.maxCapacity < input.minCapacity) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxCapacity'],
        message: `must be at least minCapacity (${input.minCapacity})`,
      });
    }
  });

/**
 * Validates a pre-warm's execution input (a planned window from calendar-sync, or an operator's
 * "pre-warm now") and fixes its plan.
 *
 * @throws ValidationError naming every bad field; nothing has changed at that point.
 */
export function planPrewarm(input: unknown): PrewarmPlan {
  const parsed = parseOrThrow(prewarmInputSchema, input);
  const { latencyBudgetMs, smokeShapes, maxCapacity, endsExecution, ...rest } = parsed;
  return {
    ...rest,
    ...(maxCapacity === undefined ? {} : { maxCapacity }),
    ...(endsExecution === undefined ? {} : { endsExecution }),
    smoke: { latencyBudgetMs, shapes: smokeShapes },
    leaseSeconds: RAISE_LEASE_SECONDS,
  };
}

const planSchema = z.object({
  endpoint: endpointNameSchema,
  variant: variantNameSchema,
  windowId: z.string().min(1),
  releases: z.array(z.string()),
  releaseAt: instant,
  restoreAt: instant,
  minCapacity: floorSchema,
  baseFloor: floorSchema,
  maxCapacity: z.number().int().min(2).optional(),
  end: z.boolean().default(false),
  endsExecution: executionArn.optional(),
  smoke: z.object({ latencyBudgetMs: z.number().positive(), shapes: z.array(smokeShapeSchema) }),
  leaseSeconds: z.number().int().positive(),
});

/**
 * Re-reads a plan carried in execution state; every floor in it is checked again.
 *
 * @throws ValidationError naming the bad field under `prewarm.`.
 */
export function readPrewarmPlan(value: unknown): PrewarmPlan {
  const plan = parseOrThrow(planSchema, value, 'prewarm');
  if (Date.parse(plan.restoreAt) <= Date.parse(plan.releaseAt)) {
    throw ValidationError.field('prewarm.restoreAt', 'must be after releaseAt');
  }
  const { maxCapacity, endsExecution, ...rest } = plan;
  return {
    ...rest,
    ...(maxCapacity === undefined ? {} : { maxCapacity }),
    ...(endsExecution === undefined ? {} : { endsExecution }),
  };
}
