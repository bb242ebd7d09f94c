import { describe, expect, it } from 'vitest';
import { fixture, parseError, parseOk, rss } from './helpers.js';

// Each fixture here is OURS: a small hand-written reproduction of a fault a real host served
// (the originals, in /work/shared/fixtures/malformed, are GPL-3.0 and were only checked by hand).
describe('broken feeds real hosts serve', () => {
  it('drops a raw 0x1A control character and keeps the text around it', () => {
    const feed = parseOk(fixture('malformed/control-char-0x1A.xml'));
    expect(feed.episodes.map((e) => e.title)).toEqual(['Episode 2', 'Episode 1']);
    expect(feed.episodes[1]?.description).toBe('Beforeafter');
  });

  it('keeps a bare ampersand in text and URLs as a literal &', () => {
    const feed = parseOk(fixture('malformed/bare-ampersand.xml'));
    const episode = feed.episodes.find((e) => e.id === 'ep-1');
    expect(episode?.title).toBe('Jenner & Block');
    expect(episode?.description).toBe('Jenner & Block argue; Q&A at https://example.invalid/?a=1&b=2');
  });

  it('survives unescaped quotes in an attribute without losing the following items', () => {
    const feed = parseOk(fixture('malformed/php-serialized-attr.xml'));
    expect(feed.episodes.map((e) => e.id)).toEqual(['ep-2', 'ep-1']);
    const broken = feed.episodes[1];
    expect(broken?.audioUrl).toBe('https://example.invalid/1.mp3');
    // The length is PHP-serialized junk, so it is omitted rather than guessed.
    expect(broken?.audioLength).toBeUndefined();
    expect(broken?.durationSeconds).toBe(660);
    expect(feed.episodes[0]?.audioLength).toBe(1002);
  });

  it('skips PHP warnings printed before the XML declaration', () => {
    const feed = parseOk(fixture('malformed/php-warnings-before-prolog.xml'));
    expect(feed.podcast.title).toBe('Broken Show');
    expect(feed.episodes).toHaveLength(2);
  });

  it('accepts a newline before the XML declaration (Acast)', () => {
    expect(parseOk(fixture('malformed/newline-before-prolog.xml')).episodes).toHaveLength(2);
  });

  it('ignores junk after the root element', () => {
    expect(parseOk(fixture('malformed/junk-after-root.xml')).episodes).toHaveLength(2);
  });

  it('reports a truncated feed as an error, not a partial episode list', () => {
    expect(parseError(fixture('malformed/truncated.xml'))).toBe(
      'The feed is truncated: it ends before </channel> (after 1 complete episode)',
    );
  });

  it('leaves an undefined entity such as &gtgt; as literal text', () => {
    const feed = parseOk(fixture('malformed/undefined-entity.xml'));
    expect(feed.episodes.find((e) => e.id === 'ep-1')?.title).toBe('Pat E &gtgt; Kristi');
  });
});

describe('one parse after another (the reader and scanner are shared)', () => {
  it('starts each feed fresh after a truncated one, a feed cut inside a tag, and a custom prefix', () => {
    const custom = rss('<item><guid>a</guid><ns9:duration>61</ns9:duration><title>Mine</title></item>').replace(
      '<rss version="2.0"',
      '<rss version="2.0" xmlns:ns9="http://www.itunes.com/dtds/podcast-1.0.dtd"',
    );
    expect(parseOk(custom).episodes[0]?.durationSeconds).toBe(61);
    parseError(fixture('malformed/truncated.xml'));
    parseError(rss('<item><guid>b</guid><title>Cut <ns9:dur'));
    // ns9 was declared only by the first feed: here it is an unknown prefix, so no duration.
    const plain = parseOk(rss('<item><guid>c</guid><ns9:duration>61</ns9:duration><title>Next</title></item>'));
    expect(plain.podcast.title).toBe('Test Show');
    expect(plain.episodes.map((e) => [e.id, e.title, e.durationSeconds])).toEqual([['c', 'Next', undefined]]);
  });

  it('gives the same result for the same bytes every time', () => {
    const bytes = fixture('malformed/junk-after-root.xml');
    const first = parseOk(bytes);
    parseError(fixture('malformed/truncated.xml'));
    expect(parseOk(bytes)).toEqual(first);
  });
});

describe('documents that are not RSS', () => {
  it('says an HTML page is not a feed', () => {
    expect(parseError('<!DOCTYPE html><html><head><title>Oops</title></head><body>Not found</body></html>')).toBe(
      'This is an HTML page, not an RSS feed',
    );
  });

  it('says JSON is not a feed', () => {
    expect(parseError('{"error": "not found"}')).toBe('This is JSON, not an RSS feed');
  });

  it('says an empty body is empty', () => {
    expect(parseError('')).toBe('The feed is empty');
    expect(parseError('  \n ')).toBe('The feed is empty');
  });

  it('says an Atom feed is not supported', () => {
    expect(parseError('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>')).toBe(
      'This is an Atom feed; only RSS feeds are supported',
    );
  });

  it('says other XML is not a feed', () => {
    expect(parseError('<?xml version="1.0"?><opml><body/></opml>')).toBe(
      'This is not an RSS feed: its root element is <opml>, not <rss>',
    );
  });

  it('says plain text is not a feed', () => {
    expect(parseError('Service Unavailable')).toBe('This is not an RSS feed: it starts with "Service Unavailable"');
  });

  it('says an <rss> without a <channel> has no channel', () => {
    expect(parseError('<rss version="2.0"></rss>')).toBe('The feed has no <channel>');
  });
});
