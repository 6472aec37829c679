import { ValidationError } from './errors.js';
import { percentOfFleet, type RolloutRequest } from './rollout-request.js';

/**
 * Exponential backoff for polling DescribeEndpoint: start fast (a small update settles within a
 * minute), back off so a 20-minute blue/green update costs tens of calls, not hundreds (each
 * poll is a billed Standard-workflow state transition and counts against SageMaker's Describe
 * rate limit), and jitter so concurrent executions do not poll in lockstep.
 */
export interface PollPolicy {
  readonly initialSeconds: number;
  readonly maxSeconds: number;
  readonly multiplier: number;
  /** Fraction of each delay that is randomised away: 0 = none, 1 = anywhere in (0, delay]. */
  readonly jitterRatio: number;
  /**
   * How long one poll step may keep looking inside its Lambda before handing back to the state
   * machine's Wait. Long-polling answers within `longPollIntervalMs` of a change instead of on the
   * next whole-second Wait boundary, and saves a Task + Choice + Wait transition per look.
   */
  readonly longPollMs: number;
  readonly longPollIntervalMs: number;
}

export const DEFAULT_POLL_POLICY: PollPolicy = Object.freeze({
  initialSeconds: 5,
  maxSeconds: 30,
  multiplier: 1.5,
  jitterRatio: 0.2,
  // 20 s inside a 60 s Lambda timeout; a look every 2 s stays far inside Describe* rate limits.
  longPollMs: 20_000,
  longPollIntervalMs: 2_000,
});

/** The clock a long poll runs on, injected so core reads no clock of its own. */
export interface PollClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/**
 * Looks again every `longPollIntervalMs` while `settled` says no, for at most `longPollMs` and
 * never past `deadlineMs`, and returns the last look. A look that throws ends the poll.
 */
export async function longPoll<T>(
  look: () => Promise<T>,
  settled: (result: T) => boolean,
  clock: PollClock,
  policy: Pick<PollPolicy, 'longPollMs' | 'longPollIntervalMs'>,
  deadlineMs: number,
): Promise<T> {
  const until = Math.min(clock.now() + policy.longPollMs, deadlineMs);
  for (;;) {
    const result = await look();
    if (settled(result) || clock.now() + policy.longPollIntervalMs > until) return result;
    await clock.sleep(policy.longPollIntervalMs);
  }
}

/**
 * Seconds to wait before poll number `attempt` (0-based): min(max, initial × multiplier^attempt),
 * minus up to `jitterRatio` of it, rounded up to whole seconds because a Step Functions Wait state
 * takes an integer `SecondsPath`. Never less than 1 s. When `untilDeadlineMs` is given the delay
 * is cut so the last poll lands at the deadline instead of overshooting it.
 *
 * @param random an injected source in [0, 1), so tests and replays are deterministic.
 * @throws ValidationError naming `attempt` when it is negative or not a whole number.
 */
export function nextPollDelaySeconds(
  attempt: number,
  random: () => number,
  options: { readonly policy?: PollPolicy; readonly untilDeadlineMs?: number } = {},
): number {
  if (!Number.isInteger(attempt) || attempt < 0) {
    throw ValidationError.field('attempt', `must be a whole number ≥ 0, got ${attempt}`);
  }
  const policy = options.policy ?? DEFAULT_POLL_POLICY;
  const base = Math.min(policy.maxSeconds, policy.initialSeconds * policy.multiplier ** attempt);
  const jittered = base * (1 - policy.jitterRatio * clampUnit(random()));
  const delay = Math.max(1, Math.ceil(jittered));
  if (options.untilDeadlineMs === undefined) return delay;
  return Math.max(1, Math.min(delay, Math.ceil(options.untilDeadlineMs / 1000)));
}

// A misbehaving random source must not produce a negative or oversized delay.
function clampUnit(value: number): number {
  return Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) : 0;
}

/** Whether polling may go on, and by how much time. Instants are epoch milliseconds. */
export type DeadlineCheck =
  | { readonly kind: 'open'; readonly remainingMs: number }
  | { readonly kind: 'passed'; readonly overdueMs: number };

/** Compares `nowMs` (passed in, never read from a clock) with `deadlineMs`; the deadline itself counts as passed. */
export function checkDeadline(nowMs: number, deadlineMs: number): DeadlineCheck {
  return nowMs < deadlineMs
    ? { kind: 'open', remainingMs: deadlineMs - nowMs }
    : { kind: 'passed', overdueMs: nowMs - deadlineMs };
}

// Launching ML instances and attaching them takes SageMaker several minutes before any of the
// container timeouts start; 15 minutes covers the large GPU types.
const PROVISIONING_ALLOWANCE_SECONDS = 900;

/**
 * How long a rollout may poll before it is declared stuck: provisioning, model download and
 * container startup (the two timeouts SageMaker itself enforces), plus the traffic-shifting waits
 * and the old fleet's termination wait. A `maximumExecutionTimeoutSeconds` on the strategy caps it,
 * plus the provisioning allowance, because SageMaker enforces that bound itself.
 */
export function rolloutPollBudgetSeconds(request: RolloutRequest): number {
  const { strategy } = request;
  const steps =
    strategy.type === 'all-at-once'
      ? 1
      : strategy.type === 'canary'
        ? 2
        : Math.ceil(100 / percentOfFleet(strategy.linearStepSize, request.instanceCount));
  const natural =
    PROVISIONING_ALLOWANCE_SECONDS +
    request.modelDataDownloadTimeoutSeconds +
    request.startupTimeoutSeconds +
    steps * strategy.waitIntervalSeconds +
    strategy.terminationWaitSeconds;
  const cap = strategy.maximumExecutionTimeoutSeconds;
  return cap === undefined ? natural : Math.min(natural, cap + PROVISIONING_ALLOWANCE_SECONDS);
}
