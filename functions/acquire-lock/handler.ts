import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import * as z from 'zod';
import { type AcquireLockDependencies, acquireEndpointLock } from '../../core/acquire-endpoint-lock.js';
import { endpointNameSchema } from '../../core/names.js';
import type { LockLease } from '../../core/ports/endpoint-lock.js';

type AcquiredLease = LockLease & { readonly tookOverFrom?: string };

import { parseOrThrow } from '../../core/validation.js';
import { DynamoDbEndpointLock } from '../adapters/dynamodb-endpoint-lock.js';
import { StepFunctionsExecutionStatus } from '../adapters/step-functions-execution-status.js';
import { lambdaHandler } from '../shared/lambda-handler.js';
import { clientConfig, lockTakeoverVars, lockVars, readConfig } from '../shared/runtime-config.js';

export interface AcquireLockDeps extends AcquireLockDependencies {
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
 * change one endpoint at once), or takes it over from an execution that was stopped while holding
 * it (core/acquire-endpoint-lock.ts). Re-acquiring as the same owner renews the lease, so a retry
 * after a crash is harmless. Throws LockBusyError when another execution holds a live lease; each
 * state machine decides by its Retry how long to wait for it.
 */
export function makeHandler(deps: AcquireLockDeps) {
  return lambdaHandler('acquire-lock', async (event: unknown): Promise<AcquiredLease> => {
    const request = parseOrThrow(acquireEventSchema, event);
    return acquireEndpointLock(deps, { ...request, now: deps.now() });
  });
}

export function defaultDeps(): AcquireLockDeps {
  const config = readConfig({ ...lockVars, ...lockTakeoverVars });
  return {
    lock: new DynamoDbEndpointLock(new DynamoDBClient(clientConfig()), config.LOCK_TABLE_NAME),
    executions: new StepFunctionsExecutionStatus(new SFNClient(clientConfig())),
    takeoverGraceMs: config.LOCK_TAKEOVER_GRACE_SECONDS * 1000,
    now: () => new Date(),
  };
}

export const handler = makeHandler(defaultDeps());
