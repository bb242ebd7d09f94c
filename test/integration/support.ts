/**
 * Shared pieces of the integration tests: a real HTTP feed host on 127.0.0.1 whose feeds change over time (with ETags,
 * 304s and request counts), a temp directory for real SQLite files, and a bot started the way index.ts starts it.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { ApplicationCommandOptionType, type APIInteractionResponse, type APIInteractionResponseCallbackData } from 'discord-api-types/v10';
import type { ClientOptions } from 'discord.js';
import { startPodcordBot, type BotStartOptions, type RunningBot } from '../../src/app.js';
import { parseConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import type { FakeDiscord } from '../support/fakeDiscord.js';
import { chatInput, type InteractionOptions } from '../support/interactions.js';

export interface FixtureEpisode {
  guid: string;
  title: string;
  /** ISO date. */
  published: string;
  description?: string;
  chaptersUrl?: string;
  /** `<podcast:transcript>` links. */
  transcripts?: { url: string; type: string; language?: string }[];
  /** The enclosure's path; default `/audio/<guid>.mp3`. */
  audioPath?: string;
  /** The enclosure's whole URL (another host), instead of audioPath. */
  audioUrl?: string;
}

export interface FixtureFeed {
  title: string;
  episodes: FixtureEpisode[];
  /** Answer with this status instead of the feed. */
  failWith?: number;
  /** Answer with a redirect. */
  redirectTo?: { status: number; location: string };
  /** Raw body instead of RSS. */
  body?: { contentType: string; text: string };
  /** Answer only once this settles (a slow server). */
  holdUntil?: Promise<unknown>;
  /** HTTP Basic auth required: anything else is answered 401. */
  basicAuth?: { username: string; password: string };
  /** A host that makes up new guids on every fetch: each one gets `~<request number>` appended. */
  churnGuids?: boolean;
  /** Answer this many ms after the request came (a server that takes its time). */
  delayMs?: number;
  /** `<podcast:liveItem>`s of the channel. */
  liveItems?: FixtureLiveItem[];
}

