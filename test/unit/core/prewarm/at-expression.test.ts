import { describe, expect, it } from 'vitest';
import { atExpression, atInstant } from '../../../../core/prewarm/calendar-sync.js';

describe('atExpression', () => {
  it('writes the raise as wall-clock time in the release zone when that names one instant', () => {
    const raise = Date.parse('2026-11-28T14:40:00Z');
    expect(atExpression(raise, 'Asia/Tokyo')).toEqual({
      expression: 'at(2026-11-28T23:40:00)',
      timezone: 'Asia/Tokyo',
    });
    expect(atInstant('at(2026-11-28T23:40:00)', 'Asia/Tokyo')).toBe(raise);
  });

  it('falls back to UTC when the local time repeats as daylight saving ends', () => {
    // 01:30 happens twice in New York on 2025-11-02; written locally, it would fire an hour late.
    const raise = Date.parse('2025-11-02T05:30:00Z');
    const at = atExpression(raise, 'America/New_York');
    expect(at).toEqual({ expression: 'at(2025-11-02T05:30:00)', timezone: 'UTC' });
    expect(atInstant(at.expression, at.timezone)).toBe(raise);
  });
});
