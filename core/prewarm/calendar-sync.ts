import { formatLocalDateTime, parseLocalDateTime, toInstant, toLocal } from '../calendar/local-time.js';
import type { NormalizedCalendar } from '../calendar/normalized-calendar.js';
import { planReleases, releasePlanOf } from '../plan-releases.js';
import type { PrewarmSchedule, PrewarmSchedules, PrewarmStarter } from '../ports/prewarm-schedules.js';
import type { ReleasePlanStore } from '../ports/release-plan.js';
import type { MetricsSink } from '../ports/telemetry.js';
import type { PrescaleAction, ProvisioningHistory } from '../prescale-planner.js';
import { fnv1a64 } from '../resource-names.js';
import type { SmokeShape } from '../rollout/rollout-plan.js';
import { PROVISIONING_TO_WARM_METRIC } from './record-readiness.js';

/** Every schedule calendar-sync owns starts with this; nothing else in the group is touched. */
export const SCHEDULE_PREFIX = 'wg-';
const HISTORY_DAYS = 90;

export interface SyncReport {
  readonly planned: number;
  readonly created: string[];
  readonly updated: string[];
  readonly deleted: string[];
  readonly unchanged: string[];
  /** Windows whose raise time had passed: started at once instead of scheduled. */
  readonly startedNow: string[];
}

/**
 * A window's schedule name: deterministic in what identifies the window (endpoint and its
 * releases), so a re-run finds and keeps the same schedule, and a change to the releases shows
 * up as one deleted and one created schedule. At most 64 characters, Scheduler's limit.
 */
export function scheduleName(action: Pick<PrescaleAction, 'endpoint' | 'releases'>): string {
  const hash = fnv1a64(`${action.endpoint}\n${action.releases.join('\n')}`).slice(0, 12);
  return `${SCHEDULE_PREFIX}${action.endpoint.slice(0, 64 - SCHEDULE_PREFIX.length - 13)}-${hash}`;
}

/** The pre-warm execution input for one planned window (the prewarm state machine's contract). */
export function prewarmInput(
  action: PrescaleAction,
  smokeShapes: readonly SmokeShape[],
  maxCapacity?: number,
) {
  return {
    endpoint: action.endpoint,
    windowId: scheduleName(action),
    releases: action.releases,
    releaseAt: new Date(action.releaseAtMs).toISOString(),
    restoreAt: new Date(action.restoreAtMs).toISOString(),
    minCapacity: action.minCapacity,
    baseFloor: action.baseFloor,
    ...(maxCapacity === undefined ? {} : { maxCapacity }),
    smokeShapes,
  };
}

/**
 * `at(YYYY-MM-DDTHH:MM:SS)` for an instant, as wall-clock time in `zone` (Scheduler's format),
 * with the zone to send alongside. A wall time that names two instants (the hour repeated when
 * daylight saving ends) or none cannot carry the instant, so such a raise is written in UTC.
 */
export function atExpression(epochMs: number, zone: string): { expression: string; timezone: string } {
  const local = toLocal(epochMs, zone);
  const back = toInstant(local, zone);
  if (back.kind === 'exact' && back.epochMs === epochMs) {
    return { expression: `at(${formatLocalDateTime(local)})`, timezone: zone };
  }
  return { expression: `at(${formatLocalDateTime(toLocal(epochMs, 'UTC'))})`, timezone: 'UTC' };
}

/** The instant an `at()` expression names in `zone`, or undefined when it is not one. */
export function atInstant(expression: string, zone: string): number | undefined {
  const local = parseLocalDateTime(/^at\((.*)\)$/.exec(expression)?.[1] ?? '');
  return local ? toInstant(local, zone).epochMs : undefined;
}

/**
 * The measured provisioning-to-warm durations (seconds) of each endpoint over the last
 * {@link HISTORY_DAYS} days, as pre-warms record them: what the planner's lead time is made of.
 * Shared by calendar-sync and `warmgate calendar plan --history`, so a preview plans as the
 * schedules will.
 */
