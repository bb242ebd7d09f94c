import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import {
  ButtonStyle,
  InteractionResponseType,
  Locale,
  MessageFlags,
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIInteractionResponse,
  type APIEmbed,
  type APIInteractionResponseCallbackData,
} from 'discord-api-types/v10';
import type { ClientOptions } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPodcordBot, type RunningBot } from '../../src/app.js';
import { parseConfig, type Config } from '../../src/config.js';
import { EVERY_PODCAST } from '../../src/data/catalog.js';
import { LIMITS, messageCharacters } from '../../src/messages/embeds.js';
import { createLogger } from '../../src/logger.js';
import { startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.js';
import { autocomplete, botMessage, button, chatInput } from '../support/interactions.js';
import { hundredChapterFeed } from '../support/hundredChapterFeed.js';

/**
 * The whole bot, as `npm start` builds it, against the fake Discord: the real discord.js client, the real command
 * handlers, a real feed served over HTTP on 127.0.0.1 (FEEDS), and the bundled samples.
 */

const noIdentifyThrottle: Partial<ClientOptions> = { ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => {} }) } };

let fake: FakeDiscord;
let feedServer: Server;
let feedUrl: string;
let running: RunningBot;
let logLines: string[];

function config(overrides: Record<string, string> = {}): Config & { discordToken: string } {
  const parsed = parseConfig({
    DISCORD_TOKEN: fake.token,
    DISCORD_API_URL: fake.apiUrl,
    DISCORD_GUILD_ID: fake.guildId,
    DATABASE_URL: 'sqlite::memory:',
    FEEDS: feedUrl,
    ALLOW_PRIVATE_NETWORK: 'true',
    LOG_LEVEL: 'debug',
    ...overrides,
  });
  if (!parsed.ok || parsed.value.discordToken === undefined) throw new Error(parsed.ok ? 'no token' : parsed.error);
  return { ...parsed.value, discordToken: parsed.value.discordToken };
}

function data(callback: APIInteractionResponse): APIInteractionResponseCallbackData {
  return ('data' in callback ? callback.data : {}) as APIInteractionResponseCallbackData;
}

type Button = APIButtonComponentWithCustomId;

function buttonsOf(d: APIInteractionResponseCallbackData): Button[] {
  return ((d.components ?? []) as APIActionRowComponent<Button>[]).flatMap((row) => row.components);
}

function expectWithinLimits(embeds: readonly APIEmbed[]): void {
  expect(embeds.length).toBeLessThanOrEqual(LIMITS.embedsPerMessage);
  expect(messageCharacters(embeds)).toBeLessThanOrEqual(LIMITS.charactersPerMessage);
  for (const e of embeds) {
    expect(e.title?.length ?? 0).toBeLessThanOrEqual(LIMITS.title);
    expect(e.description?.length ?? 0).toBeLessThanOrEqual(LIMITS.description);
    expect(e.fields?.length ?? 0).toBeLessThanOrEqual(LIMITS.fields);
    for (const f of e.fields ?? []) expect(f.value.length).toBeLessThanOrEqual(LIMITS.fieldValue);
  }
}

