import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { confirmLockHeld, type LockRenewer } from '../../core/confirm-lock-held.js';
import type { CapacityHolds } from '../../core/ports/capacity-holds.js';
import type { RemovedScalingStore } from '../../core/ports/removed-scaling-store.js';
import type { VariantScaling } from '../../core/ports/scaling.js';
import { readDeployment } from '../../core/rollout/deploy-rollout.js';
import { ensureFloor, type FloorResult } from '../../core/rollout/ensure-floor.js';
import { readPlan } from '../../core/rollout/rollout-plan.js';
import { ApplicationAutoScalingVariantScaling } from '../adapters/application-auto-scaling-variant-scaling.js';
import { DynamoDbCapacityHolds } from '../adapters/dynamodb-capacity-holds.js';
import { DynamoDbEndpointLock } from '../adapters/dynamodb-endpoint-lock.js';
import { DynamoDbRemovedScaling } from '../adapters/dynamodb-removed-scaling.js';
import { lambdaHandler } from '../shared/lambda-handler.js';
import { clientConfig, holdsVars, lockVars, readConfig, scalingVars } from '../shared/runtime-config.js';

export interface EnsureFloorDeps {
  readonly scaling: VariantScaling;
  readonly holds: CapacityHolds;
  readonly removedScaling: RemovedScalingStore;
  readonly lock: LockRenewer;
  readonly targetConcurrencyPerInstance: number;
  readonly now: () => Date;
}

/** Holds the variant's autoscaling floor at >= 2 (and at what active release windows need). */
export function makeHandler(deps: EnsureFloorDeps) {
  return lambdaHandler(
    'ensure-floor',
    async (event: { plan: unknown; deployment: unknown }): Promise<FloorResult> => {
      const plan = readPlan(event.plan);
      const deployment = readDeployment(event.deployment);
      const { endpoint, variant, minCapacity, maxCapacity } = plan.request;
      await confirmLockHeld(deps.lock, {
        endpoint,
        owner: plan.executionId,
        now: deps.now(),
        leaseSeconds: plan.leaseSeconds,
      });
      return ensureFloor(
        deps,
        { endpoint, variant },
        { minCapacity, maxCapacity },
        deployment,
        plan.executionId,
        deps.now(),
      );
    },
  );
}

export function defaultDeps(): EnsureFloorDeps {
  const config = readConfig({ ...holdsVars, ...scalingVars, ...lockVars });
  return {
    scaling: new ApplicationAutoScalingVariantScaling(new ApplicationAutoScalingClient(clientConfig())),
    holds: new DynamoDbCapacityHolds(new DynamoDBClient(clientConfig()), config.HOLDS_TABLE_NAME),
    removedScaling: new DynamoDbRemovedScaling(new DynamoDBClient(clientConfig()), config.LOCK_TABLE_NAME),
    lock: new DynamoDbEndpointLock(new DynamoDBClient(clientConfig()), config.LOCK_TABLE_NAME),
    targetConcurrencyPerInstance: config.TARGET_CONCURRENCY_PER_INSTANCE,
    now: () => new Date(),
  };
}

export const handler = makeHandler(defaultDeps());
