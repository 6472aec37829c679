import { type AuditLog, endpointMetrics, type MetricDatum, type MetricsSink } from '../ports/telemetry.js';
import type { VerificationReport } from '../rollout/verify-capacity.js';
import type { PrewarmPlan } from './prewarm-plan.js';
import type { RaiseResult } from './raise-floor.js';

/** The metric name the planner reads for observed provisioning-to-warm durations. */
export const PROVISIONING_TO_WARM_METRIC = 'ProvisioningToWarm';

export interface PrewarmOutcome {
  readonly outcome: 'succeeded' | 'failed';
  readonly plan: PrewarmPlan;
  readonly raised?: RaiseResult;
  readonly verification?: VerificationReport;
  readonly error?: { readonly Error?: string; readonly Cause?: string };
}

export interface Readiness {
  /** Seconds between proven-warm and the release; negative when the capacity was late. */
  readonly marginSeconds: number | null;
  readonly late: boolean;
  readonly metrics: string[];
}

/**
 * Metrics for one pre-warm, in the `Warmgate` namespace by `EndpointName`:
 * - ReadyBeforeRelease: the margin in seconds (negative = late); the late-capacity alarm
 *   watches it;
 * - PrewarmLate: 1 when the capacity was not proven warm before the release (also when the
 *   pre-warm failed outright, where no margin exists);
 * - ProvisioningToWarm: raise to proven-warm, the history the planner's lead time comes from.
 */
export function prewarmMetrics(
  outcome: PrewarmOutcome,
  now: Date,
): { data: MetricDatum[]; readiness: Readiness } {
  const datum = endpointMetrics(outcome.plan.endpoint, now);
  const verifiedAt = outcome.verification ? Date.parse(outcome.verification.verifiedAt) : undefined;
  const marginSeconds =
    verifiedAt === undefined ? null : (Date.parse(outcome.plan.releaseAt) - verifiedAt) / 1000;
  const late = marginSeconds === null || marginSeconds < 0;
  const data = [datum('PrewarmLate', late ? 1 : 0, 'Count')];
  if (marginSeconds !== null) data.push(datum('ReadyBeforeRelease', marginSeconds, 'Seconds'));
  if (verifiedAt !== undefined && outcome.raised) {
    data.push(
      datum(
        PROVISIONING_TO_WARM_METRIC,
        (verifiedAt - Date.parse(outcome.raised.raisedAt)) / 1000,
        'Seconds',
      ),
    );
  }
  return { data, readiness: { marginSeconds, late, metrics: data.map((d) => `${d.name}=${d.value}`) } };
}

/** Writes the pre-warm's metrics and audit record; returns the readiness verdict. */
export async function recordReadiness(
  deps: { metrics: MetricsSink; audit: AuditLog },
  outcome: PrewarmOutcome,
  executionId: string,
  startedAt: string,
  now: Date,
): Promise<Readiness> {
  const { data, readiness } = prewarmMetrics(outcome, now);
  await deps.metrics.put(data);
  await deps.audit.append({
    endpoint: outcome.plan.endpoint,
    executionId,
    kind: 'prewarm',
    outcome: outcome.outcome,
    startedAt,
    finishedAt: now.toISOString(),
    detail: {
      windowId: outcome.plan.windowId,
      releases: outcome.plan.releases,
      minCapacity: outcome.plan.minCapacity,
      marginSeconds: readiness.marginSeconds,
      late: readiness.late,
      verification: outcome.verification,
      error: outcome.error,
    },
  });
  return readiness;
}
