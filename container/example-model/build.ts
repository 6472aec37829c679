/**
 * Builds the example manga recommendation model: `model.onnx`, `catalog.json` and `warmup.json`.
 *
 * The model is a content-based recommender written as a real ONNX graph:
 *
 *   token_ids, token_weights ─Gather(E)·weights─ReduceSum─▶ bag [batch, D]
 *   bag ─MatMul(P)─▶ L2-normalise ─MatMul(M)+bias─▶ scores [batch, items] ─TopK(top_k)─▶ scores, indices
 *
 * E maps every hashed token to the concepts it expresses (keywords) or to a series' profile
 * (distinctive title words); P spreads each concept to the concepts that co-occur with it in
 * the catalog; M holds each series' IDF-weighted, unit-length concept profile. Nothing is
 * random, so the same source always gives the same bytes.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WarmupManifestInput } from '../../core/warmup-manifest.js';
import type { CatalogFile, TokenizerConfig } from '../recommender/catalog.js';
import { bucketOf, tokens, words } from '../recommender/tokenizer.js';
import { CATALOG, type SeriesEntry } from './catalog-data.js';
import { CONCEPTS, ROLE_WEIGHT } from './concepts.js';
import { encodeModel, floatTensor, int64Tensor, node, valueInfo } from './onnx-graph.js';

export const TOKENIZER: TokenizerConfig = {
  kind: 'fnv1a-unigram-bigram',
  buckets: 16_384,
  maxTokens: 512,
  seqBuckets: [16, 32, 64, 128, 256, 512],
  historyDecay: 0.5,
};

/** How far a concept spreads to the concepts it co-occurs with. */
const SPREAD = 0.35;
/** Popularity prior per tier away from the middle; small enough to only break near-ties. */
const POPULARITY_BIAS = 0.012;
const PHRASE_WEIGHT = 1.5;
const TITLE_WORD_WEIGHT = 1;
const TITLE_PHRASE_WEIGHT = 1.5;

/**
 * Title words that are everyday English: "next" must not mean Boruto: Naruto Next Generations,
 * nor "time" Takopi. Those titles are still found through their bigrams ("death note").
 */
const COMMON_TITLE_WORDS = new Set(
  `ace angel attack baby ball basket beat beginning beyond box boy bride brides cant cells chan closed
  code comes cross dance days dead death delicious diary diaries drop eat evil fish flowers force
  giant girl golden goodbye goodnight hair hands hard high home host human hunter initial inner keep
  kill killing kiss last liar lie lightning lion lock lone major march mission mobile next note off
  online orange origin original people period pop psycho real red rising rock rose run san shell
  silent silver sin skip snow solo son special spice spoon steps stone stray suit sweetness tail
  teacher time touch tour voice welcome white work yesterday zero`.split(/\s+/),
);

export interface ExampleModel {
  readonly model: Uint8Array;
  readonly catalog: CatalogFile;
  readonly manifest: WarmupManifestInput;
}

function bump(array: Float32Array | Float64Array, i: number, by: number): void {
  array[i] = (array[i] ?? 0) + by;
}

function conceptIndex(): Map<string, number> {
  return new Map(Object.keys(CONCEPTS).map((id, i) => [id, i]));
}

/** Every concept an entry lists, with its role weight (the highest when listed twice). */
function roles(entry: SeriesEntry): Map<string, number> {
  const out = new Map<string, number>();
  const add = (id: string, w: number) => out.set(id, Math.max(out.get(id) ?? 0, w));
  for (const g of entry.genres) add(g, ROLE_WEIGHT.genre);
  add(entry.demographic, ROLE_WEIGHT.demographic);
  for (const t of entry.tags) add(t, ROLE_WEIGHT.tag);
  return out;
}

/** @throws {Error} listing every concept the catalog uses but concepts.ts does not define. */
export function checkCatalog(catalog: readonly SeriesEntry[] = CATALOG): void {
  const known = conceptIndex();
  const unknown = new Set<string>();
  const titles = new Set<string>();
  for (const entry of catalog) {
    for (const id of roles(entry).keys()) if (!known.has(id)) unknown.add(`${entry.title}: ${id}`);
    if (titles.has(entry.title)) unknown.add(`duplicate title ${entry.title}`);
    titles.add(entry.title);
  }
  if (unknown.size > 0) throw new Error(`catalog problems: ${[...unknown].join(', ')}`);
}

