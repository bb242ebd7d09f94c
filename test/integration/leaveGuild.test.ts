import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_IDS, startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.js';
import { channelOption, command, episode, episodes, postsTitled, startFeedHost, startTestBot, tempDir, type FeedHost, type StartedBot } from './support.js';

/**
 * The bot removed from a server (issue 13, item 5): the gateway's GUILD_DELETE makes it forget that server's follows,
 * settings, seen marks and posts, pending ones included, and stop polling a feed only that server followed. Against
 * the fake Discord (two guilds), a local feed host and a SQLite file.
 */

const A = { guildId: FAKE_IDS.guildId, channelId: FAKE_IDS.textChannelId };
const B = { guildId: FAKE_IDS.otherGuildId, channelId: FAKE_IDS.otherTextChannelId };

let fake: FakeDiscord;
let host: FeedHost;
let temp: ReturnType<typeof tempDir>;
let bot: StartedBot | undefined;

beforeEach(async () => {
  fake = await startFakeDiscord({ otherGuild: true });
  host = await startFeedHost();
  temp = tempDir();
});

afterEach(async () => {
  await bot?.running.stop();
  bot = undefined;
  await fake.close();
  await host.close();
  temp.remove();
});

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('the bot removed from a server', () => {
  it('forgets its follows, settings, seen marks and posts, pending ones too, and stops polling a feed only it followed', async () => {
    host.feeds.set('/shared.xml', { title: 'Shared Show', episodes: episodes('shared', 2) });
    host.feeds.set('/theirs.xml', { title: 'Their Show', episodes: episodes('theirs', 2) });
    bot = await startTestBot(fake, { DATABASE_URL: temp.dbUrl() });
    const { store } = bot.running.services;
    const shared = host.url('/shared.xml');
    const theirs = host.url('/theirs.xml');
    for (const where of [A, B]) {
      await command(fake, 'announce channel', { channel: channelOption(where.channelId) }, { admin: true, ...where });
      await command(fake, 'feed add', { url: shared }, { admin: true, ...where });
    }
    await command(fake, 'feed add', { url: theirs }, { admin: true, ...B });

    // New episodes: posted in A; in B Discord fails (502, four tries each), so B's posts are pending when the bot is removed.
    fake.failNext('POST', new RegExp(`^/channels/${B.channelId}/messages$`), { status: 502, times: 8 });
    host.addEpisode('/shared.xml', episode('shared', 3));
    host.addEpisode('/theirs.xml', episode('theirs', 3));
    await bot.poll();
    expect(postsTitled(fake, A.channelId, 'shared episode 3')).toBe(1);
    expect((await store.pendingIntents()).map((a) => `${a.guildId} ${a.episodeId}`).sort()).toEqual([`${B.guildId} shared-3`, `${B.guildId} theirs-3`]);

    fake.leaveGuild(B.guildId);
    await until(async () => (await store.listFollows(B.guildId)).length === 0, 'the server’s follows to be forgotten');

    expect(await store.getAnnouncementSettings(B.guildId)).toBeUndefined();
    expect(await store.pendingIntents()).toEqual([]);
    expect(await store.unannouncedEpisodes(B.guildId, shared, ['shared-1', 'shared-3'])).toEqual(['shared-1', 'shared-3']);
    // The feed only B followed: no longer polled, nor in the catalogue.
    expect(await store.getFetchState(theirs)).toBeUndefined();
    expect(bot.running.library.catalog.podcast(theirs)).toBeUndefined();
    // A keeps everything.
    expect((await store.listFollows(A.guildId)).map((f) => f.feedUrl)).toEqual([shared]);
    expect(await store.wasAnnounced(A.guildId, shared, 'shared-3')).toBe(true);
    expect(await store.getAnnouncementSettings(A.guildId)).toMatchObject({ channelId: A.channelId });

    // Nothing is sent to B any more (no pending post retried); A goes on.
    const toB = (): number => fake.requests.filter((r) => r.path.startsWith(`/channels/${B.channelId}`)).length;
    const before = toB();
    host.addEpisode('/shared.xml', episode('shared', 4));
    await bot.poll();
    await bot.poll();
    expect(toB()).toBe(before);
    expect(postsTitled(fake, A.channelId, 'shared episode 4')).toBe(1);
    const theirsFetches = host.requests.get('/theirs.xml');
    await bot.poll();
    expect(host.requests.get('/theirs.xml')).toBe(theirsFetches);
  });
});
