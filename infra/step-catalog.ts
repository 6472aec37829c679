import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
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
import { STATE_MACHINE_NAMES } from './state-machine-names.js';

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
  /** Exactly the variables the handler's deps parse (functions/shared/runtime-config.ts). */
  environment(resources: StepResources): Record<string, string>;
  /** Exactly the calls the handler's adapters make; see each handler's deps. */
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
// short; the timeouts only bound a hung connection.
const STEP_TIMEOUT = Duration.seconds(30);

const noEnvironment = () => ({});
const noPermissions = () => {};
const lockTable = ({ tables }: StepResources) => ({ LOCK_TABLE_NAME: tables.locks.tableName });
const holdsTable = ({ tables }: StepResources) => ({ HOLDS_TABLE_NAME: tables.holds.tableName });
const pollIntervals = () => ({ POLL_INITIAL_SECONDS: '5', POLL_MAX_SECONDS: '30', POLL_LONG_SECONDS: '20' });
// A polling step long-polls for up to POLL_LONG_SECONDS inside its Lambda (core/poll-policy.ts).
const POLL_STEP_TIMEOUT = Duration.seconds(60);

/** core/confirm-lock-held.ts: every step that changes the endpoint first renews its own lease. */
function allowConfirmLock(role: IRole, tables: ControlPlaneTables): void {
  allow(role, {
    actions: ['dynamodb:UpdateItem', 'dynamodb:GetItem'],
    resources: [tables.locks.tableArn],
    why: "Renews this execution's lease on the endpoint lock before changing anything, on the condition that it still holds it (a redriven execution may have lost it); reads the holder to name it when not.",
  });
}

/** functions/adapters/dynamodb-removed-scaling.ts: saved scaling on the execution's own lock item. */
function allowSavedScaling(role: IRole, tables: ControlPlaneTables): void {
  allow(role, {
    actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
    resources: [tables.locks.tableArn],
    why: "Saves, reads back and forgets the scaling an instance-type change removed, on this execution's own lock item (conditional on holding the lock).",
  });
}

/**
 * core/rollout/removed-scaling.ts `restoreRemovedScaling` (its RestoreDependencies): re-register the
 * target and its scheduled actions at the floor the active holds need, then forget what was saved.
 */
function allowRestoreRemovedScaling(role: IRole, scope: EndpointScope, tables: ControlPlaneTables): void {
  allowWriteScaling(role, scope, { scheduledActions: true, trackingPolicy: false });
  allowSavedScaling(role, tables);
  allow(role, {
    actions: ['dynamodb:Query'],
    resources: [tables.holds.tableArn],
    why: 'Reads the active holds, whose floor removed scaling is put back at.',
  });
}

/** `functions/shared/telemetry-deps.ts`: the audit record and the CloudWatch metrics. */
function allowTelemetry(role: IRole, { tables }: StepResources): void {
  allow(role, {
    actions: ['dynamodb:PutItem'],
    resources: [tables.audit.tableArn],
    why: 'Appends the audit record of the rollout or pre-warm.',
  });
  allow(role, {
    actions: ['cloudwatch:PutMetricData'],
    resources: ['*'],
    conditions: { StringEquals: { 'cloudwatch:namespace': 'Warmgate' } },
    why: 'Publishes the rollout and pre-warm timings (RolloutDuration, TimeToInService, ColdStartExposure, readiness margin).',
    wildcard:
      'PutMetricData has no resource type; the cloudwatch:namespace condition limits it to the Warmgate namespace.',
  });
}

/** `functions/shared/floor-change-deps.ts`: read the scalable target, then register new limits. */
function allowFloorChange(role: IRole, scope: EndpointScope): void {
  allowReadScaling(role, { scheduledActions: false });
  allowWriteScaling(role, scope, { scheduledActions: false, trackingPolicy: false });
}

const validatePlan: StepDefinition = {
  name: 'validate-plan',
  timeout: STEP_TIMEOUT,
  // `aws` refuses file:// model data, which only the local region can serve.
  environment: () => ({ WARMGATE_MODE: 'aws' }),
  grant: noPermissions,
};

