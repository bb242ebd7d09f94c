import path from 'node:path';
import Database from 'better-sqlite3';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { storedProblemText } from '../../src/messages/problemText.js';
import { stringsFor } from '../../src/messages/strings.js';
import { BOT_PERMISSIONS, FAKE_IDS } from '../support/fakeDiscord.js';
import { channelOption, command, episodes, roleOption, type FixtureLiveItem, type StartedBot } from './support.js';
import { useTestRig } from './useTestRig.js';

/**
 * Live shows (issue 17, item 6): a feed's `<podcast:liveItem>` through the real path (a local feed host, the poller,
 * the discord.js client against the fake Discord, a real SQLite file). A pending item becomes a scheduled event in the
 * server, `live` posts "live now" once with the role, `ended` ends the event; exactly once across restarts.
 */

const rig = useTestRig();

const HOUR = 3_600_000;

function liveItem(overrides: Partial<FixtureLiveItem> = {}): FixtureLiveItem {
  const at = rig.clock.now().getTime();
  return {
    guid: 'live-42',
    title: 'Live Q&A with the hosts',
    status: 'pending',
    start: new Date(at + 2 * HOUR).toISOString(),
    end: new Date(at + 3 * HOUR).toISOString(),
    streamUrl: rig.host.url('/stream.mp3'),
    contentLink: rig.host.url('/watch'),
    ...overrides,
  };
}

function setStatus(status: FixtureLiveItem['status']): void {
  const item = rig.host.feeds.get('/live.xml')!.liveItems![0]!;
  item.status = status;
}

async function followWithRole(bot: StartedBot): Promise<void> {
  await command(rig.fake, 'announce channel', { channel: channelOption(rig.fake.channelId), role: roleOption(FAKE_IDS.moderatorRoleId) }, { admin: true });
  await command(rig.fake, 'feed add', { url: rig.host.url('/live.xml') }, { admin: true });
  await bot.poll();
}

const liveNowPosts = () => rig.fake.messages(rig.fake.channelId).filter((m) => m.embeds[0]?.footer?.text === '🔴 Live now');
const eventRequests = (method: string) => rig.fake.requests.filter((r) => r.method === method && r.path.startsWith(`/guilds/${rig.fake.guildId}/scheduled-events`));

