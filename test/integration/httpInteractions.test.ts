import { Writable } from 'node:stream';
import { REST } from '@discordjs/rest';
import {
  InteractionResponseType,
  MessageFlags,
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIInteractionResponseCallbackData,
} from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { interactionCoreFor, type Services } from '../../src/app.js';
import { startHttpServer, type HttpServer } from '../../src/http/startHttpServer.js';
import { createLogger } from '../../src/logger.js';
import { Metrics } from '../../src/metrics.js';
import { interactionKeyPair, signInteraction, startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.js';
import { hundredChapterFeed } from '../support/hundredChapterFeed.js';
import { autocomplete, botMessage, button, chatInput } from '../support/interactions.js';
import { channelOption, command, data, episode, episodes, postsTitled, startFeedHost, startTestBot, tempDir, type FeedHost, type StartedBot } from './support.js';

/**
 * Interactions delivered the way Discord delivers them to a bot with an Interactions Endpoint URL: signed HTTP POSTs
 * from the fake Discord, taken in turn by two HTTP endpoints (replicas behind a load balancer) in this process, on
 * 127.0.0.1, over one SQLite file. The gateway connection stays for what only it brings (guilds, the announcer).
 */

const keys = interactionKeyPair();
let fake: FakeDiscord;
let host: FeedHost;
let dir: ReturnType<typeof tempDir>;
let bot: StartedBot | undefined;
let metrics: Metrics;
const servers: HttpServer[] = [];

beforeEach(async () => {
  fake = await startFakeDiscord();
  host = await startFeedHost();
  dir = tempDir();
  metrics = new Metrics({ processMetrics: false });
});

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  await bot?.running.stop();
  bot = undefined;
  await fake.close();
  await host.close();
  dir.remove();
  expect(fake.unknownRequests).toEqual([]);
});

/** The bot (gateway, store, poller, announcer) and `replicas` interactions endpoints over its services. */
async function start(replicas = 2): Promise<{ bot: StartedBot; urls: string[] }> {
  bot = await startTestBot(fake, { DATABASE_URL: dir.dbUrl() }, { metrics });
  const log = createLogger({ level: 'debug', secrets: [fake.token], destination: new Writable({ write: (chunk: Buffer, _e, done) => (bot!.logs.push(chunk.toString()), done()) }) });
  const urls: string[] = [];
  for (let i = 0; i < replicas; i++) {
    const server = await startHttpServer({
      port: 0,
      host: '127.0.0.1',
      interactions: {
        publicKey: keys.publicKeyHex,
        core: interactionCoreFor(bot.running.services, log, { now: bot.clock.now, observer: metrics }),
        rest: new REST({ api: fake.apiUrl }),
      },
      ready: () => true,
      metrics,
      log,
    });
    servers.push(server);
    urls.push(`${server.url}/interactions`);
  }
  fake.setInteractionsEndpoint({ urls, privateKey: keys.privateKey });
  return { bot, urls };
}

type Button = APIButtonComponentWithCustomId;
const buttonRows = (d: APIInteractionResponseCallbackData): APIActionRowComponent<Button>[] => (d.components ?? []) as APIActionRowComponent<Button>[];
const buttonsOf = (d: APIInteractionResponseCallbackData): Button[] => buttonRows(d).flatMap((row) => row.components);

/** Which endpoint answered each delivery that was answered, in order. */
const answeredBy = (): string[] => fake.deliveries.filter((d) => d.status === 200).map((d) => d.url);

