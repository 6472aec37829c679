import { type Calendar, expandReleases } from './calendar/calendar.js';
import { ValidationError } from './errors.js';
import type { EndpointName } from './names.js';
import { type PrescaleAction, type ProvisioningHistory, planPrescale } from './prescale-planner.js';
import type { ReleasePlan } from './release-plan.js';

/** What to plan: a window of time, optionally one endpoint, and the measured history. */
export interface CalendarPlanRequest {
  readonly nowMs: number;
  readonly untilMs: number;
  readonly endpoint?: EndpointName;
  readonly history?: ProvisioningHistory;
}

/**
 * The pre-scale plan for a calendar between `nowMs` and `untilMs`: releases expanded, narrowed
 * to one endpoint when asked, then planned. Shared by `warmgate calendar plan` and calendar-sync
 * so that what a person previews is what gets scheduled.
 *
 * @throws ValidationError naming `until` when it is not after `now`, naming `endpoint` when the
 *   calendar does not know it, or naming a recurrence that expands too far.
 */
export function planCalendar(calendar: Calendar, request: CalendarPlanRequest): PrescaleAction[] {
  if (!(request.untilMs > request.nowMs)) throw ValidationError.field('until', 'must be later than now');
  const { endpoint } = request;
  if (endpoint !== undefined && !calendar.endpoints[endpoint]) {
    const known = Object.keys(calendar.endpoints).join(', ') || 'none';
    throw ValidationError.field('endpoint', `${endpoint} is not in the calendar (it has: ${known})`);
  }
  const releases = expandReleases(calendar, { fromMs: request.nowMs, untilMs: request.untilMs })
    .filter((release) => endpoint === undefined || release.endpoints.includes(endpoint))
    .map((release) => (endpoint === undefined ? release : { ...release, endpoints: [endpoint] }));
  return planPrescale({
    releases,
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
 * The plan for `actions`, planned from `calendar` over [fromMs, untilMs]: each window with its
 * releases' titles ("One Piece 1150"), times in UTC ISO 8601.
 */
export function releasePlanOf(
  calendar: Calendar,
  actions: readonly PrescaleAction[],
  planned: { readonly calendar: string; readonly fromMs: number; readonly untilMs: number },
): ReleasePlan {
  const titles = new Map(
    expandReleases(calendar, planned).map((release) => [
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
