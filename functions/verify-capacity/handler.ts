import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import type { EndpointHost } from '../../core/ports/endpoint-host.js';
import type { EndpointInvoker } from '../../core/ports/invoker.js';
import {
  readVerifyTarget,
  type VerificationReport,
  verifyCapacity,
} from '../../core/rollout/verify-capacity.js';
import { SageMakerEndpointHost } from '../adapters/sagemaker-endpoint-host.js';
import { SageMakerRuntimeInvoker } from '../adapters/sagemaker-runtime-invoker.js';
import { lambdaHandler } from '../shared/lambda-handler.js';
import { clientConfig } from '../shared/runtime-config.js';

export interface VerifyCapacityDeps {
  readonly host: EndpointHost;
  readonly invoker: EndpointInvoker;
  readonly now: () => number;
}

/**
 * The capacity verdict plus one smoke request per warmup shape, against the latency budget.
 * Rollouts and pre-warms both call it; each state machine builds the target from its own state.
 */
export function makeHandler(deps: VerifyCapacityDeps) {
  return lambdaHandler(
    'verify-capacity',
    async (event: unknown): Promise<VerificationReport> => verifyCapacity(deps, readVerifyTarget(event)),
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
