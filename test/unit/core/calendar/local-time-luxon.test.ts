import fc from 'fast-check';
import { DateTime, IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  isIanaRegionZone,
  type LocalDateTime,
  parseLocalDateTime,
  toInstant,
  toLocal,
} from '../../../../core/calendar/local-time.js';

// core/calendar/local-time.ts reads zones through Intl alone; it used luxon until the Lambda
// bundles dropped it. luxon stays in the CLI and the local region, so it serves here as the
// oracle: every answer must be the one the luxon-based module gave.

/** Zones with daylight saving in either hemisphere, half-hour and 45-minute offsets, and none. */
const ZONES = [
  'UTC',
  'Asia/Tokyo',
  'America/New_York',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'Europe/London',
  'Europe/Dublin',
  'Europe/Berlin',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'Pacific/Auckland',
  'Pacific/Chatham',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'America/St_Johns',
  'Africa/Casablanca',
];

/** Zones of the list that keep one offset all year (Brazil dropped daylight saving in 2019). */
const WITHOUT_DST = new Set(['UTC', 'Asia/Tokyo', 'Asia/Kolkata', 'Asia/Kathmandu', 'America/Sao_Paulo']);

// 1970–2100: the tz database's modern rules, and every year a release calendar can name.
const instants = fc.integer({ min: 0, max: Date.UTC(2100, 0, 1) });
const zones = fc.constantFrom(...ZONES);

function luxonLocal(epochMs: number, zone: string): LocalDateTime {
  const { year, month, day, hour, minute, second } = DateTime.fromMillis(epochMs, { zone });
  return { year, month, day, hour, minute, second };
}

/** The luxon implementation of toInstant, kept verbatim as the reference. */
function luxonToInstant(local: LocalDateTime, zone: string) {
  const asUtcMs = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  const offsets = new Set(
    [-1, 0, 1].map((days) => DateTime.fromMillis(asUtcMs + days * 86_400_000, { zone }).offset),
  );
  const matches = [...offsets]
    .map((offsetMinutes) => asUtcMs - offsetMinutes * 60_000)
    .filter((epochMs) => {
      const t = luxonLocal(epochMs, zone);
      return JSON.stringify(t) === JSON.stringify(local);
    })
    .sort((a, b) => a - b);
  const [first] = matches;
  if (first === undefined) return { kind: 'gap', epochMs: DateTime.fromObject(local, { zone }).toMillis() };
  return { kind: matches.length > 1 ? 'ambiguous' : 'exact', epochMs: first };
}

/** Wall times within a few hours of each of the zone's offset changes in [from, to). */
function transitionsOf(zone: string, fromYear: number, toYear: number): number[] {
  const found: number[] = [];
  const hour = 3_600_000;
  let previous = DateTime.fromMillis(Date.UTC(fromYear, 0, 1), { zone }).offset;
  for (let t = Date.UTC(fromYear, 0, 1); t < Date.UTC(toYear, 0, 1); t += hour) {
    const offset = DateTime.fromMillis(t, { zone }).offset;
    if (offset !== previous) found.push(t);
    previous = offset;
  }
  return found;
}

describe('local-time against luxon', () => {
  it('gives the wall-clock time luxon gives for any instant in any zone', () => {
    fc.assert(
      fc.property(instants, zones, (epochMs, zone) => {
        expect(toLocal(epochMs, zone)).toEqual(luxonLocal(epochMs, zone));
      }),
      { numRuns: 2000 },
    );
  });

  it('converts any wall time to the instant and kind luxon gives', () => {
    fc.assert(
      fc.property(instants, zones, (epochMs, zone) => {
        const local = luxonLocal(epochMs, zone);
        expect(toInstant(local, zone)).toEqual(luxonToInstant(local, zone));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with luxon on every wall time around every daylight-saving change, 2024–2026', () => {
    const offsetsMinutes = fc.integer({ min: -180, max: 180 }).map((m) => m * 60_000);
    for (const zone of ZONES) {
      const changes = transitionsOf(zone, 2024, 2027);
      // Two changes a year, except where the zone keeps one offset all year.
      expect(changes.length, zone).toBe(WITHOUT_DST.has(zone) ? 0 : 6);
      for (const change of changes) {
        // The wall times that repeat, that are skipped, and those either side of them.
        fc.assert(
          fc.property(offsetsMinutes, (shift) => {
            const local = luxonLocal(change + shift, 'UTC');
            expect(toInstant(local, zone)).toEqual(luxonToInstant(local, zone));
          }),
          { numRuns: 60 },
        );
      }
    }
  });

  it('finds the gaps and repeats the example tests name, as luxon does', () => {
    const cases: Array<[string, string]> = [
      ['2025-03-09T02:30', 'America/New_York'],
      ['2025-11-02T01:30', 'America/New_York'],
      ['2025-03-30T02:30', 'Europe/Berlin'],
      ['2025-10-26T02:30', 'Europe/Berlin'],
      ['2025-10-05T02:15', 'Australia/Lord_Howe'],
      ['2025-04-06T01:45', 'Australia/Lord_Howe'],
      ['2025-06-01T00:00', 'Asia/Tokyo'],
    ];
    const kinds = cases.map(([text, zone]) => {
      const local = parseLocalDateTime(text);
      if (!local) throw new Error(`bad fixture ${text}`);
      const mine = toInstant(local, zone);
      expect(mine).toEqual(luxonToInstant(local, zone));
      return mine.kind;
    });
    expect(kinds).toEqual(['gap', 'ambiguous', 'gap', 'ambiguous', 'gap', 'ambiguous', 'exact']);
  });

  it('reads the same local times as valid or invalid as luxon did', () => {
    const field = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 2999 }),
        field(13),
        field(32),
        field(24),
        field(60),
        field(60),
        (year, month, day, hour, minute, second) => {
          const text = `${year}-${month}-${day}T${hour}:${minute}:${second}`;
          const local = parseLocalDateTime(text);
          const check = DateTime.fromObject(
            { year, month: +month, day: +day, hour: +hour, minute: +minute, second: +second },
            { zone: 'UTC' },
          );
          const luxonValid = check.isValid && check.day === +day && check.hour === +hour;
          expect(local !== undefined).toBe(luxonValid);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('accepts and refuses the same zone names as luxon', () => {
    const names = [
      ...ZONES,
      'Etc/UTC',
      'asia/tokyo',
      'America/Argentina/Buenos_Aires',
      'Asia/Tokio',
      'Mars/Olympus_Mons',
      'EST',
      'JST',
      'GMT+9',
      'Etc/GMT-9',
      '',
      '/',
    ];
    for (const zone of names) {
      const luxon =
        zone === 'UTC' || zone === 'Etc/UTC' || (zone.includes('/') && IANAZone.isValidZone(zone));
      expect(isIanaRegionZone(zone), zone).toBe(luxon);
    }
  });
});
