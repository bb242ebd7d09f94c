import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAudioServer, type AudioServer } from '../support/audioServer.js';
import { startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.js';
import { cover, id3Tag } from '../support/taggedMp3.js';
import { command, startFeedHost, startTestBot, tempDir, testClock, type FeedHost, type StartedBot } from './support.js';

/**
 * Chapters from the audio file and chapters that change after release, through the whole bot against the fake
 * Discord: the poller reads the ID3 chapters of a new episode's MP3 (range requests to a real HTTP server), /chapters
 * shows them over the show notes' timestamps, and an hour and a day after the episode appeared its chapters source
 * (the MP3's tag, or a Podcasting 2.0 file) is fetched again conditionally and /chapters shows what changed.
 */

const MB = 1024 * 1024;
const MINUTE = 60_000;

let fake: FakeDiscord;
let host: FeedHost;
let audio: AudioServer;
let temp: ReturnType<typeof tempDir>;
const running: StartedBot[] = [];

beforeEach(async () => {
  fake = await startFakeDiscord();
  host = await startFeedHost();
  audio = await startAudioServer();
  temp = tempDir();
});

afterEach(async () => {
  for (const bot of running.splice(0)) await bot.running.stop();
  await fake.close();
  await host.close();
  await audio.close();
  temp.remove();
});

function tagWith(chapters: { id: string; startMs: number; title: string; url?: string }[]): Buffer {
  return id3Tag({
    title: 'An episode',
    image: cover(100_000),
    chapter: chapters.map((c, i) => ({
      elementID: c.id,
      startTimeMs: c.startMs,
      endTimeMs: chapters[i + 1]?.startMs ?? c.startMs + 60_000,
      tags: { title: c.title, ...(c.url !== undefined && { userDefinedUrl: [{ description: 'link', url: c.url }] }) },
    })),
    tableOfContents: [{ elementID: 'toc', isOrdered: true, elements: chapters.map((c) => c.id) }],
  });
}

async function chaptersOf(episode: string): Promise<{ text: string; footer: string | undefined }> {
  const reply = await command(fake, 'chapters', { episode });
  return { text: reply.embeds?.[0]?.description ?? '', footer: reply.embeds?.[0]?.footer?.text };
}

const audioRequests = (path: string) => audio.requests.filter((r) => r.path === path);

describe('chapters from the audio file', () => {
  it('are read from a new MP3 at poll time, shown by /chapters, kept across a restart, and re-checked an hour and a day after', async () => {
    const placeholder = tagWith([{ id: 'c1', startMs: 0, title: 'Placeholder chapter' }]);
    audio.files.set('/lighthouse.mp3', { head: placeholder, size: 50 * MB, ranges: true, etag: '"placeholder"' });
    host.feeds.set('/show.xml', {
      title: 'Coastline',
      episodes: [{ guid: 'lh', title: 'Lighthouse keepers', published: '2024-01-01T12:00:00Z', audioUrl: audio.url('/lighthouse.mp3') }],
    });
    const clock = testClock();
    const start = async () => {
      const bot = await startTestBot(fake, { DATABASE_URL: temp.dbUrl(), FEEDS: host.url('/show.xml') }, {}, clock);
      running.push(bot);
      return bot;
    };
    let bot = await start();
    // Read after the feed's first save (in the background: /feed add does not wait for it), which a poll waits for.
    await bot.poll();

    // Read when the feed first came, over the show notes' "0:00 Hello / 5:00 The middle" timestamps.
    expect(audioRequests('/lighthouse.mp3').map((r) => r.range)).toStrictEqual(['bytes=0-9', `bytes=0-${placeholder.length - 1}`]);
    let shown = await chaptersOf('Lighthouse keepers');
    expect(shown.text).toContain('Placeholder chapter');
    expect(shown.text).not.toContain('The middle');
    expect(shown.footer).toBe('Chapters from the audio file');

    // The host fixes the chapters after release.
    const fixed = tagWith([
      { id: 'c1', startMs: 0, title: 'Cold open' },
      { id: 'c2', startMs: 125_000, title: 'The keeper’s diary', url: 'https://example.com/diary' },
      { id: 'c3', startMs: 1_800_000, title: 'Storm season' },
    ]);
    audio.files.set('/lighthouse.mp3', { head: fixed, size: 50 * MB, ranges: true, etag: '"fixed"' });

    // Nothing is fetched again before the hour is up, nor after a restart (the store has the chapters).
    await bot.poll();
    await bot.running.stop();
    running.splice(0);
    bot = await start();
    expect(audioRequests('/lighthouse.mp3')).toHaveLength(2);
    expect((await chaptersOf('Lighthouse keepers')).text).toContain('Placeholder chapter');

    // An hour after it appeared: a conditional re-read (the placeholder's ETag) finds the new tag.
    clock.advance(61 * MINUTE);
    await bot.poll();
    const recheck = audioRequests('/lighthouse.mp3').slice(2);
    expect(recheck.map((r) => [r.range, r.status])).toStrictEqual([
      ['bytes=0-9', 206],
      [`bytes=0-${fixed.length - 1}`, 206],
    ]);
    shown = await chaptersOf('Lighthouse keepers');
    expect(shown.text).toMatch(/Cold open[\s\S]*`2:05`\]\([^)]*\) \[?The keeper’s diary[\s\S]*`30:00`[\s\S]*Storm season/);
    expect(shown.text).not.toContain('Placeholder chapter');
    expect(shown.footer).toBe('Chapters from the audio file');
    const stored = await bot.running.services.store.getChapters(host.url('/show.xml'), 'lh');
    expect(stored?.chapters.map((c) => c.title)).toStrictEqual(['Cold open', 'The keeper’s diary', 'Storm season']);
    expect(stored?.chapters[1]?.url).toBe('https://example.com/diary');
    // /topic finds the new chapter titles, at their moment.
    const topic = await command(fake, 'topic', { query: 'storm season' });
    expect(topic.embeds?.[0]?.fields?.[0]?.value).toMatch(/^\[`30:00`\]/);

    // A day after: unchanged, so one 304; and then never again.
    clock.advance(23 * 60 * MINUTE);
    await bot.poll();
    expect(audioRequests('/lighthouse.mp3').slice(4).map((r) => r.status)).toStrictEqual([304]);
    clock.advance(7 * 24 * 60 * MINUTE);
    await bot.poll();
    expect(audioRequests('/lighthouse.mp3')).toHaveLength(5);
    expect((await chaptersOf('Lighthouse keepers')).text).toContain('Storm season');
  });

  it('do not hold up /feed add: a followed feed\'s newest MP3 is read after the answer, and shown once read', async () => {
    let release = (): void => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    audio.files.set('/slow.mp3', { head: tagWith([{ id: 'a', startMs: 0, title: 'Slowly read chapter' }]), size: MB, ranges: true, holdUntil: held });
    host.feeds.set('/slow.xml', { title: 'Slow Host', episodes: [{ guid: 's', title: 'Deep water', published: '2024-03-01T12:00:00Z', audioUrl: audio.url('/slow.mp3') }] });
    const bot = await startTestBot(fake, { DATABASE_URL: temp.dbUrl() });
    running.push(bot);

    const added = await command(fake, 'feed add', { url: host.url('/slow.xml') }, { admin: true });
    expect(added.content).toContain('Following **Slow Host**');
    // Answered while the MP3's host has not answered yet.
    expect((await chaptersOf('Deep water')).footer).toBe('Chapters from show notes');
    release();
    await bot.poll();
    const shown = await chaptersOf('Deep water');
    expect(shown.text).toContain('Slowly read chapter');
    expect(shown.footer).toBe('Chapters from the audio file');
  });

  it('are read for a new episode only when no chapters file gives any, and a chapters file is re-checked the same way', async () => {
    const tagged = tagWith([{ id: 'a', startMs: 0, title: 'From the MP3' }]);
    audio.files.set('/json.mp3', { head: tagged, size: 5 * MB, ranges: true });
    audio.files.set('/broken-json.mp3', { head: tagged, size: 5 * MB, ranges: false });
    audio.files.set('/plain.mp3', { head: Buffer.alloc(0), size: 50 * MB, ranges: true });
    host.files.set('/c/json.json', ['application/json+chapters', JSON.stringify({ version: '1.2.0', chapters: [] })]);
    host.feeds.set('/show.xml', { title: 'Coastline', episodes: [] });
    const clock = testClock();
    const bot = await startTestBot(fake, { DATABASE_URL: temp.dbUrl(), FEEDS: host.url('/show.xml') }, {}, clock);
    running.push(bot);

    host.addEpisode('/show.xml', { guid: 'j', title: 'Harbour pilots', published: '2024-02-01T12:00:00Z', audioUrl: audio.url('/json.mp3'), chaptersUrl: host.url('/c/json.json') });
    host.addEpisode('/show.xml', { guid: 'b', title: 'Fog horns', published: '2024-02-02T12:00:00Z', audioUrl: audio.url('/broken-json.mp3'), chaptersUrl: host.url('/c/missing.json') });
    host.addEpisode('/show.xml', { guid: 'p', title: 'Tide tables', published: '2024-02-03T12:00:00Z', audioUrl: audio.url('/plain.mp3') });
    await bot.poll();

    // A chapters file (an empty placeholder) is the episode's source: its MP3 is not read.
    expect(audioRequests('/json.mp3')).toHaveLength(0);
    // One that cannot be fetched: the MP3 (on a server that ignores Range) gives the chapters.
    expect(audioRequests('/broken-json.mp3').map((r) => r.status)).toStrictEqual([200, 200]);
    expect((await chaptersOf('Fog horns')).text).toContain('From the MP3');
    // 50 MB without a tag: one 10-byte range read, and the show notes' timestamps stay.
    expect(audioRequests('/plain.mp3').map((r) => [r.range, r.status, r.bytesSent])).toStrictEqual([['bytes=0-9', 206, 10]]);
    expect((await chaptersOf('Tide tables')).footer).toBe('Chapters from show notes');

    // The placeholder file is filled in; an hour later the re-check (If-None-Match) brings it to /chapters.
    host.files.set('/c/json.json', ['application/json+chapters', JSON.stringify({ version: '1.2.0', chapters: [{ startTime: 0, title: 'Pilot boats' }, { startTime: 61, title: 'Night crossings' }] })]);
    clock.advance(61 * MINUTE);
    await bot.poll();
    const shown = await chaptersOf('Harbour pilots');
    expect(shown.text).toMatch(/Pilot boats[\s\S]*`1:01`[\s\S]*Night crossings/);
    expect(shown.footer).toBe('Chapters from Podcasting 2.0 chapters');
    // A day later it is asked for with its new ETag and answered 304.
    clock.advance(24 * 60 * MINUTE);
    await bot.poll();
    expect(host.notModified.get('/c/json.json')).toBe(1);
    expect(audioRequests('/json.mp3')).toHaveLength(0);
  });
});
