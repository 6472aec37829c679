import type { EndpointState, EndpointStatus } from './endpoint-state.js';

/**
 * What a poll of the endpoint means for a rollout:
 * - `busy`: SageMaker is still working; poll again.
 * - `done`: InService. It may still be on the old config after a rolled-back update, which the
 *   capacity verdict decides, so `failureReason` is carried along.
 * - `failed`: polling cannot help; the rollout ends.
 */
export type EndpointVerdict =
  | { readonly kind: 'busy'; readonly status: EndpointStatus }
  | { readonly kind: 'done'; readonly status: 'InService'; readonly failureReason?: string }
  | { readonly kind: 'failed'; readonly status: EndpointStatus; readonly reason: string };

// Why each status lands where it does; the Record makes a new status a compile error here.
const VERDICT_BY_STATUS: Readonly<Record<EndpointStatus, 'busy' | 'done' | 'failed'>> = {
  Creating: 'busy',
  Updating: 'busy',
  // A platform patch replaces instances under us; it ends InService without our involvement.
  SystemUpdating: 'busy',
  // SageMaker is returning to the old config; it ends InService, and capacity says "rolled back".
  RollingBack: 'busy',
  InService: 'done',
  // Nothing brings an endpoint that is being deleted back; waiting would only burn the deadline.
  Deleting: 'failed',
  OutOfService: 'failed',
  Failed: 'failed',
  UpdateRollbackFailed: 'failed',
};

const FAILED_WITHOUT_REASON: Readonly<Partial<Record<EndpointStatus, string>>> = {
  Deleting: 'the endpoint is being deleted',
  OutOfService: 'the endpoint is out of service and takes no requests',
  Failed: 'the endpoint failed and SageMaker gave no reason',
  UpdateRollbackFailed: 'the update failed and so did SageMaker’s rollback; the endpoint needs an operator',
};

/** Classifies a described endpoint. Total over SageMaker's nine statuses. */
export function endpointVerdict(state: Pick<EndpointState, 'status' | 'failureReason'>): EndpointVerdict {
  const kind = VERDICT_BY_STATUS[state.status];
  if (kind === 'busy') return { kind, status: state.status };
  if (kind === 'done') {
    return state.failureReason
      ? { kind, status: 'InService', failureReason: state.failureReason }
      : { kind, status: 'InService' };
  }
  const fallback = FAILED_WITHOUT_REASON[state.status] ?? `the endpoint is ${state.status}`;
  return { kind, status: state.status, reason: state.failureReason || fallback };
}
