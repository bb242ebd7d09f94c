import { Writable } from 'node:stream';
import { Locale, PermissionFlagsBits } from 'discord-api-types/v10';
import { REST } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { restTransport } from '../../src/discord/restTransport.js';
import { createLogger } from '../../src/logger.js';
import { openStore } from '../../src/store/openStore.js';
import { BOT_PERMISSIONS, FAKE_IDS, startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.js';
import { channelOption, command, startTestBot, type StartedBot } from './support.js';

/**
 * `/announce channel` checks the bot's permissions in the channel (issue 15, item 9): through the real discord.js
 * client against the fake Discord, whose roles and channel overwrites decide what the bot may do, and which refuses
 * what Discord refuses.
 */

let fake: FakeDiscord;
let bot: StartedBot | undefined;

beforeEach(async () => {
  fake = await startFakeDiscord();
});

afterEach(async () => {
  await bot?.running.stop();
  bot = undefined;
  await fake.close();
  expect(fake.unknownRequests).toEqual([]);
});

const deny = (id: string, type: 0 | 1, ...flags: bigint[]) => ({ id, type, allow: '0', deny: flags.reduce((a, b) => a | b, 0n).toString() });
const without = (bits: string, ...flags: bigint[]): string => flags.reduce((a, b) => a & ~b, BigInt(bits)).toString();

describe('/announce channel checks the bot’s permissions there', () => {
  it('names the permission a channel overwrite takes from the bot, and sets nothing until it is given back', async () => {
    bot = await startTestBot(fake, {});
    fake.setPermissionOverwrites(fake.channelId, [deny(FAKE_IDS.botRoleId, 0, PermissionFlagsBits.EmbedLinks)]);
    // The gateway's CHANNEL_UPDATE reached the bot's cache once discord.js computes the same as the fake.
    await waitUntil(() => !permissionsOf(bot!, fake.channelId).has(PermissionFlagsBits.EmbedLinks));

    const refused = await command(fake, 'announce channel', { channel: channelOption(fake.channelId) }, { admin: true });
    expect(refused.content).toBe(
      `⚠️ The bot cannot post in <#${fake.channelId}>: it lacks the permission **Embed Links** there. Give it to the bot’s role (in the server’s roles or the channel’s permissions) and run /announce channel again.`,
    );
    expect(await bot.running.services.store.getAnnouncementSettings(fake.guildId)).toBeUndefined();

    fake.setPermissionOverwrites(fake.channelId, []);
    await waitUntil(async () => permissionsOf(bot!, fake.channelId).has(PermissionFlagsBits.EmbedLinks));
    const set = await command(fake, 'announce channel', { channel: channelOption(fake.channelId) }, { admin: true });
    expect(set.content).toMatch(/^New episodes of every followed podcast will be posted in/);
  });

  it('names Create Posts in a forum whose @everyone overwrite denies it, in Swedish for a Swedish manager', async () => {
    bot = await startTestBot(fake, {});
    fake.setPermissionOverwrites(fake.forumChannelId, [deny(fake.guildId, 0, PermissionFlagsBits.SendMessages)]);
    await waitUntil(async () => !permissionsOf(bot!, fake.forumChannelId).has(PermissionFlagsBits.SendMessages));
    const refused = await command(fake, 'announce channel', { channel: channelOption(fake.forumChannelId) }, { admin: true, locale: Locale.Swedish });
    expect(refused.content).toBe(
      `⚠️ Boten kan inte publicera i <#${fake.forumChannelId}>: den saknar behörigheten **Skicka meddelanden (Skapa inlägg i ett forum)** där. Ge den till botens roll (under serverns roller eller kanalens behörigheter) och kör /annonsera kanal igen.`,
    );
  });

  it('names every permission the bot’s role lacks, and a member overwrite for the bot gives one back', async () => {
    bot = await startTestBot(fake, {});
    // The bot's role and @everyone both without Send Messages and Read Message History.
    fake.setRolePermissions(fake.guildId, without(BOT_PERMISSIONS, PermissionFlagsBits.SendMessages, PermissionFlagsBits.ReadMessageHistory));
    fake.setRolePermissions(FAKE_IDS.botRoleId, without(BOT_PERMISSIONS, PermissionFlagsBits.SendMessages, PermissionFlagsBits.ReadMessageHistory));
    await waitUntil(async () => !permissionsOf(bot!, fake.channelId).has(PermissionFlagsBits.SendMessages));
    const refused = await command(fake, 'announce channel', { channel: channelOption(fake.channelId) }, { admin: true });
    expect(refused.content).toContain('it lacks the permissions **Send Messages (Create Posts in a forum)**, **Read Message History** there');

    fake.setPermissionOverwrites(fake.channelId, [{ id: fake.botUser.id, type: 1, allow: (PermissionFlagsBits.SendMessages | PermissionFlagsBits.ReadMessageHistory).toString(), deny: '0' }]);
    await waitUntil(async () => permissionsOf(bot!, fake.channelId).has(PermissionFlagsBits.SendMessages));
    const set = await command(fake, 'announce channel', { channel: channelOption(fake.channelId) }, { admin: true });
    expect(set.content).toMatch(/^New episodes of every followed podcast will be posted in/);
  });

  it('with a thread per episode, names Create Public Threads and Send Messages in Threads when the bot lacks them', async () => {
    bot = await startTestBot(fake, {});
    fake.setPermissionOverwrites(fake.channelId, [deny(FAKE_IDS.botRoleId, 0, PermissionFlagsBits.CreatePublicThreads, PermissionFlagsBits.SendMessagesInThreads)]);
    await waitUntil(() => !permissionsOf(bot!, fake.channelId).has(PermissionFlagsBits.CreatePublicThreads));
    // Without threads the channel is fine.
    const plain = await command(fake, 'announce channel', { channel: channelOption(fake.channelId) }, { admin: true });
    expect(plain.content).toMatch(/^New episodes of every followed podcast will be posted in/);
    const refused = await command(fake, 'announce channel', { channel: channelOption(fake.channelId), thread: true as unknown as string }, { admin: true });
    expect(refused.content).toContain('it lacks the permissions **Create Public Threads**, **Send Messages in Threads** there');
    expect(await bot.running.services.store.getAnnouncementSettings(fake.guildId)).toStrictEqual({ channelId: fake.channelId, publish: false, enabled: true });
  });

  it('computes the same permissions over REST alone (a worker or an interactions replica), and the fake refuses a post without them', async () => {
    const rest = new REST({ api: fake.apiUrl, version: '10' }).setToken(fake.token);
    const opened = await openStore('sqlite::memory:');
    if (!opened.ok) throw new Error(opened.error);
    const store = opened.value;
    const log = createLogger({ level: 'silent', secrets: [], destination: new Writable({ write: (_c, _e, done) => done() }) });
    try {
      const transport = restTransport({ rest, store, botUserId: fake.botUser.id, log });
      expect(await transport.botPermissions(fake.channelId)).toBe(fake.botPermissionsIn(fake.channelId));
      fake.setPermissionOverwrites(fake.channelId, [
        deny(fake.guildId, 0, PermissionFlagsBits.EmbedLinks),
        { id: FAKE_IDS.botRoleId, type: 0, allow: PermissionFlagsBits.EmbedLinks.toString(), deny: PermissionFlagsBits.SendMessages.toString() },
      ]);
      const permissions = await transport.botPermissions(fake.channelId);
      expect(permissions).toBe(fake.botPermissionsIn(fake.channelId));
      expect(permissions! & PermissionFlagsBits.EmbedLinks).toBe(PermissionFlagsBits.EmbedLinks);
      expect(permissions! & PermissionFlagsBits.SendMessages).toBe(0n);
      await expect(transport.send(fake.channelId, { content: 'hello' })).rejects.toMatchObject({ status: 403, code: 50013 });
      expect(await transport.botPermissions(FAKE_IDS.strangerChannelId)).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});

function permissionsOf(started: StartedBot, channelId: string) {
  const channel = started.running.bot.client.channels.cache.get(channelId);
  if (!channel || !('permissionsFor' in channel)) throw new Error('channel not cached');
  const me = channel.guild.members.me;
  if (!me) throw new Error('bot member not cached');
  return channel.permissionsFor(me);
}

async function waitUntil(condition: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
