import * as z from 'zod';
import { ValidationError } from '../../core/errors.js';
import { parseOrThrow } from '../../core/validation.js';
import { paginate } from '../paginate.js';
import { timestamp } from '../sagemaker/shapes.js';
import type { JsonTargetService } from '../service.js';
import { errorMapper } from '../wire-error.js';
import type { ScalingEngine, TargetKey } from './scaling-engine.js';

const namespace = z.literal('sagemaker', { error: 'the local region scales the sagemaker namespace only' });
const resourceId = z.string().min(1).max(1600);
const dimension = z.string().min(1);
const capacity = z.number().int().min(0);

const TargetSchema = z.looseObject({
  ServiceNamespace: namespace,
  ResourceId: resourceId,
  ScalableDimension: dimension,
});

const RegisterSchema = TargetSchema.extend({
  MinCapacity: capacity.optional(),
  MaxCapacity: capacity.optional(),
  RoleARN: z.string().optional(),
  SuspendedState: z
    .looseObject({
      DynamicScalingInSuspended: z.boolean().optional(),
      DynamicScalingOutSuspended: z.boolean().optional(),
      ScheduledScalingSuspended: z.boolean().optional(),
    })
    .optional(),
});

const listing = {
  ServiceNamespace: namespace,
  MaxResults: z.number().int().min(1).max(50).optional(),
  NextToken: z.string().optional(),
};

const DescribeTargetsSchema = z.looseObject({
  ...listing,
  ResourceIds: z.array(resourceId).optional(),
  ScalableDimension: dimension.optional(),
});

const PutPolicySchema = TargetSchema.extend({
  PolicyName: z.string().min(1).max(256),
  PolicyType: z.enum(['StepScaling', 'TargetTrackingScaling', 'PredictiveScaling']).optional(),
  TargetTrackingScalingPolicyConfiguration: z
    .looseObject({
      TargetValue: z.number().positive(),
      PredefinedMetricSpecification: z
        .looseObject({ PredefinedMetricType: z.string(), ResourceLabel: z.string().optional() })
        .optional(),
      CustomizedMetricSpecification: z
        .looseObject({
          MetricName: z.string().optional(),
          Namespace: z.string().optional(),
          Dimensions: z.array(z.looseObject({ Name: z.string(), Value: z.string() })).optional(),
          Statistic: z.enum(['Average', 'Minimum', 'Maximum', 'SampleCount', 'Sum']).optional(),
          Unit: z.string().optional(),
        })
        .optional(),
      ScaleOutCooldown: z.number().int().min(0).optional(),
      ScaleInCooldown: z.number().int().min(0).optional(),
      DisableScaleIn: z.boolean().optional(),
    })
    .optional(),
});

const PolicyKeySchema = TargetSchema.extend({ PolicyName: z.string().min(1) });

const DescribePoliciesSchema = z.looseObject({
  ...listing,
  PolicyNames: z.array(z.string()).optional(),
  ResourceId: resourceId.optional(),
  ScalableDimension: dimension.optional(),
});

const PutScheduledSchema = TargetSchema.extend({
  ScheduledActionName: z.string().min(1).max(256),
  Schedule: z.string().min(1).max(1600).optional(),
  Timezone: z.string().optional(),
  StartTime: timestamp.optional(),
  EndTime: timestamp.optional(),
  ScalableTargetAction: z
    .looseObject({ MinCapacity: capacity.optional(), MaxCapacity: capacity.optional() })
    .optional(),
});

const ScheduledKeySchema = TargetSchema.extend({ ScheduledActionName: z.string().min(1) });

const DescribeScheduledSchema = z.looseObject({
  ...listing,
  ScheduledActionNames: z.array(z.string()).optional(),
  ResourceId: resourceId.optional(),
  ScalableDimension: dimension.optional(),
});

