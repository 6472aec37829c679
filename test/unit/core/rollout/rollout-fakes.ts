import type { EndpointState } from '../../../../core/endpoint-state.js';
import { ServiceError } from '../../../../core/errors.js';
import type { EndpointConfigName, EndpointName, VariantName } from '../../../../core/names.js';
import type { CapacityHold, CapacityHolds } from '../../../../core/ports/capacity-holds.js';
import type { EndpointConfigView, EndpointHost } from '../../../../core/ports/endpoint-host.js';
import type { RemovedScaling, RemovedScalingStore } from '../../../../core/ports/removed-scaling-store.js';
import type { ScalingLimits, ScheduledAction, VariantScaling } from '../../../../core/ports/scaling.js';
import { planRollout } from '../../../../core/rollout/rollout-plan.js';

/**
 * In-memory implementations of warmgate's own ports for the rollout step tests, recording what
 * core asks of them (core has no I/O; these are its ports, not the AWS SDK).
 */
export class Scaling implements VariantScaling {
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
  /** The next deregistrations go through, then the Lambda dies (throws Crash). Returns the undo. */
  crashAfterDeregister(): () => void {
    const deregister = this.deregister.bind(this);
    this.deregister = async () => {
      await deregister();
      throw new Crash('the Lambda died after DeregisterScalableTarget');
    };
    return () => {
      this.deregister = deregister;
    };
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

export class Store implements RemovedScalingStore {
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

export class Holds implements CapacityHolds {
  readonly holds: CapacityHold[] = [];
  async put(hold: CapacityHold) {
    this.holds.push(hold);
  }
  async remove() {
    return true;
  }
  async active() {
    return [...this.holds];
  }
  async lapsed() {
    return [];
  }
}

/** Stands in for the Lambda dying right after a call it made went through. */
export class Crash extends Error {}

export class Host implements EndpointHost {
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
  deleted: string[] = [];
  async deleteEndpoint(name: string) {
    this.deleted.push(name);
  }
}

export const plan = planRollout(
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
/** When the example plan's execution took the lock: a second after it started. */
export const LOCKED_AT = '2026-11-28T00:00:01Z';

export const deps = (host: Host, scaling: Scaling, removedScaling: Store = new Store()) => ({
  host,
  scaling,
  removedScaling,
  holds: new Holds(),
  executionRoleArn: 'arn:aws:iam::123456789012:role/x',
  rollbackAlarms: [],
});
