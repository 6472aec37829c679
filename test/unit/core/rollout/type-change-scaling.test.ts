import { describe, expect, it } from 'vitest';
import type { EndpointState } from '../../../../core/endpoint-state.js';
import { EndpointBusyError, ServiceError } from '../../../../core/errors.js';
import type { EndpointConfigName, EndpointName, VariantName } from '../../../../core/names.js';
import type { CapacityHold, CapacityHolds } from '../../../../core/ports/capacity-holds.js';
import type { EndpointConfigView, EndpointHost } from '../../../../core/ports/endpoint-host.js';
import type { RemovedScaling, RemovedScalingStore } from '../../../../core/ports/removed-scaling-store.js';
import type { ScalingLimits, ScheduledAction, VariantScaling } from '../../../../core/ports/scaling.js';
import { deployRollout } from '../../../../core/rollout/deploy-rollout.js';
import { rollbackRollout } from '../../../../core/rollout/rollback-rollout.js';
import { planRollout } from '../../../../core/rollout/rollout-plan.js';

// In-memory implementations of warmgate's own ports, recording what core asks of them.
class Scaling implements VariantScaling {
  limits: ScalingLimits | undefined = { minCapacity: 3, maxCapacity: 6 };
  actions: ScheduledAction[] = [{ name: 'wg-window', schedule: 'at(2026-12-01T00:00:00)', minCapacity: 4 }];
  async describe() {
    return this.limits;
  }
  async register(_t: unknown, limits: ScalingLimits) {
    this.limits = limits;
  }
  async deregister() {
    this.limits = undefined;
    this.actions = [];
  }
  async scheduledActions() {
    return [...this.actions];
  }
  async putScheduledAction(_t: unknown, action: ScheduledAction) {
    this.actions.push(action);
  }
  async putConcurrencyTracking() {
    return 'policy';
  }
}

class Store implements RemovedScalingStore {
  saved = new Map<string, RemovedScaling>();
  async save(endpoint: string, owner: string, removed: RemovedScaling) {
    this.saved.set(`${endpoint}|${owner}`, structuredClone(removed));
  }
  async load(endpoint: string, owner: string) {
    return this.saved.get(`${endpoint}|${owner}`);
  }
  async clear(endpoint: string, owner: string) {
    this.saved.delete(`${endpoint}|${owner}`);
  }
}

class Holds implements CapacityHolds {
  readonly holds: CapacityHold[] = [];
  async put(hold: CapacityHold) {
    this.holds.push(hold);
  }
  async remove() {}
  async active() {
    return [...this.holds];
  }
}

/** Stands in for the Lambda dying right after a call it made went through. */
class Crash extends Error {}

class Host implements EndpointHost {
  state: EndpointState;
  /** No endpoint yet: DescribeEndpoint answers nothing. */
  missing = false;
  updates: string[] = [];
  failUpdate = false;
  constructor(configName: string) {
    this.state = {
      name: 'manga-recs' as EndpointName,
      status: 'InService',
      configName: configName as EndpointConfigName,
      variants: [
        {
          name: 'AllTraffic' as VariantName,
          currentInstanceCount: 3,
          desiredInstanceCount: 3,
          deployedImages: [],
        },
      ],
      pendingDeployment: false,
    };
  }
  async describeEndpoint() {
    return this.missing ? undefined : this.state;
  }
  async describeEndpointConfig(name: string): Promise<EndpointConfigView> {
    return { name, variants: [{ name: 'AllTraffic', modelName: 'm', instanceType: 'ml.m5.large' }] };
  }
  async createModel() {
    return true;
  }
  async createEndpointConfig() {
    return true;
  }
  async createEndpoint() {}
  async updateEndpoint(_name: string, config: string) {
    if (this.failUpdate) throw new ServiceError('UpdateEndpoint: refused');
    this.updates.push(config);
  }
  async deleteEndpoint() {}
}

const plan = planRollout(
  {
    request: {
      endpoint: 'manga-recs',
      image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/warmgate-container:2',
      modelDataUrl: 's3://models-bucket/manga/v2.tar.gz',
      instanceType: 'ml.c5.xlarge',
      instanceCount: 3,
      maxCapacity: 6,
    },
    executionId: 'exec-1',
    startedAt: '2026-11-28T00:00:00Z',
  },
  'aws',
);
const deps = (host: Host, scaling: Scaling, removedScaling: Store = new Store()) => ({
  host,
  scaling,
  removedScaling,
  holds: new Holds(),
  executionRoleArn: 'arn:aws:iam::123456789012:role/x',
  rollbackAlarms: [],
});

