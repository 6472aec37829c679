import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { PollPolicy } from '../../core/poll-policy.js';
import { DEFAULT_POLL_POLICY } from '../../core/poll-policy.js';
import type { EndpointHost } from '../../core/ports/endpoint-host.js';
import { readDeployment } from '../../core/rollout/deploy-rollout.js';
import { type PollResult, pollDeployment } from '../../core/rollout/poll-deployment.js';
import { readPlan } from '../../core/rollout/rollout-plan.js';
import { SageMakerEndpointHost } from '../adapters/sagemaker-endpoint-host.js';
import { lambdaHandler } from '../shared/lambda-handler.js';
import { clientConfig, pollVars, readConfig } from '../shared/runtime-config.js';

export interface DescribeEndpointDeps {
  readonly host: EndpointHost;
  readonly policy: PollPolicy;
  readonly random: () => number;
  readonly now: () => number;
}

/** One poll of the deployment; the state machine waits `nextPollSeconds` while it is busy. */
export function makeHandler(deps: DescribeEndpointDeps) {
  return lambdaHandler(
    'describe-endpoint',
    async (event: {
      plan: unknown;
      deployment: unknown;
      previous?: { attempt?: number };
    }): Promise<PollResult> =>
      pollDeployment(
        deps,
        readPlan(event.plan),
        readDeployment(event.deployment),
        { attempt: event.previous?.attempt ?? 0 },
        deps.now(),
      ),
  );
}

export function defaultDeps(): DescribeEndpointDeps {
  const config = readConfig(pollVars);
  return {
    host: new SageMakerEndpointHost(new SageMakerClient(clientConfig())),
    policy: {
      ...DEFAULT_POLL_POLICY,
      initialSeconds: config.POLL_INITIAL_SECONDS,
      maxSeconds: config.POLL_MAX_SECONDS,
    },
    random: Math.random,
    now: Date.now,
  };
}

export const handler = makeHandler(defaultDeps());
