/**
 * `catalog.json`: the items a recommender model scores, and the tokenizer settings it was built with.
 *
 * The model's score vector has one entry per item, in this file's order, so the file and
 * `model.onnx` are a pair: the builder writes both, and the container reads both.
 */
import * as z from 'zod';

export const TokenizerConfigSchema = z
  .object({
    kind: z.literal('fnv1a-unigram-bigram'),
    /** Embedding rows, padding row 0 included. */
    buckets: z
      .number()
      .int()
      .min(2)
      .max(1 << 24),
    /** Tokens kept per instance; the oldest history turns are dropped first. */
    maxTokens: z.number().int().min(1).max(8192),
    /**
     * Sequence lengths a batch is padded up to. A fixed, small set of lengths means a fixed, small
     * set of tensor shapes, which is what makes warming each shape possible at all.
     */
    seqBuckets: z.array(z.number().int().min(1)).min(1),
    /** Weight of each older history turn relative to the next newer one. */
    historyDecay: z.number().min(0).max(1),
  })
  .strict();

export const CatalogItemSchema = z
  .object({
    title: z.string().min(1),
    genres: z.array(z.string()),
    demographic: z.string(),
    tags: z.array(z.string()),
  })
  .strict();

export const CatalogFileSchema = z
  .object({
    format: z.literal('warmgate-example-catalog'),
    version: z.literal(1),
    tokenizer: TokenizerConfigSchema,
    items: z.array(CatalogItemSchema).min(1),
  })
  .strict();

export type TokenizerConfig = z.infer<typeof TokenizerConfigSchema>;
export type CatalogItem = z.infer<typeof CatalogItemSchema>;
export type CatalogFile = z.infer<typeof CatalogFileSchema>;
