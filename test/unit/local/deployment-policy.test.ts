import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/errors.js';
import { trafficSteps } from '../../../local/hosting/deployment-policy.js';
import { deploymentPolicy } from '../../../local/sagemaker/sagemaker-service.js';

describe('trafficSteps', () => {
  it('shifts everything in one step for ALL_AT_ONCE', () => {
    expect(trafficSteps({ type: 'ALL_AT_ONCE', waitSeconds: 0 }, 4)).toEqual([1]);
  });

  it('sends the canary share first, then everything, for CANARY', () => {
    expect(
      trafficSteps({ type: 'CANARY', waitSeconds: 60, canarySize: { Type: 'INSTANCE_COUNT', Value: 1 } }, 4),
    ).toEqual([0.25, 1]);
    expect(
      trafficSteps(
        { type: 'CANARY', waitSeconds: 60, canarySize: { Type: 'CAPACITY_PERCENT', Value: 10 } },
        4,
      ),
    ).toEqual([0.1, 1]);
  });

  it('moves traffic in equal steps ending at all of it for LINEAR', () => {
    const steps = trafficSteps(
      { type: 'LINEAR', waitSeconds: 60, stepSize: { Type: 'CAPACITY_PERCENT', Value: 30 } },
      10,
    );
    expect(steps.map((s) => Math.round(s * 100))).toEqual([30, 60, 90, 100]);
  });

  it('refuses a canary larger than half the new fleet, as SageMaker does', () => {
    expect(() =>
      trafficSteps({ type: 'CANARY', waitSeconds: 0, canarySize: { Type: 'INSTANCE_COUNT', Value: 2 } }, 3),
    ).toThrow(ValidationError);
  });

  it('refuses a linear step outside 10-50 % of the new fleet', () => {
    expect(() =>
      trafficSteps({ type: 'LINEAR', waitSeconds: 0, stepSize: { Type: 'CAPACITY_PERCENT', Value: 60 } }, 3),
    ).toThrow(/LinearStepSize/);
  });
});

describe('deploymentPolicy', () => {
  it('defaults to all at once with no bake and no termination wait when no config is given', () => {
    expect(deploymentPolicy(undefined)).toEqual({
      routing: { type: 'ALL_AT_ONCE', waitSeconds: 0 },
      terminationWaitSeconds: 0,
      maximumExecutionSeconds: undefined,
      rollbackAlarms: [],
    });
  });

  it('reads the canary size, termination wait and rollback alarms of a blue/green config', () => {
    const policy = deploymentPolicy({
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: {
          Type: 'CANARY',
          WaitIntervalInSeconds: 300,
          CanarySize: { Type: 'INSTANCE_COUNT', Value: 1 },
        },
        TerminationWaitInSeconds: 120,
        MaximumExecutionTimeoutInSeconds: 1800,
      },
      AutoRollbackConfiguration: { Alarms: [{ AlarmName: 'p99-latency' }] },
    });
    expect(policy).toEqual({
      routing: { type: 'CANARY', waitSeconds: 300, canarySize: { Type: 'INSTANCE_COUNT', Value: 1 } },
      terminationWaitSeconds: 120,
      maximumExecutionSeconds: 1800,
      rollbackAlarms: ['p99-latency'],
    });
  });

  it('refuses CANARY without a canary size and rolling updates', () => {
    expect(() =>
      deploymentPolicy({
        BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: 'CANARY', WaitIntervalInSeconds: 0 } },
      }),
    ).toThrow(/CanarySize/);
    expect(() => deploymentPolicy({ RollingUpdatePolicy: {} })).toThrow(/RollingUpdatePolicy/);
  });
});
