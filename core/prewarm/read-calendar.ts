import type { Calendar } from '../calendar/calendar.js';
import { expandReleases } from '../calendar/expand-releases.js';
import { assertPassable, type NormalizedCalendar } from '../calendar/normalized-calendar.js';
import { calendarFormatOf, parseCalendar } from '../calendar/parse-calendar.js';
import { ValidationError } from '../errors.js';
import type { CalendarSource } from '../ports/prewarm-schedules.js';
import type { SmokeShape } from '../rollout/rollout-plan.js';
import { parseWarmupManifest } from '../warmup-manifest.js';

export interface ReadSettings {
  /** How far ahead to expand releases; later ones are picked up by a later (hourly) run. */
  readonly horizonDays: number;
}

/**
 * The calendar's releases between `fromMs` and `untilMs`, expanded, as the planner takes them.
 * Shared by read-calendar and the local dashboard, which plans a calendar file itself.
 *
 * @throws ValidationError naming a recurrence that expands too far.
 */
export function normalizeCalendar(
  calendar: Calendar,
  read: { calendarUrl: string; fromMs: number; untilMs: number; smokeShapes: readonly SmokeShape[] },
): NormalizedCalendar {
  return assertPassable({
    version: 1,
    calendarUrl: read.calendarUrl,
    fromMs: read.fromMs,
    untilMs: read.untilMs,
    endpoints: calendar.endpoints,
    planner: calendar.planner,
    releases: expandReleases(calendar, read),
    smokeShapes: read.smokeShapes,
  });
}

/**
 * Reads the calendar (and the warmup manifest beside it, when there is one), parses it as its file
 * name says (YAML, JSON or ICS), and expands its releases over the next `horizonDays`: the first
 * half of calendar sync, the part that needs the parsers. Nothing is planned or scheduled here.
 *
 * @throws ValidationError listing every calendar problem with its line or field; NotFoundError
 *   when there is no calendar where the source points.
 */
export async function readCalendar(
  source: CalendarSource,
  settings: ReadSettings,
  nowMs: number,
): Promise<NormalizedCalendar> {
  const { text, fileName } = await source.read();
  const calendar = parseCalendar(text, calendarFormatOf(fileName));
  return normalizeCalendar(calendar, {
    calendarUrl: source.calendarUrl,
    fromMs: nowMs,
    untilMs: nowMs + settings.horizonDays * 86_400_000,
    smokeShapes: await readSmokeShapes(source),
  });
}

async function readSmokeShapes(source: CalendarSource): Promise<SmokeShape[]> {
  const text = await source.warmupManifest();
  if (text === undefined) return [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ValidationError([{ field: 'warmupManifest', message: 'is not valid JSON' }], { cause });
  }
  return parseWarmupManifest(json).shapes.map((shape) => ({ name: shape.name, body: shape.body }));
}
