import type { ReleasePlan } from '../release-plan.js';

/** Where calendar-sync publishes the plan it scheduled, for the dashboard and for people. */
export interface ReleasePlanStore {
  /** Replaces the published plan. */
  publish(plan: ReleasePlan): Promise<void>;
}

/** Where the dashboard finds the planned pre-warm windows. */
export interface ReleasePlanSource {
  /**
   * A plan covering at least the windows open in [fromMs, untilMs] (it may hold more), or
   * undefined when nothing has been planned yet.
   *
   * @throws ValidationError when the plan (or the calendar it is planned from) is invalid.
   */
  load(range: { readonly fromMs: number; readonly untilMs: number }): Promise<ReleasePlan | undefined>;
}
