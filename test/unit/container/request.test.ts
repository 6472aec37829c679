import { describe, expect, it } from 'vitest';
import { parseRecommendationRequest } from '../../../container/recommender/request.js';
import { ValidationError } from '../../../core/errors.js';

function firstField(body: unknown): string | undefined {
  try {
    parseRecommendationRequest(body);
  } catch (error) {
    if (error instanceof ValidationError) return error.issues[0]?.field;
    throw error;
  }
  return undefined;
}

describe('recommendation request', () => {
  it('accepts a single query with history and topK', () => {
    const request = parseRecommendationRequest({ query: 'volleyball', history: ['sports'], topK: 3 });
    expect(request).toEqual({
      kind: 'single',
      instances: [{ query: 'volleyball', history: ['sports'], topK: 3 }],
    });
  });

  it('accepts a batch of instances', () => {
    const request = parseRecommendationRequest({ instances: [{ query: 'a' }, { query: 'b', topK: 1 }] });
    expect(request.kind).toBe('batch');
    expect(request.instances).toHaveLength(2);
  });

  it('names the field a client has to fix', () => {
    expect(firstField({})).toBe('query');
    expect(firstField({ query: '   ' })).toBe('query');
    expect(firstField({ query: 'x', topK: 0 })).toBe('topK');
    expect(firstField({ query: 'x', topK: 2.5 })).toBe('topK');
    expect(firstField({ query: 'x', history: 'no' })).toBe('history');
    expect(firstField({ query: 'x', history: ['ok', 3] })).toBe('history.1');
    expect(firstField({ query: 'x', topk: 3 })).toBe('topk');
    expect(firstField({ instances: [] })).toBe('instances');
    expect(firstField({ instances: [{ query: 'a' }, { query: 1 }] })).toBe('instances.1.query');
    expect(firstField([1, 2])).toBe('body');
    expect(firstField('text')).toBe('body');
    expect(firstField(null)).toBe('body');
  });

  it('refuses oversized batches and queries instead of running them', () => {
    expect(firstField({ instances: Array.from({ length: 65 }, () => ({ query: 'x' })) })).toBe('instances');
    expect(firstField({ query: 'x'.repeat(4001) })).toBe('query');
    expect(firstField({ query: 'x', topK: 51 })).toBe('topK');
  });
});
