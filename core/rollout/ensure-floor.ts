import { assertFloor, type Floor } from '../floor.js';
import type { ScalableVariant, VariantScaling } from '../ports/scaling.js';
import type { DeploymentRecord } from './deploy-rollout.js';

export interface FloorResult {
  readonly minCapacity: Floor;
  readonly maxCapacity: number;
  readonly policy: string;
  readonly restoredScheduledActions: number;
}

/**
 * Registers the variant's scalable target with a floor of at least 2 and target tracking on the
 * high-resolution concurrency metric, then re-creates any scheduled actions that an
 * instance-type change forced the deploy step to delete.
 *
 * The floor is the highest of: the request's floor, any floor still needed by an active
 * pre-warm hold (a release window must not lose capacity to a rollout), and the floor the
 * target had before a type change removed it. It is checked by `assertFloor` before it is written.
 */
export async function ensureFloor(
  deps: { scaling: VariantScaling; targetConcurrencyPerInstance: number },
  target: ScalableVariant,
  wanted: { minCapacity: number; maxCapacity: number; activeHolds: readonly number[] },
  deployment: Pick<DeploymentRecord, 'removedScaling'> | undefined,
): Promise<FloorResult> {
  const removed = deployment?.removedScaling;
  const minCapacity = assertFloor(
    Math.max(wanted.minCapacity, ...wanted.activeHolds, removed?.limits.minCapacity ?? 0),
  );
  const maxCapacity = Math.max(wanted.maxCapacity, minCapacity);
  await deps.scaling.register(target, { minCapacity, maxCapacity });
  const policy = await deps.scaling.putConcurrencyTracking(target, deps.targetConcurrencyPerInstance);
  for (const action of removed?.scheduledActions ?? []) await deps.scaling.putScheduledAction(target, action);
  return {
    minCapacity,
    maxCapacity,
    policy,
    restoredScheduledActions: removed?.scheduledActions.length ?? 0,
  };
}
