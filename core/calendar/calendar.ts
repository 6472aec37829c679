import { type FieldIssue, ValidationError } from '../errors.js';
import type { Floor } from '../floor.js';
import type { EndpointName } from '../names.js';
import { formatLocalDateTime, type LocalDateTime } from './local-time.js';
import { expandOccurrences, type Recurrence, RecurrenceLimitError } from './recurrence.js';

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

/**
 * The concrete releases whose hold window is still open at `fromMs` and that happen no later than
 * `untilMs`, sorted by time. A release already out when `fromMs` arrives but still inside its hold
 * window is kept: its capacity is still needed.
 *
 * @throws ValidationError naming the rule when a recurrence expands past the step limit.
 */
export function expandReleases(
  calendar: Calendar,
  window: { readonly fromMs: number; readonly untilMs: number },
): Release[] {
  const releases: Release[] = [];
  const issues: FieldIssue[] = [];
  for (const rule of calendar.releases) {
    try {
      const occurrences = expandOccurrences(rule.start, rule.timezone, rule.recurrence, {
        fromMs: window.fromMs - rule.holdSeconds * 1000,
        untilMs: window.untilMs,
      });
      for (const occurrence of occurrences) releases.push(toRelease(rule, occurrence));
    } catch (error) {
      if (!(error instanceof RecurrenceLimitError)) throw error;
      issues.push({
        field: `${rule.source}.repeat`,
        message: `${error.message}; narrow the horizon or check FREQ${rule.line ? ` (line ${rule.line})` : ''}`,
      });
    }
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return releases.sort((a, b) => a.releaseAtMs - b.releaseAtMs || a.id.localeCompare(b.id));
}

/** The id a recurring rule's occurrence gets: `RULE-YYYYMMDDTHHMM`, in the rule's local time. */
export function occurrenceId(ruleId: string, local: LocalDateTime): string {
  return `${ruleId}-${formatLocalDateTime(local).slice(0, 16).replace(/[-:]/g, '')}`;
}

function toRelease(
  rule: ReleaseRule,
  occurrence: { local: LocalDateTime; epochMs: number; index: number },
): Release {
  const localTime = formatLocalDateTime(occurrence.local);
  const id = rule.recurrence ? occurrenceId(rule.id, occurrence.local) : rule.id;
  const chapter = typeof rule.chapter === 'number' ? rule.chapter + occurrence.index : rule.chapter;
  return {
    id,
    ruleId: rule.id,
    series: rule.series,
    ...(chapter === undefined ? {} : { chapter }),
    releaseAtMs: occurrence.epochMs,
    timezone: rule.timezone,
    localTime,
    endpoints: rule.endpoints,
    peakRequestsPerSecond: rule.peakRequestsPerSecond,
    holdSeconds: rule.holdSeconds,
  };
}
