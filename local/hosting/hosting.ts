import type { EndpointStatus } from '../../core/endpoint-state.js';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import type { EndpointName, VariantName } from '../../core/names.js';
import type { ChildReaper } from '../child-reaper.js';
import { type ConfigPlan, type Generation, HostedEndpoint } from './endpoint.js';
import type { FleetRuntime } from './fleet.js';
import type { Instance, InstanceId, InstanceView } from './instance.js';
import type { Launcher } from './launcher.js';

/** Settings for the hosting layer, fixed when the region starts. */
export interface HostingOptions {
  readonly stateDir: string;
  readonly launcher: () => Promise<Launcher>;
  readonly reaper: ChildReaper;
  readonly pingIntervalMs: number;
  readonly startupPingIntervalMs: number;
  readonly unhealthyAfter: number;
  readonly drainMs: number;
  readonly timeScale: number;
  provisioningDelayMs(instanceType: string): number;
  alarmStates(names: readonly string[]): ReadonlyMap<string, string>;
  readonly log: (line: string) => void;
}

/** Something that happened to hosted endpoints, for the dashboard and event emitters. */
export type HostingEvent =
  | {
      readonly kind: 'endpoint-status';
      readonly endpointName: string;
      readonly status: EndpointStatus;
      readonly previous: EndpointStatus;
      readonly failureReason: string | undefined;
    }
  | { readonly kind: 'endpoint-deleted'; readonly endpointName: string }
  | { readonly kind: 'instances-changed'; readonly endpointName: string };

/** One variant's fleet in one generation, as the dashboard and tests see it. */
export interface FleetView {
  readonly variantName: string;
  readonly configName: string;
  /** `current` serves (or is being created); `pending` is a blue/green update's new fleet; `retiring` waits to end. */
  readonly role: 'current' | 'pending' | 'retiring';
  readonly instanceType: string;
  readonly desiredInstanceCount: number;
  readonly currentInstanceCount: number;
  readonly currentWeight: number;
  readonly instances: readonly InstanceView[];
}

/** One endpoint as the dashboard and tests see it. */
export interface EndpointView {
  readonly name: string;
  readonly arn: string;
  readonly status: EndpointStatus;
  readonly failureReason: string | undefined;
  readonly configName: string;
  readonly pendingConfigName: string | undefined;
  /** The share of traffic the pending fleet takes during a blue/green shift (0..1). */
  readonly pendingShare: number | undefined;
  readonly fleets: readonly FleetView[];
}

/** Concurrency of one variant over the last sampling interval (for AWS/SageMaker metrics). */
export interface VariantConcurrency {
  readonly endpointName: string;
  readonly variantName: string;
  /** Time-averaged in-flight requests per serving instance. */
  readonly perInstance: number;
  readonly peakPerInstance: number;
  readonly instances: number;
}

/**
 * The hosting side of the local region: every endpoint's fleets and instances. SageMaker's API
 * layer drives it; the runtime routes through it; the dashboard, the control API and tests read
 * {@link Hosting.snapshot} and subscribe to its events.
 */
export class Hosting {
  readonly #endpoints = new Map<string, HostedEndpoint>();
  readonly #listeners = new Set<(event: HostingEvent) => void>();
  readonly #options: HostingOptions;
  readonly #fleetRuntimes = new Map<string, FleetRuntime>();
  #sequence = 0;
  #lastSample = performance.now();

  constructor(options: HostingOptions) {
    this.#options = options;
  }

