import { join } from 'node:path';
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, MathExpression, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { type IRole, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { AslStateMachine } from './asl-state-machine.js';
import { REPO_ROOT } from './lambda-bundling.js';
import { allow } from './least-privilege.js';
import { STATE_MACHINE_NAMES } from './state-machine-names.js';
import { functionArnPlaceholder } from './step-catalog.js';
import { WarmgateLambda } from './warmgate-lambda.js';

export interface ReleaseCalendarProps {
  readonly prewarm: StateMachine;
  /** The capacity holds, whose lapsed windows calendar sync ends (end-lapsed-windows). */
  readonly holds: Table;
  /** The calendar object's key in the bucket (`.yaml`, `.json` or `.ics`). */
  readonly calendarKey: string;
  /** An optional warmup manifest beside it, whose shapes the pre-warm smoke test sends. */
  readonly warmupKey?: string;
  readonly logRetention: RetentionDays;
  readonly bundleMetafile?: boolean;
}

/**
 * Name prefix of the schedules sync-schedules manages (core/prewarm/calendar-sync.ts), so that its
 * permissions cover its own schedules in the group and nothing else.
 */
const SCHEDULE_PREFIX = 'wg-';
const SCHEDULE_GROUP = 'warmgate';

/**
 * Where sync-schedules publishes the plan it scheduled (core/release-plan.ts), in the calendar
 * bucket: the dashboard reads the windows there instead of parsing the calendar itself. Under its
 * own prefix, so it can never be the calendar key, and the calendar rule never fires for it.
 */
export const RELEASE_PLAN_KEY = 'warmgate/release-plan.json';

/** The published release plan: its URL for the handlers and its object for IAM. */
export interface ReleasePlanObject {
  readonly url: string;
  readonly objectArn: string;
  readonly bucketArn: string;
  readonly key: string;
}

/**
 * s3:ListBucket on `bucketArn`, for `keys` only. Without it, S3 answers a GetObject of a missing
 * key with 403 AccessDenied instead of 404 NoSuchKey, and "no plan published yet" or "no calendar
 * uploaded yet" would read as a permissions failure.
 */
export function allowNotFound(role: IRole, bucketArn: string, keys: readonly string[], why: string): void {
  allow(role, {
    actions: ['s3:ListBucket'],
    resources: [bucketArn],
    conditions: { StringEquals: { 's3:prefix': [...keys] } },
    why,
  });
}

/**
 * The scheduled trigger: a release calendar in S3; the `warmgate-calendar-sync` state machine
 * (state-machines/calendar-sync.asl.json), whose read-calendar Lambda parses the calendar and
 * whose sync-schedules Lambda turns it into one EventBridge Scheduler schedule per release window;
 * the role those schedules run with (it may start the pre-warm machine and nothing else); and the
 * late-capacity alarm.
 *
 * Calendar parsing and scheduling are two Lambdas because together they bundled to 566 KiB (the
 * parsers yaml and ical.js beside three SDK clients), over issue 4's 400 KiB per bundle.
 *
 * The machine runs when the calendar object changes and every hour (to plan the horizon ahead,
 * start any window that is already due, and end any window whose pre-warm died holding a raised
 * floor), each time with an empty input, so read-calendar reads the calendar from CALENDAR_URL.
 * Ending lapsed windows is a third Lambda, end-lapsed-windows, so sync-schedules needs no DynamoDB
 * client.
 */
export class ReleaseCalendar extends Construct {
  readonly bucket: Bucket;
  readonly read: WarmgateLambda;
  readonly sync: WarmgateLambda;
  readonly endLapsed: WarmgateLambda;
  readonly machine: AslStateMachine;
  readonly schedulerRole: Role;
  readonly lateCapacityTopic: Topic;
  readonly releasePlan: ReleasePlanObject;

  constructor(scope: Construct, id: string, props: ReleaseCalendarProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // Every sync writes the plan anew; its history is worth a month, not forever.
      lifecycleRules: [{ prefix: RELEASE_PLAN_KEY, noncurrentVersionExpiration: Duration.days(30) }],
    });
    this.releasePlan = {
      url: `s3://${this.bucket.bucketName}/${RELEASE_PLAN_KEY}`,
      objectArn: this.bucket.arnForObjects(RELEASE_PLAN_KEY),
      bucketArn: this.bucket.bucketArn,
      key: RELEASE_PLAN_KEY,
    };
    // S3 to EventBridge directly: the CDK's notification API would deploy its own custom-resource
    // Lambda (with a managed policy) to set what is a plain bucket property.
    (this.bucket.node.defaultChild as CfnBucket).addPropertyOverride(
      'NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled',
      true,
    );
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The calendar is one small object written by operators or CI; its versions are the history, and CloudTrail data events audit access where required.',
    });

    const group = new ScheduleGroup(this, 'Group', { scheduleGroupName: SCHEDULE_GROUP });
    this.schedulerRole = new Role(this, 'SchedulerRole', {
      description: 'EventBridge Scheduler: start warmgate-prewarm for a release window, nothing else',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        // Only schedules of this account's warmgate group may use the role (confused deputy).
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnEquals: { 'aws:SourceArn': group.scheduleGroupArn },
        },
      }),
    });
    allow(this.schedulerRole, {
      actions: ['states:StartExecution'],
      resources: [props.prewarm.stateMachineArn],
      why: 'A schedule fires: start the pre-warm of its release window.',
    });

    const bundleMetafile = props.bundleMetafile === undefined ? {} : { bundleMetafile: props.bundleMetafile };
    this.read = new WarmgateLambda(this, 'ReadCalendar', {
      name: 'read-calendar',
      timeout: Duration.seconds(30),
      logRetention: props.logRetention,
      ...bundleMetafile,
      environment: {
        WARMGATE_MODE: 'aws',
        CALENDAR_URL: `s3://${this.bucket.bucketName}/${props.calendarKey}`,
        ...(props.warmupKey ? { WARMUP_URL: `s3://${this.bucket.bucketName}/${props.warmupKey}` } : {}),
      },
    });
    allow(this.read.role, {
      actions: ['s3:GetObject'],
      resources: [
        this.bucket.arnForObjects(props.calendarKey),
        ...(props.warmupKey ? [this.bucket.arnForObjects(props.warmupKey)] : []),
      ],
      why: 'Reads the release calendar (and the warmup manifest beside it).',
    });
    allowNotFound(
      this.read.role,
      this.bucket.bucketArn,
      [props.calendarKey, ...(props.warmupKey ? [props.warmupKey] : [])],
      'Lets S3 say that the calendar (or warmup manifest) is not uploaded yet, instead of access denied.',
    );

    this.sync = new WarmgateLambda(this, 'SyncSchedules', {
      name: 'sync-schedules',
      timeout: Duration.seconds(120),
      logRetention: props.logRetention,
      ...bundleMetafile,
      environment: {
        SCHEDULE_GROUP: SCHEDULE_GROUP,
        PREWARM_STATE_MACHINE_ARN: props.prewarm.stateMachineArn,
        SCHEDULER_ROLE_ARN: this.schedulerRole.roleArn,
        RELEASE_PLAN_URL: this.releasePlan.url,
      },
    });
    const role = this.sync.role;
    allow(role, {
      actions: ['s3:PutObject'],
      resources: [this.releasePlan.objectArn],
      why: 'Publishes the plan it scheduled, which the dashboard shows.',
    });
    allow(role, {
      actions: ['scheduler:ListSchedules'],
      resources: ['*'],
      why: 'Lists the schedules it made, to make them match the calendar.',
      wildcard: 'scheduler:ListSchedules has no resource type; the handler filters by group and name prefix.',
    });
    allow(role, {
      actions: [
        'scheduler:GetSchedule',
        'scheduler:CreateSchedule',
        'scheduler:UpdateSchedule',
        'scheduler:DeleteSchedule',
      ],
      resources: [
        stack.formatArn({
          service: 'scheduler',
          resource: 'schedule',
          resourceName: `${SCHEDULE_GROUP}/${SCHEDULE_PREFIX}*`,
        }),
      ],
      why: 'Creates, moves and removes one schedule per release window.',
      wildcard: 'Schedule names come from the calendar at run time; scoped to its group and name prefix.',
    });
    allow(role, {
      actions: ['iam:PassRole'],
      resources: [this.schedulerRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      why: 'Each schedule runs with the scheduler role, which may only start the pre-warm machine.',
    });
    allow(role, {
      actions: ['states:StartExecution'],
      resources: [props.prewarm.stateMachineArn],
      why: 'Starts a window that is already due at once instead of scheduling it in the past.',
    });
    allow(role, {
      actions: ['cloudwatch:GetMetricData'],
      resources: ['*'],
      why: "Reads ProvisioningToWarm history, from which the planner's lead time is learned.",
      wildcard: 'cloudwatch:GetMetricData has no resource type.',
    });

    this.endLapsed = new WarmgateLambda(this, 'EndLapsedWindows', {
      name: 'end-lapsed-windows',
      timeout: Duration.seconds(60),
      logRetention: props.logRetention,
      ...bundleMetafile,
      environment: {
        HOLDS_TABLE_NAME: props.holds.tableName,
        PREWARM_STATE_MACHINE_ARN: props.prewarm.stateMachineArn,
      },
    });
    allow(this.endLapsed.role, {
      actions: ['dynamodb:Scan'],
      resources: [props.holds.tableArn],
      why: 'Finds the window holds whose time is up, on any endpoint (an operator pre-warm may be on one the calendar does not name).',
    });
    allow(this.endLapsed.role, {
      actions: ['states:DescribeExecution'],
      resources: [
        stack.formatArn({
          service: 'states',
          resource: 'execution',
          resourceName: `${STATE_MACHINE_NAMES.prewarm}:*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      why: 'Asks whether the pre-warm that put a lapsed hold has ended; a running one restores its own floor.',
      wildcard: 'Execution names are generated at run time; scoped to the pre-warm machine.',
    });
    allow(this.endLapsed.role, {
      actions: ['states:StartExecution'],
      resources: [props.prewarm.stateMachineArn],
      why: "Starts the pre-warm that ends a dead execution's window: end: true restores the floor under the lock.",
    });

    this.machine = new AslStateMachine(this, 'Sync', {
      stateMachineName: STATE_MACHINE_NAMES.calendarSync,
      definitionFile: join(REPO_ROOT, 'state-machines', 'calendar-sync.asl.json'),
      tasks: {
        [functionArnPlaceholder('read-calendar')]: this.read.fn,
        [functionArnPlaceholder('sync-schedules')]: this.sync.fn,
        [functionArnPlaceholder('end-lapsed-windows')]: this.endLapsed.fn,
      },
      logRetention: props.logRetention,
    });
    const machine = this.machine.stateMachine;

    // One role for both rules, allowed to start this machine and nothing else. The CDK's target
    // would make one role per rule, each with the same single statement.
    const triggerRole = new Role(this, 'TriggerRole', {
      description: 'EventBridge rules: start warmgate-calendar-sync, nothing else',
      assumedBy: new ServicePrincipal('events.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    });
    allow(triggerRole, {
      actions: ['states:StartExecution'],
      resources: [machine.stateMachineArn],
      why: 'The calendar changed, or the hourly run is due: start a calendar sync.',
    });
    // An empty input: read-calendar reads CALENDAR_URL, the only key the upload rule matches.
    const runSync = new SfnStateMachine(machine, {
      input: RuleTargetInput.fromObject({}),
      role: triggerRole,
    });
    new Rule(this, 'OnCalendarChange', {
      description: 'Re-plan the pre-warm schedules when the calendar object changes',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [this.bucket.bucketName] }, object: { key: [props.calendarKey] } },
      },
      targets: [runSync],
    });
    // Hourly: a due window that was not scheduled starts within the hour, and a window whose
    // pre-warm died holding a raised floor gives it back within an hour of its end.
    new Rule(this, 'Hourly', {
      description: 'Plan the horizon ahead, start windows already due, end windows whose pre-warm died',
      schedule: Schedule.rate(Duration.hours(1)),
      targets: [runSync],
    });

    this.lateCapacityTopic = new Topic(this, 'LateCapacity', {
      displayName: 'warmgate: release capacity needs an operator',
      enforceSSL: true,
    });
    const late = new Alarm(this, 'LateCapacityAlarm', {
      alarmName: 'warmgate-late-capacity',
      alarmDescription:
        'A pre-warm did not prove its capacity warm before the release (PrewarmLate = 1, any endpoint): the planner lead time is too short, or provisioning failed.',
      // Metrics Insights across every endpoint: the endpoints are not known when the stack deploys.
      metric: new MathExpression({
        expression: 'SELECT MAX(PrewarmLate) FROM SCHEMA("Warmgate", EndpointName)',
        period: Duration.minutes(5),
        usingMetrics: {},
        label: 'PrewarmLate',
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      // One datum per pre-warm: no data is the normal state.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    late.addAlarmAction(new SnsAction(this.lateCapacityTopic));

    const syncFailed = new Alarm(this, 'CalendarSyncFailedAlarm', {
      alarmName: 'warmgate-calendar-sync-failed',
      alarmDescription:
        'warmgate-calendar-sync did not finish: the calendar was refused, scheduling failed, or a lapsed release window still holds a raised floor (FloorNotRestoredError, while its next ending is already started). The failed execution names which.',
      // Failed, timed out (900 s) or stopped: any calendar sync that did not finish.
      metric: new MathExpression({
        expression: 'SUM([failed, timedOut, aborted])',
        period: Duration.minutes(5),
        usingMetrics: {
          failed: machine.metricFailed({ statistic: 'Sum' }),
          timedOut: machine.metricTimedOut({ statistic: 'Sum' }),
          aborted: machine.metricAborted({ statistic: 'Sum' }),
        },
        label: 'CalendarSyncNotFinished',
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      // No execution failed in the period: nothing to say.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    syncFailed.addAlarmAction(new SnsAction(this.lateCapacityTopic));
  }
}
