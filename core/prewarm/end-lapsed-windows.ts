import type { CapacityHold, CapacityHolds, HeldWindow } from '../ports/capacity-holds.js';
import type { ExecutionStatus } from '../ports/execution-status.js';
import type { PrewarmStarter } from '../ports/prewarm-schedules.js';
import { fnv1a64 } from '../resource-names.js';

export interface LapsedWindowsReport {
  /** Ending executions started now, by name. */
  readonly ending: string[];
  /** Lapsed windows whose ending execution was started by an earlier run (it may have failed). */
  readonly alreadyEnding: string[];
  /** Lapsed windows whose own execution still runs (waiting for the lock to restore): left to it. */
  readonly stillRunning: string[];
}

/**
 * Ends every release window whose hold outlived its execution: a pre-warm stopped from the
 * console or CLI, timed out, or failed in its own restore never gives its raised floor back, and
 * the floor would stay until some later floor write, possibly days. Once such a window's `until`
 * has passed and its execution has provably ended, this starts the same ending the dashboard
 * starts on a stop: the window with `end: true`, which drops that execution's hold and restores
 * the floor under the endpoint lock. A window whose execution still runs is left to it.
 *
 * Idempotent: the ending execution is named after the hold and its owner, so a second run starts
 * nothing for the same lapsed hold.
 */
export async function endLapsedWindows(
  deps: { holds: Pick<CapacityHolds, 'lapsed'>; executions: ExecutionStatus; starter: PrewarmStarter },
  now: Date,
): Promise<LapsedWindowsReport> {
  const report: LapsedWindowsReport = { ending: [], alreadyEnding: [], stillRunning: [] };
  for (const hold of await deps.holds.lapsed(now)) {
    const window = hold.window;
    // A rollout's floor hold carries no window: it is not a window to end.
    if (!window) continue;
    const name = endingName(hold, window);
    if ((await deps.executions.endedAt(window.owner)) === undefined) {
      report.stillRunning.push(name);
      continue;
    }
    const outcome = await deps.starter.start(name, JSON.stringify(endingInput(hold, window)));
    (outcome === 'started' ? report.ending : report.alreadyEnding).push(name);
  }
  return report;
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
 * `end-<window>-<hash of the owner>`: one ending per execution that held the window, within Step
 * Functions' 80 characters (window ids are at most 64).
 */
export function endingName(hold: Pick<CapacityHold, 'holdId'>, window: Pick<HeldWindow, 'owner'>): string {
  return `end-${hold.holdId}-${fnv1a64(window.owner).slice(0, 8)}`;
}
