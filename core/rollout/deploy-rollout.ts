import * as z from 'zod';
import { type EndpointState, findVariant } from '../endpoint-state.js';
import { endpointVerdict } from '../endpoint-verdict.js';
import { ConflictError } from '../errors.js';
import type { BlueGreenDeployment, EndpointHost } from '../ports/endpoint-host.js';
import type { RemovedScaling } from '../ports/removed-scaling-store.js';
import { rolloutResources } from '../resource-names.js';
import type { DeploymentStrategy } from '../rollout-request.js';
import { parseOrThrow } from '../validation.js';
import { type RestoreDependencies, restoreRemovedScaling } from './removed-scaling.js';
import type { RolloutPlan } from './rollout-plan.js';

/**
 * What the create-or-update step did, carried to the poll, verify, floor and rollback steps.
 * - `created`: a new endpoint; rollback deletes it (it never served).
 * - `updated`: a blue/green update from `previousConfigName`; rollback returns to it if needed.
 * - `unchanged`: the endpoint already ran this exact config before this execution started (a
 *   repeat rollout, or one that took over a stopped rollout's lock).
 */
export interface DeploymentRecord {
  readonly action: 'created' | 'updated' | 'unchanged';
  readonly modelName: string;
  readonly configName: string;
  readonly previousConfigName?: string;
  readonly initialInstanceCount: number;
  /** When this step started the change (ISO 8601), for TimeToInService. */
  readonly startedAt: string;
  /** Scaling removed because the instance type changes; ensure-floor puts it back. */
  readonly removedScaling?: RemovedScaling;
}

export interface DeployDependencies extends RestoreDependencies {
  readonly host: EndpointHost;
  readonly executionRoleArn: string;
  /** CloudWatch alarms that make SageMaker roll a blue/green update back on its own. */
  readonly rollbackAlarms: readonly string[];
}

/**
 * Creates the model and endpoint config (idempotently, by content-hashed names), then creates
 * the endpoint or starts a blue/green update.
 *
 * Safe to retry after a crash at any point: existing resources are reused, and an update that
 * is already deploying this step's config is recognised through `pendingConfigName` instead of
 * being started twice (which SageMaker would refuse while Updating).
 *
 * @throws ConflictError when the endpoint is mid-change for another reason, or Failed.
 */
export async function deployRollout(
  deps: DeployDependencies,
  plan: RolloutPlan,
  now: Date,
  /** When this execution took the endpoint's lock (its LockLease.acquiredAt, ISO 8601). */
  lockedAt: string,
): Promise<DeploymentRecord> {
  const { request } = plan;
  const current = await deps.host.describeEndpoint(request.endpoint);
  const liveDesired = current ? findVariant(current, request.variant)?.desiredInstanceCount : undefined;
  const resources = rolloutResources(request, {
    ...(liveDesired === undefined ? {} : { liveDesiredCount: liveDesired }),
    executionRoleArn: deps.executionRoleArn,
    ...(request.environment ? { environment: request.environment } : {}),
  });
  const { model, endpointConfig } = resources;
  const record = {
    modelName: model.name,
    configName: endpointConfig.name,
    initialInstanceCount: endpointConfig.initialInstanceCount,
    startedAt: now.toISOString(),
  };

  await deps.host.createModel({
    name: model.name,
    image: model.image,
    modelDataUrl: model.modelDataUrl,
    executionRoleArn: deps.executionRoleArn,
    environment: model.environment ?? {},
  });
  await deps.host.createEndpointConfig({ ...endpointConfig, name: endpointConfig.name });

  if (!current) {
    await deps.host.createEndpoint(request.endpoint, endpointConfig.name);
    return { action: 'created', ...record };
  }
  if (current.pendingConfigName === endpointConfig.name) {
    // A retry after the update started: what the first attempt removed is only in the store.
    const removedScaling = await deps.removedScaling.load(request.endpoint, plan.executionId);
    return {
      action: 'updated',
      ...record,
      previousConfigName: current.configName,
      ...(removedScaling ? { removedScaling } : {}),
    };
  }
  if (current.configName === endpointConfig.name && createdByThisExecution(current, lockedAt)) {
    // A retry after CreateEndpoint went through: still this execution's own new endpoint, which
    // rollback must delete, whether or not it has reached InService (locally it takes a second).
    return { action: 'created', ...record };
  }
  const verdict = endpointVerdict(current);
  if (verdict.kind !== 'done') {
    throw new ConflictError(
      `endpoint ${request.endpoint} is ${current.status}; warmgate changes only an InService endpoint` +
        (current.status === 'Failed' ? ' (delete the failed endpoint, then roll out again)' : ''),
    );
  }
  // Saved by an earlier attempt of this execution, or by a stopped execution whose lock this one
  // took over (core/acquire-endpoint-lock.ts): either way it is ensure-floor's to put back.
  const saved = await deps.removedScaling.load(request.endpoint, plan.executionId);
  if (current.configName === endpointConfig.name) {
    return { action: 'unchanged', ...record, ...(saved ? { removedScaling: saved } : {}) };
  }

  const removedScaling = (await removeScalingForTypeChange(deps, plan, current.configName)) ?? saved;
  try {
    await deps.host.updateEndpoint(request.endpoint, endpointConfig.name, {
      deployment: blueGreen(request.strategy, deps.rollbackAlarms),
      // The new config already carries max(requested, live desired) instances, so variant
      // properties are not retained: retaining would also pin the old instance type.
      retainInstanceCounts: false,
    });
  } catch (error) {
    // The update never started, so nothing will restore the target: put it back now, or the
    // endpoint would be left with no floor and no scheduled actions.
    if (removedScaling) await restoreRemovedScaling(deps, plan, removedScaling, now);
    throw error;
  }
  return {
    action: 'updated',
    ...record,
    previousConfigName: current.configName,
    ...(removedScaling ? { removedScaling } : {}),
  };
}

