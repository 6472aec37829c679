import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { nextFireTime, parseScheduleExpression } from '../../../local/schedule-expression.js';

const utc = (iso: string) => DateTime.fromISO(iso, { zone: 'UTC' }).toMillis();
const inZone = (ms: number | undefined, zone: string) =>
  ms === undefined ? undefined : DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd'T'HH:mm");

describe('parseScheduleExpression', () => {
  it('reads at() in the given time zone', () => {
    const at = parseScheduleExpression('at(2026-12-05T00:00:00)', 'Asia/Tokyo');
    expect(at).toEqual({ kind: 'at', at: utc('2026-12-04T15:00:00'), zone: 'Asia/Tokyo' });
  });

  it('refuses an unknown time zone, a malformed rate and cron features it does not have', () => {
    expect(() => parseScheduleExpression('at(2026-12-05T00:00:00)', 'Mars/Olympus')).toThrow(/Timezone/);
    expect(() => parseScheduleExpression('rate(5 minute)')).toThrow(/plural/);
    expect(() => parseScheduleExpression('cron(0 12 L * ? *)')).toThrow(/not supported/);
    expect(() => parseScheduleExpression('cron(0 12 * * * *)')).toThrow(/exactly one/);
  });
});

describe('nextFireTime', () => {
  it('fires at() once, only while it is in the future', () => {
    const at = parseScheduleExpression('at(2026-12-05T00:00:00)');
    expect(nextFireTime(at, utc('2026-12-04T23:00:00'), 0)).toBe(utc('2026-12-05T00:00:00'));
    expect(nextFireTime(at, utc('2026-12-05T00:00:00'), 0)).toBeUndefined();
  });

  it('fires rate() one interval after its anchor and every interval after that', () => {
    const rate = parseScheduleExpression('rate(15 minutes)');
    const anchor = utc('2026-01-01T00:00:00');
    expect(nextFireTime(rate, anchor, anchor)).toBe(utc('2026-01-01T00:15:00'));
    expect(nextFireTime(rate, utc('2026-01-01T00:31:00'), anchor)).toBe(utc('2026-01-01T00:45:00'));
  });

  it('fires cron() at local wall time across a daylight-saving change', () => {
    const cron = parseScheduleExpression('cron(30 8 ? * MON-FRI *)', 'America/New_York');
    // Friday 2026-03-06, then the DST switch on Sunday 2026-03-08: Monday is still 08:30 local.
    const friday = nextFireTime(cron, utc('2026-03-06T00:00:00'), 0);
    expect(inZone(friday, 'America/New_York')).toBe('2026-03-06T08:30');
    expect(inZone(nextFireTime(cron, friday as number, 0), 'America/New_York')).toBe('2026-03-09T08:30');
  });

  it('reads AWS day-of-week numbers with 1 as Sunday', () => {
    const cron = parseScheduleExpression('cron(0 0 ? * 1 *)');
    expect(
      DateTime.fromMillis(nextFireTime(cron, utc('2026-03-02T00:00:00'), 0) as number, { zone: 'UTC' })
        .weekday,
    ).toBe(7);
  });

  it('honours the year field and lists of values', () => {
    const cron = parseScheduleExpression('cron(0,30 12 1 JAN,JUL ? 2027)');
    expect(inZone(nextFireTime(cron, utc('2026-06-01T00:00:00'), 0), 'UTC')).toBe('2027-01-01T12:00');
  });
});
