import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DEFAULT_POLL_POLICY } from '../../core/poll-policy.js';
import type { PollDeps } from '../../core/rollout/poll-deployment.js';
import { SageMakerEndpointHost } from '../adapters/sagemaker-endpoint-host.js';
import { clientConfig, pollVars, readConfig } from './runtime-config.js';

export type { PollDeps };

/** Real time for the long poll inside a polling step. */
export const realClock = {
  now: () => Date.now(),
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
};

export function pollDeps(): PollDeps {
  const config = readConfig(pollVars);
  return {
    host: new SageMakerEndpointHost(new SageMakerClient(clientConfig())),
    policy: {
      ...DEFAULT_POLL_POLICY,
      initialSeconds: config.POLL_INITIAL_SECONDS,
      maxSeconds: config.POLL_MAX_SECONDS,
      longPollMs: config.POLL_LONG_SECONDS * 1000,
    },
    random: Math.random,
    ...realClock,
  };
}
