/**
 * Query expansion: query text -> the content words to look up, each with every dictionary stem it may match (the
 * stem of the word as typed; words it starts, if it is the last word and still being typed; words a typo or two
 * away), weighted exact > prefix > typo. The dictionary is reached through Lexicon, which SearchIndex provides; how
 * the expansions are scored is up to the caller (a word scores its best expansion).
 */
import { queryStems } from './analyze.js';
import type { LanguageId } from './stem.js';
import { tokenize } from './tokenize.js';

/** Weights of a query word's expansions: exact > prefix > typo. */
export const WEIGHT_EXACT = 1;
const WEIGHT_PREFIX = 0.6;
const WEIGHT_FUZZY = [1, 0.4, 0.25] as const;
const MAX_PREFIX_EXPANSIONS = 24;
const MAX_FUZZY_EXPANSIONS = 16;
const MIN_PREFIX_LENGTH = 2;
const MAX_QUERY_WORDS = 8;

/** One way a query word matches a stem in the dictionary. */
export interface Expansion {
  stem: string;
  compact: number; // index in the compact stems, or -1
  mutable: number; // index in the mutable stems, or -1
  weight: number;
  /**
   * The written word it was reached from (the typed word, or the dictionary word a prefix or typo found). The stems
   * one written word has in several languages are one word to BM25's idf (SearchIndex.planWords).
   */
  group?: string;
}

export interface QueryWord {
  folded: string;
  expansions: Expansion[];
}

/** The index's dictionary as query expansion reads it (both segments). */
export interface Lexicon {
  /** The languages of the allowed podcasts' passages (undefined: of every podcast): a query word is stemmed in each. */
  languages(allowed: Uint8Array | undefined): readonly LanguageId[];
  /** The stem as an expansion of this weight; undefined when no passage was indexed with it. */
  expansionFor(s: string, weight: number): Expansion | undefined;
  /** Whether a live passage of an allowed podcast (undefined: any) holds the expansion's stem. */
  occursIn(e: Expansion, allowed: Uint8Array | undefined): boolean;
  /** How many passages hold the stem (removed ones too, until the next compaction). */
  stemDf(s: string): number;
  forEachSurfaceWithPrefix(prefix: string, visit: (surface: string, stem: string, count: number, display: string) => void): void;
  forEachSurfaceNear(
    word: string,
    maxDistance: number,
    visit: (surface: string, stem: string, distance: number, count: number, display: string) => void,
  ): void;
}

/**
 * Query text -> content words with every stem they may match (exact, prefix for the last word, typos). With
 * `allowed`, prefix and typo expansions are taken only among stems those podcasts hold, so a guild's prefix is not
 * spent on words only other guilds' podcasts have.
 */
export function parseQuery(query: string, prefix: boolean, fuzzy: boolean, allowed: Uint8Array | undefined, lexicon: Lexicon): QueryWord[] {
  const tokens = tokenize(query);
  // The last word is still being typed only if nothing follows it.
  const lastIsOpen = tokens.length > 0 && (tokens[tokens.length - 1] as { end: number }).end === query.length;
  const words: QueryWord[] = [];
  const languages = lexicon.languages(allowed);
  tokens.forEach((token, i) => {
    // One stem per language in scope; none when the word is a stop word in all of them.
    const stems = queryStems(token.folded, languages);
    const isStopWord = stems.length === 0;
    const isLast = i === tokens.length - 1;
    const wantPrefix = prefix && isLast && lastIsOpen && token.folded.length >= MIN_PREFIX_LENGTH;
    // A stop word carries no topic; only when it is all the user has typed so far may it start one ("the" -> "theory").
    if (isStopWord && !(wantPrefix && tokens.length === 1)) return;
    if (words.length >= MAX_QUERY_WORDS) return;
    // "experiment experiment" asks for one thing once.
    if (words.some((w) => w.folded === token.folded)) return;
    const expansions = new Map<string, Expansion>();
    const put = (s: string, weight: number, group: string): void => {
      const seen = expansions.get(s);
      if (seen !== undefined) {
        if (weight > seen.weight) {
          seen.weight = weight;
          seen.group = group;
        }
        return;
      }
      const e = lexicon.expansionFor(s, weight);
      if (e !== undefined) expansions.set(s, { ...e, group });
    };
    // The first `max` of these stems (best first) that the allowed podcasts hold.
    const putFirst = (stems: readonly string[], max: number, weightOf: (s: string) => number, groupOf: (s: string) => string): void => {
      let taken = 0;
      for (const s of stems) {
        if (taken >= max) break;
        if (allowed !== undefined) {
          const e = lexicon.expansionFor(s, 1);
          if (e === undefined || !lexicon.occursIn(e, allowed)) continue;
        }
        put(s, weightOf(s), groupOf(s));
        taken++;
      }
    };
    for (const s of stems) put(s, WEIGHT_EXACT, token.folded);

    if (wantPrefix) {
      const best = new Map<string, number>();
      const surfaceOf = new Map<string, string>();
      lexicon.forEachSurfaceWithPrefix(token.folded, (surface, s) => {
        if (!best.has(s)) best.set(s, lexicon.stemDf(s));
        if (!surfaceOf.has(s)) surfaceOf.set(s, surface);
      });
      const byDf = [...best.entries()].sort((a, b) => b[1] - a[1]).map(([s]) => s);
      putFirst(byDf, MAX_PREFIX_EXPANSIONS, () => WEIGHT_PREFIX, (s) => surfaceOf.get(s) ?? s);
    }
    const maxDistance = !fuzzy ? 0 : token.folded.length >= 9 ? 2 : token.folded.length >= 5 ? 1 : 0;
    if (maxDistance > 0) {
      const best = new Map<string, number>();
      const surfaceOf = new Map<string, string>();
      lexicon.forEachSurfaceNear(token.folded, maxDistance, (surface, s, distance) => {
        if (distance === 0) return;
        const seen = best.get(s);
        if (seen === undefined || distance < seen) {
          best.set(s, distance);
          surfaceOf.set(s, surface);
        }
      });
      const nearest = [...best.entries()].sort((a, b) => a[1] - b[1] || lexicon.stemDf(b[0]) - lexicon.stemDf(a[0])).map(([s]) => s);
      putFirst(nearest, MAX_FUZZY_EXPANSIONS, (s) => WEIGHT_FUZZY[best.get(s) as number] ?? 0, (s) => surfaceOf.get(s) ?? s);
    }
    if (expansions.size > 0 || !isStopWord) words.push({ folded: token.folded, expansions: [...expansions.values()] });
  });
  return words;
}
