import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CalendarIssue } from '../../../../core/calendar/calendar-document.js';
import { expandReleases } from '../../../../core/calendar/expand-releases.js';
import { type IcsImportOptions, importIcs } from '../../../../core/calendar/ics-import.js';
import type { EndpointName } from '../../../../core/names.js';
import { refusedIssues } from '../refused.js';

const example = readFileSync(new URL('../../../../examples/calendar.ics', import.meta.url), 'utf8');

function ics(...events: string[][]): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//test//EN',
    ...events.flatMap((lines) => ['BEGIN:VEVENT', ...lines, 'END:VEVENT']),
    'END:VCALENDAR',
  ].join('\r\n');
}

const defaults: IcsImportOptions = {
  endpointDefaults: { max: 8, perInstanceCapacity: 80 },
  peakRequestsPerSecond: 100,
};

function problems(text: string, options: IcsImportOptions = defaults): CalendarIssue[] {
  return refusedIssues(() => importIcs(text, options));
}

const all = { fromMs: Date.parse('2025-01-01T00:00:00Z'), untilMs: Date.parse('2026-01-01T00:00:00Z') };

describe('importIcs', () => {
  it('reads the example: TZID, weekly RRULE, EXDATE, endpoint settings from the calendar itself', () => {
    const calendar = importIcs(example);
    expect(calendar.endpoints['manga-recs']).toMatchObject({ floor: 2, max: 8, perInstanceCapacity: 80 });
    const releases = expandReleases(calendar, {
      fromMs: Date.parse('2025-06-01T00:00:00Z'),
      untilMs: Date.parse('2025-07-10T00:00:00Z'),
    });
    expect(
      releases.map((release) => [release.id, release.chapter, new Date(release.releaseAtMs).toISOString()]),
    ).toEqual([
      ['one-piece-weekly-20250608T0000', 1151, '2025-06-07T15:00:00.000Z'],
      ['one-piece-weekly-20250615T0000', 1152, '2025-06-14T15:00:00.000Z'],
      ['one-piece-weekly-20250622T0000', 1153, '2025-06-21T15:00:00.000Z'],
      ['one-piece-weekly-20250706T0000', 1154, '2025-07-05T15:00:00.000Z'],
    ]);
    expect(releases[0]).toMatchObject({
      holdSeconds: 7200,
      peakRequestsPerSecond: 480,
      endpoints: ['manga-recs'],
    });
  });

  it('uses the default endpoint when an event has no X-WARMGATE-ENDPOINTS', () => {
    const text = ics([
      'UID:a',
      'SUMMARY:Special',
      'DTSTART;TZID=Asia/Tokyo:20250601T000000',
      'DURATION:PT1H',
    ]);
    const calendar = importIcs(text, { ...defaults, defaultEndpoints: ['manga-recs' as EndpointName] });
    expect(calendar.releases[0]?.endpoints).toEqual(['manga-recs']);
  });

  it('lists every bad event property with its line when the calendar is wrong', () => {
    const text = ics(
      [
        'UID:a',
        'SUMMARY:No zone',
        'DTSTART:20250601T000000',
        'DURATION:PT1H',
        'X-WARMGATE-ENDPOINTS:manga-recs',
      ],
      [
        'UID:b',
        'SUMMARY:Windows zone',
        'DTSTART;TZID=Tokyo Standard Time:20250601T000000',
        'DURATION:PT1H',
        'X-WARMGATE-ENDPOINTS:manga-recs',
      ],
      ['UID:c', 'SUMMARY:No endpoints', 'DTSTART;TZID=Asia/Tokyo:20250601T000000', 'DURATION:PT1H'],
      ['UID:d', 'SUMMARY:All day', 'DTSTART;VALUE=DATE:20250601', 'X-WARMGATE-ENDPOINTS:manga-recs'],
    );
    expect(problems(text).map(({ field, line }) => ({ field, line }))).toEqual([
      { field: 'events.0.DTSTART', line: 7 },
      { field: 'events.1.DTSTART', line: 14 },
      { field: 'events.2.X-WARMGATE-ENDPOINTS', line: 18 },
      { field: 'events.3.DTSTART', line: 27 },
      { field: 'events.3.DTEND', line: 24 },
    ]);
  });

  it('refuses an endpoint it has no settings for, naming the property', () => {
    const text = ics([
      'UID:a',
      'SUMMARY:S',
      'DTSTART;TZID=Asia/Tokyo:20250601T000000',
      'DURATION:PT1H',
      'X-WARMGATE-ENDPOINTS:manga-recs',
    ]);
    const [problem] = problems(text, { peakRequestsPerSecond: 10 });
    expect(problem?.field).toBe('events.0.X-WARMGATE-ENDPOINTS');
    expect(problem?.message).toMatch(/no settings for endpoint manga-recs/);
  });

  it('moves one occurrence and cancels another when RECURRENCE-ID events say so', () => {
    const master = [
      'UID:op@x',
      'SUMMARY:One Piece',
      'DTSTART;TZID=Asia/Tokyo:20250601T000000',
      'DURATION:PT2H',
      'RRULE:FREQ=WEEKLY;COUNT=3',
      'X-WARMGATE-ENDPOINTS:manga-recs',
    ];
    const moved = [
      'UID:op@x',
      'RECURRENCE-ID;TZID=Asia/Tokyo:20250608T000000',
      'DTSTART;TZID=Asia/Tokyo:20250609T000000',
      'DURATION:PT2H',
    ];
    const cancelled = [
      'UID:op@x',
      'RECURRENCE-ID;TZID=Asia/Tokyo:20250615T000000',
      'DTSTART;TZID=Asia/Tokyo:20250615T000000',
      'STATUS:CANCELLED',
    ];
    const releases = expandReleases(importIcs(ics(master, moved, cancelled), defaults), all);
    expect(releases.map((release) => [release.id, release.localTime])).toEqual([
      ['op-20250601T0000', '2025-06-01T00:00:00'],
      ['op-20250608T0000', '2025-06-09T00:00:00'],
    ]);
  });

  it('takes the hold from the event duration and the zone from a UTC start', () => {
    const text = ics([
      'UID:a',
      'SUMMARY:S',
      'DTSTART:20250601T150000Z',
      'DTEND:20250601T163000Z',
      'X-WARMGATE-ENDPOINTS:e1',
    ]);
    const [release] = importIcs(text, defaults).releases;
    expect(release).toMatchObject({ timezone: 'UTC', holdSeconds: 5400 });
  });

  it('gives the line of an unparsable line', () => {
    const text = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'GARBAGE', 'END:VCALENDAR'].join('\r\n');
    expect(problems(text)[0]).toMatchObject({ field: '(ics)', line: 3 });
  });

  it('refuses calendar-level settings that break the floor rule', () => {
    const text = ics([
      'UID:a',
      'SUMMARY:S',
      'DTSTART:20250601T150000Z',
      'DURATION:PT1H',
      'X-WARMGATE-ENDPOINTS:e1',
    ]).replace(
      'PRODID:-//test//EN',
      'PRODID:-//test//EN\r\nX-WARMGATE-FLOOR:1\r\nX-WARMGATE-MAX:8\r\nX-WARMGATE-CAPACITY-RPS:80',
    );
    const fields = problems(text, { peakRequestsPerSecond: 10 }).map((problem) => problem.field);
    expect(fields).toContain('defaults.floor');
  });
});
