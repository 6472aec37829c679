import type { IncomingMessage, ServerResponse } from 'node:http';
import dynalite from 'dynalite';
import type { RawTargetService } from '../service.js';

/**
 * DynamoDB on the region's port: embedded dynalite, a real DynamoDB implementation (conditional
 * writes included), answering requests with `X-Amz-Target: DynamoDB_20120810.*` in-process. Its
 * server is never bound to a port; the region hands it requests directly. Tables become ACTIVE
 * at once, so control-plane setup needs no waiting.
 */
export function createDynamoDbService(): RawTargetService {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  return {
    kind: 'raw-target',
    name: 'DynamoDB',
    targetPrefix: 'DynamoDB_20120810',
    jsonVersion: '1.0',
    handle(req: IncomingMessage, res: ServerResponse) {
      server.emit('request', req, res);
    },
    async close() {
      // Never listened, so there is no socket to close; the in-memory store goes with the region.
      server.removeAllListeners();
    },
  };
}
