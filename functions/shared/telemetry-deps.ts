import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AuditLog, MetricsSink } from '../../core/ports/telemetry.js';
import { CloudWatchMetricsSink } from '../adapters/cloudwatch-metrics-sink.js';
import { DynamoDbAuditLog } from '../adapters/dynamodb-audit-log.js';
import { auditVars, clientConfig, readConfig } from './runtime-config.js';

/** What the record steps (rollout and pre-warm) write to: CloudWatch metrics and the audit table. */
export interface TelemetryDeps {
  readonly metrics: MetricsSink;
  readonly audit: AuditLog;
  readonly now: () => Date;
}

export function telemetryDeps(): TelemetryDeps {
  const config = readConfig(auditVars);
  return {
    metrics: new CloudWatchMetricsSink(new CloudWatchClient(clientConfig())),
    audit: new DynamoDbAuditLog(new DynamoDBClient(clientConfig()), config.AUDIT_TABLE_NAME),
    now: () => new Date(),
  };
}
