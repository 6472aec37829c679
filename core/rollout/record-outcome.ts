import { type AuditLog, endpointMetrics, type MetricDatum, type MetricsSink } from '../ports/telemetry.js';
import type { DeploymentRecord } from './deploy-rollout.js';
import type { RolloutPlan } from './rollout-plan.js';
import type { VerificationReport } from './verify-capacity.js';

/** The slice of a finished rollout's execution state that the record step reads. */
export interface RolloutOutcome {
  readonly outcome: 'succeeded' | 'failed';
  readonly plan: RolloutPlan;
  readonly deployment?: DeploymentRecord;
  readonly verification?: VerificationReport;
  readonly error?: { readonly Error?: string; readonly Cause?: string };
  readonly rollback?: unknown;
}

/**
 * The metrics one rollout emits, in the `Warmgate` namespace with an `EndpointName` dimension:
 * - RolloutDuration: execution start to now;
 * - TimeToInService: the deploy step's start to the moment verification proved the fleet warm
 *   (the planner's provisioning-to-warm history reads this one);
 * - ColdStartExposure: smoke requests that blew the latency budget, i.e. that a user would have
 *   felt as a cold start (0 for a verified rollout, whose smoke calls all passed);
 * - RolloutSucceeded / RolloutFailed: 1, for alarms and dashboards.
 */
export function rolloutMetrics(outcome: RolloutOutcome, now: Date): MetricDatum[] {
  const datum = endpointMetrics(outcome.plan.request.endpoint, now);
  const metrics = [
    datum('RolloutDuration', (now.getTime() - Date.parse(outcome.plan.startedAt)) / 1000, 'Seconds'),
    datum(outcome.outcome === 'succeeded' ? 'RolloutSucceeded' : 'RolloutFailed', 1, 'Count'),
  ];
  const smoke = outcome.verification?.smoke ?? [];
  const budget = outcome.plan.smoke.latencyBudgetMs;
  metrics.push(datum('ColdStartExposure', smoke.filter((s) => s.latencyMs > budget).length, 'Count'));
  if (outcome.verification && outcome.deployment) {
    const seconds =
      (Date.parse(outcome.verification.verifiedAt) - Date.parse(outcome.deployment.startedAt)) / 1000;
    metrics.push(datum('TimeToInService', seconds, 'Seconds'));
  }
  return metrics;
}

/** Writes the rollout's metrics and its audit record. */
export async function recordRollout(
  deps: { metrics: MetricsSink; audit: AuditLog },
  outcome: RolloutOutcome,
  now: Date,
): Promise<{ metrics: string[] }> {
  const metrics = rolloutMetrics(outcome, now);
  // Independent writes, so side by side: one round trip instead of two at the end of every
  // rollout. A retry after a partial failure repeats both, as it did when they ran in turn.
  await Promise.all([
    deps.metrics.put(metrics),
    deps.audit.append({
      endpoint: outcome.plan.request.endpoint,
      executionId: outcome.plan.executionId,
      kind: 'rollout',
      outcome: outcome.outcome,
      startedAt: outcome.plan.startedAt,
      finishedAt: now.toISOString(),
      detail: {
        image: outcome.plan.request.image,
        configName: outcome.deployment?.configName,
        action: outcome.deployment?.action,
        verification: outcome.verification,
        error: outcome.error,
        rollback: outcome.rollback,
      },
    }),
  ]);
  return { metrics: metrics.map((m) => `${m.name}=${m.value}`) };
}
