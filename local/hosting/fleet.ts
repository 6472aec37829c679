import { DeploymentFailedError } from '../../core/errors.js';
import type { EndpointName, VariantName } from '../../core/names.js';
import {
  Instance,
  type InstanceEvent,
  type InstanceId,
  type InstancePlan,
  type InstanceRuntime,
  type InstanceView,
} from './instance.js';
import { pickLeastOutstanding } from './least-outstanding.js';

/** One variant of one endpoint config: what its instances run and how long they may take. */
export type FleetSpec = InstancePlan;

/** Region-wide services a fleet needs. */
export interface FleetRuntime {
  readonly instance: InstanceRuntime;
  nextInstanceId(endpoint: EndpointName, variant: VariantName): InstanceId;
  /** Called on every instance change, so the endpoint can refresh its counts and views. */
  onChange(): void;
}

/**
 * SageMaker's FailureReason for a container that never became healthy. The same wording covers a
 * container that exited: SageMaker only sees that the ping health check did not pass.
 */
export function pingFailureReason(variant: string): string {
  return `The primary container for production variant ${variant} did not pass the ping health check. Please check CloudWatch logs for this endpoint.`;
}

interface Batch {
  readonly pending: Set<Instance>;
  resolve(): void;
  reject(error: DeploymentFailedError): void;
}

/**
 * The instances of one variant under one endpoint config. A fleet launches instances in batches:
 * a batch succeeds when every member has passed `/ping`, and fails on the first member that
 * exits or misses its startup timeout — the endpoint then decides what that means (Failed at
 * creation, a rollback at update). Once `serving`, an instance that dies outside a batch is
 * replaced, and the endpoint stays InService while the others serve.
 */
export class Fleet {
  readonly spec: FleetSpec;
  /** Live instances: provisioning, starting, serving or unhealthy. Terminated ones leave. */
  readonly instances: Instance[] = [];
  /** Instances on their way out (draining), kept visible until they exit. */
  readonly retiring = new Set<Instance>();
  desired = 0;
  /** Replace instances that die outside a launch batch. */
  serving = false;
  readonly #runtime: FleetRuntime;
  readonly #batches = new Set<Batch>();
  #cursor = 0;
  #stopped = false;

  constructor(spec: FleetSpec, runtime: FleetRuntime) {
    this.spec = spec;
    this.#runtime = runtime;
  }

  /** Instances that count toward CurrentInstanceCount: passed `/ping`, not retired. */
  get currentCount(): number {
    return this.instances.filter((i) => i.counted).length;
  }

  /**
   * Sets the instance count. Growing launches the missing instances as one batch and resolves
   * when all of them pass `/ping`; shrinking retires the least useful instances (not yet ready
   * first, then the least busy) and resolves at once.
   *
   * @throws DeploymentFailedError with SageMaker's FailureReason when a new instance exits or
   *   does not pass `/ping` within the startup timeout.
   */
  scaleTo(count: number): Promise<void> {
    this.desired = count;
    const missing = count - this.instances.length;
    if (missing < 0) {
      const extras = [...this.instances]
        .sort((a, b) => Number(a.pingPassed) - Number(b.pingPassed) || a.outstanding - b.outstanding)
        .slice(0, -missing);
      for (const instance of extras) this.#retire(instance);
      return Promise.resolve();
    }
    if (missing === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const batch: Batch = { pending: new Set(), resolve, reject };
      this.#batches.add(batch);
      for (let n = 0; n < missing; n += 1) batch.pending.add(this.#launch());
    });
  }

  /**
   * The instance that should take the next request: least outstanding requests among the
   * instances whose latest `/ping` passed, ties broken round-robin so equal instances share load.
   */
  pick(): Instance | undefined {
    const index = pickLeastOutstanding(this.instances, this.#cursor);
    this.#cursor = (this.#cursor + 1) % Math.max(1, this.instances.length);
    return index === -1 ? undefined : this.instances[index];
  }

  /** Finds a live or retiring instance by id. */
  find(id: InstanceId): Instance | undefined {
    return this.instances.find((i) => i.id === id) ?? [...this.retiring].find((i) => i.id === id);
  }

  /** Every instance this fleet still holds, for views and sampling. */
  all(): Instance[] {
    return [...this.instances, ...this.retiring];
  }

  views(): InstanceView[] {
    return this.all().map((i) => i.view());
  }

  /** Retires every instance and fails pending batches. Resolves when all have exited. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.serving = false;
    for (const batch of this.#batches) batch.reject(new DeploymentFailedError('the fleet was stopped'));
    this.#batches.clear();
    for (const instance of [...this.instances]) this.#retire(instance);
    await Promise.all([...this.retiring].map((i) => i.terminate()));
  }

  #launch(): Instance {
    const { spec } = this;
    const instance = new Instance(
      { ...spec, id: this.#runtime.nextInstanceId(spec.endpointName, spec.variantName) },
      this.#runtime.instance,
      (i, event) => this.#onEvent(i, event),
    );
    this.instances.push(instance);
    void instance.start();
    this.#runtime.onChange();
    return instance;
  }

  #retire(instance: Instance): void {
    const at = this.instances.indexOf(instance);
    if (at !== -1) this.instances.splice(at, 1);
    for (const batch of this.#batches) {
      // A shrink can retire the last member a batch waits for; the batch is then complete.
      if (batch.pending.delete(instance) && batch.pending.size === 0) {
        this.#batches.delete(batch);
        batch.resolve();
      }
    }
    this.retiring.add(instance);
    void instance.terminate().finally(() => {
      this.retiring.delete(instance);
      this.#runtime.onChange();
    });
    this.#runtime.onChange();
  }

  #onEvent(instance: Instance, event: InstanceEvent): void {
    if (event.kind === 'ready') {
      for (const batch of this.#batches) {
        if (!batch.pending.delete(instance)) continue;
        if (batch.pending.size === 0) {
          this.#batches.delete(batch);
          batch.resolve();
        }
      }
    } else if (event.kind === 'exited' || event.kind === 'unhealthy') {
      this.#runtime.instance.log(`instance ${instance.id}: ${event.detail}`);
      const failedBatch = [...this.#batches].find((b) => b.pending.has(instance));
      if (failedBatch) {
        // Out of the set before the instance retires, so retiring cannot complete the batch.
        this.#batches.delete(failedBatch);
        failedBatch.reject(new DeploymentFailedError(pingFailureReason(this.spec.variantName)));
      }
      this.#retire(instance);
      if (!failedBatch && this.serving && !this.#stopped && this.instances.length < this.desired) {
        this.#launch();
      }
    }
    this.#runtime.onChange();
  }
}
