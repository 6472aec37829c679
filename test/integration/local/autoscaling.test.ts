import {
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingActivitiesCommand,
  DescribeScalingPoliciesCommand,
  DescribeScheduledActionsCommand,
  PutScalingPolicyCommand,
  PutScheduledActionCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateEndpointConfigCommand,
  DescribeEndpointCommand,
  UpdateEndpointCommand,
} from '@aws-sdk/client-sagemaker';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEndpointInService, eventually, type RegionFixture, startFixture } from './region-fixture.js';

let fx: RegionFixture;
const DIMENSION = 'sagemaker:variant:DesiredInstanceCount';

// The schedule clock runs 30x faster (a minute-ahead action fires after 2 s); timeScale 0.1 turns
// the 10 s high-resolution period into 1 s.
beforeAll(async () => {
  fx = await startFixture({ speed: 30, timeScale: 0.1, tickMs: 250 });
});

afterAll(async () => {
  await fx?.close();
});

const resource = (endpoint: string) => `endpoint/${endpoint}/variant/AllTraffic`;

async function desired(endpoint: string) {
  const described = await fx.sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpoint }));
  return { status: described.EndpointStatus, variant: described.ProductionVariants?.[0] };
}

async function register(endpoint: string, min: number, max: number) {
  await fx.scaling.send(
    new RegisterScalableTargetCommand({
      ServiceNamespace: 'sagemaker',
      ResourceId: resource(endpoint),
      ScalableDimension: DIMENSION,
      MinCapacity: min,
      MaxCapacity: max,
    }),
  );
}

