import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { confirmLockHeld, type LockRenewer } from '../../core/confirm-lock-held.js';
import type { CapacityHolds } from '../../core/ports/capacity-holds.js';
import type { VariantScaling } from '../../core/ports/scaling.js';
import { type PrewarmPlan, readPrewarmPlan } from '../../core/prewarm/prewarm-plan.js';
import { parseOrThrow } from '../../core/validation.js';
import { ApplicationAutoScalingVariantScaling } from '../adapters/application-auto-scaling-variant-scaling.js';
import { DynamoDbCapacityHolds } from '../adapters/dynamodb-capacity-holds.js';
import { DynamoDbEndpointLock } from '../adapters/dynamodb-endpoint-lock.js';
import { clientConfig, holdsVars, lockVars, readConfig } from './runtime-config.js';

/**
 * What the pre-warm floor steps (raise and restore) change, the scalable target and the holds, and
 * the lock they confirm holding first.
 */
export interface FloorChangeDeps {
  readonly scaling: VariantScaling;
  readonly holds: CapacityHolds;
  readonly lock: LockRenewer;
  readonly now: () => Date;
}

export function floorChangeDeps(): FloorChangeDeps {
  const config = readConfig({ ...holdsVars, ...lockVars });
  return {
    scaling: new ApplicationAutoScalingVariantScaling(new ApplicationAutoScalingClient(clientConfig())),
    holds: new DynamoDbCapacityHolds(new DynamoDBClient(clientConfig()), config.HOLDS_TABLE_NAME),
    lock: new DynamoDbEndpointLock(new DynamoDBClient(clientConfig()), config.LOCK_TABLE_NAME),
    now: () => new Date(),
  };
}

const ownerSchema = z.string().min(1, 'must be the execution ARN ($$.Execution.Id)');

/**
 * The pre-warm floor steps' input, `{prewarm, owner}`, read and fenced: the window's plan and
 * `owner` (the execution), once that execution is confirmed to still hold the endpoint's lock.
 *
 * @throws ValidationError naming `prewarm.…` or `owner`; LockLostError when the lock is not held.
 */
export async function readFencedFloorChange(
  deps: Pick<FloorChangeDeps, 'lock' | 'now'>,
  event: { prewarm: unknown; owner: unknown },
): Promise<{ plan: PrewarmPlan; owner: string }> {
  const plan = readPrewarmPlan(event.prewarm);
  const owner = parseOrThrow(ownerSchema, event.owner, 'owner');
  await confirmLockHeld(deps.lock, {
    endpoint: plan.endpoint,
    owner,
    now: deps.now(),
    leaseSeconds: plan.leaseSeconds,
  });
  return { plan, owner };
}
