import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EndpointLock, LockLease } from '../../core/ports/endpoint-lock.js';
import { readPlan } from '../../core/rollout/rollout-plan.js';
import { DynamoDbEndpointLock } from '../adapters/dynamodb-endpoint-lock.js';
import { lambdaHandler } from '../shared/lambda-handler.js';
import { clientConfig, lockVars, readConfig } from '../shared/runtime-config.js';

export interface AcquireLockDeps {
  readonly lock: EndpointLock;
  readonly now: () => Date;
}

/**
 * Takes the endpoint's lock for this execution. Re-acquiring as the same owner renews the
 * lease, so a retry after a crash is harmless. Throws LockBusyError (retried briefly by the
 * state machine, then fatal) when another execution holds a live lease.
 */
export function makeHandler(deps: AcquireLockDeps) {
  return lambdaHandler(
    'acquire-lock',
    async (event: { plan: unknown; owner: string }): Promise<LockLease> => {
      const plan = readPlan(event.plan);
      return deps.lock.acquire({
        endpoint: plan.request.endpoint,
        owner: event.owner,
        purpose: 'rollout',
        now: deps.now(),
        leaseSeconds: plan.leaseSeconds,
      });
    },
  );
}

export function defaultDeps(): AcquireLockDeps {
  const config = readConfig(lockVars);
  return {
    lock: new DynamoDbEndpointLock(new DynamoDBClient(clientConfig()), config.LOCK_TABLE_NAME),
    now: () => new Date(),
  };
}

export const handler = makeHandler(defaultDeps());
