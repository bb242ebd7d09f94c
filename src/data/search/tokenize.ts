/** A word as it appears in the display text, with its folded form for matching. */
export interface Token {
  /** Lowercase, NFKD with combining marks removed, apostrophes dropped: "Hästens" -> "hastens", "Tesla's" -> "teslas". */
  folded: string;
  /** UTF-16 offsets into the original text, for bolding. */
  start: number;
  end: number;
}

// A word is letters, marks and digits, optionally joined by apostrophes (Tesla's, don't). Everything else splits:
// "self-driving" -> self, driving.
const WORD = /[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}\p{N}]+)*/gu;
const MARKS_AND_APOSTROPHES = /[\p{M}'’]/gu;
const NON_WORD = /[^\p{L}\p{N}]+/u;
const ASCII_WORD = /^[a-z0-9]*$/;

/** Folds one word for matching. Can split it (NFKD turns "½" into "1⁄2"), so returns parts. */
export function foldWord(raw: string): string[] {
  const lower = raw.toLowerCase();
  if (ASCII_WORD.test(lower)) return [lower];
  const folded = lower.normalize('NFKD').replace(MARKS_AND_APOSTROPHES, '').toLowerCase();
  if (!NON_WORD.test(folded)) return folded === '' ? [] : [folded];
  return folded.split(NON_WORD).filter((part) => part !== '');
}

/** Splits display text into folded words, keeping where each one sits in the original. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  forEachToken(text, (folded, start, end) => tokens.push({ folded, start, end }));
  return tokens;
}

/**
 * The tokens of `tokenize(text)`, handed to `visit` one at a time with no list and no token objects (the search's
 * rerank reads a few dozen passages a query). Safe if `visit` tokenizes too: the shared expression is repositioned
 * before every match.
 */
export function forEachToken(text: string, visit: (folded: string, start: number, end: number) => void): void {
  for (let at = 0; ; ) {
    WORD.lastIndex = at;
    const m = WORD.exec(text);
    if (m === null) return;
    at = WORD.lastIndex;
    const start = m.index;
    const end = start + m[0].length;
    const lower = m[0].toLowerCase();
    if (ASCII_WORD.test(lower)) visit(lower, start, end);
    else for (const folded of foldWord(m[0])) visit(folded, start, end);
  }
}