  #fleetRuntime(endpointName: string): FleetRuntime {
    let runtime = this.#fleetRuntimes.get(endpointName);
    if (!runtime) {
      const options = this.#options;
      runtime = {
        instance: {
          launcher: options.launcher,
          reaper: options.reaper,
          stateDir: options.stateDir,
          pingIntervalMs: options.pingIntervalMs,
          startupPingIntervalMs: options.startupPingIntervalMs,
          pingTimeoutMs: 2000,
          unhealthyAfter: options.unhealthyAfter,
          drainMs: options.drainMs,
          log: options.log,
        },
        nextInstanceId: (endpoint: EndpointName, variant: VariantName) => {
          this.#sequence += 1;
          return `${endpoint}-${variant}-i${this.#sequence}` as InstanceId;
        },
        onChange: () => this.#emit({ kind: 'instances-changed', endpointName }),
      };
      this.#fleetRuntimes.set(endpointName, runtime);
    }
    return runtime;
  }

  /** Creates an endpoint and starts launching its instances. The caller checked the name is free. */
  create(name: EndpointName, arn: string, plan: ConfigPlan): HostedEndpoint {
    const endpoint = new HostedEndpoint(name, arn, plan, {
      fleet: this.#fleetRuntime(name),
      provisioningDelayMs: (type) => this.#options.provisioningDelayMs(type),
      timeScale: this.#options.timeScale,
      alarmStates: (names) => this.#options.alarmStates(names),
      onStatusChange: (ep, previous) =>
        this.#emit({
          kind: 'endpoint-status',
          endpointName: ep.name,
          status: ep.status,
          previous,
          failureReason: ep.failureReason,
        }),
      onDeleted: (ep) => {
        if (this.#endpoints.get(ep.name) === ep) this.#endpoints.delete(ep.name);
        this.#fleetRuntimes.delete(ep.name);
        this.#emit({ kind: 'endpoint-deleted', endpointName: ep.name });
      },
    });
    this.#endpoints.set(name, endpoint);
    this.#emit({
      kind: 'endpoint-status',
      endpointName: name,
      status: 'Creating',
      previous: 'Creating',
      failureReason: undefined,
    });
    return endpoint;
  }

  get(name: string): HostedEndpoint | undefined {
    return this.#endpoints.get(name);
  }

  list(): HostedEndpoint[] {
    return [...this.#endpoints.values()];
  }

  /** Calls `listener` on every hosting event; returns the unsubscribe function. */
  subscribe(listener: (event: HostingEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(event: HostingEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#options.log(`hosting listener failed: ${String(error)}`);
      }
    }
  }

  /** Every endpoint with its fleets and instances, as plain data. */
  snapshot(): EndpointView[] {
    return this.list().map((endpoint) => {
      const fleets: FleetView[] = [];
      const add = (generation: Generation, role: FleetView['role']) => {
        for (const variant of generation.variants.values()) {
          fleets.push({
            variantName: variant.plan.variantName,
            configName: generation.configName,
            role,
            instanceType: variant.plan.instanceType,
            desiredInstanceCount: variant.fleet.desired,
            currentInstanceCount: variant.fleet.currentCount,
            currentWeight: variant.currentWeight,
            instances: variant.fleet.views(),
          });
        }
      };
      for (const generation of endpoint.retired) add(generation, 'retiring');
      add(endpoint.current, 'current');
      if (endpoint.pending) add(endpoint.pending.generation, 'pending');
      return {
        name: endpoint.name,
        arn: endpoint.arn,
        status: endpoint.status,
        failureReason: endpoint.failureReason,
        configName: endpoint.current.configName,
        pendingConfigName: endpoint.pending?.generation.configName,
        pendingShare: endpoint.pending?.share,
        fleets,
      };
    });
  }

  /** Every instance of every endpoint, flat. */
  instances(): Instance[] {
    return this.list().flatMap((endpoint) =>
      endpoint.generations().flatMap((g) => [...g.variants.values()].flatMap((v) => v.fleet.all())),
    );
  }

  /**
   * Finds an instance by id.
   *
   * @throws NotFoundError when no live instance has that id.
   */
  instance(id: string): Instance {
    const found = this.instances().find((i) => i.id === id);
    if (!found) throw new NotFoundError(`No instance "${id}" in the local region.`);
    return found;
  }

  /** Fault injection: the instance's process dies as if it crashed. */
  killInstance(id: string, signal: NodeJS.Signals = 'SIGKILL'): InstanceView {
    const instance = this.instance(id);
    instance.kill(signal);
    return instance.view();
  }

  /**
   * Fault injection: every `/ping` probe of the instance waits `delayMs` first. At 2 s or more
   * every probe times out, as a hung container's would. 0 removes the delay.
   *
   * @throws ValidationError when the delay is negative or not a number.
   */
  slowPing(id: string, delayMs: number): InstanceView {
    if (!(Number.isFinite(delayMs) && delayMs >= 0))
      throw ValidationError.field('delayMs', 'must be a number >= 0');
    const instance = this.instance(id);
    instance.pingDelayMs = delayMs;
    return instance.view();
  }

  /** Per-variant concurrency since the previous call (the current fleets only). */
  sampleConcurrency(): VariantConcurrency[] {
    const now = performance.now();
    const since = now - this.#lastSample;
    this.#lastSample = now;
    const samples: VariantConcurrency[] = [];
    for (const endpoint of this.list()) {
      if (endpoint.status !== 'InService' && endpoint.status !== 'Updating') continue;
      const byVariant = new Map<string, { sum: number; peak: number; count: number }>();
      for (const generation of endpoint.generations()) {
        for (const variant of generation.variants.values()) {
          const entry = byVariant.get(variant.plan.variantName) ?? { sum: 0, peak: 0, count: 0 };
          for (const instance of variant.fleet.all()) {
            const sample = instance.sampleConcurrency(since);
            if (!instance.counted) continue;
            entry.sum += sample.average;
            entry.peak = Math.max(entry.peak, sample.peak);
            entry.count += 1;
          }
          byVariant.set(variant.plan.variantName, entry);
        }
      }
      for (const [variantName, entry] of byVariant) {
        samples.push({
          endpointName: endpoint.name,
          variantName,
          perInstance: entry.count > 0 ? entry.sum / entry.count : 0,
          peakPerInstance: entry.peak,
          instances: entry.count,
        });
      }
    }
    return samples;
  }

  /** Ends every instance of every endpoint. */
  async close(): Promise<void> {
    await Promise.all(this.list().map((endpoint) => endpoint.stopAll()));
  }
}
