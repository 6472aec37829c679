import type { ScalingLimits, ScheduledAction } from './scaling.js';

/** A variant's autoscaling as it was before a rollout removed it. */
export interface RemovedScaling {
  /** The variant it was removed from (absent in records saved before it was recorded). */
  readonly variant?: string;
  readonly limits: ScalingLimits;
  readonly scheduledActions: readonly ScheduledAction[];
}

/**
 * Where a rollout keeps the autoscaling it removed from its endpoint until it puts it back.
 *
 * An instance-type change must deregister the scalable target first (SageMaker refuses the
 * update otherwise), and deregistering deletes the scheduled actions. The step that does it can
 * crash before it returns what it removed; the retry then finds nothing left to read. So what is
 * removed is written here first, under the rollout's own lock, and the retry reads it back.
 */
export interface RemovedScalingStore {
  /** @throws ConflictError when `owner` no longer holds the endpoint's lock. */
  save(endpoint: string, owner: string, removed: RemovedScaling): Promise<void>;
  /** What `owner` saved for `endpoint`, if anything. */
  load(endpoint: string, owner: string): Promise<RemovedScaling | undefined>;
  /** Forgets what `owner` saved, once it is put back; nothing when `owner` no longer holds it. */
  clear(endpoint: string, owner: string): Promise<void>;
}
