import { Stack } from 'aws-cdk-lib';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { EndpointScope } from './endpoint-scope.js';
import { allow } from './least-privilege.js';

/**
 * The SageMaker and Application Auto Scaling permissions of the rollout steps, grouped by the port
 * method that needs them (functions/adapters/), so that each step's role gets only the groups of
 * the calls its handler makes.
 */

/**
 * Application Auto Scaling scalable targets have ARNs (`scalable-target/<id>`), but the id is
 * generated at registration and has no relation to the endpoint name, and the Describe* actions
 * support no resource type at all. So a name-prefix scope cannot be written for these actions.
 * What bounds them instead: registering a SageMaker variant also requires the caller's own
 * sagemaker:DescribeEndpoint/UpdateEndpointWeightsAndCapacities on that endpoint, which are
 * prefix-scoped below, and each step gets only the scaling actions its handler calls.
 */
const SCALABLE_TARGETS_UNSCOPABLE =
  'Application Auto Scaling cannot scope these actions to an endpoint: scalable-target ARNs carry a generated id and Describe* has no resource type. Registration is bounded by the prefix-scoped SageMaker permissions it also requires.';

const PREFIX_SCOPED =
  'Endpoint, config and model names are chosen per rollout at run time, so they are matched by the configured endpoint-name prefix.';

const ALARM_NAMES_GENERATED =
  'Application Auto Scaling appends a generated suffix to each alarm name; scoped to the endpoint prefix.';

/** `EndpointHost.describeEndpoint`: one DescribeEndpoint. */
export function allowDescribeEndpoint(role: IRole, scope: EndpointScope): void {
  allow(role, {
    actions: ['sagemaker:DescribeEndpoint'],
    resources: [scope.endpoints()],
    why: 'Reads the endpoint status, instance counts, deployed images and pending deployment.',
    wildcard: PREFIX_SCOPED,
  });
}

/**
 * `EndpointHost.createModel/createEndpointConfig/createEndpoint/updateEndpoint/describeEndpointConfig`,
 * and passing the model execution role to SageMaker in CreateModel.
 */
export function allowDeploy(role: IRole, scope: EndpointScope, executionRole: IRole): void {
  allow(role, {
    actions: ['sagemaker:CreateModel'],
    resources: [scope.models()],
    why: 'Creates the content-hashed Model of a rollout.',
    wildcard: PREFIX_SCOPED,
  });
  allow(role, {
    actions: ['sagemaker:CreateEndpointConfig', 'sagemaker:DescribeEndpointConfig'],
    resources: [scope.endpointConfigs()],
    why: "Creates the rollout's EndpointConfig, and reads the live one to detect an instance-type change.",
    wildcard: PREFIX_SCOPED,
  });
  allow(role, {
    // SageMaker authorizes CreateEndpoint and UpdateEndpoint against both the endpoint and the
    // endpoint config it is pointed at, so both patterns are needed.
    actions: ['sagemaker:CreateEndpoint', 'sagemaker:UpdateEndpoint'],
    resources: [scope.endpoints(), scope.endpointConfigs()],
    why: 'Creates the endpoint, or starts its blue/green update to the new config.',
    wildcard: PREFIX_SCOPED,
  });
  allow(role, {
    actions: ['iam:PassRole'],
    resources: [executionRole.roleArn],
    conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    why: 'CreateModel hands the model execution role to SageMaker; no other role, to no other service.',
  });
}

/** `EndpointHost.updateEndpoint/deleteEndpoint` as the rollback step uses them. */
export function allowRevert(role: IRole, scope: EndpointScope): void {
  allow(role, {
    actions: ['sagemaker:UpdateEndpoint'],
    resources: [scope.endpoints(), scope.endpointConfigs()],
    why: 'Returns an updated endpoint to its previous, verified config by a blue/green update.',
    wildcard: PREFIX_SCOPED,
  });
  allow(role, {
    actions: ['sagemaker:DeleteEndpoint'],
    resources: [scope.endpoints()],
    why: 'Removes an endpoint this rollout created that never passed verification (it never served).',
    wildcard: PREFIX_SCOPED,
  });
}

