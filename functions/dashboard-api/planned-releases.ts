import type { PrescaleAction } from '../../core/prescale-planner.js';
import { type PlannedWindow, type ReleasePlan, windowsBetween } from '../../core/release-plan.js';
import type { EndpointSummary, PlannedRelease, ReleaseReadiness } from './api-contract.js';

/**
 * The pre-warm windows of `plan` open between `nowMs` and `nowMs + hours`, each with its
 * readiness against the endpoints as they are now. The plan is the one calendar-sync scheduled
 * (or, in the local region, one planned from the calendar file on the spot): the dashboard never
 * plans by itself, so it shows what will happen.
 */
export function plannedReleases(
  plan: ReleasePlan,
  endpoints: readonly EndpointSummary[],
  options: { readonly nowMs: number; readonly hours: number; readonly prewarmDeployed: boolean },
): PlannedRelease[] {
  return windowsBetween(plan, options.nowMs, options.nowMs + options.hours * 3_600_000).map((window) => ({
    endpoint: window.endpoint,
    releases: window.releases,
    titles: window.titles,
    releaseAt: window.releaseAt,
    raiseAt: window.raiseAt,
    restoreAt: window.restoreAt,
    minCapacity: window.minCapacity,
    baseFloor: window.baseFloor,
    timezone: window.timezone,
    localReleaseTime: window.localReleaseTime,
    readiness: releaseReadiness(
      windowTimes(window),
      endpoints.find((e) => e.name === window.endpoint),
      options.nowMs,
      options.prewarmDeployed,
    ),
  }));
}

/** What a readiness verdict needs of a window: its endpoint, its floors and its times. */
export type ReadinessWindow = Pick<
  PrescaleAction,
  'endpoint' | 'minCapacity' | 'baseFloor' | 'capped' | 'raiseAtMs' | 'releaseAtMs'
>;

function windowTimes(window: PlannedWindow): ReadinessWindow {
  return {
    endpoint: window.endpoint as ReadinessWindow['endpoint'],
    minCapacity: window.minCapacity as ReadinessWindow['minCapacity'],
    baseFloor: window.baseFloor as ReadinessWindow['baseFloor'],
    capped: window.capped,
    raiseAtMs: Date.parse(window.raiseAt),
    releaseAtMs: Date.parse(window.releaseAt),
  };
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
  window: ReadinessWindow,
  endpoint: EndpointSummary | undefined,
  nowMs: number,
  prewarmDeployed: boolean,
): ReleaseReadiness {
  if (!endpoint) return { kind: 'no-endpoint', detail: `endpoint ${window.endpoint} does not exist` };
  const warm = endpoint.variants.reduce((sum, v) => sum + (v.warmInstances ?? 0), 0);
  const counts = `${warm} of ${window.minCapacity} warm`;
  if (nowMs < window.raiseAtMs) {
    if (!prewarmDeployed) {
      return { kind: 'at-risk', detail: 'no warmgate-prewarm state machine is deployed to raise the floor' };
    }
    if (window.capped) {
      return {
        kind: 'at-risk',
        detail: `the forecast needs more than ${window.minCapacity} instances (the endpoint's max)`,
      };
    }
    return {
      kind: 'scheduled',
      detail: `floor ${window.baseFloor} → ${window.minCapacity} in ${minutesUntil(nowMs, window.raiseAtMs)} min`,
    };
  }
  if (warm >= window.minCapacity) return { kind: 'ready', detail: counts };
  if (nowMs < window.releaseAtMs) {
    return {
      kind: 'raising',
      detail: `${counts}, release in ${minutesUntil(nowMs, window.releaseAtMs)} min`,
    };
  }
  return { kind: 'at-risk', detail: `released with ${counts}` };
}
