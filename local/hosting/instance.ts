import { type ChildProcess, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import type { Brand, EndpointName, VariantName } from '../../core/names.js';
import type { ChildReaper } from '../child-reaper.js';
import { sleep } from '../clock.js';
import { type ModelSource, materializeModel } from '../sagemaker/model-source.js';
import { freePort } from './free-port.js';
import type { Launcher } from './launcher.js';

/** The region-wide id of one container instance, unique for the region's life. */
export type InstanceId = Brand<string, 'InstanceId'>;

/**
 * Where an instance is in its life. Only `in-service` takes traffic: it has passed `/ping` and its
 * latest probe passed. `unhealthy` has passed once but its latest probe failed.
 */
export type InstancePhase =
  | 'provisioning'
  | 'starting'
  | 'in-service'
  | 'unhealthy'
  | 'terminating'
  | 'terminated'
  | 'failed';

/** What an instance reports to its fleet. */
export type InstanceEvent =
  | { readonly kind: 'ready' }
  | { readonly kind: 'health-changed' }
  /** It did not pass `/ping` within the startup timeout, or failed too many probes in a row. */
  | { readonly kind: 'unhealthy'; readonly detail: string }
  | { readonly kind: 'exited'; readonly detail: string };

/** Region-wide settings every instance uses. */
export interface InstanceRuntime {
  readonly launcher: () => Promise<Launcher>;
  readonly reaper: ChildReaper;
  readonly stateDir: string;
  readonly pingIntervalMs: number;
  /** The probe interval until the first `/ping` passes. */
  readonly startupPingIntervalMs: number;
  /** SageMaker gives each probe 2 s; only a 200 within it counts. */
  readonly pingTimeoutMs: number;
  /** Consecutive failed probes after which a serving instance is replaced. */
  readonly unhealthyAfter: number;
  /** How long a terminating instance may drain before SIGKILL. */
  readonly drainMs: number;
  readonly log: (line: string) => void;
}

/** What instances of one variant run and how long they may take to start: one per fleet. */
export interface InstancePlan {
  readonly endpointName: EndpointName;
  readonly variantName: VariantName;
  readonly configName: string;
  readonly instanceType: string;
  readonly source: ModelSource;
  readonly provisioningDelayMs: number;
  readonly startupTimeoutMs: number;
}

/** One instance: its fleet's plan and its own id. */
export interface InstanceSpec extends InstancePlan {
  readonly id: InstanceId;
}

/** The answer of one `/invocations` call, as the container gave it. */
export interface InvocationResult {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly customAttributes: string | undefined;
  readonly body: Buffer;
  /** Time from sending the request to the last byte of the answer. */
  readonly modelLatencyMs: number;
}

/** A read-only picture of one instance, for the dashboard, the control API and tests. */
export interface InstanceView {
  readonly id: InstanceId;
  readonly endpointName: string;
  readonly variantName: string;
  readonly configName: string;
  readonly instanceType: string;
  readonly phase: InstancePhase;
  readonly port: number | undefined;
  readonly pid: number | undefined;
  /** True once `/ping` has answered 200 (and stays true). */
  readonly pingPassed: boolean;
  readonly lastPing: { readonly at: string; readonly ok: boolean; readonly detail: string } | undefined;
  readonly pingDelayMs: number;
  readonly outstanding: number;
  readonly invocations: number;
  readonly launchedAt: string;
  readonly readyAt: string | undefined;
  readonly exit: string | undefined;
  /** The last lines the container wrote, to explain a failure. */
  readonly logTail: readonly string[];
}

const LOG_TAIL_LINES = 40;
/** SageMaker's InvokeEndpoint gives the container 60 s to answer. */
const INVOCATION_TIMEOUT_MS = 60_000;

/**
 * One container instance: a detached child process on its own loopback port with its own model
 * directory, health-probed on `/ping` like SageMaker does. It reports to its fleet through
 * `onEvent`; the fleet decides what a failure means (fail the deployment, or replace it).
 */
export class Instance {
  readonly spec: InstanceSpec;
  phase: InstancePhase = 'provisioning';
  pingPassed = false;
  outstanding = 0;
  invocations = 0;
  port: number | undefined;
  pingDelayMs = 0;
  readonly launchedAt = Date.now();
  readyAt: number | undefined;

  readonly #runtime: InstanceRuntime;
  readonly #onEvent: (instance: Instance, event: InstanceEvent) => void;
  readonly #stop = new AbortController();
  readonly #logTail: string[] = [];
  readonly #agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  #child: ChildProcess | undefined;
  #exited: Promise<void> | undefined;
  #exit: string | undefined;
  #lastPing: { at: number; ok: boolean; detail: string } | undefined;
  #pingFailures = 0;
  /** Time-weighted in-flight requests since the last sample, for ConcurrentRequestsPerModel. */
  #busyIntegral = 0;
  #busySince = performance.now();
  #peak = 0;

  constructor(
    spec: InstanceSpec,
    runtime: InstanceRuntime,
    onEvent: (instance: Instance, event: InstanceEvent) => void,
  ) {
    this.spec = spec;
    this.#runtime = runtime;
    this.#onEvent = onEvent;
  }

  get id(): InstanceId {
    return this.spec.id;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** True when the router may send this instance traffic. */
  get routable(): boolean {
    return this.phase === 'in-service';
  }

  /** True while the instance counts toward CurrentInstanceCount. */
  get counted(): boolean {
    return this.pingPassed && (this.phase === 'in-service' || this.phase === 'unhealthy');
  }

  /** True once the instance has ended for good. */
  get gone(): boolean {
    return this.phase === 'terminated' || this.phase === 'failed';
  }

  #dir(): string {
    return join(this.#runtime.stateDir, 'instances', this.id);
  }

  /**
   * Provisions and starts the instance: the instance type's provisioning delay, the model copied
   * or extracted into its own directory, then the container process, then the health probe.
   * Problems are reported as events, never thrown.
   */
  async start(): Promise<void> {
    const signal = this.#stop.signal;
    try {
      await sleep(this.spec.provisioningDelayMs, signal);
      const modelDir = join(this.#dir(), 'model');
      await materializeModel(this.spec.source.modelData, modelDir);
      const launcher = await this.#runtime.launcher();
      this.port = await freePort();
      if (signal.aborted) {
        await rm(this.#dir(), { recursive: true, force: true });
        return;
      }
      const launch = launcher({ modelDir, port: this.port, gate: this.spec.source.gate });
      const child = spawn(launch.command, [...launch.args], {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          ...this.spec.source.environment,
          ...launch.env,
          SAGEMAKER_BIND_TO_PORT: String(this.port),
        },
      });
      this.#child = child;
      if (child.pid !== undefined) this.#runtime.reaper.add(child.pid);
      this.#exited = new Promise((resolve) => {
        child.on('exit', (code, sig) => {
          if (child.pid !== undefined) this.#runtime.reaper.remove(child.pid);
          this.#onExit(code === null ? `signal ${sig}` : `exit code ${code}`);
          resolve();
        });
        child.on('error', (error) => {
          this.#onExit(`could not start: ${error.message}`);
          resolve();
        });
      });
      child.stdout?.on('data', (chunk: Buffer) => this.#keepLog(chunk));
      child.stderr?.on('data', (chunk: Buffer) => this.#keepLog(chunk));
      this.phase = 'starting';
      this.#onEvent(this, { kind: 'health-changed' });
      this.#watchStartup();
      void this.#probeLoop();
    } catch (error) {
      if (signal.aborted) return;
      this.phase = 'failed';
      this.#exit = error instanceof Error ? error.message : String(error);
      this.#onEvent(this, { kind: 'exited', detail: this.#exit });
    }
  }

  #watchStartup(): void {
    const timer = setTimeout(() => {
      if (this.pingPassed || this.gone || this.#stop.signal.aborted) return;
      this.#onEvent(this, {
        kind: 'unhealthy',
        detail: `did not pass /ping within ${Math.round(this.spec.startupTimeoutMs / 1000)} s`,
      });
    }, this.spec.startupTimeoutMs);
    this.#stop.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  }

  async #probeLoop(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted && !this.gone) {
      const outcome = await this.#probe();
      if (signal.aborted || this.gone || this.phase === 'terminating') return;
      this.#lastPing = { at: Date.now(), ...outcome };
      this.#applyProbe(outcome.ok);
      const interval = this.pingPassed ? this.#runtime.pingIntervalMs : this.#runtime.startupPingIntervalMs;
      await sleep(interval, signal).catch(() => undefined);
    }
  }

  #applyProbe(ok: boolean): void {
    if (ok) {
      this.#pingFailures = 0;
      if (!this.pingPassed) {
        this.pingPassed = true;
        this.readyAt = Date.now();
        this.phase = 'in-service';
        this.#onEvent(this, { kind: 'ready' });
      } else if (this.phase === 'unhealthy') {
        this.phase = 'in-service';
        this.#onEvent(this, { kind: 'health-changed' });
      }
      return;
    }
    if (!this.pingPassed) return;
    this.#pingFailures += 1;
    if (this.phase === 'in-service') {
      this.phase = 'unhealthy';
      this.#onEvent(this, { kind: 'health-changed' });
    }
    if (this.#pingFailures === this.#runtime.unhealthyAfter) {
      this.#onEvent(this, {
        kind: 'unhealthy',
        detail: `failed ${this.#pingFailures} consecutive /ping probes (${this.#lastPing?.detail ?? ''})`,
      });
    }
  }

  /** One probe: GET /ping within the timeout, after any injected delay. Only a 200 passes. */
  #probe(): Promise<{ ok: boolean; detail: string }> {
    const timeoutMs = this.#runtime.pingTimeoutMs;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (ok: boolean, detail: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        resolve({ ok, detail });
      };
      const deadline = setTimeout(() => {
        req?.destroy();
        finish(false, `no answer within ${timeoutMs} ms`);
      }, timeoutMs);
      let req: ReturnType<typeof request> | undefined;
      const send = () => {
        if (settled) return;
        req = request(
          { host: '127.0.0.1', port: this.port, path: '/ping', method: 'GET', agent: this.#agent },
          (res) => {
            res.resume();
            res.on('end', () => finish(res.statusCode === 200, `HTTP ${res.statusCode}`));
            res.on('error', (error) => finish(false, error.message));
          },
        );
        req.on('error', (error) => finish(false, (error as NodeJS.ErrnoException).code ?? error.message));
        req.end();
      };
      if (this.pingDelayMs > 0) setTimeout(send, this.pingDelayMs);
      else send();
    });
  }

  #onExit(detail: string): void {
    if (this.#exit !== undefined) return;
    this.#exit = detail;
    const expected = this.phase === 'terminating';
    this.phase = expected ? 'terminated' : 'failed';
    this.#stop.abort(new Error('instance exited'));
    this.#agent.destroy();
    if (!expected) {
      this.#runtime.log(`instance ${this.id} exited unexpectedly (${detail})`);
      this.#onEvent(this, { kind: 'exited', detail });
    }
    void rm(this.#dir(), { recursive: true, force: true });
  }

  #keepLog(chunk: Buffer): void {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      this.#logTail.push(line);
      if (this.#logTail.length > LOG_TAIL_LINES) this.#logTail.shift();
    }
  }

  /**
   * Ends the instance as SageMaker does when it retires one: out of routing at once, SIGTERM so
   * the container drains in-flight requests, SIGKILL if it has not exited after the drain time.
   * Idempotent.
   */
  async terminate(): Promise<void> {
    if (this.gone) return;
    if (this.phase !== 'terminating') {
      this.phase = 'terminating';
      this.#onEvent(this, { kind: 'health-changed' });
      this.#stop.abort(new Error('instance terminated'));
    }
    const child = this.#child;
    if (!child || !this.#exited) {
      this.phase = 'terminated';
      this.#agent.destroy();
      await rm(this.#dir(), { recursive: true, force: true });
      return;
    }
    // Routing already skips a terminating instance, so `outstanding` only falls from here. Let it
    // reach 0, then close the idle keep-alive sockets from this side, and only then signal: a
    // container that closes its idle sockets on SIGTERM would otherwise race a request being
    // written onto one of them, and the caller would see a reset.
    const drainBy = performance.now() + this.#runtime.drainMs;
    while (this.outstanding > 0 && performance.now() < drainBy) await sleep(20);
    this.#agent.destroy();
    signalGroup(child, 'SIGTERM');
    const drained = await Promise.race([
      this.#exited.then(() => true),
      sleep(Math.max(0, drainBy - performance.now())).then(() => false),
    ]);
    if (!drained) {
      signalGroup(child, 'SIGKILL');
      await this.#exited;
    }
  }

  /** Fault injection: the process dies as if it crashed (SIGKILL by default). */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.#child && !this.gone) signalGroup(this.#child, signal);
  }

  /**
   * Sends one `/invocations` request and returns the container's answer.
   *
   * @throws Error when the connection fails or the container takes longer than 60 s.
   */
  invoke(body: Buffer, headers: Readonly<Record<string, string>>): Promise<InvocationResult> {
    this.#markBusy(+1);
    this.invocations += 1;
    const started = performance.now();
    return new Promise<InvocationResult>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: this.port,
          path: '/invocations',
          method: 'POST',
          agent: this.#agent,
          headers: { ...headers, 'Content-Length': String(body.length) },
          timeout: INVOCATION_TIMEOUT_MS,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 500,
              contentType: headerValue(res.headers['content-type']),
              customAttributes: headerValue(res.headers['x-amzn-sagemaker-custom-attributes']),
              body: Buffer.concat(chunks),
              modelLatencyMs: performance.now() - started,
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('the model did not answer within 60 s')));
      req.on('error', reject);
      req.end(body);
    }).finally(() => this.#markBusy(-1));
  }

  #markBusy(delta: number): void {
    const now = performance.now();
    this.#busyIntegral += this.outstanding * (now - this.#busySince);
    this.#busySince = now;
    this.outstanding += delta;
    this.#peak = Math.max(this.#peak, this.outstanding);
  }

  /**
   * The average and peak number of in-flight requests since the previous call, then resets.
   * Sampling averages, not instants, so a burst shorter than the sampling interval still counts.
   */
  sampleConcurrency(sinceMs: number): { average: number; peak: number } {
    this.#markBusy(0);
    const average = sinceMs > 0 ? this.#busyIntegral / sinceMs : this.outstanding;
    const peak = this.#peak;
    this.#busyIntegral = 0;
    this.#peak = this.outstanding;
    return { average, peak };
  }

  view(): InstanceView {
    const lastPing = this.#lastPing;
    return {
      id: this.id,
      endpointName: this.spec.endpointName,
      variantName: this.spec.variantName,
      configName: this.spec.configName,
      instanceType: this.spec.instanceType,
      phase: this.phase,
      port: this.port,
      pid: this.pid,
      pingPassed: this.pingPassed,
      lastPing: lastPing && {
        at: new Date(lastPing.at).toISOString(),
        ok: lastPing.ok,
        detail: lastPing.detail,
      },
      pingDelayMs: this.pingDelayMs,
      outstanding: this.outstanding,
      invocations: this.invocations,
      launchedAt: new Date(this.launchedAt).toISOString(),
      readyAt: this.readyAt === undefined ? undefined : new Date(this.readyAt).toISOString(),
      exit: this.#exit,
      logTail: [...this.#logTail],
    };
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    // Negative pid: the whole process group the detached child leads, grandchildren included.
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
