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

describe('htmlToText after notes that end inside a raw-text element', () => {
  // htmlparser2's tokenizer keeps its "inside <script>" state across reset(): one such description used to make
  // every later call that meets a tag throw, in every feed parsed afterwards.
  it.each(['Intro <script', 'Notes <style>p{}', 'Show <title>Ep', 'Form <textarea>typed', 'Old <xmp>x'])('%j does not break the next call', (notes) => {
    expect(() => htmlToText(notes)).not.toThrow();
    expect(htmlToText('<p>Next episode</p><p>Second</p>')).toBe('Next episode\n\nSecond');
  });
});
