import { describe, expect, it } from 'vitest';
import type { Calendar, ReleaseRule } from '../../../../core/calendar/calendar.js';
import { expandReleases } from '../../../../core/calendar/expand-releases.js';
import { parseLocalDateTime } from '../../../../core/calendar/local-time.js';
import { ValidationError } from '../../../../core/errors.js';
import type { EndpointName } from '../../../../core/names.js';

const local = (text: string) => parseLocalDateTime(text) ?? (undefined as never);

function calendarOf(...rules: Partial<ReleaseRule>[]): Calendar {
  return {
    endpoints: {},
    tiers: {},
    planner: { headroom: 1, leadMarginSeconds: 0 },
    releases: rules.map((rule, index) => ({
      id: `r${index}`,
      series: 'S',
      start: local('2025-06-01T00:00'),
      timezone: 'Asia/Tokyo',
      endpoints: ['manga-recs' as EndpointName],
      peakRequestsPerSecond: 100,
      holdSeconds: 3600,
      source: `releases.${index}`,
      ...rule,
    })),
  };
}

const utc = (ms: number) => new Date(ms).toISOString();
const window = (from: string, until: string) => ({ fromMs: Date.parse(from), untilMs: Date.parse(until) });

describe('expandReleases', () => {
  it('expands a weekly Sunday 00:00 JST rule to Saturday 15:00 UTC every week', () => {
    const calendar = calendarOf({
      chapter: 1150,
      recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=SU', exdates: [], rdates: [] },
    });
    const releases = expandReleases(calendar, window('2025-06-01T00:00:00Z', '2025-06-30T00:00:00Z'));
    expect(releases.map((release) => [release.id, utc(release.releaseAtMs), release.chapter])).toEqual([
      ['r0-20250608T0000', '2025-06-07T15:00:00.000Z', 1151],
      ['r0-20250615T0000', '2025-06-14T15:00:00.000Z', 1152],
      ['r0-20250622T0000', '2025-06-21T15:00:00.000Z', 1153],
      ['r0-20250629T0000', '2025-06-28T15:00:00.000Z', 1154],
    ]);
  });

  it('keeps a release whose hold window is still open at the start of the window', () => {
    const calendar = calendarOf({ recurrence: { rrule: 'FREQ=WEEKLY', exdates: [], rdates: [] } });
    const releases = expandReleases(calendar, window('2025-05-31T15:30:00Z', '2025-06-01T00:00:00Z'));
    expect(releases.map((release) => release.id)).toEqual(['r0-20250601T0000']);
  });

  it('keeps a New York weekly release at 11:00 local across the November change', () => {
    const calendar = calendarOf({
      start: local('2025-10-22T11:00'),
      timezone: 'America/New_York',
      recurrence: { rrule: 'FREQ=WEEKLY;COUNT=4', exdates: [], rdates: [] },
    });
    const releases = expandReleases(calendar, window('2025-10-01T00:00:00Z', '2025-12-01T00:00:00Z'));
    expect(releases.map((release) => [release.localTime, utc(release.releaseAtMs)])).toEqual([
      ['2025-10-22T11:00:00', '2025-10-22T15:00:00.000Z'],
      ['2025-10-29T11:00:00', '2025-10-29T15:00:00.000Z'],
      ['2025-11-05T11:00:00', '2025-11-05T16:00:00.000Z'],
      ['2025-11-12T11:00:00', '2025-11-12T16:00:00.000Z'],
    ]);
  });

  it('skips EXDATE occurrences and honours a UTC UNTIL in the rule’s own zone', () => {
    const calendar = calendarOf({
      recurrence: {
        // 2025-06-22 00:00 JST is 2025-06-21T15:00Z: exactly UNTIL, so it is the last one.
        rrule: 'FREQ=WEEKLY;UNTIL=20250621T150000Z',
        exdates: [local('2025-06-08T00:00')],
        rdates: [],
      },
    });
    const releases = expandReleases(calendar, window('2025-05-01T00:00:00Z', '2026-01-01T00:00:00Z'));
    expect(releases.map((release) => release.localTime.slice(0, 10))).toEqual([
      '2025-06-01',
      '2025-06-15',
      '2025-06-22',
    ]);
  });

  it('refuses to expand a rule with more occurrences than the limit before the horizon', () => {
    const calendar = calendarOf({
      start: local('1900-01-01T00:00'),
      recurrence: { rrule: 'FREQ=HOURLY', exdates: [], rdates: [] },
    });
    expect(() => expandReleases(calendar, window('2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z'))).toThrow(
      ValidationError,
    );
  });
});
