/** A held per-endpoint lock: who holds it and until when the lease is good. */
export interface LockLease {
  readonly endpoint: string;
  readonly owner: string;
  readonly purpose: 'rollout' | 'prewarm';
  readonly acquiredAt: string;
  readonly expiresAt: string;
}

/**
 * The per-endpoint mutual exclusion that keeps two rollouts (or a rollout and a pre-warm's
 * floor change) from acting on one endpoint at once. The lease expiry means a crashed holder
 * cannot keep an endpoint locked forever; re-acquiring as the same owner renews the lease, so a
 * retried step is idempotent.
 */
export interface EndpointLock {
  /** @throws LockBusyError naming the holder when another live lease exists. */
  acquire(request: {
    endpoint: string;
    owner: string;
    purpose: LockLease['purpose'];
    now: Date;
    leaseSeconds: number;
  }): Promise<LockLease>;
  /**
   * Moves the lock from `from` (an execution that has ended) to `owner`, keeping anything `from`
   * saved on it (see RemovedScalingStore), whatever its lease says.
   *
   * @throws LockBusyError naming the holder when `from` no longer holds it.
   */
  takeOver(request: Parameters<EndpointLock['acquire']>[0] & { from: string }): Promise<LockLease>;
  /**
   * Extends `owner`'s lease to `now + leaseSeconds`, whether or not it has expired, in one
   * conditional write: nobody can take the lock between the check and the renewal.
   *
   * @throws LockLostError naming the holder when `owner` does not hold the lock (any more).
   */
  renew(request: { endpoint: string; owner: string; now: Date; leaseSeconds: number }): Promise<void>;
  /** Releases the lock if `owner` holds it; false when it was not held by `owner`. */
  release(endpoint: string, owner: string): Promise<boolean>;
  /** The current lease, expired or not, or undefined when none is recorded. */
  holder(endpoint: string): Promise<LockLease | undefined>;
}
