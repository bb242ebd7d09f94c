import { describe, expect, it } from 'vitest';
import { fixture, parseOk } from './helpers.js';

// The DTD is never processed: entity declarations are skipped and references to them stay literal.
// Each case is checked for bounded output rather than time (no timed assertions).
describe('hostile feeds', () => {
  it('does not expand billion-laughs entities', () => {
    const feed = parseOk(fixture('security/billion-laughs.xml'));
    expect(feed.episodes[0]?.title).toBe('&lol9;');
  });

  it('does not expand a quadratic-blowup entity and caps the title', () => {
    const feed = parseOk(fixture('security/quadratic-blowup.xml'));
    const title = feed.episodes[0]?.title ?? '';
    expect(title.startsWith('&a;&a;')).toBe(true);
    expect(title.length).toBeLessThanOrEqual(2_000);
  });

  it('never reads an external entity (XXE)', () => {
    const feed = parseOk(fixture('security/xxe-local-file.xml'));
    expect(feed.episodes[0]?.title).toBe('before-&xxe;-after');
  });

  it('leaves even a benign internal entity as literal text', () => {
    const feed = parseOk(fixture('security/benign-internal-entity.xml'));
    expect(feed.episodes[0]?.title).toBe('&co;');
  });

  it('parses 20,000 nested elements without overflowing the stack', () => {
    const feed = parseOk(fixture('security/deep-nesting.xml'));
    expect(feed.episodes.map((e) => e.title)).toEqual(['deep']);
  });

  it('decodes HTML named entities and numeric references', () => {
    const feed = parseOk(fixture('security/html-named-entities.xml'));
    // &nbsp; becomes a plain space in a title (whitespace is collapsed).
    expect(feed.episodes[0]?.title).toBe('Café Talk ’24 & é —');
  });

  it('caps an oversized description', () => {
    const huge = `<p>${'x'.repeat(3_000_000)}</p>`;
    const xml = `<rss><channel><title>t</title><item><title>big</title><description><![CDATA[${huge}]]></description></item></channel></rss>`;
    const feed = parseOk(xml);
    expect(feed.episodes[0]?.description.length).toBeLessThanOrEqual(100_000);
  });
});
