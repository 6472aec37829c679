import { describe, expect, it } from 'vitest';
import { exampleManifest } from '../../../container/example-model/build.js';
import { ValidationError } from '../../../core/errors.js';
import { convergenceFor, parseWarmupManifest } from '../../../core/warmup-manifest.js';

const minimal = { version: 1, shapes: [{ name: 'short', body: { query: 'hi' } }] };

function fieldsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error.issues.map((i) => i.field);
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('warmup manifest', () => {
  it('fills in convergence, deadline and mixed rounds when a manifest only names its shapes', () => {
    const manifest = parseWarmupManifest(minimal);
    expect(manifest.shapes[0]?.concurrency).toBe(1);
    expect(manifest.convergence.window).toBeGreaterThanOrEqual(2);
    expect(manifest.deadlineMs).toBeGreaterThan(0);
    expect(manifest.onUnconverged).toBe('ready');
  });

  it('accepts the example model manifest with its three shapes', () => {
    const manifest = parseWarmupManifest(exampleManifest());
    expect(manifest.shapes.map((s) => s.name)).toEqual([
      'short-intent',
      'medium-recommendation',
      'long-multi-turn',
    ]);
  });

  it('names the bad field as a dotted path when a shape is invalid', () => {
    const bad = {
      version: 1,
      shapes: [
        { name: 'ok', body: {} },
        { name: 'two', body: {}, concurrency: 0 },
      ],
    };
    expect(fieldsOf(() => parseWarmupManifest(bad))).toContain('shapes.1.concurrency');
  });

  it('refuses a manifest without shapes, with duplicate names, or with unknown keys', () => {
    expect(fieldsOf(() => parseWarmupManifest({ version: 1, shapes: [] }))).toContain('shapes');
    const dup = { version: 1, shapes: [minimal.shapes[0], minimal.shapes[0]] };
    expect(fieldsOf(() => parseWarmupManifest(dup))).toContain('shapes');
    expect(fieldsOf(() => parseWarmupManifest({ ...minimal, warmupp: 1 })).join()).toMatch(
      /warmupp|\(manifest\)/,
    );
    expect(fieldsOf(() => parseWarmupManifest({ shapes: minimal.shapes }))).toContain('version');
  });

  it('refuses a shape without a body, since warmup must send a real request', () => {
    expect(fieldsOf(() => parseWarmupManifest({ version: 1, shapes: [{ name: 'x' }] }))).toContain(
      'shapes.0.body',
    );
  });

  it('lets a shape override the manifest convergence rule field by field', () => {
    const manifest = parseWarmupManifest({
      ...minimal,
      convergence: {
        window: 4,
        tolerance: 0.1,
        absoluteToleranceMs: 0.2,
        minIterations: 6,
        maxIterations: 50,
      },
      shapes: [{ name: 'a', body: { query: 'x' }, convergence: { window: 8, minIterations: 60 } }],
    });
    const rule = convergenceFor(manifest, manifest.shapes[0] as (typeof manifest.shapes)[0]);
    expect(rule).toEqual({
      window: 8,
      tolerance: 0.1,
      absoluteToleranceMs: 0.2,
      minIterations: 60,
      maxIterations: 60,
    });
  });
});
