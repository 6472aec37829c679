import { capacityVerdict, describeShortfall } from '../capacity-verdict.js';
import { DeadlineExceededError, DeploymentFailedError } from '../errors.js';
import { checkDeadline, longPoll, nextPollDelaySeconds } from '../poll-policy.js';
import type { PollDeps } from '../rollout/poll-deployment.js';
import type { PrewarmPlan } from './prewarm-plan.js';

/** One look at the raised capacity; the state machine loops while `ready` is false. */
export interface CapacityPoll {
  readonly ready: boolean;
  readonly attempt: number;
  readonly nextPollSeconds: number;
  readonly instances: number;
  readonly detail: string;
}

/**
 * Checks whether the endpoint serves at least the window's floor with every instance InService
 * (SageMaker counts an instance only after its warmup-gated /ping passed). Polling goes on past
 * the release time, because late capacity is still better than none, but not past the end of
 * the hold window.
 *
 * @throws DeadlineExceededError once the hold window is over.
 * @throws DeploymentFailedError when the endpoint is gone or in a state polling cannot fix.
 */
export async function pollCapacity(
  deps: PollDeps,
  plan: PrewarmPlan,
  previous: { attempt: number },
): Promise<CapacityPoll> {
  return longPoll(
    () => pollCapacityOnce(deps, plan, previous, deps.now()),
    (result) => result.ready,
    deps,
    deps.policy,
    Date.parse(plan.restoreAt),
  );
}

async function pollCapacityOnce(
  deps: PollDeps,
  plan: PrewarmPlan,
  previous: { attempt: number },
  nowMs: number,
): Promise<CapacityPoll> {
  const deadline = checkDeadline(nowMs, Date.parse(plan.restoreAt));
  if (deadline.kind === 'passed') {
    throw new DeadlineExceededError(
      `${plan.endpoint} never reached ${plan.minCapacity} warm instances before its hold ended at ${plan.restoreAt}`,
    );
  }
  const state = await deps.host.describeEndpoint(plan.endpoint);
  if (!state) throw new DeploymentFailedError(`endpoint ${plan.endpoint} does not exist`);
  const verdict = capacityVerdict(state, { variant: plan.variant, minInstances: plan.minCapacity });
  const attempt = previous.attempt + 1;
  const nextPollSeconds = nextPollDelaySeconds(attempt - 1, deps.random, {
    policy: deps.policy,
    untilDeadlineMs: deadline.remainingMs,
  });
  const variant = state.variants.find((v) => v.name === plan.variant);
  const instances = variant?.currentInstanceCount ?? 0;
  switch (verdict.kind) {
    case 'ready':
      return {
        ready: true,
        attempt,
        nextPollSeconds,
        instances,
        detail: `${verdict.instances} instances InService`,
      };
    case 'not-ready':
      return {
        ready: false,
        attempt,
        nextPollSeconds,
        instances,
        detail: verdict.shortfalls.map(describeShortfall).join('; '),
      };
    case 'failed':
    case 'rolled-back':
      throw new DeploymentFailedError(verdict.reason);
  }
}
