import { MessageFlags } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { decodeProblem } from '../../src/data/problems.js';
import { describeProblem } from '../../src/messages/problemText.js';

/** A problem the store keeps (as data), in the English the log has. */
const stored = (text: string | undefined): string => {
  const problem = text === undefined ? undefined : decodeProblem(text);
  return problem ? describeProblem(problem) : String(text);
};
import { DEFAULT_RETRY_POLICY } from '../../src/discord/postFailure.js';
import type { RecordedRequest } from '../support/fakeDiscord.js';
import { channelOption, command, episode, episodes, postsTitled, type StartedBot } from './support.js';
import { useTestRig } from './useTestRig.js';

/**
 * Posts Discord refuses or fails: every one keeps a reason /feed list shows and is tried again with a backoff, a
 * bounded number of times; nothing is marked seen silently and nothing is retried forever. Against the fake Discord
 * with the real discord.js client, poller, announcer and SQLite.
 */

const rig = useTestRig({ database: 'memory' });
/** The test's bot, started by followShow. */
let bot: StartedBot | undefined;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

async function followShow(channelId: string, extra: Record<string, unknown> = {}): Promise<string> {
  rig.host.feeds.set('/show.xml', { title: 'Failure Show', episodes: episodes('show', 1) });
  bot = await rig.start();
  await command(rig.fake, 'announce channel', { channel: channelOption(channelId), ...(extra as Record<string, string>) }, { admin: true });
  await command(rig.fake, 'feed add', { url: rig.host.url('/show.xml') }, { admin: true });
  return rig.host.url('/show.xml');
}

/** Moves both clocks (the bot's and Discord's) and polls. */
async function later(ms: number): Promise<void> {
  rig.fake.advanceTime(ms);
  bot!.clock.advance(ms);
  await bot!.poll();
}

const postsTo = (channelId: string) => (r: RecordedRequest): boolean => r.method === 'POST' && r.path === `/channels/${channelId}/messages`;
const count = (predicate: (r: RecordedRequest) => boolean): number => rig.fake.requests.filter(predicate).length;

/** The show's field in /feed list, as Discord renders it (markdown escapes taken out). */
async function feedListLine(): Promise<string> {
  const list = await command(rig.fake, 'feed list', {}, { admin: true });
  return (list.embeds?.[0]?.fields?.find((f) => f.name === 'Failure Show')?.value ?? '').replace(/\\([^\w\s])/g, '$1');
}

