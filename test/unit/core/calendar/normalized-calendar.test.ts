import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MAX_NORMALIZED_CALENDAR_BYTES,
  parseNormalizedCalendar,
} from '../../../../core/calendar/normalized-calendar.js';
import { parseCalendar } from '../../../../core/calendar/parse-calendar.js';
import { normalizeCalendar } from '../../../../core/prewarm/read-calendar.js';

const EXAMPLE = readFileSync(join(import.meta.dirname, '../../../../examples/calendar.yaml'), 'utf8');
const NOW = Date.parse('2025-06-01T00:00:00Z');
const normalized = (yaml = EXAMPLE, days = 14) =>
  normalizeCalendar(parseCalendar(yaml, 'yaml'), {
    calendarUrl: 's3://warmgate-calendar/calendar.yaml',
    fromMs: NOW,
    untilMs: NOW + days * 86_400_000,
    smokeShapes: [],
  });

describe('normalized calendar', () => {
  it('survives the JSON trip between two states unchanged', () => {
    const calendar = normalized();
    expect(calendar.releases.length).toBeGreaterThan(1);
    expect(parseNormalizedCalendar(JSON.parse(JSON.stringify(calendar)))).toEqual(calendar);
  });

  it('refuses a hand-made input with a floor below 2 or an unknown endpoint, naming each field', () => {
    const calendar = JSON.parse(JSON.stringify(normalized())) as {
      endpoints: Record<string, { floor: number }>;
      releases: Array<{ endpoints: string[] }>;
    };
    const [name] = Object.keys(calendar.endpoints);
    (calendar.endpoints[name ?? ''] as { floor: number }).floor = 1;
    (calendar.releases[0] as { endpoints: string[] }).endpoints = ['nobody'];
    expect(() => parseNormalizedCalendar(calendar)).toThrow(
      new RegExp(
        `calendar\\.endpoints\\.${name}\\.floor: must be at least 2[\\s\\S]*calendar\\.releases\\.0\\.endpoints\\.0`,
      ),
    );
  });

  it('refuses a calendar whose releases in the horizon exceed what Step Functions passes between states', () => {
    const hourly = `version: 1
endpoints:
  manga-recs: { floor: 2, max: 8, perInstanceCapacity: 80 }
releases:
${Array.from(
  { length: 4 },
  (_, i) =>
    `  - { id: r${i}, series: Series ${i}, localTime: 2025-06-01T00:00, timezone: Asia/Tokyo, repeat: FREQ=HOURLY, endpoints: [manga-recs], peak: 100, holdMinutes: 30 }`,
).join('\n')}
`;
    expect(() => normalized(hourly, 60)).toThrow(
      new RegExp(
        `releases: \\d+ releases in the next 60 days make a \\d+ KiB .* over the ${MAX_NORMALIZED_CALENDAR_BYTES / 1024} KiB`,
      ),
    );
  });
});
