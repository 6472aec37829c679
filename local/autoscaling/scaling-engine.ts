import { randomUUID } from 'node:crypto';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import type { RegionClock } from '../clock.js';
import type { AlarmStore } from '../cloudwatch/alarms.js';
import type { MetricId, MetricStore } from '../cloudwatch/metric-store.js';
import { predefinedMetric } from '../cloudwatch/sagemaker-metrics.js';
import type { Hosting } from '../hosting/hosting.js';
import { nextFireTime, parseScheduleExpression, type ScheduleExpression } from '../schedule-expression.js';

/** The only scalable dimension the local region serves. */
export const VARIANT_DIMENSION = 'sagemaker:variant:DesiredInstanceCount';

/** Application Auto Scaling's default cooldowns for SageMaker variants, in seconds. */
const DEFAULT_COOLDOWN_SECONDS = 300;

/** Identifies a scalable target. */
export interface TargetKey {
  readonly resourceId: string;
  readonly dimension: string;
}

/** A registered scalable target: one endpoint variant with its capacity bounds. */
export interface ScalableTarget {
  readonly resourceId: string;
  readonly dimension: string;
  readonly endpointName: string;
  readonly variantName: string;
  readonly arn: string;
  readonly creationTime: Date;
  min: number;
  max: number;
  roleArn: string;
  suspended: { dynamicIn: boolean; dynamicOut: boolean; scheduled: boolean };
  changing: boolean;
  lastScaleOut: number;
  lastScaleIn: number;
}

/** A target-tracking policy and the two CloudWatch alarms that drive it, as AWS creates them. */
export interface TrackingPolicy {
  readonly name: string;
  readonly arn: string;
  readonly key: TargetKey;
  readonly creationTime: Date;
  readonly configuration: Readonly<Record<string, unknown>>;
  readonly targetValue: number;
  readonly metric: {
    readonly id: MetricId;
    readonly stat: 'Average' | 'Sum' | 'Minimum' | 'Maximum' | 'SampleCount';
    readonly periodSeconds: number;
  };
  readonly scaleOutCooldownMs: number;
  readonly scaleInCooldownMs: number;
  readonly disableScaleIn: boolean;
  readonly alarmHigh: string;
  readonly alarmLow: string;
}

/** A scheduled action, with its next firing time on the schedule clock. */
export interface ScheduledAction {
  readonly name: string;
  readonly arn: string;
  readonly key: TargetKey;
  readonly creationTime: Date;
  readonly schedule: string;
  readonly timezone: string | undefined;
  readonly parsed: ScheduleExpression;
  readonly startTime: Date | undefined;
  readonly endTime: Date | undefined;
  readonly action: { readonly min?: number | undefined; readonly max?: number | undefined };
  nextFire: number | undefined;
}

/** One entry of DescribeScalingActivities. */
export interface ScalingActivity {
  readonly ActivityId: string;
  readonly ServiceNamespace: 'sagemaker';
  readonly ResourceId: string;
  readonly ScalableDimension: string;
  readonly Description: string;
  readonly Cause: string;
  readonly StartTime: Date;
  EndTime?: Date;
  StatusCode: 'Pending' | 'InProgress' | 'Successful' | 'Overridden' | 'Unfulfilled' | 'Failed';
  StatusMessage?: string;
}

/** What the engine needs from the region. */
export interface ScalingEngineDeps {
  readonly hosting: Hosting;
  readonly metrics: MetricStore;
  readonly alarms: AlarmStore;
  readonly clock: RegionClock;
  /** Scales target-tracking periods and cooldowns, like the region's other durations. */
  readonly timeScale: number;
  readonly region: string;
  readonly accountId: string;
  readonly log: (line: string) => void;
}

const MAX_ACTIVITIES = 1000;

function keyOf(key: TargetKey): string {
  return `${key.resourceId}|${key.dimension}`;
}

/**
 * Parses `endpoint/NAME/variant/VARIANT`.
 *
 * @throws ValidationError for any other resource id.
 */