describe('a channel the bot lost', () => {
  it.each([
    [50001, 'Missing Access', 403],
    [50013, 'Missing Permissions', 403],
    [10003, 'Unknown Channel', 404],
  ] as const)('pauses the server’s announcements on %i with Discord’s reason in /feed list, sends nothing more there, and posts what is owed once /announce channel is set again', async (code, message, status) => {
    const feedUrl = await followShow(rig.fake.channelId);
    const { store } = bot!.running.services;
    rig.fake.failChannel(rig.fake.channelId, code);
    rig.host.addEpisode('/show.xml', episode('show', 2));
    await bot!.poll();
    expect(rig.fake.requests.filter(postsTo(rig.fake.channelId)).map((r) => r.status)).toEqual([status]);

    // Paused, with Discord's reason; the post is owed, neither dropped nor marked seen.
    const pause = await store.guildAnnouncementPause(rig.fake.guildId);
    expect(pause).toMatchObject({ channelId: rig.fake.channelId });
    expect(stored(pause?.reason)).toContain(`${message} (${code})`);
    const pending = await store.getAnnouncement(rig.fake.guildId, feedUrl, 'show-2');
    expect(pending).toMatchObject({ attempts: 1 });
    expect(stored(pending?.lastError)).toContain(`${message} (${code})`);
    expect(pending?.failedAt).toBeUndefined();
    const list = await command(rig.fake, 'feed list', {}, { admin: true });
    const description = (list.embeds?.[0]?.description ?? '').replace(/\\([^\w\s])/g, '$1');
    expect(description).toContain(`⏸️ Announcements in this server are paused since <t:`);
    expect(description).toContain(`Discord refused a post in <#${rig.fake.channelId}> (the bot may not post there: ${message} (${code})).`);

    // Nothing more goes to the channel while paused: not at the next cycles, not hours later, not for a new episode.
    const toChannel = (): number => count((r) => r.path.startsWith(`/channels/${rig.fake.channelId}`));
    const before = toChannel();
    rig.host.addEpisode('/show.xml', episode('show', 3));
    await bot!.poll();
    await later(6 * MINUTE);
    await later(6 * HOUR);
    await later(20 * HOUR);
    expect(toChannel()).toBe(before);
    expect(await store.getAnnouncement(rig.fake.guildId, feedUrl, 'show-3')).toBeUndefined();

    // Fixed, and set again: what is owed is posted, once each, in order.
    rig.fake.failChannel(rig.fake.channelId);
    const reply = await command(rig.fake, 'announce channel', { channel: channelOption(rig.fake.channelId) }, { admin: true });
    expect(reply.content).toContain('Announcements were paused here: they resume now, with what came meanwhile.');
    for (let i = 0; i < 20 && postsTitled(rig.fake, rig.fake.channelId, 'show episode 3') === 0; i++) await later(MINUTE);
    expect(postsTitled(rig.fake, rig.fake.channelId, 'show episode 2')).toBe(1);
    expect(postsTitled(rig.fake, rig.fake.channelId, 'show episode 3')).toBe(1);
    expect(rig.fake.messages(rig.fake.channelId).filter((m) => m.embeds[0]?.title?.startsWith('show episode')).map((m) => m.embeds[0]?.title)).toEqual([
      'show episode 2',
      'show episode 3',
    ]);
    expect(await store.guildAnnouncementPause(rig.fake.guildId)).toBeUndefined();
    expect(await feedListLine()).not.toContain('not posted');
    await later(HOUR);
    expect(postsTitled(rig.fake, rig.fake.channelId, 'show episode 2')).toBe(1);
    expect(postsTitled(rig.fake, rig.fake.channelId, 'show episode 3')).toBe(1);
  });

  it('sends the episodes to the channel a manager picks instead, when the lost one is not set again', async () => {
    const feedUrl = await followShow(rig.fake.channelId);
    const { store } = bot!.running.services;
    rig.fake.failChannel(rig.fake.channelId, 50001);
    rig.host.addEpisode('/show.xml', episode('show', 2));
    await bot!.poll();
    expect(await store.guildAnnouncementPause(rig.fake.guildId)).toBeDefined();
    await command(rig.fake, 'announce channel', { channel: channelOption(rig.fake.newsChannelId) }, { admin: true });
    for (let i = 0; i < 20 && postsTitled(rig.fake, rig.fake.newsChannelId, 'show episode 2') === 0; i++) await later(MINUTE);
    expect(postsTitled(rig.fake, rig.fake.newsChannelId, 'show episode 2')).toBe(1);
    expect(await store.getAnnouncement(rig.fake.guildId, feedUrl, 'show-2')).toMatchObject({ channelId: rig.fake.newsChannelId, attempts: 0 });
    expect(count(postsTo(rig.fake.channelId))).toBe(1);
  });
});

describe('a post Discord forbids for a while (403, the channel not lost)', () => {
  it('is retried with a backoff over most of a day, then given up with the reason still shown', async () => {
    const feedUrl = await followShow(rig.fake.channelId);
    const { store } = bot!.running.services;
    // Discord's "Send messages has been temporarily disabled": the bot still has the channel.
    rig.fake.failNext('POST', new RegExp(`^/channels/${rig.fake.channelId}/messages$`), {
      status: 403,
      times: 1000,
      body: { message: 'Send messages has been temporarily disabled', code: 40004 },
    });
    rig.host.addEpisode('/show.xml', episode('show', 2));
    await bot!.poll();
    expect(await store.guildAnnouncementPause(rig.fake.guildId)).toBeUndefined();
    let hours = 0;
    while ((await store.getAnnouncement(rig.fake.guildId, feedUrl, 'show-2'))?.failedAt === undefined && hours < 48) {
      await later(HOUR);
      hours++;
    }
    const given = await store.getAnnouncement(rig.fake.guildId, feedUrl, 'show-2');
    const bound = DEFAULT_RETRY_POLICY.maxAttempts.access;
    expect(given).toMatchObject({ attempts: bound });
    expect(stored(given?.lastError)).toContain('Send messages has been temporarily disabled (40004)');
    expect(hours).toBeGreaterThanOrEqual(12);
    expect(count(postsTo(rig.fake.channelId))).toBe(bound);
    expect(await feedListLine()).toContain(`❌ “show episode 2” not posted, given up after ${bound} attempts: the bot may not post there: Send messages has been temporarily disabled (40004)`);
    // Never again.
    await later(24 * HOUR);
    expect(count(postsTo(rig.fake.channelId))).toBe(bound);
    expect(postsTitled(rig.fake, rig.fake.channelId, 'show episode 2')).toBe(0);
  });
});

