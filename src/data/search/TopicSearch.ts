import type { Passage } from './passage.js';

export interface SearchOptions {
  /** How many hits to return (default 5). */
  limit?: number;
  /** Only these podcasts (by Podcast.id). Absent: every podcast. */
  podcastIds?: readonly string[];
  /** At most this many hits from one episode, so one episode cannot fill every slot (default 2). */
  maxPerEpisode?: number;
  /** Milliseconds since the epoch; when given, newer episodes win ties. src/data has no clock, so pass it in. */
  now?: number;
  /** Treat the last word as a prefix, for search-as-you-type (default true). */
  prefix?: boolean;
  /** Match words with typos: 1 edit from 5 letters, 2 from 9 (default true). */
  fuzzy?: boolean;
}

/** A highlight range in `passage.text` (UTF-16 offsets, end exclusive). */
export interface MatchRange {
  start: number;
  end: number;
}

export interface SearchHit {
  passage: Passage;
  /** Comparable within one result list only. */
  score: number;
  /** The words of the passage that matched, as written (for bolding or "matched: ..."). */
  terms: string[];
  /** Where those words sit in `passage.text`. */
  matches: MatchRange[];
}

/**
 * What the /topic command needs from a search engine. The lexical BM25 index fills it today; a semantic
 * (embedding) ranker can fill it later, and the two lists can be merged with reciprocalRankFusion.
 */
export interface TopicSearch {
  search(query: string, options?: SearchOptions): SearchHit[];
  add(passages: readonly Passage[]): void;
  /** Returns how many passages were removed. */
  removeEpisode(podcastId: string, episodeId: string): number;
}
