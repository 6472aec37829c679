import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DEFAULT_POLL_POLICY, type PollPolicy } from '../../core/poll-policy.js';
import type { EndpointHost } from '../../core/ports/endpoint-host.js';
import { SageMakerEndpointHost } from '../adapters/sagemaker-endpoint-host.js';
import { clientConfig, pollVars, readConfig } from './runtime-config.js';

/** What the polling steps (rollout's describe, pre-warm's capacity check) need. */
export interface PollDeps {
  readonly host: EndpointHost;
  readonly policy: PollPolicy;
  readonly random: () => number;
  readonly now: () => number;
}

export function pollDeps(): PollDeps {
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
