import { readPrewarmPlan } from '../../core/prewarm/prewarm-plan.js';
import { type RaiseResult, raiseFloor } from '../../core/prewarm/raise-floor.js';
import { type FloorChangeDeps, floorChangeDeps } from '../shared/floor-change-deps.js';
import { lambdaHandler } from '../shared/lambda-handler.js';

/** Records the window's hold and raises the floor to its target (never lowers it). */
export function makeHandler(deps: FloorChangeDeps) {
  return lambdaHandler(
    'raise-floor',
    async (event: { prewarm: unknown }): Promise<RaiseResult> =>
      raiseFloor(deps, readPrewarmPlan(event.prewarm), deps.now()),
  );
}

export const handler = makeHandler(floorChangeDeps());