describe('interactions over HTTP', () => {
  it('answers every command of the README, autocomplete and buttons, the two replicas taking turns', async () => {
    host.feeds.set('/show.xml', { title: 'Show', episodes: episodes('show', 3) });
    host.feeds.set('/long.xml', { title: 'Hundred Chapters Radio', episodes: [], body: { contentType: 'application/rss+xml', text: hundredChapterFeed() } });
    const { urls } = await start();
    for (const url of urls) expect(await fake.verifyEndpoint(url)).toEqual({ pong: true, refusesBadSignature: true });

    const help = await command(fake, 'help', {});
    expect(help.embeds?.[0]?.title).toBe('Podcord');
    const chapters = await command(fake, 'chapters', {});
    expect(chapters.embeds?.[0]?.title).toBe('The Case for Open-Source AI - with Nicholas Thompson and Raffi Krikorian');
    expect(chapters.embeds?.[0]?.description?.split('\n').filter((l) => l.startsWith('`'))).toHaveLength(13);
    expect(chapters.allowed_mentions).toEqual({ parse: [], replied_user: false });
    const topic = await command(fake, 'topic', { query: 'tesla crash' });
    expect(topic.embeds?.[0]?.fields?.[0]?.value).toMatch(/\*\*Tesla\*\* \*\*crash\*\*/);
    const latest = await command(fake, 'latest', {});
    expect(latest.embeds?.length).toBeGreaterThan(0);
    const choices = await fake.sendInteraction(autocomplete('chapters', { episode: 'open' }));
    expect(choices.type).toBe(InteractionResponseType.ApplicationCommandAutocompleteResult);
    const picked = (data(choices) as { choices?: { name: string; value: string }[] }).choices ?? [];
    expect(picked[0]?.name).toContain('The Case for Open-Source AI');
    expect((await command(fake, 'episode', { episode: picked[0]!.value })).embeds?.[0]?.title).toContain('The Case for Open-Source AI');

    // The manager's commands: every answer for them alone.
    const admin = { admin: true };
    const set = await command(fake, 'announce channel', { channel: channelOption(fake.channelId) }, admin);
    expect(set.content).toBe(`New episodes of every followed podcast will be posted in <#${fake.channelId}>.`);
    expect(set.flags).toBe(MessageFlags.Ephemeral);
    for (const path of ['/show.xml', '/long.xml']) {
      expect((await command(fake, 'feed add', { url: host.url(path) }, admin)).content).toMatch(/^Following \*\*(Show|Hundred Chapters Radio)\*\*/);
    }
    const list = await command(fake, 'feed list', {}, admin);
    expect(list.embeds?.[0]?.title).toBe('Followed feeds');
    expect(JSON.stringify(list.embeds)).toContain(host.url('/show.xml'));
    expect((await command(fake, 'announce test', {}, admin)).content).toBe(`Posted a test announcement in <#${fake.channelId}>.`);
    expect(fake.messages(fake.channelId).some((m) => m.content.startsWith('🧪 Test'))).toBe(true);

    // Buttons: a pager turns its page in place, the episode's button answers with a message of its own.
    const first = data(await fake.sendInteraction(chatInput('chapters', { episode: 'marathon' })));
    expect(buttonsOf(first)[1]?.label).toBe('Page 1/7');
    const page = botMessage({ embeds: first.embeds ?? [], components: buttonRows(first) });
    const turned = await fake.sendInteraction(button(buttonsOf(first)[2]!.custom_id, page));
    expect(turned.type).toBe(InteractionResponseType.UpdateMessage);
    expect(buttonsOf(data(turned))[1]?.label).toBe('Page 2/7');
    expect(fake.getMessage(page.id)?.embeds[0]?.footer?.text).toContain('Page 2/7');
    const shown = data(await fake.sendInteraction(chatInput('episode', { episode: 'marathon' })));
    const clicked = await fake.sendInteraction(button(buttonsOf(shown)[0]!.custom_id, botMessage({ embeds: shown.embeds ?? [] })));
    expect(clicked.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(buttonsOf(data(clicked))[1]?.label).toBe('Page 1/7');

    const offered = await fake.sendInteraction(autocomplete('feed remove', { podcast: 'sho' }, admin));
    const show = ((data(offered) as { choices?: { name: string; value: string }[] }).choices ?? []).find((c) => c.name === 'Show');
    expect(show).toBeDefined();
    expect((await command(fake, 'announce off', {}, admin)).content).toBe('Announcements for every followed podcast are off.');
    expect((await command(fake, 'feed remove', { podcast: show!.value }, admin)).content).toBe('Stopped following **Show**.');
    expect(await bot!.running.services.store.listFollows(fake.guildId)).toHaveLength(1);

    // Every one came by HTTP, none over the gateway, and the replicas took turns.
    expect(fake.gatewayFrames.length).toBeGreaterThan(0);
    const answered = answeredBy();
    expect(answered).toHaveLength(18);
    answered.forEach((url, i) => expect(url).toBe(urls[i % 2]));
    expect(fake.requests.filter((r) => r.path.endsWith('/callback')).every((r) => r.deliveredTo !== undefined && r.status === 204)).toBe(true);
  });

  it('defers a slow /feed add (ephemerally) and edits the original through REST', async () => {
    let open!: () => void;
    host.feeds.set('/slow.xml', { title: 'Slow Show', episodes: episodes('slow', 2), holdUntil: new Promise<void>((resolve) => (open = resolve)) });
    await start();
    const callback = await fake.sendInteraction(chatInput('feed add', { url: host.url('/slow.xml') }, { admin: true }), 10_000);
    expect(callback).toEqual({ type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: MessageFlags.Ephemeral } });
    open();
    const edit = await fake.waitForRequest((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original'), 20_000);
    expect(edit.status).toBe(200);
    expect((edit.body as APIInteractionResponseCallbackData).content).toContain('Following **Slow Show**: 2 episodes so far.');
    const shown = fake.messages(fake.channelId).find((m) => m.embeds[0]?.title === 'Slow Show');
    expect(shown?.flags).toBe(MessageFlags.Ephemeral);
    expect(await bot!.running.services.store.listFollows(fake.guildId)).toHaveLength(1);
  });

  it('refuses the manager commands to others on both replicas, and changes nothing', async () => {
    host.feeds.set('/show.xml', { title: 'Show', episodes: episodes('show', 1) });
    const { urls } = await start();
    const refusals = [
      await command(fake, 'feed add', { url: host.url('/show.xml') }),
      await command(fake, 'feed add', { url: host.url('/show.xml') }),
      await command(fake, 'announce channel', { channel: channelOption(fake.channelId) }),
      await command(fake, 'feed list', {}),
    ];
    for (const reply of refusals) {
      expect(reply.content).toBe('⚠️ Only members with the Manage Server permission can do this.');
      expect(reply.flags).toBe(MessageFlags.Ephemeral);
    }
    expect(new Set(answeredBy())).toEqual(new Set(urls));
    expect(await bot!.running.services.store.listFollows(fake.guildId)).toEqual([]);
    expect(host.requests.get('/show.xml')).toBeUndefined();
  });

  it('answers 401 to a bad signature on either replica and handles nothing', async () => {
    host.feeds.set('/show.xml', { title: 'Show', episodes: episodes('show', 1) });
    const { urls } = await start();
    const body = JSON.stringify(chatInput('feed add', { url: host.url('/show.xml') }, { admin: true }));
    const timestamp = String(Math.floor(Date.now() / 1000));
    for (const url of urls) {
      for (const signature of [signInteraction(interactionKeyPair().privateKey, body, timestamp), '']) {
        const response = await fetch(url, { method: 'POST', headers: { 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp }, body });
        expect(response.status).toBe(401);
      }
    }
    expect(host.requests.get('/show.xml')).toBeUndefined();
    expect(await bot!.running.services.store.listFollows(fake.guildId)).toEqual([]);
    expect(fake.messages(fake.channelId)).toEqual([]);
    expect(await metrics.text()).toContain('podcord_interaction_requests_rejected_total{reason="signature"} 4');
    expect(await metrics.text()).not.toContain('podcord_interactions_total{');
  });

  it('delivers to the other replica when one is down, as a load balancer would, and loses no answer', async () => {
    const { urls } = await start();
    await servers[0]!.close();
    for (let i = 0; i < 4; i++) expect((await command(fake, 'help', {})).embeds?.[0]?.title).toBe('Podcord');
    expect(answeredBy()).toEqual([urls[1], urls[1], urls[1], urls[1]]);
    const down = fake.deliveries.filter((d) => d.status === 'unreachable');
    expect(down.length).toBeGreaterThanOrEqual(2);
    expect(down.every((d) => d.url === urls[0])).toBe(true);
  });

  it('counts interactions, feed checks and posts in /metrics', async () => {
    host.feeds.set('/show.xml', { title: 'Show', episodes: episodes('show', 2) });
    await start();
    await command(fake, 'announce channel', { channel: channelOption(fake.channelId) }, { admin: true });
    await command(fake, 'feed add', { url: host.url('/show.xml') }, { admin: true });
    await command(fake, 'feed add', { url: host.url('/show.xml') });
    await fake.sendInteraction(autocomplete('chapters', { episode: 'show' }));
    host.addEpisode('/show.xml', episode('show', 3));
    await bot!.poll();
    expect(postsTitled(fake, fake.channelId, 'show episode 3')).toBe(1);
    const text = await (await fetch(`${servers[0]!.url}/metrics`)).text();
    expect(text).toContain('podcord_interactions_total{kind="command",command="announce",outcome="ok"} 1');
    expect(text).toContain('podcord_interactions_total{kind="command",command="feed",outcome="ok"} 1');
    expect(text).toContain('podcord_interactions_total{kind="command",command="feed",outcome="refused"} 1');
    expect(text).toContain('podcord_interactions_total{kind="autocomplete",command="chapters",outcome="ok"} 1');
    expect(text).toMatch(/podcord_interaction_duration_seconds_count\{kind="command"\} 3\n/);
    expect(text).toMatch(/podcord_feeds_checked_total\{status="updated"\} [1-9]/);
    expect(text).toContain('podcord_posts_sent_total 1');
  });
});

describe('/healthz', () => {
  it('is 503 while the services are starting and 200 once the store answers and the catalogue is loaded', async () => {
    let services: Services | undefined;
    const server = await startHttpServer({
      port: 0,
      host: '127.0.0.1',
      // What a composer passes: the store answers a query, and the catalogue is in memory.
      ready: async () => {
        if (services === undefined) return false;
        await services.store.dueFeeds(new Date(0));
        return services.library.catalog.size.podcasts > 0;
      },
      metrics,
      log: createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) }),
    });
    servers.push(server);
    const status = async (): Promise<number> => (await fetch(`${server.url}/healthz`)).status;
    expect(await status()).toBe(503);
    bot = await startTestBot(fake, { DATABASE_URL: dir.dbUrl() }, { metrics });
    services = bot.running.services;
    expect(await status()).toBe(200);
    await bot.running.stop();
    bot = undefined;
    // The store is closed: not ready any more.
    expect(await status()).toBe(503);
  });
});
