import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateShowNotesChapters } from '../../src/data/chapters/validateShowNotesChapters.js';
import type { Platform } from '../../src/data/chapters/validateShowNotesChapters.js';

function verdicts(notes: string, duration?: number) {
  const check = validateShowNotesChapters(notes, duration);
  const by = (platform: Platform) => {
    const found = check.platforms.find((p) => p.platform === platform);
    if (found === undefined) throw new Error(`no verdict for ${platform}`);
    return found;
  };
  return { check, apple: by('apple'), spotify: by('spotify'), youtube: by('youtube') };
}

const good = '00:00 Intro\n02:00 News\n10:00 Interview\n40:00 Outro';

describe('validateShowNotesChapters', () => {
  it('passes the seed notes on every platform and returns the 13 chapters it read', () => {
    const page = readFileSync(new URL('../../src/data/samples/the-most-interesting-thing-in-ai.txt', import.meta.url), 'utf8');
    const { check } = verdicts(page, 3240);
    expect(check.platforms).toEqual([
      { platform: 'apple', ok: true, reasons: [] },
      { platform: 'spotify', ok: true, reasons: [] },
      { platform: 'youtube', ok: true, reasons: [] },
    ]);
    expect(check.chapters).toHaveLength(13);
    expect(check.timestampLines).toBe(13);
  });

  it('passes a plain list on every platform', () => {
    const { apple, spotify, youtube } = verdicts(good, 3000);
    expect([apple.ok, spotify.ok, youtube.ok]).toEqual([true, true, true]);
  });

  it('explains a first timestamp that is not zero, per platform', () => {
    const { apple, spotify, youtube } = verdicts('0:15 Intro\n2:00 News\n10:00 Outro');
    expect(youtube.reasons).toEqual(['The first timestamp is 0:15; YouTube needs the first at 0:00.']);
    expect(spotify.reasons).toEqual(['The first timestamp is 0:15; Spotify needs the first at 00:00.']);
    expect(apple.reasons).toEqual(['The first timestamp is 0:15; Apple Podcasts needs the first at 00:00:00.']);
  });

  it('explains too few timestamps', () => {
    const { apple, youtube, check } = verdicts('00:00 Intro\n05:00 Outro');
    expect(youtube.ok).toBe(false);
    expect(youtube.reasons).toEqual(['Only 2 timestamps were found; YouTube needs at least 3.']);
    expect(apple.reasons).toEqual(['Only 2 timestamps were found; Apple Podcasts needs at least 3.']);
    // Podcord itself reads two entries as a list.
    expect(check.chapters).toHaveLength(2);
  });

  it('explains notes without timestamps', () => {
    const { apple, spotify, youtube, check } = verdicts('Just a description.');
    for (const v of [apple, spotify, youtube]) {
      expect(v.ok).toBe(false);
      expect(v.reasons).toHaveLength(1);
      expect(v.reasons[0]).toMatch(/^No chapter timestamps were found in the notes/);
    }
    expect(check.chapters).toEqual([]);
  });

  it('explains timestamps out of order, naming the lines', () => {
    const { youtube, spotify } = verdicts('00:00 A\n05:00 B\n03:00 C');
    expect(youtube.reasons).toEqual(['03:00 on line 3 does not come after 05:00 on line 2; YouTube needs the timestamps in ascending order.']);
    expect(spotify.ok).toBe(false);
  });

  it('explains a YouTube chapter shorter than 10 seconds, counting the others', () => {
    const { youtube, apple, spotify } = verdicts('00:00 Intro\n00:05 Cold open\n00:30 News\n00:35 Ads');
    expect(youtube.reasons).toEqual([
      'The chapter “Intro” at 00:00 is only 5 seconds long (1 more chapter is too short); YouTube needs every chapter to be at least 10 seconds.',
    ]);
    expect(apple.ok).toBe(true);
    expect(spotify.ok).toBe(true);
  });

  it('checks the last chapter against the duration only when it is known', () => {
    expect(verdicts(good).youtube.ok).toBe(true);
    expect(verdicts(good, 2405).youtube.reasons).toEqual([
      'The chapter “Outro” at 40:00 is only 5 seconds long; YouTube needs every chapter to be at least 10 seconds.',
    ]);
  });

  it('tells Spotify users to put the time before the title', () => {
    const { spotify, youtube } = verdicts('Intro (00:00)\nNews (02:00)\nOutro (10:00)');
    expect(spotify.reasons).toEqual([
      'The time comes after the title on line 1 and 2 more (“Intro”); Spotify needs the timestamp first, as in “(00:00) Intro”.',
    ]);
    expect(youtube.ok).toBe(true);
  });

  it('tells Spotify users that square brackets and double punctuation are not accepted', () => {
    const { spotify } = verdicts('[00:00] Intro\n02:00 -- News\n10:00 Outro');
    expect(spotify.reasons).toEqual([
      'Line 1 puts the time in square brackets (“[00:00]”); Spotify accepts (MM:SS) or MM:SS.',
      'Line 2 has “--” between the time and the title; Spotify allows at most one punctuation mark there.',
    ]);
  });

  it('accepts the Spotify examples "(00:00) Introduction" and "00:00-Introduction"', () => {
    expect(verdicts('(00:00) Introduction\n(01:00) News\n(02:00) Outro').spotify.ok).toBe(true);
    expect(verdicts('00:00-Introduction\n01:00-News\n02:00-Outro').spotify.ok).toBe(true);
  });

  it('tells Spotify users that titles outside the Latin script get no chapters there', () => {
    const { spotify, apple } = verdicts('00:00 مقدمة\n01:30 فئة الأفلام\n43:00 فئة المسلسلات');
    expect(spotify.reasons).toEqual([
      'Most chapter titles are not written in the Latin script; Spotify only makes chapters for languages that use it.',
    ]);
    expect(apple.ok).toBe(true);
  });

  it('gives every reason that applies, not just the first', () => {
    const { spotify } = verdicts('Intro [00:10]\nOutro (05:00)');
    expect(spotify.reasons).toHaveLength(4);
  });
});
