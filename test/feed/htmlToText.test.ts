import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../src/data/text/htmlToText.js';

describe('htmlToText', () => {
  it('separates paragraphs by a blank line and keeps link text', () => {
    expect(htmlToText('<p>Hello <a href="https://x.invalid">world</a>.</p>\n<p>Second  paragraph</p>')).toBe(
      'Hello world.\n\nSecond paragraph',
    );
  });

  it('turns <br> and list items into line breaks', () => {
    expect(htmlToText('<p>0:02:40 Halo 4<br />0:12:37 Destiny</p><ul>\n<li>One</li>\n<li>Two</li>\n</ul>')).toBe(
      '0:02:40 Halo 4\n0:12:37 Destiny\n\nOne\nTwo',
    );
  });

  it('decodes HTML named entities and turns no-break spaces into spaces', () => {
    expect(htmlToText('<p>Caf&eacute;&nbsp;&nbsp;Talk &rsquo;24 &amp; &#x2014;</p>')).toBe('Café Talk ’24 & —');
  });

  it('keeps a snippet’s own newlines when it has no block tags', () => {
    expect(htmlToText('<img src="x.jpg"/><br />Intro text\n\n00:00 - Band - Song\n04:45 - Other - Tune')).toBe(
      'Intro text\n\n00:00 - Band - Song\n04:45 - Other - Tune',
    );
  });

  it('keeps plain text lines and trims trailing spaces', () => {
    expect(htmlToText('00:00  Intro  \r\n04:45 Plot summary\n\n\n\nBye')).toBe('00:00 Intro\n04:45 Plot summary\n\nBye');
  });

  it('drops scripts and styles', () => {
    expect(htmlToText('<style>p{}</style><p>Visible</p><script>alert(1)</script>')).toBe('Visible');
  });

  it('leaves undefined entities and bare ampersands alone', () => {
    expect(htmlToText('<p>Q&A &gtgt; R&amp;D</p>')).toBe('Q&A &gtgt; R&D');
  });

  it('leaves one space where spaces meet across tags, line breaks or a removed control character', () => {
    expect(htmlToText('<p>Intro <b> guest</b>&nbsp; </p><p> Next</p>')).toBe('Intro guest\n\nNext');
    expect(htmlToText('<p>a<br>\u001a   b\u001a\u001a c</p>')).toBe('a\nb c');
    expect(htmlToText('<div>one\t<pre>  two  </pre> three</div>')).toBe('one\n\ntwo\n\nthree');
  });

  it('removes control characters in any run (raw or as a reference), after runs that needed no cleaning or some', () => {
    // Each run is checked once for odd whitespace or a control character; the whole text is searched for control
    // characters only when some run held one. These are what the whole-text search always gave.
    expect(htmlToText('<p>a\u0001 b</p>')).toBe('a b');
    expect(htmlToText('<p>one&#1; two</p><p>three</p>')).toBe('one two\n\nthree');
    expect(htmlToText('<p>x&nbsp;y</p><p>z\u001a w</p>')).toBe('x y\n\nz w');
    expect(htmlToText('<p>clean  run</p><p>&#x1f;</p>')).toBe('clean run');
    expect(htmlToText('<p>a &#x7f; b</p>')).toBe('a b');
    expect(htmlToText('<p>a\u000b\fb</p>')).toBe('a b');
    expect(htmlToText('<p>tab\there</p><p>ctl\u0002</p>')).toBe('tab here\n\nctl');
    expect(htmlToText('<p>\u0003</p><p>after</p>')).toBe('after');
    expect(htmlToText('<p>a</p>\u0001<p>b</p>')).toBe('a\n\nb');
    expect(htmlToText('<b>x \u0001</b> <i>y</i>')).toBe('x y');
    expect(htmlToText('Plain <b>bold</b>\n\u0001 line\t two')).toBe('Plain bold\nline two');
  });

  it('leaves no odd whitespace or control character, whatever a run holds (every run of up to 4 such pieces)', () => {
    // A run is cleaned only when one scan says it may need it; every mix of whitespace, no-break spaces and control
    // characters (raw and as references), between letters, around tags and alone, must come out cleaned.
    const pieces = [' ', '\t', '\n', '\f', '\r', '\u00a0', '\u0001', '\u000b', '\u007f', 'a', '&nbsp;', '&#1;'];
    let runs: string[] = [''];
    const all: string[] = [''];
    for (let length = 1; length <= 4; length++) {
      runs = runs.flatMap((run) => pieces.map((piece) => run + piece));
      all.push(...runs);
    }
    for (const run of all) {
      const letters = run.replace(/[^a]/g, '');
      for (const [html, expected] of [
        [`<p>x${run}y</p>`, `x${letters}y`],
        [`<p>${run}</p><p>b${run}</p>`, `${letters}b${letters}`],
        [`<b>x${run}</b>${run}<i>y</i><p>z</p>`, `x${letters}${letters}yz`],
      ] as const) {
        const text = htmlToText(html);
        expect(/[\u0000-\u0009\u000b-\u001f\u007f\u00a0]| {2}| \n|\n | $|^ /.test(text), JSON.stringify(html)).toBe(false);
        expect(text.replace(/[ \n]/g, ''), JSON.stringify(html)).toBe(expected);
      }
    }
  });

  it('caps the output length', () => {
    expect(htmlToText(`<p>${'word '.repeat(1000)}</p>`, 50).length).toBeLessThanOrEqual(50);
  });
});

