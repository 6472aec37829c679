import ICAL from 'ical.js';
import { type LocalDateTime, toInstant, toLocal, wallClockAsUtcMs } from './local-time.js';

/**
 * A release that repeats: an RFC 5545 RRULE over wall-clock time, with skipped (EXDATE) and
 * extra (RDATE) occurrences. Recurrence is evaluated in local time, so "weekly at 00:00 JST" or
 * "weekly at 09:00 in New York" stays at that wall time across daylight-saving changes.
 */
export interface Recurrence {
  readonly rrule: string;
  readonly exdates: readonly LocalDateTime[];
  readonly rdates: readonly LocalDateTime[];
}

// Sub-hourly releases are not a thing; a stray FREQ=MINUTELY would expand to half a million
// occurrences a year and is far more likely a typo.
const REFUSED_FREQUENCIES = new Set(['SECONDLY', 'MINUTELY']);

/**
 * Checks an RRULE value (`FREQ=WEEKLY;BYDAY=SU`, with or without a leading `RRULE:`).
 * Returns a message saying what is wrong, or undefined when ical.js accepts it.
 */
export function rruleProblem(text: string): string | undefined {
  try {
    const recur = ICAL.Recur.fromString(stripRrulePrefix(text));
    if (!recur.freq) return 'must set FREQ, e.g. FREQ=WEEKLY;BYDAY=SU';
    if (REFUSED_FREQUENCIES.has(recur.freq)) return `FREQ=${recur.freq} is too frequent for a release`;
    recur
      .iterator(ICAL.Time.fromData({ year: 2000, month: 1, day: 1, hour: 0, minute: 0, second: 0 }))
      .next();
    return undefined;
  } catch (error) {
    return `is not a valid RRULE: ${(error as Error).message}`;
  }
}

function stripRrulePrefix(text: string): string {
  return text.trim().replace(/^RRULE:/i, '');
}

const DAY_MS = 86_400_000;

/** Why an expansion stopped early. */
export class RecurrenceLimitError extends Error {
  override readonly name = 'RecurrenceLimitError';
}

/** One occurrence: its wall time, its instant, and its position counted from the first occurrence. */
export interface Occurrence {
  readonly local: LocalDateTime;
  readonly epochMs: number;
  readonly index: number;
}

/**
 * The instants (epoch ms) at which a release happens within [fromMs, untilMs], with their
 * wall-clock times. Without a recurrence there is one candidate: the start itself.
 *
 * The expansion walks from the first occurrence, so `maxSteps` bounds the work for a rule that
 * started long ago or repeats often.
 *
 * @throws RecurrenceLimitError when more than `maxSteps` occurrences come before `untilMs`;
 *   callers turn it into a ValidationError naming the rule.
 */
export function expandOccurrences(
  start: LocalDateTime,
  zone: string,
  recurrence: Recurrence | undefined,
  window: { readonly fromMs: number; readonly untilMs: number },
  maxSteps = 50_000,
): Occurrence[] {
  const inWindow = (epochMs: number) => epochMs >= window.fromMs && epochMs <= window.untilMs;
  if (recurrence === undefined) {
    const epochMs = toInstant(start, zone).epochMs;
    return inWindow(epochMs) ? [{ local: start, epochMs, index: 0 }] : [];
  }
  const iterator = new ICAL.Event(recurringEvent(start, zone, recurrence)).iterator();
  const occurrences: Occurrence[] = [];
  for (let index = 0; index < maxSteps; index++) {
    const next = iterator.next();
    if (!next) return occurrences;
    const local: LocalDateTime = {
      year: next.year,
      month: next.month,
      day: next.day,
      hour: next.hour,
      minute: next.minute,
      second: next.second,
    };
    // Every UTC offset is within ±14 h, so a wall time read as UTC that is more than a day
    // outside the window is outside it in any zone: skip the (costly) zone conversion.
    const wallAsUtcMs = wallClockAsUtcMs(local);
    if (wallAsUtcMs < window.fromMs - DAY_MS) continue;
    if (wallAsUtcMs > window.untilMs + DAY_MS) return occurrences;
    const epochMs = toInstant(local, zone).epochMs;
    if (epochMs > window.untilMs) return occurrences;
    if (inWindow(epochMs)) occurrences.push({ local, epochMs, index });
  }
  throw new RecurrenceLimitError(`expands to more than ${maxSteps} occurrences before the horizon`);
}

// ical.js does the RFC 5545 expansion (DTSTART counts as the first occurrence, COUNT, BYxxx,
// EXDATE, RDATE); warmgate only converts each wall time to an instant with the IANA zone, because
// ical.js knows time zones only from VTIMEZONE blocks that many calendars leave out.
function recurringEvent(start: LocalDateTime, zone: string, recurrence: Recurrence): ICAL.Component {
  const vevent = new ICAL.Component('vevent');
  vevent.addPropertyWithValue('dtstart', floating(start));
  const recur = ICAL.Recur.fromString(stripRrulePrefix(recurrence.rrule));
  if (recur.until?.zone === ICAL.Timezone.utcTimezone) {
    // A UTC UNTIL compared with floating wall times would be off by the zone's offset.
    recur.until = floating(toLocal(recur.until.toJSDate().getTime(), zone));
  }
  vevent.addPropertyWithValue('rrule', recur);
  for (const exdate of recurrence.exdates) vevent.addPropertyWithValue('exdate', floating(exdate));
  for (const rdate of recurrence.rdates) vevent.addPropertyWithValue('rdate', floating(rdate));
  return vevent;
}

function floating(local: LocalDateTime): ICAL.Time {
  return ICAL.Time.fromData({ ...local, isDate: false });
}
