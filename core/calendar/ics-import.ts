import ICAL from 'ical.js';
import type * as z from 'zod';
import { ValidationError } from '../errors.js';
import { type EndpointName, isSageMakerName } from '../names.js';
import { inputProblems } from '../validation.js';
import {
  type Calendar,
  DEFAULT_PLANNER_SETTINGS,
  type EndpointSettings,
  occurrenceId,
  type ReleaseRule,
} from './calendar.js';
import {
  type CalendarIssue,
  endpointSettingsSchema,
  issue,
  toEndpointSettings,
} from './calendar-document.js';
import { isIanaRegionZone, type LocalDateTime, toInstant, toLocal } from './local-time.js';
import { type Recurrence, rruleProblem } from './recurrence.js';

/**
 * What an ICS file cannot say for itself. An event's own `X-WARMGATE-*` properties win; these
 * fill the gaps (the CLI's `--endpoint` and setting flags, or a settings calendar).
 */
export interface IcsImportOptions {
  /** Endpoints for events without `X-WARMGATE-ENDPOINTS`. */
  readonly defaultEndpoints?: readonly EndpointName[];
  /** Endpoint settings, tiers and planner settings, e.g. from a YAML calendar with no releases. */
  readonly settings?: Pick<Calendar, 'endpoints' | 'tiers' | 'planner'>;
  /**
   * Settings for any endpoint that `settings` does not describe. They override the calendar's own
   * `X-WARMGATE-FLOOR`, `X-WARMGATE-MAX`, `X-WARMGATE-CAPACITY-RPS` and
   * `X-WARMGATE-PROVISIONING-MINUTES` properties (VCALENDAR level), field by field.
   */
  readonly endpointDefaults?: Partial<z.input<typeof endpointSettingsSchema>>;
  /** Peak for events without `X-WARMGATE-PEAK-RPS` or `X-WARMGATE-TIER`. */
  readonly peakRequestsPerSecond?: number;
  /** Hold for events without `X-WARMGATE-HOLD-MINUTES` and without a duration. */
  readonly holdMinutes?: number;
  /** Zone for events whose DTSTART has neither TZID nor Z (floating time). */
  readonly defaultTimezone?: string;
}

/** Where each VEVENT and its properties sit in the text, found by line, not by a second parser. */
class IcsLines {
  private readonly lines: string[];
  private readonly events: Array<{ begin: number; end: number }> = [];

  constructor(text: string) {
    this.lines = text.split(/\r?\n/);
    let begin: number | undefined;
    this.lines.forEach((line, index) => {
      if (/^BEGIN:VEVENT\s*$/i.test(line)) begin = index;
      if (/^END:VEVENT\s*$/i.test(line) && begin !== undefined) {
        this.events.push({ begin, end: index });
        begin = undefined;
      }
    });
  }

  /** 1-based line of `property` in the `index`th VEVENT, or of its BEGIN line. */
  line(index: number, property?: string): number | undefined {
    const event = this.events[index];
    if (!event) return undefined;
    if (property) {
      const pattern = new RegExp(`^${property}[;:]`, 'i');
      for (let at = event.begin; at <= event.end; at++) if (pattern.test(this.lines[at] ?? '')) return at + 1;
    }
    return event.begin + 1;
  }

  /** 1-based line that contains `fragment`, for parser errors that quote the bad line. */
  find(fragment: string): number | undefined {
    const at = this.lines.findIndex((line) => line.includes(fragment));
    return at < 0 ? undefined : at + 1;
  }
}

interface EventStart {
  readonly local: LocalDateTime;
  readonly zone: string;
}

/**
 * Imports an iCalendar file: each VEVENT is a release, RRULE/EXDATE/RDATE recur it, and a
 * RECURRENCE-ID event moves or (STATUS:CANCELLED) drops one occurrence. The text is passed in.
 *
 * Per event: endpoints from `X-WARMGATE-ENDPOINTS` (comma-separated) or `defaultEndpoints`;
 * series from `X-WARMGATE-SERIES` or SUMMARY; chapter from `X-WARMGATE-CHAPTER`; peak from
 * `X-WARMGATE-PEAK-RPS`, `X-WARMGATE-TIER` or the option; hold from `X-WARMGATE-HOLD-MINUTES`,
 * the event's duration, or the option; id from `X-WARMGATE-ID` or UID.
 *
 * @throws ValidationError listing every problem by event and property, with its line.
 */
