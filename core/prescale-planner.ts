import type { EndpointSettings, PlannerSettings, Release } from './calendar/calendar.js';
import { type FieldIssue, ValidationError } from './errors.js';
import { clampFloor, type Floor } from './floor.js';
import type { EndpointName } from './names.js';

/**
 * Observed provisioning-to-warm durations in seconds, per endpoint: from the scale-out request
 * until every new instance passed the warmup-gated /ping. Rollouts and pre-warms record them as a
 * CloudWatch metric; the caller reads them and passes them in.
 */
export type ProvisioningHistory = Readonly<Record<string, readonly number[]>>;

/** One raised floor for one endpoint: possibly several releases merged into one window. */
export interface PrescaleAction {
  readonly endpoint: EndpointName;
  /** Ids of the releases this window covers, in time order. */
  readonly releases: readonly string[];
  /** The earliest release in the window (epoch ms). */
  readonly releaseAtMs: number;
  /** When MinCapacity is raised (epoch ms). Never earlier than `nowMs` when one was given. */
  readonly raiseAtMs: number;
  /** When MinCapacity goes back to the endpoint's floor (epoch ms): the end of the last hold. */
  readonly restoreAtMs: number;
  /** The raised floor: the largest target among the merged releases, within [floor, max]. */
  readonly minCapacity: Floor;
  /** The endpoint's floor, restored at `restoreAtMs`. */
  readonly baseFloor: Floor;
  /** Seconds between raise and release that the plan assumed. */
  readonly leadSeconds: number;
  /** True when some release wanted more than `max` instances; the plan stops at max. */
  readonly capped: boolean;
  /** True when the planned raise time had already passed at `nowMs`: capacity may be late. */
  readonly late: boolean;
  /** Zone and wall time of the earliest release, for people reading the plan. */
  readonly timezone: string;
  readonly localReleaseTime: string;
}

export interface PlanInput {
  readonly releases: readonly Release[];
  readonly endpoints: Readonly<Record<string, EndpointSettings>>;
  readonly planner: PlannerSettings;
  readonly history?: ProvisioningHistory;
  /** The planning instant. Windows over by then are dropped; raises already due start now. */
  readonly nowMs?: number;
}

// Floating point turns 4 × 1.25 into 5.000000000000001 now and then; without the tolerance a
// ceil would buy a whole instance for a rounding error.
const CEIL_TOLERANCE = 1e-9;

/**
 * Instances a release needs: ceil(peak ÷ per-instance capacity × headroom), within
 * [floor, max]. `capped` says when max cut it short, so the plan can show the shortfall.
 */
export function targetInstances(
  peakRequestsPerSecond: number,
  endpoint: EndpointSettings,
  headroom: number,
): { readonly instances: Floor; readonly capped: boolean } {
  const wanted = Math.ceil(
    (peakRequestsPerSecond / endpoint.perInstanceCapacity) * headroom - CEIL_TOLERANCE,
  );
  const instances = clampFloor(Math.max(endpoint.floor, wanted), endpoint.max);
  return { instances, capped: wanted > endpoint.max };
}

/**
 * The nearest-rank percentile of `values` (p in (0, 100]); undefined for no values. Nearest-rank
 * never interpolates below an observed duration, so with few samples p95 is simply the slowest:
 * the cautious answer while history is thin.
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Below this many observations, p95 is the slowest of a handful of scale-outs and says little
 * about the tail; the configured provisioning time stays the lower bound until history is long
 * enough to overrule it.
 */
export const MIN_HISTORY_SAMPLES = 30;

/**
 * Seconds before a release to raise the floor: the p95 of observed provisioning-to-warm times
 * plus the planner's margin. With fewer than {@link MIN_HISTORY_SAMPLES} observations (none at
 * all included) the endpoint's configured provisioning time applies instead, unless what was
 * observed is slower. Invalid samples (negative, NaN) are ignored.
 */
