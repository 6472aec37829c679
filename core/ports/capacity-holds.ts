/**
 * The hold id under which a rollout's own floor is kept. A pre-warm window that ends restores to
 * the highest active hold, so this one stops it from undercutting the floor a rollout asked for.
 * No window may take this id (core/prewarm/prewarm-plan.ts refuses it).
 */
export const ROLLOUT_FLOOR_HOLD = 'rollout-floor';

/** A claim on an endpoint's floor: a pre-warm's release window, or a rollout's requested floor. */
export interface CapacityHold {
  readonly endpoint: string;
  readonly holdId: string;
  readonly minCapacity: number;
  /** ISO 8601: when the window's hold ends and the claim lapses on its own. */
  readonly until: string;
  /** Present on a pre-warm window's hold only: what ending the window needs, should its execution die. */
  readonly window?: HeldWindow;
}

/**
 * Who put a window's hold, and where its floor goes back to. A pre-warm stopped outside the
 * dashboard, timed out, or failed in its restore never gives its floor back; this is what lets
 * calendar sync end such a window after it lapses (core/prewarm/end-lapsed-windows.ts).
 */
export interface HeldWindow {
  /** The execution (ARN) that put the hold; only it, or an execution ending its window, removes it. */
  readonly owner: string;
  readonly variant: string;
  readonly baseFloor: number;
  readonly releaseAt: string;
}

/**
 * Floors that active release windows still need. A rollout's ensure-floor and a pre-warm's
 * restore read them, so neither lowers capacity from under an overlapping release.
 */
export interface CapacityHolds {
  put(hold: CapacityHold): Promise<void>;
  /**
   * Drops a hold. With `owner`, only a hold that execution put (or one that names no owner):
   * a re-run of the same window that holds it now keeps it.
   *
   * @returns false when the hold was there but belongs to another execution.
   */
  remove(endpoint: string, holdId: string, owner?: string): Promise<boolean>;
  /** Holds whose `until` is after `now`. */
  active(endpoint: string, now: Date): Promise<CapacityHold[]>;
  /** Window holds, on any endpoint, whose `until` is at or before `now` and that are still there. */
  lapsed(now: Date): Promise<CapacityHold[]>;
}
