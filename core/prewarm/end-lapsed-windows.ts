import { FloorNotRestoredError, isRetryable } from '../errors.js';
import type { CapacityHold, CapacityHolds, HeldWindow } from '../ports/capacity-holds.js';
import type { ExecutionPhases, ExecutionStatus } from '../ports/execution-status.js';
import type { PrewarmStarter } from '../ports/prewarm-schedules.js';
import { fnv1a64 } from '../resource-names.js';

/**
 * Endings that may end without giving a window's floor back before calendar sync fails (and
 * alarms) on it: with the hourly sync, about three hours of a rollout holding the lock, or of a
 * restore failing. Later attempts are still started, so the window ends on its own once whatever
 * blocked it clears.
 */
export const ENDINGS_BEFORE_ALARM = 3;
/** Attempts are looked up one by one; holds are swept 7 days after their window, ~170 hourly runs. */
const MAX_ENDING_ATTEMPTS = 999;

export interface LapsedWindowsReport {
  /** Ending executions started by this run, by name. */
  readonly ending: string[];
  /** Ending executions an earlier run started that still run (waiting for the lock), by name. */
  readonly inProgress: string[];
  /** The windows' own executions that still run (they restore their own floor), by ARN. */
  readonly stillRunning: string[];
}

export interface EndLapsedWindowsDeps {
  readonly holds: Pick<CapacityHolds, 'lapsed'>;
  readonly executions: ExecutionStatus & ExecutionPhases;
  readonly starter: PrewarmStarter;
}

/**
 * Ends every release window whose hold outlived its execution: a pre-warm stopped from the
 * console or CLI, timed out, or failed in its own restore never gives its raised floor back, and
 * the floor would stay until some later floor write, possibly days. Once such a window's `until`
 * has passed and its execution has provably ended, this starts the same ending the dashboard
 * starts on a stop: the window with `end: true`, which drops that execution's hold and restores
 * the floor under the endpoint lock. A window whose execution still runs is left to it.
 *
 * Idempotent: endings are named after the hold, its owner and the attempt, so a run finds the
 * ending an earlier (or a concurrent) run started. An ending that ended while the hold is still
 * there did not give the floor back (it gave up waiting for the lock, its restore failed, an
 * operator stopped it): the next attempt is started. From {@link ENDINGS_BEFORE_ALARM} such
 * endings on, the window counts as not restored, though its next attempt is still started.
 *
 * Every lapsed window is tried, even when another one fails.
 *
 * @throws the first error when every failure was retryable (throttling, a transient fault): the
 *   step's Retry runs it again, which starts nothing twice. Otherwise FloorNotRestoredError naming
 *   each window left raised, and the endings this run did start.
 */
export async function endLapsedWindows(deps: EndLapsedWindowsDeps, now: Date): Promise<LapsedWindowsReport> {
  const report: LapsedWindowsReport = { ending: [], inProgress: [], stillRunning: [] };
  const failures: Array<{ window: string; error: unknown }> = [];
  for (const hold of await deps.holds.lapsed(now)) {
    const window = hold.window;
    // A rollout's floor hold carries no window: it is not a window to end.
    if (!window) continue;
    try {
      if ((await deps.executions.endedAt(window.owner)) === undefined) {
        report.stillRunning.push(window.owner);
        continue;
      }
      const ending = await endWindow(deps, hold, window);
      report[ending.kind].push(ending.name);
      if (ending.failedBefore >= ENDINGS_BEFORE_ALARM) {
        const error = new FloorNotRestoredError(
          `${ending.failedBefore} endings ended without giving the floor back; ${ending.name} is the next`,
        );
        failures.push({ window: `${hold.endpoint} window ${hold.holdId}`, error });
      }
    } catch (error) {
      failures.push({ window: `${hold.endpoint} window ${hold.holdId}`, error });
    }
  }
  if (failures.length === 0) return report;
  if (failures.every((f) => isRetryable(f.error))) throw failures[0]?.error;
  const started =
    report.ending.length > 0 ? ` Endings started in this run: ${report.ending.join(', ')}.` : '';
  throw new FloorNotRestoredError(
    `${failures.length} lapsed window(s) still hold a raised floor: ${failures
      .map((f) => `${f.window}: ${(f.error as Error).message}`)
      .join('; ')}.${started}`,
  );
}

/** Finds this window's current ending, or starts the first attempt not made yet. */
async function endWindow(
  deps: EndLapsedWindowsDeps,
  hold: CapacityHold,
  window: HeldWindow,
): Promise<{ kind: 'ending' | 'inProgress'; name: string; failedBefore: number }> {
  for (let attempt = 1; attempt <= MAX_ENDING_ATTEMPTS; attempt += 1) {
    const name = endingName(hold, window, attempt);
    const phase = await deps.executions.phase(deps.starter.executionArn(name));
    const failedBefore = attempt - 1;
    if (phase === 'RUNNING' || phase === 'PENDING_REDRIVE') return { kind: 'inProgress', name, failedBefore };
    if (phase === undefined) {
      const outcome = await deps.starter.start(name, JSON.stringify(endingInput(hold, window)));
      // A concurrent sync started it since the look (or it ended at once): it is that run's.
      return { kind: outcome === 'started' ? 'ending' : 'inProgress', name, failedBefore };
    }
    // Ended, yet the hold is still here: this attempt did not give the floor back.
  }
  throw new FloorNotRestoredError(`${MAX_ENDING_ATTEMPTS} endings ended without giving the floor back`);
}

/** The pre-warm input that ends a held window (core/prewarm/prewarm-plan.ts `end`, `endsExecution`). */
function endingInput(hold: CapacityHold, window: HeldWindow) {
  return {
    endpoint: hold.endpoint,
    variant: window.variant,
    windowId: hold.holdId,
    releaseAt: window.releaseAt,
    restoreAt: hold.until,
    minCapacity: hold.minCapacity,
    baseFloor: window.baseFloor,
    end: true,
    endsExecution: window.owner,
  };
}

/**
 * `end-<window>-<hash>`, then `-2`, `-3`… for later attempts: at most 73 characters, within Step
 * Functions' 80 (a window id of 64 is cut to 56; the hash of the owner and the whole id keeps
 * names apart).
 */
export function endingName(
  hold: Pick<CapacityHold, 'holdId'>,
  window: Pick<HeldWindow, 'owner'>,
  attempt = 1,
): string {
  const name = `end-${hold.holdId.slice(0, 56)}-${fnv1a64(`${window.owner}\n${hold.holdId}`).slice(0, 8)}`;
  return attempt === 1 ? name : `${name}-${attempt}`;
}
