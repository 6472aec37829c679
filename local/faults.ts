import { ValidationError } from '../core/errors.js';
import { type WireError, wireError } from './wire-error.js';

/**
 * An active fault rule. `operation` is either a bare operation name (`DescribeEndpoint`), which
 * matches it in any service, or a qualified one (`SageMaker.DescribeEndpoint`).
 */
export type FaultRule =
  | { readonly kind: 'throttle'; readonly operation: string; readonly share: number }
  | {
      readonly kind: 'fail';
      readonly operation: string;
      readonly remaining: number;
      readonly error: WireError;
    };

/** The error a `fail` rule answers with when the caller names none. */
export const DEFAULT_FAILURE: WireError = wireError(
  'InternalFailure',
  500,
  'Injected failure (warmgate fault).',
);

const THROTTLED: WireError = wireError('ThrottlingException', 400, 'Rate exceeded');

interface ThrottleState {
  share: number;
  /** Error diffusion instead of a random draw: a share of 0.5 throttles exactly every other call. */
  debt: number;
}

/**
 * API-level fault injection for the local region: throttle a share of one operation's calls, or
 * fail its next N calls. The router consults {@link FaultInjector.intercept} before running an
 * operation, so faults look to clients exactly like AWS errors, retries included.
 */
export class FaultInjector {
  readonly #throttles = new Map<string, ThrottleState>();
  readonly #failures = new Map<string, { remaining: number; error: WireError }>();

  /**
   * Throttles `share` (0..1) of the calls to `operation` with `ThrottlingException`. A share of 0
   * removes the rule.
   *
   * @throws ValidationError when `share` is outside 0..1.
   */
  throttle(operation: string, share: number): void {
    if (!(share >= 0 && share <= 1)) throw ValidationError.field('share', 'must be between 0 and 1');
    if (share === 0) this.#throttles.delete(operation);
    else this.#throttles.set(operation, { share, debt: 0 });
  }

  /**
   * Fails the next `count` calls to `operation` with `error` (default: 500 InternalFailure).
   *
   * @throws ValidationError when `count` is not a positive integer.
   */
  failNext(operation: string, count: number, error: WireError = DEFAULT_FAILURE): void {
    if (!Number.isInteger(count) || count < 1)
      throw ValidationError.field('count', 'must be a positive integer');
    this.#failures.set(operation, { remaining: count, error });
  }

  /** Removes every rule for `operation`, or every rule when no operation is given. */
  clear(operation?: string): void {
    if (operation === undefined) {
      this.#throttles.clear();
      this.#failures.clear();
      return;
    }
    this.#throttles.delete(operation);
    this.#failures.delete(operation);
  }

  /** The active rules, for the control API and the dashboard. */
  rules(): FaultRule[] {
    return [
      ...[...this.#throttles].map(([operation, t]) => ({
        kind: 'throttle' as const,
        operation,
        share: t.share,
      })),
      ...[...this.#failures].map(([operation, f]) => ({
        kind: 'fail' as const,
        operation,
        remaining: f.remaining,
        error: f.error,
      })),
    ];
  }

  /**
   * Decides whether this call fails. Pending `fail` rules win over throttling, and a qualified
   * rule wins over a bare one.
   */
  intercept(service: string, operation: string): WireError | undefined {
    const keys = [`${service}.${operation}`, operation];
    for (const key of keys) {
      const failure = this.#failures.get(key);
      if (!failure) continue;
      failure.remaining -= 1;
      if (failure.remaining <= 0) this.#failures.delete(key);
      return failure.error;
    }
    for (const key of keys) {
      const throttle = this.#throttles.get(key);
      if (!throttle) continue;
      throttle.debt += throttle.share;
      if (throttle.debt >= 1 - 1e-9) {
        throttle.debt -= 1;
        return THROTTLED;
      }
      return undefined;
    }
    return undefined;
  }
}
