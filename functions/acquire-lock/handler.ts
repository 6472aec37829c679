import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { endpointNameSchema } from '../../core/names.js';
import type { EndpointLock, LockLease } from '../../core/ports/endpoint-lock.js';
import { parseOrThrow } from '../../core/validation.js';
import { DynamoDbEndpointLock } from '../adapters/dynamodb-endpoint-lock.js';
import { lambdaHandler } from '../shared/lambda-handler.js';
import { clientConfig, lockVars, readConfig } from '../shared/runtime-config.js';

export interface AcquireLockDeps {
  readonly lock: EndpointLock;
  readonly now: () => Date;
}

const acquireEventSchema = z.strictObject({
  endpoint: endpointNameSchema,
  owner: z.string().min(1),
  purpose: z.enum(['rollout', 'prewarm']),
  leaseSeconds: z.number().int().min(60).max(86_400),
});

/**
 * Takes the endpoint's lock for this execution (rollout or pre-warm: one lock, so they never
 * change one endpoint at once). Re-acquiring as the same owner renews the lease, so a retry after
 * a crash is harmless. Throws LockBusyError when another execution holds a live lease; each state
 * machine decides by its Retry how long to wait for it.
 */
export function makeHandler(deps: AcquireLockDeps) {
  return lambdaHandler('acquire-lock', async (event: unknown): Promise<LockLease> => {
    const request = parseOrThrow(acquireEventSchema, event);
    return deps.lock.acquire({ ...request, now: deps.now() });
  });
}

export function defaultDeps(): AcquireLockDeps {
  const config = readConfig(lockVars);
  return {
    lock: new DynamoDbEndpointLock(new DynamoDBClient(clientConfig()), config.LOCK_TABLE_NAME),
    now: () => new Date(),
  };
}

export const handler = makeHandler(defaultDeps());
