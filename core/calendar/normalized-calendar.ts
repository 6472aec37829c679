import * as z from 'zod';
import { ValidationError } from '../errors.js';
import { floorSchema } from '../floor.js';
import { endpointNameSchema } from '../names.js';
import type { SmokeShape } from '../rollout/rollout-plan.js';
import { parseOrThrow } from '../validation.js';
import type { EndpointSettings, PlannerSettings, Release } from './calendar.js';
import { isIanaRegionZone } from './local-time.js';

/**
 * A calendar as the read-calendar Lambda hands it to sync-schedules through the
 * `warmgate-calendar-sync` state machine: parsed, validated, and its recurring releases expanded
 * into the concrete releases of one planning window. Plain JSON, so that the Lambda that plans and
 * schedules needs neither the YAML parser nor the RRULE engine (ical.js): those two made the single
 * calendar-sync Lambda 566 KiB, over issue 4's 400 KiB.
 */
export interface NormalizedCalendar {
  readonly version: 1;
  /** Where it was read (`s3://…`, `file://…`): what the published plan names as its calendar. */
  readonly calendarUrl: string;
  /** The window the releases were expanded for (epoch ms): read time to read time + horizon. */
  readonly fromMs: number;
  readonly untilMs: number;
  readonly endpoints: Readonly<Record<string, EndpointSettings>>;
  readonly planner: PlannerSettings;
  /** Every release whose hold is open at `fromMs` and that happens by `untilMs`, in time order. */
  readonly releases: readonly Release[];
  /** The warmup manifest's shapes, sent as the pre-warm smoke test; empty without a manifest. */
  readonly smokeShapes: readonly SmokeShape[];
}

/**
 * The largest normalized calendar read-calendar hands on, in UTF-8 bytes of its JSON. Step
 * Functions refuses a state output over 256 KiB (the execution then fails with
 * States.DataLimitExceeded, naming no field); the margin leaves room for the error a Catch adds.
 * What bounds the size is the number of concrete releases in the horizon (about 300 bytes each:
 * ~600 releases in 14 days) plus the smoke-shape bodies.
 */
export const MAX_NORMALIZED_CALENDAR_BYTES = 200 * 1024;

/**
 * Refuses a normalized calendar too large to pass between two states, naming what makes it large.
 *
 * @throws ValidationError naming `releases` with the count, the size and what to narrow.
 */
export function assertPassable(calendar: NormalizedCalendar): NormalizedCalendar {
  const bytes = new TextEncoder().encode(JSON.stringify(calendar)).length;
  if (bytes > MAX_NORMALIZED_CALENDAR_BYTES) {
    const days = Math.round((calendar.untilMs - calendar.fromMs) / 86_400_000);
    throw ValidationError.field(
      'releases',
      `${calendar.releases.length} releases in the next ${days} days make a ${Math.ceil(bytes / 1024)} KiB plan input, over the ${MAX_NORMALIZED_CALENDAR_BYTES / 1024} KiB that Step Functions can pass between states: shorten HORIZON_DAYS, or repeat releases less often`,
    );
  }
  return calendar;
}

const epochMs = z.number({ error: 'must be epoch milliseconds' }).int('must be a whole number').nonnegative();
const positive = (what: string) =>
  z.number({ error: `must be ${what}` }).positive(`must be more than 0 ${what}`);

// A cheap re-check of what read-calendar produced (no parser runs here): a state machine input can
// be started by hand, and a floor below 2 or an unknown zone must not reach the planner.
const normalizedCalendarSchema = z
  .strictObject({
    version: z.literal(1, 'must be 1'),
    calendarUrl: z.string().regex(/^(s3|file):\/\//, 'must be s3://BUCKET/KEY or file:///PATH'),
    fromMs: epochMs,
    untilMs: epochMs,
    endpoints: z.record(
      z.string(),
      z.strictObject({
        endpoint: endpointNameSchema,
        floor: floorSchema,
        max: z.number().int('must be a whole number'),
        perInstanceCapacity: positive('requests per second'),
        provisioningSeconds: positive('seconds'),
      }),
    ),
    planner: z.strictObject({
      headroom: z.number().min(1, 'must be at least 1').max(10, 'must be at most 10'),
      leadMarginSeconds: z.number().min(0, 'must not be negative'),
    }),
    releases: z.array(
      z.strictObject({
        id: z.string().min(1),
        ruleId: z.string().min(1),
        series: z.string().min(1),
        chapter: z.union([z.number().int().nonnegative(), z.string().min(1)]).optional(),
        releaseAtMs: epochMs,
        timezone: z.string().refine(isIanaRegionZone, 'must be an IANA timezone such as Asia/Tokyo'),
        localTime: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/, 'must be YYYY-MM-DDTHH:MM:SS'),
        endpoints: z.array(endpointNameSchema).min(1, 'must name at least one endpoint'),
        peakRequestsPerSecond: positive('requests per second'),
        holdSeconds: positive('seconds'),
      }),
    ),
    smokeShapes: z.array(z.strictObject({ name: z.string().min(1), body: z.unknown() })),
  })
  .superRefine((calendar, ctx) => {
    if (calendar.untilMs <= calendar.fromMs)
      ctx.addIssue({ code: 'custom', path: ['untilMs'], message: 'must be later than fromMs' });
    for (const [name, settings] of Object.entries(calendar.endpoints)) {
      if (settings.endpoint !== name)
        ctx.addIssue({ code: 'custom', path: ['endpoints', name, 'endpoint'], message: `must be ${name}` });
      if (settings.max < settings.floor)
        ctx.addIssue({
          code: 'custom',
          path: ['endpoints', name, 'max'],
          message: `must be at least floor (${settings.floor})`,
        });
    }
    calendar.releases.forEach((release, index) => {
      release.endpoints.forEach((endpoint, position) => {
        if (!(endpoint in calendar.endpoints))
          ctx.addIssue({
            code: 'custom',
            path: ['releases', index, 'endpoints', position],
            message: `unknown endpoint ${JSON.stringify(endpoint)}`,
          });
      });
    });
  });

/**
 * Checks a normalized calendar received from another state, without parsing any calendar format.
 *
 * @throws ValidationError naming each bad field under `calendar.` (`calendar.endpoints.x.floor`).
 */
export function parseNormalizedCalendar(input: unknown): NormalizedCalendar {
  return parseOrThrow(normalizedCalendarSchema, input, 'calendar') as NormalizedCalendar;
}
