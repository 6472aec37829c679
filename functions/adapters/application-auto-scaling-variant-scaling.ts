import {
  DeregisterScalableTargetCommand,
  DescribeScheduledActionsCommand,
  PutScalingPolicyCommand,
  PutScheduledActionCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { assertFloor } from '../../core/floor.js';
import type {
  ScalableVariant,
  ScalingLimits,
  ScheduledAction,
  VariantScaling,
} from '../../core/ports/scaling.js';
import {
  ApplicationAutoScalingVariantReader,
  DIMENSION,
  NAMESPACE,
  variantResourceId,
} from './application-auto-scaling-variant-reader.js';
import { callAws } from './aws-errors.js';

/**
 * {@link VariantScaling} over Application Auto Scaling. Every write of a MinCapacity goes through
 * `assertFloor`, so even a caller bug cannot lower a floor below 2 at this boundary.
 */
export class ApplicationAutoScalingVariantScaling
  extends ApplicationAutoScalingVariantReader
  implements VariantScaling
{
  async register(target: ScalableVariant, limits: ScalingLimits): Promise<void> {
    const minCapacity = assertFloor(limits.minCapacity, 'minCapacity');
    await callAws('RegisterScalableTarget', () =>
      this.client.send(
        new RegisterScalableTargetCommand({
          ServiceNamespace: NAMESPACE,
          ResourceId: variantResourceId(target),
          ScalableDimension: DIMENSION,
          MinCapacity: minCapacity,
          MaxCapacity: Math.max(limits.maxCapacity, minCapacity),
        }),
      ),
    );
  }

  async deregister(target: ScalableVariant): Promise<void> {
    await callAws('DeregisterScalableTarget', () =>
      this.client.send(
        new DeregisterScalableTargetCommand({
          ServiceNamespace: NAMESPACE,
          ResourceId: variantResourceId(target),
          ScalableDimension: DIMENSION,
        }),
      ),
    );
  }

  async scheduledActions(target: ScalableVariant): Promise<ScheduledAction[]> {
    const out = await callAws('DescribeScheduledActions', () =>
      this.client.send(
        new DescribeScheduledActionsCommand({
          ServiceNamespace: NAMESPACE,
          ResourceId: variantResourceId(target),
          ScalableDimension: DIMENSION,
        }),
      ),
    );
    return (out.ScheduledActions ?? []).map((a) => ({
      name: a.ScheduledActionName ?? '',
      schedule: a.Schedule ?? '',
      ...(a.Timezone ? { timezone: a.Timezone } : {}),
      ...(a.StartTime ? { startTime: a.StartTime.toISOString() } : {}),
      ...(a.EndTime ? { endTime: a.EndTime.toISOString() } : {}),
      ...(a.ScalableTargetAction?.MinCapacity === undefined
        ? {}
        : { minCapacity: a.ScalableTargetAction.MinCapacity }),
      ...(a.ScalableTargetAction?.MaxCapacity === undefined
        ? {}
        : { maxCapacity: a.ScalableTargetAction.MaxCapacity }),
    }));
  }

  async putScheduledAction(target: ScalableVariant, action: ScheduledAction): Promise<void> {
    const minCapacity = action.minCapacity === undefined ? undefined : assertFloor(action.minCapacity);
    // A MaxCapacity below 2 would cap the fleet under the floor when the action fires.
    if (action.maxCapacity !== undefined) assertFloor(action.maxCapacity, 'maxCapacity');
    await callAws('PutScheduledAction', () =>
      this.client.send(
        new PutScheduledActionCommand({
          ServiceNamespace: NAMESPACE,
          ResourceId: variantResourceId(target),
          ScalableDimension: DIMENSION,
          ScheduledActionName: action.name,
          Schedule: action.schedule,
          Timezone: action.timezone,
          StartTime: action.startTime ? new Date(action.startTime) : undefined,
          EndTime: action.endTime ? new Date(action.endTime) : undefined,
          ScalableTargetAction: { MinCapacity: minCapacity, MaxCapacity: action.maxCapacity },
        }),
      ),
    );
  }

  async putConcurrencyTracking(
    target: ScalableVariant,
    targetConcurrencyPerInstance: number,
  ): Promise<string> {
    const policyName = `warmgate-concurrency-${target.variant}`;
    const out = await callAws('PutScalingPolicy', () =>
      this.client.send(
        new PutScalingPolicyCommand({
          ServiceNamespace: NAMESPACE,
          ResourceId: variantResourceId(target),
          ScalableDimension: DIMENSION,
          PolicyName: policyName,
          PolicyType: 'TargetTrackingScaling',
          TargetTrackingScalingPolicyConfiguration: {
            TargetValue: targetConcurrencyPerInstance,
            // The 10-second high-resolution metric sees a surge up to ~6x sooner than
            // InvocationsPerInstance, which is the whole point on a chapter drop.
            PredefinedMetricSpecification: {
              PredefinedMetricType: 'SageMakerVariantConcurrentRequestsPerModelHighResolution',
            },
            ScaleInCooldown: 300,
            ScaleOutCooldown: 30,
          },
        }),
      ),
    );
    return out.PolicyARN ?? policyName;
  }
}
