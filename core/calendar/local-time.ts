/**
 * Wall-clock times in IANA zones, on the runtime's own time-zone database (Intl.DateTimeFormat).
 * A date library would add nothing here but bundle weight: Intl already knows every zone and its
 * daylight-saving rules, and all warmgate needs from it is "which wall time is this instant" and
 * the way back, including the hour that daylight saving skips or repeats.
 */

/** A wall-clock time with no zone attached: what a publisher announces ("Sunday 00:00"). */
export interface LocalDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * Reads `YYYY-MM-DDTHH:MM[:SS]` (a space works in place of `T`). Returns undefined for anything
 * else, including a time with an offset: the zone belongs in the IANA `timezone` field, because a
 * fixed offset cannot follow daylight saving across a recurring release.
 */
export function parseLocalDateTime(text: string): LocalDateTime | undefined {
  const match = LOCAL_TIME.exec(text.trim());
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  // Refuse 2025-02-30 or 24:00 rather than let them roll over into the next month or day.
  const valid =
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59;
  return valid ? { year, month, day, hour, minute, second } : undefined;
}

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return [4, 6, 9, 11].includes(month) ? 30 : 31;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return leap ? 29 : 28;
}

/** `YYYY-MM-DDTHH:MM:SS`, the inverse of {@link parseLocalDateTime}. */
export function formatLocalDateTime(local: LocalDateTime): string {
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(local.year, 4)}-${pad(local.month)}-${pad(local.day)}T${pad(local.hour)}:${pad(local.minute)}:${pad(local.second)}`;
}

/**
 * True for zone names a release may use: an IANA region (`Asia/Tokyo`, `America/New_York`) or
 * UTC. Abbreviations that Intl happens to know (`EST`, `JST`) are refused: `EST` is a fixed
 * offset, so a New York release written with it would silently drift an hour every March.
 */
export function isIanaRegionZone(zone: string): boolean {
  if (zone === 'UTC' || zone === 'Etc/UTC') return true;
  return zone.includes('/') && formatterFor(zone) !== undefined;
}

/** The wall-clock time read as if it were UTC: a zone-free number for comparing wall times. */
export function wallClockAsUtcMs(local: LocalDateTime): number {
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
}

/** Where a wall-clock time falls in a zone. */
export type ZonedInstant =
  | { readonly kind: 'exact'; readonly epochMs: number }
  /** The time occurs twice (clocks fell back); `epochMs` is the earlier one, so capacity is warm for both. */
  | { readonly kind: 'ambiguous'; readonly epochMs: number }
  /** The time never occurs (clocks sprang forward); `epochMs` is the same wall time shifted forward, as RFC 5545 prescribes. */
  | { readonly kind: 'gap'; readonly epochMs: number };

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * Converts a wall-clock time in an IANA zone to an instant, saying when daylight saving makes
 * that time ambiguous or nonexistent. The zone must be valid ({@link isIanaRegionZone}).
 */
export function toInstant(local: LocalDateTime, zone: string): ZonedInstant {
  const asUtcMs = wallClockAsUtcMs(local);
  // A zone has at most two offsets around any wall time; the offsets a day either side find both.
  const offsets = [...new Set([-1, 0, 1].map((days) => offsetMinutes(asUtcMs + days * DAY_MS, zone)))];
  const matches = offsets
    .map((offset) => asUtcMs - offset * MINUTE_MS)
    .filter((epochMs) => wallClockAsUtcMs(toLocal(epochMs, zone)) === asUtcMs)
    .sort((a, b) => a - b);
  const [first] = matches;
  if (first === undefined) {
    // Skipped by a spring-forward: read with the offset in force before the change, which lands
    // the same distance past the jump as the wall time is past its start (02:30 → 03:30).
    return { kind: 'gap', epochMs: asUtcMs - Math.min(...offsets) * MINUTE_MS };
  }
  return { kind: matches.length > 1 ? 'ambiguous' : 'exact', epochMs: first };
}

/** The wall-clock time of `epochMs` in `zone`. */
export function toLocal(epochMs: number, zone: string): LocalDateTime {
  const formatter = formatterFor(zone);
  if (!formatter) throw new RangeError(`unknown time zone ${JSON.stringify(zone)}`);
  const fields: Record<string, number> = {};
  for (const part of formatter.formatToParts(epochMs)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const { year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0 } = fields;
  return { year, month, day, hour, minute, second };
}

/** The zone's UTC offset at `epochMs`, in minutes east of UTC (Tokyo +540, New York −300 or −240). */
function offsetMinutes(epochMs: number, zone: string): number {
  const wholeSecondMs = Math.floor(epochMs / 1000) * 1000;
  return (wallClockAsUtcMs(toLocal(wholeSecondMs, zone)) - wholeSecondMs) / MINUTE_MS;
}

// One formatter per zone: constructing an Intl.DateTimeFormat costs far more than formatting.
// Only known zones are kept, so a calendar full of misspelt ones cannot grow the cache.
const formatters = new Map<string, Intl.DateTimeFormat>();

/** A formatter giving the numeric wall-clock fields in `zone`, or undefined when Intl does not know it. */
function formatterFor(zone: string): Intl.DateTimeFormat | undefined {
  const cached = formatters.get(zone);
  if (cached) return cached;
  try {
    const formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      // h23: midnight is 00, never the 24 that `hour12: false` gives in some engines.
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
    return formatter;
  } catch {
    return undefined;
  }
}
