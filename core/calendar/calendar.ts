import type { Floor } from '../floor.js';
import type { EndpointName } from '../names.js';
import { formatLocalDateTime, type LocalDateTime } from './local-time.js';
// Types only: recurrence.ts holds ical.js, which the Lambdas that plan must not bundle.
import type { Recurrence } from './recurrence.js';

/** How one endpoint scales, as the planner needs it. */
export interface EndpointSettings {
  readonly endpoint: EndpointName;
  /** The everyday floor (MinCapacity), restored after each release. At least 2. */
  readonly floor: Floor;
  /** The most instances a release may raise the floor to (the scalable target's MaxCapacity). */
  readonly max: number;
  /** Requests per second one instance serves within the latency target. */
  readonly perInstanceCapacity: number;
  /** Provisioning-to-warm time assumed when no measurements exist yet. */
  readonly provisioningSeconds: number;
}

/** Planner-wide knobs. */
export interface PlannerSettings {
  /** Multiplier on the computed instance count: the spare that absorbs a peak above forecast. */
  readonly headroom: number;
  /** Added to the p95 provisioning time: the slack for a slower-than-usual scale-out. */
  readonly leadMarginSeconds: number;
}

export const DEFAULT_PLANNER_SETTINGS: PlannerSettings = Object.freeze({
  headroom: 1.2,
  leadMarginSeconds: 600,
});

/** A release as the calendar states it, perhaps recurring. */
export interface ReleaseRule {
  readonly id: string;
  readonly series: string;
  /** A number advances by one with each occurrence of a recurring release. */
  readonly chapter?: number | string;
  readonly start: LocalDateTime;
  /** IANA zone of `start`, e.g. Asia/Tokyo for Weekly Shōnen Jump. */
  readonly timezone: string;
  readonly recurrence?: Recurrence;
  readonly endpoints: readonly EndpointName[];
  readonly peakRequestsPerSecond: number;
  readonly holdSeconds: number;
  /** Where the rule came from (`releases.3`, `VEVENT 2`), for errors raised after parsing. */
  readonly source: string;
  readonly line?: number;
}

/** A parsed, validated calendar: nothing in it can fail planning except the horizon. */
export interface Calendar {
  readonly endpoints: Readonly<Record<string, EndpointSettings>>;
  readonly planner: PlannerSettings;
  /** Named peak rates (requests/s) that releases refer to, e.g. `major: 600`. */
  readonly tiers: Readonly<Record<string, number>>;
  readonly releases: readonly ReleaseRule[];
}

/** One concrete release at one instant. */
export interface Release {
  /** The rule id, or `RULE-YYYYMMDDTHHMM` (local time) for an occurrence of a recurring rule. */
  readonly id: string;
  readonly ruleId: string;
  readonly series: string;
  readonly chapter?: number | string;
  readonly releaseAtMs: number;
  readonly timezone: string;
  /** The wall-clock release time in `timezone`, `YYYY-MM-DDTHH:MM:SS`. */
  readonly localTime: string;
  readonly endpoints: readonly EndpointName[];
  readonly peakRequestsPerSecond: number;
  readonly holdSeconds: number;
}

/** The id a recurring rule's occurrence gets: `RULE-YYYYMMDDTHHMM`, in the rule's local time. */
export function occurrenceId(ruleId: string, local: LocalDateTime): string {
  return `${ruleId}-${formatLocalDateTime(local).slice(0, 16).replace(/[-:]/g, '')}`;
}
