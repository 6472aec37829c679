import { type DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { AuditLog, AuditRecord } from '../../core/ports/telemetry.js';
import { callAws } from './aws-errors.js';

/**
 * {@link AuditLog} on a DynamoDB table keyed by `endpointName` (HASH) and `sortKey` (RANGE,
 * `startedAt#executionId`), so the newest records of an endpoint are one Query away.
 *
 * The key holds nothing that changes between attempts: a Record step retried after a crash (its
 * write done, its answer lost) overwrites its own record instead of adding a second one. Keyed by
 * `finishedAt`, each attempt had its own key.
 */
export class DynamoDbAuditLog implements AuditLog {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async append(record: AuditRecord): Promise<void> {
    await callAws('DynamoDB PutItem (audit)', () =>
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            endpointName: { S: record.endpoint },
            sortKey: { S: `${record.startedAt}#${record.executionId}` },
            record: { S: JSON.stringify(record) },
          },
        }),
      ),
    );
  }

  async recent(endpoint: string, limit: number): Promise<AuditRecord[]> {
    const out = await callAws('DynamoDB Query (audit)', () =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'endpointName = :e',
          ExpressionAttributeValues: { ':e': { S: endpoint } },
          ScanIndexForward: false,
          Limit: limit,
        }),
      ),
    );
    return (out.Items ?? []).map((item) => JSON.parse(item.record?.S ?? '{}') as AuditRecord);
  }
}
