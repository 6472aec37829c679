import { readFile } from 'node:fs/promises';
import { expandReleases } from '../../core/calendar/expand-releases.js';
import { calendarFormatOf, parseCalendar } from '../../core/calendar/parse-calendar.js';
import { planReleases, releasePlanOf } from '../../core/plan-releases.js';
import type { ReleasePlanSource } from '../../core/ports/release-plan.js';

/**
 * The release plan of a calendar file (.yaml, .yml or .json; an .ics file needs endpoint settings
 * this source does not take), planned on each load with core's planner, so an edited calendar
 * shows on the next refresh. This is the local region's source, whose calendar sync publishes no
 * plan; a deployed dashboard reads sync-schedules' published plan instead (S3ReleasePlan), and its
 * Lambda must not import this module: the calendar parsers would triple its bundle.
 */
export function calendarFile(path: string): ReleasePlanSource {
  return {
    load: async ({ fromMs, untilMs }) => {
      const calendar = parseCalendar(await readFile(path, 'utf8'), calendarFormatOf(path));
      const releases = expandReleases(calendar, { fromMs, untilMs });
      const actions = planReleases(releases, calendar, { nowMs: fromMs, untilMs });
      return releasePlanOf(releases, actions, { calendar: path, fromMs, untilMs });
    },
  };
}
