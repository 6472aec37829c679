import { describe, expect, it } from 'vitest';
import { buildExampleModel, checkCatalog, TOKENIZER } from '../../../container/example-model/build.js';
import { CATALOG } from '../../../container/example-model/catalog-data.js';
import { CatalogFileSchema } from '../../../container/recommender/catalog.js';
import { encodeBatch } from '../../../container/recommender/encode.js';
import { parseRecommendationRequest } from '../../../container/recommender/request.js';
import { parseWarmupManifest } from '../../../core/warmup-manifest.js';

describe('example model', () => {
  it('builds the same bytes every time, under 20 MB and in under 10 s', () => {
    const started = performance.now();
    const a = buildExampleModel();
    const ms = performance.now() - started;
    const b = buildExampleModel();
    expect(Buffer.from(a.model).equals(Buffer.from(b.model))).toBe(true);
    expect(JSON.stringify(a.catalog)).toBe(JSON.stringify(b.catalog));
    expect(a.model.byteLength).toBeLessThan(20 * 1024 * 1024);
    expect(ms).toBeLessThan(10_000);
  });

  it('catalogs at least 150 distinct series, each with genres, a demographic and tags', () => {
    expect(CATALOG.length).toBeGreaterThanOrEqual(150);
    expect(new Set(CATALOG.map((s) => s.title)).size).toBe(CATALOG.length);
    for (const s of CATALOG) {
      expect(s.genres.length, s.title).toBeGreaterThan(0);
      expect(s.tags.length, s.title).toBeGreaterThan(0);
      expect(['shonen', 'seinen', 'shojo', 'josei', 'kodomo']).toContain(s.demographic);
    }
    expect(() => checkCatalog()).not.toThrow();
    expect(CatalogFileSchema.safeParse(buildExampleModel().catalog).success).toBe(true);
  });

  it('refuses a catalog that uses a concept the model has no dimension for', () => {
    const bad = [{ ...(CATALOG[0] as (typeof CATALOG)[0]), tags: ['not-a-concept'] }];
    expect(() => checkCatalog(bad)).toThrow(/not-a-concept/);
  });

  it('ships a warmup manifest whose shapes are valid requests with different batch sizes and lengths', () => {
    const manifest = parseWarmupManifest(buildExampleModel().manifest);
    const shapes = manifest.shapes.map((s) => {
      const request = parseRecommendationRequest(s.body);
      const batch = encodeBatch(request.instances, TOKENIZER);
      return `${batch.batch}x${batch.seq}`;
    });
    expect(new Set(shapes).size).toBe(3);
    const [short, medium, long] = shapes.map((s) => s.split('x').map(Number) as [number, number]);
    expect(short?.[0]).toBe(1);
    expect(medium?.[1]).toBeGreaterThan(short?.[1] ?? 0);
    expect(long?.[1]).toBeGreaterThan(medium?.[1] ?? 0);
    expect(long?.[0]).toBeGreaterThan(medium?.[0] ?? 0);
  });
});
