import { decodeHTMLStrict } from 'entities/decode';
import { describe, expect, it } from 'vitest';
import { decodeEntities } from '../../src/data/text/decodeEntities.js';
import { prng } from '../support/prng.js';

/** Pieces of text around references: whole ones, broken ones, and the code points HTML replaces. */
const PIECES = [
  '&', ';', '#', 'x', 'X', '&#', '&#x', 'amp;', 'lt;', 'nbsp;', 'mdash', 'rsquo;', 'notin;', 'not;', 'not', 'Auml;',
  'AUML;', 'eacute', '8217;', '38;', '0;', '128;', '150;', '159;', '160;', 'D800;', 'dfff;', '10FFFF;', '110000;',
  '99999999;', '00000065;', 'ffff;', 'zz;', '1a;', ' ', 'text', 'é', '\u00a0', 'a', '7', '2014;', 'hellip;', 'nbsp',
  '&&', '& ', '&=', '&-', '&_', '&\n', '&é', '&\u00a0', '<', '>',
  // `&lt;` and `&gt;` cut short or run on (`&lt`, `&l;`, `&ltx;`, `&gt` at the end): read by their codes, not the decoder.
  'lt', 'gt', 'l', 'g', 't;', '&lt', '&gt', 'gtx;',
];
const NAMES = [
  'nbsp', 'mdash', 'ndash', 'rsquo', 'lsquo', 'rdquo', 'ldquo', 'hellip', 'bull', 'middot', 'copy', 'reg', 'trade',
  'laquo', 'raquo', 'eacute', 'egrave', 'aacute', 'agrave', 'oacute', 'uacute', 'iacute', 'ntilde', 'ccedil', 'auml',
  'ouml', 'uuml', 'Auml', 'Ouml', 'Uuml', 'aring', 'Aring', 'szlig', 'euro', 'pound', 'deg', 'times', 'shy', 'notin',
  'NotANamedOne', 'amp', 'AMP', 'lt', 'gt', 'quot', 'apos', 'eacutex',
];

describe('decodeEntities', () => {
  it('reads every reference as the decoder does: named, decimal and hexadecimal, replaced code points included', () => {
    const cases: string[] = [];
    for (const name of NAMES) cases.push(`a&${name};b`, `&${name}`, `&${name};&${name};`);
    for (let code = 0; code <= 0x11000; code += code < 0x300 ? 1 : 97) cases.push(`&#${code};`, `&#x${code.toString(16)};`, `&#X${code.toString(16).toUpperCase()};x`);
    for (const code of [0xd7ff, 0xd800, 0xdfff, 0xe000, 0xfffd, 0xffff, 0x10000, 0x10ffff, 0x110000, 2 ** 31]) cases.push(`&#${code};`, `&#x${code.toString(16)};`);
    for (const text of cases) expect(decodeEntities(text), text).toBe(decodeHTMLStrict(text));
  });

  it('reads random text with references as the decoder does', () => {
    for (let seed = 1; seed <= 5_000; seed++) {
      const rand = prng(seed);
      let text = '';
      for (let i = 1 + Math.floor(rand() * 12); i > 0; i--) text += PIECES[Math.floor(rand() * PIECES.length)];
      expect(decodeEntities(text), text).toBe(decodeHTMLStrict(text));
    }
  });
});
