/**
 * The example model's tokenizer: text → hashed token ids.
 *
 * The model builder and the container both use this file, so a token always lands in the same
 * embedding row at build time and at serving time. Unigrams and bigrams of the non-stopword
 * words are hashed (FNV-1a, 32 bit) into `buckets - 1` rows; row 0 is the padding row, whose
 * embedding is all zeros.
 */

/** Words that carry no preference. Dropping them keeps unknown filler from landing in a keyword row. */
const STOPWORDS = new Set(
  `a an the and or but of to in on at for with about from by as is are was were be been being am
  i me my we our you your he she it its they them their this that these those there here
  what which who whom whose when where why how do does did doing done have has had having
  can could would should will shall may might must want wants wanted need needs like likes liked
  love loved please thanks thank some any something anything more most much many very really
  just also too so than then not no yes into over under again only other another such
  recommend recommended recommendation recommendations suggest suggestion suggestions give show
  find looking look read reading reader series manga manhwa title titles story stories book books
  one ones kind sort type good great best favorite favourite fan fans new similar lot lots
  get got make makes made go going know think feel felt enjoy enjoyed now still even all
  im ive dont doesnt isnt thats its id youre`.split(/\s+/),
);

/** Lower-cased word tokens with stopwords removed, in order. */
export function words(text: string): string[] {
  const normalised = text.normalize('NFKC').toLowerCase().replace(/['’]/g, '');
  const out: string[] = [];
  for (const match of normalised.matchAll(/[\p{L}\p{N}]+/gu)) {
    const word = match[0];
    if (!STOPWORDS.has(word)) out.push(word);
  }
  return out;
}

/** Unigrams, then bigrams (`"high school"`) of the non-stopword words. */
export function tokens(text: string): string[] {
  const ws = words(text);
  const out = [...ws];
  for (let i = 0; i + 1 < ws.length; i++) out.push(`${ws[i]} ${ws[i + 1]}`);
  return out;
}

/** FNV-1a over the UTF-16 code units: fast, stable across platforms, no dependency. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The embedding row of one token: 1..buckets-1 (row 0 is padding). */
export function bucketOf(token: string, buckets: number): number {
  return 1 + (fnv1a(token) % (buckets - 1));
}
