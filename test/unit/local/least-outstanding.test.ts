import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pickLeastOutstanding } from '../../../local/hosting/least-outstanding.js';

const idle = { routable: true, outstanding: 0 };

describe('pickLeastOutstanding', () => {
  it('chooses the instance with the fewest requests in flight when loads differ', () => {
    const candidates = [
      { routable: true, outstanding: 3 },
      { routable: true, outstanding: 1 },
      { routable: true, outstanding: 2 },
    ];
    expect(pickLeastOutstanding(candidates, 0)).toBe(1);
    expect(pickLeastOutstanding(candidates, 2)).toBe(1);
  });

  it('never chooses an instance whose latest /ping failed, even when it is idle', () => {
    const candidates = [
      { routable: false, outstanding: 0 },
      { routable: true, outstanding: 5 },
    ];
    expect(pickLeastOutstanding(candidates, 0)).toBe(1);
  });

  it('shares sequential traffic round-robin when instances are equally idle', () => {
    const candidates = [idle, idle, idle];
    expect([0, 1, 2, 3].map((cursor) => pickLeastOutstanding(candidates, cursor))).toEqual([0, 1, 2, 0]);
  });

  it('returns -1 when no instance may take traffic', () => {
    expect(pickLeastOutstanding([], 0)).toBe(-1);
    expect(pickLeastOutstanding([{ routable: false, outstanding: 0 }], 0)).toBe(-1);
  });

  it('never routes to an instance that may not take traffic, whatever the fleet and cursor', () => {
    // `routable` is true only for an instance whose /ping passed and whose latest probe did
    // (local/hosting/instance.ts sets 'in-service' only on a passing probe).
    const candidate = fc.record({ routable: fc.boolean(), outstanding: fc.nat({ max: 50 }) });
    fc.assert(
      fc.property(fc.array(candidate, { maxLength: 12 }), fc.nat({ max: 100 }), (candidates, cursor) => {
        const picked = pickLeastOutstanding(candidates, cursor);
        const routable = candidates.filter((c) => c.routable);
        if (routable.length === 0) return picked === -1;
        const chosen = candidates[picked];
        return (
          chosen?.routable === true && chosen.outstanding === Math.min(...routable.map((c) => c.outstanding))
        );
      }),
      { numRuns: 500 },
    );
  });
});
