import { readPrewarmPlan } from '../../core/prewarm/prewarm-plan.js';
import type { RaiseResult } from '../../core/prewarm/raise-floor.js';
import { type Readiness, recordReadiness } from '../../core/prewarm/record-readiness.js';
import type { VerificationReport } from '../../core/rollout/verify-capacity.js';
import { lambdaHandler } from '../shared/lambda-handler.js';
import { type TelemetryDeps, telemetryDeps } from '../shared/telemetry-deps.js';

interface RecordPrewarmEvent {
  readonly outcome: 'succeeded' | 'failed';
  readonly executionId: string;
  readonly startedAt: string;
  readonly state: {
    readonly prewarm: unknown;
    readonly raised?: RaiseResult;
    readonly verification?: VerificationReport;
    readonly error?: { Error?: string; Cause?: string };
  };
}

/** Records whether the capacity was warm before the release, by how much, and the audit entry. */
export function makeHandler(deps: TelemetryDeps) {
  return lambdaHandler('record-prewarm', async (event: RecordPrewarmEvent): Promise<Readiness> => {
    const { state } = event;
    return recordReadiness(
      deps,
      {
        outcome: event.outcome,
        plan: readPrewarmPlan(state.prewarm),
        ...(state.raised ? { raised: state.raised } : {}),
        ...(state.verification ? { verification: state.verification } : {}),
        ...(state.error ? { error: state.error } : {}),
      },
      event.executionId,
      event.startedAt,
      deps.now(),
    );
  });
}

export const handler = makeHandler(telemetryDeps());
