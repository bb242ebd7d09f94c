import path from 'node:path';
import Database from 'better-sqlite3';
import { ChannelType, type APIMessage } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { FAKE_IDS } from '../support/fakeDiscord.js';
import { channelOption, command, episode, episodes } from './support.js';
import { useTestRig } from './useTestRig.js';

/**
 * A discussion thread per episode (issue 17, item 3): `/announce channel thread:true` through the real discord.js
 * client against the fake Discord, a local feed host and a real SQLite file; exactly once across failures and
 * restarts, as the post itself.
 */

const rig = useTestRig();

const thread = true as unknown as string;

/** The bot's post of an episode in a channel. */
function postOf(channelId: string, title: string): APIMessage | undefined {
  return rig.fake.messages(channelId).find((m) => m.embeds[0]?.title === title && !m.interaction_metadata);
}

/** The threads the fake holds on a parent channel. */
function threadsIn(parentId: string): { id: string; name: string; type: number; applied_tags?: string[]; thread_metadata: { auto_archive_duration: number } }[] {
  return rig.fake.requests
    .filter((r) => r.method === 'POST' && r.path.endsWith('/threads') && r.status < 300)
    .map((r) => rig.fake.getChannel((r.responseBody as { id: string }).id))
    .filter((c) => c?.['parent_id'] === parentId) as never;
}

function chapterPosts(threadId: string): APIMessage[] {
  return rig.fake.messages(threadId).filter((m) => m.embeds[0]?.title === 'Chapters');
}

