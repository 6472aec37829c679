import * as z from 'zod';
import { SafetyViolationError, ValidationError } from './errors.js';
import type { Brand } from './names.js';

/**
 * The lowest scaling floor warmgate ever sets. One hot instance is not redundancy: when it is
 * replaced (health check, AZ event, rollout), the first requests hit a cold container. Two keeps
 * one warm instance serving while the other is replaced.
 */
export const MIN_FLOOR = 2;

/** A scaling floor (MinCapacity) that has been checked to be an integer of at least {@link MIN_FLOOR}. */
export type Floor = Brand<number, 'Floor'>;

/** zod schema for a user-given floor; the message names the rule, the path names the field. */
export const floorSchema = z
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(MIN_FLOOR, `must be at least ${MIN_FLOOR}: one instance leaves no warm spare`)
  .transform((value) => value as Floor);

/**
 * Checks a floor that an operation is about to apply.
 *
 * @throws ValidationError naming `field` when `value` is not a whole number.
 * @throws SafetyViolationError when `value` is below {@link MIN_FLOOR}: lowering the floor that far
 *   is never a legitimate request, so it is refused rather than silently raised.
 */
export function assertFloor(value: number, field = 'minCapacity'): Floor {
  if (!Number.isInteger(value)) throw ValidationError.field(field, `must be a whole number, got ${value}`);
  if (value < MIN_FLOOR) {
    throw new SafetyViolationError(
      `refusing to set ${field} to ${value}: the floor must stay at ${MIN_FLOOR} or more`,
    );
  }
  return value as Floor;
}

/**
 * Rounds a wanted floor up to a whole number of instances and raises it to at least
 * {@link MIN_FLOOR}, then caps it at `max` when one is given. Use it where a floor is computed
 * (pre-scale targets, restores) rather than asked for.
 *
 * @throws ValidationError naming `floor` when `value` is not finite, or `maxCapacity` when `max`
 *   is below {@link MIN_FLOOR} (no floor could satisfy both).
 */
export function clampFloor(value: number, max?: number): Floor {
  if (!Number.isFinite(value)) throw ValidationError.field('floor', `must be a finite number, got ${value}`);
  if (max !== undefined && !(max >= MIN_FLOOR)) {
    throw ValidationError.field('maxCapacity', `must be at least ${MIN_FLOOR}, got ${max}`);
  }
  const raised = Math.max(MIN_FLOOR, Math.ceil(value));
  return (max === undefined ? raised : Math.min(raised, Math.floor(max))) as Floor;
}

/**
 * The floor to restore when a pre-warm window ends: the endpoint's own floor, unless another
 * window that is still active needs more. Restoring to the configured floor alone would pull
 * capacity from under an overlapping release.
 */
export function restoreFloor(base: Floor, stillNeeded: readonly number[]): Floor {
  return clampFloor(Math.max(base, ...stillNeeded));
}