describe('a post Discord refuses (400)', () => {
  it('is tried three times in all, then given up with the reason shown, not retried every cycle forever', async () => {
    const feedUrl = await followShow(rig.fake.channelId);
    const { store } = bot!.running.services;
    rig.fake.failNext('POST', new RegExp(`^/channels/${rig.fake.channelId}/messages$`), {
      status: 400,
      times: 1000,
      body: { message: 'Invalid Form Body', code: 50035, errors: { embeds: { _errors: [{ code: 'BASE_TYPE_INVALID', message: 'Invalid' }] } } },
    });
    rig.host.addEpisode('/show.xml', episode('show', 2));
    await bot!.poll();
    await bot!.poll();
    await later(6 * MINUTE);
    for (let i = 0; i < 5; i++) await later(6 * HOUR);
    expect(count(postsTo(rig.fake.channelId))).toBe(3);
    const given = await store.getAnnouncement(rig.fake.guildId, feedUrl, 'show-2');
    expect(given).toMatchObject({ attempts: 3, failedAt: expect.any(Date), lastError: expect.stringContaining('Invalid Form Body') });
    expect(await store.pendingIntents()).toEqual([]);
    const line = await feedListLine();
    expect(line).toContain('❌ “show episode 2” not posted, given up after 3 attempts: Discord refused the message: Invalid Form Body');
  });
});

describe('Discord failing (5xx)', () => {
  it('retries with a backoff across cycles and posts once', async () => {
    await followShow(rig.fake.channelId);
    // discord.js tries a 5xx four times in one attempt: two attempts fail.
    rig.fake.failNext('POST', new RegExp(`^/channels/${rig.fake.channelId}/messages$`), { status: 502, times: 8 });
    rig.host.addEpisode('/show.xml', episode('show', 2));
    await bot!.poll();
    await bot!.poll();
    expect(count(postsTo(rig.fake.channelId))).toBe(8);
    expect(await feedListLine()).toContain('⚠️ “show episode 2” not posted yet (2 failed attempts');
    await bot!.poll();
    expect(count(postsTo(rig.fake.channelId))).toBe(8);
    await later(6 * MINUTE);
    expect(postsTitled(rig.fake, rig.fake.channelId, 'show episode 2')).toBe(1);
    // The same nonce every time, so whichever attempt Discord took, there is one message.
    const nonces = new Set(rig.fake.requests.filter(postsTo(rig.fake.channelId)).map((r) => (r.body as { nonce: string }).nonce));
    expect(nonces.size).toBe(1);
  });
});

describe('publishing (crossposting) that fails', () => {
  it('is retried in later cycles, not given up after one attempt, and shown in /feed list meanwhile', async () => {
    const feedUrl = await followShow(rig.fake.newsChannelId, { publish: true });
    const { store } = bot!.running.services;
    // One attempt of discord.js (four tries) fails.
    rig.fake.failNext('POST', /\/crosspost$/, { status: 500, times: 4 });
    rig.host.addEpisode('/show.xml', episode('show', 2));
    await bot!.poll();
    const post = rig.fake.messages(rig.fake.newsChannelId).find((m) => m.embeds[0]?.title === 'show episode 2');
    expect(post).toBeDefined();
    expect((post!.flags ?? 0) & MessageFlags.Crossposted).toBe(0);
    expect(await store.getAnnouncement(rig.fake.guildId, feedUrl, 'show-2')).toMatchObject({ messageId: post!.id, publish: { status: 'pending', attempts: 1 } });
    expect(await feedListLine()).toContain('⚠️ “show episode 2” posted but not published yet (1 failed attempt');

    await bot!.poll();
    expect((rig.fake.getMessage(post!.id)?.flags ?? 0) & MessageFlags.Crossposted).toBe(MessageFlags.Crossposted);
    expect((await store.getAnnouncement(rig.fake.guildId, feedUrl, 'show-2'))?.publish?.status).toBe('done');
    expect(await feedListLine()).not.toContain('not published');
    expect(rig.fake.messages(rig.fake.newsChannelId).filter((m) => m.embeds[0]?.title === 'show episode 2')).toHaveLength(1);
  });

  it('is given up after bounded tries when Discord keeps refusing it, with the reason shown', async () => {
    const feedUrl = await followShow(rig.fake.newsChannelId, { publish: true });
    const { store } = bot!.running.services;
    rig.fake.failNext('POST', /\/crosspost$/, { status: 400, times: 1000, body: { message: 'Cannot execute action on this channel type', code: 50024 } });
    rig.host.addEpisode('/show.xml', episode('show', 2));
    await bot!.poll();
    for (let i = 0; i < 6; i++) await later(6 * HOUR);
    expect(count((r) => r.path.endsWith('/crosspost'))).toBe(3);
    expect((await store.getAnnouncement(rig.fake.guildId, feedUrl, 'show-2'))?.publish).toMatchObject({ status: 'failed', attempts: 3 });
    expect(await feedListLine()).toContain('❌ “show episode 2” posted but not published, given up after 3 attempts: Discord refused the message: Cannot execute action on this channel type (50024)');
    expect(postsTitled(rig.fake, rig.fake.newsChannelId, 'show episode 2')).toBe(1);
  });
});
