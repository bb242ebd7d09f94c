import { MessageFlags } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { FAKE_IDS } from '../support/fakeDiscord.js';
import { autocomplete } from '../support/interactions.js';
import { channelOption, command, episode, episodes, postsTitled, roleOption } from './support.js';
import { useTestRig } from './useTestRig.js';

/**
 * Following a feed with /feed add and announcing its new episodes, through the real path: the discord.js client
 * against the fake Discord, a real HTTP feed host on 127.0.0.1, SQLite, the real poller and announcer.
 */

const rig = useTestRig({ database: 'memory' });

async function follow(path: string, channelId: string = rig.fake.channelId, extra: Record<string, unknown> = {}): Promise<void> {
  await command(rig.fake, 'announce channel', { channel: channelOption(channelId), ...(extra as Record<string, string>) }, { admin: true });
  const reply = await command(rig.fake, 'feed add', { url: rig.host.url(path) }, { admin: true });
  expect(reply.content).toMatch(/^Following \*\*/);
}

describe('/feed add and announcements', () => {
  it('follows a feed with a preview, posts nothing for its back catalogue, then posts a new episode exactly once', async () => {
    rig.host.feeds.set('/show.xml', { title: 'Fixture Show', episodes: episodes('show', 3) });
    const bot = await rig.start();
    await command(rig.fake, 'announce channel', { channel: channelOption(rig.fake.channelId) }, { admin: true });
    const reply = await command(rig.fake, 'feed add', { url: rig.host.url('/show.xml') }, { admin: true });

    expect(reply.flags).toBe(MessageFlags.Ephemeral);
    expect(reply.content).toBe('Following **Fixture Show**: 3 episodes so far. New episodes will be announced where /announce channel says.');
    const preview = reply.embeds?.[0];
    expect(preview?.title).toBe('Fixture Show');
    expect(preview?.fields?.find((f) => f.name === 'Latest episode')?.value).toContain('show episode 3');

    await bot.poll();
    expect(rig.fake.messages(rig.fake.channelId).filter((m) => m.embeds.length > 0 && !m.interaction_metadata)).toHaveLength(0);

    rig.host.addEpisode('/show.xml', episode('show', 4));
    await bot.poll();
    await bot.poll();
    await bot.poll();
    expect(postsTitled(rig.fake, rig.fake.channelId, 'show episode 4')).toBe(1);
    const post = rig.fake.messages(rig.fake.channelId).find((m) => m.embeds[0]?.title === 'show episode 4')!;
    const request = rig.fake.requests.find((r) => r.method === 'POST' && r.path === `/channels/${rig.fake.channelId}/messages`);
    expect(request?.body).toMatchObject({ enforce_nonce: true, allowed_mentions: { parse: [] } });
    expect(post.embeds[0]?.url).toBe(rig.host.url('/episodes/show-4'));
    expect(post.embeds[0]?.author?.name).toBe('Fixture Show');
    expect(post.embeds[0]?.thumbnail?.url).toBe(rig.host.url('/cover.jpg'));
    expect(post.embeds[0]?.description).toContain('42 min');
    // Chapters from the show notes, each a link to that second of the audio.
    expect(post.embeds[0]?.description).toContain(`[\`5:00\`](${rig.host.url('/audio/show-4.mp3')}#t=300) The middle`);
    // Later polls were conditional GETs answered 304: no second post, no parse.
    expect(rig.host.notModified.get('/show.xml') ?? 0).toBeGreaterThanOrEqual(2);

    // The new podcast is in this guild's scope for the listener commands.
    const latest = await command(rig.fake, 'latest', { podcast: 'Fixture Show', count: 1 });
    expect(latest.embeds?.[0]?.title).toBe('show episode 4');
  });

  it('mentions only the configured role, with allowed_mentions limited to it', async () => {
    rig.host.feeds.set('/show.xml', { title: 'Ping Show', episodes: episodes('ping', 1) });
    const bot = await rig.start();
    await follow('/show.xml', rig.fake.channelId, { role: roleOption(FAKE_IDS.moderatorRoleId) });
    rig.host.addEpisode('/show.xml', { ...episode('ping', 2), title: 'Ping @everyone <@123456789012345678> **bold**' });
    await bot.poll();
    const sent = rig.fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${rig.fake.channelId}/messages`);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.body).toMatchObject({ content: `<@&${FAKE_IDS.moderatorRoleId}>`, allowed_mentions: { parse: [], roles: [FAKE_IDS.moderatorRoleId] } });
    // Feed text is a title here; the embed description escapes what it quotes.
    const embed = (sent[0]?.body as { embeds: { title: string; description: string }[] }).embeds[0]!;
    expect(embed.title).toBe('Ping @everyone <@123456789012345678> **bold**');
    expect(embed.description).toContain('All about Ping @\u200beveryone \\<@123456789012345678\\> \\*\\*bold\\*\\*');
  });

  it('publishes (crossposts) in an announcement channel when asked', async () => {
    rig.host.feeds.set('/news.xml', { title: 'News Show', episodes: episodes('news', 1) });
    const bot = await rig.start();
    await follow('/news.xml', rig.fake.newsChannelId, { publish: true as unknown as string });
    rig.host.addEpisode('/news.xml', episode('news', 2));
    await bot.poll();
    const post = rig.fake.messages(rig.fake.newsChannelId).find((m) => m.embeds[0]?.title === 'news episode 2');
    expect(post).toBeDefined();
    expect((post!.flags ?? 0) & MessageFlags.Crossposted).toBe(MessageFlags.Crossposted);
    expect(rig.fake.requests.filter((r) => r.path.endsWith('/crosspost'))).toHaveLength(1);
  });

  it('opens one forum post per episode in a forum channel, tagged Episode', async () => {
    rig.host.feeds.set('/forum.xml', { title: 'Forum Show', episodes: episodes('forum', 1) });
    const bot = await rig.start();
    await follow('/forum.xml', rig.fake.forumChannelId);
    rig.host.addEpisode('/forum.xml', episode('forum', 2));
    rig.host.addEpisode('/forum.xml', episode('forum', 3));
    await bot.poll();
    await bot.poll();
    const posts = rig.fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${rig.fake.forumChannelId}/threads`);
    expect(posts.map((r) => (r.body as { name: string }).name)).toEqual(['forum episode 2', 'forum episode 3']);
    expect(posts[0]?.body).toMatchObject({ applied_tags: [FAKE_IDS.forumTagEpisodeId], message: { embeds: [{ title: 'forum episode 2' }] } });
  });

  it('fetches Podcasting 2.0 chapters for a new episode and shows them ahead of the show notes', async () => {
    rig.host.feeds.set('/json.xml', { title: 'Json Show', episodes: episodes('json', 1) });
    rig.host.files.set('/chapters/json-2.json', [
      'application/json+chapters',
      JSON.stringify({ version: '1.2.0', chapters: [{ startTime: 0, title: 'Cold open' }, { startTime: 90.5, title: 'Interview' }, { startTime: 30, title: 'Hidden', toc: false }] }),
    ]);
    const bot = await rig.start();
    await follow('/json.xml');
    rig.host.addEpisode('/json.xml', { ...episode('json', 2), chaptersUrl: rig.host.url('/chapters/json-2.json') });
    await bot.poll();
    const post = rig.fake.messages(rig.fake.channelId).find((m) => m.embeds[0]?.title === 'json episode 2');
    expect(post?.embeds[0]?.description).toContain('[`1:30`](');
    expect(post?.embeds[0]?.description).toContain('Interview');
    const chapterSection = post?.embeds[0]?.description?.split('**Chapters**\n')[1];
    expect(chapterSection?.split('\n').map((l) => l.replace(/^\[`[^`]+`\]\([^)]+\) /, ''))).toEqual(['Cold open', 'Interview']);
    // Cached with the episode: later 200s do not fetch it again.
    rig.host.addEpisode('/json.xml', episode('json', 3));
    await bot.poll();
    expect(rig.host.requests.get('/chapters/json-2.json')).toBe(1);
    const chapters = await command(rig.fake, 'chapters', { episode: 'json episode 2' });
    expect(chapters.embeds?.[0]?.footer?.text).toBe('Chapters from Podcasting 2.0 chapters');
  });

  it('refuses /feed and /announce to a member without Manage Server, and registers them for managers only', async () => {
    rig.host.feeds.set('/show.xml', { title: 'Fixture Show', episodes: episodes('show', 1) });
    await rig.start();
    for (const [name, options] of [
      ['feed add', { url: rig.host.url('/show.xml') }],
      ['feed list', {}],
      ['announce channel', { channel: channelOption(rig.fake.channelId) }],
      ['announce test', {}],
    ] as const) {
      const reply = await command(rig.fake, name, options);
      expect(reply.flags).toBe(MessageFlags.Ephemeral);
      expect(reply.content).toBe('⚠️ Only members with the Manage Server permission can do this.');
    }
    expect(rig.host.requests.get('/show.xml') ?? 0).toBe(0);
    const registered = rig.fake.guildCommands(rig.fake.guildId) as { name: string; default_member_permissions?: string | null }[];
    expect(registered.find((c) => c.name === 'feed')?.default_member_permissions).toBe('32');
    expect(registered.find((c) => c.name === 'announce')?.default_member_permissions).toBe('32');
  });

  it('lists followed feeds with episodes, checks and errors; removes one picked by autocomplete', async () => {
    rig.host.feeds.set('/a.xml', { title: 'Alpha Show', episodes: episodes('alpha', 2) });
    rig.host.feeds.set('/b.xml', { title: 'Beta Show', episodes: episodes('beta', 1) });
    const bot = await rig.start();
    await follow('/a.xml');
    await command(rig.fake, 'feed add', { url: rig.host.url('/b.xml') }, { admin: true });
    rig.host.feeds.get('/b.xml')!.failWith = 503;
    await bot.poll();

    const list = await command(rig.fake, 'feed list', {}, { admin: true });
    const fields = list.embeds?.[0]?.fields ?? [];
    expect(fields.map((f) => f.name)).toEqual(['Alpha Show', 'Beta Show']);
    expect(fields[0]?.value).toMatch(/^Episodes: 2 · Last check: <t:\d+:R> · Next check: <t:\d+:R>/);
    expect(fields[1]?.value).toContain('Last error: Could not fetch');
    expect(fields[1]?.value).toContain('HTTP 503');

    const choices = await rig.fake.sendInteraction(autocomplete('feed remove', { podcast: 'bet' }, { admin: true }));
    const choice = (choices as { data?: { choices?: { name: string; value: string }[] } }).data?.choices?.[0];
    expect(choice?.name).toBe('Beta Show');
    const removed = await command(rig.fake, 'feed remove', { podcast: choice!.value }, { admin: true });
    expect(removed.content).toBe('Stopped following **Beta Show**.');
    const after = await command(rig.fake, 'feed list', {}, { admin: true });
    expect(after.embeds?.[0]?.fields?.map((f) => f.name)).toEqual(['Alpha Show']);
  });

  it('posts a marked test announcement with /announce test without recording it', async () => {
    rig.host.feeds.set('/show.xml', { title: 'Fixture Show', episodes: episodes('show', 2) });
    const bot = await rig.start();
    await follow('/show.xml', rig.fake.channelId, { role: roleOption(FAKE_IDS.moderatorRoleId) });
    const reply = await command(rig.fake, 'announce test', {}, { admin: true });
    expect(reply.content).toBe(`Posted a test announcement in <#${rig.fake.channelId}>.`);
    const sent = rig.fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${rig.fake.channelId}/messages`);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.body).toMatchObject({ allowed_mentions: { parse: [] }, embeds: [{ title: 'show episode 2' }] });
    expect((sent[0]?.body as { content: string }).content).toContain('🧪 Test');
    expect(await bot.running.services.store.pendingIntents()).toEqual([]);
    expect(await bot.running.services.store.wasAnnounced(rig.fake.guildId, rig.host.url('/show.xml'), 'show-2')).toBe(false);
  });
});