describe('htmlToText reading text runs in place', () => {
  // A run is read where it lies in the notes: blank runs, a line's leading whitespace after a break and runs without
  // `&` (found once per notes) skip the slice-and-replace of the general reading. Each must give what that reading gave.
  it.each([
    ['a line’s leading whitespace after a break', '<p>00:00 Intro<br />\n05:10 Guest<br />\r\n\t12:30 News<br>\u00a0 20:00 Bye</p>', '00:00 Intro\n05:10 Guest\n12:30 News\n20:00 Bye'],
    ['leading whitespace then a control character', '<p>a<br>\n\u0001b</p>', 'a\nb'],
    ['leading whitespace then two spaces', '<p>a<br>\n b  c</p>', 'a\nb c'],
    ['leading whitespace then a reference', '<p>a<br>\n&amp; b</p>', 'a\n& b'],
    ['leading whitespace then a no-break space', '<p>a<br>\n&nbsp;b</p>', 'a\nb'],
    ['a form feed and a vertical tab after a break', '<p>a<br>\f\u000bb</p>', 'a\nb'],
    ['an em space, which is not whitespace the reading collapses', '<p>a<br>\n\u2003b</p>', 'a\n\u2003b'],
    ['leading whitespace with no text before', '<p>\n a</p>', 'a'],
    ['spaces either side of a break', '<p>a <br>\n b </p>', 'a\nb'],
    ['list items on their own lines', '<ul>\n<li>\n One\n</li>\n<li>\tTwo</li></ul>', 'One\nTwo'],
    ['whitespace after an inline tag, no break owed', '<p>a<b>b</b>\nc</p><p>d<i>e</i> \t f</p>', 'ab c\n\nde f'],
    ['Unicode spaces between blocks', '<p>a</p>\u3000\ufeff<p>b</p><p>c</p>\n\u2003 <p>d</p>', 'a\n\nb\n\nc\n\nd'],
    ['characters between blocks that trim() keeps', '<p>a</p>\u0085<p>b</p>\u180e<p>c</p>', 'a\n\n\u0085\n\nb\n\n\u180e\n\nc'],
    ['runs before, at and after `&`, in text and in a tag', '<p>one</p><p>two &amp; three</p><p>four</p><a href="/?a=1&amp;b=2">five &lt; six</a> seven &gt; eight<b>nine</b>&amp;', 'one\n\ntwo & three\n\nfour\n\nfive < six seven > eightnine&'],
  ])('%s', (_name, html, expected) => {
    expect(htmlToText(html)).toBe(expected);
  });

  it('looks for `&` afresh in each notes, and again when the tokenizer reads them over', () => {
    // The first notes leave the next `&` past their end; the second's reference must still be decoded.
    expect(htmlToText(`<p>${'plain words '.repeat(50)}</p>`)).toBe('plain words '.repeat(50).trim());
    expect(htmlToText('<p>R&amp;D</p>')).toBe('R&D');
    // The quick reading gives up at the comment, having looked for `&` past the first paragraph's.
    expect(htmlToText('<p>x &amp; y</p><p>z</p><!-- c --><p>w &lt; v</p>')).toBe('x & y\n\nz\n\nw < v');
  });

  it('tells tag names apart whose characters differ by 256 (the name cache’s slot is the same)', () => {
    // `lũ` after `li`, `bŲ` after `br`: the same length, first character and slot as a name seen before.
    expect(htmlToText('<ul><li>x</li></ul><p>a<l\u0169>b</p>')).toBe('x\n\nab');
    expect(htmlToText('<p>x<br>y</p><p>a<b\u0172>b</p>')).toBe('x\ny\n\nab');
  });

  it.each([
    ['<P>a\nb</P>', 'a b'], ['<p/>a\nb', 'a b'], ['<p class="x">a\nb', 'a b'], ['<p\n>a\nb', 'a b'], ['<pre>a\n  b</pre>', 'a\nb'],
    ['<param>a\nb', 'a\nb'], ['<px>a\nb</px>', 'a\nb'], ['<pa>a\nb', 'a\nb'],
  ])('reads %j as laid out only when it starts with a paragraph tag', (html, expected) => {
    expect(htmlToText(html)).toBe(expected);
  });

  it('leaves no odd whitespace at the start of a line after a break (every run of up to 4 such pieces)', () => {
    const pieces = [' ', '\t', '\n', '\f', '\r', '\u00a0', '\u0001', '\u000b', 'a', '&nbsp;', '&#1;', '\u2003'];
    let runs: string[] = [''];
    for (let length = 1; length <= 4; length++) {
      runs = runs.flatMap((run) => pieces.map((piece) => run + piece));
      for (const run of runs) {
        const html = `<p>x<br>${run}y<br />${run}z</p>`;
        const text = htmlToText(html);
        expect(/[\u0000-\u0009\u000b-\u001f\u007f\u00a0]| {2}| \n|\n | $|^ /.test(text), JSON.stringify(html)).toBe(false);
        const letters = run.replace(/[^a\u2003]/g, '');
        expect(text.replace(/[ \n]/g, ''), JSON.stringify(html)).toBe(`x${letters}y${letters}z`);
      }
    }
  });
});

describe('htmlToText after notes that end inside a raw-text element', () => {
  // htmlparser2's tokenizer keeps its "inside <script>" state across reset(): one such description used to make
  // every later call that meets a tag throw, in every feed parsed afterwards.
  it.each(['Intro <script', 'Notes <style>p{}', 'Show <title>Ep', 'Form <textarea>typed', 'Old <xmp>x'])('%j does not break the next call', (notes) => {
    expect(() => htmlToText(notes)).not.toThrow();
    expect(htmlToText('<p>Next episode</p><p>Second</p>')).toBe('Next episode\n\nSecond');
  });
});
