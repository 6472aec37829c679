import { type Floor, restoreFloor as floorAfterRestore } from '../floor.js';
import type { CapacityHolds } from '../ports/capacity-holds.js';
import type { VariantScaling } from '../ports/scaling.js';
import type { PrewarmPlan } from './prewarm-plan.js';

export interface RestoreResult {
  readonly minCapacity: Floor;
  /** Floors of other windows still active, which kept the floor up. */
  readonly stillHeldBy: readonly string[];
}

/**
 * Ends the window: drops its hold and sets the floor back to the endpoint's everyday floor, or
 * to what another still-active window needs, whichever is higher, and never below 2.
 *
 * The hold dropped is the one the window's execution put: `owner` (this execution) for its own
 * restore, or `plan.endsExecution` when this execution ends another's window. A hold of the same
 * window that a re-run put since is not dropped, and keeps the floor up like any other.
 */
export async function restoreWindowFloor(
  deps: { scaling: VariantScaling; holds: CapacityHolds },
  plan: PrewarmPlan,
  owner: string,
  now: Date,
): Promise<RestoreResult> {
  const target = { endpoint: plan.endpoint, variant: plan.variant };
  await deps.holds.remove(plan.endpoint, plan.windowId, plan.endsExecution ?? owner);
  // Read after the remove (consistently): whatever is still there is another claim.
  const others = await deps.holds.active(plan.endpoint, now);
  const minCapacity = floorAfterRestore(
    plan.baseFloor,
    others.map((h) => h.minCapacity),
  );
  const current = await deps.scaling.describe(target);
  await deps.scaling.register(target, {
    minCapacity,
    maxCapacity: Math.max(current?.maxCapacity ?? 0, minCapacity),
  });
  return { minCapacity, stillHeldBy: others.map((h) => h.holdId) };
}
