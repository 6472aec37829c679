import type { Server } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createControlPlaneTables } from '../../../local/control-plane/control-plane-tables.js';

/**
 * The real DynamoDB implementation (dynalite), in-process on loopback, with warmgate's control-plane
 * tables created as the local region creates them: for adapter tests that need DynamoDB's
 * conditional writes and filters, without a whole region.
 */
export async function startDynaliteTables(): Promise<{ client: DynamoDBClient; close(): Promise<void> }> {
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await createControlPlaneTables(client);
  return {
    client,
    async close() {
      client.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
