import { LineCounter, parseDocument } from 'yaml';
import * as z from 'zod';
import { type FieldIssue, ValidationError } from '../errors.js';
import { floorSchema, MIN_FLOOR } from '../floor.js';
import { type EndpointName, endpointNameSchema } from '../names.js';
import { inputProblems, joinPath } from '../validation.js';
import {
  type Calendar,
  DEFAULT_PLANNER_SETTINGS,
  type EndpointSettings,
  type ReleaseRule,
} from './calendar.js';
import { isIanaRegionZone, type LocalDateTime, parseLocalDateTime, toInstant } from './local-time.js';
import { rruleProblem } from './recurrence.js';

/** A calendar problem: the field, what is wrong, and the source line when the format has lines. */
export interface CalendarIssue extends FieldIssue {
  readonly line?: number;
}

/** Default provisioning-to-warm time when an endpoint does not state one: a typical CPU instance. */
export const DEFAULT_PROVISIONING_MINUTES = 15;

const requiredString = (what: string) =>
  z.string({
    error: (issue) => (issue.input === undefined ? `is required: ${what}` : `must be text: ${what}`),
  });

const localTimeSchema = requiredString('a local time such as 2025-06-01T00:00').transform((text, ctx) => {
  const local = parseLocalDateTime(text);
  if (local) return local;
  ctx.addIssue({
    code: 'custom',
    message: `${JSON.stringify(text)} is not a local time YYYY-MM-DDTHH:MM; put the zone in timezone, not an offset here`,
  });
  return z.NEVER;
});

/** An IANA region zone; missing or unknown zones are refused with the reason. */
export const timezoneSchema = requiredString('an IANA timezone such as Asia/Tokyo').refine(isIanaRegionZone, {
  error: (issue) =>
    `unknown IANA timezone ${JSON.stringify(issue.input)}: use a region name such as Asia/Tokyo or America/New_York`,
});

const requestsPerSecond = z
  .number({ error: 'must be a number of requests per second' })
  .positive('must be more than 0 requests per second');

const minutes = (max: number) =>
  z
    .number({ error: 'must be a number of minutes' })
    .positive('must be more than 0 minutes')
    .max(max, `must be at most ${max} minutes`);

/** Per-endpoint settings as written in a calendar; shared with ICS import options. */
export const endpointSettingsSchema = z.strictObject({
  floor: floorSchema.default(MIN_FLOOR as z.output<typeof floorSchema>),
  max: z.number({ error: 'is required: the most instances a release may use' }).int('must be a whole number'),
  perInstanceCapacity: requestsPerSecond,
  provisioningMinutes: minutes(24 * 60).default(DEFAULT_PROVISIONING_MINUTES),
});

// `peak: 600` and `peak: major` are shorthands for the object forms.
const peakSchema = z.preprocess(
  (value) =>
    typeof value === 'number'
      ? { requestsPerSecond: value }
      : typeof value === 'string'
        ? { tier: value }
        : value,
  z.union([z.strictObject({ requestsPerSecond }), z.strictObject({ tier: z.string().min(1) })], {
    error: 'must be a request rate ({ requestsPerSecond: 600 }) or a tier name ({ tier: major })',
  }),
);

const releaseSchema = z.strictObject({
  id: requiredString('a release id').regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'must be 1–64 letters, digits, dots, hyphens or underscores (it names schedules)',
  ),
  series: requiredString('the series name').min(1, 'must not be empty'),
  chapter: z.union([z.number().int().nonnegative(), z.string().min(1)]).optional(),
  localTime: localTimeSchema,
  timezone: timezoneSchema,
  repeat: z
    .string()
    .refine((rule) => rruleProblem(rule) === undefined, {
      error: (issue) => `${rruleProblem(String(issue.input))}`,
    })
    .optional(),
  except: z.array(localTimeSchema).default([]),
  endpoints: z
    .array(z.string({ error: 'must be an endpoint name' }), {
      error: 'is required: a list of endpoint names',
    })
    .min(1, 'must name at least one endpoint'),
  peak: peakSchema,
  holdMinutes: minutes(7 * 24 * 60),
});

const documentSchema = z
  .strictObject({
    version: z.literal(1, 'must be 1').optional(),
    planner: z
      .strictObject({
        headroom: z
          .number()
          .min(1, 'must be at least 1 (no headroom)')
          .max(10, 'must be at most 10')
          .optional(),
        leadMarginMinutes: z
          .number()
          .min(0, 'must not be negative')
          .max(24 * 60)
          .optional(),
      })
      .optional(),
    tiers: z.record(z.string(), requestsPerSecond).default({}),
    endpoints: z.record(endpointNameSchema, endpointSettingsSchema).default({}),
    releases: z.array(releaseSchema).default([]),
  })
  .superRefine(checkReferences, { when: () => true });

type DocumentShape = z.output<typeof documentSchema>;

