import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.js';
import { asAdmin, createTestDatabase, type TestDatabase } from '../support/postgresDatabase.js';
import {
  channelOption,
  command,
  episode,
  episodes,
  startFeedHost,
  startTestBot,
  testClock,
  type FeedHost,
  type StartedBot,
  type TestClock,
} from './support.js';

/**
 * The bot with DATABASE_URL=postgres://... as index.ts builds it: the real PostgreSQL server of the test run, a
 * database of its own per test, the fake Discord and a local feed host.
 */

let fake: FakeDiscord;
let host: FeedHost;
let database: TestDatabase;
let clock: TestClock;
const running: StartedBot[] = [];

beforeEach(async () => {
  fake = await startFakeDiscord();
  host = await startFeedHost();
  database = await createTestDatabase();
  clock = testClock();
});

afterEach(async () => {
  for (const bot of running.splice(0)) await bot.running.stop();
  await fake.close();
  await host.close();
  await database.drop();
});

async function start(): Promise<StartedBot> {
  const bot = await startTestBot(fake, { DATABASE_URL: database.url }, {}, clock);
  running.push(bot);
  return bot;
}

async function stop(bot: StartedBot): Promise<void> {
  running.splice(running.indexOf(bot), 1);
  await bot.running.stop();
}

async function followShow(bot: StartedBot): Promise<void> {
  await command(fake, 'announce channel', { channel: channelOption(fake.channelId) }, { admin: true });
  await command(fake, 'feed add', { url: host.url('/show.xml') }, { admin: true });
  await bot.poll();
}

const channelPosts = (): string[] => fake.messages(fake.channelId).flatMap((m) => (m.interaction_metadata ? [] : [m.embeds[0]?.title ?? m.content]));

describe('the bot on PostgreSQL', () => {
  it('follows, announces and restarts on the same database without a duplicate, serving the stored catalogue at once', async () => {
    host.feeds.set('/show.xml', { title: 'Postgres Show', episodes: episodes('show', 1) });
    const first = await start();
    await followShow(first);
    host.addEpisode('/show.xml', episode('show', 2));
    await first.poll();
    await stop(first);

    const second = await start();
    expect(second.running.library.catalog.episodes(host.url('/show.xml')).map((r) => r.episode.id)).toEqual(['show-2', 'show-1']);
    await second.poll();
    expect(host.notModified.get('/show.xml')).toBeGreaterThanOrEqual(1);
    host.addEpisode('/show.xml', episode('show', 3));
    await second.poll();
    expect(channelPosts()).toEqual(['show episode 2', 'show episode 3']);
    expect(await second.running.services.store.pendingIntents()).toEqual([]);
  });

  it('logs a connection the server ended, without the password, and keeps announcing', async () => {
    host.feeds.set('/show.xml', { title: 'Dropped Show', episodes: episodes('show', 1) });
    const bot = await start();
    await followShow(bot);
    await asAdmin((client) =>
      client.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'podcord'`, [
        database.name,
      ]),
    );
    const logged = (): string => bot.logs.join('');
    for (const deadline = Date.now() + 10_000; !logged().includes('a database connection failed while idle') && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(logged()).toContain('a database connection failed while idle');
    expect(logged()).not.toContain(new URL(database.url).password);

    host.addEpisode('/show.xml', episode('show', 2));
    await bot.poll();
    expect(channelPosts()).toEqual(['show episode 2']);
  });

  it('stops with one line naming the database but not the password when the server refuses it', async () => {
    const url = new URL(database.url);
    url.password = 'wrong-password-4f9e';
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
      cwd: fileURLToPath(new URL('../../', import.meta.url)),
      env: { PATH: process.env['PATH'] ?? '', DATABASE_URL: url.href },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    url.password = '***';
    expect(output).toContain(`Podcord stopped: Could not open the database ${url.href}: password authentication failed for user "${url.username}"`);
    expect(output).not.toContain('wrong-password-4f9e');
  });
});