describe('live shows', () => {
  it('schedules an event for a pending live item, posts "live now" once with the role, and completes the event; once across restarts', async () => {
    const item = liveItem();
    rig.host.feeds.set('/live.xml', { title: 'Live Show', episodes: episodes('live', 2), liveItems: [item] });
    let bot = await rig.start();
    await followWithRole(bot);

    const events = rig.fake.scheduledEvents(rig.fake.guildId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      name: 'Live Q&A with the hosts',
      entity_type: 3,
      privacy_level: 2,
      status: 1,
      creator_id: rig.fake.botUser.id,
      entity_metadata: { location: rig.host.url('/watch') },
      scheduled_start_time: item.start,
      scheduled_end_time: item.end,
    });
    expect(events[0]?.['description']).toBe(`A live show of Live Show. Listen or watch: ${rig.host.url('/watch')}`);
    expect(liveNowPosts()).toHaveLength(0);

    // Polls and a restart make no second event.
    await bot.poll();
    await rig.stop(bot);
    bot = await rig.start();
    await bot.poll();
    expect(rig.fake.scheduledEvents(rig.fake.guildId)).toHaveLength(1);
    expect(eventRequests('POST')).toHaveLength(1);

    // On air: the event is started and "live now" posted once, mentioning the role.
    setStatus('live');
    await bot.poll();
    await bot.poll();
    expect(rig.fake.scheduledEvents(rig.fake.guildId)[0]?.['status']).toBe(2);
    expect(liveNowPosts()).toHaveLength(1);
    const post = rig.fake.requests.find((r) => r.method === 'POST' && r.path === `/channels/${rig.fake.channelId}/messages` && JSON.stringify(r.body).includes('Live now'));
    expect(post?.body).toMatchObject({
      content: `<@&${FAKE_IDS.moderatorRoleId}>`,
      allowed_mentions: { parse: [], roles: [FAKE_IDS.moderatorRoleId] },
      enforce_nonce: true,
      embeds: [{ title: 'Live Q&A with the hosts', url: rig.host.url('/watch'), author: { name: 'Live Show' } }],
    });
    await rig.stop(bot);
    bot = await rig.start();
    await bot.poll();
    expect(liveNowPosts()).toHaveLength(1);

    // Over: the started event is completed, once.
    setStatus('ended');
    await bot.poll();
    await bot.poll();
    expect(rig.fake.scheduledEvents(rig.fake.guildId)[0]?.['status']).toBe(3);
    expect(eventRequests('PATCH').map((r) => (r.body as { status: number }).status)).toEqual([2, 3]);
    expect(liveNowPosts()).toHaveLength(1);
    expect(eventRequests('POST')).toHaveLength(1);
  });

  it('deletes the event of a live show that ended without ever going live (Discord completes only a started event)', async () => {
    rig.host.feeds.set('/live.xml', { title: 'Cancelled Show', episodes: episodes('gone', 1), liveItems: [liveItem({ guid: 'gone-live' })] });
    const bot = await rig.start();
    await followWithRole(bot);
    expect(rig.fake.scheduledEvents(rig.fake.guildId)).toHaveLength(1);
    setStatus('ended');
    await bot.poll();
    expect(rig.fake.scheduledEvents(rig.fake.guildId)).toHaveLength(0);
    expect(eventRequests('DELETE')).toHaveLength(1);
    expect(eventRequests('PATCH')).toHaveLength(0);
    expect(liveNowPosts()).toHaveLength(0);
  });

  it('finds the event and the "live now" post an earlier process made but never recorded, past the nonce window', async () => {
    rig.host.feeds.set('/live.xml', { title: 'Crashy Show', episodes: episodes('crashy', 1), liveItems: [liveItem({ guid: 'crashy-live' })] });
    let bot = await rig.start();
    await followWithRole(bot);
    expect(rig.fake.scheduledEvents(rig.fake.guildId)).toHaveLength(1);
    await rig.stop(bot);
    // As if the process died after Discord made the event, before its id was recorded.
    const db = new Database(path.join(rig.temp.dir, 'podcord.db'));
    db.prepare(`UPDATE live_shows SET event_state = 'creating', event_id = NULL`).run();
    db.close();

    bot = await rig.start();
    setStatus('live');
    await bot.poll();
    expect(rig.fake.scheduledEvents(rig.fake.guildId)).toHaveLength(1);
    expect(rig.fake.scheduledEvents(rig.fake.guildId)[0]?.['status']).toBe(2);
    expect(liveNowPosts()).toHaveLength(1);
    await rig.stop(bot);

    // And as if it died after Discord took "live now", before the message was recorded; back days later.
    const again = new Database(path.join(rig.temp.dir, 'podcord.db'));
    again.prepare(`UPDATE live_shows SET live_message_id = NULL`).run();
    again.close();
    rig.clock.advance(3 * 86_400_000);
    rig.fake.advanceTime(3 * 86_400_000);
    bot = await rig.start();
    await bot.poll();
    expect(liveNowPosts()).toHaveLength(1);
    expect(eventRequests('POST')).toHaveLength(1);
  });

  it('says when the bot may not make events; the show is still announced live, and the refused event is recorded', async () => {
    rig.fake.setRolePermissions(FAKE_IDS.botRoleId, (BigInt(BOT_PERMISSIONS) & ~PermissionFlagsBits.CreateEvents).toString());
    rig.host.feeds.set('/live.xml', { title: 'No Events Show', episodes: episodes('noev', 1), liveItems: [liveItem({ guid: 'noev-live' })] });
    const bot = await rig.start();
    const set = await command(rig.fake, 'announce channel', { channel: channelOption(rig.fake.channelId) }, { admin: true });
    expect(set.content).toContain('Live shows of these podcasts will be posted, but not added to the server’s events: the bot lacks **Create Events**.');
    await command(rig.fake, 'feed add', { url: rig.host.url('/live.xml') }, { admin: true });
    await bot.poll();
    expect(rig.fake.scheduledEvents(rig.fake.guildId)).toHaveLength(0);
    expect(eventRequests('POST').map((r) => r.status)).toEqual([403]);
    const show = await bot.running.services.store.getLiveShow({ guildId: rig.fake.guildId, podcastId: rig.host.url('/live.xml'), liveId: 'noev-live' });
    expect(show).toMatchObject({ attempts: 1 });
    // Kept as data, worded in whoever reads /feed list's language.
    expect(storedProblemText(show?.lastError ?? '', stringsFor('en'))).toBe('the bot may not post there: Missing Permissions (50013)');
    // Going live: announced all the same (the event step waits for its next try).
    setStatus('live');
    await bot.poll();
    expect(liveNowPosts()).toHaveLength(1);
  });

  it('schedules nothing for a live item whose start has passed, and nothing in a server with announcements off', async () => {
    rig.host.feeds.set('/live.xml', {
      title: 'Late Show',
      episodes: episodes('late', 1),
      liveItems: [liveItem({ guid: 'past', start: new Date(rig.clock.now().getTime() - HOUR).toISOString() })],
    });
    const bot = await rig.start();
    await command(rig.fake, 'feed add', { url: rig.host.url('/live.xml') }, { admin: true });
    rig.host.feeds.get('/live.xml')!.liveItems!.push(liveItem({ guid: 'future', title: 'Next week' }));
    await bot.poll();
    expect(rig.fake.scheduledEvents(rig.fake.guildId)).toHaveLength(0);
    await command(rig.fake, 'announce channel', { channel: channelOption(rig.fake.channelId) }, { admin: true });
    await bot.poll();
    expect(rig.fake.scheduledEvents(rig.fake.guildId).map((e) => e['name'])).toEqual(['Next week']);
  });
});
