import { LockBusyError } from './errors.js';
import type { EndpointLock, LockLease } from './ports/endpoint-lock.js';
import type { ExecutionStatus } from './ports/execution-status.js';

export interface AcquireLockDependencies {
  readonly lock: EndpointLock;
  readonly executions: ExecutionStatus;
  /**
   * How long after its execution ended a holder's lock may be taken over: longer than any step's
   * Lambda timeout. StopExecution ends the execution at once, but the Lambda it was running keeps
   * going until it returns or times out, and it may still be changing the endpoint.
   */
  readonly takeoverGraceMs: number;
}

/**
 * Takes an endpoint's lock, or takes it over from a holder whose execution has ended.
 *
 * A stopped execution (StopExecution, or the state machine's own timeout) runs no Catch, so it
 * never releases its lock, and a rollout's lease lasts as long as its worst-case deployment:
 * hours. Without the takeover, one aborted rollout would block every rollout and pre-warm of that
 * endpoint until the lease ran out. The holder is displaced only when its lease has expired, or
 * when Step Functions reports its execution ended at least `takeoverGraceMs` ago; a running holder
 * whose lease is still good never is.
 *
 * @throws LockBusyError naming the holder (and, if it has ended, from when its lock can be taken).
 */
export async function acquireEndpointLock(
  deps: AcquireLockDependencies,
  request: Parameters<EndpointLock['acquire']>[0],
): Promise<LockLease & { readonly tookOverFrom?: string }> {
  try {
    return await deps.lock.acquire(request);
  } catch (error) {
    if (!(error instanceof LockBusyError) || !error.holder || error.holder === request.owner) throw error;
    let ended: Date | undefined;
    try {
      ended = await deps.executions.endedAt(error.holder);
    } catch {
      // Not knowing whether the holder ended is not a reason to fail differently: it holds the lock.
      throw error;
    }
    if (!ended) throw error;
    const from = new Date(ended.getTime() + deps.takeoverGraceMs);
    if (request.now < from) {
      throw new LockBusyError(
        `${error.message}; that execution ended at ${ended.toISOString()}, and its lock can be taken over from ${from.toISOString()}, once any step it was running has finished`,
        error.holder,
      );
    }
    const lease = await deps.lock.takeOver({ ...request, from: error.holder });
    return { ...lease, tookOverFrom: error.holder };
  }
}
