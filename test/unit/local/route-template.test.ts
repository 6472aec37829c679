import { describe, expect, it } from 'vitest';
import { compileRoute } from '../../../local/route-template.js';

describe('compileRoute', () => {
  it('extracts decoded path parameters when the path matches', () => {
    const route = compileRoute('/endpoints/{EndpointName}/invocations');
    expect(route.match('/endpoints/manga%2Drecs/invocations')).toEqual({ EndpointName: 'manga-recs' });
    expect(route.match('/endpoints/manga-recs')).toBeUndefined();
    expect(route.match('/endpoints/a/invocations/extra')).toBeUndefined();
  });

  it('captures the rest of the path with a greedy parameter', () => {
    const route = compileRoute('/api/{proxy+}');
    expect(route.match('/api/endpoints/manga-recs')).toEqual({ proxy: 'endpoints/manga-recs' });
    expect(route.match('/api')).toBeUndefined();
  });

  it('refuses a greedy parameter that is not last', () => {
    expect(() => compileRoute('/a/{rest+}/b')).toThrow(/last/);
  });
});
