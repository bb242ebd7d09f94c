import { analyze } from '../analyze.js';
import type { Passage } from '../passage.js';
import { passageKey, reciprocalRankFusion } from '../reciprocalRankFusion.js';
import type { SearchHit, SearchOptions, TopicSearch } from '../TopicSearch.js';

/** The lexical side: a TopicSearch that also suggests and completes from its dictionary (SearchIndex). */
export interface LexicalSearch extends TopicSearch {
  /** `podcastIds`: only words these podcasts hold (see SearchIndex). */
  suggest(query: string, limit?: number, podcastIds?: readonly string[]): string[];
  complete(prefix: string, limit?: number, podcastIds?: readonly string[]): string[];
}

export interface HybridSearchOptions {
  /** How deep each list is read before fusing (default 20, or the limit when larger). */
  depth?: number;
  /** RRF's k (default 60). */
  k?: number;
}

/**
 * Lexical (BM25) and semantic hits in one list. Exact hits are never pushed out: lexical hits that matched every
 * query word come first, in BM25 order; the rest (partial lexical matches and semantic neighbours) follow, merged
 * by reciprocal rank fusion. So "tesla crash" lists its exact chapters first as before, and "self-driving car
 * accident", which no chapter says word for word, finds "Raffi's Tesla crash and the danger of automated
 * complacency" through the semantic list. Suggestions and completion come from the lexical dictionary.
 */
export class HybridSearch implements LexicalSearch {
  readonly lexical: LexicalSearch;
  readonly semantic: TopicSearch;
  readonly #depth: number;
  readonly #k: number;

  constructor(lexical: LexicalSearch, semantic: TopicSearch, options: HybridSearchOptions = {}) {
    this.lexical = lexical;
    this.semantic = semantic;
    this.#depth = options.depth ?? 20;
    this.#k = options.k ?? 60;
  }

  add(passages: readonly Passage[]): void {
    this.lexical.add(passages);
    this.semantic.add(passages);
  }

  removeEpisode(podcastId: string, episodeId: string): number {
    const removed = this.lexical.removeEpisode(podcastId, episodeId);
    this.semantic.removeEpisode(podcastId, episodeId);
    return removed;
  }

  suggest(query: string, limit?: number, podcastIds?: readonly string[]): string[] {
    return this.lexical.suggest(query, limit, podcastIds);
  }

  complete(prefix: string, limit?: number, podcastIds?: readonly string[]): string[] {
    return this.lexical.complete(prefix, limit, podcastIds);
  }

  search(query: string, options: SearchOptions = {}): SearchHit[] {
    const limit = options.limit ?? 5;
    const maxPerEpisode = options.maxPerEpisode ?? 2;
    const depth = Math.max(limit, this.#depth);
    const lexical = this.lexical.search(query, { ...options, limit: depth });
    const wanted = new Set(analyze(query).map((t) => t.stem)).size;
    const exact: SearchHit[] = [];
    const partial: SearchHit[] = [];
    for (const hit of lexical) (wanted > 0 && matchedWords(hit) >= wanted ? exact : partial).push(hit);
    // Enough hits with every word: the semantic side could only rank below them.
    if (exact.length >= limit) return exact.slice(0, limit);
    const semantic = this.semantic.search(query, { ...options, limit: depth });
    const exactKeys = new Set(exact.map((h) => passageKey(h.passage)));
    const fused = reciprocalRankFusion([partial, semantic.filter((h) => !exactKeys.has(passageKey(h.passage)))], depth * 2, this.#k);
    const out: SearchHit[] = [...exact];
    const perEpisode = new Map<string, number>();
    for (const hit of exact) {
      const e = `${hit.passage.podcastId}\u0000${hit.passage.episodeId}`;
      perEpisode.set(e, (perEpisode.get(e) ?? 0) + 1);
    }
    for (const hit of fused) {
      if (out.length >= limit) break;
      const e = `${hit.passage.podcastId}\u0000${hit.passage.episodeId}`;
      const seen = perEpisode.get(e) ?? 0;
      if (maxPerEpisode > 0 && seen >= maxPerEpisode) continue;
      perEpisode.set(e, seen + 1);
      out.push(hit);
    }
    // BM25 and fused scores are not on one scale: score by position so the list reads best-first either way.
    return out.map((hit, i) => ({ ...hit, score: out.length - i }));
  }
}

/** How many distinct words of the passage matched (stems of the matched terms). */
function matchedWords(hit: SearchHit): number {
  const stems = new Set<string>();
  for (const term of hit.terms) for (const t of analyze(term)) stems.add(t.stem);
  return stems.size;
}
