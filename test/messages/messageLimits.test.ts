import { describe, expect, it } from 'vitest';
import { chapters } from '../../src/commands/chapters.js';
import { topicMoments } from '../../src/commands/topic.js';
import { EVERY_PODCAST } from '../../src/data/catalog.js';
import { Library } from '../../src/data/library.js';
import type { Chapter, Episode, Podcast } from '../../src/data/model.js';
import { announcementMessage, catchUpSummaryMessage, forumPostName, pausedNoticeMessage, threadChaptersMessage } from '../../src/messages/announcementMessage.js';
import { chaptersMessage, episodeMessage, latestMessage, paginateChapters } from '../../src/messages/embeds.js';
import { stringsFor } from '../../src/messages/strings.js';
import { liveEventBody, liveNowMessage, liveNowPostName } from '../../src/messages/liveMessage.js';
import { topicEmbed } from '../../src/messages/topicMessage.js';
import { depsFor } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import { choiceProblems, messageProblems, threadNameProblems } from '../support/discordLimits.js';

/**
 * Every message Podcord builds, from hostile feed text: 10,000-character titles and notes, 3,000-character URLs,
 * ZWJ emoji where the cuts fall, markdown and @everyone. Each must fit every Discord limit, keep every emoji whole,
 * and leave a URL too long for its place out rather than cut it.
 */

const FAMILY = '👨‍👩‍👧‍👦'; // one character on screen, 7 code points, 11 UTF-16 code units
const LONG_PATH = 'a1b2c3'.repeat(500);
const LONG_URL = `https://cdn.example.com/${LONG_PATH}.mp3`;

/** No spaces to cut at, so a cut falls wherever the limit says: at every offset of FAMILY, over the `shift`s used. */
const hostile = (shift: number, length = 10_000): string => {
  let text = `**@everyone** ${'x'.repeat(shift)}`;
  while (text.length < length) text += `${FAMILY}zebra*_`;
  return text;
};

const strings = [stringsFor('en-US'), stringsFor('sv-SE')];

function chaptersOf(shift: number): Chapter[] {
  return Array.from({ length: 40 }, (_, i) => ({ startSeconds: i * 60, title: hostile(shift + i, 2_000), source: 'json' as const }));
}

function episodeOf(n: number, url: string): Episode {
  return {
    id: `ep-${n}`,
    title: hostile(n),
    episodeNumber: 123_456_789 + n,
    season: 987_654,
    publishedAt: new Date(Date.UTC(2024, 0, 1 + n)).toISOString(),
    durationSeconds: 99 * 3600 + 59 * 60,
    description: `${hostile(n + 3)}\n\n${hostile(n + 5)}`,
    link: url,
    audioUrl: url,
    image: url,
    transcripts: [],
    chapters: chaptersOf(n),
    soundbites: Array.from({ length: 50 }, (_, i) => ({ startSeconds: i * 30 + 0.5, durationSeconds: 45, title: hostile(n + i, 2_000) })),
    persons: Array.from({ length: 50 }, (_, i) => ({ name: hostile(n + i, 300), role: hostile(i, 200), href: url })),
  };
}

const podcast: Podcast = { id: 'https://feeds.example.com/hostile.xml', feedUrl: 'https://feeds.example.com/hostile.xml', title: hostile(7), link: LONG_URL, image: LONG_URL, categories: [] };
const fair: Podcast = { id: 'https://feeds.example.com/fair.xml', title: 'Fair Show', link: 'https://fair.example.com/', categories: [] };

const library = new Library();
library.upsert(podcast, Array.from({ length: 18 }, (_, n) => episodeOf(n, LONG_URL)));
library.upsert(fair, [{ ...episodeOf(0, 'https://fair.example.com/1.mp3'), id: 'fair-1', title: 'A fair title' }]);
// The catalogue keeps summaries; messages are made from the episodes' details, as the commands read them.
const refs = await library.details(library.catalog.episodes(podcast.id));
const fairRef = (await library.details(library.catalog.episodes(fair.id)))[0]!;
const detailOf = (podcastId: string, episodeId: string) => refs.find((r) => r.podcast.id === podcastId && r.episode.id === episodeId);

/** Every string in a message, for checks on content rather than lengths. */
function textsOf(value: unknown): string {
  return JSON.stringify(value);
}

function expectFits(message: unknown): void {
  expect(messageProblems(message)).toEqual([]);
  const text = JSON.parse(textsOf(message).split(FAMILY).join('')) as unknown;
  // With every whole FAMILY taken out, nothing of one is left: none was cut in half.
  expect(JSON.stringify(text)).not.toMatch(/\u200d|👨|👩|👧|👦/u);
  // The 3,000-character URL is nowhere, not even in part: left out, not broken.
  expect(textsOf(message)).not.toContain(LONG_PATH.slice(0, 60));
}

