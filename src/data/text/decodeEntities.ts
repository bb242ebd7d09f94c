import { decodeHTMLStrict } from 'entities/decode';

/**
 * Decodes character references: numeric (`&#233;`, `&#x2014;`), the five XML entities and every HTML named
 * entity (`&eacute;`, `&nbsp;`, `&rsquo;`), which feeds use freely although XML does not define them.
 *
 * Strict on purpose: a reference counts only when it ends with `;`, so a bare `&` ("Jenner & Block"),
 * query strings (`?a=1&b=2`) and typos like No Agenda's `&gtgt;` stay as written. DTD-declared entities
 * are never looked up: nothing is ever expanded beyond one character per reference.
 *
 * `entities` is htmlparser2's own decoder, installed with it.
 */
export function decodeEntities(text: string): string {
  return text.indexOf('&') === -1 ? text : decodeHTMLStrict(text);
}
