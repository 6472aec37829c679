import { readPrewarmPlan } from '../../core/prewarm/prewarm-plan.js';
import { type RestoreResult, restoreWindowFloor } from '../../core/prewarm/restore-floor.js';
import { type FloorChangeDeps, floorChangeDeps } from '../shared/floor-change-deps.js';
import { lambdaHandler } from '../shared/lambda-handler.js';

/** Ends the window: drops its hold, restores the floor to the base or what other windows need. */
export function makeHandler(deps: FloorChangeDeps) {
  return lambdaHandler(
    'restore-floor',
    async (event: { prewarm: unknown }): Promise<RestoreResult> =>
      restoreWindowFloor(deps, readPrewarmPlan(event.prewarm), deps.now()),
  );
}

export const handler = makeHandler(floorChangeDeps());
