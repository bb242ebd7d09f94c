import { Tokenizer } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { tokenizeHtml } from '../../src/data/text/htmlTokenizer.js';
import { prng } from '../support/prng.js';

/** Pieces show notes (broken ones included) are made of; random snippets are strings of them. */
const PIECES = [
  '<p>', '</p>', '<br>', '<br/>', '</br>', '<a href="https://x.example/?a=1&b=2">', '</a>', '<li>', '<ul>', '</ul>',
  '<script>', '</script>', '<style>', '</style>', '<title>', '</title>', '<textarea>', '<xmp>', '<svg>', '<path/>', '</svg>',
  '<!-- c -->', '<!--', '-->', '<![CDATA[', ']]>', '<!DOCTYPE html>', '<?php ?>', '<img src=a.jpg alt=\'x\' />',
  '<b', ' c="', '">', '&amp;', '&nbsp;', '&', 'text', ' ', '\n', 'é—', '<', '>', '/', '"', "'", '=', '</>', '<P>', '</SCRIPT>',
  '</ p>', '<!', '<?', '-', '< p>',
];

/** The events htmlToText reads, as strings with their positions. */
function recorder(html: string) {
  const log: string[] = [];
  const at = (kind: string) => (start: number, end: number) => log.push(`${kind} ${start}-${end} ${html.slice(start, end)}`);
  return {
    log,
    callbacks: {
      ontext: at('text'),
      onopentagname: at('open'),
      onopentagend: () => log.push('>'),
      onselfclosingtag: () => log.push('/>'),
      onclosetag: at('close'),
    },
  };
}

describe('tokenizeHtml', () => {
  it("reports what htmlparser2's HTML Tokenizer reports, for random broken snippets", () => {
    const ignore = () => {};
    for (let seed = 1; seed <= 3_000; seed++) {
      const rand = prng(seed);
      const length = 1 + Math.floor(rand() * 30);
      let html = '';
      for (let i = 0; i < length; i++) html += PIECES[Math.floor(rand() * PIECES.length)];

      const expected = recorder(html);
      const tokenizer = new Tokenizer(
        { xmlMode: false, decodeEntities: false },
        {
          ...expected.callbacks,
          onattribdata: ignore, onattribentity: ignore, onattribend: ignore, onattribname: ignore, oncdata: ignore,
          oncomment: ignore, ondeclaration: ignore, onend: ignore, onprocessinginstruction: ignore, ontextentity: ignore,
        },
      );
      tokenizer.write(html);
      tokenizer.end();

      const actual = recorder(html);
      tokenizeHtml(html, actual.callbacks);
      expect({ seed, html, log: actual.log }).toEqual({ seed, html, log: expected.log });
    }
  });
});