export function importIcs(text: string, options: IcsImportOptions = {}): Calendar {
  const lines = new IcsLines(text);
  let root: ICAL.Component;
  try {
    root = new ICAL.Component(ICAL.parse(text) as unknown[]);
  } catch (error) {
    const message = (error as Error).message;
    const quoted = /"([^"]+)"\s*$/.exec(message)?.[1];
    throw new ValidationError([issue('(ics)', message, quoted ? lines.find(quoted) : undefined)]);
  }
  if (root.name !== 'vcalendar') {
    throw new ValidationError([issue('(ics)', 'must be a VCALENDAR', 1)]);
  }

  const issues: CalendarIssue[] = [];
  const endpoints: Record<string, EndpointSettings> = { ...(options.settings?.endpoints ?? {}) };
  const tiers = options.settings?.tiers ?? {};
  const endpointDefaults = calendarEndpointDefaults(root, options, (field, message, property) =>
    issues.push(issue(field, message, lines.find(property))),
  );
  const entries: Array<{ rule: ReleaseRule; exdates: LocalDateTime[] }> = [];
  const masters = new Map<string, { rule: ReleaseRule; exdates: LocalDateTime[] }>();
  const overrides: Array<{ index: number; event: ICAL.Event }> = [];
  const reporter = (index: number) => (property: string, message: string) =>
    issues.push(issue(`events.${index}.${property}`, message, lines.line(index, property)));
  const context = (index: number, inherit?: ReleaseRule): RuleContext => ({
    options,
    endpointDefaults,
    tiers,
    endpoints,
    line: lines.line(index),
    ...(inherit ? { inherit } : {}),
  });

  root.getAllSubcomponents('vevent').forEach((component, index) => {
    const event = new ICAL.Event(component);
    if (event.isRecurrenceException()) {
      overrides.push({ index, event });
      return;
    }
    if (textProperty(component, 'status')?.toUpperCase() === 'CANCELLED') return;
    const rule = eventToRule(component, event, index, reporter(index), context(index));
    if (!rule) return;
    if (masters.has(event.uid))
      reporter(index)('UID', `duplicates the UID of an earlier event (${event.uid})`);
    const entry = { rule, exdates: [] };
    masters.set(event.uid, entry);
    entries.push(entry);
  });

  // A moved or cancelled occurrence: drop the original slot, and add the moved one as a one-off
  // carrying the id the original occurrence would have had, so schedule names stay stable.
  for (const { index, event } of overrides) {
    const master = masters.get(event.uid);
    if (!master) {
      reporter(index)('RECURRENCE-ID', `refers to UID ${event.uid}, which has no recurring event here`);
      continue;
    }
    const recurrenceId = event.component.getFirstProperty('recurrence-id');
    const original = recurrenceId ? propertyLocal(recurrenceId, master.rule.timezone) : undefined;
    if (!original) continue;
    master.exdates.push(original);
    if (textProperty(event.component, 'status')?.toUpperCase() === 'CANCELLED') continue;
    const moved = eventToRule(event.component, event, index, reporter(index), context(index, master.rule));
    if (!moved) continue;
    const { recurrence: _series, ...oneOff } = moved;
    entries.push({ rule: { ...oneOff, id: occurrenceId(master.rule.id, original) }, exdates: [] });
  }
  if (issues.length > 0) throw new ValidationError(issues);

  return {
    endpoints,
    tiers,
    planner: options.settings?.planner ?? DEFAULT_PLANNER_SETTINGS,
    releases: entries.map(({ rule, exdates }) =>
      rule.recurrence && exdates.length > 0
        ? { ...rule, recurrence: { ...rule.recurrence, exdates: [...rule.recurrence.exdates, ...exdates] } }
        : rule,
    ),
  };
}

interface RuleContext {
  readonly options: IcsImportOptions;
  readonly endpointDefaults: EndpointDefaults | undefined;
  readonly tiers: Readonly<Record<string, number>>;
  /** Filled in as events name endpoints that only `endpointDefaults` describes. */
  readonly endpoints: Record<string, EndpointSettings>;
  readonly line: number | undefined;
  /** For a RECURRENCE-ID event: the master, whose values fill what the override leaves out. */
  readonly inherit?: ReleaseRule;
}

type Report = (property: string, message: string) => void;
type EndpointDefaults = z.output<typeof endpointSettingsSchema>;

const DEFAULT_PROPERTIES = {
  floor: 'X-WARMGATE-FLOOR',
  max: 'X-WARMGATE-MAX',
  perInstanceCapacity: 'X-WARMGATE-CAPACITY-RPS',
  provisioningMinutes: 'X-WARMGATE-PROVISIONING-MINUTES',
} as const;

