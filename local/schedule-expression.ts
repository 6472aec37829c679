import { DateTime, IANAZone } from 'luxon';
import { ValidationError } from '../core/errors.js';

/**
 * A parsed AWS schedule expression, as Application Auto Scaling's scheduled actions and
 * EventBridge Scheduler take them: `at(yyyy-mm-ddThh:mm:ss)`, `rate(N unit)` or the six-field
 * `cron(minutes hours day-of-month month day-of-week year)`, read in an IANA time zone.
 */
export type ScheduleExpression =
  | { readonly kind: 'at'; readonly at: number; readonly zone: string }
  | { readonly kind: 'rate'; readonly everyMs: number }
  | { readonly kind: 'cron'; readonly fields: CronFields; readonly zone: string };

interface CronFields {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  /** undefined = `?` (the day is chosen by the other day field). */
  readonly daysOfMonth: ReadonlySet<number> | undefined;
  readonly months: ReadonlySet<number>;
  /** Luxon weekdays, 1 = Monday … 7 = Sunday; undefined = `?`. */
  readonly daysOfWeek: ReadonlySet<number> | undefined;
  readonly years: ReadonlySet<number> | undefined;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const UNIT_MS: Readonly<Record<string, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/**
 * Parses `expression` in `timezone` (default UTC).
 *
 * @throws ValidationError naming `field` when the expression or the time zone is not valid, or
 *   uses a cron feature this parser does not have (`L`, `W`, `#`).
 */
export function parseScheduleExpression(
  expression: string,
  timezone = 'UTC',
  field = 'Schedule',
): ScheduleExpression {
  if (!IANAZone.isValidZone(timezone))
    throw ValidationError.field('Timezone', `"${timezone}" is not an IANA time zone`);
  const match = /^(at|rate|cron)\((.*)\)$/.exec(expression.trim());
  if (!match) throw ValidationError.field(field, 'must be at(...), rate(...) or cron(...)');
  const [, kind, body = ''] = match;
  if (kind === 'at') {
    const at = DateTime.fromISO(body, { zone: timezone });
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(body) || !at.isValid) {
      throw ValidationError.field(field, 'at() takes yyyy-mm-ddThh:mm:ss');
    }
    return { kind: 'at', at: at.toMillis(), zone: timezone };
  }
  if (kind === 'rate') {
    const rate = /^(\d+)\s+(minute|minutes|hour|hours|day|days)$/.exec(body.trim());
    const value = Number(rate?.[1]);
    if (!rate || value < 1)
      throw ValidationError.field(field, 'rate() takes a positive number and minute(s), hour(s) or day(s)');
    const unit = (rate[2] as string).replace(/s$/, '');
    if ((value === 1) !== (rate[2] === unit)) {
      throw ValidationError.field(field, 'rate() takes a singular unit for 1 and a plural one otherwise');
    }
    return { kind: 'rate', everyMs: value * (UNIT_MS[unit] as number) };
  }
  return { kind: 'cron', fields: parseCron(body, field), zone: timezone };
}

function parseCron(body: string, field: string): CronFields {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 6)
    throw ValidationError.field(
      field,
      'cron() takes six fields: minutes hours day-of-month month day-of-week year',
    );
  const [min, hour, dom, month, dow, year] = parts as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) {
    throw ValidationError.field(field, 'cron() needs ? in exactly one of day-of-month and day-of-week');
  }
  const weekdays = dow === '?' ? undefined : setOf(dow, 1, 7, field, DAYS, 1);
  return {
    minutes: setOf(min, 0, 59, field) as Set<number>,
    hours: setOf(hour, 0, 23, field) as Set<number>,
    daysOfMonth: dom === '?' ? undefined : setOf(dom, 1, 31, field),
    months: setOf(month, 1, 12, field, MONTHS, 1) as Set<number>,
    // AWS numbers days 1 = Sunday … 7 = Saturday; luxon uses 1 = Monday … 7 = Sunday.
    daysOfWeek: weekdays && new Set([...weekdays].map((d) => (d === 1 ? 7 : d - 1))),
    years: year === '*' ? undefined : setOf(year, 1970, 2199, field),
  };
}

function setOf(
  text: string,
  low: number,
  high: number,
  field: string,
  names?: readonly string[],
  nameBase = 0,
): Set<number> | undefined {
  if (text === '?') return undefined;
  const withoutNames = (names ?? []).reduce((rest, name) => rest.replaceAll(name, ''), text.toUpperCase());
  if (/[LW#]/.test(withoutNames)) {
    throw ValidationError.field(field, `cron() feature in "${text}" is not supported locally`);
  }
  const value = (token: string): number => {
    const named = names?.indexOf(token.toUpperCase()) ?? -1;
    const n = named >= 0 ? named + nameBase : Number(token);
    if (!Number.isInteger(n) || n < low || n > high) {
      throw ValidationError.field(field, `cron() value "${token}" must be ${low}-${high}`);
    }
    return n;
  };
  const out = new Set<number>();
  for (const item of text.split(',')) {
    const [range = '', stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1)
      throw ValidationError.field(field, `cron() step in "${item}" is invalid`);
    let from: number;
    let to: number;
    if (range === '*') {
      from = low;
      to = high;
    } else if (range.includes('-')) {
      const [a = '', b = ''] = range.split('-');
      from = value(a);
      to = value(b);
    } else {
      from = value(range);
      to = stepText === undefined ? from : high;
    }
    for (let n = from; n <= to; n += step) out.add(n);
  }
  return out;
}

/**
 * The first time the schedule fires strictly after `after` (ms), or undefined when it never
 * will. `anchor` is when a `rate()` schedule started counting (its first run is one interval
 * later).
 */
export function nextFireTime(
  schedule: ScheduleExpression,
  after: number,
  anchor: number,
): number | undefined {
  if (schedule.kind === 'at') return schedule.at > after ? schedule.at : undefined;
  if (schedule.kind === 'rate') {
    const elapsed = Math.max(0, after - anchor);
    return anchor + (Math.floor(elapsed / schedule.everyMs) + 1) * schedule.everyMs;
  }
  const { fields, zone } = schedule;
  let day = DateTime.fromMillis(after, { zone }).startOf('day');
  // Five years of days bounds the search; a cron that matches nothing in that span never fires.
  for (let n = 0; n < 5 * 366; n += 1, day = day.plus({ days: 1 }).startOf('day')) {
    if (fields.years && !fields.years.has(day.year)) continue;
    if (!fields.months.has(day.month)) continue;
    if (fields.daysOfMonth && !fields.daysOfMonth.has(day.day)) continue;
    if (fields.daysOfWeek && !fields.daysOfWeek.has(day.weekday)) continue;
    for (const hour of [...fields.hours].sort((a, b) => a - b)) {
      for (const minute of [...fields.minutes].sort((a, b) => a - b)) {
        const at = DateTime.fromObject(
          { year: day.year, month: day.month, day: day.day, hour, minute },
          { zone },
        );
        if (at.isValid && at.toMillis() > after && at.hour === hour) return at.toMillis();
      }
    }
  }
  return undefined;
}
