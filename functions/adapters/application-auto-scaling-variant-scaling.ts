import {
  type ApplicationAutoScalingClient,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
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
import { callAws } from './aws-errors.js';

const NAMESPACE = 'sagemaker';
const DIMENSION = 'sagemaker:variant:DesiredInstanceCount';

/** `endpoint/NAME/variant/VARIANT`, Application Auto Scaling's id for a SageMaker variant. */
export function variantResourceId(target: ScalableVariant): string {
  return `endpoint/${target.endpoint}/variant/${target.variant}`;
}

/**
 * {@link VariantScaling} over Application Auto Scaling. Every write of a MinCapacity goes through
 * `assertFloor`, so even a caller bug cannot lower a floor below 2 at this boundary.
 */
export class ApplicationAutoScalingVariantScaling implements VariantScaling {
  constructor(private readonly client: ApplicationAutoScalingClient) {}

  async describe(target: ScalableVariant): Promise<ScalingLimits | undefined> {
    const out = await callAws('DescribeScalableTargets', () =>
      this.client.send(
        new DescribeScalableTargetsCommand({
          ServiceNamespace: NAMESPACE,
          ResourceIds: [variantResourceId(target)],
          ScalableDimension: DIMENSION,
        }),
      ),
    );
    const found = out.ScalableTargets?.[0];
    if (!found || found.MinCapacity === undefined || found.MaxCapacity === undefined) return undefined;
    return { minCapacity: found.MinCapacity, maxCapacity: found.MaxCapacity };
  }

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
