import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkDeadline,
  DEFAULT_POLL_POLICY,
  nextPollDelaySeconds,
  rolloutPollBudgetSeconds,
} from '../../../core/poll-policy.js';
import { parseRolloutRequest } from '../../../core/rollout-request.js';

const noJitter = () => 0;

describe('nextPollDelaySeconds', () => {
  it('backs off from 5 s and caps at 30 s when jitter is zero', () => {
    const delays = [0, 1, 2, 3, 4, 5, 10].map((attempt) => nextPollDelaySeconds(attempt, noJitter));
    expect(delays).toEqual([5, 8, 12, 17, 26, 30, 30]);
  });

  it('stays within [ (1-jitter)·base, base ] and at least 1 s for any random draw', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.double({ min: 0, max: 1, maxExcluded: true }),
        (attempt, r) => {
          const delay = nextPollDelaySeconds(attempt, () => r);
          const base = Math.min(30, 5 * 1.5 ** attempt);
          expect(delay).toBeGreaterThanOrEqual(
            Math.max(1, Math.floor(base * (1 - DEFAULT_POLL_POLICY.jitterRatio))),
          );
          expect(delay).toBeLessThanOrEqual(Math.ceil(base));
          expect(Number.isInteger(delay)).toBe(true);
        },
      ),
    );
  });

  it('spreads concurrent pollers when their random draws differ', () => {
    expect(nextPollDelaySeconds(6, () => 0)).not.toBe(nextPollDelaySeconds(6, () => 0.99));
  });

  it('stops at the deadline instead of sleeping past it', () => {
    expect(nextPollDelaySeconds(10, noJitter, { untilDeadlineMs: 7_500 })).toBe(8);
    expect(nextPollDelaySeconds(10, noJitter, { untilDeadlineMs: 0 })).toBe(1);
  });

  it('refuses a negative attempt', () => {
    expect(() => nextPollDelaySeconds(-1, noJitter)).toThrow(/attempt/);
  });
});

describe('checkDeadline', () => {
  it('reports the time left before the deadline and the overrun after it', () => {
    expect(checkDeadline(1_000, 5_000)).toEqual({ kind: 'open', remainingMs: 4_000 });
    expect(checkDeadline(5_000, 5_000)).toEqual({ kind: 'passed', overdueMs: 0 });
    expect(checkDeadline(6_000, 5_000)).toEqual({ kind: 'passed', overdueMs: 1_000 });
  });
});

describe('rolloutPollBudgetSeconds', () => {
  const base = {
    endpoint: 'manga-recs',
    image: 'warmgate-container',
    modelDataUrl: 'file:///m',
    startupTimeoutSeconds: 300,
    modelDataDownloadTimeoutSeconds: 120,
  };

  it('covers provisioning, both container timeouts and every traffic step when linear', () => {
    const request = parseRolloutRequest(
      {
        ...base,
        instanceCount: 4,
        strategy: {
          type: 'linear',
          linearStepSize: { type: 'INSTANCE_COUNT', value: 1 },
          waitIntervalSeconds: 100,
        },
      },
      { mode: 'local' },
    );
    expect(rolloutPollBudgetSeconds(request)).toBe(900 + 120 + 300 + 4 * 100);
  });

  it('is capped by the strategy’s maximum execution timeout when one is set', () => {
    const request = parseRolloutRequest(
      {
        ...base,
        strategy: { type: 'all-at-once', waitIntervalSeconds: 3600, maximumExecutionTimeoutSeconds: 600 },
      },
      { mode: 'local' },
    );
    expect(rolloutPollBudgetSeconds(request)).toBe(600 + 900);
  });
});
