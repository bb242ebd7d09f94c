import { describe, expect, it } from 'vitest';
import { decodeEntities } from '../../src/data/text/decodeEntities.js';
import { prng } from '../support/prng.js';
import { parseOk, rss } from './helpers.js';

/**
 * What a plain field (a title) becomes, done the long way on every field: decoded (as XML text, then once more for
 * double-escaped titles), control characters dropped, every whitespace run but a lone space made one space, trimmed.
 * parseFeed skips the steps for fields that have nothing they would change; this tells whether it skips only those.
 */
function cleaned(xmlText: string): string {
  return decodeEntities(decodeEntities(xmlText))
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '')
    .replace(/[^\S ]\s*| \s+/g, ' ')
    .trim();
}

/** Item titles as parseFeed reads them, in feed order (no dates: the order is kept), 10,000 items a feed. */
function titles(xmlTitles: readonly string[]): string[] {
  const items = xmlTitles.map((title, i) => `<item><guid>g${i}</guid><enclosure url="https://a.invalid/${i}.mp3"/><title>${title}</title></item>`);
  const out: string[] = [];
  for (let at = 0; at < items.length; at += 10_000) out.push(...parseOk(rss(items.slice(at, at + 10_000).join('\n'))).episodes.map((episode) => episode.title));
  return out;
}

const expected = (xmlTitles: readonly string[]) => xmlTitles.map((title) => cleaned(title) || 'Untitled episode');

describe('plain fields', () => {
  it('clean every character as the long way does, alone, after a space and between words', () => {
    const xmlTitles: string[] = [];
    for (let code = 0; code <= 0x3100; code++) {
      // `<` would open a tag, `&` a reference; surrogates are not text on their own.
      if (code === 0x3c || code === 0x26 || (code >= 0xd800 && code <= 0xdfff)) continue;
      const c = String.fromCharCode(code);
      xmlTitles.push(`a${c}b`, `a ${c}b`, `a${c} b`, `${c}`);
    }
    for (const code of [0xfeff, 0xfffd, 0xffff]) xmlTitles.push(`a${String.fromCharCode(code)}b`, `a ${String.fromCharCode(code)}b`);
    expect(titles(xmlTitles)).toEqual(expected(xmlTitles));
  });

  it('clean what references decode to (tabs, controls, no-break spaces, double-escaped ones) as the long way does', () => {
    const pieces = ['a', ' ', '  ', '&amp;', '&amp;amp;', '&#9;', '&#10;', '&#1;', '&#x7f;', '&nbsp;', '&amp;nbsp;', '&#160;', '&amp;#8217;', '&#32;', '\t', 'é', '&', 'Q&amp;A', '&lol;', '<![CDATA[ &amp; ]]>', '<![CDATA[x]]>'];
    const xmlTitles: string[] = [];
    for (let seed = 1; seed <= 2_000; seed++) {
      const rand = prng(seed);
      let title = '';
      for (let i = 1 + Math.floor(rand() * 8); i > 0; i--) title += pieces[Math.floor(rand() * pieces.length)];
      xmlTitles.push(title);
    }
    // CDATA is not XML text: its `&amp;` is decoded once only (as a double-escaped title's), never twice.
    const reference = xmlTitles.map((title) => {
      const runs = title.split(/<!\[CDATA\[|\]\]>/);
      const once = runs.map((run, i) => (i % 2 === 1 ? run : decodeEntities(run))).join('');
      return (
        decodeEntities(once)
          .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '')
          .replace(/[^\S ]\s*| \s+/g, ' ')
          .trim() || 'Untitled episode'
      );
    });
    expect(titles(xmlTitles)).toEqual(reference);
  });
});
