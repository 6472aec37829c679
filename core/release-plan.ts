import * as z from 'zod';
import { ValidationError } from './errors.js';
import { parseOrThrow } from './validation.js';

/**
 * The release plan calendar-sync publishes after each successful sync: the pre-warm windows it
 * scheduled, as people and the dashboard read them (built by `releasePlanOf` in calendar-plan.ts). Publishing the plan, rather than letting each
 * reader parse and plan the calendar again, keeps one parse and one source of truth: what the
 * dashboard shows is what was scheduled, planned with the same measured provisioning history.
 */
export interface ReleasePlan {
  readonly version: 1;
  /** Where the calendar was read from (`s3://…/calendar.yaml`). */
  readonly calendar: string;
  /** When it was planned, and how far ahead (UTC ISO 8601): windows after that are not in it. */
  readonly plannedAt: string;
  readonly plannedUntil: string;
  readonly windows: readonly PlannedWindow[];
}

const isoInstant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 instant' });

const plannedWindowSchema = z.object({
  endpoint: z.string().min(1),
  releases: z.array(z.string()).min(1),
  /** "One Piece 1150" for each release, in the order of `releases`. */
  titles: z.array(z.string()),
  releaseAt: isoInstant,
  raiseAt: isoInstant,
  restoreAt: isoInstant,
  minCapacity: z.number().int(),
  baseFloor: z.number().int(),
  /** The forecast wanted more than the endpoint's max; the window stops at max. */
  capped: z.boolean(),
  timezone: z.string(),
  localReleaseTime: z.string(),
});

/** One planned window: when the floor is raised, to what, for which releases, and when restored. */
export type PlannedWindow = Readonly<z.output<typeof plannedWindowSchema>>;

const releasePlanSchema = z.object({
  version: z.literal(1, 'must be 1: this reader knows release plans of version 1 only'),
  calendar: z.string().min(1),
  plannedAt: isoInstant,
  plannedUntil: isoInstant,
  windows: z.array(plannedWindowSchema),
});

/**
 * Reads a published plan (its JSON text), as `releasePlanOf` writes it.
 *
 * @throws ValidationError naming each bad field (`windows.0.raiseAt`) when the text is not one.
 */
export function parseReleasePlan(text: string): ReleasePlan {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ValidationError([{ field: 'releasePlan', message: 'is not valid JSON' }]);
  }
  return parseOrThrow(releasePlanSchema, json, 'releasePlan');
}

/** The windows of `plan` open at some point of [fromMs, untilMs]: raised, held or restored in it. */
export function windowsBetween(plan: ReleasePlan, fromMs: number, untilMs: number): PlannedWindow[] {
  return plan.windows.filter(
    (window) => Date.parse(window.restoreAt) >= fromMs && Date.parse(window.releaseAt) <= untilMs,
  );
}
