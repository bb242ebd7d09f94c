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