describe('a discussion thread per episode', () => {
  it('starts a thread on each post, named for the episode, its first message the chapters with timestamp links', async () => {
    rig.host.feeds.set('/show.xml', { title: 'Thread Show', episodes: episodes('show', 1) });
    const bot = await rig.start();
    const set = await command(rig.fake, 'announce channel', { channel: channelOption(rig.fake.channelId), thread }, { admin: true });
    expect(set.content).toContain('each with a discussion thread holding its chapters');
    await command(rig.fake, 'feed add', { url: rig.host.url('/show.xml') }, { admin: true });
    rig.host.addEpisode('/show.xml', { ...episode('show', 2), title: `Episode two ${'🎙️'.repeat(60)}` });
    await bot.poll();

    const post = postOf(rig.fake.channelId, `Episode two ${'🎙️'.repeat(60)}`);
    expect(post).toBeDefined();
    const threads = threadsIn(rig.fake.channelId);
    expect(threads).toHaveLength(1);
    // A thread on the post: the post's id, within 100 characters as Discord counts them, archived after a week.
    expect(threads[0]?.id).toBe(post!.id);
    expect(threads[0]?.type).toBe(ChannelType.PublicThread);
    expect([...threads[0]!.name].length).toBeLessThanOrEqual(100);
    expect(threads[0]?.name.startsWith('Episode two 🎙️')).toBe(true);
    expect(threads[0]?.thread_metadata.auto_archive_duration).toBe(10080);
    const inThread = rig.fake.messages(post!.id);
    expect(inThread).toHaveLength(1);
    expect(inThread[0]?.embeds[0]?.title).toBe('Chapters');
    expect(inThread[0]?.embeds[0]?.description).toBe(
      [
        `[\`0:00\`](${rig.host.url('/audio/show-2.mp3')}#t=0) Hello`,
        `[\`5:00\`](${rig.host.url('/audio/show-2.mp3')}#t=300) The middle`,
        `[\`10:00\`](${rig.host.url('/audio/show-2.mp3')}#t=600) Goodbye`,
      ].join('\n'),
    );
    await expect(bot.running.services.store.getAnnouncement(rig.fake.guildId, rig.host.url('/show.xml'), 'show-2')).resolves.toMatchObject({
      thread: { status: 'done', threadId: post!.id, attempts: 0 },
    });
    await bot.poll();
    await bot.poll();
    expect(threadsIn(rig.fake.channelId)).toHaveLength(1);
    expect(rig.fake.messages(post!.id)).toHaveLength(1);
  });

  it('makes the thread once across a failure and a restart between the post and its thread, and between the thread and its chapters', async () => {
    rig.host.feeds.set('/show.xml', { title: 'Crash Show', episodes: episodes('crash', 1) });
    const first = await rig.start();
    await command(rig.fake, 'announce channel', { channel: channelOption(rig.fake.channelId), thread }, { admin: true });
    await command(rig.fake, 'feed add', { url: rig.host.url('/show.xml') }, { admin: true });

    // The post is made, then Discord fails every try at its thread: the thread is owed in the ledger.
    rig.fake.failNext('POST', /^\/channels\/\d+\/messages\/\d+\/threads$/, { status: 500, times: 20 });
    rig.host.addEpisode('/show.xml', episode('crash', 2));
    await first.poll();
    const post = postOf(rig.fake.channelId, 'crash episode 2');
    expect(post).toBeDefined();
    expect(threadsIn(rig.fake.channelId)).toHaveLength(0);
    const owed = await first.running.services.store.getAnnouncement(rig.fake.guildId, rig.host.url('/show.xml'), 'crash-2');
    expect(owed?.thread).toMatchObject({ status: 'pending', attempts: 1 });
    expect(owed?.thread?.threadId).toBeUndefined();
    const list = await command(rig.fake, 'feed list', {}, { admin: true });
    expect(JSON.stringify(list.embeds)).toContain('“crash episode 2” posted but its discussion thread not started yet (1 failed attempt, next try');
    await rig.stop(first);
    rig.fake.clearFailures();

    // The next episode's thread is made, but its chapter list fails: the thread's id is kept, the list owed.
    const second = await rig.start();
    await second.poll();
    expect(threadsIn(rig.fake.channelId).map((t) => t.id)).toEqual([post!.id]);
    expect(chapterPosts(post!.id)).toHaveLength(1);
    // Posts in any channel but the announcement channel: the new thread.
    rig.fake.failNext('POST', new RegExp(`^/channels/(?!${rig.fake.channelId}/)\\d+/messages$`), { status: 500, times: 20 });
    rig.host.addEpisode('/show.xml', episode('crash', 3));
    await second.poll();
    const third = postOf(rig.fake.channelId, 'crash episode 3');
    expect(third).toBeDefined();
    expect(threadsIn(rig.fake.channelId).map((t) => t.id)).toContain(third!.id);
    expect(chapterPosts(third!.id)).toHaveLength(0);
    expect((await second.running.services.store.getAnnouncement(rig.fake.guildId, rig.host.url('/show.xml'), 'crash-3'))?.thread).toMatchObject({
      status: 'pending',
      threadId: third!.id,
    });
    await rig.stop(second);
    rig.fake.clearFailures();

    // Days later (past Discord's nonce window), a restart: every thread once, every chapter list once.
    rig.clock.advance(3 * 86_400_000);
    rig.fake.advanceTime(3 * 86_400_000);
    const last = await rig.start();
    await last.poll();
    await last.poll();
    expect(threadsIn(rig.fake.channelId).map((t) => t.id).sort()).toEqual([post!.id, third!.id].sort());
    expect(chapterPosts(post!.id)).toHaveLength(1);
    expect(chapterPosts(third!.id)).toHaveLength(1);
    expect(rig.fake.messages(rig.fake.channelId).filter((m) => m.embeds[0]?.title === 'crash episode 2')).toHaveLength(1);
    expect(rig.fake.messages(rig.fake.channelId).filter((m) => m.embeds[0]?.title === 'crash episode 3')).toHaveLength(1);
  });

  it('finds a thread Discord made but the ledger never heard of (160004), and posts no second chapter list', async () => {
    rig.host.feeds.set('/show.xml', { title: 'Lost Show', episodes: episodes('lost', 1) });
    const first = await rig.start();
    await command(rig.fake, 'announce channel', { channel: channelOption(rig.fake.channelId), thread }, { admin: true });
    await command(rig.fake, 'feed add', { url: rig.host.url('/show.xml') }, { admin: true });
    rig.host.addEpisode('/show.xml', episode('lost', 2));
    await first.poll();
    const post = postOf(rig.fake.channelId, 'lost episode 2')!;
    expect(chapterPosts(post.id)).toHaveLength(1);
    await rig.stop(first);

    // As if the process died after Discord made the thread and its list but before either was recorded.
    const db = new Database(path.join(rig.temp.dir, 'podcord.db'));
    db.prepare(`UPDATE announcements SET thread_status = 'pending', thread_id = NULL`).run();
    db.close();

    const second = await rig.start();
    await second.poll();
    expect(rig.fake.requests.some((r) => r.path === `/channels/${rig.fake.channelId}/messages/${post.id}/threads` && r.status === 400)).toBe(true);
    expect(threadsIn(rig.fake.channelId)).toHaveLength(1);
    expect(chapterPosts(post.id)).toHaveLength(1);
    expect(await second.running.services.store.getAnnouncement(rig.fake.guildId, rig.host.url('/show.xml'), 'lost-2')).toMatchObject({
      thread: { status: 'done', threadId: post.id },
    });
  });

  it('in a forum: one post per episode with the podcast’s tag and the episode tag, its chapters in the post', async () => {
    rig.host.feeds.set('/forum.xml', { title: 'The Forum Show', episodes: episodes('forum', 1) });
    const forum = rig.fake.getChannel(rig.fake.forumChannelId)!;
    (forum['available_tags'] as unknown[]).push({ id: '1450000000000000003', name: 'the forum show', moderated: false, emoji_id: null, emoji_name: null });
    const bot = await rig.start();
    await command(rig.fake, 'announce channel', { channel: channelOption(rig.fake.forumChannelId), thread }, { admin: true });
    await command(rig.fake, 'feed add', { url: rig.host.url('/forum.xml') }, { admin: true });
    rig.host.addEpisode('/forum.xml', episode('forum', 2));
    await bot.poll();
    await bot.poll();
    const posts = threadsIn(rig.fake.forumChannelId);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.name).toBe('forum episode 2');
    expect(posts[0]?.applied_tags).toEqual(['1450000000000000003', FAKE_IDS.forumTagEpisodeId]);
    const inPost = rig.fake.messages(posts[0]!.id);
    expect(inPost.map((m) => m.embeds[0]?.title)).toEqual(['forum episode 2', 'Chapters']);
  });
});
