import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, exampleModel, type Instance, invoke, startInstance, waitReady } from './harness.js';

afterAll(cleanup);

interface Result {
  title: string;
  genres: string[];
  tags: string[];
}

let instance: Instance;
beforeAll(async () => {
  instance = await startInstance(await exampleModel());
  await waitReady(instance.url);
});

async function recommend(query: string, history?: string[], topK = 10): Promise<Result[]> {
  const { status, json } = await invoke(instance.url, { query, ...(history ? { history } : {}), topK });
  expect(status).toBe(200);
  return json.results as Result[];
}

const isSports = (r: Result) => r.genres.includes('sports');
const isDarkSwords = (r: Result) =>
  r.tags.includes('dark-fantasy') || (r.tags.includes('swordsman') && r.tags.includes('revenge'));
/** Mean rank (1-based) of the results matching `test`, counting misses as rank topK+1. */
function meanRank(results: Result[], test: (r: Result) => boolean, topK: number): number {
  const ranks = results
    .map((r, i) => (test(r) ? i + 1 : undefined))
    .filter((x): x is number => x !== undefined);
  return ranks.length === 0 ? topK + 1 : ranks.reduce((a, b) => a + b, 0) / ranks.length;
}

describe('example model recommendations', () => {
  it('ranks dark-fantasy swordsman revenge series above sports manga', async () => {
    const results = await recommend('a dark fantasy story about a swordsman seeking revenge', undefined, 20);
    const top5 = results.slice(0, 5);
    expect(top5.every(isDarkSwords)).toBe(true);
    expect(
      top5
        .map((r) => r.title)
        .some((t) => ['Berserk', 'Claymore', 'Blade of the Immortal', 'Vinland Saga'].includes(t)),
    ).toBe(true);
    expect(results.filter(isSports)).toEqual([]);
  });

  it('ranks high-school volleyball series first and sports above dark fantasy', async () => {
    const results = await recommend('a high school volleyball team', undefined, 20);
    expect(results[0]?.title).toBe('Haikyu!!');
    expect(meanRank(results, isSports, 20)).toBeLessThan(meanRank(results, isDarkSwords, 20));
    expect(results.slice(0, 5).filter(isSports).length).toBeGreaterThanOrEqual(3);
  });

  it('finds a series by its title and ranks similar series after it', async () => {
    const results = await recommend('something like Berserk');
    expect(results[0]?.title).toBe('Berserk');
    expect(results.slice(1, 5).every(isDarkSwords)).toBe(true);
  });

  it('shifts the results toward what the conversation was about', async () => {
    const query = 'what should I read next?';
    const afterSports = await recommend(query, ['I loved Haikyu and Slam Dunk', 'team sports with rivals']);
    const afterDark = await recommend(query, [
      'I loved Berserk',
      'grim dark fantasy with sword fights and revenge',
    ]);
    expect(afterSports.map((r) => r.title)).not.toEqual(afterDark.map((r) => r.title));
    expect(afterSports.slice(0, 5).filter(isSports).length).toBeGreaterThanOrEqual(4);
    expect(afterDark.slice(0, 5).filter(isDarkSwords).length).toBeGreaterThanOrEqual(4);
  });

  it('weights the current query above older turns', async () => {
    const results = await recommend('now something about cooking', [
      'I loved Berserk',
      'dark fantasy revenge',
    ]);
    expect(results[0]?.genres.includes('cooking') || results[0]?.tags.includes('cooking')).toBe(true);
  });
});
