import type { Calendar, Release } from './calendar/calendar.js';
import { ValidationError } from './errors.js';
import type { EndpointName } from './names.js';
import { type PrescaleAction, type ProvisioningHistory, planPrescale } from './prescale-planner.js';
import type { ReleasePlan } from './release-plan.js';

// Planning from releases already expanded: no calendar parser and no RRULE engine (ical.js) is
// imported here, so the Lambda that schedules (sync-schedules) stays within its bundle budget.

/** What to plan: a window of time, optionally one endpoint, and the measured history. */
export interface CalendarPlanRequest {
  readonly nowMs: number;
  readonly untilMs: number;
  readonly endpoint?: EndpointName;
  readonly history?: ProvisioningHistory;
}

/**
 * The pre-scale plan for concrete releases between `nowMs` and `untilMs`, narrowed to one endpoint
 * when asked. Shared by `warmgate calendar plan` (through planCalendar) and the sync-schedules
 * Lambda, so that what a person previews is what gets scheduled.
 *
 * @throws ValidationError naming `until` when it is not after `now`, or naming `endpoint` when the
 *   calendar does not know it.
 */
export function planReleases(
  releases: readonly Release[],
  calendar: Pick<Calendar, 'endpoints' | 'planner'>,
  request: CalendarPlanRequest,
): PrescaleAction[] {
  if (!(request.untilMs > request.nowMs)) throw ValidationError.field('until', 'must be later than now');
  const { endpoint } = request;
  if (endpoint !== undefined && !calendar.endpoints[endpoint]) {
    const known = Object.keys(calendar.endpoints).join(', ') || 'none';
    throw ValidationError.field('endpoint', `${endpoint} is not in the calendar (it has: ${known})`);
  }
  return planPrescale({
    releases: releases
      .filter((release) => release.releaseAtMs <= request.untilMs)
      .filter((release) => endpoint === undefined || release.endpoints.includes(endpoint))
      .map((release) => (endpoint === undefined ? release : { ...release, endpoints: [endpoint] })),
    endpoints: calendar.endpoints,
    planner: calendar.planner,
    nowMs: request.nowMs,
    ...(request.history ? { history: request.history } : {}),
  });
}

/** One action in the `--json` contract of `warmgate calendar plan` (DESIGN.md). */
export interface PrescaleActionJson {
  readonly endpoint: string;
  readonly releases: readonly string[];
  readonly releaseAt: string;
  readonly raiseAt: string;
  readonly restoreAt: string;
  readonly minCapacity: number;
}

/** UTC ISO 8601 to the second (`2025-05-31T14:38:00Z`): what Scheduler's `at()` and people read. */
export function utcIso(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The stable machine form of a plan: `{ actions: [...] }`, times in UTC ISO 8601. */
export function planJson(actions: readonly PrescaleAction[]): { readonly actions: PrescaleActionJson[] } {
  return {
    actions: actions.map((action) => ({
      endpoint: action.endpoint,
      releases: action.releases,
      releaseAt: utcIso(action.releaseAtMs),
      raiseAt: utcIso(action.raiseAtMs),
      restoreAt: utcIso(action.restoreAtMs),
      minCapacity: action.minCapacity,
    })),
  };
}

/**
 * The plan for `actions`, planned from `releases` over [fromMs, untilMs]: each window with its
 * releases' titles ("One Piece 1150"), times in UTC ISO 8601.
 */
export function releasePlanOf(
  releases: readonly Release[],
  actions: readonly PrescaleAction[],
  planned: { readonly calendar: string; readonly fromMs: number; readonly untilMs: number },
): ReleasePlan {
  const titles = new Map(
    releases.map((release) => [
      release.id,
      release.chapter === undefined ? release.series : `${release.series} ${release.chapter}`,
    ]),
  );
  return {
    version: 1,
    calendar: planned.calendar,
    plannedAt: utcIso(planned.fromMs),
    plannedUntil: utcIso(planned.untilMs),
    windows: actions.map((action) => ({
      endpoint: action.endpoint,
      releases: [...action.releases],
      titles: action.releases.map((id) => titles.get(id) ?? id),
      releaseAt: utcIso(action.releaseAtMs),
      raiseAt: utcIso(action.raiseAtMs),
      restoreAt: utcIso(action.restoreAtMs),
      minCapacity: action.minCapacity,
      baseFloor: action.baseFloor,
      capped: action.capped,
      timezone: action.timezone,
      localReleaseTime: action.localReleaseTime,
    })),
  };
}
