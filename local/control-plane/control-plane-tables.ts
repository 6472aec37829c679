import {
  CreateTableCommand,
  type DynamoDBClient,
  type KeySchemaElement,
  ResourceInUseException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { CONTROL_PLANE_TABLES } from '../../functions/adapters/control-plane-tables.js';

/** Creates the tables in the local region's DynamoDB; an existing table is left as it is. */
export async function createControlPlaneTables(client: DynamoDBClient): Promise<void> {
  for (const table of Object.values(CONTROL_PLANE_TABLES)) {
    const range = 'range' in table ? table.range : undefined;
    const keySchema: KeySchemaElement[] = [{ AttributeName: table.hash, KeyType: 'HASH' }];
    if (range) keySchema.push({ AttributeName: range, KeyType: 'RANGE' });
    try {
      await client.send(
        new CreateTableCommand({
          TableName: table.name,
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: keySchema,
          AttributeDefinitions: keySchema.map((k) => ({
            AttributeName: k.AttributeName,
            AttributeType: 'S',
          })),
        }),
      );
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    // CreateTable answers while the table is CREATING; a step that wrote at once would fail.
    await waitUntilTableExists(
      { client, maxWaitTime: 30, minDelay: 0.05, maxDelay: 0.2 },
      { TableName: table.name },
    );
  }
}
