import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/errors.js';
import { isSageMakerName, parseEndpointName, parseVariantName } from '../../../core/names.js';
import { refusedIssues } from './refused.js';

describe('parseEndpointName', () => {
  it('returns the name unchanged when it matches SageMaker rules', () => {
    expect(parseEndpointName('manga-recs')).toBe('manga-recs');
    expect(parseEndpointName('a--b')).toBe('a--b');
    expect(parseEndpointName('x'.repeat(63))).toHaveLength(63);
  });

  it.each([
    ['-leading-hyphen'],
    ['trailing-hyphen-'],
    ['under_score'],
    ['dots.not.allowed'],
    [''],
    ['x'.repeat(64)],
  ])('refuses %j naming the field', (name) => {
    expect(refusedIssues(() => parseEndpointName(name)).map((issue) => issue.field)).toContain('endpoint');
  });

  it('refuses a 63-character name padded past the limit with hyphens', () => {
    // The regex counts alphanumerics only, so hyphens could sneak a name past 63 characters.
    const name = `a${'-'.repeat(40)}${'b'.repeat(30)}`;
    expect(name.length).toBeGreaterThan(63);
    expect(() => parseEndpointName(name)).toThrow(ValidationError);
  });

  it('uses the field name the caller gives when a variant is refused', () => {
    expect(refusedIssues(() => parseVariantName('bad_variant', 'variantName'))[0]?.field).toBe('variantName');
  });

  it('accepts exactly the strings isSageMakerName accepts when fed arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'Z', '0', '-', '_', '.'), maxLength: 70 }),
        (text) => {
          let accepted = true;
          try {
            parseEndpointName(text);
          } catch {
            accepted = false;
          }
          expect(accepted).toBe(isSageMakerName(text));
          if (accepted) expect(text.length).toBeLessThanOrEqual(63);
        },
      ),
    );
  });
});
