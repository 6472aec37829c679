import { LockBusyError } from './errors.js';
import type { EndpointLock, LockLease } from './ports/endpoint-lock.js';
import type { ExecutionStatus } from './ports/execution-status.js';

/**
 * Takes an endpoint's lock, or takes it over from a holder whose execution has ended.
 *
 * A stopped execution (StopExecution, or the state machine's own timeout) runs no Catch, so it
 * never releases its lock, and a rollout's lease lasts as long as its worst-case deployment:
 * hours. Without the takeover, one aborted rollout would block every rollout and pre-warm of that
 * endpoint until the lease ran out. Step Functions is asked, not the clock: a live holder is never
 * displaced, however old its lease.
 *
 * @throws LockBusyError naming the holder when it is still running (or cannot be proven ended).
 */
export async function acquireEndpointLock(
  deps: { readonly lock: EndpointLock; readonly executions: ExecutionStatus },
  request: Parameters<EndpointLock['acquire']>[0],
): Promise<LockLease & { readonly tookOverFrom?: string }> {
  try {
    return await deps.lock.acquire(request);
  } catch (error) {
    const holder = error instanceof LockBusyError ? error.holder : undefined;
    if (!holder || holder === request.owner || !(await deps.executions.hasEnded(holder))) throw error;
    const lease = await deps.lock.takeOver({ ...request, from: holder });
    return { ...lease, tookOverFrom: holder };
  }
}
