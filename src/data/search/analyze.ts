import { isStopWord } from './stopWords.js';
import { stem, UNKNOWN_LANGUAGE } from './stem.js';
import type { LanguageId } from './stem.js';
import { forEachToken } from './tokenize.js';

/** A content word of a text: stop words are gone, `position` counts content words only (for proximity). */
export interface Term {
  /** The folded word as written (hästarna -> hastarna): the key for prefix and typo matching. */
  surface: string;
  /** The matching key (hastarna -> hast). */
  stem: string;
  position: number;
  start: number;
  end: number;
}

/** Text in `language` -> content words, the single path used for indexing, querying and highlighting. */
export function analyze(text: string, language: LanguageId = UNKNOWN_LANGUAGE): Term[] {
  const terms: Term[] = [];
  forEachToken(text, (folded, start, end) => {
    if (!isStopWord(folded, language)) terms.push({ surface: folded, stem: stem(folded, language), position: terms.length, start, end });
  });
  return terms;
}

/**
 * The terms of `analyze(text)`, handed to `visit` one at a time with no list and no term objects. With `initials`,
 * only words starting with one of those UTF-16 code units are stemmed and visited (the others still count for
 * `position`): stemming is most of the cost, and a caller looking for a few stems knows what they start with.
 */
export function forEachTerm(
  text: string,
  visit: (stem: string, start: number, end: number, position: number) => void,
  initials?: ReadonlySet<number>,
  language: LanguageId = UNKNOWN_LANGUAGE,
): void {
  let position = 0;
  forEachToken(text, (folded, start, end) => {
    if (isStopWord(folded, language)) return;
    const at = position++;
    if (initials === undefined || initials.has(folded.charCodeAt(0))) visit(stem(folded, language), start, end, at);
  });
}

/**
 * The stems a query word may match in passages of these languages (each language's stem, once), none where it is a
 * stop word: "hunter" is "hunter" in English and "hunt" in Swedish; "men" is a word in English and none in Swedish.
 */
export function queryStems(folded: string, languages: readonly LanguageId[]): string[] {
  const out: string[] = [];
  for (const language of languages) {
    if (isStopWord(folded, language)) continue;
    const s = stem(folded, language);
    if (!out.includes(s)) out.push(s);
  }
  return out;
}