function normalise(v: Float64Array): Float64Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum) || 1;
  return v.map((x) => x / norm);
}

/** Inverse document frequency per concept: a rare concept (volleyball) says more than a common one (school). */
function inverseFrequency(catalog: readonly SeriesEntry[], index: Map<string, number>): Float64Array {
  const df = new Float64Array(index.size);
  for (const entry of catalog) for (const id of roles(entry).keys()) bump(df, index.get(id) as number, 1);
  return df.map((d) => Math.log((catalog.length + 1) / (d + 1)) + 1);
}

/** Each series' unit-length, IDF-weighted concept profile, `[items][D]`. */
function profiles(
  catalog: readonly SeriesEntry[],
  index: Map<string, number>,
  idf: Float64Array,
): Float64Array[] {
  return catalog.map((entry) => {
    const v = new Float64Array(index.size);
    for (const [id, w] of roles(entry)) {
      const c = index.get(id) as number;
      v[c] = w * (idf[c] as number);
    }
    return normalise(v);
  });
}

/** Query-token embeddings `[buckets][D]`: concept keywords, then distinctive title words. */
function embeddings(
  catalog: readonly SeriesEntry[],
  index: Map<string, number>,
  idf: Float64Array,
  items: Float64Array[],
  buckets: number,
): Float32Array {
  const D = index.size;
  const E = new Float32Array(buckets * D);
  const add = (token: string, c: number, w: number) => {
    bump(E, bucketOf(token, buckets) * D + c, w);
  };
  const keywordTokens = new Set<string>();
  for (const [id, keywords] of Object.entries(CONCEPTS)) {
    const c = index.get(id) as number;
    const w = idf[c] as number;
    for (const phrase of new Set([id.replaceAll('-', ' '), ...keywords])) {
      const ws = words(phrase);
      if (ws.length === 1) {
        add(ws[0] as string, c, w);
        keywordTokens.add(ws[0] as string);
      } else {
        // A phrase speaks through its bigrams, so "high school" outweighs "high" and "school" apart.
        for (const t of tokens(phrase).slice(ws.length)) {
          add(t, c, (w * PHRASE_WEIGHT) / (ws.length - 1));
          keywordTokens.add(t);
        }
      }
    }
  }
  // A title word points at its series only when no other series and no keyword shares it.
  const owners = new Map<string, Set<number>>();
  catalog.forEach((entry, i) => {
    for (const name of [entry.title, ...entry.aka]) {
      for (const t of tokens(name)) {
        if (keywordTokens.has(t) || COMMON_TITLE_WORDS.has(t) || t.length < 3 || /^\d+$/.test(t)) continue;
        const set = owners.get(t) ?? new Set<number>();
        set.add(i);
        owners.set(t, set);
      }
    }
  });
  for (const [t, set] of [...owners].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (set.size !== 1) continue;
    const item = items[[...set][0] as number] as Float64Array;
    const w = t.includes(' ') ? TITLE_PHRASE_WEIGHT : TITLE_WORD_WEIGHT;
    for (let c = 0; c < D; c++) if (item[c] !== 0) add(t, c, w * (item[c] as number));
  }
  // Row 0 is padding: whatever hashed there must not leak into padded positions.
  E.fill(0, 0, D);
  return E;
}

/** Concept spreading `[D][D]`: identity plus SPREAD × the cosine co-occurrence of two concepts. */
function projection(catalog: readonly SeriesEntry[], index: Map<string, number>): Float32Array {
  const D = index.size;
  const sets = catalog.map((e) => [...roles(e).keys()].map((id) => index.get(id) as number));
  const df = new Float64Array(D);
  const co = new Float64Array(D * D);
  for (const set of sets) {
    for (const a of set) {
      bump(df, a, 1);
      for (const b of set) if (a !== b) bump(co, a * D + b, 1);
    }
  }
  const P = new Float32Array(D * D);
  for (let a = 0; a < D; a++) {
    for (let b = 0; b < D; b++) {
      const denom = Math.sqrt((df[a] as number) * (df[b] as number));
      P[a * D + b] = a === b ? 1 : denom > 0 ? (SPREAD * (co[a * D + b] as number)) / denom : 0;
    }
  }
  return P;
}