export function parseVariantResourceId(resourceId: string): { endpointName: string; variantName: string } {
  const match = /^endpoint\/([^/]+)\/variant\/([^/]+)$/.exec(resourceId);
  if (!match)
    throw ValidationError.field('ResourceId', 'must be endpoint/<endpoint-name>/variant/<variant-name>');
  return { endpointName: match[1] as string, variantName: match[2] as string };
}

function notRegistered(key: TargetKey): NotFoundError {
  return new NotFoundError(
    `No scalable target registered for service namespace: sagemaker, resource ID: ${key.resourceId}, scalable dimension: ${key.dimension}`,
  );
}

/**
 * Application Auto Scaling for SageMaker variants: scalable targets with min/max enforced,
 * target tracking driven by the real AWS/SageMaker metrics through real CloudWatch alarms
 * (AlarmHigh: 3 periods above target; AlarmLow: 15 periods below 90 % of it), and scheduled
 * actions fired on the region's schedule clock. Every capacity change goes through the
 * endpoint, so it is an Updating period and new instances serve only after `/ping` passes.
 */
export class ScalingEngine {
  readonly targets = new Map<string, ScalableTarget>();
  readonly policies = new Map<string, TrackingPolicy>();
  readonly scheduled = new Map<string, ScheduledAction>();
  readonly activities: ScalingActivity[] = [];
  readonly #deps: ScalingEngineDeps;

  constructor(deps: ScalingEngineDeps) {
    this.#deps = deps;
  }

