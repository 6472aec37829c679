import { describe, expect, it } from 'vitest';
import { isIanaRegionZone, parseLocalDateTime, toInstant } from '../../../../core/calendar/local-time.js';

const at = (text: string) => {
  const local = parseLocalDateTime(text);
  if (!local) throw new Error(`bad fixture ${text}`);
  return local;
};

describe('toInstant', () => {
  it('puts Sunday 00:00 JST at Saturday 15:00 UTC', () => {
    expect(toInstant(at('2025-06-01T00:00'), 'Asia/Tokyo')).toEqual({
      kind: 'exact',
      epochMs: Date.parse('2025-05-31T15:00:00Z'),
    });
  });

  it('moves the UTC instant by an hour when New York changes to daylight time', () => {
    const before = toInstant(at('2025-03-08T09:00'), 'America/New_York').epochMs;
    const after = toInstant(at('2025-03-09T09:00'), 'America/New_York').epochMs;
    expect(new Date(before).toISOString()).toBe('2025-03-08T14:00:00.000Z');
    expect(new Date(after).toISOString()).toBe('2025-03-09T13:00:00.000Z');
  });

  it('reports a wall time the spring-forward skips as a gap, shifted forward', () => {
    const gap = toInstant(at('2025-03-09T02:30'), 'America/New_York');
    expect(gap.kind).toBe('gap');
    expect(new Date(gap.epochMs).toISOString()).toBe('2025-03-09T07:30:00.000Z');
  });

  it('picks the earlier instant when the fall-back repeats a wall time', () => {
    const twice = toInstant(at('2025-11-02T01:30'), 'America/New_York');
    expect(twice).toEqual({ kind: 'ambiguous', epochMs: Date.parse('2025-11-02T05:30:00Z') });
  });
});

describe('parseLocalDateTime', () => {
  it('refuses impossible dates, offsets and zones written into the time', () => {
    expect(parseLocalDateTime('2025-02-30T00:00')).toBeUndefined();
    expect(parseLocalDateTime('2025-06-01T24:00')).toBeUndefined();
    expect(parseLocalDateTime('2025-06-01T00:00+09:00')).toBeUndefined();
    expect(parseLocalDateTime('2025-06-01T00:00Z')).toBeUndefined();
    expect(parseLocalDateTime('2025-06-01 00:00')).toEqual({
      year: 2025,
      month: 6,
      day: 1,
      hour: 0,
      minute: 0,
      second: 0,
    });
  });
});

describe('isIanaRegionZone', () => {
  it('accepts region names and UTC but refuses abbreviations that ignore daylight saving', () => {
    expect(isIanaRegionZone('Asia/Tokyo')).toBe(true);
    expect(isIanaRegionZone('America/Argentina/Buenos_Aires')).toBe(true);
    expect(isIanaRegionZone('UTC')).toBe(true);
    expect(isIanaRegionZone('EST')).toBe(false);
    expect(isIanaRegionZone('JST')).toBe(false);
    expect(isIanaRegionZone('Asia/Tokio')).toBe(false);
  });
});
