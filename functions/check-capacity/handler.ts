import { type CapacityPoll, pollCapacity } from '../../core/prewarm/poll-capacity.js';
import { readPrewarmPlan } from '../../core/prewarm/prewarm-plan.js';
import { lambdaHandler } from '../shared/lambda-handler.js';
import { type PollDeps, pollDeps } from '../shared/poll-deps.js';

/** One look at the raised capacity; the pre-warm machine waits `nextPollSeconds` until ready. */
export function makeHandler(deps: PollDeps) {
  return lambdaHandler(
    'check-capacity',
    async (event: { prewarm: unknown; previous?: { attempt?: number } }): Promise<CapacityPoll> =>
      pollCapacity(deps, readPrewarmPlan(event.prewarm), { attempt: event.previous?.attempt ?? 0 }),
  );
}

export const handler = makeHandler(pollDeps());
