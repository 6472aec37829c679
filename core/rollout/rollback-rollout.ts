import { endpointVerdict } from '../endpoint-verdict.js';
import { EndpointBusyError } from '../errors.js';
import type { EndpointHost } from '../ports/endpoint-host.js';
import { blueGreen, type DeploymentRecord } from './deploy-rollout.js';
import { type RestoreDependencies, restoreRemovedScaling } from './removed-scaling.js';
import type { RolloutPlan } from './rollout-plan.js';

/** What the rollback did, for the execution output and the audit record. */
export type RollbackOutcome =
  | { readonly action: 'none'; readonly reason: string }
  | { readonly action: 'deleted-new-endpoint'; readonly endpoint: string }
  | { readonly action: 'reverted'; readonly toConfig: string }
  | { readonly action: 'already-on-previous'; readonly config: string };

/**
 * Undoes a failed rollout without dropping a request:
 * - a new endpoint that never passed verification is deleted (it never served);
 * - an update that completed on the new config is reverted by a blue/green update back to the
 *   previous config, so the verified old fleet comes back before the new one leaves;
 * - an update that SageMaker already rolled back needs nothing;
 * - scaling removed for an instance-type change is put back.
 *
 * @throws EndpointBusyError (retryable) while the endpoint is still mid-change: SageMaker accepts
 *   no new update then, and its own blue/green logic keeps the old fleet serving meanwhile.
 */
export async function rollbackRollout(
  deps: RestoreDependencies & { host: EndpointHost; rollbackAlarms: readonly string[] },
  plan: RolloutPlan,
  deployment: DeploymentRecord | undefined,
  now: Date,
): Promise<RollbackOutcome> {
  const { endpoint } = plan.request;
  if (!deployment) return restoreScalingOfFailedDeploy(deps, plan, now);
  if (deployment.action === 'unchanged') {
    // Scaling carried over from a stopped rollout whose lock this one took over.
    if (deployment.removedScaling) await restoreRemovedScaling(deps, plan, deployment.removedScaling, now);
    return { action: 'none', reason: 'the endpoint already ran this config' };
  }

  const state = await deps.host.describeEndpoint(endpoint);
  if (!state) return { action: 'none', reason: `endpoint ${endpoint} does not exist` };

  if (deployment.action === 'created') {
    if (state.status === 'Deleting') return { action: 'deleted-new-endpoint', endpoint };
    if (state.configName !== deployment.configName && state.pendingConfigName !== deployment.configName) {
      // Not the endpoint this rollout created any more: never delete what something else deployed.
      return {
        action: 'none',
        reason: `endpoint ${endpoint} runs ${state.configName}, not the ${deployment.configName} this rollout created`,
      };
    }
    if (endpointVerdict(state).kind === 'busy')
      throw new EndpointBusyError(`endpoint ${endpoint} is ${state.status}`);
    await deps.host.deleteEndpoint(endpoint);
    return { action: 'deleted-new-endpoint', endpoint };
  }

  const verdict = endpointVerdict(state);
  if (verdict.kind === 'busy' || state.pendingDeployment) {
    throw new EndpointBusyError(
      `endpoint ${endpoint} is ${state.status}; waiting for SageMaker to settle it`,
    );
  }
  const previous = deployment.previousConfigName;
  if (previous && state.configName !== previous) {
    // Revert first: scaling removed for an instance-type change must stay removed until the
    // endpoint is back on the old type, or SageMaker refuses the revert. Busy until it settles;
    // the state machine retries this step, and the next pass restores the scaling.
    await deps.host.updateEndpoint(endpoint, previous, {
      deployment: blueGreen(
        { type: 'all-at-once', waitIntervalSeconds: 0, terminationWaitSeconds: 0 },
        deps.rollbackAlarms,
      ),
      retainInstanceCounts: false,
    });
    if (deployment.removedScaling) {
      throw new EndpointBusyError(
        `endpoint ${endpoint} is reverting to ${previous}; scaling is restored after`,
      );
    }
    return { action: 'reverted', toConfig: previous };
  }
  if (deployment.removedScaling) await restoreRemovedScaling(deps, plan, deployment.removedScaling, now);
  return { action: 'already-on-previous', config: state.configName };
}

/**
 * The deploy step never returned, yet it may have removed scaling for an instance-type change and
 * then failed for good: what it saved first is put back once the endpoint has settled.
 */
async function restoreScalingOfFailedDeploy(
  deps: RestoreDependencies & { host: EndpointHost },
  plan: RolloutPlan,
  now: Date,
): Promise<RollbackOutcome> {
  const { endpoint } = plan.request;
  const removed = await deps.removedScaling.load(endpoint, plan.executionId);
  const state = removed ? await deps.host.describeEndpoint(endpoint) : undefined;
  if (!removed || !state)
    return { action: 'none', reason: 'the rollout failed before it changed the endpoint' };
  if (endpointVerdict(state).kind === 'busy' || state.pendingDeployment) {
    throw new EndpointBusyError(
      `endpoint ${endpoint} is ${state.status}; scaling is restored once it settles`,
    );
  }
  await restoreRemovedScaling(deps, plan, removed, now);
  return {
    action: 'none',
    reason: 'the rollout failed before it changed the endpoint; the scaling it had removed is restored',
  };
}