/** The three traffic shapes MangaAssist sees, as real request bodies. */
export function exampleManifest(): WarmupManifestInput {
  const longHistory = [
    'I just finished Attack on Titan and want something with the same dread',
    'not zombies please, I want a world with politics and war',
    'something where the hero is morally grey would be great',
    'I also liked Fullmetal Alchemist for the worldbuilding',
    'maybe dark fantasy with swords, like Berserk or Claymore',
    'I read Vinland Saga too and loved the revenge arc turning into something deeper',
    'prefer finished series if possible, I binge read on weekends',
    'art style matters, detailed backgrounds and brutal fight scenes',
    'I do not mind slow burns as long as the payoff is big',
    'what about something historical with samurai instead of knights',
  ];
  const exploration = (i: number) => ({
    query: [
      'ok so across everything I said, what should I read next that mixes these genres',
      'now switch it up: something calmer, maybe slice of life, but still with real drama',
      'last one: a sports manga with the intensity of a battle manga',
      'what would you pick if I wanted a psychological thriller with strategy and mind games',
    ][i % 4] as string,
    history: longHistory.slice(0, 6 + (i % 5)),
    topK: 20,
  });
  return {
    version: 1,
    shapes: [
      {
        name: 'short-intent',
        description: 'A one-line intent from the chat box: one instance, a handful of tokens.',
        body: { query: 'recommend a manga', topK: 5 },
        concurrency: 4,
      },
      {
        name: 'medium-recommendation',
        description:
          'A recommendation request: a sentence of preferences and two earlier turns, batched by 4.',
        body: {
          instances: [
            {
              query:
                'dark fantasy with a lone swordsman seeking revenge against demons, brutal fights, like Berserk',
              history: ['I liked Vinland Saga and Vagabond', 'the art should be detailed and grim'],
              topK: 10,
            },
            {
              query: 'a high school volleyball team that starts as underdogs and trains hard for nationals',
              history: ['I love sports manga with rivals', 'Slam Dunk was great'],
              topK: 10,
            },
            {
              query: 'cozy slice of life about cooking and family, something gentle to read before bed',
              history: ['something relaxing after work', 'I enjoyed Yotsuba'],
              topK: 10,
            },
            {
              query: 'psychological thriller with a genius detective, mind games and a serial killer',
              history: ['Death Note was my favourite', 'not too much gore please'],
              topK: 10,
            },
          ],
        },
        concurrency: 2,
      },
      {
        name: 'long-multi-turn',
        description: 'A long multi-turn genre exploration: 8 conversations with 6-10 earlier turns each.',
        body: { instances: Array.from({ length: 8 }, (_, i) => exploration(i)) },
        concurrency: 1,
      },
    ],
    // Tuned on this model with bench/container-warmup-effectiveness.ts: 3 waves per shape and one
    // mixed round keep every shape's first request within 1.25x of steady state, while the old
    // 10-wave window spent ~70 ms more before /ping said 200 for no measurable gain.
    convergence: {
      window: 3,
      tolerance: 0.25,
      absoluteToleranceMs: 0.5,
      minIterations: 3,
      maxIterations: 300,
    },
    deadlineMs: 30_000,
    parallelShapes: false,
    mixedRounds: 1,
    onUnconverged: 'ready',
  };
}

export interface ExampleModelOptions {
  /**
   * Rows of the token embedding table (the tokenizer's hash buckets); default
   * {@link TOKENIZER}'s 16,384. Larger tables make a model that loads as slowly as a real one, for
   * bench/container-time-to-ready.ts's supplementary measurement; the example model keeps the default.
   */
  readonly embeddingRows?: number;
}

