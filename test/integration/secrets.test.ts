import { InteractionResponseType, MessageFlags, type APIEmbed, type APIInteractionResponseCallbackData } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/SqliteStore.js';
import { autocomplete, chatInput } from '../support/interactions.js';
import { channelOption, command, episode, episodes, postsTitled, type StartedBot } from './support.js';
import { useTestRig } from './useTestRig.js';

/**
 * A private feed's `user:password@` (HTTP Basic auth) is used to fetch it and shown nowhere: not in a reply, a post or a
 * log line, even when /feed add is slow enough to be deferred, and not when the fetch fails.
 */

const USER = 'fan-7f3a9c';
/** With an @, so the URL holds it percent-encoded: both spellings must stay hidden. */
const PASSWORD = 'hunter2@S3cret-q81';
const SECRETS = [PASSWORD, encodeURIComponent(PASSWORD), USER];

const rig = useTestRig({ database: 'memory' });

/** The feed's address as a listener pastes it: credentials in the URL. */
function withLogin(pathname: string, password = PASSWORD): string {
  return `http://${USER}:${encodeURIComponent(password)}@127.0.0.1:${rig.host.port}${pathname}`;
}

/** A gate the feed host waits on before answering: opened once the bot has deferred, so the fetch takes > 2 s. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

function expectNoSecretSent(started: StartedBot): void {
  const sent = JSON.stringify(rig.fake.requests.map((r) => r.body));
  const logged = started.logs.join('');
  expect(logged).toContain('feed check failed'); // the capture works: the log lines are there
  for (const secret of SECRETS) {
    expect(sent).not.toContain(secret);
    expect(logged).not.toContain(secret);
  }
}

describe('a private feed (HTTP Basic auth in its URL)', () => {
  it('a slow /feed add is deferred ephemerally and shows the address without the password; polls still log in', async () => {
    const slow = gate();
    rig.host.feeds.set('/private.xml', { title: 'Members Only', episodes: episodes('members', 2), basicAuth: { username: USER, password: PASSWORD }, holdUntil: slow.promise });
    const bot = await rig.start({}, { pauseAfterFailures: 1 });
    await command(rig.fake, 'announce channel', { channel: channelOption(rig.fake.channelId) }, { admin: true });

    const callback = await rig.fake.sendInteraction(chatInput('feed add', { url: withLogin('/private.xml') }, { admin: true }), 10_000);
    expect(callback).toEqual({ type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: MessageFlags.Ephemeral } });
    slow.open();
    const edit = await rig.fake.waitForRequest((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original'), 20_000);
    const preview = edit.body as APIInteractionResponseCallbackData;
    expect(preview.content).toContain('Following **Members Only**: 2 episodes so far.');
    expect(preview.embeds?.[0]?.footer?.text).toBe(rig.host.url('/private.xml'));
    const shown = rig.fake.messages(rig.fake.channelId).find((m) => m.embeds[0]?.title === 'Members Only');
    expect((shown?.flags ?? 0) & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);

    // Known by its address alone, fetched with the credentials kept apart: a new episode is found and posted.
    expect(await bot.running.services.store.getFetchState(rig.host.url('/private.xml'))).toBeDefined();
    rig.host.addEpisode('/private.xml', episode('members', 3));
    await bot.poll();
    expect(postsTitled(rig.fake, rig.fake.channelId, 'members episode 3')).toBe(1);

    const list = await command(rig.fake, 'feed list', {}, { admin: true });
    expect(list.flags).toBe(MessageFlags.Ephemeral);
    expect(list.embeds?.[0]?.fields?.[0]).toMatchObject({ name: 'Members Only', value: expect.stringContaining(`<${rig.host.url('/private.xml')}>`) });

    // The password is changed on the server: the failure is told (list, paused notice) with the address masked.
    rig.host.feeds.get('/private.xml')!.basicAuth = { username: USER, password: 'changed' };
    await bot.poll();
    // Markdown-escaped there, as all feed text is: Discord shows ***.
    const failure = `Could not fetch http://\\*\\*\\*@127.0.0.1:${rig.host.port}/private.xml: the server answered HTTP 401 Unauthorized.`;
    const notice = rig.fake.messages(rig.fake.channelId).find((m) => m.content.startsWith('⏸️'));
    expect(notice?.content).toContain(`Last error: ${failure}`);
    const listed = await command(rig.fake, 'feed list', {}, { admin: true });
    expect(listed.embeds?.[0]?.fields?.[0]?.value).toContain(`Last error: ${failure}`);

    expectNoSecretSent(bot);
  });

  it('a slow /feed add that fails answers only the asker, without the password', async () => {
    const slow = gate();
    rig.host.feeds.set('/private.xml', { title: 'Members Only', episodes: episodes('members', 1), basicAuth: { username: USER, password: 'the right one' }, holdUntil: slow.promise });
    const bot = await rig.start();

    const callback = await rig.fake.sendInteraction(chatInput('feed add', { url: withLogin('/private.xml') }, { admin: true }), 10_000);
    expect(callback).toEqual({ type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: MessageFlags.Ephemeral } });
    slow.open();
    const edit = await rig.fake.waitForRequest((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original'), 20_000);
    // Markdown-escaped, as everything a reply echoes: Discord shows ***.
    const error = `⚠️ Could not fetch http://\\*\\*\\*@127.0.0.1:${rig.host.port}/private.xml: the server answered HTTP 401 Unauthorized.`;
    expect((edit.body as APIInteractionResponseCallbackData).content).toBe(error);
    const shown = rig.fake.messages(rig.fake.channelId).find((m) => m.content === error);
    expect((shown?.flags ?? 0) & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    // Nothing public was left behind.
    expect(rig.fake.messages(rig.fake.channelId).filter((m) => ((m.flags ?? 0) & MessageFlags.Ephemeral) === 0)).toEqual([]);

    const sent = JSON.stringify(rig.fake.requests.map((r) => r.body)) + bot.logs.join('');
    for (const secret of SECRETS) expect(sent).not.toContain(secret);
  });

  it('a private feed that moves permanently to an address with credentials is known there without them', async () => {
    rig.host.feeds.set('/old.xml', { title: 'Moving Members', episodes: episodes('moving', 2), basicAuth: { username: USER, password: PASSWORD } });
    const bot = await rig.start();
    await command(rig.fake, 'announce channel', { channel: channelOption(rig.fake.channelId) }, { admin: true });
    await command(rig.fake, 'feed add', { url: withLogin('/old.xml') }, { admin: true });
    rig.host.feeds.set('/new.xml', { ...rig.host.feeds.get('/old.xml')!, episodes: [...episodes('moving', 2), episode('moving', 3)] });
    rig.host.feeds.set('/old.xml', { title: 'x', episodes: [], redirectTo: { status: 301, location: withLogin('/new.xml') } });
    await bot.poll();
    rig.host.addEpisode('/new.xml', episode('moving', 4));
    await bot.poll();
    expect(postsTitled(rig.fake, rig.fake.channelId, 'moving episode 3')).toBe(1);
    expect(postsTitled(rig.fake, rig.fake.channelId, 'moving episode 4')).toBe(1);
    const list = await command(rig.fake, 'feed list', {}, { admin: true });
    expect(list.embeds?.[0]?.fields?.[0]?.value).toContain(`<${rig.host.url('/new.xml')}>`);
    rig.host.feeds.get('/new.xml')!.failWith = 500;
    await bot.poll();
    expectNoSecretSent(bot);
  });

  it('a feed an earlier version stored with the password in its address is shown and logged masked', async () => {
    const opened = openSqliteStore(rig.temp.dbUrl());
    if (!opened.ok) throw new Error(opened.error);
    await opened.value.follow(rig.fake.guildId, withLogin('/legacy.xml'), { seenEpisodeIds: [] });
    await opened.value.close();
    rig.host.feeds.set('/legacy.xml', { title: 'Legacy Members', episodes: episodes('legacy', 2), basicAuth: { username: USER, password: PASSWORD } });
    const bot = await rig.start({ DATABASE_URL: rig.temp.dbUrl() }, { pauseAfterFailures: 1 });
    const masked = `http://***@127.0.0.1:${rig.host.port}/legacy.xml`;

    // Not fetched yet, so known only by its address: offered and listed masked.
    const offered = await rig.fake.sendInteraction(autocomplete('feed remove', { podcast: '' }, { admin: true }), 10_000);
    expect(offered).toMatchObject({ data: { choices: [{ name: masked }] } });
    const list = await command(rig.fake, 'feed list', {}, { admin: true });
    expect(list.embeds?.[0]?.fields?.[0]).toMatchObject({ name: masked, value: expect.stringContaining(`<${masked}>`) });

    await command(rig.fake, 'announce channel', { channel: channelOption(rig.fake.channelId) }, { admin: true });
    await bot.poll();
    rig.host.addEpisode('/legacy.xml', episode('legacy', 3));
    await bot.poll();
    expect(postsTitled(rig.fake, rig.fake.channelId, 'legacy episode 3')).toBe(1);
    rig.host.feeds.get('/legacy.xml')!.failWith = 500;
    await bot.poll();
    expect(rig.fake.messages(rig.fake.channelId).find((m) => m.content.startsWith('⏸️'))?.content).toContain('**Legacy Members**');
    expectNoSecretSent(bot);
  });

  it('an operator feed (FEEDS) with credentials is fetched with them and listed without them', async () => {
    rig.host.feeds.set('/operator.xml', { title: 'Operator Private', episodes: episodes('op', 2), basicAuth: { username: USER, password: PASSWORD } });
    const bot = await rig.start({ FEEDS: withLogin('/operator.xml') }, { pauseAfterFailures: 1 });
    await command(rig.fake, 'announce channel', { channel: channelOption(rig.fake.channelId) }, { admin: true });
    rig.host.addEpisode('/operator.xml', episode('op', 3));
    await bot.poll();
    expect(postsTitled(rig.fake, rig.fake.channelId, 'op episode 3')).toBe(1);
    const list = await command(rig.fake, 'feed list', {}, { admin: true });
    const field = (list.embeds as APIEmbed[])[0]?.fields?.find((f) => f.name === 'Operator Private');
    expect(field?.value).toContain(`<${rig.host.url('/operator.xml')}>`);

    rig.host.feeds.get('/operator.xml')!.failWith = 500;
    await bot.poll();
    expectNoSecretSent(bot);
  });
});
