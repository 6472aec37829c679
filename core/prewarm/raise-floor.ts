import { assertFloor, type Floor } from '../floor.js';
import type { CapacityHolds } from '../ports/capacity-holds.js';
import type { ScalingLimits, VariantScaling } from '../ports/scaling.js';
import type { PrewarmPlan } from './prewarm-plan.js';

export interface RaiseResult {
  readonly minCapacity: Floor;
  readonly maxCapacity: number;
  readonly previous?: ScalingLimits;
  /** When the raise was applied (ISO 8601): the start of provisioning-to-warm. */
  readonly raisedAt: string;
}

/**
 * Records the window's capacity hold, then raises the variant's floor to the window's target.
 * It only ever raises: a floor already higher (another window, an operator) is kept, and the
 * ceiling grows to fit the floor rather than capping it. The hold is written first, so a rollout
 * that finishes in between already respects the new floor. The hold names `owner`, the execution
 * raising it, and how to end the window, so that a window whose execution dies can still be ended.
 */
export async function raiseFloor(
  deps: { scaling: VariantScaling; holds: CapacityHolds },
  plan: PrewarmPlan,
  owner: string,
  now: Date,
): Promise<RaiseResult> {
  const target = { endpoint: plan.endpoint, variant: plan.variant };
  await deps.holds.put({
    endpoint: plan.endpoint,
    holdId: plan.windowId,
    minCapacity: plan.minCapacity,
    until: plan.restoreAt,
    window: { owner, variant: plan.variant, baseFloor: plan.baseFloor, releaseAt: plan.releaseAt },
  });
  const previous = await deps.scaling.describe(target);
  const minCapacity = assertFloor(Math.max(plan.minCapacity, previous?.minCapacity ?? 0));
  const maxCapacity = Math.max(minCapacity, previous?.maxCapacity ?? 0, plan.maxCapacity ?? 0);
  await deps.scaling.register(target, { minCapacity, maxCapacity });
  return { minCapacity, maxCapacity, ...(previous ? { previous } : {}), raisedAt: now.toISOString() };
}
