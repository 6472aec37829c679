/**
 * Turns validated recommendation instances into the model's input tensors.
 */
import type { TokenizerConfig } from './catalog.js';
import type { RecommendationInstance } from './request.js';
import { bucketOf, tokens } from './tokenizer.js';

/** The model's inputs for one batch, row-major `[batch, seq]`. */
export interface EncodedBatch {
  readonly batch: number;
  readonly seq: number;
  readonly tokenIds: BigInt64Array;
  readonly weights: Float32Array;
}

interface WeightedToken {
  readonly id: number;
  readonly weight: number;
}

/**
 * One instance's weighted tokens: the query at weight 1, each older history turn at
 * `historyDecay` times the next newer one. A turn's weight is shared among its tokens, so a
 * long earlier turn cannot drown a short current query. Past `maxTokens`, the oldest turns go first.
 */
export function encodeInstance(instance: RecommendationInstance, config: TokenizerConfig): WeightedToken[] {
  const turns = [instance.query, ...[...(instance.history ?? [])].reverse()];
  const out: WeightedToken[] = [];
  let turnWeight = 1;
  for (const turn of turns) {
    const ts = tokens(turn);
    if (ts.length > 0) {
      const w = turnWeight / ts.length;
      for (const t of ts) {
        if (out.length >= config.maxTokens) return out;
        out.push({ id: bucketOf(t, config.buckets), weight: w });
      }
    }
    turnWeight *= config.historyDecay;
  }
  return out;
}

/** The smallest configured sequence bucket that fits `length` (the largest when none does). */
export function seqBucketFor(length: number, config: TokenizerConfig): number {
  const sorted = [...config.seqBuckets].sort((a, b) => a - b);
  for (const b of sorted) if (b >= length) return b;
  return sorted[sorted.length - 1] ?? length;
}

/** Encodes a batch, padding every row to the batch's sequence bucket with row 0 at weight 0. */
export function encodeBatch(
  instances: readonly RecommendationInstance[],
  config: TokenizerConfig,
): EncodedBatch {
  const rows = instances.map((i) => encodeInstance(i, config));
  const longest = rows.reduce((m, r) => Math.max(m, r.length), 1);
  const seq = seqBucketFor(longest, config);
  const tokenIds = new BigInt64Array(rows.length * seq);
  const weights = new Float32Array(rows.length * seq);
  rows.forEach((row, r) => {
    for (let i = 0; i < row.length && i < seq; i++) {
      const t = row[i] as WeightedToken;
      tokenIds[r * seq + i] = BigInt(t.id);
      weights[r * seq + i] = t.weight;
    }
  });
  return { batch: rows.length, seq, tokenIds, weights };
}
