import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateFeed } from '../../bench/generateFeed.js';
import { detectCharset } from '../../src/data/feed/detectCharset.js';
import { fixture, parseOk } from './helpers.js';

/** Latin-1 bytes of a string (every char must be below U+0100). */
function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

const body = (title: string) =>
  `<rss version="2.0"><channel><title>${title}</title><item><title>${title}</title><guid>1</guid></item></channel></rss>`;

describe('feed charsets', () => {
  it('decodes a declared ISO-8859-1 feed (jn-news) with its accents', () => {
    const feed = parseOk(fixture('encoding/iso-8859-1_jn-news.rss'));
    expect(feed.podcast.title).toBe('Jornal de Notícias - Últimas Notícias');
    expect(feed.episodes.map((e) => e.title)).toContain('Reações dos partidos ao veto de Marcelo');
  });

  it('decodes an undeclared Latin-1 feed (uol) by falling back from UTF-8 to windows-1252', () => {
    const feed = parseOk(fixture('encoding/undeclared-latin1_uol.rss'));
    expect(feed.podcast.title).toBe('UOL Noticias');
    expect(feed.episodes.map((e) => e.title)).toContain(
      'Ibope: Bolsonaro perde de Haddad, Ciro e Alckmin em simulações de 2º turno',
    );
    expect(feed.episodes.some((e) => e.description.includes('Líder na pesquisa Ibope'))).toBe(true);
  });

  it('reads windows-1252 smart quotes in an undeclared feed', () => {
    const bytes = latin1(body('Don\x92t Panic \x96 Caf\xe9'));
    expect(parseOk(bytes).podcast.title).toBe('Don’t Panic – Café');
  });

  it('strips a UTF-8 byte-order mark', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(body('Über'))]);
    expect(parseOk(bytes).podcast.title).toBe('Über');
  });

  it('decodes UTF-16 with a byte-order mark', () => {
    const text = `\uFEFF<?xml version="1.0" encoding="UTF-16"?>${body('Ωmega')}`;
    const bytes = new Uint8Array(text.length * 2);
    for (let i = 0; i < text.length; i++) bytes[i * 2] = text.charCodeAt(i) & 0xff, (bytes[i * 2 + 1] = text.charCodeAt(i) >> 8);
    expect(parseOk(bytes).podcast.title).toBe('Ωmega');
  });

  it('uses the Content-Type charset when the feed declares none', () => {
    // "Łódź" in ISO-8859-2: Ł=0xA3, ó=0xF3, d, ź=0xBC
    const bytes = latin1(body('\xa3\xf3d\xbc'));
    expect(parseOk(bytes, { contentType: 'application/rss+xml; charset=ISO-8859-2' }).podcast.title).toBe('Łódź');
  });

  it('prefers the XML declaration over the Content-Type charset', () => {
    const bytes = latin1(`<?xml version="1.0" encoding="ISO-8859-2"?>${body('\xa3\xf3d\xbc')}`);
    expect(parseOk(bytes, { contentType: 'text/xml; charset=windows-1251' }).podcast.title).toBe('Łódź');
  });

  it('reads UTF-8 bytes as UTF-8 even when the feed claims ISO-8859-1', () => {
    const bytes = new TextEncoder().encode(`<?xml version="1.0" encoding="ISO-8859-1"?>${body('Café')}`);
    expect(parseOk(bytes).podcast.title).toBe('Café');
  });

  it('explains where the charset came from', () => {
    expect(detectCharset(latin1('<?xml version="1.0" encoding="koi8-r"?><rss/>')).source).toBe('xml-declaration');
    expect(detectCharset(latin1('<rss/>'), 'text/xml; charset="koi8-r"')).toMatchObject({ source: 'content-type', declared: 'koi8-r' });
    expect(detectCharset(latin1('<rss/>'), 'text/xml').source).toBe('default');
    expect(detectCharset(latin1('<?xml version="1.0" encoding="no-such-charset"?><rss/>')).source).toBe('default');
  });
});

/** UTF-16LE bytes with a byte-order mark: read in plain 64 KB chunks, never cut before a `<` (see parseFeed's read). */
function utf16(text: string): Uint8Array {
  const bytes = new Uint8Array(2 + text.length * 2);
  bytes[0] = 0xff;
  bytes[1] = 0xfe;
  for (let i = 0; i < text.length; i++) {
    bytes[2 + i * 2] = text.charCodeAt(i) & 0xff;
    bytes[3 + i * 2] = text.charCodeAt(i) >> 8;
  }
  return bytes;
}

describe('feed chunks', () => {
  it('parses a feed alike whether its UTF-8 or windows-1252 chunks end before a `<` or, in UTF-16, wherever 64 KB ends', () => {
    const texts = [
      generateFeed(300),
      generateFeed(120, 7),
      readFileSync(fileURLToPath(new URL('../fixtures/feeds/wordpress-feedburner_se-radio.xml', import.meta.url)), 'utf8'),
      readFileSync(fileURLToPath(new URL('../fixtures/feeds/acast_sentimental-garbage.xml', import.meta.url)), 'utf8'),
    ];
    for (const text of texts) {
      const plain = text.replace(/^<\?xml[^>]*\?>/, '');
      expect(new TextEncoder().encode(plain).length).toBeGreaterThan(3 * 65_536);
      const fromUtf16 = parseOk(utf16(plain));
      expect(parseOk(new TextEncoder().encode(plain))).toEqual(fromUtf16);
      // Latin-1 bytes (the generated feeds' accents are all below U+0100), read through the windows-1252 fallback.
      if (!/[^\u0000-\u00ff]/.test(plain)) expect(parseOk(latin1(plain))).toEqual(fromUtf16);
    }
  });
});
