import { decodeHTMLStrict } from 'entities/decode';

/**
 * Decodes character references: numeric (`&#233;`, `&#x2014;`), the five XML entities and every HTML named
 * entity (`&eacute;`, `&nbsp;`, `&rsquo;`), which feeds use freely although XML does not define them.
 *
 * Strict on purpose: a reference counts only when it ends with `;`, so a bare `&` ("Jenner & Block"),
 * query strings (`?a=1&b=2`) and typos like No Agenda's `&gtgt;` stay as written. DTD-declared entities
 * are never looked up: nothing is ever expanded beyond one character per reference.
 *
 * `entities` is htmlparser2's decoder (htmlparser2 itself is only the tests' reference for our tokenizers).
 */
export function decodeEntities(text: string): string {
  const at = text.indexOf('&');
  return at === -1 ? text : decodeFrom(text, at);
}

/**
 * decodeEntities from the first `&`, at `at`. Apart, so the common call (nothing to decode) is all that is inlined into
 * the many hot callers: with the loop, each of them carried its own optimised copy of it (compiling those was a large
 * part of a fresh process's first parse).
 */
function decodeFrom(text: string, at: number): string {
  // Entity-escaped show notes are mostly `&lt;`, `&gt;`, `&amp;` and `&quot;`: those five are replaced here, about
  // twice as fast as the decoder does, and so are numeric references, the common named ones and a bare `&`. At the
  // first other `&` the decoder takes the rest; a reference never reaches past the next `&`, so decoding from there on
  // gives what decoding the whole text would.
  let out = '';
  let last = 0;
  while (at !== -1) {
    let value: string;
    let length: number;
    const next = text.charCodeAt(at + 1);
    // `&lt;` and `&gt;` by their codes: startsWith on a slice of a chunk (what show notes are) is a call each time.
    if (next === 0x6c /* l */ && text.charCodeAt(at + 2) === 0x74 /* t */ && text.charCodeAt(at + 3) === 0x3b /* ; */) {
      value = '<';
      length = 4;
    } else if (next === 0x67 /* g */ && text.charCodeAt(at + 2) === 0x74 /* t */ && text.charCodeAt(at + 3) === 0x3b /* ; */) {
      value = '>';
      length = 4;
    } else if (next === 0x61 /* a */ && text.startsWith('amp;', at + 1)) {
      value = '&';
      length = 5;
    } else if (next === 0x71 /* q */ && text.startsWith('quot;', at + 1)) {
      value = '"';
      length = 6;
    } else if (next === 0x61 /* a */ && text.startsWith('apos;', at + 1)) {
      value = "'";
      length = 6;
    } else if (!isNameStart(next)) {
      // A bare `&` ("Q&A", "Jenner & Block"): no reference starts here, the decoder would keep it too.
      value = '&';
      length = 1;
    } else {
      // `&#8217;`, `&nbsp;`, `&mdash;`: read here too, so the decoder (a state machine that V8 would otherwise compile
      // in every fresh process) meets only what is rare.
      const semi = referenceEnd(text, at + 1);
      const decoded = semi === -1 ? undefined : next === 0x23 /* # */ ? numeric(text, at + 2, semi) : COMMON_NAMED.get(text.slice(at + 1, semi));
      if (decoded === undefined) return out + decodeHTMLStrict(last === 0 ? text : text.slice(last));
      value = decoded;
      length = semi + 1 - at;
    }
    out += text.slice(last, at) + value;
    last = at + length;
    at = text.indexOf('&', last);
  }
  return out + text.slice(last);
}

/** The named references show notes use most, as the decoder reads them (`&name;`, the `;` included). */
const COMMON_NAMED = new Map([
  ['nbsp', '\u00A0'], ['mdash', '\u2014'], ['ndash', '\u2013'], ['rsquo', '\u2019'], ['lsquo', '\u2018'],
  ['rdquo', '\u201D'], ['ldquo', '\u201C'], ['hellip', '\u2026'], ['bull', '\u2022'], ['middot', '\u00B7'],
  ['copy', '\u00A9'], ['reg', '\u00AE'], ['trade', '\u2122'], ['laquo', '\u00AB'], ['raquo', '\u00BB'],
  ['eacute', '\u00E9'], ['egrave', '\u00E8'], ['aacute', '\u00E1'], ['agrave', '\u00E0'], ['oacute', '\u00F3'],
  ['uacute', '\u00FA'], ['iacute', '\u00ED'], ['ntilde', '\u00F1'], ['ccedil', '\u00E7'], ['auml', '\u00E4'],
  ['ouml', '\u00F6'], ['uuml', '\u00FC'], ['Auml', '\u00C4'], ['Ouml', '\u00D6'], ['Uuml', '\u00DC'],
  ['aring', '\u00E5'], ['Aring', '\u00C5'], ['szlig', '\u00DF'], ['euro', '\u20AC'], ['pound', '\u00A3'],
  ['deg', '\u00B0'], ['times', '\u00D7'], ['shy', '\u00AD'],
]);

/** Whether a reference may start with this character (NaN: the text ended): a letter, a digit or `#`. */
function isNameStart(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) || c === 0x23;
}

/** The `;` ending a reference whose name (or `#` and digits) starts at `from`, within 10 characters; else -1. */
function referenceEnd(text: string, from: number): number {
  const end = Math.min(text.length, from + 11);
  for (let i = from; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3b) return i > from ? i : -1;
    const letterOrDigit = (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a);
    if (!letterOrDigit && !(c === 0x23 && i === from)) return -1;
  }
  return -1;
}

/**
 * `&#...;` from its digits (`start`, after the `#`) to the `;`, for code points the decoder gives as they are; undefined
 * for the rest (0, 128-159, surrogates, too large, no digits), which the decoder replaces as HTML says.
 */
function numeric(text: string, start: number, semi: number): string | undefined {
  const hex = (text.charCodeAt(start) | 0x20) === 0x78; /* x */
  let from = hex ? start + 1 : start;
  if (from === semi || semi - from > (hex ? 6 : 7)) return undefined;
  let code = 0;
  for (; from < semi; from++) {
    const c = text.charCodeAt(from);
    const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : hex && (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66 ? (c | 0x20) - 0x57 : -1;
    if (digit === -1) return undefined;
    code = code * (hex ? 16 : 10) + digit;
  }
  const plain = (code >= 1 && code <= 0x7f) || (code >= 0xa0 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0x10ffff);
  return plain ? String.fromCodePoint(code) : undefined;
}