describe('Application Auto Scaling in the local region', () => {
  it('raises the instance count to a newly registered minimum', async () => {
    await createEndpointInService(fx, 'floor-ep');
    await register('floor-ep', 2, 3);
    const after = await eventually(async () => {
      const state = await desired('floor-ep');
      return state.status === 'InService' && state.variant?.CurrentInstanceCount === 2 ? state : undefined;
    });
    expect(after.variant?.DesiredInstanceCount).toBe(2);
    const activities = await fx.scaling.send(
      new DescribeScalingActivitiesCommand({
        ServiceNamespace: 'sagemaker',
        ResourceId: resource('floor-ep'),
      }),
    );
    expect(activities.ScalingActivities?.[0]).toMatchObject({
      Cause: 'minimum capacity was set to 2',
      StatusCode: 'Successful',
    });
  });

  it('fires a scheduled at() action at its local time and enforces its new minimum', async () => {
    // A minute ahead on the region's schedule clock, which runs ahead of real time.
    const inAMinute = DateTime.fromMillis(fx.region.clock.scheduleNow(), { zone: 'Asia/Tokyo' })
      .plus({ minutes: 1 })
      .toFormat("yyyy-MM-dd'T'HH:mm:ss");
    const before = await desired('floor-ep');
    expect(before.variant?.DesiredInstanceCount).toBe(2);
    await fx.scaling.send(
      new PutScheduledActionCommand({
        ServiceNamespace: 'sagemaker',
        ResourceId: resource('floor-ep'),
        ScalableDimension: DIMENSION,
        ScheduledActionName: 'chapter-drop',
        Schedule: `at(${inAMinute})`,
        Timezone: 'Asia/Tokyo',
        ScalableTargetAction: { MinCapacity: 3, MaxCapacity: 3 },
      }),
    );
    const listed = await fx.scaling.send(
      new DescribeScheduledActionsCommand({ ServiceNamespace: 'sagemaker' }),
    );
    expect(listed.ScheduledActions?.[0]).toMatchObject({
      Schedule: `at(${inAMinute})`,
      Timezone: 'Asia/Tokyo',
    });
    await eventually(async () => {
      const state = await desired('floor-ep');
      return state.status === 'InService' && state.variant?.CurrentInstanceCount === 3 ? true : undefined;
    });
    const targets = await fx.scaling.send(
      new DescribeScalableTargetsCommand({ ServiceNamespace: 'sagemaker' }),
    );
    expect(targets.ScalableTargets?.find((t) => t.ResourceId === resource('floor-ep'))).toMatchObject({
      MinCapacity: 3,
      MaxCapacity: 3,
    });
  });

  it('refuses an instance-type change while the variant is a scalable target', async () => {
    await fx.sagemaker.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: 'floor-ep-bigger',
        ProductionVariants: [
          {
            VariantName: 'AllTraffic',
            ModelName: 'floor-ep-model',
            InstanceType: 'ml.g5.xlarge',
            InitialInstanceCount: 1,
          },
        ],
      }),
    );
    await expect(
      fx.sagemaker.send(
        new UpdateEndpointCommand({ EndpointName: 'floor-ep', EndpointConfigName: 'floor-ep-bigger' }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('must be deregistered'),
    });
  });

  it('deletes the scheduled actions of a target when it is deregistered', async () => {
    await fx.scaling.send(
      new DeregisterScalableTargetCommand({
        ServiceNamespace: 'sagemaker',
        ResourceId: resource('floor-ep'),
        ScalableDimension: DIMENSION,
      }),
    );
    const listed = await fx.scaling.send(
      new DescribeScheduledActionsCommand({ ServiceNamespace: 'sagemaker' }),
    );
    expect(listed.ScheduledActions).toEqual([]);
    await expect(
      fx.scaling.send(
        new PutScheduledActionCommand({
          ServiceNamespace: 'sagemaker',
          ResourceId: resource('floor-ep'),
          ScalableDimension: DIMENSION,
          ScheduledActionName: 'late',
          Schedule: 'rate(5 minutes)',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ObjectNotFoundException' });
  });

  it('refuses a schedule expression it cannot read', async () => {
    await register('floor-ep', 1, 3);
    await expect(
      fx.scaling.send(
        new PutScheduledActionCommand({
          ServiceNamespace: 'sagemaker',
          ResourceId: resource('floor-ep'),
          ScalableDimension: DIMENSION,
          ScheduledActionName: 'bad',
          Schedule: 'cron(0 12 * * * *)',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('cron()') });
  });

  it('scales out on real concurrency with target tracking and stops at the maximum', async () => {
    await createEndpointInService(fx, 'track-ep');
    await register('track-ep', 1, 2);
    const policy = await fx.scaling.send(
      new PutScalingPolicyCommand({
        ServiceNamespace: 'sagemaker',
        ResourceId: resource('track-ep'),
        ScalableDimension: DIMENSION,
        PolicyName: 'concurrency',
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 1,
          PredefinedMetricSpecification: {
            PredefinedMetricType: 'SageMakerVariantConcurrentRequestsPerModelHighResolution',
          },
          ScaleOutCooldown: 0,
        },
      }),
    );
    expect(policy.Alarms?.map((a) => a.AlarmName)).toEqual([
      expect.stringMatching(/^TargetTracking-endpoint\/track-ep\/variant\/AllTraffic-AlarmHigh-/),
      expect.stringMatching(/^TargetTracking-endpoint\/track-ep\/variant\/AllTraffic-AlarmLow-/),
    ]);
    const alarms = await fx.cloudwatch.send(
      new DescribeAlarmsCommand({ AlarmNames: policy.Alarms?.map((a) => a.AlarmName as string) }),
    );
    expect(alarms.MetricAlarms?.[0]).toMatchObject({
      Namespace: 'AWS/SageMaker',
      MetricName: 'ConcurrentRequestsPerModel',
      Threshold: 1,
    });

    let loading = true;
    const worker = async () => {
      while (loading) {
        await fetch(`${fx.region.url}/endpoints/track-ep/invocations`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ query: 'long multi turn conversation about seinen drama and revenge arcs' }),
        }).then((r) => r.arrayBuffer());
      }
    };
    const workers = Array.from({ length: 12 }, worker);
    try {
      const scaled = await eventually(async () => {
        const state = await desired('track-ep');
        return state.variant?.DesiredInstanceCount === 2 ? state : undefined;
      }, 60_000);
      expect(scaled.variant?.DesiredInstanceCount).toBe(2);
    } finally {
      loading = false;
      await Promise.all(workers);
    }
    const done = await eventually(async () => {
      const state = await desired('track-ep');
      return state.status === 'InService' ? state : undefined;
    });
    // The load asked for far more than 2 instances; the maximum holds.
    expect(done.variant).toMatchObject({ DesiredInstanceCount: 2, CurrentInstanceCount: 2 });
    const activities = await fx.scaling.send(
      new DescribeScalingActivitiesCommand({
        ServiceNamespace: 'sagemaker',
        ResourceId: resource('track-ep'),
      }),
    );
    expect(activities.ScalingActivities?.[0]?.Cause).toContain('triggered policy concurrency');
    const policies = await fx.scaling.send(
      new DescribeScalingPoliciesCommand({ ServiceNamespace: 'sagemaker', ResourceId: resource('track-ep') }),
    );
    expect(policies.ScalingPolicies?.[0]?.PolicyType).toBe('TargetTrackingScaling');
  });
});
