import { type RestoreResult, restoreWindowFloor } from '../../core/prewarm/restore-floor.js';
import { type FloorChangeDeps, floorChangeDeps, readFencedFloorChange } from '../shared/floor-change-deps.js';
import { lambdaHandler } from '../shared/lambda-handler.js';

/** Ends the window: drops its hold, restores the floor to the base or what other windows need. */
export function makeHandler(deps: FloorChangeDeps) {
  return lambdaHandler(
    'restore-floor',
    async (event: { prewarm: unknown; owner: unknown }): Promise<RestoreResult> => {
      const { plan, owner } = await readFencedFloorChange(deps, event);
      return restoreWindowFloor(deps, plan, owner, deps.now());
    },
  );
}

export const handler = makeHandler(floorChangeDeps());
