import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { ConflictError } from '../../core/errors.js';
import type { CapacityHold, CapacityHolds } from '../../core/ports/capacity-holds.js';
import { callAws } from './aws-errors.js';

/**
 * A lapsed window hold stays this long past its `until` before DynamoDB may sweep it: long enough
 * for several hourly calendar syncs to end the window of an execution that died holding it.
 */
const SWEEP_AFTER_SECONDS = 7 * 86_400;

/**
 * {@link CapacityHolds} on a DynamoDB table keyed by `endpointName` (HASH) and `holdId` (RANGE).
 * Expired holds are filtered by `until` at read time; `ttl` lets DynamoDB sweep them later.
 */
export class DynamoDbCapacityHolds implements CapacityHolds {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async put(hold: CapacityHold): Promise<void> {
    const untilSeconds = Math.floor(Date.parse(hold.until) / 1000);
    const window = hold.window;
    await callAws('DynamoDB PutItem (hold)', () =>
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            endpointName: { S: hold.endpoint },
            holdId: { S: hold.holdId },
            minCapacity: { N: String(hold.minCapacity) },
            until: { N: String(untilSeconds) },
            ttl: { N: String(untilSeconds + SWEEP_AFTER_SECONDS) },
            ...(window
              ? {
                  owner: { S: window.owner },
                  variant: { S: window.variant },
                  baseFloor: { N: String(window.baseFloor) },
                  releaseAt: { S: window.releaseAt },
                }
              : {}),
          },
        }),
      ),
    );
  }

  async remove(endpoint: string, holdId: string, owner?: string): Promise<boolean> {
    try {
      await callAws('DynamoDB DeleteItem (hold)', () =>
        this.client.send(
          new DeleteItemCommand({
            TableName: this.tableName,
            Key: { endpointName: { S: endpoint }, holdId: { S: holdId } },
            ...(owner === undefined
              ? {}
              : {
                  ConditionExpression: 'attribute_not_exists(#owner) OR #owner = :owner',
                  ExpressionAttributeNames: { '#owner': 'owner' },
                  ExpressionAttributeValues: { ':owner': { S: owner } },
                }),
          }),
        ),
      );
      return true;
    } catch (error) {
      // The window was run again meanwhile, and that execution's hold is not this one's to drop.
      if (error instanceof ConflictError) return false;
      throw error;
    }
  }

  async active(endpoint: string, now: Date): Promise<CapacityHold[]> {
    const out = await callAws('DynamoDB Query (holds)', () =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'endpointName = :e',
          FilterExpression: '#until > :now',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':e': { S: endpoint }, ':now': { N: epochSeconds(now) } },
          ConsistentRead: true,
        }),
      ),
    );
    return (out.Items ?? []).map(holdOf);
  }

  async lapsed(now: Date): Promise<CapacityHold[]> {
    // A Scan: lapsed windows may be on endpoints no calendar names (an operator's pre-warm). The
    // table holds one item per window and endpoint, so it stays small.
    const holds: CapacityHold[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const exclusiveStartKey = startKey;
      const page = await callAws('DynamoDB Scan (lapsed holds)', () =>
        this.client.send(
          new ScanCommand({
            TableName: this.tableName,
            FilterExpression: '#until <= :now AND attribute_exists(#owner)',
            ExpressionAttributeNames: { '#until': 'until', '#owner': 'owner' },
            ExpressionAttributeValues: { ':now': { N: epochSeconds(now) } },
            ConsistentRead: true,
            ...(exclusiveStartKey ? { ExclusiveStartKey: exclusiveStartKey } : {}),
          }),
        ),
      );
      holds.push(...(page.Items ?? []).map(holdOf));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return holds;
  }
}

function epochSeconds(at: Date): string {
  return String(Math.floor(at.getTime() / 1000));
}

function holdOf(item: Record<string, AttributeValue>): CapacityHold {
  const hold = {
    endpoint: item.endpointName?.S ?? '',
    holdId: item.holdId?.S ?? '',
    minCapacity: Number(item.minCapacity?.N ?? 0),
    until: new Date(Number(item.until?.N ?? 0) * 1000).toISOString(),
  };
  const owner = item.owner?.S;
  if (owner === undefined) return hold;
  return {
    ...hold,
    window: {
      owner,
      variant: item.variant?.S ?? '',
      baseFloor: Number(item.baseFloor?.N ?? 0),
      releaseAt: item.releaseAt?.S ?? '',
    },
  };
}
