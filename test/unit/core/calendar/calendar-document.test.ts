import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type CalendarIssue, parseCalendarDocument } from '../../../../core/calendar/calendar-document.js';
import { expandReleases } from '../../../../core/calendar/expand-releases.js';
import { refusedIssues } from '../refused.js';

const example = (name: string) =>
  readFileSync(new URL(`../../../../examples/${name}`, import.meta.url), 'utf8');

function problems(text: string, format: 'yaml' | 'json' = 'yaml'): CalendarIssue[] {
  return refusedIssues(() => parseCalendarDocument(text, format));
}

const endpoint = 'endpoints:\n  manga-recs: { floor: 2, max: 8, perInstanceCapacity: 80 }\n';

describe('parseCalendarDocument', () => {
  it('reads the example YAML calendar with its settings and tiers resolved', () => {
    const calendar = parseCalendarDocument(example('calendar.yaml'), 'yaml');
    expect(calendar.endpoints['manga-recs']).toEqual({
      endpoint: 'manga-recs',
      floor: 2,
      max: 8,
      perInstanceCapacity: 80,
      provisioningSeconds: 720,
    });
    expect(calendar.planner).toEqual({ headroom: 1.25, leadMarginSeconds: 600 });
    const onePiece = calendar.releases.find((release) => release.id === 'one-piece');
    expect(onePiece).toMatchObject({ timezone: 'Asia/Tokyo', peakRequestsPerSecond: 480, holdSeconds: 7200 });
  });

  it('reads the JSON example the same way as YAML', () => {
    const calendar = parseCalendarDocument(example('calendar.json'), 'json');
    // Weekly without an end, like the YAML example, so that it plans releases today too.
    const releases = expandReleases(calendar, {
      fromMs: Date.parse('2025-05-01T00:00:00Z'),
      untilMs: Date.parse('2025-06-23T00:00:00Z'),
    });
    expect(releases.map((release) => release.id)).toEqual([
      'one-piece-20250601T0000',
      'one-piece-20250608T0000',
      'chainsaw-man-us-simulpub',
      'one-piece-20250615T0000',
      'one-piece-20250622T0000',
    ]);
  });

  it('lists every problem with its line when a calendar has several', () => {
    const text = [
      'endpoints:', //                                                  1
      '  manga-recs: { floor: 1, max: 8, perInstanceCapacity: 80 }', // 2
      'releases:', //                                                   3
      '  - id: op', //                                                  4
      '    series: One Piece', //                                       5
      '    localTime: 2025-06-01T00:00', //                             6
      '    endpoints: [manga-recz]', //                                 7
      '    peak: huge', //                                              8
      '    holdMinutes: 120', //                                        9
      '  - id: op', //                                                 10
      '    series: Special', //                                        11
      '    localTime: 2025-06-01 00:00', //                            12
      '    timezone: Asia/Tokio', //                                   13
      '    endpoints: [manga-recs]', //                                14
      '    peak: 100', //                                              15
      '    holdMinutes: 60', //                                        16
      '    timzone: Asia/Tokyo', //                                    17
    ].join('\n');
    expect(problems(text).map(({ field, line }) => ({ field, line }))).toEqual([
      { field: 'endpoints.manga-recs.floor', line: 2 },
      { field: 'releases.0.timezone', line: 4 },
      { field: 'releases.1.timezone', line: 13 },
      { field: 'releases.1.timzone', line: 17 },
      { field: 'releases.0.endpoints.0', line: 7 },
      { field: 'releases.0.peak.tier', line: 8 },
      { field: 'releases.1.id', line: 10 },
    ]);
  });

  it('says a missing timezone is required and names the field', () => {
    const text = `${endpoint}releases:\n  - { id: a, series: S, localTime: 2025-06-01T00:00, endpoints: [manga-recs], peak: 10, holdMinutes: 5 }\n`;
    const [problem] = problems(text);
    expect(problem?.field).toBe('releases.0.timezone');
    expect(problem?.message).toMatch(/is required: an IANA timezone/);
    expect(problem?.line).toBe(4);
  });

  it('refuses a local time the clocks skip when the release is one-off', () => {
    const text = `${endpoint}releases:\n  - { id: a, series: S, localTime: 2025-03-09T02:30, timezone: America/New_York, endpoints: [manga-recs], peak: 10, holdMinutes: 5 }\n`;
    expect(problems(text)[0]?.message).toMatch(/does not exist in America\/New_York/);
  });

  it('refuses a max below the floor and an RRULE without FREQ', () => {
    const text = `endpoints:\n  e1: { floor: 4, max: 3, perInstanceCapacity: 1 }\nreleases:\n  - { id: a, series: S, localTime: 2025-06-01T00:00, timezone: UTC, repeat: BYDAY=SU, endpoints: [e1], peak: 1, holdMinutes: 5 }\n`;
    expect(problems(text).map((problem) => problem.field)).toEqual(['releases.0.repeat', 'endpoints.e1.max']);
  });

  it('gives the line of a YAML syntax error and of a duplicated key', () => {
    expect(problems('endpoints: {}\nreleases: [\n  - a\n')[0]).toMatchObject({ field: '(yaml)' });
    expect(problems('endpoints: {}\nreleases: []\nendpoints: {}\n')[0]).toMatchObject({
      field: '(yaml)',
      line: 3,
    });
  });

  it('gives the line of a JSON syntax error and of a JSON field problem', () => {
    expect(problems('{\n  "endpoints": {},\n}', 'json')[0]).toMatchObject({ field: '(json)', line: 3 });
    const field = problems(
      '{\n  "endpoints": {\n    "e": { "max": "8", "perInstanceCapacity": 1 }\n  }\n}',
      'json',
    );
    expect(field[0]).toMatchObject({ field: 'endpoints.e.max', line: 3 });
  });
});