const DescribeActivitiesSchema = z.looseObject({
  ...listing,
  ResourceId: resourceId.optional(),
  ScalableDimension: dimension.optional(),
  IncludeNotScaledActivities: z.boolean().optional(),
});

const keyOf = (r: { ResourceId: string; ScalableDimension: string }): TargetKey => ({
  resourceId: r.ResourceId,
  dimension: r.ScalableDimension,
});

/**
 * Application Auto Scaling (AWS JSON 1.1, `X-Amz-Target: AnyScaleFrontendService.<Operation>`)
 * for SageMaker variants, over the {@link ScalingEngine}.
 */
export function createAutoScalingService(
  engine: ScalingEngine,
  onUnexpected?: (error: unknown) => void,
): JsonTargetService {
  return {
    kind: 'json-target',
    name: 'ApplicationAutoScaling',
    targetPrefix: 'AnyScaleFrontendService',
    jsonVersion: '1.1',
    errors: errorMapper(
      {
        validation: { type: 'ValidationException' },
        notFound: { type: 'ObjectNotFoundException' },
        conflict: { type: 'ConcurrentUpdateException' },
        internal: { type: 'InternalServiceException' },
      },
      onUnexpected,
    ),
    operations: {
      RegisterScalableTarget(input) {
        const request = parseOrThrow(RegisterSchema, input);
        const target = engine.register(keyOf(request), {
          min: request.MinCapacity,
          max: request.MaxCapacity,
          roleArn: request.RoleARN,
          suspended: request.SuspendedState && {
            ...(request.SuspendedState.DynamicScalingInSuspended === undefined
              ? {}
              : { dynamicIn: request.SuspendedState.DynamicScalingInSuspended }),
            ...(request.SuspendedState.DynamicScalingOutSuspended === undefined
              ? {}
              : { dynamicOut: request.SuspendedState.DynamicScalingOutSuspended }),
            ...(request.SuspendedState.ScheduledScalingSuspended === undefined
              ? {}
              : { scheduled: request.SuspendedState.ScheduledScalingSuspended }),
          },
        });
        return { ScalableTargetARN: target.arn };
      },

      DeregisterScalableTarget(input) {
        engine.deregister(keyOf(parseOrThrow(TargetSchema, input)));
        return {};
      },

      DescribeScalableTargets(input) {
        const request = parseOrThrow(DescribeTargetsSchema, input);
        const found = [...engine.targets.values()].filter(
          (t) =>
            (!request.ResourceIds || request.ResourceIds.includes(t.resourceId)) &&
            (!request.ScalableDimension || request.ScalableDimension === t.dimension),
        );
        const page = paginate(found, { maxResults: request.MaxResults, nextToken: request.NextToken }, 50);
        return {
          ScalableTargets: page.items.map((t) => ({
            ServiceNamespace: 'sagemaker',
            ResourceId: t.resourceId,
            ScalableDimension: t.dimension,
            MinCapacity: t.min,
            MaxCapacity: t.max,
            RoleARN: t.roleArn,
            CreationTime: t.creationTime,
            SuspendedState: {
              DynamicScalingInSuspended: t.suspended.dynamicIn,
              DynamicScalingOutSuspended: t.suspended.dynamicOut,
              ScheduledScalingSuspended: t.suspended.scheduled,
            },
            ScalableTargetARN: t.arn,
          })),
          NextToken: page.nextToken,
        };
      },

      PutScalingPolicy(input) {
        const request = parseOrThrow(PutPolicySchema, input);
        if ((request.PolicyType ?? 'StepScaling') !== 'TargetTrackingScaling') {
          throw ValidationError.field(
            'PolicyType',
            'the local region emulates TargetTrackingScaling policies only',
          );
        }
        const configuration = request.TargetTrackingScalingPolicyConfiguration;
        if (!configuration) {
          throw ValidationError.field(
            'TargetTrackingScalingPolicyConfiguration',
            'is required for TargetTrackingScaling',
          );
        }
        const policy = engine.putTrackingPolicy(keyOf(request), request.PolicyName, configuration);
        return { PolicyARN: policy.arn, Alarms: engine.policyAlarms(policy) };
      },

      DeleteScalingPolicy(input) {
        const request = parseOrThrow(PolicyKeySchema, input);
        engine.deletePolicy(keyOf(request), request.PolicyName);
        return {};
      },

      DescribeScalingPolicies(input) {
        const request = parseOrThrow(DescribePoliciesSchema, input);
        const found = [...engine.policies.values()].filter(
          (p) =>
            (!request.PolicyNames || request.PolicyNames.includes(p.name)) &&
            (!request.ResourceId || request.ResourceId === p.key.resourceId) &&
            (!request.ScalableDimension || request.ScalableDimension === p.key.dimension),
        );
        const page = paginate(found, { maxResults: request.MaxResults, nextToken: request.NextToken }, 50);
        return {
          ScalingPolicies: page.items.map((p) => ({
            PolicyARN: p.arn,
            PolicyName: p.name,
            ServiceNamespace: 'sagemaker',
            ResourceId: p.key.resourceId,
            ScalableDimension: p.key.dimension,
            PolicyType: 'TargetTrackingScaling',
            TargetTrackingScalingPolicyConfiguration: p.configuration,
            Alarms: engine.policyAlarms(p),
            CreationTime: p.creationTime,
          })),
          NextToken: page.nextToken,
        };
      },

      PutScheduledAction(input) {
        const request = parseOrThrow(PutScheduledSchema, input);
        if (!request.Schedule) throw ValidationError.field('Schedule', 'is required');
        engine.putScheduledAction(keyOf(request), request.ScheduledActionName, {
          schedule: request.Schedule,
          timezone: request.Timezone,
          startTime: request.StartTime,
          endTime: request.EndTime,
          min: request.ScalableTargetAction?.MinCapacity,
          max: request.ScalableTargetAction?.MaxCapacity,
        });
        return {};
      },

      DeleteScheduledAction(input) {
        const request = parseOrThrow(ScheduledKeySchema, input);
        engine.deleteScheduledAction(keyOf(request), request.ScheduledActionName);
        return {};
      },

      DescribeScheduledActions(input) {
        const request = parseOrThrow(DescribeScheduledSchema, input);
        const found = [...engine.scheduled.values()].filter(
          (a) =>
            (!request.ScheduledActionNames || request.ScheduledActionNames.includes(a.name)) &&
            (!request.ResourceId || request.ResourceId === a.key.resourceId) &&
            (!request.ScalableDimension || request.ScalableDimension === a.key.dimension),
        );
        const page = paginate(found, { maxResults: request.MaxResults, nextToken: request.NextToken }, 50);
        return {
          ScheduledActions: page.items.map((a) => ({
            ScheduledActionName: a.name,
            ScheduledActionARN: a.arn,
            ServiceNamespace: 'sagemaker',
            Schedule: a.schedule,
            Timezone: a.timezone,
            ResourceId: a.key.resourceId,
            ScalableDimension: a.key.dimension,
            StartTime: a.startTime,
            EndTime: a.endTime,
            ScalableTargetAction: { MinCapacity: a.action.min, MaxCapacity: a.action.max },
            CreationTime: a.creationTime,
          })),
          NextToken: page.nextToken,
        };
      },

      DescribeScalingActivities(input) {
        const request = parseOrThrow(DescribeActivitiesSchema, input);
        const found = engine.activities.filter(
          (a) =>
            (!request.ResourceId || request.ResourceId === a.ResourceId) &&
            (!request.ScalableDimension || request.ScalableDimension === a.ScalableDimension),
        );
        const page = paginate(found, { maxResults: request.MaxResults, nextToken: request.NextToken }, 50);
        return { ScalingActivities: page.items, NextToken: page.nextToken };
      },
    },
  };
}
