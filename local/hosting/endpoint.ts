import type { EndpointStatus } from '../../core/endpoint-state.js';
import { ConflictError, DeploymentFailedError, ValidationError } from '../../core/errors.js';
import type { EndpointName, VariantName } from '../../core/names.js';
import { sleep } from '../clock.js';
import type { ModelSource } from '../sagemaker/model-source.js';
import { type DeploymentPolicy, trafficSteps } from './deployment-policy.js';
import { Fleet, type FleetRuntime } from './fleet.js';
import type { Instance } from './instance.js';

/** SageMaker's per-variant deployment statuses (ProductionVariantStatus). */
export type VariantStatusName = 'Creating' | 'Updating' | 'Deleting' | 'ActivatingTraffic' | 'Baking';

/** One production variant of an endpoint config, with its model already resolved. */
export interface VariantPlan {
  readonly variantName: VariantName;
  readonly modelName: string;
  readonly image: string;
  readonly source: ModelSource;
  readonly instanceType: string;
  readonly initialInstanceCount: number;
  readonly initialWeight: number;
  readonly startupTimeoutSeconds: number;
}

/** An endpoint config, resolved: what a fleet generation is built from. */
export interface ConfigPlan {
  readonly configName: string;
  readonly variants: readonly VariantPlan[];
}

/** A variant as it runs: its fleet and weights. */
export interface LiveVariant {
  readonly plan: VariantPlan;
  readonly fleet: Fleet;
  currentWeight: number;
  desiredWeight: number;
  status: { readonly name: VariantStatusName; readonly message: string; readonly since: Date } | undefined;
  /** Smooth weighted round-robin state, so traffic splits by weight deterministically. */
  credit: number;
}

/** All variants of one endpoint config, running. */
export interface Generation {
  readonly configName: string;
  readonly variants: Map<VariantName, LiveVariant>;
  /** When its deployment began, and so its images were resolved (DeployedImages.ResolutionTime). */
  readonly resolvedAt: Date;
}

/** The new generation of a blue/green update, and how much traffic it takes so far. */
export interface PendingDeployment {
  readonly generation: Generation;
  readonly startTime: Date;
  share: number;
  phase: VariantStatusName;
}

/** Property kinds UpdateEndpoint's ExcludeRetainedVariantProperties can name. */
export type RetainedProperty = 'DesiredInstanceCount' | 'DesiredWeight' | 'DataCaptureConfig';

/** What an endpoint needs from the hosting layer around it. */
export interface EndpointRuntime {
  readonly fleet: FleetRuntime;
  provisioningDelayMs(instanceType: string): number;
  /** Multiplies SageMaker's timeouts (1 = real); tests shrink 60 s minimums with it. */
  readonly timeScale: number;
  /** The current state of each named CloudWatch alarm (auto-rollback). */
  alarmStates(names: readonly string[]): ReadonlyMap<string, string>;
  onStatusChange(endpoint: HostedEndpoint, previous: EndpointStatus): void;
  onDeleted(endpoint: HostedEndpoint): void;
}

/** Where InvokeEndpoint should send a request, or why it cannot. */
export type RouteDecision =
  | { readonly kind: 'instance'; readonly instance: Instance; readonly variant: VariantName }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'no-variant'; readonly variant: string }
  | { readonly kind: 'no-capacity' };

/** Bake-time alarm polling: often enough that a rollback follows an alarm within a second. */
const ALARM_POLL_MS = 500;

/**
 * One hosted endpoint and the asynchronous work SageMaker does for it: creation, blue/green
 * updates with traffic shifting and auto-rollback, capacity changes, deletion. The API layer
 * validates requests and calls the `begin*` methods, which set the status synchronously (so a
 * DescribeEndpoint right after CreateEndpoint already says Creating) and run the rest in the
 * background.
 */
export class HostedEndpoint {
  readonly name: EndpointName;
  readonly arn: string;
  readonly creationTime = new Date();
  lastModifiedTime = new Date();
  status: EndpointStatus = 'Creating';
  failureReason: string | undefined;
  /** The generation EndpointConfigName names; during Creating, the one being created. */
  current: Generation;
  pending: PendingDeployment | undefined;
  /** Old generations after a blue/green switch, waiting out TerminationWaitInSeconds. */
  readonly retired = new Set<Generation>();
  lastDeploymentConfig: unknown;
  /** True once the endpoint has been InService; DescribeEndpoint shows variants from then on. */
  everInService = false;
  readonly #runtime: EndpointRuntime;
  readonly #abort = new AbortController();
  #shareDebt = 0;

