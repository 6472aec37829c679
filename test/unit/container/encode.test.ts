import { describe, expect, it } from 'vitest';
import type { TokenizerConfig } from '../../../container/recommender/catalog.js';
import { encodeBatch, encodeInstance, seqBucketFor } from '../../../container/recommender/encode.js';
import { bucketOf, tokens, words } from '../../../container/recommender/tokenizer.js';

const config: TokenizerConfig = {
  kind: 'fnv1a-unigram-bigram',
  buckets: 1024,
  maxTokens: 12,
  seqBuckets: [4, 8, 16],
  historyDecay: 0.5,
};

describe('tokenizer', () => {
  it('drops filler words and keeps bigrams of what remains', () => {
    expect(words('Recommend me a HIGH-SCHOOL volleyball manga!!')).toEqual(['high', 'school', 'volleyball']);
    expect(tokens('high school volleyball')).toEqual([
      'high',
      'school',
      'volleyball',
      'high school',
      'school volleyball',
    ]);
  });

  it('hashes every token into a row other than the padding row, the same way every time', () => {
    for (const t of ['a', 'berserk', 'high school', '進撃']) {
      const b = bucketOf(t, 1024);
      expect(b).toBeGreaterThanOrEqual(1);
      expect(b).toBeLessThan(1024);
      expect(bucketOf(t, 1024)).toBe(b);
    }
  });
});

describe('encode', () => {
  it('pads a batch to the smallest sequence bucket that fits, with zero-weight padding', () => {
    const batch = encodeBatch([{ query: 'volleyball' }, { query: 'dark fantasy sword' }], config);
    expect(batch.batch).toBe(2);
    expect(batch.seq).toBe(8);
    expect(batch.tokenIds).toHaveLength(16);
    expect(batch.tokenIds[1]).toBe(0n);
    expect(batch.weights[1]).toBe(0);
    expect(seqBucketFor(17, config)).toBe(16);
  });

  it('weights the current query above older turns, each turn summing to its decayed weight', () => {
    const encoded = encodeInstance(
      { query: 'volleyball', history: ['older turn words', 'newer turn'] },
      config,
    );
    const sum = (from: number, to: number) => encoded.slice(from, to).reduce((s, t) => s + t.weight, 0);
    expect(sum(0, 1)).toBeCloseTo(1);
    expect(sum(1, 4)).toBeCloseTo(0.5);
    expect(sum(4, 9)).toBeCloseTo(0.25);
  });

  it('keeps the query and drops the oldest turns when the tokens exceed maxTokens', () => {
    const history = Array.from({ length: 10 }, (_, i) => `turn number ${i}`);
    const encoded = encodeInstance({ query: 'volleyball', history }, config);
    expect(encoded).toHaveLength(12);
    expect(encoded[0]?.id).toBe(bucketOf('volleyball', 1024));
  });
});
