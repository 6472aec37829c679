import { describe, expect, it } from 'vitest';
import { ENDPOINT_STATUSES, type EndpointStatus } from '../../../core/endpoint-state.js';
import { endpointVerdict } from '../../../core/endpoint-verdict.js';

describe('endpointVerdict', () => {
  const expected: Record<EndpointStatus, 'busy' | 'done' | 'failed'> = {
    OutOfService: 'failed',
    Creating: 'busy',
    Updating: 'busy',
    SystemUpdating: 'busy',
    RollingBack: 'busy',
    InService: 'done',
    Deleting: 'failed',
    Failed: 'failed',
    UpdateRollbackFailed: 'failed',
  };

  it.each(ENDPOINT_STATUSES.map((status) => [status, expected[status]]))(
    'classifies %s as %s',
    (status, kind) => {
      expect(endpointVerdict({ status: status as EndpointStatus }).kind).toBe(kind);
    },
  );

  it('passes SageMaker’s failure reason through when the endpoint failed', () => {
    const reason =
      'The primary container for production variant AllTraffic did not pass the ping health check.';
    expect(endpointVerdict({ status: 'Failed', failureReason: reason })).toEqual({
      kind: 'failed',
      status: 'Failed',
      reason,
    });
  });

  it('explains the failure when SageMaker gave no reason', () => {
    const verdict = endpointVerdict({ status: 'UpdateRollbackFailed' });
    expect(verdict.kind === 'failed' && verdict.reason).toMatch(/rollback/);
  });

  it('keeps the failure reason of a rolled-back update when the endpoint is InService again', () => {
    expect(endpointVerdict({ status: 'InService', failureReason: 'update failed' })).toEqual({
      kind: 'done',
      status: 'InService',
      failureReason: 'update failed',
    });
  });
});
