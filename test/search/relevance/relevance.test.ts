import { beforeAll, describe, expect, it } from 'vitest';
import type { Library } from '../../../src/data/library.js';
import {
  buildRelevanceLibrary,
  evaluate,
  formatMisses,
  formatScores,
  QUERY_KINDS,
  RELEVANCE_QUERIES,
  type Evaluation,
  type QueryKind,
} from './relevanceSet.js';

/**
 * Measured with the BM25 index (library.topics) when the set was written; the thresholds sit just below, so losing a
 * single exact, typo, prefix or Swedish query fails, and paraphrases (which BM25 only finds when a word is shared)
 * may not get worse. README "Topic search" shows the same numbers.
 */
const THRESHOLDS: Record<QueryKind | 'all', { recallAt5: number; mrr: number }> = {
  exact: { recallAt5: 0.95, mrr: 0.95 },
  typo: { recallAt5: 0.95, mrr: 0.95 },
  prefix: { recallAt5: 0.95, mrr: 0.95 },
  paraphrase: { recallAt5: 0.65, mrr: 0.65 },
  swedish: { recallAt5: 0.95, mrr: 0.91 },
  person: { recallAt5: 0.95, mrr: 0.95 },
  soundbite: { recallAt5: 0.95, mrr: 0.95 },
  all: { recallAt5: 0.92, mrr: 0.9 },
};

let library: Library;
let result: Evaluation;

beforeAll(() => {
  library = buildRelevanceLibrary();
  result = evaluate(library.topics);
});

describe('topic search relevance', () => {
  it('has at least 40 hand-written queries, every kind represented, each naming a moment that exists', async () => {
    expect(RELEVANCE_QUERIES.length).toBeGreaterThanOrEqual(40);
    for (const kind of QUERY_KINDS) expect(RELEVANCE_QUERIES.filter((q) => q.kind === kind).length).toBeGreaterThanOrEqual(8);
    const moments = RELEVANCE_QUERIES.flatMap((q) => [q.expected, ...(q.also ?? [])]);
    const unknown: string[] = [];
    for (const m of moments) {
      const ref = library.catalog.find(m.podcastId, m.episodeId);
      const episode = ref && (await library.details([ref]))[0]?.episode;
      if (episode === undefined || (episode.durationSeconds !== undefined && m.seconds > episode.durationSeconds)) unknown.push(`${m.podcastId} ${m.episodeId} @${m.seconds}`);
    }
    expect(unknown).toEqual([]);
  });

  it.each([...QUERY_KINDS, 'all' as const])('keeps recall@5 and MRR of %s queries at or above what was measured', (kind) => {
    const score = kind === 'all' ? result : result.byKind[kind];
    const threshold = THRESHOLDS[kind];
    const misses = kind === 'all' ? result : { ...result, misses: result.misses.filter((m) => m.kind === kind) };
    const message = `${kind}: recall@5 ${score.recallAt5.toFixed(3)} (min ${threshold.recallAt5}), MRR ${score.mrr.toFixed(3)} (min ${threshold.mrr})\n${formatScores(result)}\nmisses:\n${formatMisses(misses)}`;
    expect(score.recallAt5, message).toBeGreaterThanOrEqual(threshold.recallAt5);
    expect(score.mrr, message).toBeGreaterThanOrEqual(threshold.mrr);
  });

  it('lands transcript hits on the cue that says the words, in all three transcript formats', () => {
    const first = (query: string) => evaluate(library.topics, RELEVANCE_QUERIES.filter((q) => q.query === query));
    for (const query of ['wet road', 'kerning logo', 'OpenSSL', 'default search engine']) expect(first(query).mrr, query).toBe(1);
  });
});