// Endpoint settings an ICS file states for all its endpoints, overridden field by field by the
// caller's (CLI flags); validated with the same rules as a YAML calendar's endpoint settings.
function calendarEndpointDefaults(
  root: ICAL.Component,
  options: IcsImportOptions,
  report: (field: string, message: string, property: string) => void,
): EndpointDefaults | undefined {
  const merged: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(DEFAULT_PROPERTIES)) {
    const text = textProperty(root, property.toLowerCase());
    if (text !== undefined) merged[key] = Number(text);
    const given = options.endpointDefaults?.[key as keyof typeof DEFAULT_PROPERTIES];
    if (given !== undefined) merged[key] = given;
  }
  if (Object.keys(merged).length === 0) return undefined;
  const result = endpointSettingsSchema.safeParse(merged);
  if (result.success) return result.data;
  for (const problem of inputProblems(result.error)) {
    const key = String(problem.path[0] ?? '') as keyof typeof DEFAULT_PROPERTIES;
    const property = DEFAULT_PROPERTIES[key] ?? 'X-WARMGATE';
    report(`defaults.${key}`, `${problem.message} (set by ${property} or its flag)`, property);
  }
  return undefined;
}

function eventToRule(
  component: ICAL.Component,
  event: ICAL.Event,
  index: number,
  report: Report,
  context: RuleContext,
): ReleaseRule | undefined {
  let failed = false;
  const fail: Report = (property, message) => {
    failed = true;
    report(property, message);
  };
  const { inherit } = context;

  // UIDs are often e-mail-like (`one-piece@mangaassist.example`): the part before `@` names the
  // release, and ids name schedules, which allow fewer characters.
  const rawId = textProperty(component, 'x-warmgate-id') ?? event.uid?.split('@')[0];
  const id = (rawId ?? '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 64);
  if (!id) fail('UID', 'is required: every event needs a UID or X-WARMGATE-ID');

  const series = textProperty(component, 'x-warmgate-series') ?? (event.summary || inherit?.series);
  if (!series) fail('SUMMARY', 'is required: the series name (or set X-WARMGATE-SERIES)');

  const chapterText = textProperty(component, 'x-warmgate-chapter');
  const chapter =
    chapterText === undefined
      ? inherit?.chapter
      : /^\d+$/.test(chapterText)
        ? Number(chapterText)
        : chapterText;

  const start = eventStart(component, context.options.defaultTimezone, fail);
  const recurrence = start ? recurrenceOf(component, start.zone, fail) : undefined;
  const holdSeconds = holdOf(component, event, context, fail);
  const peak = peakOf(component, context, fail);
  const endpoints = endpointsOf(component, context, fail);

  if (failed || !start || holdSeconds === undefined || peak === undefined || !endpoints || !series)
    return undefined;
  return {
    id,
    series,
    ...(chapter === undefined ? {} : { chapter }),
    start: start.local,
    timezone: start.zone,
    ...(recurrence ? { recurrence } : {}),
    endpoints,
    peakRequestsPerSecond: peak,
    holdSeconds,
    source: `events.${index}`,
    ...(context.line === undefined ? {} : { line: context.line }),
  };
}

function textProperty(component: ICAL.Component, name: string): string | undefined {
  const value = component.getFirstPropertyValue(name);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function eventStart(
  component: ICAL.Component,
  defaultTimezone: string | undefined,
  fail: Report,
): EventStart | undefined {
  const property = component.getFirstProperty('dtstart');
  const value = property?.getFirstValue();
  if (!property || !(value instanceof ICAL.Time)) {
    fail('DTSTART', 'is required: the release time');
    return undefined;
  }
  if (value.isDate) {
    fail('DTSTART', 'must be a date-time: an all-day event has no release time');
    return undefined;
  }
  const tzid = property.getParameter('tzid');
  if (typeof tzid === 'string') {
    if (isIanaRegionZone(tzid)) return { local: wallTime(value), zone: tzid };
    fail(
      'DTSTART',
      `TZID ${JSON.stringify(tzid)} is not an IANA timezone; use a region name such as Asia/Tokyo`,
    );
    return undefined;
  }
  if (value.zone === ICAL.Timezone.utcTimezone) return { local: wallTime(value), zone: 'UTC' };
  if (defaultTimezone) return { local: wallTime(value), zone: defaultTimezone };
  fail('DTSTART', 'is a floating time with no TZID; add TZID=Asia/Tokyo (for example) or pass --timezone');
  return undefined;
}

function wallTime(time: ICAL.Time): LocalDateTime {
  return {
    year: time.year,
    month: time.month,
    day: time.day,
    hour: time.hour,
    minute: time.minute,
    second: time.second,
  };
}

// EXDATE, RDATE and RECURRENCE-ID may name their own TZID or UTC; recurrence works in the rule's
// wall time, so convert through the instant when the zones differ.
function propertyLocal(
  property: ICAL.Property,
  zone: string,
  value = property.getFirstValue(),
): LocalDateTime | undefined {
  if (!(value instanceof ICAL.Time)) return undefined;
  const own = wallTime(value);
  const tzid = property.getParameter('tzid');
  const sourceZone =
    typeof tzid === 'string' && isIanaRegionZone(tzid)
      ? tzid
      : value.zone === ICAL.Timezone.utcTimezone
        ? 'UTC'
        : zone;
  return sourceZone === zone ? own : toLocal(toInstant(own, sourceZone).epochMs, zone);
}

function recurrenceOf(component: ICAL.Component, zone: string, fail: Report): Recurrence | undefined {
  const rrule = component.getFirstPropertyValue('rrule');
  if (!rrule) return undefined;
  const text = String(rrule);
  const problem = rruleProblem(text);
  if (problem) {
    fail('RRULE', problem);
    return undefined;
  }
  const datesOf = (name: string) =>
    component
      .getAllProperties(name)
      .flatMap((property) => property.getValues().map((value) => propertyLocal(property, zone, value)))
      .filter((local): local is LocalDateTime => local !== undefined);
  return { rrule: text, exdates: datesOf('exdate'), rdates: datesOf('rdate') };
}

function holdOf(
  component: ICAL.Component,
  event: ICAL.Event,
  context: RuleContext,
  fail: Report,
): number | undefined {
  const text = textProperty(component, 'x-warmgate-hold-minutes');
  if (text !== undefined) {
    const minutes = Number(text);
    if (Number.isFinite(minutes) && minutes > 0) return minutes * 60;
    fail('X-WARMGATE-HOLD-MINUTES', `must be a number of minutes above 0, got ${JSON.stringify(text)}`);
    return undefined;
  }
  const hasDuration = component.hasProperty('dtend') || component.hasProperty('duration');
  const duration = hasDuration ? event.duration.toSeconds() : 0;
  if (duration > 0) return duration;
  if (context.inherit) return context.inherit.holdSeconds;
  if (context.options.holdMinutes !== undefined) return context.options.holdMinutes * 60;
  fail(
    'DTEND',
    'no hold window: give the event a DTEND or DURATION, X-WARMGATE-HOLD-MINUTES, or --hold-minutes',
  );
  return undefined;
}

function peakOf(component: ICAL.Component, context: RuleContext, fail: Report): number | undefined {
  const rps = textProperty(component, 'x-warmgate-peak-rps');
  if (rps !== undefined) {
    const value = Number(rps);
    if (Number.isFinite(value) && value > 0) return value;
    fail('X-WARMGATE-PEAK-RPS', `must be a request rate above 0, got ${JSON.stringify(rps)}`);
    return undefined;
  }
  const tier = textProperty(component, 'x-warmgate-tier');
  if (tier !== undefined) {
    const value = context.tiers[tier];
    if (value !== undefined) return value;
    fail('X-WARMGATE-TIER', `unknown tier ${JSON.stringify(tier)}: define it in the settings calendar`);
    return undefined;
  }
  const fallback = context.inherit?.peakRequestsPerSecond ?? context.options.peakRequestsPerSecond;
  if (fallback !== undefined) return fallback;
  fail('X-WARMGATE-PEAK-RPS', 'no peak load: set X-WARMGATE-PEAK-RPS or X-WARMGATE-TIER, or pass --peak-rps');
  return undefined;
}

function endpointsOf(
  component: ICAL.Component,
  context: RuleContext,
  fail: Report,
): EndpointName[] | undefined {
  const listed = textProperty(component, 'x-warmgate-endpoints');
  // Some writers escape the commas of an unknown property's value; accept both forms.
  const names = listed
    ? listed.split(/[\s,;\\]+/).filter(Boolean)
    : [...(context.inherit?.endpoints ?? context.options.defaultEndpoints ?? [])];
  if (names.length === 0) {
    fail('X-WARMGATE-ENDPOINTS', 'no endpoints: set X-WARMGATE-ENDPOINTS or pass --endpoint');
    return undefined;
  }
  let ok = true;
  for (const name of names) {
    if (!isSageMakerName(name)) {
      fail('X-WARMGATE-ENDPOINTS', `${JSON.stringify(name)} is not a valid SageMaker endpoint name`);
      ok = false;
    } else if (!context.endpoints[name]) {
      const defaults = context.endpointDefaults;
      if (defaults) context.endpoints[name] = toEndpointSettings(name as EndpointName, defaults);
      else {
        fail(
          'X-WARMGATE-ENDPOINTS',
          `no settings for endpoint ${name}: pass --settings or the floor/max/capacity flags`,
        );
        ok = false;
      }
    }
  }
  return ok ? (names as EndpointName[]) : undefined;
}
