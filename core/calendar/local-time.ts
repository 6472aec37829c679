import { DateTime, IANAZone } from 'luxon';

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
  const local = { year, month, day, hour, minute, second };
  // Round-trip through UTC to refuse 2025-02-30 or 24:00 rather than let them roll over.
  const check = DateTime.fromObject(local, { zone: 'UTC' });
  return check.isValid && check.day === day && check.hour === hour ? local : undefined;
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
  return zone.includes('/') && IANAZone.isValidZone(zone);
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

/**
 * Converts a wall-clock time in an IANA zone to an instant, saying when daylight saving makes
 * that time ambiguous or nonexistent. The zone must be valid ({@link isIanaRegionZone}).
 */
export function toInstant(local: LocalDateTime, zone: string): ZonedInstant {
  const asUtcMs = wallClockAsUtcMs(local);
  // A zone has at most two offsets around any wall time; the offsets a day either side find both.
  const offsets = new Set(
    [-1, 0, 1].map((days) => DateTime.fromMillis(asUtcMs + days * 86_400_000, { zone }).offset),
  );
  const matches = [...offsets]
    .map((offsetMinutes) => asUtcMs - offsetMinutes * 60_000)
    .filter((epochMs) => sameWallTime(DateTime.fromMillis(epochMs, { zone }), local))
    .sort((a, b) => a - b);
  const [first] = matches;
  if (first === undefined) {
    return { kind: 'gap', epochMs: DateTime.fromObject(local, { zone }).toMillis() };
  }
  return { kind: matches.length > 1 ? 'ambiguous' : 'exact', epochMs: first };
}

function sameWallTime(time: DateTime, local: LocalDateTime): boolean {
  return (
    time.year === local.year &&
    time.month === local.month &&
    time.day === local.day &&
    time.hour === local.hour &&
    time.minute === local.minute &&
    time.second === local.second
  );
}

/** The wall-clock time of `epochMs` in `zone`. */
export function toLocal(epochMs: number, zone: string): LocalDateTime {
  const { year, month, day, hour, minute, second } = DateTime.fromMillis(epochMs, { zone });
  return { year, month, day, hour, minute, second };
}