export interface FixtureLiveItem {
  guid: string;
  title: string;
  status: 'pending' | 'live' | 'ended';
  /** ISO dates. */
  start: string;
  end?: string;
  streamUrl?: string;
  contentLink?: string;
}

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** `fetch`: which request for the feed this is (churnGuids uses it). */
export function rss(feed: FixtureFeed, origin: string, fetch = 1): string {
  const items = [...feed.episodes]
    .sort((a, b) => Date.parse(b.published) - Date.parse(a.published))
    .map(
      (e) => `    <item>
      <title>${escape(e.title)}</title>
      <guid isPermaLink="false">${escape(feed.churnGuids ? `${e.guid}~${fetch}` : e.guid)}</guid>
      <pubDate>${new Date(e.published).toUTCString()}</pubDate>
      <itunes:duration>42:00</itunes:duration>
      <link>${origin}/episodes/${encodeURIComponent(e.guid)}</link>
      <enclosure url="${escape(e.audioUrl ?? `${origin}${e.audioPath ?? `/audio/${encodeURIComponent(e.guid)}.mp3`}`)}" type="audio/mpeg" length="1000" />
      <description>${escape(e.description ?? `All about ${e.title}.\n0:00 Hello\n5:00 The middle\n10:00 Goodbye`)}</description>
${e.chaptersUrl ? `      <podcast:chapters url="${escape(e.chaptersUrl)}" type="application/json+chapters" />\n` : ''}${(e.transcripts ?? [])
        .map((t) => `      <podcast:transcript url="${escape(t.url)}" type="${escape(t.type)}"${t.language ? ` language="${escape(t.language)}"` : ''} />\n`)
        .join('')}    </item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0">
  <channel>
    <title>${escape(feed.title)}</title>
    <link>${origin}/</link>
    <description>${escape(feed.title)}: a fixture podcast that changes between polls.</description>
    <itunes:image href="${origin}/cover.jpg" />
${(feed.liveItems ?? [])
  .map(
    (l) => `    <podcast:liveItem status="${l.status}" start="${l.start}"${l.end ? ` end="${l.end}"` : ''}>
      <title>${escape(l.title)}</title>
      <guid isPermaLink="false">${escape(l.guid)}</guid>
${l.streamUrl ? `      <enclosure url="${escape(l.streamUrl)}" type="audio/mpeg" length="0" />
` : ''}${l.contentLink ? `      <podcast:contentLink href="${escape(l.contentLink)}">Watch</podcast:contentLink>
` : ''}    </podcast:liveItem>
`,
  )
  .join('')}${items}
  </channel>
</rss>
`;
}

export interface FeedHost {
  origin: string;
  port: number;
  feeds: Map<string, FixtureFeed>;
  /** Other paths (chapters files...): path -> [content type, body], with an ETag (a matching If-None-Match gets 304). */
  files: Map<string, [string, string | Buffer]>;
  /** Requests per path, and how many of them were answered 304. */
  requests: Map<string, number>;
  notModified: Map<string, number>;
  /** The most requests for one path that were being answered at the same time. */
  mostAtOnce: Map<string, number>;
  /** TCP connections accepted so far. */
  readonly connections: number;
  url(pathname: string): string;
  addEpisode(pathname: string, episode: FixtureEpisode): void;
  close(): Promise<void>;
}

export async function startFeedHost(): Promise<FeedHost> {
  const feeds = new Map<string, FixtureFeed>();
  const files = new Map<string, [string, string | Buffer]>();
  const requests = new Map<string, number>();
  const notModified = new Map<string, number>();
  const mostAtOnce = new Map<string, number>();
  const atOnce = new Map<string, number>();
  let origin = '';
  const server = http.createServer(async (req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    atOnce.set(pathname, (atOnce.get(pathname) ?? 0) + 1);
    mostAtOnce.set(pathname, Math.max(mostAtOnce.get(pathname) ?? 0, atOnce.get(pathname) ?? 0));
    res.once('close', () => atOnce.set(pathname, (atOnce.get(pathname) ?? 1) - 1));
    await feeds.get(pathname)?.holdUntil;
    const delayMs = feeds.get(pathname)?.delayMs;
    if (delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, delayMs));
    requests.set(pathname, (requests.get(pathname) ?? 0) + 1);
    const file = files.get(pathname);
    if (file) {
      const etag = `"${createHash('sha1').update(file[1]).digest('hex').slice(0, 16)}"`;
      if (req.headers['if-none-match'] === etag) {
        notModified.set(pathname, (notModified.get(pathname) ?? 0) + 1);
        res.writeHead(304, { etag }).end();
        return;
      }
      res.writeHead(200, { 'content-type': file[0], etag }).end(file[1]);
      return;
    }
    const feed = feeds.get(pathname);
    if (!feed) {
      res.writeHead(404).end('not found');
      return;
    }
    if (feed.basicAuth) {
      const expected = `Basic ${Buffer.from(`${feed.basicAuth.username}:${feed.basicAuth.password}`).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="private feed"' }).end('who are you?');
        return;
      }
    }
    if (feed.failWith) {
      res.writeHead(feed.failWith).end('broken');
      return;
    }
    if (feed.redirectTo) {
      res.writeHead(feed.redirectTo.status, { location: feed.redirectTo.location }).end();
      return;
    }
    const body = feed.body?.text ?? rss(feed, origin, requests.get(pathname));
    const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag) {
      notModified.set(pathname, (notModified.get(pathname) ?? 0) + 1);
      res.writeHead(304, { etag }).end();
      return;
    }
    res.writeHead(200, { 'content-type': feed.body?.contentType ?? 'application/rss+xml; charset=utf-8', etag }).end(body);
  });
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    port,
    feeds,
    files,
    requests,
    notModified,
    mostAtOnce,
    get connections() {
      return connections;
    },
    url: (pathname) => `${origin}${pathname}`,
    addEpisode(pathname, episode) {
      const feed = feeds.get(pathname);
      if (!feed) throw new Error(`no feed ${pathname}`);
      feed.episodes.push(episode);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `count` episodes, one a day from 2024-01-01, guids `${prefix}-1`... */
export function episodes(prefix: string, count: number, start = 1): FixtureEpisode[] {
  return Array.from({ length: count }, (_, i) => episode(prefix, start + i));
}

export function episode(prefix: string, n: number): FixtureEpisode {
  return { guid: `${prefix}-${n}`, title: `${prefix} episode ${n}`, published: new Date(Date.UTC(2024, 0, n, 12)).toISOString() };
}

export function tempDir(): { dir: string; dbUrl: (name?: string) => string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'podcord-it-'));
  return { dir, dbUrl: (name = 'podcord.db') => `sqlite:${path.join(dir, name)}`, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export const noIdentifyThrottle: Partial<ClientOptions> = { ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => {} }) } };

export function botConfig(fake: FakeDiscord, env: Record<string, string>): Config & { discordToken: string } {
  const parsed = parseConfig({
    DISCORD_TOKEN: fake.token,
    DISCORD_API_URL: fake.apiUrl,
    DISCORD_GUILD_ID: fake.guildId,
    DATABASE_URL: 'sqlite::memory:',
    POLL_INTERVAL_SECONDS: '1',
    ALLOW_PRIVATE_NETWORK: 'true',
    LOG_LEVEL: 'debug',
    ...env,
  });
  if (!parsed.ok || parsed.value.discordToken === undefined) throw new Error(parsed.ok ? 'no token' : parsed.error);
  return { ...parsed.value, discordToken: parsed.value.discordToken };
}

export interface StartedBot {
  running: RunningBot;
  logs: string[];
  /** The bot's clock: starts at the real time and moves only when the test says. */
  clock: TestClock;
  /** Moves the clock past the poll interval, polls every due feed and waits until what it found is posted. */
  poll(): Promise<void>;
}

/** The bot as index.ts builds it, with polls driven by the test (autoPoll off) and no spacing to wait out. */
export interface TestClock {
  now: () => Date;
  advance: (ms: number) => void;
}

/** A clock that starts at the real time and moves only when told; share one between bot instances across restarts. */
export function testClock(start = Date.now()): TestClock {
  let time = start;
  return { now: () => new Date(time), advance: (ms) => void (time += ms) };
}

export async function startTestBot(
  fake: FakeDiscord,
  env: Record<string, string>,
  options: BotStartOptions = {},
  clock: TestClock = testClock(),
): Promise<StartedBot> {
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const log = createLogger({ level: 'debug', secrets: [fake.token], destination });
  const config = botConfig(fake, env);
  const running = await startPodcordBot(config, log, {
    clientOptions: noIdentifyThrottle,
    autoPoll: false,
    announceSpacingMs: 0,
    now: clock.now,
    ...options,
  });
  return {
    running,
    logs,
    clock,
    async poll() {
      clock.advance(config.pollIntervalSeconds * 1000 * 1.2);
      await running.pollOnce();
    },
  };
}

export function data(callback: APIInteractionResponse): APIInteractionResponseCallbackData {
  return ('data' in callback ? callback.data : {}) as APIInteractionResponseCallbackData;
}

/** The reply to a command, whether it came at once or (slow) as an edit of a deferred reply. */
export async function command(fake: FakeDiscord, name: string, options: Parameters<typeof chatInput>[1], opts: InteractionOptions = {}): Promise<APIInteractionResponseCallbackData> {
  const interaction = chatInput(name, options, opts);
  const callback = await fake.sendInteraction(interaction, 10_000);
  if (callback.type !== 5) return data(callback);
  // This interaction's edit: waitForRequest also matches recorded requests, and an earlier deferred reply's edit is one.
  const edit = await fake.waitForRequest((r) => r.method === 'PATCH' && r.path.endsWith(`/${interaction.token}/messages/@original`), 20_000);
  return edit.body as APIInteractionResponseCallbackData;
}

export const channelOption = (id: string) => ({ type: ApplicationCommandOptionType.Channel, value: id });
export const roleOption = (id: string) => ({ type: ApplicationCommandOptionType.Role, value: id });

/** Messages the bot posted in a channel whose embed title is `title`. */
export function postsTitled(fake: FakeDiscord, channelId: string, title: string): number {
  return fake.messages(channelId).filter((m) => m.embeds[0]?.title === title).length;
}
