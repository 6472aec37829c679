import { join } from 'node:path';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AslStateMachine } from './asl-state-machine.js';
import { CiRolloutRole } from './ci-rollout-role.js';
import { ControlPlaneTables } from './control-plane-tables.js';
import { EndpointScope } from './endpoint-scope.js';
import { REPO_ROOT } from './lambda-bundling.js';
import { ModelExecutionRole } from './model-execution-role.js';
import { OperatorDashboard } from './operator-dashboard.js';
import { ReleaseCalendar } from './release-calendar.js';
import type { StackConfig } from './stack-config.js';
import { STATE_MACHINE_NAMES } from './state-machine-names.js';
import {
  functionArnPlaceholder,
  PREWARM_STEPS,
  ROLLOUT_STEPS,
  type StepDefinition,
  type StepResources,
} from './step-catalog.js';
import { WarmgateLambda } from './warmgate-lambda.js';

export { STATE_MACHINE_NAMES } from './state-machine-names.js';

export interface WarmgateStackProps extends StackProps {
  readonly config: StackConfig;
  /** Write esbuild metafiles beside the Lambda bundles (the bundle benchmark's analysis). */
  readonly bundleMetafile?: boolean;
}

/**
 * warmgate's control plane on AWS: the control-plane tables and the model execution role; one
 * state machine per ASL file under state-machines/ with its step Lambdas; and the three triggers
 * around them: the release calendar (schedules that start pre-warms), the operator dashboard, and
 * an optional CI role for `warmgate rollout`.
 *
 * A new machine is another `AslStateMachine` over `steps(...)` with its entries in
 * step-catalog.ts; a new trigger is a construct given the machines it may start.
 */
export class WarmgateStack extends Stack {
  readonly stepResources: StepResources;
  readonly tables: ControlPlaneTables;
  readonly models: ModelExecutionRole;
  /** Every step Lambda by its functions/ folder name. */
  readonly lambdas = new Map<string, WarmgateLambda>();
  readonly rollout: AslStateMachine;
  readonly prewarm: AslStateMachine;
  readonly calendar: ReleaseCalendar;
  readonly dashboard: OperatorDashboard;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: WarmgateStackProps,
  ) {
    super(scope, id, props);
    const { config } = props;
    const endpointScope = new EndpointScope(this, config.endpointPrefix);
    this.tables = new ControlPlaneTables(this, 'Tables');
    this.models = new ModelExecutionRole(this, 'Models', {
      scope: endpointScope,
      imageRepositories: config.imageRepositories,
      ...(config.modelBucketName === undefined ? {} : { modelBucketName: config.modelBucketName }),
    });
    this.stepResources = {
      scope: endpointScope,
      tables: this.tables,
      executionRole: this.models.role,
      config,
    };

    this.rollout = new AslStateMachine(this, 'Rollout', {
      stateMachineName: STATE_MACHINE_NAMES.rollout,
      definitionFile: join(REPO_ROOT, 'state-machines', 'rollout.asl.json'),
      tasks: this.steps(ROLLOUT_STEPS),
      logRetention: config.logRetentionDays,
    });
    this.prewarm = new AslStateMachine(this, 'Prewarm', {
      stateMachineName: STATE_MACHINE_NAMES.prewarm,
      definitionFile: join(REPO_ROOT, 'state-machines', 'prewarm.asl.json'),
      tasks: this.steps(PREWARM_STEPS),
      logRetention: config.logRetentionDays,
    });

    this.calendar = new ReleaseCalendar(this, 'Calendar', {
      prewarm: this.prewarm.stateMachine,
      holds: this.tables.holds,
      calendarKey: config.calendarKey,
      ...(config.warmupKey === undefined ? {} : { warmupKey: config.warmupKey }),
      logRetention: config.logRetentionDays,
      ...(props.bundleMetafile === undefined ? {} : { bundleMetafile: props.bundleMetafile }),
    });
    this.lambdas.set('read-calendar', this.calendar.read);
    this.lambdas.set('sync-schedules', this.calendar.sync);
    this.lambdas.set('end-lapsed-windows', this.calendar.endLapsed);

    this.dashboard = new OperatorDashboard(this, 'Dashboard', {
      scope: endpointScope,
      machines: [this.rollout.stateMachine, this.prewarm.stateMachine],
      releasePlan: this.calendar.releasePlan,
      logRetention: config.logRetentionDays,
      ...(props.bundleMetafile === undefined ? {} : { bundleMetafile: props.bundleMetafile }),
    });
    this.lambdas.set('dashboard-api', this.dashboard.lambda);

    if (config.ci) {
      const ci = new CiRolloutRole(this, 'Ci', { ...config.ci, rollout: this.rollout.stateMachine });
      // The workflow reads it as the repository variable WARMGATE_ROLLOUT_ROLE_ARN.
      new CfnOutput(this, 'CiRolloutRoleArn', { value: ci.role.roleArn });
    }

    new CfnOutput(this, 'RolloutStateMachineArn', { value: this.rollout.stateMachine.stateMachineArn });
    new CfnOutput(this, 'PrewarmStateMachineArn', { value: this.prewarm.stateMachine.stateMachineArn });
    new CfnOutput(this, 'CalendarSyncStateMachineArn', {
      value: this.calendar.machine.stateMachine.stateMachineArn,
    });
    new CfnOutput(this, 'ModelExecutionRoleArn', { value: this.models.role.roleArn });
    new CfnOutput(this, 'ModelBucketName', { value: this.models.modelBucket.bucketName });
    new CfnOutput(this, 'CalendarUrl', {
      value: `s3://${this.calendar.bucket.bucketName}/${config.calendarKey}`,
    });
    new CfnOutput(this, 'LateCapacityTopicArn', { value: this.calendar.lateCapacityTopic.topicArn });
    new CfnOutput(this, 'EndpointPrefix', { value: config.endpointPrefix });
  }

  /**
   * The Lambdas of `definitions`, keyed by their ASL placeholder. A step shared by two machines
   * (release-lock, record, …) is created once and reused.
   */
  steps(definitions: readonly StepDefinition[]): Record<string, WarmgateLambda['fn']> {
    const tasks: Record<string, WarmgateLambda['fn']> = {};
    for (const step of definitions) {
      let lambda = this.lambdas.get(step.name);
      if (!lambda) {
        lambda = new WarmgateLambda(this, `Step-${step.name}`, {
          name: step.name,
          environment: step.environment(this.stepResources),
          timeout: step.timeout,
          logRetention: this.props.config.logRetentionDays,
          bundleMetafile: this.props.bundleMetafile ?? false,
        });
        step.grant(lambda.role, this.stepResources);
        this.lambdas.set(step.name, lambda);
      }
      tasks[functionArnPlaceholder(step.name)] = lambda.fn;
    }
    return tasks;
  }
}
