import { readFile } from 'node:fs/promises';
import { type Calendar, expandReleases } from '../../core/calendar/calendar.js';
import { calendarFormatOf, parseCalendar } from '../../core/calendar/parse-calendar.js';
import { planCalendar, utcIso } from '../../core/calendar-plan.js';
import type { PrescaleAction } from '../../core/prescale-planner.js';
import type { EndpointSummary, PlannedRelease, ReleaseReadiness } from './api-contract.js';

/** Where the release calendar comes from: a name to show, and how to read it. */
export interface CalendarSource {
  readonly name: string;
  load(): Promise<Calendar>;
}

/**
 * A calendar file (.yaml, .yml or .json; an .ics file needs endpoint settings this source does
 * not take). Read on every load, so an edited calendar shows on the next refresh.
 */
export function calendarFile(path: string): CalendarSource {
  return {
    name: path,
    load: async () => parseCalendar(await readFile(path, 'utf8'), calendarFormatOf(path)),
  };
}

/**
 * The pre-warm windows planned from `calendar` between `nowMs` and `nowMs + hours`, each with
 * its readiness against the endpoints as they are now. Planned with core's planner, the same
 * plan `warmgate calendar plan` prints and calendar-sync schedules.
 *
 * @throws ValidationError when the calendar cannot be planned (a recurrence expands too far).
 */
export function plannedReleases(
  calendar: Calendar,
  endpoints: readonly EndpointSummary[],
  options: { readonly nowMs: number; readonly hours: number; readonly prewarmDeployed: boolean },
): PlannedRelease[] {
  const window = { fromMs: options.nowMs, untilMs: options.nowMs + options.hours * 3_600_000 };
  const titles = new Map(
    expandReleases(calendar, window).map((release) => [
      release.id,
      release.chapter === undefined ? release.series : `${release.series} ${release.chapter}`,
    ]),
  );
  return planCalendar(calendar, { nowMs: window.fromMs, untilMs: window.untilMs }).map((action) => ({
    endpoint: action.endpoint,
    releases: action.releases,
    titles: action.releases.map((id) => titles.get(id) ?? id),
    releaseAt: utcIso(action.releaseAtMs),
    raiseAt: utcIso(action.raiseAtMs),
    restoreAt: utcIso(action.restoreAtMs),
    minCapacity: action.minCapacity,
    baseFloor: action.baseFloor,
    timezone: action.timezone,
    localReleaseTime: action.localReleaseTime,
    readiness: releaseReadiness(
      action,
      endpoints.find((e) => e.name === action.endpoint),
      options.nowMs,
      options.prewarmDeployed,
    ),
  }));
}

const minutesUntil = (fromMs: number, toMs: number) => Math.max(0, Math.round((toMs - fromMs) / 60_000));

/**
 * Whether an endpoint is on course for one planned window, judged at `nowMs`:
 * - before the raise: `scheduled`, or `at-risk` when nothing can raise the floor or the
 *   forecast needs more than the endpoint's max;
 * - from the raise to the release: `raising` until the warm count reaches the window's floor;
 * - from the release to the restore: `ready` with enough warm instances, `at-risk` without;
 * - `no-endpoint` when the calendar names an endpoint that does not exist.
 */
export function releaseReadiness(
  action: PrescaleAction,
  endpoint: EndpointSummary | undefined,
  nowMs: number,
  prewarmDeployed: boolean,
): ReleaseReadiness {
  if (!endpoint) return { kind: 'no-endpoint', detail: `endpoint ${action.endpoint} does not exist` };
  const warm = endpoint.variants.reduce((sum, v) => sum + (v.warmInstances ?? 0), 0);
  const counts = `${warm} of ${action.minCapacity} warm`;
  if (nowMs < action.raiseAtMs) {
    if (!prewarmDeployed) {
      return { kind: 'at-risk', detail: 'no warmgate-prewarm state machine is deployed to raise the floor' };
    }
    if (action.capped) {
      return {
        kind: 'at-risk',
        detail: `the forecast needs more than ${action.minCapacity} instances (the endpoint's max)`,
      };
    }
    return {
      kind: 'scheduled',
      detail: `floor ${action.baseFloor} → ${action.minCapacity} in ${minutesUntil(nowMs, action.raiseAtMs)} min`,
    };
  }
  if (warm >= action.minCapacity) return { kind: 'ready', detail: counts };
  if (nowMs < action.releaseAtMs) {
    return {
      kind: 'raising',
      detail: `${counts}, release in ${minutesUntil(nowMs, action.releaseAtMs)} min`,
    };
  }
  return { kind: 'at-risk', detail: `released with ${counts}` };
}