/** Builds the whole example model in memory. Deterministic: same source and options, same bytes. */
export function buildExampleModel(options: ExampleModelOptions = {}): ExampleModel {
  const tokenizer: TokenizerConfig = { ...TOKENIZER, buckets: options.embeddingRows ?? TOKENIZER.buckets };
  checkCatalog();
  const index = conceptIndex();
  const D = index.size;
  const N = CATALOG.length;
  const idf = inverseFrequency(CATALOG, index);
  const items = profiles(CATALOG, index, idf);
  const M = new Float32Array(D * N);
  items.forEach((v, i) => {
    for (let c = 0; c < D; c++) M[c * N + i] = v[c] as number;
  });
  const bias = Float32Array.from(CATALOG, (e) => POPULARITY_BIAS * (e.popularity - 3));
  const model = encodeModel({
    name: 'manga-recs',
    docString:
      'warmgate example: hashed tokens -> embedding bag -> concept projection -> item scores -> top-k',
    metadata: { catalog_items: String(N), concepts: String(D), tokenizer: JSON.stringify(tokenizer) },
    inputs: [
      valueInfo('token_ids', 'INT64', ['batch', 'seq']),
      valueInfo('token_weights', 'FLOAT', ['batch', 'seq']),
      valueInfo('top_k', 'INT64', [1]),
    ],
    outputs: [valueInfo('scores', 'FLOAT', ['batch', 'k']), valueInfo('indices', 'INT64', ['batch', 'k'])],
    initializers: [
      floatTensor(
        'embedding',
        [tokenizer.buckets, D],
        embeddings(CATALOG, index, idf, items, tokenizer.buckets),
      ),
      floatTensor('projection', [D, D], projection(CATALOG, index)),
      floatTensor('items', [D, N], M),
      floatTensor('item_bias', [N], bias),
      floatTensor('epsilon', [], [1e-6]),
      int64Tensor('axis_2', [1], [2]),
      int64Tensor('axis_1', [1], [1]),
    ],
    nodes: [
      node('Gather', ['embedding', 'token_ids'], ['token_vectors'], { axis: 0 }),
      node('Unsqueeze', ['token_weights', 'axis_2'], ['weights_3d']),
      node('Mul', ['token_vectors', 'weights_3d'], ['weighted_vectors']),
      node('ReduceSum', ['weighted_vectors', 'axis_1'], ['bag'], { keepdims: 0 }),
      node('MatMul', ['bag', 'projection'], ['projected']),
      node('ReduceL2', ['projected'], ['norm'], { axes: [1], keepdims: 1 }),
      node('Add', ['norm', 'epsilon'], ['norm_safe']),
      node('Div', ['projected', 'norm_safe'], ['query']),
      node('MatMul', ['query', 'items'], ['similarity']),
      node('Add', ['similarity', 'item_bias'], ['all_scores']),
      node('TopK', ['all_scores', 'top_k'], ['scores', 'indices'], { axis: -1, largest: 1, sorted: 1 }),
    ],
  });
  const catalog: CatalogFile = {
    format: 'warmgate-example-catalog',
    version: 1,
    tokenizer,
    items: CATALOG.map((e) => ({
      title: e.title,
      genres: [...e.genres],
      demographic: e.demographic,
      tags: [...e.tags],
    })),
  };
  return { model, catalog, manifest: exampleManifest() };
}

/**
 * Writes `model.onnx`, `catalog.json` and `warmup.json` into `dir` (created if missing).
 *
 * Each file is written beside its place and renamed over it, never rewritten in place: the local
 * region hard-links model directories into its instances (local/sagemaker/model-source.ts), and an
 * instance already running must keep the files it started with.
 */
export async function writeExampleModel(
  dir: string,
  options: ExampleModelOptions = {},
): Promise<{ files: string[]; modelBytes: number }> {
  const built = buildExampleModel(options);
  await mkdir(dir, { recursive: true });
  const contents: [string, string | Uint8Array][] = [
    ['model.onnx', built.model],
    ['catalog.json', `${JSON.stringify(built.catalog, null, 2)}\n`],
    ['warmup.json', `${JSON.stringify(built.manifest, null, 2)}\n`],
  ];
  const files: string[] = [];
  for (const [name, content] of contents) {
    const file = join(dir, name);
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, content);
    await rename(partial, file);
    files.push(file);
  }
  return { files, modelBytes: built.model.byteLength };
}