// Cross-field rules. This runs even when fields failed (so one mistake does not hide another),
// hence the defensive reads: a value that failed its own rule is not judged again here.
function checkReferences(document: Partial<DocumentShape>, ctx: z.RefinementCtx): void {
  const endpoints = isRecord(document.endpoints) ? document.endpoints : {};
  const tiers = isRecord(document.tiers) ? document.tiers : {};
  for (const [name, settings] of Object.entries(endpoints)) {
    if (isRecord(settings) && Number.isInteger(settings.max) && Number.isInteger(settings.floor)) {
      if ((settings.max as number) < (settings.floor as number)) {
        ctx.addIssue({
          code: 'custom',
          path: ['endpoints', name, 'max'],
          message: `must be at least floor (${settings.floor})`,
        });
      }
    }
  }
  const seen = new Map<string, number>();
  const releases = Array.isArray(document.releases) ? document.releases : [];
  releases.forEach((release: unknown, index) => {
    if (!isRecord(release)) return;
    const at = (...path: (string | number)[]) => ['releases', index, ...path];
    if (typeof release.id === 'string') {
      const first = seen.get(release.id);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: at('id'), message: `duplicates the id of releases.${first}` });
      } else seen.set(release.id, index);
    }
    if (Array.isArray(release.endpoints)) {
      release.endpoints.forEach((endpoint: unknown, position) => {
        if (typeof endpoint === 'string' && !(endpoint in endpoints)) {
          ctx.addIssue({
            code: 'custom',
            path: at('endpoints', position),
            message: `unknown endpoint ${JSON.stringify(endpoint)}: define its floor, max and capacity under endpoints`,
          });
        }
      });
    }
    if (isRecord(release.peak) && typeof release.peak.tier === 'string' && !(release.peak.tier in tiers)) {
      ctx.addIssue({
        code: 'custom',
        path: at('peak', 'tier'),
        message: `unknown tier ${JSON.stringify(release.peak.tier)}: define it under tiers`,
      });
    }
    if (
      isLocal(release.localTime) &&
      typeof release.timezone === 'string' &&
      isIanaRegionZone(release.timezone)
    ) {
      if (toInstant(release.localTime, release.timezone).kind === 'gap') {
        ctx.addIssue({
          code: 'custom',
          path: at('localTime'),
          message: `does not exist in ${release.timezone}: the clocks skip it for daylight saving`,
        });
      }
    }
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isLocal(value: unknown): value is LocalDateTime {
  return isRecord(value) && typeof value.year === 'number';
}

/** Turns validated endpoint settings (calendar or ICS flags) into the planner's form. */
export function toEndpointSettings(
  endpoint: EndpointName,
  settings: z.output<typeof endpointSettingsSchema>,
): EndpointSettings {
  return {
    endpoint,
    floor: settings.floor,
    max: settings.max,
    perInstanceCapacity: settings.perInstanceCapacity,
    provisioningSeconds: settings.provisioningMinutes * 60,
  };
}

function toCalendar(
  document: DocumentShape,
  lineOf: (path: readonly (string | number)[]) => number | undefined,
): Calendar {
  const endpoints: Record<string, EndpointSettings> = {};
  for (const [name, settings] of Object.entries(document.endpoints)) {
    endpoints[name] = toEndpointSettings(name as EndpointName, settings);
  }
  const releases = document.releases.map((release, index): ReleaseRule => {
    const line = lineOf(['releases', index]);
    const peak =
      'requestsPerSecond' in release.peak
        ? release.peak.requestsPerSecond
        : (document.tiers[release.peak.tier] ?? 0);
    return {
      id: release.id,
      series: release.series,
      ...(release.chapter === undefined ? {} : { chapter: release.chapter }),
      start: release.localTime,
      timezone: release.timezone,
      ...(release.repeat === undefined
        ? {}
        : { recurrence: { rrule: release.repeat, exdates: release.except, rdates: [] } }),
      endpoints: release.endpoints as EndpointName[],
      peakRequestsPerSecond: peak,
      holdSeconds: release.holdMinutes * 60,
      source: `releases.${index}`,
      ...(line === undefined ? {} : { line }),
    };
  });
  return {
    endpoints,
    tiers: document.tiers,
    planner: {
      headroom: document.planner?.headroom ?? DEFAULT_PLANNER_SETTINGS.headroom,
      leadMarginSeconds:
        document.planner?.leadMarginMinutes === undefined
          ? DEFAULT_PLANNER_SETTINGS.leadMarginSeconds
          : document.planner.leadMarginMinutes * 60,
    },
    releases,
  };
}

/**
 * Parses a YAML or JSON calendar. The text is passed in; nothing is read here.
 *
 * JSON goes through `JSON.parse` first (strict syntax), then through the YAML parser, which
 * accepts JSON and, unlike `JSON.parse`, keeps each node's position: that is what lets every
 * problem carry its line.
 *
 * @throws ValidationError listing every problem, each a {@link CalendarIssue} with its line.
 */
export function parseCalendarDocument(text: string, format: 'yaml' | 'json'): Calendar {
  const lineCounter = new LineCounter();
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;
  if (format === 'json') {
    try {
      JSON.parse(text);
    } catch (error) {
      const position = /position (\d+)/.exec((error as Error).message)?.[1];
      const line = position === undefined ? undefined : text.slice(0, Number(position)).split('\n').length;
      throw new ValidationError([issue('(json)', (error as Error).message, line)]);
    }
  }
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (document.errors.length > 0) {
    throw new ValidationError(
      document.errors.map((error) =>
        issue(`(${format})`, error.message.split('\n')[0] ?? 'syntax error', lineAt(error.pos[0])),
      ),
    );
  }
  const lineOf = (path: readonly (string | number)[]): number | undefined => {
    // A missing field has no node; its nearest existing parent is where to add it.
    for (let depth = path.length; depth >= 0; depth--) {
      const node = document.getIn(path.slice(0, depth), true) as
        | { range?: [number, number, number] }
        | undefined;
      if (node?.range) return lineAt(node.range[0]);
    }
    return undefined;
  };
  const result = documentSchema.safeParse(document.toJS() ?? {});
  if (!result.success) {
    throw new ValidationError(
      inputProblems(result.error).map((problem) =>
        issue(joinPath(undefined, problem.path.map(String)), problem.message, lineOf(problem.path)),
      ),
    );
  }
  return toCalendar(result.data, lineOf);
}

/** A {@link CalendarIssue} whose message ends with its line, so plain printing shows it too. */
export function issue(field: string, message: string, line: number | undefined): CalendarIssue {
  return line === undefined ? { field, message } : { field, message: `${message} (line ${line})`, line };
}
