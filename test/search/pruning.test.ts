import { describe, expect, it } from 'vitest';
import type { Passage, PassageField } from '../../src/data/search/passage.js';
import { SearchIndex } from '../../src/data/search/SearchIndex.js';
import type { SearchOptions } from '../../src/data/search/TopicSearch.js';

// A corpus where words have thousands of postings (the first word of a query is pruned only from 4,096), in two
// clusters of words that mostly keep apart: a query across the clusters has few passages with all its words, so
// passages with its first word alone belong in the pool and pruning must notice (a wrong bound fails these), while a
// query inside a cluster has many, so pruning leaves most of its first word out.
const CLUSTERS = [
  ['garden', 'tomato', 'compost', 'harvest', 'seedling', 'greenhouse', 'orchard', 'pruning'],
  ['rocket', 'orbit', 'launch', 'satellite', 'booster', 'payload', 'telescope', 'landing'],
];
const FILLER = ['with', 'and', 'stories', 'listener', 'questions', 'weekly', 'notes', 'interview', 'update', 'special'];
const FIELDS: PassageField[] = ['chapterTitle', 'chapterTitle', 'episodeTitle', 'notes', 'transcript', 'chapterDescription'];

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function corpus(count: number): Passage[] {
  const r = prng(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  // Zipf-like inside a cluster: the first words are the common ones.
  const clusterWord = (c: readonly string[]): string => c[Math.min(c.length - 1, Math.floor(-Math.log(1 - r()) * 2.2))] as string;
  const passages: Passage[] = [];
  for (let i = 0; i < count; i++) {
    const home = CLUSTERS[i % 2] as string[];
    const words: string[] = [];
    const length = 2 + Math.floor(r() * (r() < 0.2 ? 14 : 5));
    for (let k = 0; k < length; k++) {
      const x = r();
      words.push(x < 0.55 ? clusterWord(home) : x < 0.553 ? clusterWord(CLUSTERS[(i + 1) % 2] as string[]) : pick(FILLER));
    }
    // Plural forms, so a word's stem has several surfaces for prefixes and typos to find; and one passage in five the
    // same short title as many others (equal scores: ties at the pool's edge, which a pruned read must not settle
    // differently from a full one).
    const text = r() < 0.2 ? `${pick(home.slice(0, 4))} ${pick(home.slice(0, 4))}` : words.map((w) => (r() < 0.15 ? `${w}s` : w)).join(' ');
    const podcast = i % 7;
    const episode = Math.floor(i / 9);
    passages.push({
      podcastId: `show-${podcast}`,
      episodeId: `ep-${episode}`,
      startSeconds: (i % 9) * 60,
      field: text.length < 20 ? 'chapterTitle' : pick(FIELDS),
      text: `${text[0]!.toUpperCase()}${text.slice(1)}`,
      ...(episode % 5 === 0 ? {} : { publishedAt: new Date(Date.UTC(2020, 0, 1) + episode * 3_600_000).toISOString() }),
    });
  }
  return passages;
}

function queries(): string[] {
  const r = prng(7);
  const all = CLUSTERS.flat();
  const out: string[] = [];
  const typo = (w: string): string => {
    const i = 1 + Math.floor(r() * (w.length - 2));
    return `${w.slice(0, i)}${w[i + 1]}${w[i]}${w.slice(i + 2)}`;
  };
  for (let i = 0; i < 120; i++) {
    const cluster = CLUSTERS[i % 2] as string[];
    const from = i % 3 === 0 ? all : cluster;
    const words = Array.from({ length: 2 + (i % 3 === 1 ? 1 : 0) + (i % 11 === 0 ? 1 : 0) }, () => from[Math.floor(r() * from.length)] as string);
    if (i % 4 === 1) words[0] = typo(words[0] as string);
    if (i % 5 === 2) words[words.length - 1] = (words[words.length - 1] as string).slice(0, 4); // a prefix
    if (i % 9 === 4) words.splice(1, 0, 'with');
    out.push(words.join(' '));
  }
  return out;
}

const OPTIONS: SearchOptions[] = [
  {},
  { limit: 10, maxPerEpisode: 1 },
  { now: Date.UTC(2020, 6, 1), limit: 20 },
  { podcastIds: ['show-0', 'show-3', 'show-5'] },
  { prefix: false, fuzzy: false, limit: 8, maxPerEpisode: 3 },
];

// Pruning from small words and after a short prefix, so most queries here prune (as they do at a million episodes).
const PRUNING = { minPostings: 300, prefix: 64, minPassages: 0 };

describe('SearchIndex pruning of the first word', () => {
  const passages = corpus(40_000);
  const cases = queries();

  it('gives the same hits as reading every posting, on a compact index', () => {
    const pruned = SearchIndex.build(passages, { pruning: PRUNING });
    const reference = SearchIndex.build(passages, { pruning: false });
    for (const options of OPTIONS) {
      for (const q of cases) expect(pruned.search(q, options), `${q} ${JSON.stringify(options)}`).toEqual(reference.search(q, options));
    }
  });

  it('gives the same hits as reading every posting, with a mutable segment and removed episodes', () => {
    const grow = (pruning: boolean): SearchIndex => {
      const index = new SearchIndex({ pruning: pruning ? PRUNING : false, mutableLimit: 30_000 });
      index.add(passages.slice(0, 25_000));
      index.compact();
      index.add(passages.slice(25_000));
      for (let e = 0; e < 4000; e += 37) index.removeEpisode(`show-${(e * 9) % 7}`, `ep-${e}`);
      return index;
    };
    const pruned = grow(true);
    const reference = grow(false);
    // Every option, a podcast filter included: later words probe the passages a pruned read found (fewer than a full
    // read finds, so more often than it) and read no deleted or allowed flag for them (every way in checks both).
    for (const options of OPTIONS) {
      for (const q of cases) expect(pruned.search(q, options), `${q} ${JSON.stringify(options)}`).toEqual(reference.search(q, options));
    }
  });
});

describe('SearchIndex reading two words together', () => {
  // The second word typed as a prefix matches a common word (with champion lists) and a rare one (without: read in
  // full after the first word, only looked at beside it). The first word's prefix holds enough passages with both
  // words for its pruning to stand; the passages with the first word and the rare one come last, past that prefix, and
  // rank first: they must not be left out as if they held the first word alone.
  const passages: Passage[] = [];
  const add = (text: string, field: PassageField, i: number): void => {
    passages.push({ podcastId: `show-${i % 5}`, episodeId: `ep-${Math.floor(i / 4)}`, startSeconds: (i % 4) * 60, field, text, publishedAt: new Date(Date.UTC(2020, 0, 1) + i * 3_600_000).toISOString() });
  };
  for (let i = 0; i < 24_000; i++) {
    if (i % 8 === 0) add(i % 16 === 0 ? 'Orchard tomato' : 'Orchard tomato harvest', 'chapterTitle', i);
    else if (i % 8 === 1) add('orchard pruning notes for the winter weeks', 'notes', i);
    else add(`tomato garden ${i % 3 === 0 ? 'compost' : 'seedling'} stories`, 'notes', i);
  }
  for (let i = 0; i < 5; i++) add(i % 2 === 0 ? 'Orchard tomatillo' : 'Tomatillo orchard', 'chapterTitle', 24_000 + i);

  it('finds the passages a small expansion of the second word holds, as reading every posting does', () => {
    const pruned = SearchIndex.build(passages, { pruning: PRUNING });
    const reference = SearchIndex.build(passages, { pruning: false });
    for (const options of OPTIONS) {
      for (const q of ['orchard tomat', 'orchard tomatil', 'orchard tomato', 'tomato orchard', 'orchard harvest']) {
        expect(pruned.search(q, options), `${q} ${JSON.stringify(options)}`).toEqual(reference.search(q, options));
      }
    }
    const hits = pruned.search('orchard tomat', { limit: 10 });
    expect(hits.filter((h) => /tomatillo/i.test(h.passage.text))).toHaveLength(5);
  });
});
