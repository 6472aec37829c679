import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { EndpointHost } from '../../core/ports/endpoint-host.js';
import type { RemovedScalingStore } from '../../core/ports/removed-scaling-store.js';
import type { VariantScaling } from '../../core/ports/scaling.js';
import { readDeployment } from '../../core/rollout/deploy-rollout.js';
import { type RollbackOutcome, rollbackRollout } from '../../core/rollout/rollback-rollout.js';
import { readPlan } from '../../core/rollout/rollout-plan.js';
import { ApplicationAutoScalingVariantScaling } from '../adapters/application-auto-scaling-variant-scaling.js';
import { DynamoDbRemovedScaling } from '../adapters/dynamodb-removed-scaling.js';
import { SageMakerEndpointHost } from '../adapters/sagemaker-endpoint-host.js';
import { lambdaHandler } from '../shared/lambda-handler.js';
import { clientConfig, deployVars, lockVars, readConfig } from '../shared/runtime-config.js';

export interface RollbackDeps {
  readonly host: EndpointHost;
  readonly scaling: VariantScaling;
  readonly removedScaling: RemovedScalingStore;
  readonly rollbackAlarms: readonly string[];
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
      return rollbackRollout(deps, plan, deployment);
    },
  );
}

export function defaultDeps(): RollbackDeps {
  const config = readConfig({ ROLLBACK_ALARMS: deployVars.ROLLBACK_ALARMS, ...lockVars });
  return {
    host: new SageMakerEndpointHost(new SageMakerClient(clientConfig())),
    scaling: new ApplicationAutoScalingVariantScaling(new ApplicationAutoScalingClient(clientConfig())),
    removedScaling: new DynamoDbRemovedScaling(new DynamoDBClient(clientConfig()), config.LOCK_TABLE_NAME),
    rollbackAlarms: config.ROLLBACK_ALARMS,
  };
}

export const handler = makeHandler(defaultDeps());
