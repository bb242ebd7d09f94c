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

/** The terms of `analyze(text)`, handed to `visit` one at a time with no list and no term objects. */
export function forEachTerm(text: string, visit: (stem: string, start: number, end: number, position: number) => void): void {
  let position = 0;
  forEachToken(text, (folded, start, end) => {
    if (!isStopWord(folded)) visit(stem(folded), start, end, position++);
  });
}
