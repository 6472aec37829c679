import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import * as z from 'zod';
import { confirmLockHeld, type LockRenewer } from '../../core/confirm-lock-held.js';
import {
  type DeployDependencies,
  type DeploymentRecord,
  deployRollout,
} from '../../core/rollout/deploy-rollout.js';
import { readPlan } from '../../core/rollout/rollout-plan.js';
import { parseOrThrow } from '../../core/validation.js';
import { ApplicationAutoScalingVariantScaling } from '../adapters/application-auto-scaling-variant-scaling.js';
import { DynamoDbCapacityHolds } from '../adapters/dynamodb-capacity-holds.js';
import { DynamoDbEndpointLock } from '../adapters/dynamodb-endpoint-lock.js';
import { DynamoDbRemovedScaling } from '../adapters/dynamodb-removed-scaling.js';
import { SageMakerEndpointHost } from '../adapters/sagemaker-endpoint-host.js';
import { lambdaHandler } from '../shared/lambda-handler.js';
import { clientConfig, deployVars, holdsVars, lockVars, readConfig } from '../shared/runtime-config.js';

/** The AcquireLock step's lease ($.lock): when this execution took the endpoint's lock. */
const lockSchema = z.object({
  acquiredAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 instant' }),
});

export interface CreateOrUpdateDeps extends DeployDependencies {
  readonly lock: LockRenewer;
  readonly now: () => Date;
}

/** Creates the model and config, then creates the endpoint or starts its blue/green update. */
export function makeHandler(deps: CreateOrUpdateDeps) {
  return lambdaHandler(
    'create-or-update',
    async (event: { plan: unknown; lock: unknown }): Promise<DeploymentRecord> => {
      const plan = readPlan(event.plan);
      const { acquiredAt } = parseOrThrow(lockSchema, event.lock, 'lock');
      await confirmLockHeld(deps.lock, {
        endpoint: plan.request.endpoint,
        owner: plan.executionId,
        now: deps.now(),
        leaseSeconds: plan.leaseSeconds,
      });
      return deployRollout(deps, plan, deps.now(), acquiredAt);
    },
  );
}

export function defaultDeps(): CreateOrUpdateDeps {
  const config = readConfig({ ...deployVars, ...lockVars, ...holdsVars });
  return {
    host: new SageMakerEndpointHost(new SageMakerClient(clientConfig())),
    scaling: new ApplicationAutoScalingVariantScaling(new ApplicationAutoScalingClient(clientConfig())),
    removedScaling: new DynamoDbRemovedScaling(new DynamoDBClient(clientConfig()), config.LOCK_TABLE_NAME),
    lock: new DynamoDbEndpointLock(new DynamoDBClient(clientConfig()), config.LOCK_TABLE_NAME),
    holds: new DynamoDbCapacityHolds(new DynamoDBClient(clientConfig()), config.HOLDS_TABLE_NAME),
    executionRoleArn: config.EXECUTION_ROLE_ARN,
    rollbackAlarms: config.ROLLBACK_ALARMS,
    now: () => new Date(),
  };
}

export const handler = makeHandler(defaultDeps());
