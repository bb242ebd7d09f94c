import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/SqliteStore.js';
import type { Store } from '../../src/store/Store.js';
import { startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.js';
import { createTestDatabase, type TestDatabase } from '../support/postgresDatabase.js';
import {
  channelOption,
  command,
  episode,
  episodes,
  startFeedHost,
  startTestBot,
  tempDir,
  testClock,
  type FeedHost,
  type StartedBot,
  type TestClock,
} from './support.js';

/**
 * A bot that moves from SQLite to PostgreSQL with `db:copy` (a real child process) between two runs: the run on
 * PostgreSQL carries on where the one on SQLite stopped, posting nothing twice and losing no post that was pending.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
let fake: FakeDiscord;
let host: FeedHost;
let temp: ReturnType<typeof tempDir>;
let database: TestDatabase;
let clock: TestClock;
const running: StartedBot[] = [];

beforeEach(async () => {
  fake = await startFakeDiscord();
  host = await startFeedHost();
  temp = tempDir();
  database = await createTestDatabase();
  clock = testClock();
});

afterEach(async () => {
  for (const bot of running.splice(0)) await bot.running.stop();
  await fake.close();
  await host.close();
  await database.drop();
  temp.remove();
});

async function start(env: Record<string, string>, options: Parameters<typeof startTestBot>[2] = {}): Promise<StartedBot> {
  const bot = await startTestBot(fake, env, options, clock);
  running.push(bot);
  return bot;
}

async function stop(bot: StartedBot): Promise<void> {
  running.splice(running.indexOf(bot), 1);
  await bot.running.stop();
}

function dbCopy(args: readonly string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/dbCopy.ts', ...args], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

const channelPosts = (): string[] => fake.messages(fake.channelId).flatMap((m) => (m.interaction_metadata ? [] : [m.embeds[0]?.title ?? m.content]));
const posts = () => fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${fake.channelId}/messages`);

describe('moving a bot from SQLite to PostgreSQL with db:copy', () => {
  it('carries on where it stopped: nothing posted twice, the pending post reconciled, the feed not refetched', { timeout: 90_000 }, async () => {
    host.feeds.set('/show.xml', { title: 'Moving Show', episodes: episodes('show', 3) });
    const opened = openSqliteStore(temp.dbUrl());
    if (!opened.ok) throw new Error(opened.error);
    const sqlite = opened.value;
    // The last post of the SQLite run is made but never recorded as sent (the process died in between): the copy
    // must carry its intent and nonce so the next run finds the post instead of making it again.
    let crashes = 0;
    const crashing = new Proxy(sqlite, {
      get(target, property) {
        if (property === 'markSent' && crashes > 0) {
          crashes--;
          return async () => Promise.reject(new Error('simulated crash between send and record'));
        }
        const value = Reflect.get(target, property) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    }) as Store;

    const onSqlite = await start({ DATABASE_URL: temp.dbUrl() }, { store: crashing });
    await command(fake, 'announce channel', { channel: channelOption(fake.channelId) }, { admin: true });
    await command(fake, 'feed add', { url: host.url('/show.xml') }, { admin: true });
    await onSqlite.poll();
    host.addEpisode('/show.xml', episode('show', 4));
    await onSqlite.poll();
    crashes = 1;
    host.addEpisode('/show.xml', episode('show', 5));
    await onSqlite.poll();
    expect(channelPosts()).toEqual(['show episode 4', 'show episode 5']);
    expect((await sqlite.pendingIntents()).map((a) => a.episodeId)).toEqual(['show-5']);
    await stop(onSqlite);
    await sqlite.close();

    const copied = await dbCopy(['--from', temp.dbUrl()], { DATABASE_URL: database.url });
    expect(copied.output).toMatch(/\n {2}announcements +2\n/);
    expect(copied.code).toBe(0);
    expect(copied.output).not.toContain(new URL(database.url).password);

    // Started on the copy 10 minutes later, past Discord's nonce window: it looks at the channel for the pending post.
    clock.advance(10 * 60_000);
    const fetchesBefore = host.requests.get('/show.xml') ?? 0;
    const onPostgres = await start({ DATABASE_URL: database.url });
    const store = onPostgres.running.services.store;
    expect(onPostgres.running.library.catalog.episodes(host.url('/show.xml')).map((r) => r.episode.id)).toEqual([
      'show-5',
      'show-4',
      'show-3',
      'show-2',
      'show-1',
    ]);
    await onPostgres.poll();
    expect(channelPosts()).toEqual(['show episode 4', 'show episode 5']);
    expect(posts()).toHaveLength(2);
    expect(await store.pendingIntents()).toEqual([]);
    expect(await store.wasAnnounced(fake.guildId, host.url('/show.xml'), 'show-5')).toBe(true);
    // The feed's validators moved too: the first check from PostgreSQL is a conditional GET answered 304.
    expect(host.requests.get('/show.xml')).toBe(fetchesBefore + 1);
    expect(host.notModified.get('/show.xml')).toBeGreaterThanOrEqual(1);

    host.addEpisode('/show.xml', episode('show', 6));
    await onPostgres.poll();
    expect(channelPosts()).toEqual(['show episode 4', 'show episode 5', 'show episode 6']);
  });
});
