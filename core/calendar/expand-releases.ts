import { type FieldIssue, ValidationError } from '../errors.js';
import { type Calendar, occurrenceId, type Release, type ReleaseRule } from './calendar.js';
import { formatLocalDateTime, type LocalDateTime } from './local-time.js';
import { expandOccurrences, RecurrenceLimitError } from './recurrence.js';

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
