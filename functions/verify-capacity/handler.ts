import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import type { EndpointHost } from '../../core/ports/endpoint-host.js';
import type { EndpointInvoker } from '../../core/ports/invoker.js';
import { readDeployment } from '../../core/rollout/deploy-rollout.js';
import { readPlan } from '../../core/rollout/rollout-plan.js';
import { type VerificationReport, verifyCapacity } from '../../core/rollout/verify-capacity.js';
import { SageMakerEndpointHost } from '../adapters/sagemaker-endpoint-host.js';
import { SageMakerRuntimeInvoker } from '../adapters/sagemaker-runtime-invoker.js';
import { lambdaHandler } from '../shared/lambda-handler.js';
import { clientConfig } from '../shared/runtime-config.js';

export interface VerifyCapacityDeps {
  readonly host: EndpointHost;
  readonly invoker: EndpointInvoker;
  readonly now: () => number;
}

/** The capacity verdict plus one smoke request per warmup shape, against the latency budget. */
export function makeHandler(deps: VerifyCapacityDeps) {
  return lambdaHandler(
    'verify-capacity',
    async (event: { plan: unknown; deployment: unknown }): Promise<VerificationReport> => {
      const plan = readPlan(event.plan);
      const deployment = readDeployment(event.deployment);
      return verifyCapacity(deps, {
        endpoint: plan.request.endpoint,
        variant: plan.request.variant,
        image: plan.request.image,
        configName: deployment.configName,
        minInstances: Math.max(plan.request.instanceCount, plan.request.minCapacity),
        smoke: plan.smoke,
      });
    },
  );
}

export function defaultDeps(): VerifyCapacityDeps {
  return {
    host: new SageMakerEndpointHost(new SageMakerClient(clientConfig())),
    invoker: new SageMakerRuntimeInvoker(new SageMakerRuntimeClient(clientConfig())),
    now: () => performance.timeOrigin + performance.now(),
  };
}

export const handler = makeHandler(defaultDeps());
