import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chapterLink, chapterLinker, formatTimestamp, isSerializedHttpUrl, parseTimestamp } from '../../src/data/links.js';
import type { Episode, Podcast } from '../../src/data/model.js';
import { prng } from '../support/prng.js';

const podcast: Podcast = { id: 'https://example.fm/feed.xml', title: 'Example', categories: [] };

function episode(extra: Partial<Episode> = {}): Episode {
  return { id: 'guid-1', title: 'One', description: '', transcripts: [], chapters: [], ...extra };
}

describe('formatTimestamp', () => {
  it.each([
    [0, '0:00'],
    [5, '0:05'],
    [75, '1:15'],
    [599.9, '9:59'],
    [3599, '59:59'],
    [3600, '1:00:00'],
    [3723, '1:02:03'],
    [36000, '10:00:00'],
    [-4, '0:00'],
    [Number.NaN, '0:00'],
  ])('formats %s seconds as %s', (seconds, text) => {
    expect(formatTimestamp(seconds)).toBe(text);
  });
});

describe('parseTimestamp', () => {
  it.each([
    ['1:02:03', 3723],
    ['01:02:03', 3723],
    ['62:03', 3723],
    ['0:45', 45],
    ['00:00:01.500', 1.5],
    ['90', 90],
    ['12.5', 12.5],
    ['1h2m3s', 3723],
    ['1h', 3600],
    ['5m', 300],
    ['5 min', 300],
    ['45s', 45],
    ['  2:00  ', 120],
  ])('reads %j as %s seconds', (text, seconds) => {
    expect(parseTimestamp(text)).toEqual({ ok: true, value: seconds });
  });

  it.each([[''], ['abc'], ['1:75'], ['1:60:00'], ['10:30 AM'], ['1::2'], ['-5']])('refuses %j with a readable reason', (text) => {
    const result = parseTimestamp(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.length).toBeGreaterThan(10);
  });
});