  constructor(name: EndpointName, arn: string, plan: ConfigPlan, runtime: EndpointRuntime) {
    this.name = name;
    this.arn = arn;
    this.#runtime = runtime;
    this.current = this.#generation(plan, () => undefined);
    void this.#create();
  }

  #setStatus(status: EndpointStatus): void {
    const previous = this.status;
    this.status = status;
    this.lastModifiedTime = new Date();
    if (previous !== status) this.#runtime.onStatusChange(this, previous);
  }

  #generation(
    plan: ConfigPlan,
    retained: (variant: VariantPlan) => { count?: number; weight?: number } | undefined,
  ): Generation {
    const variants = new Map<VariantName, LiveVariant>();
    for (const variant of plan.variants) {
      const keep = retained(variant);
      const fleet = new Fleet(
        {
          endpointName: this.name,
          variantName: variant.variantName,
          configName: plan.configName,
          instanceType: variant.instanceType,
          source: variant.source,
          provisioningDelayMs: this.#runtime.provisioningDelayMs(variant.instanceType),
          startupTimeoutMs: variant.startupTimeoutSeconds * 1000 * this.#runtime.timeScale,
        },
        this.#runtime.fleet,
      );
      fleet.desired = keep?.count ?? variant.initialInstanceCount;
      const weight = keep?.weight ?? variant.initialWeight;
      variants.set(variant.variantName, {
        plan: variant,
        fleet,
        currentWeight: weight,
        desiredWeight: weight,
        status: undefined,
        credit: 0,
      });
    }
    return { configName: plan.configName, variants, resolvedAt: new Date() };
  }

  /** Launches every fleet of `generation` and resolves when all instances pass `/ping`. */
  async #launch(generation: Generation, status: VariantStatusName): Promise<void> {
    const since = new Date();
    const launches = [...generation.variants.values()].map((variant) => {
      variant.status = { name: status, message: 'Launching instances', since };
      return variant.fleet.scaleTo(variant.fleet.desired);
    });
    try {
      await Promise.all(launches);
    } finally {
      for (const variant of generation.variants.values()) variant.status = undefined;
    }
    for (const variant of generation.variants.values()) variant.fleet.serving = true;
  }

  async #stopGeneration(generation: Generation): Promise<void> {
    await Promise.all([...generation.variants.values()].map((v) => v.fleet.stop()));
  }

  async #create(): Promise<void> {
    try {
      await this.#launch(this.current, 'Creating');
      if (this.#abort.signal.aborted) return;
      this.everInService = true;
      this.failureReason = undefined;
      this.#setStatus('InService');
    } catch (error) {
      if (this.#abort.signal.aborted) return;
      await this.#stopGeneration(this.current);
      this.failureReason = error instanceof Error ? error.message : String(error);
      this.#setStatus('Failed');
    }
  }

  #requireInService(): void {
    if (this.status === 'InService') return;
    if (this.status === 'Failed') throw new ConflictError(`Cannot update failed endpoint "${this.arn}".`);
    throw new ConflictError(`Cannot update in-progress endpoint "${this.arn}".`);
  }

  /**
   * Starts a blue/green update to `plan`.
   *
   * @throws ConflictError when the endpoint is not InService or `plan` is its current config.
   * @throws ValidationError when the traffic policy does not fit the new fleet.
   */
  beginUpdate(
    plan: ConfigPlan,
    policy: DeploymentPolicy,
    options: { retainAll: boolean; exclude: readonly RetainedProperty[]; deploymentConfig: unknown },
  ): void {
    this.#requireInService();
    if (plan.configName === this.current.configName) {
      throw new ConflictError(
        `Cannot update endpoint "${this.arn}" to its current endpoint configuration "${plan.configName}"; create a new EndpointConfig.`,
      );
    }
    const retained = (variant: VariantPlan) => {
      const old = this.current.variants.get(variant.variantName);
      if (!options.retainAll || !old) return undefined;
      return {
        ...(options.exclude.includes('DesiredInstanceCount') ? {} : { count: old.fleet.desired }),
        ...(options.exclude.includes('DesiredWeight') ? {} : { weight: old.currentWeight }),
      };
    };
    const generation = this.#generation(plan, retained);
    const fleetSize = [...generation.variants.values()].reduce((n, v) => n + v.fleet.desired, 0);
    const steps = trafficSteps(policy.routing, fleetSize);
    this.lastDeploymentConfig = options.deploymentConfig;
    this.pending = { generation, startTime: new Date(), share: 0, phase: 'Creating' };
    this.#setStatus('Updating');
    void this.#update(generation, policy, steps);
  }

  async #update(generation: Generation, policy: DeploymentPolicy, steps: number[]): Promise<void> {
    const signal = this.#abort.signal;
    const pending = this.pending as PendingDeployment;
    const deadlineMs = policy.maximumExecutionSeconds
      ? policy.maximumExecutionSeconds * 1000 * this.#runtime.timeScale
      : undefined;
    let timedOut = false;
    const deadline =
      deadlineMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
          }, deadlineMs);
    try {
      await this.#launch(generation, 'Creating');
      for (const share of steps) {
        if (signal.aborted) return;
        pending.phase = 'ActivatingTraffic';
        pending.share = share;
        pending.phase = 'Baking';
        const alarm = await this.#bake(policy, () => timedOut);
        if (alarm) throw new DeploymentFailedError(alarm);
      }
      if (signal.aborted) return;
      const old = this.current;
      this.current = generation;
      this.pending = undefined;
      this.retired.add(old);
      for (const variant of old.variants.values()) variant.fleet.serving = false;
      await sleep(policy.terminationWaitSeconds * 1000 * this.#runtime.timeScale, signal);
      await this.#stopGeneration(old);
      this.retired.delete(old);
      this.failureReason = undefined;
      this.#setStatus('InService');
    } catch (error) {
      if (signal.aborted) return;
      // A failed update keeps the old fleet serving: traffic returns to it, the new fleet goes.
      pending.share = 0;
      this.pending = undefined;
      await this.#stopGeneration(generation);
      const reason = error instanceof Error ? error.message : String(error);
      this.failureReason = `Update to endpoint configuration "${generation.configName}" failed and was rolled back: ${reason}`;
      this.#setStatus('InService');
    } finally {
      if (deadline) clearTimeout(deadline);
    }
  }

  /**
   * Waits out one bake period, watching the rollback alarms. Returns the reason to roll back, or
   * undefined when the bake passed.
   */
  async #bake(policy: DeploymentPolicy, timedOut: () => boolean): Promise<string | undefined> {
    const until = Date.now() + policy.routing.waitSeconds * 1000 * this.#runtime.timeScale;
    for (;;) {
      if (timedOut()) return 'the deployment exceeded MaximumExecutionTimeoutInSeconds.';
      if (policy.rollbackAlarms.length > 0) {
        const states = this.#runtime.alarmStates(policy.rollbackAlarms);
        const firing = policy.rollbackAlarms.filter((name) => states.get(name) === 'ALARM');
        if (firing.length > 0) return `auto-rollback alarm(s) in ALARM state: ${firing.join(', ')}.`;
      }
      const left = until - Date.now();
      if (left <= 0) return undefined;
      await sleep(Math.min(left, ALARM_POLL_MS), this.#abort.signal);
    }
  }

  /**
   * Starts a capacity and weight change (UpdateEndpointWeightsAndCapacities, or Application Auto
   * Scaling). The returned promise settles when the change has finished; the API does not wait.
   *
   * @throws ConflictError when the endpoint is not InService.
   * @throws ValidationError when a variant does not exist.
   */
  beginCapacityChange(
    changes: readonly { variant: string; weight?: number | undefined; count?: number | undefined }[],
  ): Promise<void> {
    this.#requireInService();
    const missing = changes
      .filter((c) => !this.current.variants.has(c.variant as VariantName))
      .map((c) => c.variant);
    if (missing.length > 0) {
      throw new ValidationError([
        {
          field: 'DesiredWeightsAndCapacities',
          message: `The variant(s) "[${missing.join(', ')}]" are not present in endpoint "${this.arn}".`,
        },
      ]);
    }
    const resolved = changes.map((c) => ({
      ...c,
      live: this.current.variants.get(c.variant as VariantName) as LiveVariant,
    }));
    for (const change of resolved) {
      if (change.weight !== undefined) change.live.desiredWeight = change.weight;
    }
    this.#setStatus('Updating');
    return this.#changeCapacity(resolved);
  }

  async #changeCapacity(
    changes: readonly { live: LiveVariant; weight?: number | undefined; count?: number | undefined }[],
  ): Promise<void> {
    const since = new Date();
    const previous = new Map(changes.map((c) => [c.live, c.live.fleet.desired]));
    try {
      await Promise.all(
        changes.map((change) => {
          if (change.count === undefined || change.count === change.live.fleet.desired) return undefined;
          change.live.status = { name: 'Updating', message: `Scaling to ${change.count} instances`, since };
          return change.live.fleet.scaleTo(change.count);
        }),
      );
      if (this.#abort.signal.aborted) return;
      for (const change of changes) change.live.currentWeight = change.live.desiredWeight;
      this.failureReason = undefined;
    } catch (error) {
      if (this.#abort.signal.aborted) return;
      for (const [live, count] of previous) {
        live.desiredWeight = live.currentWeight;
        await live.fleet.scaleTo(count).catch(() => undefined);
      }
      this.failureReason = error instanceof Error ? error.message : String(error);
      throw error;
    } finally {
      for (const change of changes) change.live.status = undefined;
      if (!this.#abort.signal.aborted) this.#setStatus('InService');
    }
  }

  /** Starts deletion: every fleet ends, then the endpoint disappears from the region. */
  beginDelete(): void {
    if (this.status === 'Deleting') return;
    this.#setStatus('Deleting');
    this.#abort.abort(new Error('endpoint deleted'));
    void this.stopAll().then(() => this.#runtime.onDeleted(this));
  }

  /** Ends every instance of every generation. */
  async stopAll(): Promise<void> {
    this.#abort.abort(new Error('endpoint stopped'));
    const generations = [this.current, ...(this.pending ? [this.pending.generation] : []), ...this.retired];
    await Promise.all(generations.map((g) => this.#stopGeneration(g)));
  }

  /**
   * Chooses where one request goes: the new generation takes its share during a blue/green shift,
   * variants split by weight (or the caller's TargetVariant), instances by least outstanding
   * requests among those whose latest `/ping` passed.
   */
  route(targetVariant: string | undefined): RouteDecision {
    if (this.status !== 'InService' && this.status !== 'Updating') return { kind: 'not-found' };
    let generation = this.current;
    if (this.pending && this.pending.share > 0) {
      this.#shareDebt += this.pending.share;
      if (this.#shareDebt >= 1 - 1e-9) {
        this.#shareDebt -= 1;
        generation = this.pending.generation;
      }
    }
    let variant: LiveVariant | undefined;
    if (targetVariant !== undefined) {
      variant =
        generation.variants.get(targetVariant as VariantName) ??
        this.current.variants.get(targetVariant as VariantName);
      if (!variant) return { kind: 'no-variant', variant: targetVariant };
    } else {
      variant = pickByWeight([...generation.variants.values()]);
    }
    const instance = variant?.fleet.pick();
    if (!variant || !instance) return { kind: 'no-capacity' };
    return { kind: 'instance', instance, variant: variant.plan.variantName };
  }

  /** Every generation that still holds instances, newest last. */
  generations(): Generation[] {
    return [...this.retired, this.current, ...(this.pending ? [this.pending.generation] : [])];
  }
}

/** Smooth weighted round-robin (as nginx does): exact proportions, no randomness, no bursts. */
function pickByWeight(variants: LiveVariant[]): LiveVariant | undefined {
  const eligible = variants.filter((v) => v.currentWeight > 0);
  if (eligible.length === 0) return undefined;
  const total = eligible.reduce((sum, v) => sum + v.currentWeight, 0);
  let best: LiveVariant | undefined;
  for (const variant of eligible) {
    variant.credit += variant.currentWeight;
    if (!best || variant.credit > best.credit) best = variant;
  }
  if (best) best.credit -= total;
  return best;
}
