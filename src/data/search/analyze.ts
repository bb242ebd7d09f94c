import { isStopWord } from './stopWords.js';
import { stem } from './stem.js';
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

/** Text -> content words, the single path used for indexing, querying and highlighting. */
export function analyze(text: string): Term[] {
  const terms: Term[] = [];
  forEachToken(text, (folded, start, end) => {
    if (!isStopWord(folded)) terms.push({ surface: folded, stem: stem(folded), position: terms.length, start, end });
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
): void {
  let position = 0;
  forEachToken(text, (folded, start, end) => {
    if (isStopWord(folded)) return;
    const at = position++;
    if (initials === undefined || initials.has(folded.charCodeAt(0))) visit(stem(folded), start, end, at);
  });
}