describe('chapterLink', () => {
  it('adds a media fragment to the audio URL by default', () => {
    expect(chapterLink(podcast, episode({ audioUrl: 'https://cdn.example.fm/one.mp3' }), 150)).toBe('https://cdn.example.fm/one.mp3#t=150');
  });

  it('floors fractional seconds', () => {
    expect(chapterLink(podcast, episode({ audioUrl: 'https://cdn.example.fm/one.mp3' }), 150.97)).toBe('https://cdn.example.fm/one.mp3#t=150');
  });

  it('replaces a fragment the audio URL already has and keeps its query', () => {
    expect(chapterLink(podcast, episode({ audioUrl: 'https://cdn.example.fm/one.mp3?src=rss#t=10' }), 42)).toBe(
      'https://cdn.example.fm/one.mp3?src=rss#t=42',
    );
  });

  it.each([
    ['https://www.youtube.com/watch?v=abc123', 'https://www.youtube.com/watch?v=abc123&t=95'],
    ['https://youtu.be/abc123', 'https://youtu.be/abc123?t=95'],
    ['https://youtu.be/abc123?t=10', 'https://youtu.be/abc123?t=95'],
    ['https://music.youtube.com/watch?v=abc123', 'https://music.youtube.com/watch?v=abc123&t=95'],
  ])('sets t=SECONDS on the YouTube link %s', (link, expected) => {
    expect(chapterLink(podcast, episode({ link, audioUrl: 'https://cdn.example.fm/one.mp3' }), 95.5)).toBe(expected);
  });

  it.each([
    ['https://pca.st/episode/1234-abcd', 'https://pca.st/episode/1234-abcd?t=95'],
    ['https://pocketcasts.com/podcast/x/y/z', 'https://pocketcasts.com/podcast/x/y/z?t=95'],
    ['https://play.pocketcasts.com/podcasts/1/episodes/2?t=3', 'https://play.pocketcasts.com/podcasts/1/episodes/2?t=95'],
  ])('sets ?t=SECONDS on the Pocket Casts link %s', (link, expected) => {
    expect(chapterLink(podcast, episode({ link }), 95)).toBe(expected);
  });

  it('uses the audio URL, not an ordinary episode web page', () => {
    expect(chapterLink(podcast, episode({ link: 'https://example.fm/ep/1', audioUrl: 'https://cdn.example.fm/1.mp3' }), 3)).toBe(
      'https://cdn.example.fm/1.mp3#t=3',
    );
  });

  it('fills a link template, which overrides every other form', () => {
    const withTemplate: Podcast = { ...podcast, linkTemplate: 'https://example.fm/ep/{episode}?t={seconds}' };
    const ep = episode({ episodeNumber: 12, link: 'https://youtu.be/abc', audioUrl: 'https://cdn.example.fm/12.mp3' });
    expect(chapterLink(withTemplate, ep, 61.2)).toBe('https://example.fm/ep/12?t=61');
  });

  it('URI-encodes values inside a template but not a URL that starts it', () => {
    const player: Podcast = { ...podcast, linkTemplate: 'https://player.example/?src={audio}&id={id}&at={seconds}' };
    const ep = episode({ id: 'a b/c', audioUrl: 'https://cdn.example.fm/1.mp3?x=1&y=2' });
    expect(chapterLink(player, ep, 7)).toBe(
      'https://player.example/?src=https%3A%2F%2Fcdn.example.fm%2F1.mp3%3Fx%3D1%26y%3D2&id=a%20b%2Fc&at=7',
    );
    const base: Podcast = { ...podcast, linkTemplate: '{link}#t={seconds}' };
    expect(chapterLink(base, episode({ link: 'https://example.fm/ep/1' }), 7)).toBe('https://example.fm/ep/1#t=7');
  });

  it('falls back to the other forms when the template names something the episode lacks', () => {
    const withTemplate: Podcast = { ...podcast, linkTemplate: 'https://example.fm/ep/{episode}?t={seconds}' };
    expect(chapterLink(withTemplate, episode({ audioUrl: 'https://cdn.example.fm/bonus.mp3' }), 5)).toBe('https://cdn.example.fm/bonus.mp3#t=5');
    expect(chapterLink(withTemplate, episode(), 5)).toBeUndefined();
  });

  it('makes no link from a template with an unknown placeholder or a non-http result', () => {
    expect(chapterLink({ ...podcast, linkTemplate: 'https://example.fm/{slug}?t={seconds}' }, episode(), 5)).toBeUndefined();
    expect(chapterLink({ ...podcast, linkTemplate: 'javascript:alert({seconds})' }, episode(), 5)).toBeUndefined();
  });

  it.each([
    ['no audio URL', episode()],
    ['an ftp audio URL', episode({ audioUrl: 'ftp://example.fm/1.mp3' })],
    ['a javascript: audio URL', episode({ audioUrl: 'javascript:alert(1)' })],
    ['an audio URL that is not a URL', episode({ audioUrl: 'not a url' })],
    ['a relative audio URL', episode({ audioUrl: '/media/1.mp3' })],
  ])('makes no link for an episode with %s', (_what, ep) => {
    expect(chapterLink(podcast, ep, 10)).toBeUndefined();
  });

  it('makes no link for a negative or non-finite moment', () => {
    const ep = episode({ audioUrl: 'https://cdn.example.fm/1.mp3' });
    expect(chapterLink(podcast, ep, -1)).toBeUndefined();
    expect(chapterLink(podcast, ep, Number.NaN)).toBeUndefined();
  });
});

/**
 * chapterLink as it was written before chapterLinker: every URL parsed anew for every chapter. The oracle for the
 * one-parse-per-episode linker, which must give the same string for every moment.
 */
