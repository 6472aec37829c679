import { type DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { ConflictError } from '../../core/errors.js';
import type { RemovedScaling, RemovedScalingStore } from '../../core/ports/removed-scaling-store.js';
import { readRemovedScaling } from '../../core/rollout/deploy-rollout.js';
import { callAws } from './aws-errors.js';

/**
 * {@link RemovedScalingStore} on the lock table: an attribute of the rollout's own lock item,
 * written only while that rollout holds the lock, and removed once the rollout has put it back
 * (ensure-floor or rollback). Until then the lock cannot be released (DynamoDbEndpointLock), so a
 * rollout whose rollback could not restore it leaves it, locked, for the next rollout to take
 * over and restore.
 */
export class DynamoDbRemovedScaling implements RemovedScalingStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async save(endpoint: string, owner: string, removed: RemovedScaling): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { endpointName: { S: endpoint } },
          UpdateExpression: 'SET removedScaling = :removed',
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: {
            ':removed': { S: JSON.stringify(removed) },
            ':owner': { S: owner },
          },
        }),
      );
    } catch (error) {
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') {
        throw new ConflictError(
          `endpoint ${endpoint}: ${owner} no longer holds its lock, so it may not change its scaling`,
        );
      }
      return callAws('DynamoDB UpdateItem (removed scaling)', () => Promise.reject(error));
    }
  }

  async clear(endpoint: string, owner: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { endpointName: { S: endpoint } },
          UpdateExpression: 'REMOVE removedScaling',
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': { S: owner } },
        }),
      );
    } catch (error) {
      // Taken over meanwhile: what is saved is the new holder's to restore now.
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return;
      return callAws('DynamoDB UpdateItem (removed scaling)', () => Promise.reject(error));
    }
  }

  async load(endpoint: string, owner: string): Promise<RemovedScaling | undefined> {
    const { Item } = await callAws('DynamoDB GetItem (removed scaling)', () =>
      this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { endpointName: { S: endpoint } },
          ConsistentRead: true,
        }),
      ),
    );
    const saved = Item?.removedScaling?.S;
    if (Item?.owner?.S !== owner || saved === undefined) return undefined;
    return readRemovedScaling(JSON.parse(saved));
  }
}
