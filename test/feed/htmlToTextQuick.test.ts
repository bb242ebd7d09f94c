import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateFeed } from '../../bench/generateFeed.js';
import { htmlToText, htmlToTextByTokenizer } from '../../src/data/text/htmlToText.js';
import { prng } from '../support/prng.js';

/*
 * htmlToText reads notes whose tags are written plainly (`<name attr="v">`, `<name/>`, `</name>`) without the
 * tokenizer, and gives up on anything else, starting over with the tokenizer. Either way the text must be what the
 * tokenizer alone gives: checked here on random notes made only of such tags, mixed with what it must give up on
 * (comments, raw-text elements, unquoted values, `<` as text...), and on real notes.
 */

/** What the quick reading takes: text and tags written plainly (SVG and MathML, implied closes and stray ends included). */
const QUICK = [
  '<p>', '</p>', '<br>', '<br/>', '<br />', '</br>', '<a href="https://x.invalid/?a=1&amp;b=2">', "<a href='x>y'>",
  '<a\nhref="x"\n>', '<a href = "x" >', '<a href="x"title="y">', '<a =x"">', '<a href>', '<a data-x=\'"\' href="/">', '</a>',
  '<b>', '</b>', '<strong>', '</strong>', '<em class="x">', '</em>', '<i>', '</i>', '<u>', '</u>', '<span style="color:red">',
  '</span>', '<ul>', '</ul>', '<ol>', '</ol>', '<li>', '</li>', '<p/>', '<b/>', '<li />', '<p class="a" id=\'b\'/>',
  '<div>', '</div>', '<P>', '<Br>', '<h1>', '</h1>', '<h5>', '</H5>', '<img src="x"/>', '<hr>', '<hr/>', '<svg>', '<path/>', '</svg>',
  '<math>', '<mi>', '</mi>', '</math>', '<table>', '<tr>', '<td>', '</td>', '</tr>', '</table>', '<pre>', '</pre>', '<dl>', '<dt>',
  '<dd>', '<blockquote>', '</blockquote>', '<noscript>', '</noscript>', '<head>', '</head>', '<scripts>', '<tt>', '<x1>',
  '<audio controls="">', '</audio>', '<select>', '<option>', '<input/>', '</script>', '</title>', '<foreignObject>',
];
/** What it must give up on (the tokenizer reads these). */
const OTHER = [
  '<!-- c -->', '<script>x</script>', '<SCRIPT>x', '<style>p{}</style>', '<Title>t</Title>', '<textarea>a<b>', '<xmp>x</xmp>',
  '< b', 'a<b', '</ p>', '</p >', '<a href=x>', '<br / >', '<o:p>', '</o:p>', '<my-el>', '<1>', '</1>', '<a href="open', '<',
  '</', '<p', '<!doctype html>', '<?php ?>', '</strong', '<![CDATA[x]]>', '</>',
];
const TEXT = [
  'Intro', 'the guest', ' ', '  ', '\n', '\n\n', '\t', '\u00a0', '&nbsp;', '&amp;', '&lt;', '&mdash;', '&gtgt;', ' & ', 'Q&A',
  '00:12:30 Intro', '1:02 Topic', '\u001a', '\r\n', 'café', '’', '&#x2014;', ' 04:45 - Band - Song ',
];

function randomNotes(rand: () => number, quickOnly: boolean): string {
  const pick = (list: readonly string[]) => list[Math.floor(rand() * list.length)] ?? '';
  const pieces: string[] = [];
  const count = 1 + Math.floor(rand() * 30);
  for (let i = 0; i < count; i++) {
    const r = rand();
    pieces.push(r < 0.5 ? pick(TEXT) : !quickOnly && r < 0.6 ? pick(OTHER) : pick(QUICK));
  }
  return pieces.join('');
}

describe('htmlToText reading common tags without the tokenizer', () => {
  it('gives what the tokenizer gives, for random notes of common tags and of anything else', () => {
    const rand = prng(16_5);
    for (let i = 0; i < 6000; i++) {
      const notes = randomNotes(rand, i % 2 === 0);
      // Now and then a length cap that cuts the text short.
      const max = i % 7 === 0 ? 1 + Math.floor(rand() * 40) : 100_000;
      expect(htmlToText(notes, max), JSON.stringify(notes)).toBe(htmlToTextByTokenizer(notes, max));
    }
  });

  it.each([
    ['a self-closing tag inside SVG, which closes there and nowhere else', '<p>a<svg><p/>b</svg>c</p><p/>d<b/>e'],
    ['MathML text integration points', '<math><mi><p/>x</mi><p/>y</math>z'],
    ['implied closes and stray end tags', '<p>a<p>b<ul><li>c<li>d</ul></p></p>e</br>f</div>g'],
    ['a raw-text element after plain tags', '<p>a</p><title>x<p>y</title><p>z</p><SCRIPT>w</p></script>v'],
    ['a quoted `>` and attributes without spaces', '<a href="a>b"title=\'c>d\' data-x>link</a> <img src=""/>after'],
    ['a tag cut off by the end', '<p>a</p><a href="x'],
  ])('gives what the tokenizer gives for %s', (_name, notes) => {
    expect(htmlToText(notes)).toBe(htmlToTextByTokenizer(notes));
  });

  it('gives what the tokenizer gives for real notes and the bench feed’s', () => {
    const dir = new URL('../fixtures/feeds/', import.meta.url);
    const notes: string[] = [];
    for (const file of readdirSync(dir)) {
      const xml = readFileSync(new URL(file, dir), 'utf8');
      for (const m of xml.matchAll(/<(description|content:encoded|itunes:summary)>([\s\S]*?)<\/\1>/g)) {
        const raw = m[2] ?? '';
        const cdata = /^\s*<!\[CDATA\[([\s\S]*)\]\]>\s*$/.exec(raw);
        notes.push(cdata ? (cdata[1] ?? '') : raw.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
      }
    }
    for (const m of generateFeed(40).matchAll(/<content:encoded><!\[CDATA\[([\s\S]*?)\]\]><\/content:encoded>/g)) notes.push(m[1] ?? '');
    expect(notes.length).toBeGreaterThan(500);
    for (const html of notes) expect(htmlToText(html), html.slice(0, 200)).toBe(htmlToTextByTokenizer(html));
  });
});
