import { describe, expect, it } from 'vitest';
import type { Passage } from '../../src/data/search/passage.js';
import { reciprocalRankFusion } from '../../src/data/search/reciprocalRankFusion.js';
import type { SearchHit } from '../../src/data/search/TopicSearch.js';

const hit = (episodeId: string, score: number): SearchHit => {
  const passage: Passage = { podcastId: 'p', episodeId, startSeconds: 0, field: 'chapterTitle', text: episodeId };
  return { passage, score, terms: [], matches: [] };
};

describe('reciprocalRankFusion', () => {
  it('ranks a passage found by both rankers above ones found by one, whatever their raw scores', () => {
    const lexical = [hit('a', 40), hit('b', 20)];
    const semantic = [hit('c', 0.9), hit('b', 0.8)];
    expect(reciprocalRankFusion([lexical, semantic], 3).map((h) => h.passage.episodeId)).toEqual(['b', 'a', 'c']);
  });
});
