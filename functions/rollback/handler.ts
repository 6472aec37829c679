import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { confirmLockHeld, type LockRenewer } from '../../core/confirm-lock-held.js';
import type { EndpointHost } from '../../core/ports/endpoint-host.js';
import { readDeployment } from '../../core/rollout/deploy-rollout.js';
import type { RestoreDependencies } from '../../core/rollout/removed-scaling.js';
import { type RollbackOutcome, rollbackRollout } from '../../core/rollout/rollback-rollout.js';
import { readPlan } from '../../core/rollout/rollout-plan.js';
import { ApplicationAutoScalingVariantScaling } from '../adapters/application-auto-scaling-variant-scaling.js';
import { DynamoDbCapacityHolds } from '../adapters/dynamodb-capacity-holds.js';
import { DynamoDbEndpointLock } from '../adapters/dynamodb-endpoint-lock.js';
import { DynamoDbRemovedScaling } from '../adapters/dynamodb-removed-scaling.js';
import { SageMakerEndpointHost } from '../adapters/sagemaker-endpoint-host.js';
import { lambdaHandler } from '../shared/lambda-handler.js';
import { clientConfig, deployVars, holdsVars, lockVars, readConfig } from '../shared/runtime-config.js';

export interface RollbackDeps extends RestoreDependencies {
  readonly host: EndpointHost;
  readonly lock: LockRenewer;
  readonly rollbackAlarms: readonly string[];
  readonly now: () => Date;
}

/**
 * Undoes a failed rollout. It receives the whole execution state, because how far the rollout
 * got (is there a `deployment`?) decides what there is to undo.
 */
export function makeHandler(deps: RollbackDeps) {
  return lambdaHandler(
    'rollback',
    async (event: { plan: unknown; deployment?: unknown }): Promise<RollbackOutcome> => {
      const plan = readPlan(event.plan);
      const deployment = event.deployment === undefined ? undefined : readDeployment(event.deployment);
      // A rollback is a change too: after losing the lock it would undo another rollout's work.
      await confirmLockHeld(deps.lock, {
        endpoint: plan.request.endpoint,
        owner: plan.executionId,
        now: deps.now(),
        leaseSeconds: plan.leaseSeconds,
      });
      return rollbackRollout(deps, plan, deployment, deps.now());
    },
  );
}

export function defaultDeps(): RollbackDeps {
  const config = readConfig({ ROLLBACK_ALARMS: deployVars.ROLLBACK_ALARMS, ...lockVars, ...holdsVars });
  return {
    host: new SageMakerEndpointHost(new SageMakerClient(clientConfig())),
    scaling: new ApplicationAutoScalingVariantScaling(new ApplicationAutoScalingClient(clientConfig())),
    removedScaling: new DynamoDbRemovedScaling(new DynamoDBClient(clientConfig()), config.LOCK_TABLE_NAME),
    lock: new DynamoDbEndpointLock(new DynamoDBClient(clientConfig()), config.LOCK_TABLE_NAME),
    holds: new DynamoDbCapacityHolds(new DynamoDBClient(clientConfig()), config.HOLDS_TABLE_NAME),
    now: () => new Date(),
    rollbackAlarms: config.ROLLBACK_ALARMS,
  };
}

export const handler = makeHandler(defaultDeps());
