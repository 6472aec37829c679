import { assertFloor, type Floor } from '../floor.js';
import { type CapacityHolds, ROLLOUT_FLOOR_HOLD } from '../ports/capacity-holds.js';
import type { RemovedScalingStore } from '../ports/removed-scaling-store.js';
import type { ScalableVariant, VariantScaling } from '../ports/scaling.js';
import type { DeploymentRecord } from './deploy-rollout.js';

export interface FloorResult {
  readonly minCapacity: Floor;
  readonly maxCapacity: number;
  readonly policy: string;
  readonly restoredScheduledActions: number;
}

// Far enough ahead to outlive any window; the next rollout overwrites it.
const ROLLOUT_FLOOR_HOLD_DAYS = 3650;

/**
 * Registers the variant's scalable target with a floor of at least 2 and target tracking on the
 * high-resolution concurrency metric, then re-creates any scheduled actions that an
 * instance-type change forced the deploy step to delete.
 *
 * The floor is the highest of the request's floor and any floor still needed by an active
 * pre-warm window (a release must not lose capacity to a rollout). It is checked by
 * `assertFloor` before it is written. The
 * request's floor is also recorded as a hold, so a window that ends later restores to it.
 */
export async function ensureFloor(
  deps: {
    scaling: VariantScaling;
    holds: CapacityHolds;
    removedScaling: RemovedScalingStore;
    targetConcurrencyPerInstance: number;
  },
  target: ScalableVariant,
  wanted: { minCapacity: number; maxCapacity: number },
  deployment: Pick<DeploymentRecord, 'removedScaling'> | undefined,
  owner: string,
  now: Date,
): Promise<FloorResult> {
  const removed = deployment?.removedScaling;
  const requested = assertFloor(wanted.minCapacity);
  await deps.holds.put({
    endpoint: target.endpoint,
    holdId: ROLLOUT_FLOOR_HOLD,
    minCapacity: requested,
    until: new Date(now.getTime() + ROLLOUT_FLOOR_HOLD_DAYS * 86_400_000).toISOString(),
  });
  const windows = (await deps.holds.active(target.endpoint, now)).filter(
    (h) => h.holdId !== ROLLOUT_FLOOR_HOLD,
  );
  // The removed target's own floor is not carried over: it may be a window's raised floor that
  // has since ended. Active windows speak through their holds, this rollout through its request.
  const minCapacity = assertFloor(Math.max(requested, ...windows.map((h) => h.minCapacity)));
  const maxCapacity = Math.max(wanted.maxCapacity, minCapacity);
  await deps.scaling.register(target, { minCapacity, maxCapacity });
  const policy = await deps.scaling.putConcurrencyTracking(target, deps.targetConcurrencyPerInstance);
  for (const action of removed?.scheduledActions ?? []) await deps.scaling.putScheduledAction(target, action);
  // Put back, so forgotten: the lock may now be released, and no later holder restores it again.
  if (removed) await deps.removedScaling.clear(target.endpoint, owner);
  return {
    minCapacity,
    maxCapacity,
    policy,
    restoredScheduledActions: removed?.scheduledActions.length ?? 0,
  };
}