/**
 * `VariantScaling.describe` (and `scheduledActions` when asked): the current floor and ceiling,
 * and the scheduled actions an instance-type change would delete.
 */
export function allowReadScaling(role: IRole, options: { readonly scheduledActions: boolean }): void {
  allow(role, {
    actions: [
      'application-autoscaling:DescribeScalableTargets',
      ...(options.scheduledActions ? ['application-autoscaling:DescribeScheduledActions'] : []),
    ],
    resources: ['*'],
    why: options.scheduledActions
      ? 'Saves the floor, ceiling and scheduled actions before an instance-type change removes them.'
      : 'Reads the current floor and ceiling, so a change never lowers them by accident.',
    wildcard: SCALABLE_TARGETS_UNSCOPABLE,
  });
}

/** `VariantScaling.deregister`: SageMaker refuses an instance-type change of an autoscaled variant. */
export function allowDeregisterScaling(role: IRole, scope: EndpointScope): void {
  allow(role, {
    actions: ['application-autoscaling:DeregisterScalableTarget'],
    resources: ['*'],
    why: 'Deregisters the variant before an update that changes its instance type.',
    wildcard: SCALABLE_TARGETS_UNSCOPABLE,
  });
  allow(role, {
    actions: ['cloudwatch:DescribeAlarms', 'cloudwatch:DeleteAlarms'],
    resources: [scope.targetTrackingAlarms()],
    why: "Deregistering deletes the target-tracking policy, and with it the policy's CloudWatch alarms, as the caller.",
    wildcard: ALARM_NAMES_GENERATED,
  });
}

/**
 * `VariantScaling.register`, plus `putScheduledAction` and `putConcurrencyTracking` when asked:
 * holding or raising the floor. `VariantScaling.describe` is {@link allowReadScaling}.
 */
export function allowWriteScaling(
  role: IRole,
  scope: EndpointScope,
  options: { readonly scheduledActions: boolean; readonly trackingPolicy: boolean },
): void {
  allow(role, {
    actions: [
      'application-autoscaling:RegisterScalableTarget',
      ...(options.scheduledActions ? ['application-autoscaling:PutScheduledAction'] : []),
      ...(options.trackingPolicy ? ['application-autoscaling:PutScalingPolicy'] : []),
    ],
    resources: ['*'],
    why: [
      'Registers the variant with its MinCapacity (never below 2)',
      ...(options.trackingPolicy ? ['puts target tracking on high-resolution concurrency'] : []),
      ...(options.scheduledActions ? ['restores scheduled actions removed by an instance-type change'] : []),
    ]
      .join('; ')
      .concat('.'),
    wildcard: SCALABLE_TARGETS_UNSCOPABLE,
  });
  allow(role, {
    actions: [
      'sagemaker:DescribeEndpoint',
      'sagemaker:DescribeEndpointConfig',
      'sagemaker:UpdateEndpointWeightsAndCapacities',
    ],
    resources: [scope.endpoints(), scope.endpointConfigs()],
    why: 'Application Auto Scaling checks that the caller itself may read and resize the variant it registers.',
    wildcard: PREFIX_SCOPED,
  });
  if (options.trackingPolicy) {
    allow(role, {
      actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms', 'cloudwatch:DeleteAlarms'],
      resources: [scope.targetTrackingAlarms()],
      why: 'PutScalingPolicy creates (or replaces) the target-tracking alarms with the caller’s permissions.',
      wildcard: ALARM_NAMES_GENERATED,
    });
  }
  const stack = Stack.of(role);
  allow(role, {
    actions: ['iam:CreateServiceLinkedRole'],
    resources: [
      stack.formatArn({
        service: 'iam',
        region: '',
        resource: 'role',
        resourceName:
          'aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint',
      }),
    ],
    conditions: { StringLike: { 'iam:AWSServiceName': 'sagemaker.application-autoscaling.amazonaws.com' } },
    why: "The account's first RegisterScalableTarget for SageMaker creates Application Auto Scaling's service-linked role; only that role.",
  });
}