describe('instance-type change', () => {
  it('puts the scalable target and its scheduled actions back when the update is refused', async () => {
    const host = new Host('manga-recs-c-old');
    host.failUpdate = true;
    const scaling = new Scaling();
    await expect(deployRollout(deps(host, scaling), plan, new Date())).rejects.toBeInstanceOf(ServiceError);
    expect(scaling.limits).toEqual({ minCapacity: 3, maxCapacity: 6 });
    expect(scaling.actions.map((a) => a.name)).toEqual(['wg-window']);
  });

  it('reverts before restoring scaling, and restores it only once back on the old config', async () => {
    const host = new Host('manga-recs-c-old');
    const scaling = new Scaling();
    const deployment = await deployRollout(deps(host, scaling), plan, new Date());
    expect(scaling.limits).toBeUndefined();

    // The new config went live but failed verification: first pass reverts, scaling stays off.
    host.state = { ...host.state, configName: deployment.configName as EndpointConfigName };
    await expect(rollbackRollout(deps(host, scaling), plan, deployment, new Date())).rejects.toBeInstanceOf(
      EndpointBusyError,
    );
    expect(host.updates.at(-1)).toBe('manga-recs-c-old');
    expect(scaling.limits).toBeUndefined();

    // SageMaker finished the revert: the retried pass restores the target and the window.
    host.state = { ...host.state, configName: 'manga-recs-c-old' as EndpointConfigName };
    await expect(rollbackRollout(deps(host, scaling), plan, deployment, new Date())).resolves.toMatchObject({
      action: 'already-on-previous',
    });
    expect(scaling.limits).toEqual({ minCapacity: 3, maxCapacity: 6 });
    expect(scaling.actions.map((a) => a.name)).toEqual(['wg-window']);
  });

  it('keeps what it removed when the step crashes right after deregistering, so the retry returns it', async () => {
    const host = new Host('manga-recs-c-old');
    const scaling = new Scaling();
    const store = new Store();
    const deregister = scaling.deregister.bind(scaling);
    scaling.deregister = async () => {
      await deregister();
      throw new Crash('the Lambda died after DeregisterScalableTarget');
    };
    await expect(deployRollout(deps(host, scaling, store), plan, new Date())).rejects.toBeInstanceOf(Crash);
    expect(scaling.limits).toBeUndefined();

    scaling.deregister = deregister;
    const retried = await deployRollout(deps(host, scaling, store), plan, new Date());
    expect(retried.action).toBe('updated');
    expect(retried.removedScaling).toEqual({
      variant: 'AllTraffic',
      limits: { minCapacity: 3, maxCapacity: 6 },
      scheduledActions: [{ name: 'wg-window', schedule: 'at(2026-12-01T00:00:00)', minCapacity: 4 }],
    });
  });

  it('returns what it removed when the retry finds the update already deploying', async () => {
    const host = new Host('manga-recs-c-old');
    const scaling = new Scaling();
    const store = new Store();
    const first = await deployRollout(deps(host, scaling, store), plan, new Date());
    // The first attempt started the update, then died before returning its record.
    host.state = {
      ...host.state,
      status: 'Updating',
      pendingConfigName: first.configName as EndpointConfigName,
    };
    const retried = await deployRollout(deps(host, scaling, store), plan, new Date());
    expect(retried).toMatchObject({ action: 'updated', previousConfigName: 'manga-recs-c-old' });
    expect(retried.removedScaling?.limits).toEqual({ minCapacity: 3, maxCapacity: 6 });
  });

  it('restores removed scaling in rollback even when the deploy step never returned a record', async () => {
    const host = new Host('manga-recs-c-old');
    const scaling = new Scaling();
    const store = new Store();
    host.failUpdate = true;
    const deregister = scaling.deregister.bind(scaling);
    scaling.deregister = async () => {
      await deregister();
      throw new Crash('the Lambda died after DeregisterScalableTarget');
    };
    await expect(deployRollout(deps(host, scaling, store), plan, new Date())).rejects.toBeInstanceOf(Crash);
    const outcome = await rollbackRollout(deps(host, scaling, store), plan, undefined, new Date());
    expect(outcome).toMatchObject({
      action: 'none',
      reason: expect.stringMatching(/scaling it had removed is restored/),
    });
    expect(scaling.limits).toEqual({ minCapacity: 3, maxCapacity: 6 });
    expect(scaling.actions.map((a) => a.name)).toEqual(['wg-window']);
  });

  it('forgets saved scaling once it is put back, so a later holder cannot restore it again', async () => {
    const host = new Host('manga-recs-c-old');
    host.failUpdate = true;
    const scaling = new Scaling();
    const store = new Store();
    await expect(deployRollout(deps(host, scaling, store), plan, new Date())).rejects.toBeInstanceOf(
      ServiceError,
    );
    expect(scaling.limits).toEqual({ minCapacity: 3, maxCapacity: 6 });
    expect(store.saved.size).toBe(0);
  });
});

describe('a retried create-or-update', () => {
  const inService = (configName: string, createdAt: string): EndpointState => ({
    name: 'manga-recs' as EndpointName,
    status: 'InService',
    configName: configName as EndpointConfigName,
    variants: [],
    pendingDeployment: false,
    createdAt,
  });

  it('still reports the endpoint it created once that is InService, so a rollback deletes it', async () => {
    const host = new Host('unused');
    host.missing = true;
    const first = await deployRollout(deps(host, new Scaling()), plan, new Date('2026-11-28T00:00:01Z'));
    expect(first.action).toBe('created');
    // The step died after CreateEndpoint; by the time it is retried the endpoint is InService.
    host.missing = false;
    host.state = inService(first.configName, '2026-11-28T00:00:02Z');
    const retried = await deployRollout(deps(host, new Scaling()), plan, new Date('2026-11-28T00:00:04Z'));
    expect(retried.action).toBe('created');
    host.state = { ...inService(first.configName, '2026-11-28T00:00:02Z'), status: 'Failed' };
    const failed = await deployRollout(deps(host, new Scaling()), plan, new Date('2026-11-28T00:00:05Z'));
    expect(failed.action).toBe('created');
  });

  it('reports an endpoint that already ran this config before the execution started as unchanged', async () => {
    const host = new Host('unused');
    host.missing = true;
    const { configName } = await deployRollout(deps(host, new Scaling()), plan, new Date());
    host.missing = false;
    host.state = inService(configName, '2026-11-27T09:00:00Z');
    const repeat = await deployRollout(deps(host, new Scaling()), plan, new Date());
    expect(repeat.action).toBe('unchanged');
  });
});