const acquireLock: StepDefinition = {
  name: 'acquire-lock',
  timeout: STEP_TIMEOUT,
  environment: (resources) => ({
    ...lockTable(resources),
    // A stopped execution's Lambda may still be running, until its own timeout at most.
    LOCK_TAKEOVER_GRACE_SECONDS: String(longestLockedStepSeconds() + 30),
  }),
  grant: (role, { tables }) => {
    allow(role, {
      actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      resources: [tables.locks.tableArn],
      why: 'Takes the lease with a conditional UpdateItem; on a conflict, reads the holder to name it in LockBusyError, and takes over (conditional UpdateItem) from a holder whose execution has ended.',
    });
    allow(role, {
      actions: ['states:DescribeExecution'],
      // Only the machines that take the lock; calendar sync never does.
      resources: [STATE_MACHINE_NAMES.rollout, STATE_MACHINE_NAMES.prewarm].map((name) =>
        Stack.of(role).formatArn({
          service: 'states',
          resource: 'execution',
          resourceName: `${name}:*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ),
      why: 'Asks whether the execution holding the lock has ended (a stopped execution never releases it).',
      wildcard:
        "Executions are named at start; the ARN pattern covers only warmgate's two state machines, by their fixed names (a reference to the machines themselves would be circular: they reference this function).",
    });
  },
};

const releaseLock: StepDefinition = {
  name: 'release-lock',
  timeout: STEP_TIMEOUT,
  environment: lockTable,
  grant: (role, { tables }) =>
    allow(role, {
      actions: ['dynamodb:DeleteItem'],
      resources: [tables.locks.tableArn],
      why: 'Deletes the lease on the condition that this execution still owns it.',
    }),
};

const createOrUpdate: StepDefinition = {
  name: 'create-or-update',
  timeout: Duration.seconds(60),
  environment: (resources) => ({
    EXECUTION_ROLE_ARN: resources.executionRole.roleArn,
    ROLLBACK_ALARMS: resources.config.rollbackAlarms.join(','),
    ...lockTable(resources),
    ...holdsTable(resources),
  }),
  grant: (role, { scope, executionRole, tables }) => {
    allowDescribeEndpoint(role, scope);
    allowDeploy(role, scope, executionRole);
    allowReadScaling(role, { scheduledActions: true });
    allowDeregisterScaling(role, scope);
    allowRestoreRemovedScaling(role, scope, tables);
    allowConfirmLock(role, tables);
  },
};

const describeEndpoint: StepDefinition = {
  name: 'describe-endpoint',
  timeout: POLL_STEP_TIMEOUT,
  environment: pollIntervals,
  grant: (role, { scope }) => allowDescribeEndpoint(role, scope),
};

const verifyCapacity: StepDefinition = {
  name: 'verify-capacity',
  // One smoke request per traffic shape, each allowed its latency budget.
  timeout: Duration.seconds(90),
  environment: noEnvironment,
  grant: (role, { scope }) => {
    allowDescribeEndpoint(role, scope);
    allow(role, {
      actions: ['sagemaker:InvokeEndpoint'],
      resources: [scope.endpoints()],
      why: 'Sends one smoke request per warmup traffic shape and times it against the latency budget.',
      wildcard:
        'The endpoint under verification is named by the request; matched by the configured endpoint-name prefix.',
    });
  },
};

const ensureFloor: StepDefinition = {
  name: 'ensure-floor',
  timeout: STEP_TIMEOUT,
  environment: (resources) => ({
    ...holdsTable(resources),
    ...lockTable(resources),
    TARGET_CONCURRENCY_PER_INSTANCE: '4',
  }),
  grant: (role, { scope, tables }) => {
    allow(role, {
      actions: ['dynamodb:PutItem', 'dynamodb:Query'],
      resources: [tables.holds.tableArn],
      why: "Records the rollout's own floor as a hold, and reads the endpoint's active pre-warm holds, whose floors a rollout must not lower.",
    });
    allowWriteScaling(role, scope, { scheduledActions: true, trackingPolicy: true });
    allowSavedScaling(role, tables);
    allowConfirmLock(role, tables);
  },
};

const rollback: StepDefinition = {
  name: 'rollback',
  timeout: Duration.seconds(60),
  environment: (resources) => ({
    ROLLBACK_ALARMS: resources.config.rollbackAlarms.join(','),
    ...lockTable(resources),
    ...holdsTable(resources),
  }),
  grant: (role, { scope, tables }) => {
    allowDescribeEndpoint(role, scope);
    allowRevert(role, scope);
    allowRestoreRemovedScaling(role, scope, tables);
    allowConfirmLock(role, tables);
  },
};

const record: StepDefinition = {
  name: 'record',
  timeout: STEP_TIMEOUT,
  environment: ({ tables }) => ({ AUDIT_TABLE_NAME: tables.audit.tableName }),
  grant: allowTelemetry,
};

const prewarmPlan: StepDefinition = {
  name: 'prewarm-plan',
  timeout: STEP_TIMEOUT,
  environment: noEnvironment,
  grant: noPermissions,
};

const raiseFloor: StepDefinition = {
  name: 'raise-floor',
  timeout: STEP_TIMEOUT,
  environment: (resources) => ({ ...holdsTable(resources), ...lockTable(resources) }),
  grant: (role, { scope, tables }) => {
    allow(role, {
      actions: ['dynamodb:PutItem'],
      resources: [tables.holds.tableArn],
      why: "Writes the window's capacity hold before raising the floor, so a rollout meanwhile keeps it.",
    });
    allowFloorChange(role, scope);
    allowConfirmLock(role, tables);
  },
};

const checkCapacity: StepDefinition = {
  name: 'check-capacity',
  timeout: POLL_STEP_TIMEOUT,
  environment: pollIntervals,
  grant: (role, { scope }) => allowDescribeEndpoint(role, scope),
};

const restoreFloor: StepDefinition = {
  name: 'restore-floor',
  timeout: STEP_TIMEOUT,
  environment: (resources) => ({ ...holdsTable(resources), ...lockTable(resources) }),
  grant: (role, { scope, tables }) => {
    allow(role, {
      actions: ['dynamodb:DeleteItem', 'dynamodb:Query'],
      resources: [tables.holds.tableArn],
      why: "Removes the window's hold, then reads the holds still active to restore the highest floor they need.",
    });
    allowFloorChange(role, scope);
    allowConfirmLock(role, tables);
  },
};

const recordPrewarm: StepDefinition = {
  name: 'record-prewarm',
  timeout: STEP_TIMEOUT,
  environment: ({ tables }) => ({ AUDIT_TABLE_NAME: tables.audit.tableName }),
  grant: allowTelemetry,
};

/** The Lambdas of state-machines/rollout.asl.json. */
export const ROLLOUT_STEPS: readonly StepDefinition[] = [
  validatePlan,
  acquireLock,
  releaseLock,
  createOrUpdate,
  describeEndpoint,
  verifyCapacity,
  ensureFloor,
  rollback,
  record,
];

/** The Lambdas of state-machines/prewarm.asl.json; the lock and verify steps are the rollout's. */
export const PREWARM_STEPS: readonly StepDefinition[] = [
  prewarmPlan,
  acquireLock,
  raiseFloor,
  releaseLock,
  checkCapacity,
  verifyCapacity,
  restoreFloor,
  recordPrewarm,
];

/**
 * The longest Lambda timeout of the steps that run while an execution holds an endpoint's lock:
 * how long a stopped execution's last step may still be changing the endpoint. Read when the
 * stack is synthesised, after every step above is defined.
 */
function longestLockedStepSeconds(): number {
  return Math.max(...[...ROLLOUT_STEPS, ...PREWARM_STEPS].map((step) => step.timeout.toSeconds()));
}
