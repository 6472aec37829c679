import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { endpointNameSchema } from '../../core/names.js';
import type { EndpointLock } from '../../core/ports/endpoint-lock.js';
import { parseOrThrow } from '../../core/validation.js';
import { DynamoDbEndpointLock } from '../adapters/dynamodb-endpoint-lock.js';
import { lambdaHandler } from '../shared/lambda-handler.js';
import { clientConfig, lockVars, readConfig } from '../shared/runtime-config.js';

export interface ReleaseLockDeps {
  readonly lock: EndpointLock;
}

const releaseEventSchema = z.strictObject({ endpoint: endpointNameSchema, owner: z.string().min(1) });

/** Releases the endpoint's lock if this execution still holds it; idempotent. */
export function makeHandler(deps: ReleaseLockDeps) {
  return lambdaHandler('release-lock', async (event: unknown) => {
    const { endpoint, owner } = parseOrThrow(releaseEventSchema, event);
    return { released: await deps.lock.release(endpoint, owner) };
  });
}

export function defaultDeps(): ReleaseLockDeps {
  const config = readConfig(lockVars);
  return { lock: new DynamoDbEndpointLock(new DynamoDBClient(clientConfig()), config.LOCK_TABLE_NAME) };
}

export const handler = makeHandler(defaultDeps());
