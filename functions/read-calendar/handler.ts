import * as z from 'zod';
import type { NormalizedCalendar } from '../../core/calendar/normalized-calendar.js';
import { ValidationError } from '../../core/errors.js';
import type { CalendarSource } from '../../core/ports/prewarm-schedules.js';
import { readCalendar } from '../../core/prewarm/read-calendar.js';
import { parseOrThrow } from '../../core/validation.js';
import { calendarSource } from '../adapters/calendar-sources.js';
import { lambdaHandler } from '../shared/lambda-handler.js';
import { modeVars, readConfig } from '../shared/runtime-config.js';
import { lambdaS3Objects } from '../shared/s3-objects-deps.js';

export interface ReadCalendarDeps {
  /** The calendar to read for this event: the configured one, or one the event names. */
  source(event: ReadEvent): CalendarSource;
  readonly horizonDays: number;
  readonly now: () => number;
}

const url = z
  .string()
  .regex(/^(s3|file):\/\//, 'must be s3://BUCKET/KEY or file:///PATH')
  .optional();

/**
 * The `warmgate-calendar-sync` execution input: empty from the hourly rule and the calendar
 * upload rule (the calendar is CALENDAR_URL), or naming a calendar to read. Parsed, not cast: an
 * execution started by hand with `{"calendarUrl": 7}` is refused naming the field.
 */
const readEventSchema = z.object({ calendarUrl: url, warmupUrl: url });
export type ReadEvent = z.output<typeof readEventSchema>;

const readVars = {
  ...modeVars,
  // Optional: an execution may name the calendar itself.
  CALENDAR_URL: url,
  WARMUP_URL: url,
  HORIZON_DAYS: z.coerce.number().int().min(1).max(60).default(14),
};

/**
 * The first step of `warmgate-calendar-sync`: reads and parses the calendar, expands its releases
 * over the horizon, and hands the normalized calendar to sync-schedules. It holds the calendar
 * parsers (yaml, ical.js) and the small S3 client, and no Scheduler, Step Functions or CloudWatch
 * client: that split keeps both Lambdas within issue 4's 400 KiB.
 */
export function makeHandler(deps: ReadCalendarDeps) {
  return lambdaHandler('read-calendar', async (event: unknown): Promise<NormalizedCalendar> => {
    const request = parseOrThrow(readEventSchema, event ?? {});
    return readCalendar(deps.source(request), { horizonDays: deps.horizonDays }, deps.now());
  });
}

export function defaultDeps(): ReadCalendarDeps {
  const config = readConfig(readVars);
  return {
    source: (event) => {
      const calendarUrl = event.calendarUrl ?? config.CALENDAR_URL;
      if (!calendarUrl)
        throw ValidationError.field('calendarUrl', 'no calendar in the event and CALENDAR_URL is unset');
      return calendarSource(
        config.WARMGATE_MODE,
        lambdaS3Objects,
        calendarUrl,
        event.warmupUrl ?? config.WARMUP_URL,
      );
    },
    horizonDays: config.HORIZON_DAYS,
    now: Date.now,
  };
}

export const handler = makeHandler(defaultDeps());
