import { planRollout, type RolloutPlan } from '../../core/rollout/rollout-plan.js';
import { lambdaHandler } from '../shared/lambda-handler.js';
import { modeVars, readConfig } from '../shared/runtime-config.js';

export interface ValidatePlanDeps {
  readonly mode: 'aws' | 'local';
}

/**
 * First rollout step: validates the request with core's schema and fixes the plan (resource
 * names come later, from the live state). A ValidationError here ends the execution before
 * anything has changed.
 */
export function makeHandler(deps: ValidatePlanDeps) {
  return lambdaHandler(
    'validate-plan',
    async (event: unknown): Promise<{ plan: RolloutPlan }> => ({
      plan: planRollout(event, deps.mode),
    }),
  );
}

export function defaultDeps(): ValidatePlanDeps {
  return { mode: readConfig(modeVars).WARMGATE_MODE };
}

export const handler = makeHandler(defaultDeps());
