import type { Calendar } from './calendar/calendar.js';
import { expandReleases } from './calendar/expand-releases.js';
import { type CalendarPlanRequest, planReleases } from './plan-releases.js';
import type { PrescaleAction } from './prescale-planner.js';

/**
 * The pre-scale plan for a calendar between `nowMs` and `untilMs`: releases expanded, narrowed
 * to one endpoint when asked, then planned (planReleases, which the sync-schedules Lambda calls
 * on the releases read-calendar expanded).
 *
 * @throws ValidationError naming `until` when it is not after `now`, naming `endpoint` when the
 *   calendar does not know it, or naming a recurrence that expands too far.
 */
export function planCalendar(calendar: Calendar, request: CalendarPlanRequest): PrescaleAction[] {
  return planReleases(
    expandReleases(calendar, { fromMs: request.nowMs, untilMs: request.untilMs }),
    calendar,
    request,
  );
}
