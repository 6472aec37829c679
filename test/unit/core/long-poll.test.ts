import { describe, expect, it } from 'vitest';
import { longPoll } from '../../../core/poll-policy.js';

// A clock that only moves when the poll sleeps, so the test is exact and instant.
function fakeClock(start = 0) {
  let now = start;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
  };
}

describe('longPoll', () => {
  it('returns as soon as a look is settled, without waiting out the budget', async () => {
    const clock = fakeClock();
    const looks = ['busy', 'busy', 'done', 'busy'];
    let i = 0;
    const result = await longPoll(
      async () => looks[i++],
      (r) => r === 'done',
      clock,
      { longPollMs: 10_000, longPollIntervalMs: 200 },
      Number.POSITIVE_INFINITY,
    );
    expect(result).toBe('done');
    expect(i).toBe(3);
    expect(clock.now()).toBe(400);
  });

  it('hands back the last unsettled look when the budget or the deadline runs out first', async () => {
    const budget = fakeClock();
    let looks = 0;
    await longPoll(
      async () => looks++,
      () => false,
      budget,
      { longPollMs: 1_000, longPollIntervalMs: 300 },
      Number.POSITIVE_INFINITY,
    );
    expect(budget.now()).toBeLessThanOrEqual(1_000);
    expect(looks).toBe(4);

    const deadline = fakeClock();
    looks = 0;
    await longPoll(
      async () => looks++,
      () => false,
      deadline,
      { longPollMs: 10_000, longPollIntervalMs: 300 },
      500,
    );
    expect(deadline.now()).toBeLessThanOrEqual(500);
    expect(looks).toBe(2);
  });
});