export function leadSeconds(
  endpoint: EndpointSettings,
  planner: PlannerSettings,
  history: readonly number[] = [],
): number {
  const observed = history.filter((value) => Number.isFinite(value) && value >= 0);
  const p95 = percentile(observed, 95) ?? 0;
  const provisioning =
    observed.length >= MIN_HISTORY_SAMPLES ? p95 : Math.max(endpoint.provisioningSeconds, p95);
  return provisioning + planner.leadMarginSeconds;
}

interface Window {
  endpoint: EndpointName;
  releases: Release[];
  raiseAtMs: number;
  restoreAtMs: number;
  minCapacity: Floor;
  capped: boolean;
}

/**
 * Plans the floor raises for a set of releases. Pure and deterministic.
 *
 * Each (release, endpoint) pair becomes a window [release − lead, release + hold] at the
 * release's target. Windows of one endpoint that overlap or touch merge into one: highest
 * capacity, earliest raise, latest restore. Restoring in between would drop instances that the
 * next release needs warm, and raising again would pay the provisioning time twice.
 *
 * @throws ValidationError naming each release that refers to an endpoint with no settings.
 */
export function planPrescale(input: PlanInput): PrescaleAction[] {
  const issues: FieldIssue[] = [];
  const windows: Window[] = [];
  const leads = new Map<string, number>();
  for (const release of input.releases) {
    for (const endpoint of release.endpoints) {
      const settings = input.endpoints[endpoint];
      if (!settings) {
        issues.push({
          field: `releases.${release.id}.endpoints`,
          message: `no settings for endpoint ${endpoint}`,
        });
        continue;
      }
      const lead = leads.get(endpoint) ?? leadSeconds(settings, input.planner, input.history?.[endpoint]);
      leads.set(endpoint, lead);
      const target = targetInstances(release.peakRequestsPerSecond, settings, input.planner.headroom);
      windows.push({
        endpoint,
        releases: [release],
        raiseAtMs: release.releaseAtMs - lead * 1000,
        restoreAtMs: release.releaseAtMs + release.holdSeconds * 1000,
        minCapacity: target.instances,
        capped: target.capped,
      });
    }
  }
  if (issues.length > 0) throw new ValidationError(issues);

  const actions: PrescaleAction[] = [];
  for (const merged of mergeWindows(windows)) {
    if (input.nowMs !== undefined && merged.restoreAtMs <= input.nowMs) continue;
    const settings = input.endpoints[merged.endpoint] as EndpointSettings;
    const first = merged.releases[0] as Release;
    const late = input.nowMs !== undefined && merged.raiseAtMs < input.nowMs;
    actions.push({
      endpoint: merged.endpoint,
      releases: merged.releases.map((release) => release.id),
      releaseAtMs: first.releaseAtMs,
      raiseAtMs: late ? (input.nowMs as number) : merged.raiseAtMs,
      restoreAtMs: merged.restoreAtMs,
      minCapacity: merged.minCapacity,
      baseFloor: settings.floor,
      leadSeconds: leads.get(merged.endpoint) as number,
      capped: merged.capped,
      late,
      timezone: first.timezone,
      localReleaseTime: first.localTime,
    });
  }
  return actions.sort((a, b) => a.raiseAtMs - b.raiseAtMs || a.endpoint.localeCompare(b.endpoint));
}

function mergeWindows(windows: readonly Window[]): Window[] {
  const byEndpoint = new Map<string, Window[]>();
  for (const window of windows)
    byEndpoint.set(window.endpoint, [...(byEndpoint.get(window.endpoint) ?? []), window]);
  const merged: Window[] = [];
  for (const list of byEndpoint.values()) {
    list.sort((a, b) => a.raiseAtMs - b.raiseAtMs);
    let current: Window | undefined;
    for (const window of list) {
      if (current && window.raiseAtMs <= current.restoreAtMs) {
        current.restoreAtMs = Math.max(current.restoreAtMs, window.restoreAtMs);
        current.minCapacity = Math.max(current.minCapacity, window.minCapacity) as Floor;
        current.capped ||= window.capped;
        current.releases.push(...window.releases);
      } else {
        current = { ...window, releases: [...window.releases] };
        merged.push(current);
      }
    }
  }
  for (const window of merged) window.releases.sort((a, b) => a.releaseAtMs - b.releaseAtMs);
  return merged;
}
