import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { CONTROL_PLANE_TABLES } from '../functions/adapters/control-plane-tables.js';

/** The attribute DynamoDB's TTL sweep reads: lock leases and capacity holds set it (epoch seconds). */
const TTL_ATTRIBUTE = 'ttl';

/**
 * The control plane's DynamoDB tables: the per-endpoint rollout lock, the audit log, and the
 * capacity holds that pre-warms leave for release windows.
 *
 * All are on-demand (a handful of writes per rollout), encrypted with the AWS managed key, with
 * point-in-time recovery. Only the audit table outlives the stack: locks and holds are leases that
 * expire within hours, while the audit log is the history of what changed production.
 */
export class ControlPlaneTables extends Construct {
  readonly locks: Table;
  readonly audit: Table;
  readonly holds: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.locks = this.table('Locks', CONTROL_PLANE_TABLES.locks, RemovalPolicy.DESTROY);
    this.audit = this.table('Audit', CONTROL_PLANE_TABLES.audit, RemovalPolicy.RETAIN);
    this.holds = this.table('Holds', CONTROL_PLANE_TABLES.holds, RemovalPolicy.DESTROY);
  }

  private table(
    id: string,
    keys: { readonly name: string; readonly hash: string; readonly range?: string },
    removalPolicy: RemovalPolicy,
  ): Table {
    return new Table(this, id, {
      tableName: keys.name,
      partitionKey: { name: keys.hash, type: AttributeType.STRING },
      ...(keys.range === undefined ? {} : { sortKey: { name: keys.range, type: AttributeType.STRING } }),
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      removalPolicy,
      // Deleting the audit table by accident (console, a renamed construct) would lose history.
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
    });
  }
}
