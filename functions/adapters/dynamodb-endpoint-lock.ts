import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { LockBusyError } from '../../core/errors.js';
import type { EndpointLock, LockLease } from '../../core/ports/endpoint-lock.js';
import { callAws } from './aws-errors.js';

/**
 * {@link EndpointLock} on a DynamoDB table keyed by `endpointName` (S).
 *
 * Acquisition is one conditional PutItem: it succeeds when no item exists, the lease has
 * expired, or the caller already owns it. The `ttl` attribute lets DynamoDB's TTL sweep old
 * leases a day after expiry; correctness never depends on the sweep, only on `expiresAt`.
 */
export class DynamoDbEndpointLock implements EndpointLock {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async acquire(request: Parameters<EndpointLock['acquire']>[0]): Promise<LockLease> {
    const { lease, nowSeconds, expiresSeconds } = leaseFor(request);
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            endpointName: { S: request.endpoint },
            owner: { S: request.owner },
            purpose: { S: request.purpose },
            acquiredAt: { S: lease.acquiredAt },
            expiresAt: { N: String(expiresSeconds) },
            ttl: { N: String(expiresSeconds + 86_400) },
          },
          ConditionExpression: 'attribute_not_exists(endpointName) OR expiresAt < :now OR #owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':now': { N: String(nowSeconds) }, ':owner': { S: request.owner } },
        }),
      );
      return lease;
    } catch (error) {
      return this.#busy(request.endpoint, error, 'PutItem');
    }
  }

  async takeOver(request: Parameters<EndpointLock['takeOver']>[0]): Promise<LockLease> {
    const { lease, expiresSeconds } = leaseFor(request);
    try {
      // UpdateItem rather than PutItem: what the ended holder saved on the item stays with it.
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { endpointName: { S: request.endpoint } },
          UpdateExpression:
            'SET #owner = :owner, purpose = :purpose, acquiredAt = :acquiredAt, expiresAt = :expiresAt, #ttl = :ttl',
          ConditionExpression: '#owner = :from',
          ExpressionAttributeNames: { '#owner': 'owner', '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':owner': { S: request.owner },
            ':purpose': { S: request.purpose },
            ':acquiredAt': { S: lease.acquiredAt },
            ':expiresAt': { N: String(expiresSeconds) },
            ':ttl': { N: String(expiresSeconds + 86_400) },
            ':from': { S: request.from },
          },
        }),
      );
      return lease;
    } catch (error) {
      return this.#busy(request.endpoint, error, 'UpdateItem');
    }
  }

  /** A failed conditional write means somebody else holds the lock: name them. */
  async #busy(endpoint: string, error: unknown, operation: string): Promise<never> {
    if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') {
      return callAws(`DynamoDB ${operation} (lock)`, () => Promise.reject(error));
    }
    const holder = await this.holder(endpoint);
    throw new LockBusyError(
      `endpoint ${endpoint} is locked by ${holder?.owner ?? 'another execution'} (${holder?.purpose ?? 'unknown'}) until ${holder?.expiresAt ?? 'its lease expires'}`,
      holder?.owner,
    );
  }

  async release(endpoint: string, owner: string): Promise<boolean> {
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { endpointName: { S: endpoint } },
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': { S: owner } },
        }),
      );
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      return callAws('DynamoDB DeleteItem (lock)', () => Promise.reject(error));
    }
  }

  async holder(endpoint: string): Promise<LockLease | undefined> {
    const { Item } = await callAws('DynamoDB GetItem (lock)', () =>
      this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { endpointName: { S: endpoint } },
          ConsistentRead: true,
        }),
      ),
    );
    if (!Item) return undefined;
    return {
      endpoint,
      owner: Item.owner?.S ?? 'unknown',
      purpose: Item.purpose?.S === 'prewarm' ? 'prewarm' : 'rollout',
      acquiredAt: Item.acquiredAt?.S ?? '',
      expiresAt: new Date(Number(Item.expiresAt?.N ?? 0) * 1000).toISOString(),
    };
  }
}

function leaseFor(request: Parameters<EndpointLock['acquire']>[0]) {
  const nowSeconds = Math.floor(request.now.getTime() / 1000);
  const expiresSeconds = nowSeconds + request.leaseSeconds;
  const lease: LockLease = {
    endpoint: request.endpoint,
    owner: request.owner,
    purpose: request.purpose,
    acquiredAt: request.now.toISOString(),
    expiresAt: new Date(expiresSeconds * 1000).toISOString(),
  };
  return { lease, nowSeconds, expiresSeconds };
}
