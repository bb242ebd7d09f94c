import { describe, expect, it } from 'vitest';
import type { Passage, PassageField } from '../../src/data/search/passage.js';
import { SearchIndex } from '../../src/data/search/SearchIndex.js';
import type { SearchOptions } from '../../src/data/search/TopicSearch.js';

// How later query words are read for the passages an earlier one found: several expansions in one merged pass
// (scanKnownBest), the last word deferred to the pool's collection (deferLast) and not looked up where its most could not
// take a passage into the pool. Each against `pruning: false`, which reads every word plainly.

function add(passages: Passage[], i: number, field: PassageField, text: string): void {
  passages.push({ podcastId: `show-${i % 4}`, episodeId: `ep-${i}`, startSeconds: 0, field, text, publishedAt: new Date(Date.UTC(2021, 0, 1) + i * 3_600_000).toISOString() });
}

const FILLER = ['weekly', 'notes', 'stories', 'update', 'listener', 'mail', 'special', 'episode', 'review', 'season'];
const filler = (i: number, count: number): string => Array.from({ length: count }, (_, k) => FILLER[(i + k * 3) % FILLER.length]).join(' ');

const OPTIONS: SearchOptions[] = [{ limit: 20, maxPerEpisode: 1 }, { limit: 5 }, { limit: 20, maxPerEpisode: 1, now: Date.UTC(2021, 6, 1) }, { limit: 10, podcastIds: ['show-1', 'show-2'] }];

describe('SearchIndex later words', () => {
  // "tomat" typed last is a prefix of "tomato" (thousands of passages: champion lists) and "tomatillo" (a few: none).
  // "quasar" is rarest, "garden" commonest, so "quasar garden tomat" reads tomat second: it has found so many passages
  // (quasar's) that tomato is scanned for them rather than probed, in one merged pass with tomatillo. The best hits
  // hold tomatillo: with quasar (found by quasar, and only tomatillo's list holds them, not the longest) or without
  // (new to the query: read from tomatillo's whole list, as it has no champions).
  const passages: Passage[] = [];
  let i = 0;
  for (let k = 0; k < 1200; k++) add(passages, i++, 'notes', `quasar ${filler(k, 8 + (k % 5))}`);
  for (let k = 0; k < 5000; k++) add(passages, i++, k % 7 === 0 ? 'chapterDescription' : 'notes', `tomato ${k % 3 === 0 ? 'garden ' : ''}${filler(k, 10 + (k % 6))}`);
  for (let k = 0; k < 9000; k++) add(passages, i++, 'notes', `garden ${filler(k, 6 + (k % 9))}`);
  for (let k = 0; k < 60; k++) add(passages, i++, 'notes', `quasar tomato garden ${filler(k, 14)}`);
  for (let k = 0; k < 5; k++) add(passages, i++, 'chapterTitle', k % 2 === 0 ? 'Quasar tomatillo garden' : 'Garden tomatillo quasar');
  for (let k = 0; k < 8; k++) add(passages, i++, 'chapterTitle', k % 2 === 0 ? 'Tomatillo garden' : 'Garden of tomatillo');

  const reference = SearchIndex.build(passages, { pruning: false });
  const index = SearchIndex.build(passages);

  it('scores a middle word of several expansions, one without champions, as reading it plainly does', () => {
    for (const options of OPTIONS) {
      for (const q of ['quasar garden tomat', 'garden quasar tomat', 'quasar tomat', 'tomat quasar garden']) {
        expect(index.search(q, options), `${q} ${JSON.stringify(options)}`).toEqual(reference.search(q, options));
      }
    }
    const texts = index.search('quasar garden tomat', { limit: 20, maxPerEpisode: 1 }).map((h) => h.passage.text);
    // The passages with all three words first (tomatillo's), then tomatillo with garden, new to the query.
    expect(texts.slice(0, 5).every((t) => /quasar/i.test(t) && /tomatillo/i.test(t))).toBe(true);
    expect(texts.filter((t) => /^(Tomatillo garden|Garden of tomatillo)$/.test(t))).toHaveLength(8);
  });

  it('scores a last word with compact and mutable postings, some of them removed, as reading it plainly does', () => {
    const grow = (pruning: boolean): SearchIndex => {
      const grown = new SearchIndex({ pruning: pruning ? true : false, mutableLimit: 100_000 });
      grown.add(passages.slice(0, 9000));
      grown.compact();
      grown.add(passages.slice(9000));
      for (let e = 0; e < passages.length; e += 53) grown.removeEpisode(`show-${e % 4}`, `ep-${e}`);
      return grown;
    };
    const grown = grow(true);
    const plain = grow(false);
    for (const options of OPTIONS) {
      for (const q of ['quasar garden tomat', 'quasar tomat', 'quasar garden', 'tomato garden', 'quasar tomato garden']) {
        expect(grown.search(q, options), `${q} ${JSON.stringify(options)}`).toEqual(plain.search(q, options));
      }
    }
  });
});

describe('SearchIndex deferred last word, its bound', () => {
  // "alpha" then "beta" (commoner, read last): the pool fills with passages holding both once, in notes of one length,
  // all scoring alike. One later passage, longer, holds beta ten times: its term frequency lifts it above them all,
  // while with beta once it would score below them: a bound that took beta's term frequency as 1 would leave it out.
  const passages: Passage[] = [];
  let i = 0;
  for (let k = 0; k < 20_000; k++) add(passages, i++, 'notes', `gamma ${filler(k, 20)}`);
  for (let k = 0; k < 1500; k++) add(passages, i++, 'notes', `beta ${filler(k, 20)}`);
  for (let k = 0; k < 400; k++) add(passages, i++, 'notes', `alpha beta ${filler(k, 20)}`);
  for (let k = 0; k < 200; k++) add(passages, i++, 'notes', `alpha ${filler(k, 21)}`);
  add(passages, i++, 'notes', `alpha ${'beta '.repeat(10)}${filler(3, 19)}`);

  it('never leaves out a passage whose last word is more frequent in it than once', () => {
    const index = SearchIndex.build(passages);
    const reference = SearchIndex.build(passages, { pruning: false });
    for (const options of [{ limit: 5, maxPerEpisode: 1 }, { limit: 30 }, ...OPTIONS]) {
      expect(index.search('alpha beta', options), JSON.stringify(options)).toEqual(reference.search('alpha beta', options));
    }
    expect(index.search('alpha beta', { limit: 1 }).map((h) => h.passage.text)).toEqual([`alpha ${'beta '.repeat(10)}${filler(3, 19)}`]);
  });
});
