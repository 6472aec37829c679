import { clampFloor, MIN_FLOOR, restoreFloor } from '../floor.js';
import { type CapacityHolds, ROLLOUT_FLOOR_HOLD } from '../ports/capacity-holds.js';
import type { RemovedScaling, RemovedScalingStore } from '../ports/removed-scaling-store.js';
import type { VariantScaling } from '../ports/scaling.js';
import type { RolloutPlan } from './rollout-plan.js';

export interface RestoreDependencies {
  readonly scaling: VariantScaling;
  readonly holds: CapacityHolds;
  readonly removedScaling: RemovedScalingStore;
}

/**
 * Puts back the scalable target and scheduled actions that an instance-type change removed, on
 * the variant they were removed from, then forgets them so that nobody restores them twice.
 *
 * The floor is what the active holds need (pre-warm windows, and the last successful rollout's
 * own floor), never below 2. The saved target's own floor is used only when no rollout ever
 * recorded a floor: it may be an ended window's raised floor, but lowering an endpoint below what
 * it had, without knowing better, is the one direction a rollback must never take.
 */
export async function restoreRemovedScaling(
  deps: RestoreDependencies,
  plan: RolloutPlan,
  removed: RemovedScaling,
  now: Date,
): Promise<void> {
  const target = { endpoint: plan.request.endpoint, variant: removed.variant ?? plan.request.variant };
  const held = await deps.holds.active(target.endpoint, now);
  const base = clampFloor(
    held.some((h) => h.holdId === ROLLOUT_FLOOR_HOLD) ? MIN_FLOOR : removed.limits.minCapacity,
  );
  const minCapacity = restoreFloor(
    base,
    held.map((h) => h.minCapacity),
  );
  await deps.scaling.register(target, {
    minCapacity,
    maxCapacity: Math.max(removed.limits.maxCapacity, minCapacity),
  });
  for (const action of removed.scheduledActions) await deps.scaling.putScheduledAction(target, action);
  await deps.removedScaling.clear(plan.request.endpoint, plan.executionId);
}
