import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { LockBusyError, LockLostError } from '../../core/errors.js';
import type { EndpointLock, LockLease } from '../../core/ports/endpoint-lock.js';
import { callAws } from './aws-errors.js';

/**
 * {@link EndpointLock} on a DynamoDB table keyed by `endpointName` (S).
 *
 * Acquisition is one conditional UpdateItem (which creates the item when there is none): it
 * succeeds when no item exists, the lease has expired, or the caller already owns it. The `ttl` attribute lets DynamoDB's TTL sweep old
 * leases a day after expiry; correctness never depends on the sweep, only on `expiresAt`.
 */
export class DynamoDbEndpointLock implements EndpointLock {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async acquire(request: Parameters<EndpointLock['acquire']>[0]): Promise<LockLease> {
    return this.#claim(
      request,
      '(attribute_not_exists(endpointName) OR expiresAt < :now OR #owner = :owner)',
      {},
    );
  }

  async takeOver(request: Parameters<EndpointLock['takeOver']>[0]): Promise<LockLease> {
    return this.#claim(request, '#owner = :from', { ':from': { S: request.from } });
  }

  /**
   * One conditional UpdateItem, not PutItem: scaling a rollout saved on the item (see
   * DynamoDbRemovedScaling) stays with it for the next holder. Only a rollout may take an item
   * that still carries saved scaling, since only a rollout puts it back.
   */
  async #claim(
    request: Parameters<EndpointLock['acquire']>[0],
    condition: string,
    values: Record<string, AttributeValue>,
  ): Promise<LockLease> {
    const { lease, nowSeconds, expiresSeconds } = leaseFor(request);
    const rolloutOnly = request.purpose === 'rollout' ? '' : ' AND attribute_not_exists(removedScaling)';
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { endpointName: { S: request.endpoint } },
          UpdateExpression:
            'SET #owner = :owner, purpose = :purpose, acquiredAt = :acquiredAt, expiresAt = :expiresAt, #ttl = :ttl',
          ConditionExpression: `${condition}${rolloutOnly}`,
          ExpressionAttributeNames: { '#owner': 'owner', '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':owner': { S: request.owner },
            ':purpose': { S: request.purpose },
            ':acquiredAt': { S: lease.acquiredAt },
            ':expiresAt': { N: String(expiresSeconds) },
            ':ttl': { N: String(expiresSeconds + 86_400) },
            ...(condition.includes(':now') ? { ':now': { N: String(nowSeconds) } } : {}),
            ...values,
          },
        }),
      );
      return lease;
    } catch (error) {
      return this.#busy(request.endpoint, error);
    }
  }

  /** A failed conditional write means somebody else holds the lock: name them. */
  async #busy(endpoint: string, error: unknown): Promise<never> {
    if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') {
      return callAws('DynamoDB UpdateItem (lock)', () => Promise.reject(error));
    }
    const item = await this.#item(endpoint);
    const holder = item ? leaseOf(endpoint, item) : undefined;
    const saved = item?.removedScaling
      ? '; it holds autoscaling removed for an instance-type change, which only a rollout puts back'
      : '';
    throw new LockBusyError(
      `endpoint ${endpoint} is locked by ${holder?.owner ?? 'another execution'} (${holder?.purpose ?? 'unknown'}) until ${holder?.expiresAt ?? 'its lease expires'}${saved}`,
      holder?.owner,
    );
  }

  async renew(request: Parameters<EndpointLock['renew']>[0]): Promise<void> {
    const expiresSeconds = Math.floor(request.now.getTime() / 1000) + request.leaseSeconds;
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { endpointName: { S: request.endpoint } },
          UpdateExpression: 'SET expiresAt = :expiresAt, #ttl = :ttl',
          // Not `expiresAt > :now`: an expired lease nobody has taken is still this owner's, and
          // renewing it here is atomic with the check, unlike reading it first.
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner', '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':owner': { S: request.owner },
            ':expiresAt': { N: String(expiresSeconds) },
            ':ttl': { N: String(expiresSeconds + 86_400) },
          },
        }),
      );
    } catch (error) {
      if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') {
        return callAws('DynamoDB UpdateItem (lock renewal)', () => Promise.reject(error));
      }
      const holder = await this.holder(request.endpoint);
      const now = holder ? `${holder.owner} holds it (${holder.purpose})` : 'nobody holds it';
      throw new LockLostError(
        `${request.owner} no longer holds the lock on endpoint ${request.endpoint}: ${now}; nothing was changed. Start a new execution instead of redriving this one.`,
      );
    }
  }

  async release(endpoint: string, owner: string): Promise<boolean> {
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { endpointName: { S: endpoint } },
          // Not while scaling saved on it is still to be put back: the lock then stays, for the
          // next rollout to take over and restore it.
          ConditionExpression: '#owner = :owner AND attribute_not_exists(removedScaling)',
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
    const item = await this.#item(endpoint);
    return item ? leaseOf(endpoint, item) : undefined;
  }

  async #item(endpoint: string): Promise<Record<string, AttributeValue> | undefined> {
    const { Item } = await callAws('DynamoDB GetItem (lock)', () =>
      this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { endpointName: { S: endpoint } },
          ConsistentRead: true,
        }),
      ),
    );
    return Item;
  }
}

function leaseOf(endpoint: string, item: Record<string, AttributeValue>): LockLease {
  return {
    endpoint,
    owner: item.owner?.S ?? 'unknown',
    purpose: item.purpose?.S === 'prewarm' ? 'prewarm' : 'rollout',
    acquiredAt: item.acquiredAt?.S ?? '',
    expiresAt: new Date(Number(item.expiresAt?.N ?? 0) * 1000).toISOString(),
  };
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
