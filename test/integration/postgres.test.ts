import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
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

// Each test starts a bot (the first two, or a child process) on a shared server: on a loaded 2-core machine a test
// has taken over the default 20 s.
describe('the bot on PostgreSQL', { timeout: 90_000 }, () => {
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
    // The bot's pooled connections are ended at a moment when none is running a query (one that is fails that query
    // instead: the next test), and each is waited for until it has exited. pg_terminate_backend alone only signals: on
    // a loaded machine a backend still exiting was handed to the poll below, which then failed for the tick.
    let ended: boolean[] = [];
    for (const deadline = Date.now() + 20_000; ended.length === 0 && Date.now() < deadline; await sleep(20)) {
      const result = await asAdmin((client) =>
        client.query<{ ended: boolean }>(
          `SELECT pg_terminate_backend(pid, 10000) AS ended FROM pg_stat_activity
           WHERE datname = $1 AND application_name = 'podcord'
             AND NOT EXISTS (SELECT FROM pg_stat_activity WHERE datname = $1 AND application_name = 'podcord' AND state <> 'idle')`,
          [database.name],
        ),
      );
      ended = result.rows.map((row) => row.ended);
    }
    expect(ended).not.toEqual([]);
    expect(ended).not.toContain(false);
    const logged = (): string => bot.logs.join('');
    for (const deadline = Date.now() + 10_000; !logged().includes('a database connection failed while idle') && Date.now() < deadline; ) {
      await sleep(20);
    }
    expect(logged()).toContain('a database connection failed while idle');
    expect(logged()).not.toContain(new URL(database.url).password);

    host.addEpisode('/show.xml', episode('show', 2));
    await bot.poll();
    expect(channelPosts()).toEqual(['show episode 2']);
  });

  it('goes on when the server ends a connection in the middle of a transaction, and announces at the next check', async () => {
    host.feeds.set('/show.xml', { title: 'Cut Show', episodes: episodes('show', 1) });
    const bot = await start();
    await followShow(bot);
    host.addEpisode('/show.xml', episode('show', 2));
    // The poll saves the new episode in a transaction; a SHARE lock on podcasts (readers pass, writers wait) holds
    // it there while its connection is ended. node-postgres then emits 'error' on a client the pool has lent out,
    // which nothing heard: the process ended with "Connection terminated unexpectedly".
    let polling: Promise<void> | undefined;
    const ended = await asAdmin(async (admin) => {
      await admin.query('BEGIN');
      await admin.query('LOCK TABLE podcasts IN SHARE MODE');
      polling = bot.poll();
      const waiting = `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'podcord' AND wait_event_type = 'Lock'`;
      for (const deadline = Date.now() + 20_000; (await admin.query(waiting)).rows.length === 0 && Date.now() < deadline; ) await sleep(20);
      const result = await admin.query<{ ended: boolean }>(`SELECT pg_terminate_backend(pid, 10000) AS ended FROM (${waiting}) w`);
      await admin.query('ROLLBACK');
      return result.rows.map((row) => row.ended);
    }, database.name);
    expect(ended).not.toEqual([]);
    expect(ended).not.toContain(false);
    await polling;
    expect(channelPosts()).toEqual([]);
    expect(bot.logs.join('')).toContain('feed check failed');

    // The failed check is retried after its backoff (twice the 1 s interval, jittered): well past it, once.
    bot.clock.advance(60_000);
    await bot.poll();
    expect(channelPosts()).toEqual(['show episode 2']);
    expect(await bot.running.services.store.pendingIntents()).toEqual([]);
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
