/** A pre-warm's claim on an endpoint's floor for a release window. */
export interface CapacityHold {
  readonly endpoint: string;
  readonly holdId: string;
  readonly minCapacity: number;
  /** ISO 8601: when the window's hold ends and the claim lapses on its own. */
  readonly until: string;
}

/**
 * Floors that active release windows still need. A rollout's ensure-floor and a pre-warm's
 * restore read them, so neither lowers capacity from under an overlapping release.
 */
export interface CapacityHolds {
  put(hold: CapacityHold): Promise<void>;
  remove(endpoint: string, holdId: string): Promise<void>;
  /** Holds whose `until` is after `now`. */
  active(endpoint: string, now: Date): Promise<CapacityHold[]>;
}
