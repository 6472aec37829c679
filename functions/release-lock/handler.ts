import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EndpointLock } from '../../core/ports/endpoint-lock.js';
import { readPlan } from '../../core/rollout/rollout-plan.js';
import { DynamoDbEndpointLock } from '../adapters/dynamodb-endpoint-lock.js';
import { lambdaHandler } from '../shared/lambda-handler.js';
import { clientConfig, lockVars, readConfig } from '../shared/runtime-config.js';

export interface ReleaseLockDeps {
  readonly lock: EndpointLock;
}

/** Releases the endpoint's lock if this execution still holds it; idempotent. */
export function makeHandler(deps: ReleaseLockDeps) {
  return lambdaHandler('release-lock', async (event: { plan: unknown; owner: string }) => {
    const plan = readPlan(event.plan);
    return { released: await deps.lock.release(plan.request.endpoint, event.owner) };
  });
}

export function defaultDeps(): ReleaseLockDeps {
  const config = readConfig(lockVars);
  return { lock: new DynamoDbEndpointLock(new DynamoDBClient(clientConfig()), config.LOCK_TABLE_NAME) };
}

export const handler = makeHandler(defaultDeps());
