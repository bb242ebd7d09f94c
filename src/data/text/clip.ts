/**
 * Cutting text to a length limit without breaking a character.
 *
 * Lengths are UTF-16 code units (`string.length`). Discord counts its limits in code points (its API measures with
 * Python's len()), and a string of at most N code units has at most N code points, so a text cut here always fits,
 * whichever way it is counted. A cut never falls inside a grapheme cluster (a surrogate pair, an emoji with its skin
 * tone or ZWJ sequence, a flag, a letter with its combining marks): half of one would show as a broken character.
 */

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The last grapheme boundary at or before `index` (0 when the first cluster is already longer). */
export function graphemeBoundaryAtOrBefore(text: string, index: number): number {
  if (index >= text.length) return text.length;
  if (index <= 0) return 0;
  // Between two code units below U+0300 (no surrogates, combining marks, joiners or Hangul) there is always a
  // boundary, except inside CR LF: the common case needs no segmenter.
  const before = text.charCodeAt(index - 1);
  const after = text.charCodeAt(index);
  if (before < 0x300 && after < 0x300 && !(before === 0x0d && after === 0x0a)) return index;
  // Whether `index` is a boundary depends on what precedes it and on the one code point that follows (UAX #29 looks
  // back, never further ahead), so the text up to there is enough.
  let boundary = 0;
  for (const { index: start } of graphemes.segment(text.slice(0, index + 2))) {
    if (start > index) break;
    boundary = start;
  }
  return boundary;
}

/** The longest whole-character prefix of at most `max` code units: for values, which take no ellipsis. */
export function cutToFit(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, graphemeBoundaryAtOrBefore(text, Math.max(0, max)));
}

/** At most `max` code units: cut at a word when one is near the end, else at a character, marked with an ellipsis. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return cutToFit(text, max);
  const cut = text.slice(0, graphemeBoundaryAtOrBefore(text, max - 1));
  const space = cut.lastIndexOf(' ');
  return (space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd() + '…';
}

/** A URL in prose: up to a space, without the punctuation that ends a sentence or clause after it. */
const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"]*[^\s<>".,:;!?)'\]]/gi;

/**
 * Text that names URLs (an error message) cut to `max`: when it does not fit, a URL longer than `maxUrl` is shown as
 * its origin and "/…", and the cut never falls inside a URL (that one is left out whole). Discord links bare URLs,
 * and a cut one would lead somewhere else.
 */
export function clipProse(text: string, max: number, maxUrl = 200): string {
  if (text.length <= max) return text;
  const shortened = text.replace(URL_IN_TEXT, (url) => (url.length <= maxUrl ? url : `${originOf(url)}/…`));
  if (shortened.length <= max) return shortened;
  const clipped = clip(shortened, max);
  const kept = clipped.length - 1; // clip ends what it cut with an ellipsis
  for (const match of shortened.matchAll(URL_IN_TEXT)) {
    if (match.index < kept && match.index + match[0].length > kept) return `${shortened.slice(0, match.index).trimEnd()}…`;
  }
  return clipped;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url.slice(0, url.indexOf('//') + 2);
  }
}
