/**
 * Fencing for the steps that change an endpoint.
 *
 * The lock is taken once, at the start of an execution, but Step Functions can resume an execution
 * past that step: a redrive continues a failed, stopped or timed-out execution from where it ended,
 * possibly long after its lock was released or taken over by the next rollout. So every step that
 * changes the endpoint, its scaling or its holds first renews its execution's lease, in one
 * conditional write that fails unless the execution still holds the lock, and changes nothing when
 * it does not.
 *
 * Renewing rather than reading matters twice over: a read would let another execution take an
 * expired lease between the check and the change, and the renewal keeps a long-running step's
 * lease alive (a rollback retrying while SageMaker finishes an update can outlast the lease the
 * rollout started with).
 */
import type { EndpointLock } from './ports/endpoint-lock.js';

export type LockRenewer = Pick<EndpointLock, 'renew'>;

/** @throws LockLostError naming the current holder (or none) when `owner` does not hold the lock. */
export async function confirmLockHeld(
  lock: LockRenewer,
  request: { endpoint: string; owner: string; now: Date; leaseSeconds: number },
): Promise<void> {
  await lock.renew(request);
}
