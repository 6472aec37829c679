import { ValidationError } from '../../core/errors.js';

/** SageMaker's CapacitySize: a number of instances, or a percentage of the new fleet. */
export interface CapacitySize {
  readonly Type: 'INSTANCE_COUNT' | 'CAPACITY_PERCENT';
  readonly Value: number;
}

/** How traffic moves from the old fleet to the new one (BlueGreenUpdatePolicy). */
export type TrafficRouting =
  | { readonly type: 'ALL_AT_ONCE'; readonly waitSeconds: number }
  | { readonly type: 'CANARY'; readonly waitSeconds: number; readonly canarySize: CapacitySize }
  | { readonly type: 'LINEAR'; readonly waitSeconds: number; readonly stepSize: CapacitySize };

/** A blue/green update, as UpdateEndpoint's DeploymentConfig describes it (or its default). */
export interface DeploymentPolicy {
  readonly routing: TrafficRouting;
  readonly terminationWaitSeconds: number;
  readonly maximumExecutionSeconds: number | undefined;
  /** CloudWatch alarms whose ALARM state rolls the update back while traffic shifts and bakes. */
  readonly rollbackAlarms: readonly string[];
}

/** Without a DeploymentConfig, SageMaker shifts all traffic at once and retires the old fleet. */
export const DEFAULT_POLICY: DeploymentPolicy = {
  routing: { type: 'ALL_AT_ONCE', waitSeconds: 0 },
  terminationWaitSeconds: 0,
  maximumExecutionSeconds: undefined,
  rollbackAlarms: [],
};

function shareOf(size: CapacitySize, fleetSize: number): number {
  return size.Type === 'CAPACITY_PERCENT' ? size.Value / 100 : size.Value / Math.max(1, fleetSize);
}

/**
 * The traffic shares the new fleet takes, step by step, ending at 1. Each step is followed by a
 * bake of `waitSeconds` during which the rollback alarms are watched.
 *
 * @throws ValidationError when a canary is larger than half the new fleet, or a linear step is
 *   outside 10–50 % of it, as SageMaker refuses.
 */
export function trafficSteps(routing: TrafficRouting, fleetSize: number): number[] {
  if (routing.type === 'ALL_AT_ONCE') return [1];
  if (routing.type === 'CANARY') {
    const canary = shareOf(routing.canarySize, fleetSize);
    if (canary <= 0 || canary > 0.5) {
      throw ValidationError.field(
        'DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.CanarySize',
        'must be at most 50% of the new fleet',
      );
    }
    return [canary, 1];
  }
  const step = shareOf(routing.stepSize, fleetSize);
  if (step < 0.1 - 1e-9 || step > 0.5 + 1e-9) {
    throw ValidationError.field(
      'DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.LinearStepSize',
      'must be between 10% and 50% of the new fleet',
    );
  }
  const steps: number[] = [];
  for (let share = step; share < 1 - 1e-9; share += step) steps.push(share);
  steps.push(1);
  return steps;
}
