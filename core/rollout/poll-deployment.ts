import { endpointVerdict } from '../endpoint-verdict.js';
import { DeadlineExceededError, DeploymentFailedError } from '../errors.js';
import {
  checkDeadline,
  longPoll,
  nextPollDelaySeconds,
  type PollClock,
  type PollPolicy,
} from '../poll-policy.js';
import type { EndpointHost } from '../ports/endpoint-host.js';
import type { DeploymentRecord } from './deploy-rollout.js';
import type { RolloutPlan } from './rollout-plan.js';

/** One poll's outcome; the state machine's Choice state branches on `verdict`. */
export interface PollResult {
  readonly verdict: 'busy' | 'done' | 'failed';
  readonly status: string;
  readonly attempt: number;
  readonly nextPollSeconds: number;
  readonly reason?: string;
  readonly instances?: { readonly current: number; readonly desired: number };
}

/** What a poll step needs: the host, the policy, jitter, and a clock to long-poll on. */
export interface PollDeps extends PollClock {
  readonly host: EndpointHost;
  readonly policy: PollPolicy;
  readonly random: () => number;
}

/**
 * Says whether the deployment is still going, finished, or failed, long-polling while it is
 * busy (see {@link longPoll}). An update that SageMaker rolled back ends InService on the *old*
 * config: that is a failure of this rollout, reported with SageMaker's FailureReason.
 *
 * @throws DeadlineExceededError once the plan's deadline has passed (the rollout rolls back).
 * @throws DeploymentFailedError when the endpoint has vanished.
 */
export async function pollDeployment(
  deps: PollDeps,
  plan: RolloutPlan,
  deployment: DeploymentRecord,
  previous: { attempt: number },
): Promise<PollResult> {
  return longPoll(
    () => pollOnce(deps, plan, deployment, previous, deps.now()),
    (result) => result.verdict !== 'busy',
    deps,
    deps.policy,
    Date.parse(plan.deadline),
  );
}

async function pollOnce(
  deps: PollDeps,
  plan: RolloutPlan,
  deployment: DeploymentRecord,
  previous: { attempt: number },
  nowMs: number,
): Promise<PollResult> {
  const deadline = checkDeadline(nowMs, Date.parse(plan.deadline));
  if (deadline.kind === 'passed') {
    throw new DeadlineExceededError(
      `endpoint ${plan.request.endpoint} did not finish deploying by ${plan.deadline} (${Math.round(deadline.overdueMs / 1000)} s over)`,
    );
  }
  const state = await deps.host.describeEndpoint(plan.request.endpoint);
  if (!state) throw new DeploymentFailedError(`endpoint ${plan.request.endpoint} no longer exists`);
  const attempt = previous.attempt + 1;
  const nextPollSeconds = nextPollDelaySeconds(attempt - 1, deps.random, {
    policy: deps.policy,
    untilDeadlineMs: deadline.remainingMs,
  });
  const variant = state.variants.find((v) => v.name === plan.request.variant);
  const instances = variant
    ? { current: variant.currentInstanceCount ?? 0, desired: variant.desiredInstanceCount ?? 0 }
    : undefined;
  const base = { status: state.status, attempt, nextPollSeconds, ...(instances ? { instances } : {}) };

  const verdict = endpointVerdict(state);
  if (verdict.kind === 'failed') return { verdict: 'failed', reason: verdict.reason, ...base };
  if (verdict.kind === 'busy' || state.pendingDeployment) return { verdict: 'busy', ...base };
  if (state.configName !== deployment.configName) {
    return {
      verdict: 'failed',
      reason: `SageMaker rolled the update back to ${state.configName}: ${state.failureReason ?? 'no reason given'}`,
      ...base,
    };
  }
  return { verdict: 'done', ...base };
}
