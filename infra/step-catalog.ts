import { Duration } from 'aws-cdk-lib';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { ControlPlaneTables } from './control-plane-tables.js';
import {
  allowDeploy,
  allowDeregisterScaling,
  allowDescribeEndpoint,
  allowReadScaling,
  allowRevert,
  allowWriteScaling,
} from './endpoint-permissions.js';
import type { EndpointScope } from './endpoint-scope.js';
import { allow } from './least-privilege.js';
import type { StackConfig } from './stack-config.js';

/** What a step's environment and permissions are made from. */
export interface StepResources {
  readonly scope: EndpointScope;
  readonly tables: ControlPlaneTables;
  readonly executionRole: IRole;
  readonly config: StackConfig;
}

/** One Lambda of a state machine: its folder under functions/, its environment, its permissions. */
export interface StepDefinition {
  readonly name: string;
  readonly timeout: Duration;
  /** Exactly the variables the handler's `defaultDeps()` parses (functions/shared/runtime-config.ts). */
  environment(resources: StepResources): Record<string, string>;
  /** Exactly the calls the handler's adapters make; see each handler's `defaultDeps()`. */
  grant(role: IRole, resources: StepResources): void;
}

/**
 * The ASL placeholder for a step's function ARN: `create-or-update` → `CreateOrUpdateFunctionArn`,
 * as written in state-machines/*.asl.json (`"Resource": "${CreateOrUpdateFunctionArn}"`).
 */
export function functionArnPlaceholder(stepName: string): string {
  const pascal = stepName
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
  return `${pascal}FunctionArn`;
}

// The steps' short SDK retry budget (clientConfig) plus Step Functions' own Retry keep each call
// short; the timeouts only bound a hung connection. verify-capacity sends one smoke request per
// traffic shape, each allowed its latency budget, so it gets more.
const STEP_TIMEOUT = Duration.seconds(30);

/** The nine Lambdas of state-machines/rollout.asl.json. */
export const ROLLOUT_STEPS: readonly StepDefinition[] = [
  {
    name: 'validate-plan',
    timeout: STEP_TIMEOUT,
    // `aws` refuses file:// model data, which only the local region can serve.
    environment: () => ({ WARMGATE_MODE: 'aws' }),
    grant: () => {},
  },
  {
    name: 'acquire-lock',
    timeout: STEP_TIMEOUT,
    environment: ({ tables }) => ({ LOCK_TABLE_NAME: tables.locks.tableName }),
    grant: (role, { tables }) =>
      allow(role, {
        actions: ['dynamodb:PutItem', 'dynamodb:GetItem'],
        resources: [tables.locks.tableArn],
        why: 'Takes the lease with a conditional PutItem; on a conflict, reads the holder to name it in LockBusyError.',
      }),
  },
  {
    name: 'release-lock',
    timeout: STEP_TIMEOUT,
    environment: ({ tables }) => ({ LOCK_TABLE_NAME: tables.locks.tableName }),
    grant: (role, { tables }) =>
      allow(role, {
        actions: ['dynamodb:DeleteItem'],
        resources: [tables.locks.tableArn],
        why: 'Deletes the lease on the condition that this execution still owns it.',
      }),
  },
  {
    name: 'create-or-update',
    timeout: Duration.seconds(60),
    environment: ({ executionRole, config }) => ({
      EXECUTION_ROLE_ARN: executionRole.roleArn,
      ROLLBACK_ALARMS: config.rollbackAlarms.join(','),
    }),
    grant: (role, { scope, executionRole }) => {
      allowDescribeEndpoint(role, scope);
      allowDeploy(role, scope, executionRole);
      allowReadScaling(role);
      allowDeregisterScaling(role, scope);
    },
  },
  {
    name: 'describe-endpoint',
    timeout: STEP_TIMEOUT,
    environment: () => ({ POLL_INITIAL_SECONDS: '5', POLL_MAX_SECONDS: '30' }),
    grant: (role, { scope }) => allowDescribeEndpoint(role, scope),
  },
  {
    name: 'verify-capacity',
    timeout: Duration.seconds(90),
    environment: () => ({}),
    grant: (role, { scope }) => {
      allowDescribeEndpoint(role, scope);
      allow(role, {
        actions: ['sagemaker:InvokeEndpoint'],
        resources: [scope.endpoints()],
        why: 'Sends one smoke request per warmup traffic shape and times it against the latency budget.',
        wildcard:
          'The endpoint under verification is named by the rollout request; matched by the configured endpoint-name prefix.',
      });
    },
  },
  {
    name: 'ensure-floor',
    timeout: STEP_TIMEOUT,
    environment: ({ tables }) => ({
      HOLDS_TABLE_NAME: tables.holds.tableName,
      TARGET_CONCURRENCY_PER_INSTANCE: '4',
    }),
    grant: (role, { scope, tables }) => {
      allow(role, {
        actions: ['dynamodb:Query'],
        resources: [tables.holds.tableArn],
        why: "Reads the endpoint's active pre-warm holds, whose floors a rollout must not lower.",
      });
      allowWriteScaling(role, scope, { trackingPolicy: true });
    },
  },
  {
    name: 'rollback',
    timeout: Duration.seconds(60),
    environment: ({ config }) => ({ ROLLBACK_ALARMS: config.rollbackAlarms.join(',') }),
    grant: (role, { scope }) => {
      allowDescribeEndpoint(role, scope);
      allowRevert(role, scope);
      allowWriteScaling(role, scope, { trackingPolicy: false });
    },
  },
  {
    name: 'record',
    timeout: STEP_TIMEOUT,
    environment: ({ tables }) => ({ AUDIT_TABLE_NAME: tables.audit.tableName }),
    grant: (role, { tables }) => {
      allow(role, {
        actions: ['dynamodb:PutItem'],
        resources: [tables.audit.tableArn],
        why: "Appends the rollout's audit record.",
      });
      allow(role, {
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': 'Warmgate' } },
        why: 'Publishes RolloutDuration, TimeToInService and ColdStartExposure.',
        wildcard:
          'PutMetricData has no resource type; the cloudwatch:namespace condition limits it to the Warmgate namespace.',
      });
    },
  },
];
