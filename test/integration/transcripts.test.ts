import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.js';
import { command, episode, startFeedHost, startTestBot, tempDir, testClock, type FeedHost, type StartedBot } from './support.js';

/**
 * Transcripts through the real poller: fetched for new episodes with the feed's guard and caps, parsed, stored, indexed
 * as time-coded passages, kept across polls that do not fetch them again, and loaded from SQLite after a restart.
 */

let fake: FakeDiscord;
let host: FeedHost;
let temp: ReturnType<typeof tempDir>;
const running: StartedBot[] = [];

beforeEach(async () => {
  fake = await startFakeDiscord();
  host = await startFeedHost();
  temp = tempDir();
});

afterEach(async () => {
  for (const bot of running.splice(0)) await bot.running.stop();
  await fake.close();
  await host.close();
  temp.remove();
});

const clock = testClock();
async function start(): Promise<StartedBot> {
  const bot = await startTestBot(fake, { DATABASE_URL: temp.dbUrl(), FEEDS: host.url('/show.xml') }, {}, clock);
  running.push(bot);
  return bot;
}

// OURS: small transcripts in two formats.
const SRT = '1\n00:00:03,000 --> 00:00:07,000\nHello there.\n\n2\n00:04:10,000 --> 00:04:15,500\nThe lighthouse keeper kept a diary in the café.\n';
const JSON_TRANSCRIPT = JSON.stringify({
  version: '1.0.0',
  segments: [
    { speaker: 'Ann', startTime: 0, endTime: 5, body: 'Welcome.' },
    { speaker: 'Ann', startTime: 95.5, endTime: 99, body: 'Now the glacier expedition.' },
  ],
});

async function firstHit(query: string): Promise<string | undefined> {
  const reply = await command(fake, 'topic', { query });
  return reply.embeds?.[0]?.fields?.[0]?.value.split('\n')[0];
}

describe('transcripts', () => {
  it('are fetched once for new episodes, indexed at their cue, kept across polls and loaded again after a restart', async () => {
    // Served as Latin-1, as older subtitle tools write it.
    host.files.set('/t/1.srt', ['application/srt; charset=iso-8859-1', Buffer.from(SRT, 'latin1')]);
    host.files.set('/t/2.json', ['application/json', JSON_TRANSCRIPT]);
    host.files.set('/t/3.vtt', ['text/vtt', 'not a transcript at all']);
    host.feeds.set('/show.xml', { title: 'Lighthouse Show', episodes: [{ ...episode('show', 1), transcripts: [{ url: host.url('/t/1.srt'), type: 'application/srt' }] }] });
    const bot = await start();
    expect(host.requests.get('/t/1.srt')).toBe(1);
    expect(await firstHit('lighthouse keeper')).toMatch(/^\[`4:10`\]\(.*#t=250\) .*transcript/);
    const reply = await command(fake, 'topic', { query: 'café diary' });
    expect(reply.embeds?.[0]?.fields?.[0]?.value).toContain('**café**');

    // A new episode: its transcript is fetched; the first one is neither fetched again nor dropped from the index.
    host.addEpisode('/show.xml', { ...episode('show', 2), transcripts: [{ url: host.url('/t/2.json'), type: 'application/json' }] });
    // One that cannot be read is logged and the episode is still there.
    host.addEpisode('/show.xml', { ...episode('show', 3), transcripts: [{ url: host.url('/t/3.vtt'), type: 'text/vtt' }] });
    await bot.poll();
    expect(host.requests.get('/t/2.json')).toBe(1);
    expect(host.requests.get('/t/3.vtt')).toBe(1);
    expect(bot.logs.join('')).toContain('transcript ignored');
    expect(bot.running.library.catalog.episodes(host.url('/show.xml'))).toHaveLength(3);
    expect(await firstHit('glacier expedition')).toMatch(/^\[`1:35`\]\(.*#t=95\)/);
    expect(await firstHit('lighthouse keeper')).toMatch(/^\[`4:10`\]/);
    expect(host.requests.get('/t/1.srt')).toBe(1);

    const stored = await bot.running.services.store.getTranscript(host.url('/show.xml'), 'show-2');
    expect(stored).toMatchObject({ sourceUrl: host.url('/t/2.json'), type: 'application/json', segments: [{ startSeconds: 0, speaker: 'Ann', text: 'Welcome.' }, {}] });

    await bot.running.stop();
    running.splice(0);
    await start();
    expect(await firstHit('glacier expedition')).toMatch(/^\[`1:35`\]/);
    expect(await firstHit('lighthouse keeper')).toMatch(/^\[`4:10`\]/);
    expect([host.requests.get('/t/1.srt'), host.requests.get('/t/2.json')]).toEqual([1, 1]);
  });
});
