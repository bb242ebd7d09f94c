import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ActionRowBuilder,
  ChannelType,
  Client,
  DiscordAPIError,
  Events,
  ForumChannel,
  GatewayIntentBits,
  InteractionResponseType,
  Locale,
  MessageFlags,
  ModalBuilder,
  NewsChannel,
  PermissionFlagsBits,
  REST,
  Routes,
  SlashCommandBuilder,
  TextChannel,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import type { ClientOptions, Interaction } from 'discord.js';
import { FAKE_IDS, startFakeDiscord } from '../support/fakeDiscord.js';
import type { FakeDiscord } from '../support/fakeDiscord.js';
import { autocomplete, botMessage, button, chatInput } from '../support/interactions.js';

let fake: FakeDiscord;
const clients: Client[] = [];
let clientErrors: unknown[];
let onInteraction: (interaction: Interaction) => Promise<unknown>;

const noIdentifyThrottle: ClientOptions['ws'] = { buildIdentifyThrottler: () => ({ waitForIdentify: async () => {} }) };

async function loginClient(extra: Partial<ClientOptions> = {}): Promise<Client> {
  const c = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl }, ...extra });
  clients.push(c);
  const ready = new Promise<void>((resolve, reject) => {
    c.once(Events.ClientReady, () => resolve());
    c.once(Events.Error, reject);
  });
  c.on(Events.Error, (error) => clientErrors.push(error));
  c.on(Events.InteractionCreate, (interaction) => {
    onInteraction(interaction).catch((error: unknown) => clientErrors.push(error));
  });
  await c.login(fake.token);
  await ready;
  return c;
}

beforeEach(async () => {
  clientErrors = [];
  onInteraction = async () => {
    throw new Error('unexpected interaction');
  };
  fake = await startFakeDiscord();
});

afterEach(async () => {
  for (const c of clients.splice(0)) await c.destroy();
  await fake.close();
  expect(fake.unknownRequests).toEqual([]);
  expect(clientErrors).toEqual([]);
});