function linkParsedPerChapter(p: Podcast, e: Episode, seconds: number): string | undefined {
  const parse = (raw: string | undefined): URL | undefined => {
    if (raw === undefined) return undefined;
    try {
      const url = new URL(raw.trim());
      return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
    } catch {
      return undefined;
    }
  };
  if (!Number.isFinite(seconds) || seconds < 0) return undefined;
  const at = Math.floor(seconds);
  const template = p.linkTemplate?.trim();
  if (template) {
    let missing = false;
    const filled = template.replace(/\{([a-z]+)\}/g, (match: string, name: string, offset: number) => {
      if (name === 'seconds') return String(at);
      const value = name === 'audio' ? e.audioUrl : name === 'link' ? e.link : name === 'id' ? e.id : name === 'episode' ? (e.episodeNumber === undefined ? undefined : String(e.episodeNumber)) : undefined;
      if (value === undefined || value === '') {
        missing = true;
        return match;
      }
      return offset === 0 ? value : encodeURIComponent(value);
    });
    const url = missing ? undefined : parse(filled);
    if (url) return url.href;
  }
  const page = parse(e.link);
  if (page && /^(?:(?:www\.|m\.|music\.)?youtube\.com|youtu\.be|(?:www\.)?pca\.st|(?:www\.|play\.)?pocketcasts\.com)$/.test(page.hostname.toLowerCase())) {
    page.searchParams.set('t', String(at));
    return page.href;
  }
  const audio = parse(e.audioUrl);
  if (!audio) return undefined;
  audio.hash = `t=${at}`;
  return audio.href;
}

describe('chapterLinker (one URL parse per episode)', () => {
  const templates = [
    undefined,
    'https://example.fm/ep/{episode}?t={seconds}',
    'https://example.fm/{seconds}/{id}#at={seconds}',
    'https://{seconds}.example.fm/ep',
    'https://{seconds}/ep',
    'https://example.fm:{seconds}/ep',
    'https://example.fm/./{seconds}/../x?{seconds}',
    '{audio}#t={seconds}',
    '{link}&start={seconds}',
    'https://example.fm/ep/{id}',
    'https://example.fm/{slug}?t={seconds}',
    'javascript:alert({seconds})',
    'https://user:{seconds}@example.fm/',
  ];
  const links = [
    undefined,
    'https://www.youtube.com/watch?v=abc&t=5&list=x%20y&t=9',
    'https://youtu.be/abc',
    'https://YouTube.com/watch?v=a+b&q=caf%C3%A9 ',
    'https://pca.st/episode/123?x=1#frag',
    'https://example.fm/ep/podcordseconds?t=podcordseconds',
    'https://www.youtube.com/podcordseconds/watch?v=1',
    'not a url',
    // Hosts the URL parser turns into a player's (a percent escape, fullwidth letters, a tab it drops, capitals).
    'https://%79outu.be/abc',
    'https://ｙｏｕｔｕｂｅ.com/watch?v=1',
    'https://you\ttube.com/watch?v=1',
    'HTTPS://PLAY.POCKETCASTS.COM/x',
    'https://example.fm/episodes/1',
  ];
  const audios = [
    undefined, 'https://cdn.example.fm/1.mp3?src=rss&x=a b#t=10', 'http://cdn.example.fm/ä/1.mp3#', 'ftp://x/1.mp3', '/1.mp3',
    'https://cdn.example.fm/audio/1.mp3?source=rss&id=1', 'https://cdn.example.fm/a/./1.mp3', 'https://CDN.example.fm/1.mp3',
  ];
  const moments = [0, 0.9, 59.5, 3723, 1e7, -1, Number.NaN, Number.POSITIVE_INFINITY];

  it('gives for every moment exactly what parsing the URLs per chapter gave', () => {
    let compared = 0;
    for (const linkTemplate of templates) {
      const p: Podcast = linkTemplate === undefined ? podcast : { ...podcast, linkTemplate };
      for (const link of links) {
        for (const audioUrl of audios) {
          for (const episodeNumber of [undefined, 12]) {
            const e = episode({ ...(link !== undefined && { link }), ...(audioUrl !== undefined && { audioUrl }), ...(episodeNumber !== undefined && { episodeNumber }) });
            const linker = chapterLinker(p, e);
            for (const seconds of moments) {
              expect(linker(seconds), `${linkTemplate} ${link} ${audioUrl} ${seconds}`).toBe(linkParsedPerChapter(p, e, seconds));
              compared++;
            }
          }
        }
      }
    }
    expect(compared).toBe(templates.length * links.length * audios.length * 2 * moments.length);
  });
});

