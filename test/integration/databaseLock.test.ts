import path from 'node:path';
import Database from 'better-sqlite3';
import { InteractionResponseType, MessageFlags, type APIInteractionResponse } from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../src/store/SqliteStore.js';
import type { Store } from '../../src/store/Store.js';
import { FAKE_IDS, startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.js';
import { chatInput } from '../support/interactions.js';
import { startWriteLockHolder, type WriteLockHolder } from '../support/writeLockHolder.js';
import {
  channelOption,
  command,
  data,
  episode,
  episodes,
  postsTitled,
  roleOption,
  startFeedHost,
  startTestBot,
  tempDir,
  type FeedHost,
  type StartedBot,
} from './support.js';

/**
 * Another process holding the SQLite write lock (a backup, the sqlite3 shell, a second Podcord) must not freeze the
 * bot: the real bot on a real database file, a real child process holding BEGIN IMMEDIATE on that file, the fake
 * Discord refusing callbacks that miss its 3 s deadline, and a real feed host.
 */

/** Discord drops an interaction whose first answer comes later than this. */
const DISCORD_DEADLINE_MS = 3000;

let fake: FakeDiscord;
let host: FeedHost;
let temp: ReturnType<typeof tempDir>;
let bot: StartedBot | undefined;
let holder: WriteLockHolder | undefined;
const stores: SqliteStore[] = [];

beforeEach(async () => {
  host = await startFeedHost();
  temp = tempDir();
});

afterEach(async () => {
  await holder?.close();
  holder = undefined;
  await bot?.running.stop();
  bot = undefined;
  for (const store of stores.splice(0)) await store.close();
  await fake.close();
  await host.close();
  temp.remove();
  expect(fake.unknownRequests).toEqual([]);
});

const databaseFile = (): string => path.join(temp.dir, 'podcord.db');

function openStore(): SqliteStore {
  const opened = openSqliteStore(temp.dbUrl());
  if (!opened.ok) throw new Error(opened.error);
  stores.push(opened.value);
  return opened.value;
}

async function follow(feedPath: string): Promise<void> {
  await command(fake, 'announce channel', { channel: channelOption(fake.channelId) }, { admin: true });
  const reply = await command(fake, 'feed add', { url: host.url(feedPath) }, { admin: true });
  expect(reply.content).toMatch(/^Following \*\*/);
}

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Callbacks the fake refused as Discord does once its deadline has passed (10062 Unknown interaction). */
const refusedCallbacks = (): number =>
  fake.requests.filter((r) => r.path.endsWith('/callback') && (r.responseBody as { code?: number } | null)?.code === 10062).length;

describe('a database locked by another process', () => {
  it('answers every interaction in time while another process holds the write lock, and tells a manager the change was not saved', { timeout: 120_000 }, async () => {
    fake = await startFakeDiscord({ interactionDeadlineMs: DISCORD_DEADLINE_MS });
    host.feeds.set('/show.xml', { title: 'Locked Show', episodes: episodes('show', 1) });
    bot = await startTestBot(fake, { DATABASE_URL: temp.dbUrl() });
    await follow('/show.xml');
    host.addEpisode('/show.xml', episode('show', 2));

    holder = await startWriteLockHolder(databaseFile());
    await holder.lock();
    // All at once, as on a busy server: a poll that finds an episode to save, a manager's change, members' commands.
    const polled = bot.poll();
    const change = Promise.allSettled([
      command(fake, 'announce channel', { channel: channelOption(fake.channelId), role: roleOption(FAKE_IDS.moderatorRoleId) }, { admin: true }),
    ]);
    const asked: Promise<APIInteractionResponse>[] = [];
    for (let i = 0; i < 40; i++) asked.push(fake.sendInteraction(i % 4 === 3 ? chatInput('chapters') : chatInput('help'), 15_000));
    const answers = await Promise.allSettled(asked);
    const [changed] = await change;
    await polled;

    const answered = answers.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
    expect({ answered: answered.length, refusedAsLate: refusedCallbacks() }).toEqual({ answered: 40, refusedAsLate: 0 });
    for (const callback of answered) {
      expect(callback.type).toBe(InteractionResponseType.ChannelMessageWithSource);
      expect(data(callback).embeds?.[0]?.title).toBeTruthy();
    }
    // The change could not be saved while the lock was held: the manager is told so, privately, instead of a false "done".
    expect(changed.status).toBe('fulfilled');
    const busyReply = changed.status === 'fulfilled' ? changed.value : undefined;
    expect(busyReply?.content).toBe('The database is busy (another program is using it), so nothing was changed. Please try again in a moment.');
    expect(busyReply?.flags).toBe(MessageFlags.Ephemeral);

    await holder.release();
    const retried = await command(fake, 'announce channel', { channel: channelOption(fake.channelId), role: roleOption(FAKE_IDS.moderatorRoleId) }, { admin: true });
    expect(retried.content).toBe(`New episodes of every followed podcast will be posted in <#${fake.channelId}>, mentioning <@&${FAKE_IDS.moderatorRoleId}>.`);
    // The poll that could not save was not held against the feed: no error, no backoff, and the next poll posts it.
    // (The lock met either the lease on the feed or the check's own write.)
    expect(bot.logs.join('')).toContain('the database is busy; checking again next tick');
    const state = await bot.running.services.store.getFetchState(host.url('/show.xml'));
    expect(state?.consecutiveFailures).toBe(0);
    expect(state?.lastError).toBeUndefined();
    await bot.poll();
    expect(postsTitled(fake, fake.channelId, 'show episode 2')).toBe(1);
  });

  it('posts an announcement whose ledger write found the database locked once the lock is let go, without a restart', { timeout: 120_000 }, async () => {
    fake = await startFakeDiscord();
    host.feeds.set('/show.xml', { title: 'Ledger Show', episodes: episodes('show', 1) });
    const store = openStore();
    const refusedLedgerWrites: string[] = [];
    // The real store, watched: which ledger writes were refused (the lock), for the test to know when to let go.
    const watched = new Proxy(store, {
      get(target, property) {
        const value = Reflect.get(target, property) as unknown;
        if (typeof value !== 'function') return value;
        const method = value as (...args: unknown[]) => unknown;
        if (property !== 'recordIntent' && property !== 'markSent') return method.bind(target);
        return async (...args: unknown[]) => {
          try {
            return await method.apply(target, args);
          } catch (error) {
            refusedLedgerWrites.push(`${property} ${String(args[2])}`);
            throw error;
          }
        };
      },
    }) as Store;
    bot = await startTestBot(fake, { DATABASE_URL: temp.dbUrl() }, { store: watched });
    await follow('/show.xml');
    host.addEpisode('/show.xml', episode('show', 2));
    host.addEpisode('/show.xml', episode('show', 3));

    holder = await startWriteLockHolder(databaseFile());
    // Discord holds the first post back for 3 s (a rate limit); meanwhile another process takes the lock, so the bot
    // cannot mark that post sent, nor record its intent for the next one.
    const posts = `/channels/${fake.channelId}/messages`;
    fake.failNext('POST', new RegExp(`^${posts}$`), { status: 429, retryAfter: 3 });
    const polled = bot.poll();
    await fake.waitForRequest((r) => r.injected && r.method === 'POST' && r.path === posts, 20_000);
    await holder.lock();
    await until(() => refusedLedgerWrites.length >= 2, 'two ledger writes to be refused');
    expect(refusedLedgerWrites[0]).toBe('markSent show-2');
    await holder.release();
    await polled;

    expect(postsTitled(fake, fake.channelId, 'show episode 2')).toBe(1);
    expect(postsTitled(fake, fake.channelId, 'show episode 3')).toBe(1);
    expect(await store.pendingIntents()).toEqual([]);
    expect(await store.wasAnnounced(fake.guildId, host.url('/show.xml'), 'show-2')).toBe(true);
    expect(await store.wasAnnounced(fake.guildId, host.url('/show.xml'), 'show-3')).toBe(true);
  });

  it('announces the new episodes it saved even when the feed’s bookkeeping write after them fails', async () => {
    fake = await startFakeDiscord();
    host.feeds.set('/show.xml', { title: 'Bookkeeping Show', episodes: episodes('show', 1) });
    const store = openStore();
    let refuse = false;
    // The lock arrives between saving the episodes and recording the fetch: that one write fails.
    const flaky = new Proxy(store, {
      get(target, property) {
        const value = Reflect.get(target, property) as unknown;
        if (typeof value !== 'function') return value;
        if (property === 'recordFetchSuccess' && refuse) {
          refuse = false;
          return async () => {
            throw new Database.SqliteError('database is locked', 'SQLITE_BUSY');
          };
        }
        return (value as (...args: unknown[]) => unknown).bind(target);
      },
    }) as Store;
    bot = await startTestBot(fake, { DATABASE_URL: temp.dbUrl() }, { store: flaky });
    await follow('/show.xml');
    host.addEpisode('/show.xml', episode('show', 2));
    refuse = true;
    await bot.poll();
    await bot.poll();
    expect(postsTitled(fake, fake.channelId, 'show episode 2')).toBe(1);
  });
});