beforeAll(async () => {
  feedServer = createServer((req, res) => {
    if (req.url === '/long.xml') {
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
      res.end(hundredChapterFeed());
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => feedServer.listen(0, '127.0.0.1', resolve));
  feedUrl = `http://127.0.0.1:${(feedServer.address() as AddressInfo).port}/long.xml`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => feedServer.close(() => resolve()));
});

async function startBot(overrides: Record<string, string> = {}): Promise<void> {
  fake = await startFakeDiscord();
  logLines = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  const log = createLogger({ level: 'debug', secrets: [fake.token], destination });
  running = await startPodcordBot(config(overrides), log, { clientOptions: noIdentifyThrottle });
}

afterEach(async () => {
  await running.stop();
  await fake.close();
  expect(fake.unknownRequests).toEqual([]);
  expect(logLines.join('')).not.toContain(fake.token);
});

describe('Podcord against the fake Discord', () => {
  it('registers every command in the configured guild, with Swedish names and descriptions', async () => {
    await startBot();
    const registered = fake.guildCommands(fake.guildId) as { name: string; name_localizations?: Record<string, string> }[];
    expect(registered.map((c) => c.name).sort()).toEqual(['announce', 'chapters', 'episode', 'feed', 'help', 'latest', 'topic']);
    for (const command of registered) expect(command.name_localizations?.['sv-SE']).toBeTruthy();
    expect(running.library.catalog.podcasts(EVERY_PODCAST).map((p) => p.title)).toContain('Hundred Chapters Radio');
  });

  it('answers /chapters with the seed episode’s 13 chapters, pinging nobody', async () => {
    await startBot();
    const callback = await fake.sendInteraction(chatInput('chapters'));
    expect(callback.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    const reply = data(callback);
    expect(reply.allowed_mentions?.parse).toEqual([]);
    const embed = reply.embeds?.[0];
    expect(embed?.title).toBe('The Case for Open-Source AI - with Nicholas Thompson and Raffi Krikorian');
    const lines = embed?.description?.split('\n').filter((l) => l.startsWith('`')) ?? [];
    expect(lines).toHaveLength(13);
    expect(lines[0]).toBe('`0:00` Introduction: The mystery of AI decision-making and the need for transparency');
    expect(lines[12]).toContain('`46:56` Preserving humanity in the age of AI');
    expect(embed?.description).toContain('<t:1778025600:D>');
    expect(embed?.footer?.text).toBe('Chapters from show notes');
    expect(reply.components ?? []).toEqual([]);
    expectWithinLimits(reply.embeds ?? []);
  });

  it('pages through a 100-chapter episode by button clicks, each page linked to the second and within limits', async () => {
    await startBot();
    const first = data(await fake.sendInteraction(chatInput('chapters', { episode: 'marathon' })));
    const seen: string[] = [];
    let page = first;
    for (let n = 1; ; n++) {
      expectWithinLimits(page.embeds ?? []);
      const lines = page.embeds?.[0]?.description?.split('\n').filter((l) => l.startsWith('[`')) ?? [];
      seen.push(...lines);
      const [previous, label, next] = buttonsOf(page);
      expect(label?.label).toBe(`Page ${n}/7`);
      expect(previous?.disabled).toBe(n === 1);
      if (next?.disabled) break;
      const click = await fake.sendInteraction(button(next!.custom_id, botMessage({ embeds: page.embeds ?? [] })));
      expect(click.type).toBe(InteractionResponseType.UpdateMessage);
      page = data(click);
    }
    expect(seen).toHaveLength(100);
    expect(seen[0]).toBe('[`0:00`](https://cdn.example.com/marathon.mp3#t=0) Part 1: warming up');
    expect(seen[99]).toBe('[`1:39:00`](https://cdn.example.com/marathon.mp3#t=5940) Part 100: the finish');
    // Going back works too: the page number travels in the button.
    const back = buttonsOf(page)[0]!;
    const previous = data(await fake.sendInteraction(button(back.custom_id, botMessage({}))));
    expect(buttonsOf(previous)[1]?.label).toBe('Page 6/7');
  });

  it('autocompletes episodes from memory with at most 25 choices', async () => {
    await startBot();
    const callback = await fake.sendInteraction(autocomplete('chapters', { episode: 'open' }));
    expect(callback.type).toBe(InteractionResponseType.ApplicationCommandAutocompleteResult);
    const choices = (data(callback) as { choices?: { name: string; value: string }[] }).choices ?? [];
    expect(choices.length).toBeGreaterThan(0);
    expect(choices.length).toBeLessThanOrEqual(25);
    expect(choices[0]?.name).toContain('The Case for Open-Source AI');
    const chosen = data(await fake.sendInteraction(chatInput('chapters', { episode: choices[0]!.value })));
    expect(chosen.embeds?.[0]?.title).toContain('The Case for Open-Source AI');
  });

  it('answers /topic with the moment a topic starts and the matched words in bold', async () => {
    await startBot();
    const reply = data(await fake.sendInteraction(chatInput('topic', { query: 'tesla crash' })));
    const field = reply.embeds?.[0]?.fields?.[0];
    expect(field?.name).toContain('The Case for Open-Source AI');
    expect(field?.value).toContain('`39:17`');
    expect(field?.value).toMatch(/\*\*Tesla\*\* \*\*crash\*\*/);
    expectWithinLimits(reply.embeds ?? []);
  });

  it('shows /episode with a button that shows its chapters to whoever clicks', async () => {
    await startBot();
    const reply = data(await fake.sendInteraction(chatInput('episode', { episode: 'marathon' })));
    const embed = reply.embeds?.[0];
    expect(embed?.fields?.find((f) => f.name === 'Chapters')?.value).toBe('100');
    expect(embed?.fields?.find((f) => f.name === 'Listen')?.value).toBe('[Listen](https://cdn.example.com/marathon.mp3#t=0)');
    const [show] = buttonsOf(reply);
    expect(show?.style).toBe(ButtonStyle.Primary);
    const clicked = await fake.sendInteraction(button(show!.custom_id, botMessage({ embeds: reply.embeds ?? [] })));
    expect(clicked.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(data(clicked).flags).toBe(MessageFlags.Ephemeral);
    expect(buttonsOf(data(clicked))[1]?.label).toBe('Page 1/7');
  });

  it('tells only the asker when an episode does not exist', async () => {
    await startBot();
    const reply = data(await fake.sendInteraction(chatInput('chapters', { episode: 'no such episode anywhere' })));
    expect(reply.flags).toBe(MessageFlags.Ephemeral);
    expect(reply.content).toBe('⚠️ No episode matches "no such episode anywhere". Start typing and pick one from the list, or use /latest.');
  });

  it('answers in Swedish to a Swedish client', async () => {
    await startBot();
    const reply = data(await fake.sendInteraction(chatInput('chapters', {}, { locale: Locale.Swedish })));
    expect(reply.embeds?.[0]?.footer?.text).toBe('Kapitel från avsnittsbeskrivningen');
  });

  it('waits out a 429 with Retry-After and still answers', async () => {
    await startBot();
    fake.failNext('POST', /\/interactions\/\d+\/[^/]+\/callback/, { status: 429, retryAfter: 0.2 });
    const callback = await fake.sendInteraction(chatInput('latest'));
    expect(data(callback).embeds?.length).toBeGreaterThan(0);
    const attempts = fake.requests.filter((r) => r.path.endsWith('/callback'));
    expect(attempts.map((r) => r.status)).toEqual([429, 204]);
  });

  it('resumes after a dropped gateway connection and answers the next command', async () => {
    await startBot();
    fake.dropConnection(4000);
    const callback = await fake.sendInteraction(chatInput('help'), 5000);
    expect(data(callback).embeds?.[0]?.title).toBe('Podcord');
    expect(fake.resumeCount).toBe(1);
    expect(fake.identifyCount).toBe(1);
  });

  it.each([4004, 4010, 4011, 4012, 4013, 4014])('says why and settles `fatal` when Discord closes the gateway with %i', async (code) => {
    await startBot();
    fake.closeSession(code);
    const fatal = await running.bot.fatal;
    expect(fatal.code).toBe(code);
    expect(fatal.message).toMatch(new RegExp(`^Discord closed the gateway connection with ${code} \\(\\w[^)]*\\): \\w`));
    const line = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['msg'] === fatal.message);
    expect(line).toMatchObject({ level: 50, code });
  });

  it.each([4000, 4007, 4009])('comes back after Discord closes the gateway with %i and answers again, nothing fatal', async (code) => {
    await startBot();
    let fatal = false;
    void running.bot.fatal.then(() => (fatal = true));
    fake.closeSession(code);
    // The session is gone, so the client identifies again on a new connection.
    await fake.waitForGateway((frame) => frame.op === 2 && frame.connection > 1, 10_000);
    const callback = await fake.sendInteraction(chatInput('help'), 10_000);
    expect(data(callback).embeds?.[0]?.title).toBe('Podcord');
    expect(fatal).toBe(false);
  });

  it('funnels an unexpected failure into one log line with ids and a short apology', async () => {
    await startBot();
    running.library.search.search = () => {
      throw new Error('index exploded');
    };
    const reply = data(await fake.sendInteraction(chatInput('topic', { query: 'anything' })));
    expect(reply.flags).toBe(MessageFlags.Ephemeral);
    expect(reply.content).toMatch(/^Sorry, something went wrong/);
    expect(reply.content).not.toContain('exploded');
    const line = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['msg'] === 'interaction failed');
    expect(line).toMatchObject({ command: 'topic', guildId: fake.guildId, err: { message: 'index exploded' } });
    expect(line?.['userId']).toMatch(/^\d+$/);
  });

  it('escapes markdown in feed text and keeps mentions from pinging', async () => {
    await startBot();
    const reply = data(await fake.sendInteraction(chatInput('chapters', { episode: 'marathon' })));
    const description = reply.embeds?.[0]?.description ?? '';
    expect(description).toContain('Part 3: @\u200beveryone \\*\\*loves\\*\\* \\<@123456789012345678\\>');
    expect(reply.allowed_mentions).toEqual({ parse: [], replied_user: false });
  });
});