export async function provisioningHistory(
  metrics: MetricsSink,
  endpoints: readonly string[],
  nowMs: number,
): Promise<ProvisioningHistory> {
  const history: Record<string, number[]> = {};
  for (const endpoint of endpoints) {
    history[endpoint] = await metrics.values({
      name: PROVISIONING_TO_WARM_METRIC,
      dimensions: { EndpointName: endpoint },
      from: new Date(nowMs - HISTORY_DAYS * 86_400_000),
      to: new Date(nowMs),
    });
  }
  return history;
}

/**
 * Plans the pre-scale windows of a calendar read-calendar has parsed and expanded, with the
 * measured provisioning history, and makes the schedule group match: creates what is missing,
 * updates what changed, deletes stale `wg-` schedules, and starts at once any window whose raise
 * time has already passed. Running it twice changes no schedule the second time. Once the
 * schedules match, it publishes the plan to `deps.plan` (when given): a failed sync leaves the
 * last plan that was fully scheduled.
 *
 * It plans from `nowMs` (its own clock: a retried step must not start windows by a stale one) up
 * to the end of the window the releases were expanded for.
 *
 * @throws ValidationError naming `until` when that window is already over.
 */
export async function syncCalendar(
  deps: {
    schedules: PrewarmSchedules;
    starter: PrewarmStarter;
    metrics: MetricsSink;
    /** Where the plan is published for the dashboard; the local region's dashboard plans itself. */
    plan?: ReleasePlanStore | undefined;
  },
  calendar: NormalizedCalendar,
  nowMs: number,
): Promise<SyncReport> {
  const { smokeShapes, untilMs } = calendar;
  const history = await provisioningHistory(deps.metrics, Object.keys(calendar.endpoints), nowMs);
  const actions = planReleases(calendar.releases, calendar, { nowMs, untilMs, history });

  const existing = new Map((await deps.schedules.list(SCHEDULE_PREFIX)).map((s) => [s.name, s]));
  const report: SyncReport = {
    planned: actions.length,
    created: [],
    updated: [],
    deleted: [],
    unchanged: [],
    startedNow: [],
  };
  const wanted = new Set<string>();
  for (const action of actions) {
    const name = scheduleName(action);
    wanted.add(name);
    const input = JSON.stringify(prewarmInput(action, smokeShapes, calendar.endpoints[action.endpoint]?.max));
    const current = existing.get(name);
    if (action.raiseAtMs <= nowMs) {
      // A schedule that exists has fired (or is firing) this window: leave it be.
      if (current) {
        report.unchanged.push(name);
        continue;
      }
      // Scheduler refuses at() in the past; the window is due, so it starts now, named after
      // the schedule so that a second sync cannot start it twice.
      const outcome = await deps.starter.start(name, input);
      if (outcome === 'started') report.startedNow.push(name);
      else report.unchanged.push(name);
      continue;
    }
    const schedule: PrewarmSchedule = { name, ...atExpression(action.raiseAtMs, action.timezone), input };
    // A schedule whose time has come has fired (or is firing): moving it into the future again
    // would start the same window twice.
    const firedAt = current ? atInstant(current.expression, current.timezone) : undefined;
    if (current && firedAt !== undefined && firedAt <= nowMs) {
      report.unchanged.push(name);
      continue;
    }
    if (!current) {
      await deps.schedules.create(schedule);
      report.created.push(name);
    } else if (
      current.expression !== schedule.expression ||
      current.timezone !== schedule.timezone ||
      current.input !== schedule.input
    ) {
      await deps.schedules.update(schedule);
      report.updated.push(name);
    } else report.unchanged.push(name);
  }
  for (const name of existing.keys()) {
    if (wanted.has(name)) continue;
    await deps.schedules.delete(name);
    report.deleted.push(name);
  }
  await deps.plan?.publish(
    releasePlanOf(calendar.releases, actions, { calendar: calendar.calendarUrl, fromMs: nowMs, untilMs }),
  );
  return report;
}
