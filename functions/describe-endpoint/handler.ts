import { readDeployment } from '../../core/rollout/deploy-rollout.js';
import { type PollResult, pollDeployment } from '../../core/rollout/poll-deployment.js';
import { readPlan } from '../../core/rollout/rollout-plan.js';
import { lambdaHandler } from '../shared/lambda-handler.js';
import { type PollDeps, pollDeps } from '../shared/poll-deps.js';

/** One poll of the deployment; the state machine waits `nextPollSeconds` while it is busy. */
export function makeHandler(deps: PollDeps) {
  return lambdaHandler(
    'describe-endpoint',
    async (event: {
      plan: unknown;
      deployment: unknown;
      previous?: { attempt?: number };
    }): Promise<PollResult> =>
      pollDeployment(deps, readPlan(event.plan), readDeployment(event.deployment), {
        attempt: event.previous?.attempt ?? 0,
      }),
  );
}

export const handler = makeHandler(pollDeps());