describe('fake Discord driven by the real discord.js client', () => {
  it('logs in, reaches ready and caches the guild, channels and roles from GUILD_CREATE', async () => {
    const client = await loginClient();

    const guild = client.guilds.cache.get(fake.guildId);
    expect(guild?.name).toBe('Podcast Fans');
    expect(guild?.memberCount).toBe(42);
    expect(guild?.roles.everyone.id).toBe(fake.guildId);
    expect(guild?.channels.cache.get(fake.channelId)?.type).toBe(ChannelType.GuildText);
    expect(guild?.channels.cache.get(fake.newsChannelId)?.type).toBe(ChannelType.GuildAnnouncement);
    expect(guild?.channels.cache.get(fake.forumChannelId)?.type).toBe(ChannelType.GuildForum);
    expect(guild?.members.me?.permissions.has(PermissionFlagsBits.SendMessages)).toBe(true);
    expect(client.user?.id).toBe(fake.botUser.id);
    expect(client.application?.id).toBe(fake.applicationId);
    expect(fake.identifyCount).toBe(1);
    const gateway = await fake.waitForRequest((r) => r.path === '/gateway/bot');
    expect(gateway.headers.authorization).toBe(`Bot ${fake.token}`);
  });

  it('answers a slash command through interaction.reply and records the callback without auth', async () => {
    await loginClient();
    onInteraction = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.reply({ content: `pong ${interaction.options.getString('word', true)}`, flags: MessageFlags.Ephemeral });
    };

    const payload = chatInput('ping', { word: 'hello' });
    const callback = await fake.sendInteraction(payload);

    expect(callback).toEqual({
      type: InteractionResponseType.ChannelMessageWithSource,
      data: expect.objectContaining({ content: 'pong hello', flags: MessageFlags.Ephemeral }),
    });
    const request = await fake.waitForRequest((r) => r.path.endsWith('/callback'));
    expect(request.path).toBe(`/interactions/${payload.id}/${payload.token}/callback`);
    expect(request.headers.authorization).toBeUndefined();
  });

  it('refuses a first callback later than interactionDeadlineMs with 10062 Unknown interaction, as Discord does after 3 s', async () => {
    await fake.close();
    fake = await startFakeDiscord({ interactionDeadlineMs: 2000 });
    await loginClient();
    let lateReply: (outcome: unknown) => void = () => {};
    const lateOutcome = new Promise<unknown>((resolve) => (lateReply = resolve));
    onInteraction = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      if (interaction.options.getString('word') !== 'late') return interaction.reply({ content: 'pong' });
      await new Promise((resolve) => setTimeout(resolve, 2500));
      return interaction.reply({ content: 'pong' }).then(lateReply, lateReply);
    };

    expect((await fake.sendInteraction(chatInput('ping', { word: 'soon' }), 10_000)).type).toBe(InteractionResponseType.ChannelMessageWithSource);
    const late = fake.sendInteraction(chatInput('ping', { word: 'late' }), 5000).catch((error: unknown) => error);
    expect(await lateOutcome).toMatchObject({ status: 404, code: 10062 });
    expect(await late).toBeInstanceOf(Error);
  });

  it('passes subcommand groups, integer options, admin permissions and locale to the handler', async () => {
    await loginClient();
    onInteraction = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      const summary = [
        interaction.commandName,
        interaction.options.getSubcommandGroup(),
        interaction.options.getSubcommand(),
        interaction.options.getInteger('limit', true),
        interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild),
        interaction.locale,
      ].join('|');
      await interaction.reply(summary);
    };

    const asAdmin = await fake.sendInteraction(chatInput('podcast feeds add', { limit: 3 }, { admin: true, locale: Locale.German }));
    const asMember = await fake.sendInteraction(chatInput('podcast feeds add', { limit: 3 }));

    expect(asAdmin).toMatchObject({ data: { content: 'podcast|feeds|add|3|true|de' } });
    expect(asMember).toMatchObject({ data: { content: 'podcast|feeds|add|3|false|en-US' } });
  });

  it('delivers a deferred reply followed by editReply as PATCH @original', async () => {
    await loginClient();
    let edited: Promise<string> | undefined;
    onInteraction = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply();
      edited = interaction.editReply('found 3 episodes').then((message) => message.content);
      await edited;
    };

    const payload = chatInput('search', { query: 'pilot' });
    const callback = await fake.sendInteraction(payload);
    const patch = await fake.waitForRequest((r) => r.method === 'PATCH');

    expect(callback).toEqual({ type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: 0 } });
    expect(patch.path).toBe(`/webhooks/${fake.applicationId}/${payload.token}/messages/@original`);
    expect(patch.rawPath).toContain('%40original');
    expect(patch.headers.authorization).toBeUndefined();
    expect(patch.body).toMatchObject({ content: 'found 3 episodes' });
    expect(await edited).toBe('found 3 episodes');
  });

  it('returns the created message for reply withResponse and posts followUp to the interaction webhook', async () => {
    await loginClient();
    let replyMessageId: string | undefined;
    onInteraction = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      const response = await interaction.reply({ content: 'first', withResponse: true });
      replyMessageId = response.resource?.message?.id;
      await interaction.followUp({ content: 'second', flags: MessageFlags.Ephemeral });
    };

    const payload = chatInput('latest');
    await fake.sendInteraction(payload);
    const followUp = await fake.waitForRequest((r) => r.path === `/webhooks/${fake.applicationId}/${payload.token}`);

    const callback = fake.requests.find((r) => r.path.endsWith('/callback'));
    expect(callback?.query).toEqual({ with_response: 'true' });
    expect(replyMessageId).toBeDefined();
    expect(fake.getMessage(replyMessageId!)?.content).toBe('first');
    expect(followUp.body).toMatchObject({ content: 'second', flags: MessageFlags.Ephemeral });
    expect(followUp.headers.authorization).toBeUndefined();
  });

  it('accepts a modal as a type 9 callback', async () => {
    await loginClient();
    onInteraction = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.showModal(
        new ModalBuilder()
          .setCustomId('feedback')
          .setTitle('Feedback')
          .addComponents(
            new ActionRowBuilder<TextInputBuilder>().addComponents(
              new TextInputBuilder().setCustomId('text').setLabel('Your thoughts').setStyle(TextInputStyle.Paragraph),
            ),
          ),
      );
    };

    const callback = await fake.sendInteraction(chatInput('feedback'));

    expect(callback).toMatchObject({ type: InteractionResponseType.Modal, data: { custom_id: 'feedback', title: 'Feedback' } });
  });

  it('delivers autocomplete respond() as a type 8 callback with the choices', async () => {
    await loginClient();
    onInteraction = async (interaction) => {
      if (!interaction.isAutocomplete()) return;
      const typed = interaction.options.getFocused();
      await interaction.respond([{ name: `Episode about ${typed}`, value: `ep-${typed}` }]);
    };

    const callback = await fake.sendInteraction(autocomplete('episode', { podcast: 'show', query: 'pil' }, { focused: 'query' }));

    expect(callback).toEqual({
      type: InteractionResponseType.ApplicationCommandAutocompleteResult,
      data: { choices: [{ name: 'Episode about pil', value: 'ep-pil' }] },
    });
  });

  it('delivers a button click update() as a type 7 callback and updates the stored message', async () => {
    await loginClient();
    onInteraction = async (interaction) => {
      if (!interaction.isButton()) return;
      await interaction.update({ content: `page ${interaction.customId.split(':')[2]}`, components: [] });
    };
    const message = botMessage({ content: 'page 1' });

    const callback = await fake.sendInteraction(button('episodes:page:2', message));

    expect(callback).toEqual({
      type: InteractionResponseType.UpdateMessage,
      data: expect.objectContaining({ content: 'page 2', components: [] }),
    });
    expect(fake.getMessage(message.id)?.content).toBe('page 2');
  });

  it('retries a channel message POST answered 429 with Retry-After and succeeds', async () => {
    const client = await loginClient();
    fake.failNext('POST', /^\/channels\/\d+\/messages$/, { status: 429, retryAfter: 0.2 });
    const channel = client.channels.cache.get(fake.channelId) as TextChannel;

    const sent = await channel.send('new episode out');

    const posts = fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${fake.channelId}/messages`);
    expect(posts.map((r) => [r.status, r.injected])).toEqual([
      [429, true],
      [200, false],
    ]);
    expect(fake.messages(fake.channelId).map((m) => m.id)).toEqual([sent.id]);
  });

  it('retries a channel message POST answered 500', async () => {
    const client = await loginClient();
    fake.failNext('POST', /\/messages$/, { status: 500 });
    const channel = client.channels.cache.get(fake.channelId) as TextChannel;

    await channel.send('still works');

    expect(fake.requests.filter((r) => r.method === 'POST').map((r) => r.status)).toEqual([500, 200]);
  });

  it('records a multipart upload with payload_json as the body and the files listed', async () => {
    const client = await loginClient();
    const channel = client.channels.cache.get(fake.channelId) as TextChannel;

    const sent = await channel.send({
      content: 'chapters attached',
      files: [{ attachment: Buffer.from('00:00 Intro\n'), name: 'chapters.txt' }],
    });

    const post = await fake.waitForRequest((r) => r.method === 'POST');
    expect(post.body).toMatchObject({ content: 'chapters attached', attachments: [{ id: '0' }] });
    expect(post.files).toEqual([expect.objectContaining({ field: 'files[0]', filename: 'chapters.txt', size: 12 })]);
    expect(sent.attachments.first()?.name).toBe('chapters.txt');
  });

  it('echoes MESSAGE_CREATE for the bot\'s own message only when the GuildMessages intent is set', async () => {
    const client = await loginClient({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages] });
    const echoed = new Promise<string>((resolve) => client.once(Events.MessageCreate, (message) => resolve(message.content)));
    const channel = client.channels.cache.get(fake.channelId) as TextChannel;

    await channel.send('hello listeners');

    expect(await echoed).toBe('hello listeners');
  });

  it('returns the original message for a repeated enforced nonce instead of posting twice', async () => {
    const client = await loginClient();
    const channel = client.channels.cache.get(fake.channelId) as TextChannel;

    const first = await channel.send({ content: 'episode 12', nonce: 'ep-12', enforceNonce: true });
    const second = await channel.send({ content: 'episode 12', nonce: 'ep-12', enforceNonce: true });

    expect(second.id).toBe(first.id);
    expect(fake.messages(fake.channelId)).toHaveLength(1);
  });

  it('deduplicates an enforced nonce only within its window, which advanceTime() passes', async () => {
    const client = await loginClient();
    const channel = client.channels.cache.get(fake.channelId) as TextChannel;

    const first = await channel.send({ content: 'episode 12', nonce: 'ep-12', enforceNonce: true });
    fake.advanceTime(6 * 60_000);
    const second = await channel.send({ content: 'episode 12', nonce: 'ep-12', enforceNonce: true });

    expect(second.id).not.toBe(first.id);
    // Snowflakes follow Discord's clock.
    expect(second.createdTimestamp - first.createdTimestamp).toBeGreaterThanOrEqual(6 * 60_000);
  });

  it('pages a channel\'s history with before, after and around, newest first, without the nonces it was sent with', async () => {
    const client = await loginClient();
    const channel = client.channels.cache.get(fake.channelId) as TextChannel;
    const sent = [];
    for (let i = 0; i < 130; i++) {
      sent.push(i % 2 === 0 ? (await channel.send({ content: `m${i}`, nonce: `n${i}` })).id : fake.postAsMember(fake.channelId, `m${i}`).id);
    }
    const get = async (query: Record<string, string>) =>
      ((await client.rest.get(Routes.channelMessages(fake.channelId), { query: new URLSearchParams(query) })) as { id: string; content: string; nonce?: string }[]);

    const newest = await get({});
    expect(newest.map((m) => m.content)).toEqual(Array.from({ length: 50 }, (_, i) => `m${129 - i}`));
    const afterFirst = await get({ after: sent[0]!, limit: '100' });
    expect(afterFirst.map((m) => m.content)).toEqual(Array.from({ length: 100 }, (_, i) => `m${100 - i}`));
    const beforeLast = await get({ before: sent[129]!, limit: '3' });
    expect(beforeLast.map((m) => m.content)).toEqual(['m128', 'm127', 'm126']);
    const around = await get({ around: sent[10]!, limit: '4' });
    expect(around.map((m) => m.content)).toEqual(['m11', 'm10', 'm9', 'm8']);
    expect(newest.some((m) => m.nonce !== undefined)).toBe(false);
    await expect(get({ limit: '101' })).rejects.toMatchObject({ code: 50035 });
    await expect(get({ before: sent[1]!, after: sent[0]! })).rejects.toMatchObject({ code: 50035 });
  });

  it('answers for a channel the bot lost as Discord does: Missing Access, Missing Permissions, Unknown Channel', async () => {
    const client = await loginClient();
    const channel = client.channels.cache.get(fake.channelId) as TextChannel;
    const news = client.channels.cache.get(fake.newsChannelId) as NewsChannel;

    fake.failChannel(fake.channelId, 50013);
    await expect(channel.send('hi')).rejects.toMatchObject({ status: 403, code: 50013, message: 'Missing Permissions' });
    // Reading is not posting.
    await expect(channel.messages.fetch({ limit: 5 })).resolves.toBeDefined();
    fake.failChannel(fake.channelId, 50001);
    await expect(channel.messages.fetch({ limit: 5 })).rejects.toMatchObject({ status: 403, code: 50001, message: 'Missing Access' });
    fake.failChannel(fake.channelId);
    await expect(channel.send('hi')).resolves.toBeDefined();

    const posted = await news.send('Episode 12 is out');
    fake.failChannel(fake.newsChannelId, 10003);
    await expect(posted.crosspost()).rejects.toMatchObject({ status: 404, code: 10003 });
    expect(clientErrors).toEqual([]);
  });

  it('crossposts in the announcement channel and opens forum posts with tags', async () => {
    const client = await loginClient();
    const news = client.channels.cache.get(fake.newsChannelId) as NewsChannel;
    const forum = client.channels.cache.get(fake.forumChannelId) as ForumChannel;

    const announcement = await news.send('Episode 12 is out');
    await announcement.crosspost();
    const post = await forum.threads.create({
      name: 'Episode 12',
      message: { content: 'Discuss!' },
      appliedTags: [FAKE_IDS.forumTagEpisodeId],
    });

    // discord.js returns the cached message unpatched; the flag arrives via MESSAGE_UPDATE (GuildMessages intent).
    expect((fake.getMessage(announcement.id)?.flags ?? 0) & MessageFlags.Crossposted).toBe(MessageFlags.Crossposted);
    expect(post.parentId).toBe(fake.forumChannelId);
    expect(post.appliedTags).toEqual([FAKE_IDS.forumTagEpisodeId]);
    expect(fake.getMessage(post.id)?.content).toBe('Discuss!');
    await expect(announcement.crosspost()).rejects.toMatchObject({ code: 40033 });
  });

  it('starts one thread on a message (its id), refuses a second with 160004, and posts in it', async () => {
    const client = await loginClient();
    const channel = client.channels.cache.get(fake.channelId) as TextChannel;
    const message = await channel.send('Episode 13 is out');
    const thread = await message.startThread({ name: '𝄞'.repeat(100), autoArchiveDuration: 10080 });
    expect(thread.id).toBe(message.id);
    expect(thread.type).toBe(ChannelType.PublicThread);
    expect(thread.autoArchiveDuration).toBe(10080);
    await thread.send('Chapters here');
    expect(fake.messages(thread.id).map((m) => m.content)).toEqual(['Chapters here']);
    const rest = new REST({ api: fake.apiUrl }).setToken(fake.token);
    await expect(rest.post(Routes.threads(fake.channelId, message.id), { body: { name: 'again' } })).rejects.toMatchObject({ code: 160004 });
    await expect(rest.post(Routes.threads(fake.channelId, message.id), { body: { name: 'x'.repeat(101) } })).rejects.toMatchObject({ code: 160004 });
    const other = await channel.send('Episode 14');
    await expect(rest.post(Routes.threads(fake.channelId, other.id), { body: { name: 'x'.repeat(101) } })).rejects.toMatchObject({ code: 50035 });
    await expect(rest.post(Routes.threads(fake.channelId, other.id), { body: { name: 'ok', auto_archive_duration: 42 } })).rejects.toMatchObject({ code: 50035 });
    expect(clientErrors).toEqual([]);
  });

  it('computes the bot’s permissions from roles and overwrites as discord.js does, and refuses what they do not allow', async () => {
    const client = await loginClient();
    const channel = client.channels.cache.get(fake.channelId) as TextChannel;
    const updated = new Promise<void>((resolve) => client.once(Events.ChannelUpdate, () => resolve()));
    fake.setPermissionOverwrites(fake.channelId, [
      { id: fake.guildId, type: 0, allow: '0', deny: (PermissionFlagsBits.SendMessages | PermissionFlagsBits.EmbedLinks).toString() },
      { id: FAKE_IDS.botRoleId, type: 0, allow: PermissionFlagsBits.SendMessages.toString(), deny: PermissionFlagsBits.CreatePublicThreads.toString() },
    ]);
    await updated;
    const me = await channel.guild.members.fetchMe();
    expect(channel.permissionsFor(me).bitfield).toBe(fake.botPermissionsIn(fake.channelId));
    // Send Messages given back by the role's overwrite; Embed Links not: the message is made, its embed dropped.
    const sent = await channel.send({ content: 'hi', embeds: [{ title: 'gone' }] });
    expect(fake.getMessage(sent.id)?.embeds).toEqual([]);
    await expect(sent.startThread({ name: 'no' })).rejects.toMatchObject({ status: 403, code: 50013 });
    fake.setPermissionOverwrites(fake.channelId, [{ id: FAKE_IDS.botRoleId, type: 0, allow: '0', deny: PermissionFlagsBits.ViewChannel.toString() }]);
    await expect(new REST({ api: fake.apiUrl }).setToken(fake.token).get(Routes.channelMessages(fake.channelId))).rejects.toMatchObject({ status: 403, code: 50001 });
  });

  it('keeps scheduled events to Discord’s rules: future start, an end for an external event, and the status transitions', async () => {
    const client = await loginClient();
    const guild = client.guilds.cache.get(fake.guildId)!;
    const at = Date.now() + 3_600_000;
    const base = { name: 'Live', privacyLevel: 2, entityType: 3, entityMetadata: { location: 'https://example.com/live' } } as const;
    await expect(guild.scheduledEvents.create({ ...base, scheduledStartTime: Date.now() - 60_000, scheduledEndTime: at })).rejects.toMatchObject({ code: 50035 });
    await expect(guild.scheduledEvents.create({ ...base, scheduledStartTime: at })).rejects.toMatchObject({ code: 50035 });
    const event = await guild.scheduledEvents.create({ ...base, scheduledStartTime: at, scheduledEndTime: at + 3_600_000 });
    expect(fake.scheduledEvents(fake.guildId)).toHaveLength(1);
    await expect(guild.scheduledEvents.edit(event, { status: 3 })).rejects.toMatchObject({ code: 50035 });
    await guild.scheduledEvents.edit(event, { status: 2 });
    await guild.scheduledEvents.edit(event, { status: 3 });
    await expect(guild.scheduledEvents.edit(event, { status: 2 })).rejects.toMatchObject({ code: 50035 });
    await guild.scheduledEvents.delete(event);
    await expect(guild.scheduledEvents.fetch({ guildScheduledEvent: event.id, force: true })).rejects.toMatchObject({ code: 10070 });
    fake.setRolePermissions(FAKE_IDS.botRoleId, (BigInt(fake.botPermissionsIn(fake.channelId)) & ~PermissionFlagsBits.CreateEvents).toString());
    await expect(guild.scheduledEvents.create({ ...base, scheduledStartTime: at, scheduledEndTime: at + 1 })).rejects.toMatchObject({ code: 50013 });
  });

  it.each([
    ['close code 4000', 4000],
    ['an abnormal close (1006)', 1006],
  ])('resumes after %s without identifying again and still answers commands', async (_label, code) => {
    const client = await loginClient();
    onInteraction = async (interaction) => {
      if (interaction.isChatInputCommand()) await interaction.reply(`pong ${interaction.commandName}`);
    };
    const resumed = new Promise<void>((resolve) => client.once(Events.ShardResume, () => resolve()));

    fake.dropConnection(code);
    const duringOutage = fake.sendInteraction(chatInput('during'));
    await resumed;
    const afterResume = await fake.sendInteraction(chatInput('after'));

    const resume = await fake.waitForGateway((frame) => frame.op === 6);
    expect(resume.d).toMatchObject({ token: fake.token, seq: 2 });
    expect(fake.identifyCount).toBe(1);
    expect(fake.resumeCount).toBe(1);
    expect(await duringOutage).toMatchObject({ data: { content: 'pong during' } });
    expect(afterResume).toMatchObject({ data: { content: 'pong after' } });
  });

  it('re-identifies after an invalid session and keeps answering', async () => {
    const client = await loginClient({ ws: noIdentifyThrottle });
    onInteraction = async (interaction) => {
      if (interaction.isChatInputCommand()) await interaction.reply('pong');
    };

    const readyAgain = new Promise<void>((resolve) => client.once(Events.ShardReady, () => resolve()));

    fake.invalidateSession();
    await fake.waitForGateway((frame) => frame.op === 2 && frame.connection === 2);
    await readyAgain;

    expect(fake.identifyCount).toBe(2);
    expect(await fake.sendInteraction(chatInput('ping'))).toMatchObject({ data: { content: 'pong' } });
  });

  it('ends a session for good with closeSession(4004): the client hears the code, and the token stops working', async () => {
    const client = await loginClient();
    const disconnected = new Promise<number>((resolve) => client.once(Events.ShardDisconnect, (event) => resolve(event.code)));

    fake.closeSession(4004);

    expect(await disconnected).toBe(4004);
    const restError = await new REST({ api: fake.apiUrl }).setToken(fake.token).get(Routes.user('@me')).catch((error: unknown) => error);
    expect(restError).toMatchObject({ status: 401 });
    expect(() => fake.dispatch('TYPING_START', {})).toThrow(/no gateway session/);
  });

  it('tells a client that missed more dispatches than it keeps to identify again, and the client does', async () => {
    const client = await loginClient({ ws: noIdentifyThrottle });
    onInteraction = async (interaction) => {
      if (interaction.isChatInputCommand()) await interaction.reply('pong');
    };
    const readyAgain = new Promise<void>((resolve) => client.once(Events.ShardReady, () => resolve()));

    fake.dropConnection(4000);
    // More than the resume buffer goes by while the socket is down.
    for (let i = 0; i < 2_500; i++) fake.dispatch('TYPING_START', { channel_id: fake.channelId, user_id: FAKE_IDS.userId, timestamp: 0 });
    await readyAgain;

    expect(fake.resumeCount).toBe(1);
    expect(fake.identifyCount).toBe(2);
    expect(await fake.sendInteraction(chatInput('ping'))).toMatchObject({ data: { content: 'pong' } });
  });

  it('records guild command registration through rest.put and keeps ids stable across overwrites', async () => {
    const client = await loginClient();
    const body = [
      new SlashCommandBuilder()
        .setName('episode')
        .setDescription('Find an episode')
        .addStringOption((o) => o.setName('query').setDescription('Search text').setRequired(true).setAutocomplete(true))
        .toJSON(),
    ];

    const first = (await client.rest.put(Routes.applicationGuildCommands(fake.applicationId, fake.guildId), { body })) as { id: string }[];
    const second = (await client.rest.put(Routes.applicationGuildCommands(fake.applicationId, fake.guildId), { body })) as { id: string }[];

    const put = await fake.waitForRequest((r) => r.method === 'PUT');
    expect(put.path).toBe(`/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`);
    expect(put.body).toEqual(body);
    expect(second[0]?.id).toBe(first[0]?.id);
    expect(fake.guildCommands(fake.guildId)).toEqual([expect.objectContaining({ name: 'episode', guild_id: fake.guildId })]);
  });

  it('measures lengths in code points as Discord does, and refuses half an emoji', async () => {
    const client = await loginClient();
    const channel = client.channels.cache.get(fake.channelId) as TextChannel;
    // 2,000 emoji are 4,000 UTF-16 code units but 2,000 characters to Discord: accepted; one more is not.
    await channel.send('🎙'.repeat(2000));
    await expect(channel.send('🎙'.repeat(2001))).rejects.toMatchObject({ status: 400, code: 50035 });
    await expect(channel.send({ embeds: [{ title: '🎙'.repeat(256), fields: [{ name: 'n', value: '🎙'.repeat(1024) }] }] })).resolves.toBeDefined();
    await expect(channel.send({ embeds: [{ title: '🎙'.repeat(257) }] })).rejects.toMatchObject({ status: 400, code: 50035 });
    // An emoji cut between its two code units.
    await expect(channel.send('cut 🎙'.slice(0, 5))).rejects.toMatchObject({ status: 400, code: 50035 });
    await expect(channel.send({ embeds: [{ description: 'x\ud83c' }] })).rejects.toMatchObject({ status: 400, code: 50035 });
    // The 6000 characters of all embeds together, in code points too.
    const half = { description: '🎙'.repeat(3000) };
    await expect(channel.send({ embeds: [half, half] })).resolves.toBeDefined();
    await expect(channel.send({ embeds: [half, half, { title: 'one more' }] })).rejects.toMatchObject({ status: 400, code: 50035 });
  });

  it('rejects an invalid command definition with Invalid Form Body', async () => {
    const client = await loginClient();

    const put = client.rest.put(Routes.applicationCommands(fake.applicationId), {
      body: [{ name: 'Episode', description: 'Uppercase names are invalid', type: 1 }],
    });

    await expect(put).rejects.toMatchObject({ status: 400, code: 50035 });
  });

  it('answers 401 to a wrong bot token, on REST and on login', async () => {
    const rest = new REST({ api: fake.apiUrl }).setToken('not-the-token');
    const wrongLogin = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });

    const restError = await rest.get(Routes.user('@me')).catch((error: unknown) => error);
    const loginError = await wrongLogin.login('not-the-token').catch((error: unknown) => error);
    await wrongLogin.destroy();

    expect(restError).toBeInstanceOf(DiscordAPIError);
    expect((restError as DiscordAPIError).status).toBe(401);
    expect(loginError).toMatchObject({ code: 'TokenInvalid' });
    expect(fake.requests.map((r) => r.status)).toEqual([401, 401]);
  });
});
