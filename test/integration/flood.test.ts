import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { decodeProblem } from '../../src/data/problems.js';
import { describeProblem } from '../../src/messages/problemText.js';

/** A problem the store keeps (as data), in the English the log has. */
const stored = (text: string | undefined): string => {
  const problem = text === undefined ? undefined : decodeProblem(text);
  return problem ? describeProblem(problem) : String(text);
};
import { channelOption, command, episode, episodes, postsTitled } from './support.js';
import { useTestRig } from './useTestRig.js';

/**
 * A feed must not flood its channel: guids that change on every fetch are not new episodes, items that share a guid
 * are still each announced, and a feed that keeps producing new episodes is capped per day and paused with a notice.
 * The real path: the discord.js client against the fake Discord, a feed host on 127.0.0.1, a SQLite file.
 */

const rig = useTestRig();

async function follow(path: string): Promise<void> {
  await command(rig.fake, 'announce channel', { channel: channelOption(rig.fake.channelId) }, { admin: true });
  const reply = await command(rig.fake, 'feed add', { url: rig.host.url(path) }, { admin: true });
  expect(reply.content).toMatch(/^Following \*\*/);
}

/** Rows in a table of the bot's database file, read by a second connection as an operator would. */
function rows(table: 'seen_episodes' | 'episodes' | 'announcements'): number {
  const db = new Database(rig.temp.dbUrl().slice('sqlite:'.length), { readonly: true });
  try {
    return db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
  } finally {
    db.close();
  }
}

const episodePosts = (): string[] => rig.fake.messages(rig.fake.channelId).flatMap((m) => (m.interaction_metadata || !m.embeds[0] ? [] : [m.embeds[0].title ?? '']));

describe('a feed that changes its guids on every fetch', () => {
  it('posts each real episode once, keeps its ids, and adds no seen rows per fetch', async () => {
    rig.host.feeds.set('/churn.xml', { title: 'Churn Show', episodes: episodes('churn', 3), churnGuids: true });
    const bot = await rig.start();
    await follow('/churn.xml');
    const feedUrl = rig.host.url('/churn.xml');
    const idsAtFollow = bot.running.library.catalog.episodes(feedUrl).map((r) => r.episode.id);
    const seenAtFollow = rows('seen_episodes');

    for (let i = 0; i < 5; i++) await bot.poll();
    // Every fetch was a 200 with new guids for the same three enclosures.
    expect(rig.host.requests.get('/churn.xml')).toBeGreaterThanOrEqual(6);
    expect(rig.host.notModified.get('/churn.xml') ?? 0).toBe(0);
    expect(episodePosts()).toEqual([]);
    expect(bot.running.library.catalog.episodes(feedUrl).map((r) => r.episode.id)).toEqual(idsAtFollow);
    expect(rows('seen_episodes')).toBe(seenAtFollow);
    expect(rows('episodes')).toBe(3);

    // A real new episode (a new enclosure) is posted once, however often its guid changes afterwards.
    rig.host.addEpisode('/churn.xml', episode('churn', 4));
    for (let i = 0; i < 5; i++) await bot.poll();
    expect(episodePosts()).toEqual(['churn episode 4']);
    expect(rows('seen_episodes')).toBe(seenAtFollow);
    expect(rows('episodes')).toBe(4);
    expect(rows('announcements')).toBe(1);
    expect(await bot.running.services.store.getFetchState(feedUrl)).toMatchObject({ paused: false });
  });
});

describe('items that share one guid', () => {
  it('announces each of them when their audio differs', async () => {
    rig.host.feeds.set('/shared.xml', { title: 'Shared Show', episodes: episodes('shared', 1) });
    const bot = await rig.start();
    await follow('/shared.xml');
    rig.host.addEpisode('/shared.xml', { ...episode('shared', 2), guid: 'same-guid', title: 'Part one', audioPath: '/audio/part-1.mp3' });
    rig.host.addEpisode('/shared.xml', { ...episode('shared', 3), guid: 'same-guid', title: 'Part two', audioPath: '/audio/part-2.mp3' });
    await bot.poll();
    await bot.poll();
    expect(episodePosts()).toEqual(['Part one', 'Part two']);
    expect(bot.running.library.catalog.episodes(rig.host.url('/shared.xml'))).toHaveLength(3);
  });
});

