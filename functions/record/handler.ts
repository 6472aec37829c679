import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AuditLog, MetricsSink } from '../../core/ports/telemetry.js';
import { readDeployment } from '../../core/rollout/deploy-rollout.js';
import { recordRollout } from '../../core/rollout/record-outcome.js';
import { readPlan } from '../../core/rollout/rollout-plan.js';
import type { VerificationReport } from '../../core/rollout/verify-capacity.js';
import { CloudWatchMetricsSink } from '../adapters/cloudwatch-metrics-sink.js';
import { DynamoDbAuditLog } from '../adapters/dynamodb-audit-log.js';
import { lambdaHandler } from '../shared/lambda-handler.js';
import { auditVars, clientConfig, readConfig } from '../shared/runtime-config.js';

export interface RecordDeps {
  readonly metrics: MetricsSink;
  readonly audit: AuditLog;
  readonly now: () => Date;
}

interface RecordEvent {
  readonly outcome: 'succeeded' | 'failed';
  readonly state: {
    readonly plan: unknown;
    readonly deployment?: unknown;
    readonly verification?: VerificationReport;
    readonly error?: { Error?: string; Cause?: string };
    readonly rollback?: unknown;
  };
}

/** Emits the rollout's CloudWatch metrics and writes its audit record. */
export function makeHandler(deps: RecordDeps) {
  return lambdaHandler('record', async (event: RecordEvent) => {
    const { state } = event;
    return recordRollout(
      deps,
      {
        outcome: event.outcome,
        plan: readPlan(state.plan),
        ...(state.deployment === undefined ? {} : { deployment: readDeployment(state.deployment) }),
        ...(state.verification === undefined ? {} : { verification: state.verification }),
        ...(state.error === undefined ? {} : { error: state.error }),
        ...(state.rollback === undefined ? {} : { rollback: state.rollback }),
      },
      deps.now(),
    );
  });
}

export function defaultDeps(): RecordDeps {
  const config = readConfig(auditVars);
  return {
    metrics: new CloudWatchMetricsSink(new CloudWatchClient(clientConfig())),
    audit: new DynamoDbAuditLog(new DynamoDBClient(clientConfig()), config.AUDIT_TABLE_NAME),
    now: () => new Date(),
  };
}

export const handler = makeHandler(defaultDeps());
