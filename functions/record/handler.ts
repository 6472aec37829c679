import { readDeployment } from '../../core/rollout/deploy-rollout.js';
import { recordRollout } from '../../core/rollout/record-outcome.js';
import { readPlan } from '../../core/rollout/rollout-plan.js';
import type { VerificationReport } from '../../core/rollout/verify-capacity.js';
import { lambdaHandler } from '../shared/lambda-handler.js';
import { type TelemetryDeps, telemetryDeps } from '../shared/telemetry-deps.js';

interface RecordEvent {
  readonly outcome: 'succeeded' | 'failed';
  readonly state: {
    readonly plan: unknown;
    readonly deployment?: unknown;
    readonly verification?: VerificationReport;
    readonly error?: { Error?: string; Cause?: string };
    readonly rollback?: unknown;
  };
}

/** Emits the rollout's CloudWatch metrics and writes its audit record. */
export function makeHandler(deps: TelemetryDeps) {
  return lambdaHandler('record', async (event: RecordEvent) => {
    const { state } = event;
    return recordRollout(
      deps,
      {
        outcome: event.outcome,
        plan: readPlan(state.plan),
        ...(state.deployment === undefined ? {} : { deployment: readDeployment(state.deployment) }),
        ...(state.verification === undefined ? {} : { verification: state.verification }),
        ...(state.error === undefined ? {} : { error: state.error }),
        ...(state.rollback === undefined ? {} : { rollback: state.rollback }),
      },
      deps.now(),
    );
  });
}

export const handler = makeHandler(telemetryDeps());