describe('a feed that brings new episodes on every fetch', () => {
  it('announces at most 10 a day, then pauses the feed with one notice and a reason in /feed list; /feed add resumes it', async () => {
    rig.host.feeds.set('/flood.xml', { title: 'Flood Show', episodes: episodes('flood', 1) });
    const bot = await rig.start();
    await follow('/flood.xml');
    const feedUrl = rig.host.url('/flood.xml');

    let n = 2;
    for (let round = 0; round < 12; round++) {
      rig.host.addEpisode('/flood.xml', episode('flood', n++));
      await bot.poll();
    }
    expect(episodePosts()).toEqual(Array.from({ length: 10 }, (_, i) => `flood episode ${i + 2}`));
    const notices = rig.fake.messages(rig.fake.channelId).filter((m) => m.content.startsWith('⏸️'));
    expect(notices.map((m) => m.content)).toEqual([
      '⏸️ **Flood Show** came up with more than 10 new episodes within 24 hours, which looks like a broken feed. Podcord stopped announcing and checking it; the rest were not announced.\nA server manager can run /feed add with the same address to resume it.',
    ]);
    const noticeRequest = rig.fake.requests.find((r) => r.method === 'POST' && (r.body as { content?: string } | null)?.content?.startsWith('⏸️'));
    expect(noticeRequest?.body).toMatchObject({ allowed_mentions: { parse: [] } });
    const { store } = bot.running.services;
    const state = await store.getFetchState(feedUrl);
    expect(state).toMatchObject({ paused: true, pausedNoticeSent: true });
    expect(stored(state?.pauseReason)).toContain('more than 10 new episodes');
    const list = await command(rig.fake, 'feed list', {}, { admin: true });
    expect(list.embeds?.[0]?.fields?.find((f) => f.name === 'Flood Show')?.value).toContain(
      '⏸️ paused: more than 10 new episodes within 24 hours, which looks like a broken feed (run /feed add again to resume)',
    );

    // Paused: not fetched, nothing posted, no second notice.
    const requests = rig.host.requests.get('/flood.xml');
    for (let round = 0; round < 3; round++) {
      rig.host.addEpisode('/flood.xml', episode('flood', n++));
      await bot.poll();
    }
    expect(rig.host.requests.get('/flood.xml')).toBe(requests);
    expect(episodePosts()).toHaveLength(10);
    expect(rig.fake.messages(rig.fake.channelId).filter((m) => m.content.startsWith('⏸️'))).toHaveLength(1);

    // Resumed by /feed add: what came meanwhile is back catalogue, the next new episode is posted.
    await command(rig.fake, 'feed add', { url: feedUrl }, { admin: true });
    expect(await store.getFetchState(feedUrl)).toMatchObject({ paused: false });
    rig.host.addEpisode('/flood.xml', { ...episode('flood', n), title: 'after the fix' });
    await bot.poll();
    expect(episodePosts().slice(10)).toEqual(['after the fix']);
    expect((await store.getFetchState(feedUrl))?.pauseReason).toBeUndefined();
  });

  it('does not count a catch-up after downtime as a flood: five posts and one summary', async () => {
    rig.host.feeds.set('/busy.xml', { title: 'Busy Show', episodes: episodes('busy', 1) });
    const bot = await rig.start();
    await follow('/busy.xml');
    for (let k = 2; k <= 30; k++) rig.host.addEpisode('/busy.xml', episode('busy', k));
    await bot.poll();
    expect(episodePosts()).toEqual(['24 earlier episodes of Busy Show', ...Array.from({ length: 5 }, (_, i) => `busy episode ${26 + i}`)]);
    expect(await bot.running.services.store.getFetchState(rig.host.url('/busy.xml'))).toMatchObject({ paused: false });
    expect(postsTitled(rig.fake, rig.fake.channelId, 'busy episode 30')).toBe(1);
  });
});