describe('isSerializedHttpUrl (audio URLs taken as their own href, without a parse)', () => {
  /** Pieces of URLs, plain and tricky: random URLs are strings of them, after a scheme. */
  const HOSTS = [
    'cdn.example.fm', 'a', 'x-1.b2.c', '1.2.3.4', '127.1', '0x7f.1', 'a.0x7f', 'a.1', 'Ex.fm', 'xn--caf-dma.fm', 'xn--a.fm', 'a..b',
    '.a', 'a.', 'a-.fm', 'user@a.fm', 'a.fm:80', 'a.fm:443', 'a.fm:8080', 'a.fm:', '[::1]', 'ä.fm', 'a%41.fm', 'a_b.fm', '',
  ];
  const PATH = [
    '/', '/a', '/1.mp3', '/.', '/..', '/./', '/../', '/%2e/', '/%2E%2e/', '/.well-known', '/a%20b', '/a%zz', '/%', '/a b', '/a\tb',
    '/ä', '/a"b', "/a'b", '/a<b>', '/a`b', '/a{b}', '/a^b', '/a|b', '/a\\b', '/a;b=c', '/a:b@c', '/~x', '/a+b,c', '/(x)!*$',
    '/a_b-c', '//', '?', '?a=1&b=2', "?a='1'", '?a=1 2', '?a="1"', '?a=<1>', '?a=%41', '?a=/./b', '?a=`', '?a={}', '#', '#t=1',
    '#a b', '', '/\u0000', '/\u007f', '/a\nb',
  ];
  const SCHEMES = ['https://', 'http://', 'HTTPS://', 'ftp://', 'https:', 'https:///', 'http:\\\\', ' https://'];

  function parsesToItself(raw: string): boolean {
    try {
      const url = new URL(raw);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hash === '' && url.href === raw;
    } catch {
      return false;
    }
  }

  it('is true only for URLs the URL parser writes back as they are (random URLs of plain and tricky pieces)', () => {
    const rand = prng(16);
    const pick = (list: readonly string[]) => list[Math.floor(rand() * list.length)] ?? '';
    let plain = 0;
    for (let i = 0; i < 30_000; i++) {
      // Mostly plain pieces (the first few of each list), so that many URLs take the quick way and a tricky piece
      // lands among plain ones.
      const some = (list: readonly string[], plainOnes: number) => (rand() < 0.7 ? list[Math.floor(rand() * plainOnes)] ?? '' : pick(list));
      let raw = `${i % 4 === 0 ? pick(SCHEMES) : i % 2 === 0 ? 'https://' : 'http://'}${some(HOSTS, 3)}`;
      const pieces = Math.floor(rand() * 5);
      for (let j = 0; j < pieces; j++) raw += some(PATH, 4);
      if (isSerializedHttpUrl(raw)) {
        plain++;
        expect(parsesToItself(raw), raw).toBe(true);
      }
    }
    // Plenty of them take the quick way (and so were checked above).
    expect(plain).toBeGreaterThan(3_000);
  });

  it('is true for the audio URLs of the real feeds in the fixtures, each of which parses to itself', () => {
    const dir = new URL('../fixtures/feeds/', import.meta.url);
    let seen = 0;
    let plain = 0;
    for (const file of readdirSync(dir).filter((name) => /\.(xml|rss)$/.test(name))) {
      for (const match of readFileSync(new URL(file, dir), 'utf8').matchAll(/<enclosure[^>]*\surl="([^"]*)"/g)) {
        const raw = (match[1] ?? '').replaceAll('&amp;', '&');
        seen++;
        if (isSerializedHttpUrl(raw)) {
          plain++;
          expect(parsesToItself(raw), raw).toBe(true);
        } else expect(parsesToItself(raw), `${raw} parses to itself: the quick check could take it`).toBe(false);
      }
    }
    expect(seen).toBeGreaterThan(100);
    expect(plain).toBe(seen);
  });
});
