import {
  CreateTableCommand,
  type DynamoDBClient,
  type KeySchemaElement,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';

/** The DynamoDB tables warmgate's control plane uses; infra/ creates the same on AWS. */
export const CONTROL_PLANE_TABLES = {
  locks: { name: 'warmgate-locks', hash: 'endpointName' },
  audit: { name: 'warmgate-audit', hash: 'endpointName', range: 'sortKey' },
  holds: { name: 'warmgate-holds', hash: 'endpointName', range: 'holdId' },
} as const;

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
  }
}
