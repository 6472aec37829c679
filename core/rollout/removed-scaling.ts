import type { VariantScaling } from '../ports/scaling.js';
import type { DeploymentRecord } from './deploy-rollout.js';
import type { RolloutPlan } from './rollout-plan.js';

/**
 * Puts back the scalable target and scheduled actions that an instance-type change removed. The
 * floor is never below the request's (or 2), even if the saved target had a lower one.
 */
export async function restoreRemovedScaling(
  scaling: VariantScaling,
  plan: RolloutPlan,
  removed: NonNullable<DeploymentRecord['removedScaling']>,
): Promise<void> {
  const target = { endpoint: plan.request.endpoint, variant: plan.request.variant };
  const minCapacity = Math.max(removed.limits.minCapacity, plan.request.minCapacity);
  await scaling.register(target, {
    minCapacity,
    maxCapacity: Math.max(removed.limits.maxCapacity, minCapacity),
  });
  for (const action of removed.scheduledActions) await scaling.putScheduledAction(target, action);
}