  #arn(kind: string, id: string): string {
    return `arn:aws:application-autoscaling:${this.#deps.region}:${this.#deps.accountId}:${kind}/${id}`;
  }

  /**
   * The registered target for `key`.
   *
   * @throws NotFoundError (ObjectNotFoundException) when none is registered.
   */
  target(key: TargetKey): ScalableTarget {
    const target = this.targets.get(keyOf(key));
    if (!target) throw notRegistered(key);
    return target;
  }

  /** Variants of `endpointName` that are registered scalable targets. */
  autoscaledVariants(endpointName: string): Set<string> {
    return new Set(
      [...this.targets.values()].filter((t) => t.endpointName === endpointName).map((t) => t.variantName),
    );
  }

  /**
   * Registers a target or updates its bounds.
   *
   * @throws ValidationError when the variant does not exist, bounds are missing for a new
   *   target, or min exceeds max.
   */
  register(
    key: TargetKey,
    request: {
      min?: number | undefined;
      max?: number | undefined;
      roleArn?: string | undefined;
      suspended?: { dynamicIn?: boolean; dynamicOut?: boolean; scheduled?: boolean } | undefined;
    },
  ): ScalableTarget {
    if (key.dimension !== VARIANT_DIMENSION) {
      throw ValidationError.field('ScalableDimension', `the local region scales ${VARIANT_DIMENSION} only`);
    }
    const { endpointName, variantName } = parseVariantResourceId(key.resourceId);
    const existing = this.targets.get(keyOf(key));
    if (!existing) {
      const endpoint = this.#deps.hosting.get(endpointName);
      if (!endpoint?.current.variants.has(variantName as never)) {
        throw ValidationError.field(
          'ResourceId',
          `Could not find the variant "${variantName}" of SageMaker endpoint "${endpointName}".`,
        );
      }
      if (request.min === undefined || request.max === undefined) {
        throw ValidationError.field(
          'MinCapacity',
          'MinCapacity and MaxCapacity are required to register a new target',
        );
      }
    }
    const min = request.min ?? existing?.min ?? 1;
    const max = request.max ?? existing?.max ?? 1;
    if (min < 1) throw ValidationError.field('MinCapacity', 'must be at least 1 for a SageMaker variant');
    if (min > max)
      throw ValidationError.field('MinCapacity', 'Minimum capacity cannot be greater than maximum capacity');
    const target: ScalableTarget = existing ?? {
      resourceId: key.resourceId,
      dimension: key.dimension,
      endpointName,
      variantName,
      arn: this.#arn('scalable-target', randomUUID().replaceAll('-', '').slice(0, 32)),
      creationTime: new Date(this.#deps.clock.now()),
      min,
      max,
      roleArn: '',
      suspended: { dynamicIn: false, dynamicOut: false, scheduled: false },
      changing: false,
      lastScaleOut: 0,
      lastScaleIn: 0,
    };
    target.min = min;
    target.max = max;
    target.roleArn =
      request.roleArn ??
      existing?.roleArn ??
      `arn:aws:iam::${this.#deps.accountId}:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint`;
    if (request.suspended) {
      target.suspended = {
        dynamicIn: request.suspended.dynamicIn ?? target.suspended.dynamicIn,
        dynamicOut: request.suspended.dynamicOut ?? target.suspended.dynamicOut,
        scheduled: request.suspended.scheduled ?? target.suspended.scheduled,
      };
    }
    this.targets.set(keyOf(key), target);
    this.#enforceBounds(target);
    return target;
  }

  /**
   * Deregisters a target, deleting its scaling policies (and their alarms) and scheduled actions.
   *
   * @throws NotFoundError when no target is registered.
   */
  deregister(key: TargetKey): void {
    this.target(key);
    this.targets.delete(keyOf(key));
    for (const [id, policy] of this.policies) {
      if (keyOf(policy.key) !== keyOf(key)) continue;
      this.#dropAlarms(policy);
      this.policies.delete(id);
    }
    for (const [id, action] of this.scheduled) {
      if (keyOf(action.key) === keyOf(key)) this.scheduled.delete(id);
    }
  }

  /** The policy's AlarmHigh and AlarmLow, as PutScalingPolicy and DescribeScalingPolicies list them. */
  policyAlarms(policy: TrackingPolicy): { AlarmName: string; AlarmARN: string }[] {
    return [policy.alarmHigh, policy.alarmLow].map((name) => ({
      AlarmName: name,
      AlarmARN: this.#deps.alarms.get(name)?.arn ?? '',
    }));
  }

  #dropAlarms(policy: TrackingPolicy): void {
    this.#deps.alarms.delete(policy.alarmHigh);
    this.#deps.alarms.delete(policy.alarmLow);
  }

  /**
   * Creates or replaces a target-tracking policy, with its AlarmHigh and AlarmLow.
   *
   * @throws NotFoundError when the target is not registered.
   * @throws ValidationError for a metric the region does not publish.
   */
  putTrackingPolicy(
    key: TargetKey,
    name: string,
    configuration: {
      TargetValue: number;
      PredefinedMetricSpecification?: { PredefinedMetricType: string } | undefined;
      CustomizedMetricSpecification?:
        | {
            MetricName?: string | undefined;
            Namespace?: string | undefined;
            Dimensions?: { Name: string; Value: string }[] | undefined;
            Statistic?: 'Average' | 'Sum' | 'Minimum' | 'Maximum' | 'SampleCount' | undefined;
          }
        | undefined;
      ScaleOutCooldown?: number | undefined;
      ScaleInCooldown?: number | undefined;
      DisableScaleIn?: boolean | undefined;
    },
  ): TrackingPolicy {
    const target = this.target(key);
    let metric: TrackingPolicy['metric'];
    const predefined = configuration.PredefinedMetricSpecification;
    const custom = configuration.CustomizedMetricSpecification;
    if (predefined) {
      const found = predefinedMetric(
        predefined.PredefinedMetricType,
        target.endpointName,
        target.variantName,
      );
      if (!found) {
        throw ValidationError.field(
          'TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.PredefinedMetricType',
          'the local region publishes SageMakerVariantInvocationsPerInstance and SageMakerVariantConcurrentRequestsPerModelHighResolution',
        );
      }
      metric = found;
    } else if (custom?.MetricName && custom.Namespace && custom.Statistic) {
      metric = {
        id: {
          Namespace: custom.Namespace,
          MetricName: custom.MetricName,
          Dimensions: custom.Dimensions ?? [],
        },
        stat: custom.Statistic,
        periodSeconds: 60,
      };
    } else {
      throw ValidationError.field(
        'TargetTrackingScalingPolicyConfiguration',
        'needs a PredefinedMetricSpecification or a single-metric CustomizedMetricSpecification',
      );
    }
    const id = `${keyOf(key)}|${name}`;
    const previous = this.policies.get(id);
    if (previous) this.#dropAlarms(previous);
    const uuid = previous?.arn.split(':')[6] ?? randomUUID();
    const scaled = (seconds: number | undefined) =>
      (seconds ?? DEFAULT_COOLDOWN_SECONDS) * 1000 * this.#deps.timeScale;
    const policy: TrackingPolicy = {
      name,
      key,
      arn: `arn:aws:autoscaling:${this.#deps.region}:${this.#deps.accountId}:scalingPolicy:${uuid}:resource/sagemaker/${key.resourceId}:policyName/${name}`,
      creationTime: previous?.creationTime ?? new Date(this.#deps.clock.now()),
      configuration,
      targetValue: configuration.TargetValue,
      metric,
      scaleOutCooldownMs: scaled(configuration.ScaleOutCooldown),
      scaleInCooldownMs: scaled(configuration.ScaleInCooldown),
      disableScaleIn: configuration.DisableScaleIn ?? false,
      alarmHigh: `TargetTracking-${key.resourceId}-AlarmHigh-${randomUUID()}`,
      alarmLow: `TargetTracking-${key.resourceId}-AlarmLow-${randomUUID()}`,
    };
    // AWS evaluates these on the metric's own period; the region may compress it for tests.
    const period = Math.max(1, Math.round(metric.periodSeconds * this.#deps.timeScale));
    const now = this.#deps.clock.now();
    const common = {
      Namespace: metric.id.Namespace,
      MetricName: metric.id.MetricName,
      Dimensions: metric.id.Dimensions,
      Statistic: metric.stat,
      Period: period,
      extra: { AlarmActions: [policy.arn] },
    } as const;
    this.#deps.alarms.put(
      {
        ...common,
        AlarmName: policy.alarmHigh,
        AlarmDescription: `DO NOT EDIT OR DELETE. For TargetTrackingScaling policy ${policy.arn}.`,
        EvaluationPeriods: 3,
        Threshold: policy.targetValue,
        ComparisonOperator: 'GreaterThanThreshold',
      },
      now,
    );
    this.#deps.alarms.put(
      {
        ...common,
        AlarmName: policy.alarmLow,
        AlarmDescription: `DO NOT EDIT OR DELETE. For TargetTrackingScaling policy ${policy.arn}.`,
        EvaluationPeriods: 15,
        Threshold: policy.targetValue * 0.9,
        ComparisonOperator: 'LessThanThreshold',
      },
      now,
    );
    this.policies.set(id, policy);
    return policy;
  }

  /**
   * Deletes a scaling policy and its alarms.
   *
   * @throws NotFoundError when there is no such policy.
   */
  deletePolicy(key: TargetKey, name: string): void {
    const id = `${keyOf(key)}|${name}`;
    const policy = this.policies.get(id);
    if (!policy) {
      throw new NotFoundError(
        `No scaling policy found for service namespace: sagemaker, resource ID: ${key.resourceId}, scalable dimension: ${key.dimension}, policy name: ${name}`,
      );
    }
    this.#dropAlarms(policy);
    this.policies.delete(id);
  }

  /**
   * Creates or replaces a scheduled action.
   *
   * @throws NotFoundError when the target is not registered.
   * @throws ValidationError for a bad schedule, time zone, or bounds.
   */
  putScheduledAction(
    key: TargetKey,
    name: string,
    request: {
      schedule: string;
      timezone?: string | undefined;
      startTime?: Date | undefined;
      endTime?: Date | undefined;
      min?: number | undefined;
      max?: number | undefined;
    },
  ): ScheduledAction {
    this.target(key);
    const parsed = parseScheduleExpression(request.schedule, request.timezone ?? 'UTC');
    if (request.min !== undefined && request.max !== undefined && request.min > request.max) {
      throw ValidationError.field('ScalableTargetAction', 'MinCapacity cannot be greater than MaxCapacity');
    }
    const id = `${keyOf(key)}|${name}`;
    const previous = this.scheduled.get(id);
    const creationTime = previous?.creationTime ?? new Date(this.#deps.clock.now());
    const now = this.#deps.clock.scheduleNow();
    const anchor = request.startTime?.getTime() ?? creationTime.getTime();
    const action: ScheduledAction = {
      name,
      key,
      arn:
        previous?.arn ??
        `arn:aws:autoscaling:${this.#deps.region}:${this.#deps.accountId}:scheduledAction:${randomUUID()}:resource/sagemaker/${key.resourceId}:scheduledActionName/${name}`,
      creationTime,
      schedule: request.schedule,
      timezone: request.timezone,
      parsed,
      startTime: request.startTime,
      endTime: request.endTime,
      action: { min: request.min, max: request.max },
      nextFire: this.#nextFire(parsed, now, anchor, request.startTime),
    };
    this.scheduled.set(id, action);
    return action;
  }

  #nextFire(
    parsed: ScheduleExpression,
    after: number,
    anchor: number,
    start: Date | undefined,
  ): number | undefined {
    const from = start ? Math.max(after, start.getTime() - 1) : after;
    return nextFireTime(parsed, from, anchor);
  }

  /**
   * Deletes a scheduled action.
   *
   * @throws NotFoundError when there is none.
   */
  deleteScheduledAction(key: TargetKey, name: string): void {
    if (!this.scheduled.delete(`${keyOf(key)}|${name}`)) {
      throw new NotFoundError(
        `No scheduled action found for service namespace: sagemaker, resource ID: ${key.resourceId}, scalable dimension: ${key.dimension}, scheduled action name: ${name}`,
      );
    }
  }

  /** One evaluation round: scheduled actions, then bounds, then target tracking. */
  tick(): void {
    this.#fireScheduled();
    for (const target of this.targets.values()) this.#enforceBounds(target);
    for (const policy of this.policies.values()) this.#track(policy);
  }

  #fireScheduled(): void {
    const now = this.#deps.clock.scheduleNow();
    for (const action of this.scheduled.values()) {
      if (action.nextFire === undefined || action.nextFire > now) continue;
      const firedAt = action.nextFire;
      action.nextFire = this.#nextFire(
        action.parsed,
        now,
        action.startTime?.getTime() ?? action.creationTime.getTime(),
        action.startTime,
      );
      if (action.endTime && firedAt > action.endTime.getTime()) {
        action.nextFire = undefined;
        continue;
      }
      const target = this.targets.get(keyOf(action.key));
      if (!target || target.suspended.scheduled) continue;
      const min = action.action.min ?? target.min;
      const max = Math.max(min, action.action.max ?? target.max);
      target.min = min;
      target.max = max;
      const activity = this.#activity(
        target,
        `Setting min capacity to ${min} and max capacity to ${max}`,
        `scheduled action name ${action.name} was triggered`,
      );
      activity.StatusCode = 'Successful';
      activity.EndTime = new Date(this.#deps.clock.now());
      activity.StatusMessage = `Successfully set min capacity to ${min} and max capacity to ${max}`;
      this.#deps.log(`scheduled action ${action.name}: min ${min}, max ${max}`);
      this.#enforceBounds(target);
    }
  }

  #currentDesired(target: ScalableTarget): number | undefined {
    const endpoint = this.#deps.hosting.get(target.endpointName);
    if (endpoint?.status !== 'InService') return undefined;
    return endpoint.current.variants.get(target.variantName as never)?.fleet.desired;
  }

  #enforceBounds(target: ScalableTarget): void {
    const current = this.#currentDesired(target);
    if (current === undefined || target.changing) return;
    if (current < target.min)
      this.#setCapacity(target, target.min, `minimum capacity was set to ${target.min}`);
    else if (current > target.max)
      this.#setCapacity(target, target.max, `maximum capacity was set to ${target.max}`);
  }

  #track(policy: TrackingPolicy): void {
    const target = this.targets.get(keyOf(policy.key));
    if (!target || target.changing) return;
    const current = this.#currentDesired(target);
    if (current === undefined) return;
    const high = this.#deps.alarms.get(policy.alarmHigh)?.state === 'ALARM';
    const low = this.#deps.alarms.get(policy.alarmLow)?.state === 'ALARM';
    if (!high && !low) return;
    const now = this.#deps.clock.now();
    const periodMs = Math.max(1, Math.round(policy.metric.periodSeconds * this.#deps.timeScale)) * 1000;
    const points = this.#deps.metrics.query(
      policy.metric.id,
      now - 2 * periodMs,
      now + 1,
      periodMs / 1000,
      policy.metric.stat,
    );
    const latest = points[points.length - 1]?.value;
    if (latest === undefined) return;
    const wanted = Math.min(
      target.max,
      Math.max(target.min, Math.ceil((current * latest) / policy.targetValue)),
    );
    if (
      high &&
      wanted > current &&
      !target.suspended.dynamicOut &&
      now >= target.lastScaleOut + policy.scaleOutCooldownMs
    ) {
      target.lastScaleOut = now;
      this.#setCapacity(
        target,
        wanted,
        `monitor alarm ${policy.alarmHigh} in state ALARM triggered policy ${policy.name}`,
      );
    } else if (
      low &&
      wanted < current &&
      !policy.disableScaleIn &&
      !target.suspended.dynamicIn &&
      now >= target.lastScaleIn + policy.scaleInCooldownMs &&
      now >= target.lastScaleOut + policy.scaleOutCooldownMs
    ) {
      target.lastScaleIn = now;
      this.#setCapacity(
        target,
        wanted,
        `monitor alarm ${policy.alarmLow} in state ALARM triggered policy ${policy.name}`,
      );
    }
  }

  #setCapacity(target: ScalableTarget, desired: number, cause: string): void {
    const endpoint = this.#deps.hosting.get(target.endpointName);
    if (!endpoint) return;
    const activity = this.#activity(target, `Setting desired instance count to ${desired}.`, cause);
    let done: Promise<void>;
    try {
      done = endpoint.beginCapacityChange([{ variant: target.variantName, count: desired }]);
    } catch (error) {
      activity.StatusCode = 'Failed';
      activity.StatusMessage = error instanceof Error ? error.message : String(error);
      activity.EndTime = new Date(this.#deps.clock.now());
      return;
    }
    target.changing = true;
    activity.StatusCode = 'InProgress';
    this.#deps.log(`autoscaling ${target.resourceId}: desired ${desired} (${cause})`);
    done
      .then(
        () => {
          activity.StatusCode = 'Successful';
          activity.StatusMessage = `Successfully set desired instance count to ${desired}. Change successfully fulfilled by sagemaker.`;
        },
        (error: unknown) => {
          activity.StatusCode = 'Failed';
          activity.StatusMessage = error instanceof Error ? error.message : String(error);
        },
      )
      .finally(() => {
        activity.EndTime = new Date(this.#deps.clock.now());
        target.changing = false;
      });
  }

  #activity(target: ScalableTarget, description: string, cause: string): ScalingActivity {
    const activity: ScalingActivity = {
      ActivityId: randomUUID(),
      ServiceNamespace: 'sagemaker',
      ResourceId: target.resourceId,
      ScalableDimension: target.dimension,
      Description: description,
      Cause: cause,
      StartTime: new Date(this.#deps.clock.now()),
      StatusCode: 'Pending',
    };
    this.activities.unshift(activity);
    if (this.activities.length > MAX_ACTIVITIES) this.activities.pop();
    return activity;
  }
}