describe('every message fits Discord with hostile feed text', () => {
  it('has inputs that really are hostile', () => {
    expect(refs).toHaveLength(18);
    expect(refs[0]!.episode.title.length).toBeGreaterThanOrEqual(10_000);
    expect(LONG_URL.length).toBeGreaterThan(3_000);
  });

  it('/chapters, every page, and /episode, /latest', () => {
    for (const s of strings) {
      for (const ref of refs) {
        const pages = paginateChapters(ref).length;
        expect(pages).toBeGreaterThan(1);
        for (let page = 0; page < pages; page++) expectFits(chaptersMessage(ref, page, s));
        expectFits(episodeMessage(ref, s));
      }
      expectFits(latestMessage(refs.slice(0, 5), s));
      expectFits(latestMessage(refs.slice(5, 10), s));
    }
  });

  it('/topic, a page and all 25 results at once', () => {
    const hits = topicMoments(library.topics, 'zebra', { now: Date.parse('2025-01-01') });
    expect(hits.length).toBeGreaterThan(5);
    for (const s of strings) {
      expectFits({ embeds: [topicEmbed('zebra', hits.slice(0, 5), detailOf, s, { index: 1, hasNext: true })] });
      expectFits({ embeds: [topicEmbed('zebra', hits, detailOf, s, { index: 0, hasNext: false })] });
    }
  });

  it('announcements, catch-up summaries, paused notices and forum post names', () => {
    for (const s of strings) {
      for (const ref of refs) {
        expectFits(announcementMessage(ref, s, { roleId: '1400000000000000002' }));
        expectFits(announcementMessage(ref, s, { roleId: '1400000000000000002', test: true }));
        expect(threadNameProblems(forumPostName(ref))).toEqual([]);
        expect(threadNameProblems(forumPostName(ref, true))).toEqual([]);
        const inThread = threadChaptersMessage(ref, s);
        expect(inThread).toBeDefined();
        expectFits(inThread!);
      }
      expectFits(catchUpSummaryMessage(podcast, 500, refs, s));
      expectFits(pausedNoticeMessage(podcast.title, 8, `Could not fetch ${LONG_URL}: ${hostile(1, 5_000)}`, s));
    }
  });

  it('thread names of 100 characters as Discord counts them are kept whole, longer ones cut to fit', () => {
    const of = (title: string) => forumPostName({ ...fairRef, episode: { ...fairRef.episode, title } });
    const hundred = '𝄞'.repeat(100); // 100 code points, 200 UTF-16 code units
    expect(of(hundred)).toBe(hundred);
    expect(threadNameProblems(of(`${hundred}x`))).toEqual([]);
    expect(of(`${hundred}x`).endsWith('…')).toBe(true);
  });

  it('live shows: the scheduled event within its limits (a location too long for 100 characters left out), and "live now"', () => {
    const item = { id: 'l', status: 'live' as const, title: hostile(3), start: '2026-12-24T18:00:00.000Z', streamUrl: LONG_URL, contentLink: LONG_URL };
    for (const s of strings) {
      for (const show of [podcast, fair]) {
        expectFits(liveNowMessage(show, item, s, '1400000000000000002'));
        expect(threadNameProblems(liveNowPostName(show, item))).toEqual([]);
        const event = liveEventBody(show, item, s);
        expect([...event.name].length).toBeLessThanOrEqual(100);
        expect([...event.entity_metadata!.location!].length).toBeLessThanOrEqual(100);
        expect([...(event.description ?? '')].length).toBeLessThanOrEqual(1000);
        expect(JSON.stringify(event)).not.toContain(LONG_PATH.slice(0, 60));
        expect(Date.parse(event.scheduled_end_time!)).toBe(Date.parse(item.start) + 3_600_000);
      }
      // The show's page fits a location: it is used when the stream's address does not.
      expect(liveEventBody(fair, item, s).entity_metadata?.location).toBe('https://fair.example.com/');
    }
  });

  it('autocomplete choices', () => {
    for (const query of ['', 'zebra', 'x']) {
      expect(choiceProblems(library.catalog.autocompleteEpisodes(query, undefined, EVERY_PODCAST))).toEqual([]);
      expect(choiceProblems(library.catalog.autocompletePodcasts(query, EVERY_PODCAST))).toEqual([]);
    }
  });

  it('keeps the links that fit', () => {
    const s = strings[0]!;
    expect(textsOf(chaptersMessage(fairRef, 0, s))).toContain('(https://fair.example.com/1.mp3#t=60)');
    expect(textsOf(episodeMessage(fairRef, s))).toContain('](https://fair.example.com/1.mp3#t=0)');
    // A soundbite's start opens the episode at its second; a person's name links to their page.
    expect(textsOf(episodeMessage(fairRef, s))).toContain('[`0:30`](https://fair.example.com/1.mp3#t=30)');
    expect(textsOf(episodeMessage(fairRef, s))).toMatch(/\]\(https:\/\/fair\.example\.com\/1\.mp3\) · /);
    expect(announcementMessage(fairRef, s).embeds[0]?.url).toBe('https://fair.example.com/1.mp3');
  });

  it('escapes the title in the no-chapters reply, and keeps it short', async () => {
    const plain = new Library();
    plain.upsert(fair, [{ ...episodeOf(0, 'https://fair.example.com/1.mp3'), id: 'bare', title: `**Bold** @everyone ${hostile(2)}`, chapters: [] }]);
    const log = createLogger({ level: 'silent' });
    const reply = await chapters.run({}, { locale: 'en-US', userId: '1', scope: EVERY_PODCAST, canManageGuild: false }, depsFor(plain, log));
    if (reply.ok) throw new Error('expected the no-chapters error');
    expect(reply.error).toMatch(/^“\\\*\\\*Bold\\\*\\\* @\u200beveryone /);
    expect(reply.error.length).toBeLessThan(600);
  });
});
