/**
 * The readiness gate: the container's phase, and whether `/ping` may say 200.
 *
 * Phases run `booting → loading → warming → ready`, or end in `failed` from any of them. Time
 * is read through an injected clock (milliseconds since process start), so the phase timings
 * in `/status` add up to the time a client saw between starting the process and the first 200.
 */

export type Phase = 'booting' | 'loading' | 'warming' | 'ready' | 'failed';

export interface PhaseTiming {
  readonly phase: Phase;
  readonly startMs: number;
  readonly endMs?: number;
  readonly durationMs?: number;
}

export interface GateSnapshot {
  readonly phase: Phase;
  readonly gated: boolean;
  readonly trafficReady: boolean;
  readonly draining: boolean;
  readonly phases: readonly PhaseTiming[];
  readonly failure?: { readonly phase: Phase; readonly reason: string };
}

const NEXT: Readonly<Record<Phase, readonly Phase[]>> = {
  booting: ['loading', 'failed'],
  loading: ['warming', 'ready', 'failed'],
  warming: ['ready', 'failed'],
  ready: [],
  failed: [],
};

export type PhaseListener = (phase: Phase, snapshot: GateSnapshot) => void;

export class ReadinessGate {
  readonly #gated: boolean;
  readonly #now: () => number;
  readonly #timings: { phase: Phase; startMs: number; endMs?: number }[];
  readonly #listeners: PhaseListener[] = [];
  #failure: { phase: Phase; reason: string } | undefined;
  #draining = false;

  /**
   * @param gated false is the naive `--no-gate` mode: traffic-ready from the first instant,
   *   kept only as the baseline for the side-by-side benchmarks.
   * @param now milliseconds since process start; `booting` starts at 0.
   */
  constructor(options: { gated: boolean; now: () => number }) {
    this.#gated = options.gated;
    this.#now = options.now;
    this.#timings = [{ phase: 'booting', startMs: 0 }];
  }

  get phase(): Phase {
    return (this.#timings[this.#timings.length - 1] as { phase: Phase }).phase;
  }

  /** What `/ping` answers: only `ready` counts, and never while draining. */
  get trafficReady(): boolean {
    if (this.#draining) return false;
    return this.#gated ? this.phase === 'ready' : this.phase !== 'failed';
  }

  onChange(listener: PhaseListener): void {
    this.#listeners.push(listener);
  }

  /**
   * Moves to the next phase.
   *
   * @throws {Error} on a transition the lifecycle never makes (a bug, not an input problem).
   */
  enter(phase: Exclude<Phase, 'failed' | 'booting'>): void {
    this.#move(phase);
  }

  /** Ends in `failed` with a reason; `/ping` stays 503 from here on. Idempotent. */
  fail(reason: string): void {
    if (this.phase === 'failed') return;
    this.#failure = { phase: this.phase, reason };
    this.#move('failed', true);
  }

  startDraining(): void {
    this.#draining = true;
  }

  #move(phase: Phase, force = false): void {
    const current = this.phase;
    if (!force && !NEXT[current].includes(phase))
      throw new Error(`readiness: ${current} cannot go to ${phase}`);
    const at = this.#now();
    const last = this.#timings[this.#timings.length - 1] as { startMs: number; endMs?: number };
    last.endMs = at;
    this.#timings.push({ phase, startMs: at });
    const snapshot = this.snapshot();
    for (const listener of this.#listeners) listener(phase, snapshot);
  }

  snapshot(): GateSnapshot {
    const round = (ms: number) => Math.round(ms * 10) / 10;
    const phases = this.#timings.map((t): PhaseTiming => {
      if (t.endMs === undefined) return { phase: t.phase, startMs: round(t.startMs) };
      return {
        phase: t.phase,
        startMs: round(t.startMs),
        endMs: round(t.endMs),
        durationMs: round(t.endMs - t.startMs),
      };
    });
    return {
      phase: this.phase,
      gated: this.#gated,
      trafficReady: this.trafficReady,
      draining: this.#draining,
      phases,
      ...(this.#failure ? { failure: { ...this.#failure } } : {}),
    };
  }
}
