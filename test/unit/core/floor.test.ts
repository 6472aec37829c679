import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SafetyViolationError, ValidationError } from '../../../core/errors.js';
import { assertFloor, clampFloor, MIN_FLOOR, restoreFloor } from '../../../core/floor.js';

describe('assertFloor', () => {
  it('refuses with a safety violation when any caller tries a floor below 2', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: MIN_FLOOR - 1 }), (value) => {
        expect(() => assertFloor(value)).toThrow(SafetyViolationError);
      }),
    );
  });

  it('returns the floor unchanged when it is a whole number of at least 2', () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN_FLOOR, max: 10_000 }), (value) => {
        expect(assertFloor(value)).toBe(value);
      }),
    );
  });

  it('refuses a fractional floor naming the field', () => {
    expect(() => assertFloor(2.5, 'MinCapacity')).toThrow(/MinCapacity/);
    expect(() => assertFloor(Number.NaN)).toThrow(ValidationError);
  });
});

describe('clampFloor', () => {
  it('never returns less than 2 or a fraction when given any finite number', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), (value) => {
        const floor = clampFloor(value);
        expect(floor).toBeGreaterThanOrEqual(MIN_FLOOR);
        expect(Number.isInteger(floor)).toBe(true);
        expect(floor).toBeGreaterThanOrEqual(value);
      }),
    );
  });

  it('stays within [2, max] when a max of at least 2 is given', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.integer({ min: 2, max: 500 }),
        (value, max) => {
          const floor = clampFloor(value, max);
          expect(floor).toBeGreaterThanOrEqual(MIN_FLOOR);
          expect(floor).toBeLessThanOrEqual(max);
        },
      ),
    );
  });

  it('refuses a max below 2 rather than returning a floor above it', () => {
    expect(() => clampFloor(5, 1)).toThrow(/maxCapacity/);
  });

  it('refuses a non-finite value', () => {
    expect(() => clampFloor(Number.POSITIVE_INFINITY)).toThrow(ValidationError);
  });
});

describe('restoreFloor', () => {
  it('keeps what a still-active window needs when restoring after another window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 20 }),
        fc.array(fc.integer({ min: -5, max: 50 }), { maxLength: 6 }),
        (base, needed) => {
          const floor = restoreFloor(assertFloor(base), needed);
          expect(floor).toBeGreaterThanOrEqual(Math.max(base, ...needed));
          expect(floor).toBeGreaterThanOrEqual(MIN_FLOOR);
        },
      ),
    );
  });
});
