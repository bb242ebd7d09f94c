import type { APIApplicationCommandAutocompleteResponse, APIInteractionResponseCallbackData } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { episodeKey } from '../../src/data/catalog.js';
import { FAKE_IDS, startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.js';
import { autocomplete, button, focused } from '../support/interactions.js';
import { channelOption, command, data, episode, postsTitled, startFeedHost, startTestBot, type FeedHost, type StartedBot } from './support.js';

/**
 * Two servers through the whole bot (the real discord.js client against the fake Discord, which has both guilds,
 * feeds over HTTP, SQLite): server B follows a feed with a word nobody else has; server A must not see that word, its
 * episodes or its channels in any answer, however it asks.
 */

interface Where {
  guildId: string;
  channelId: string;
}
const A: Where = { guildId: FAKE_IDS.guildId, channelId: FAKE_IDS.textChannelId };
const B: Where = { guildId: FAKE_IDS.otherGuildId, channelId: FAKE_IDS.otherTextChannelId };

let fake: FakeDiscord;
let host: FeedHost;
let bot: StartedBot;
let theirsKey: string;

beforeAll(async () => {
  fake = await startFakeDiscord({ otherGuild: true });
  host = await startFeedHost();
  host.feeds.set('/ours.xml', { title: 'Our Kitchen', episodes: [{ ...episode('ours', 1), title: 'Quokkabread for beginners' }] });
  host.feeds.set('/theirs.xml', {
    title: 'Their Secret Show',
    episodes: [{ ...episode('theirs', 1), title: 'The quokkafest chronicles', description: 'Backstage at the quokkafest.\n0:00 Hello\n5:00 The middle\n10:00 Goodbye' }],
  });
  // One failure pauses a feed, for the paused notice below.
  bot = await startTestBot(fake, {}, { pauseAfterFailures: 1 });
  const ours = await command(fake, 'feed add', { url: host.url('/ours.xml') }, { admin: true, ...A });
  expect(ours.content).toContain('Following **Our Kitchen**');
  const theirs = await command(fake, 'feed add', { url: host.url('/theirs.xml') }, { admin: true, ...B });
  expect(theirs.content).toContain('Following **Their Secret Show**');
  // What anyone can work out from the feed's address and the episode's guid.
  theirsKey = episodeKey(host.url('/theirs.xml'), 'theirs-1');
}, 60_000);

afterAll(async () => {
  await bot?.running.stop();
  await fake?.close();
  await host?.close();
});

async function topicCompletions(query: string, where: Where): Promise<string[]> {
  const callback = (await fake.sendInteraction(autocomplete('topic', { query: focused(query) }, where), 10_000)) as APIApplicationCommandAutocompleteResponse;
  return (callback.data.choices ?? []).map((c) => String(c.value));
}

async function press(customId: string, where: Where): Promise<APIInteractionResponseCallbackData> {
  return data(await fake.sendInteraction(button(customId, undefined, where), 10_000));
}

describe('what another server follows stays there', () => {
  it('completes /topic words from this server’s podcasts only', async () => {
    expect(await topicCompletions('quokk', B)).toContain('quokkafest');
    const inA = await topicCompletions('quokk', A);
    expect(inA).toContain('quokkabread');
    expect(inA).not.toContain('quokkafest');
    expect(await topicCompletions('quokkaf', A)).toEqual([]);
  });

  it('finds nothing of the other server with /topic, and suggests none of its words', async () => {
    const inB = await command(fake, 'topic', { query: 'quokkafest' }, B);
    expect(JSON.stringify(inB.embeds)).toContain('quokkafest');
    const inA = await command(fake, 'topic', { query: 'quokkafest' }, A);
    expect(inA.content).toMatch(/^⚠️ /);
    expect(inA.embeds ?? []).toEqual([]);
    // A typo would be answered with "did you mean" from the index's dictionary.
    const typo = await command(fake, 'topic', { query: 'quokkafesd' }, A);
    expect(typo.content).toMatch(/^⚠️ /);
    expect(JSON.stringify(typo)).not.toContain('quokkafest');
  });

  it('answers a button carrying the other server’s episode key as if the episode did not exist', async () => {
    const inB = await press(`chapters:${theirsKey}:0`, B);
    expect(inB.embeds?.[0]?.title).toContain('The quokkafest chronicles');
    const missing = await press(`chapters:${'x'.repeat(theirsKey.length)}:0`, A);
    for (const customId of [`chapters:${theirsKey}:0`, `episode-chapters:${theirsKey}`]) {
      const inA = await press(customId, A);
      expect(inA.content, customId).toBe(missing.content);
      expect(inA.content, customId).toMatch(/^⚠️ /);
      expect(JSON.stringify(inA), customId).not.toContain('quokkafest');
    }
  });

  it('resolves neither the other server’s episode key nor its podcast in commands and their autocomplete', async () => {
    expect(JSON.stringify(await command(fake, 'episode', { episode: theirsKey }, A))).not.toContain('quokkafest');
    expect(JSON.stringify(await command(fake, 'chapters', { episode: theirsKey }, A))).not.toContain('quokkafest');
    const latest = await command(fake, 'latest', { podcast: 'Their Secret Show' }, A);
    expect(latest.content).toMatch(/^⚠️ /);
    const choices = (await fake.sendInteraction(autocomplete('episode', { episode: focused('quokka') }, A), 10_000)) as APIApplicationCommandAutocompleteResponse;
    expect((choices.data.choices ?? []).map((c) => c.name)).toEqual([expect.stringContaining('Quokkabread')]);
  });

  it('refuses /announce channel with a channel of another server, or one the bot cannot see, and keeps nothing', async () => {
    const store = bot.running.services.store;
    const refusals: [string, RegExp][] = [
      [B.channelId, /^⚠️ That channel belongs to another server/],
      // A guild the bot is not in (Discord answers 403), and no channel at all (404).
      [FAKE_IDS.strangerChannelId, /^⚠️ The bot cannot post there/],
      ['1399999999999999999', /^⚠️ The bot cannot post there/],
    ];
    for (const [channel, refusal] of refusals) {
      const reply = await command(fake, 'announce channel', { channel: channelOption(channel) }, { admin: true, ...A });
      expect(reply.content, channel).toMatch(refusal);
      expect(reply.flags, channel).toBe(64);
      expect(await store.getAnnouncementSettings(A.guildId), channel).toBeUndefined();
    }
    // The other server's channel was known from the gateway; the rest were asked of Discord.
    const asked = fake.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/channels/')).map((r) => [r.path, r.status]);
    expect(asked).toEqual([
      [`/channels/${FAKE_IDS.strangerChannelId}`, 403],
      ['/channels/1399999999999999999', 404],
    ]);
    const own = await command(fake, 'announce channel', { channel: channelOption(A.channelId) }, { admin: true, ...A });
    expect(own.content).toContain(`<#${A.channelId}>`);
    expect((await store.getAnnouncementSettings(A.guildId))?.channelId).toBe(A.channelId);
  });

  it('does not post to another server’s channel a setting points at, and logs why', async () => {
    const store = bot.running.services.store;
    // A setting made before /announce channel checked the channel's server.
    await store.setAnnouncementSettings(A.guildId, { channelId: B.channelId, publish: false, enabled: true });
    host.addEpisode('/ours.xml', { ...episode('ours', 2), title: 'Quokkabread, the sequel' });
    await bot.poll();
    expect(postsTitled(fake, B.channelId, 'Quokkabread, the sequel')).toBe(0);
    expect(fake.messages(B.channelId).filter((m) => JSON.stringify(m).includes('Quokkabread'))).toEqual([]);
    const dropped = bot.logs.map((l) => JSON.parse(l) as { msg?: string; reason?: string; channelId?: string }).filter((l) => l.msg === 'announcement given up');
    expect(dropped).toEqual([expect.objectContaining({ channelId: B.channelId, reason: expect.stringMatching(/another server/) })]);

    // Nor the notice that the feed was paused.
    host.feeds.get('/ours.xml')!.failWith = 500;
    await bot.poll();
    expect(await store.getFetchState(host.url('/ours.xml'))).toMatchObject({ paused: true, pausedNoticeSent: true });
    await bot.running.services.announcer?.idle();
    expect(fake.messages(B.channelId).filter((m) => m.content.startsWith('⏸️'))).toEqual([]);
    const notPosted = bot.logs.map((l) => JSON.parse(l) as { msg?: string; reason?: string; channelId?: string }).filter((l) => l.msg === 'paused notice not posted');
    expect(notPosted).toEqual([expect.objectContaining({ channelId: B.channelId, reason: expect.stringMatching(/another server/) })]);
  });
});