/**
 * True when the endpoint came into being while this execution held its lock: still Creating, or
 * created at or after the lock was taken. Not the execution's start: an identical rollout queued
 * behind the lock starts first, and the endpoint the holder then creates (and verifies) is not
 * this one's to delete on a rollback.
 */
function createdByThisExecution(current: EndpointState, lockedAt: string): boolean {
  if (current.status === 'Creating') return true;
  return current.createdAt !== undefined && Date.parse(current.createdAt) >= Date.parse(lockedAt);
}

/**
 * SageMaker refuses an update that changes the instance type of an autoscaled variant, and
 * deregistering the target deletes its scheduled actions; both are saved (durably, before the
 * deregistration) for ensure-floor. A retry that finds no target gets what was saved instead.
 */
async function removeScalingForTypeChange(
  deps: DeployDependencies,
  plan: RolloutPlan,
  liveConfigName: string,
): Promise<DeploymentRecord['removedScaling']> {
  const target = { endpoint: plan.request.endpoint, variant: plan.request.variant };
  const live = await deps.host.describeEndpointConfig(liveConfigName);
  const liveType = live?.variants.find((v) => v.name === plan.request.variant)?.instanceType;
  if (liveType === undefined || liveType === plan.request.instanceType) return undefined;
  const limits = await deps.scaling.describe(target);
  if (!limits) return undefined;
  const removed: RemovedScaling = {
    variant: plan.request.variant,
    limits,
    scheduledActions: await deps.scaling.scheduledActions(target),
  };
  await deps.removedScaling.save(plan.request.endpoint, plan.executionId, removed);
  await deps.scaling.deregister(target);
  return removed;
}

/** The rollout strategy in SageMaker's DeploymentConfig vocabulary. */
export function blueGreen(
  strategy: DeploymentStrategy,
  rollbackAlarms: readonly string[],
): BlueGreenDeployment {
  const common = {
    terminationWaitSeconds: strategy.terminationWaitSeconds,
    ...(strategy.maximumExecutionTimeoutSeconds === undefined
      ? {}
      : { maximumExecutionTimeoutSeconds: strategy.maximumExecutionTimeoutSeconds }),
    rollbackAlarms,
  };
  switch (strategy.type) {
    case 'all-at-once':
      return {
        trafficRouting: { type: 'ALL_AT_ONCE', waitIntervalSeconds: strategy.waitIntervalSeconds },
        ...common,
      };
    case 'canary':
      return {
        trafficRouting: {
          type: 'CANARY',
          waitIntervalSeconds: strategy.waitIntervalSeconds,
          size: strategy.canarySize,
        },
        ...common,
      };
    case 'linear':
      return {
        trafficRouting: {
          type: 'LINEAR',
          waitIntervalSeconds: strategy.waitIntervalSeconds,
          size: strategy.linearStepSize,
        },
        ...common,
      };
  }
}

const scheduledActionSchema = z.object({
  name: z.string(),
  schedule: z.string(),
  timezone: z.string().optional(),
  startTime: z.string().optional(),
  endTime: z.string().optional(),
  minCapacity: z.number().optional(),
  maxCapacity: z.number().optional(),
});

const removedScalingSchema = z.object({
  variant: z.string().min(1).optional(),
  limits: z.object({ minCapacity: z.number(), maxCapacity: z.number() }),
  scheduledActions: z.array(scheduledActionSchema),
});

/**
 * Re-reads saved scaling (see {@link RemovedScalingStore}).
 *
 * @throws ValidationError naming the bad field under `removedScaling.`.
 */
export function readRemovedScaling(value: unknown): RemovedScaling {
  return parseOrThrow(removedScalingSchema, value, 'removedScaling') as RemovedScaling;
}

const deploymentRecordSchema = z.object({
  action: z.enum(['created', 'updated', 'unchanged']),
  modelName: z.string().min(1),
  configName: z.string().min(1),
  previousConfigName: z.string().min(1).optional(),
  initialInstanceCount: z.number().int().min(1),
  startedAt: z.string().min(1),
  removedScaling: removedScalingSchema.optional(),
});

/**
 * Re-reads a deployment record carried in execution state (see `readPlan` for why).
 *
 * @throws ValidationError naming the bad field under `deployment.`.
 */
export function readDeployment(value: unknown): DeploymentRecord {
  return parseOrThrow(deploymentRecordSchema, value, 'deployment') as DeploymentRecord;
}
