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
  // twice as fast as the decoder does. At the first other `&` the decoder takes the rest; a reference never reaches
  // past the next `&`, so decoding from there on gives what decoding the whole text would.
  let out = '';
  let last = 0;
  while (at !== -1) {
    let value: string;
    let length: number;
    const next = text.charCodeAt(at + 1);
    if (next === 0x6c /* l */ && text.startsWith('lt;', at + 1)) {
      value = '<';
      length = 4;
    } else if (next === 0x67 /* g */ && text.startsWith('gt;', at + 1)) {
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
    } else return out + decodeHTMLStrict(last === 0 ? text : text.slice(last));
    out += text.slice(last, at) + value;
    last = at + length;
    at = text.indexOf('&', last);
  }
  return out + text.slice(last);
}
