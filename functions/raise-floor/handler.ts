import { type RaiseResult, raiseFloor } from '../../core/prewarm/raise-floor.js';
import { type FloorChangeDeps, floorChangeDeps, readFencedFloorChange } from '../shared/floor-change-deps.js';
import { lambdaHandler } from '../shared/lambda-handler.js';

/** Records the window's hold and raises the floor to its target (never lowers it). */
export function makeHandler(deps: FloorChangeDeps) {
  return lambdaHandler(
    'raise-floor',
    async (event: { prewarm: unknown; owner: unknown }): Promise<RaiseResult> => {
      const { plan, owner } = await readFencedFloorChange(deps, event);
      return raiseFloor(deps, plan, owner, deps.now());
    },
  );
}

export const handler = makeHandler(floorChangeDeps());
