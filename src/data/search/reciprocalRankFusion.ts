import type { Passage } from './passage.js';
import type { SearchHit } from './TopicSearch.js';

/** Identity of a passage across rankers: the same podcast, episode, field and start. */
export function passageKey(passage: Passage): string {
  return `${passage.podcastId}\u0000${passage.episodeId}\u0000${passage.field}\u0000${passage.startSeconds}`;
}

/**
 * Merges ranked lists from different rankers (lexical, semantic...) whose scores are not comparable:
 * each hit scores sum(1 / (k + rank)). k = 60 is the value from Cormack et al. (2009).
 */
export function reciprocalRankFusion(lists: readonly (readonly SearchHit[])[], limit: number, k = 60): SearchHit[] {
  const fused = new Map<string, { hit: SearchHit; score: number; terms: Set<string> }>();
  for (const list of lists) {
    list.forEach((hit, rank) => {
      const key = passageKey(hit.passage);
      const entry = fused.get(key);
      const add = 1 / (k + rank + 1);
      if (entry) {
        entry.score += add;
        for (const t of hit.terms) entry.terms.add(t);
        if (entry.hit.matches.length === 0 && hit.matches.length > 0) entry.hit = hit;
      } else {
        fused.set(key, { hit, score: add, terms: new Set(hit.terms) });
      }
    });
  }
  return [...fused.values()]
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
    .map(({ hit, score, terms }) => ({ ...hit, score, terms: [...terms] }));
}
