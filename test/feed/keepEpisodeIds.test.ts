import { describe, expect, it } from 'vitest';
import { keepEpisodeIds } from '../../src/data/feed/keepEpisodeIds.js';
import type { Episode } from '../../src/data/model.js';
import { parseOk, rss } from './helpers.js';

const episode = (id: string, extra: Partial<Episode> = {}): Episode => ({
  id,
  title: `Title of ${id}`,
  description: '',
  transcripts: [],
  chapters: [],
  ...extra,
});

describe('keepEpisodeIds', () => {
  it('keeps the known id of an episode whose guid changed but whose enclosure did not', () => {
    const known = [episode('a', { audioUrl: 'https://cdn.example/a.mp3' }), episode('b', { audioUrl: 'https://cdn.example/b.mp3' })];
    const incoming = [
      episode('a-churned', { audioUrl: 'https://cdn.example/a.mp3', title: 'renamed' }),
      episode('b-churned', { audioUrl: 'https://cdn.example/b.mp3' }),
      episode('c', { audioUrl: 'https://cdn.example/c.mp3' }),
    ];
    const out = keepEpisodeIds(known, incoming);
    expect(out.map((e) => e.id)).toEqual(['a', 'b', 'c']);
    // The rest of the episode is the feed's current version.
    expect(out[0]?.title).toBe('renamed');
    expect(incoming[0]?.id).toBe('a-churned');
  });

  it('matches an enclosure whose query string changes per fetch, then title and duration', () => {
    const known = [
      episode('a', { audioUrl: 'https://cdn.example/a.mp3?sig=1' }),
      episode('b', { title: 'The B Side', durationSeconds: 1800, audioUrl: 'https://old.example/b.mp3' }),
    ];
    const incoming = [
      episode('x', { audioUrl: 'https://cdn.example/a.mp3?sig=2' }),
      episode('y', { title: ' the b  side ', durationSeconds: 1800, audioUrl: 'https://new.example/b.mp3' }),
    ];
    expect(keepEpisodeIds(known, incoming).map((e) => e.id)).toEqual(['a', 'b']);
  });

  it('does not match by a key several episodes share, nor a known episode still in the feed', () => {
    const placeholder = 'https://cdn.example/coming-soon.mp3';
    const known = [episode('a', { audioUrl: placeholder }), episode('b', { audioUrl: placeholder }), episode('c', { audioUrl: 'https://cdn.example/c.mp3' })];
    const incoming = [
      episode('new-1', { audioUrl: placeholder }),
      // c is still listed under its own id, so a new item with its enclosure is not c.
      episode('c', { audioUrl: 'https://cdn.example/c.mp3' }),
      episode('new-2', { audioUrl: 'https://cdn.example/c.mp3' }),
    ];
    expect(keepEpisodeIds(known, incoming).map((e) => e.id)).toEqual(['new-1', 'c', 'new-2']);
  });

  it('does not match a new episode with the same title but another duration, nor without a duration', () => {
    const known = [episode('w1', { title: 'Weekly update', durationSeconds: 600 }), episode('w2', { title: 'Bonus' })];
    const incoming = [episode('w3', { title: 'Weekly update', durationSeconds: 660 }), episode('w4', { title: 'Bonus' })];
    expect(keepEpisodeIds(known, incoming).map((e) => e.id)).toEqual(['w3', 'w4']);
  });

  it('returns the incoming list itself when there is nothing to match', () => {
    const incoming = [episode('a')];
    expect(keepEpisodeIds([], incoming)).toBe(incoming);
    expect(keepEpisodeIds([episode('a')], incoming)).toBe(incoming);
  });
});

describe('items sharing one guid', () => {
  const item = (title: string, guid: string, audio?: string, day = 1) =>
    `<item><title>${title}</title><guid>${guid}</guid><pubDate>Mon, 0${day} Jan 2024 10:00:00 GMT</pubDate>${
      audio ? `<enclosure url="${audio}" type="audio/mpeg" length="1"/>` : ''
    }</item>`;

  it('are episodes of their own when their audio differs, with ids that do not depend on the order of the items', () => {
    const a = item('Part 1', 'shared', 'https://cdn.example/1.mp3', 1);
    const b = item('Part 2', 'shared', 'https://cdn.example/2.mp3', 2);
    const once = parseOk(rss(a + b)).episodes;
    const swapped = parseOk(rss(b + a)).episodes;
    expect(once.map((e) => e.title)).toEqual(['Part 2', 'Part 1']);
    expect(new Set(once.map((e) => e.id)).size).toBe(2);
    expect(swapped.map((e) => e.id)).toEqual(once.map((e) => e.id));
  });

  it('are one episode when they repeat the same audio, or have none', () => {
    const same = parseOk(rss(item('First', 'g', 'https://cdn.example/1.mp3') + item('Again', 'g', 'https://cdn.example/1.mp3'))).episodes;
    expect(same.map((e) => [e.id, e.title])).toEqual([['g', 'First']]);
    const none = parseOk(rss(item('First', 'g') + item('Again', 'g'))).episodes;
    expect(none.map((e) => [e.id, e.title])).toEqual([['g', 'First']]);
  });
});
