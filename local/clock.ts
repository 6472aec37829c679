/**
 * The region's clocks. Everything runs on real time except the schedule clock, which scheduled
 * scaling actions (and later Scheduler) read: it starts at the real time and runs `speed` times
 * faster, so a demo's "release in a few minutes" fires sooner without changing the schedule.
 */
export interface RegionClock {
  /** Real wall-clock time, ms since the epoch. */
  now(): number;
  /** The schedule clock, ms since the epoch: real at start, then `speed` times faster. */
  scheduleNow(): number;
  /** How many real milliseconds pass while the schedule clock advances `scheduleMs`. */
  realDelay(scheduleMs: number): number;
  readonly speed: number;
}

/** A clock whose schedule time runs `speed` times faster than real time from now on. */
export function createClock(speed = 1, now: () => number = Date.now): RegionClock {
  const startReal = now();
  return {
    speed,
    now,
    scheduleNow: () => startReal + (now() - startReal) * speed,
    realDelay: (scheduleMs) => Math.max(0, scheduleMs / speed),
  };
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
