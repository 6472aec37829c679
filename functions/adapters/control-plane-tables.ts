/**
 * The DynamoDB tables the adapters read and write, with their key attributes. One definition for
 * the CDK stack (infra/control-plane-tables.ts) and the local region (local/control-plane/), so a
 * deployed table can never disagree with the keys the adapters use.
 */
export const CONTROL_PLANE_TABLES = {
  /** dynamodb-endpoint-lock.ts: one item per endpoint. */
  locks: { name: 'warmgate-locks', hash: 'endpointName' },
  /** dynamodb-audit-log.ts: an endpoint's records, newest first by `startedAt#executionId`. */
  audit: { name: 'warmgate-audit', hash: 'endpointName', range: 'sortKey' },
  /** dynamodb-capacity-holds.ts: an endpoint's floor holds, one per window. */
  holds: { name: 'warmgate-holds', hash: 'endpointName', range: 'holdId' },
} as const;
