/**
 * Fencing for the steps that change an endpoint.
 *
 * The lock is taken once, at the start of an execution, but Step Functions can resume an execution
 * past that step: a redrive continues a failed, stopped or timed-out execution from where it ended,
 * possibly long after its lock was released or taken over by the next rollout. So every step that
 * changes the endpoint, its scaling or its holds first confirms that its execution still holds the
 * lock, and changes nothing when it does not.
 */
import { LockLostError } from './errors.js';
import type { EndpointLock } from './ports/endpoint-lock.js';

export type LockHolderReader = Pick<EndpointLock, 'holder'>;

/**
 * @throws LockLostError naming the current holder (or none) when `owner` does not hold
 *   `endpoint`'s lock. An expired lease that nobody has taken yet still counts as held: nothing
 *   else can be acting on the endpoint, and the execution's own retries renew nothing else.
 */
export async function confirmLockHeld(
  lock: LockHolderReader,
  endpoint: string,
  owner: string,
): Promise<void> {
  const lease = await lock.holder(endpoint);
  if (lease?.owner === owner) return;
  const now = lease ? `${lease.owner} holds it (${lease.purpose})` : 'nobody holds it';
  throw new LockLostError(
    `this execution no longer holds the lock on endpoint ${endpoint}: ${now}; nothing was changed. Start a new execution instead of redriving this one.`,
  );
}
