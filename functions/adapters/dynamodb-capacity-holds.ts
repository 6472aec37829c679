import {
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import type { CapacityHold, CapacityHolds } from '../../core/ports/capacity-holds.js';
import { callAws } from './aws-errors.js';

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
    await callAws('DynamoDB PutItem (hold)', () =>
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            endpointName: { S: hold.endpoint },
            holdId: { S: hold.holdId },
            minCapacity: { N: String(hold.minCapacity) },
            until: { N: String(untilSeconds) },
            ttl: { N: String(untilSeconds + 86_400) },
          },
        }),
      ),
    );
  }

  async remove(endpoint: string, holdId: string): Promise<void> {
    await callAws('DynamoDB DeleteItem (hold)', () =>
      this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { endpointName: { S: endpoint }, holdId: { S: holdId } },
        }),
      ),
    );
  }

  async active(endpoint: string, now: Date): Promise<CapacityHold[]> {
    const out = await callAws('DynamoDB Query (holds)', () =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'endpointName = :e',
          FilterExpression: '#until > :now',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: {
            ':e': { S: endpoint },
            ':now': { N: String(Math.floor(now.getTime() / 1000)) },
          },
          ConsistentRead: true,
        }),
      ),
    );
    return (out.Items ?? []).map((item) => ({
      endpoint,
      holdId: item.holdId?.S ?? '',
      minCapacity: Number(item.minCapacity?.N ?? 0),
      until: new Date(Number(item.until?.N ?? 0) * 1000).toISOString(),
    }));
  }
}
