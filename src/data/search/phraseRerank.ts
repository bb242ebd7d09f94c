/**
 * Scoring, second stage: the phrase/proximity rerank of the best few candidates, from their text analysed again, and
 * the highlights shown with a hit. BM25 (bm25.ts) found the candidates; this only reorders the top of the pool, so it
 * may look at text.
 */
import { forEachTerm } from './analyze.js';
import { UNKNOWN_LANGUAGE } from './stem.js';
import type { LanguageId } from './stem.js';
import { byScoreThenDoc } from './TopK.js';
import type { MatchRange } from './TopicSearch.js';

/** Adjacent query words in order multiply the score by up to 1 + PHRASE_BONUS; near ones (<= 3 words) by less. */
const PHRASE_BONUS = 0.5;
const NEAR_BONUS = 0.2;
const NEAR_WINDOW = 3;
/** The most the phrase rerank can multiply a score by (with a hair for rounding). */
export const MAX_RERANK_FACTOR = (1 + Math.max(PHRASE_BONUS, NEAR_BONUS)) * (1 + 1e-9);

export interface Reranked {
  doc: number;
  score: number;
  text: string;
  terms: string[];
  matches: MatchRange[];
}

/** Phrase/proximity bonus and highlight ranges, from the passage text analysed again (only for the top few). */
export function rerank(
  doc: number,
  text: string,
  score: number,
  wordCount: number,
  stemWords: ReadonlyMap<string, number>,
  initials: ReadonlySet<number> | undefined,
  language: LanguageId = UNKNOWN_LANGUAGE,
): Reranked {
  // A plain loop: Array.from with a callback showed up in profiles at a few dozen passages a query.
  const positions: number[][] = [];
  for (let w = 0; w < wordCount; w++) positions.push([]);
  const matches: MatchRange[] = [];
  const terms: string[] = [];
  const seenTerms = new Set<string>();
  forEachTerm(text, (termStem, start, end, position) => {
    const bits = stemWords.get(termStem);
    if (bits === undefined) return;
    for (let w = 0; w < wordCount; w++) if (bits & (1 << w)) positions[w]?.push(position);
    const last = matches[matches.length - 1];
    if (last === undefined || last.start !== start) matches.push({ start, end });
    const written = text.slice(start, end);
    const key = written.toLowerCase();
    if (!seenTerms.has(key)) {
      seenTerms.add(key);
      terms.push(written);
    }
  }, initials, language);
  if (wordCount > 1) {
    let bonus = 0;
    for (let w = 0; w + 1 < wordCount; w++) {
      const left = positions[w] ?? [];
      const right = positions[w + 1] ?? [];
      let best = 0;
      for (const a of left) {
        for (const c of right) {
          if (c - a === 1) best = PHRASE_BONUS;
          else if (Math.abs(c - a) <= NEAR_WINDOW && best < NEAR_BONUS) best = NEAR_BONUS;
        }
      }
      bonus += best;
    }
    score *= 1 + bonus / (wordCount - 1);
  }
  return { doc, score, text, terms, matches };
}

/**
 * The first letters of the words that can stem to one of `stems`, for forEachTerm: in a language whose stemmer only
 * strips and rewrites endings (stem.ts keepsInitial), a word starts with its stem's first letter. Undefined when a
 * stem leaves nothing to test.
 */
export function stemInitials(stems: Iterable<string>): Set<number> | undefined {
  const initials = new Set<number>();
  for (const s of stems) {
    if (s === '') return undefined;
    initials.add(s.charCodeAt(0));
  }
  return initials;
}

/**
 * Whether the phrase rerank could raise the score of a passage whose matched query words are `bits` (bit w: word w):
 * only two adjacent query words both in the passage earn a bonus. The bits are exact for a passage holding the rarest
 * word (`rarestBit`; its postings are read in full, and every later word looks up every passage found before it), and
 * for every passage of a two-word query (one without the rarest word holds only the other). Beyond two words a later
 * word's new passages come from its champions alone, so a passage without the rarest word may hold more words than
 * its bits say: it is reranked to be sure.
 */
export function mayGainPhraseBonus(bits: number, words: number, rarestBit: number): boolean {
  if (words > 2 && (bits & rarestBit) === 0) return true;
  for (let w = 0; w + 1 < words; w++) if ((bits >> w) & 1 && (bits >> (w + 1)) & 1) return true;
  return false;
}

/** Inserts `c` into `ranked`, kept in byScoreThenDoc order (a candidate mostly lands at or near the end). */
export function insertRanked<C extends { doc: number; score: number }>(ranked: C[], c: C): void {
  let lo = 0;
  let hi = ranked.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (byScoreThenDoc(ranked[mid]!, c) < 0) lo = mid + 1;
    else hi = mid;
  }
  ranked.splice(lo, 0, c);
}
