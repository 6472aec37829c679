import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import {
  type DeployDependencies,
  type DeploymentRecord,
  deployRollout,
} from '../../core/rollout/deploy-rollout.js';
import { readPlan } from '../../core/rollout/rollout-plan.js';
import { ApplicationAutoScalingVariantScaling } from '../adapters/application-auto-scaling-variant-scaling.js';
import { SageMakerEndpointHost } from '../adapters/sagemaker-endpoint-host.js';
import { lambdaHandler } from '../shared/lambda-handler.js';
import { clientConfig, deployVars, readConfig } from '../shared/runtime-config.js';

export interface CreateOrUpdateDeps extends DeployDependencies {
  readonly now: () => Date;
}

/** Creates the model and config, then creates the endpoint or starts its blue/green update. */
export function makeHandler(deps: CreateOrUpdateDeps) {
  return lambdaHandler(
    'create-or-update',
    async (event: { plan: unknown }): Promise<DeploymentRecord> =>
      deployRollout(deps, readPlan(event.plan), deps.now()),
  );
}

export function defaultDeps(): CreateOrUpdateDeps {
  const config = readConfig(deployVars);
  return {
    host: new SageMakerEndpointHost(new SageMakerClient(clientConfig())),
    scaling: new ApplicationAutoScalingVariantScaling(new ApplicationAutoScalingClient(clientConfig())),
    executionRoleArn: config.EXECUTION_ROLE_ARN,
    rollbackAlarms: config.ROLLBACK_ALARMS,
    now: () => new Date(),
  };
}

export const handler = makeHandler(defaultDeps());
