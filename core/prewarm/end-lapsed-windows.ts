import { FloorNotRestoredError } from '../errors.js';
import type { CapacityHold, CapacityHolds, HeldWindow } from '../ports/capacity-holds.js';
import type { ExecutionPhases, ExecutionStatus } from '../ports/execution-status.js';
import type { PrewarmStarter } from '../ports/prewarm-schedules.js';
import { fnv1a64 } from '../resource-names.js';

/**
 * Endings tried per lapsed window before calendar sync fails and alarms instead: with the hourly
 * sync, about three hours of a rollout holding the lock, or of a restore failing.
 */
export const MAX_ENDING_ATTEMPTS = 3;

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
 * ending an earlier run started. An ending that ended while the hold is still there did not give
 * the floor back (it gave up waiting for the lock, its restore failed, an operator stopped it):
 * the next attempt is started, up to {@link MAX_ENDING_ATTEMPTS}.
 *
 * Every lapsed window is tried, even when another one fails.
 *
 * @throws FloorNotRestoredError naming each window that could not be ended, after trying all.
 */
export async function endLapsedWindows(deps: EndLapsedWindowsDeps, now: Date): Promise<LapsedWindowsReport> {
  const report: LapsedWindowsReport = { ending: [], inProgress: [], stillRunning: [] };
  const failures: string[] = [];
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
    } catch (error) {
      failures.push(`${hold.endpoint} window ${hold.holdId}: ${(error as Error).message}`);
    }
  }
  if (failures.length > 0) {
    throw new FloorNotRestoredError(
      `${failures.length} lapsed window(s) still hold a raised floor: ${failures.join('; ')}`,
    );
  }
  return report;
}

async function endWindow(
  deps: EndLapsedWindowsDeps,
  hold: CapacityHold,
  window: HeldWindow,
): Promise<{ kind: 'ending' | 'inProgress'; name: string }> {
  for (let attempt = 1; attempt <= MAX_ENDING_ATTEMPTS; attempt += 1) {
    const name = endingName(hold, window, attempt);
    const phase = await deps.executions.phase(deps.starter.executionArn(name));
    if (phase === 'RUNNING' || phase === 'PENDING_REDRIVE') return { kind: 'inProgress', name };
    if (phase === undefined) {
      const outcome = await deps.starter.start(name, JSON.stringify(endingInput(hold, window)));
      // Another sync started it since the look: it runs.
      return { kind: outcome === 'started' ? 'ending' : 'inProgress', name };
    }
    // Ended, yet the hold is still here: this attempt did not give the floor back.
  }
  throw new FloorNotRestoredError(
    `${MAX_ENDING_ATTEMPTS} endings ended without giving the floor back (the last: ${endingName(hold, window, MAX_ENDING_ATTEMPTS)})`,
  );
}

/** The pre-warm input that ends a held window (core/prewarm/prewarm-plan.ts `end`, `endsExecution`). */
export function endingInput(hold: CapacityHold, window: HeldWindow) {
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
 * `end-<window>-<hash of the owner>`, then `-2`, `-3` for later attempts: within Step Functions'
 * 80 characters (window ids are at most 64).
 */
export function endingName(
  hold: Pick<CapacityHold, 'holdId'>,
  window: Pick<HeldWindow, 'owner'>,
  attempt = 1,
): string {
  const name = `end-${hold.holdId}-${fnv1a64(window.owner).slice(0, 8)}`;
  return attempt === 1 ? name : `${name}-${attempt}`;
}
