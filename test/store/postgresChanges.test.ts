import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Podcast } from '../../src/data/model.js';
import type { ChangeSubscription, StoreChange } from '../../src/store/ChangeFeed.js';
import { openPostgresStore, type PostgresStore, type PostgresStoreOptions } from '../../src/store/PostgresStore.js';
import { asAdmin, createTestDatabase, type TestDatabase } from '../support/postgresDatabase.js';
import { FEED, bareEpisode, podcast } from './storeContract.js';

/**
 * The PostgreSQL store's change feed on the run's real server: what a write notifies (ids only, at commit), what it
 * does not (a save that changes nothing), and a listening connection that the server ends: it connects again and
 * reports what changed while it was away, and only that.
 */

const MOVED = 'https://new.example.com/show.xml';
const show = (n: number): Podcast => ({ id: `https://feeds.example.com/${n}.xml`, feedUrl: `https://feeds.example.com/${n}.xml`, title: `Show ${n}`, categories: [] });

const databases: TestDatabase[] = [];
const stores: PostgresStore[] = [];
const subscriptions: ChangeSubscription[] = [];

afterEach(async () => {
  for (const subscription of subscriptions.splice(0)) await subscription.close();
  for (const store of stores.splice(0)) await store.close();
});
afterAll(async () => {
  for (const database of databases.splice(0)) await database.drop();
});

async function fresh(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  databases.push(database);
  return database;
}

async function open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const result = await openPostgresStore(url, options);
  if (!result.ok) throw new Error(result.error);
  stores.push(result.value);
  return result.value;
}

/** Changes as they are heard; `next` waits for the next one not yet taken. */
function recorder() {
  const heard: StoreChange[] = [];
  let taken = 0;
  const errors: Error[] = [];
  const resyncs: { podcasts: number; guilds: number }[] = [];
  return {
    heard,
    errors,
    resyncs,
    listener: (change: StoreChange) => void heard.push(change),
    options: { onError: (error: Error) => void errors.push(error), onResync: (changed: { podcasts: number; guilds: number }) => void resyncs.push(changed) },
    async next(): Promise<StoreChange> {
      await until(() => heard.length > taken, 'a change');
      return heard[taken++] as StoreChange;
    },
    /** Everything heard but not taken yet. */
    rest(): StoreChange[] {
      const out = heard.slice(taken);
      taken = heard.length;
      return out;
    },
  };
}

/** Waits for a condition (no fixed sleeps); the long deadline only keeps a broken test from hanging. */
async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await condition()); ) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const listeners = (database: TestDatabase): Promise<number> =>
  asAdmin(async (client) => {
    const result = await client.query<{ n: number }>(
      `SELECT count(*)::integer AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'podcord-listen'`,
      [database.name],
    );
    return result.rows[0]?.n ?? 0;
  });

describe('the PostgreSQL change feed', () => {
  it('names what each committed change touched, once it can be read; a save that changes nothing says nothing', async () => {
    const database = await fresh();
    const writer = await open(database.url);
    const reader = await open(database.url);
    const changes = recorder();
    const readOnHearing: (number | undefined)[] = [];
    subscriptions.push(
      await reader.subscribe(async (change) => {
        changes.listener(change);
        // Heard means committed: the data is there to read at once.
        if (change.kind === 'podcast' && change.podcastId === FEED) readOnHearing.push((await reader.loadPodcast(FEED))?.episodes.length);
      }, changes.options),
    );

    await writer.savePodcast(podcast, [bareEpisode('1')]);
    expect(await changes.next()).toEqual({ kind: 'podcast', podcastId: FEED });
    await until(() => readOnHearing.length === 1, 'the read on hearing');
    expect(readOnHearing).toEqual([1]);

    // The same feed again: nothing written, nothing said. What comes next is the next change.
    await writer.savePodcast(podcast, [bareEpisode('1')]);
    await writer.savePodcast(show(2), []);
    expect(await changes.next()).toEqual({ kind: 'podcast', podcastId: show(2).id });

    await writer.savePodcast(podcast, [bareEpisode('2'), bareEpisode('1')]);
    expect(await changes.next()).toEqual({ kind: 'podcast', podcastId: FEED });

    expect(await writer.follow('guild-1', FEED, { seenEpisodeIds: ['1'] })).toBe(true);
    expect(await changes.next()).toEqual({ kind: 'follows', guildId: 'guild-1' });
    // Already followed: nothing changed for the guild.
    expect(await writer.follow('guild-1', FEED, { seenEpisodeIds: ['2'] })).toBe(false);
    expect(await writer.unfollow('guild-1', FEED)).toBe(true);
    expect(await changes.next()).toEqual({ kind: 'follows', guildId: 'guild-1' });

    expect(await writer.deletePodcast(show(2).id)).toBe(true);
    expect(await changes.next()).toEqual({ kind: 'podcast', podcastId: show(2).id });
    expect(await writer.deletePodcast(show(2).id)).toBe(false);

    await writer.follow('guild-2', FEED, { seenEpisodeIds: [] });
    expect(await changes.next()).toEqual({ kind: 'follows', guildId: 'guild-2' });
    await writer.renameFeed(FEED, MOVED);
    expect([await changes.next(), await changes.next(), await changes.next()]).toEqual([
      { kind: 'renamed', from: FEED, to: MOVED },
      { kind: 'podcast', podcastId: FEED },
      { kind: 'podcast', podcastId: MOVED },
    ]);
    expect(changes.rest()).toEqual([]);
    expect(changes.errors).toEqual([]);
  });

  it('names a podcast whose id is too long for a notification by comparing versions instead', async () => {
    const database = await fresh();
    const writer = await open(database.url);
    const reader = await open(database.url);
    const changes = recorder();
    subscriptions.push(await reader.subscribe(changes.listener, changes.options));
    const long: Podcast = { id: `https://feeds.example.com/${'a'.repeat(9000)}.xml`, title: 'Long', categories: [] };
    await writer.savePodcast(long, [bareEpisode('1')]);
    expect(await changes.next()).toEqual({ kind: 'podcast', podcastId: long.id });
    await writer.follow('guild-1', long.id, { seenEpisodeIds: [] });
    expect(await changes.next()).toEqual({ kind: 'follows', guildId: 'guild-1' });
  });

  it('listens again after the server ends its connection, and reports what changed meanwhile, and only that', async () => {
    const database = await fresh();
    const writer = await open(database.url);
    for (const n of [1, 2, 3]) await writer.savePodcast(show(n), [bareEpisode(`${n}-1`)]);
    for (const guild of ['guild-1', 'guild-2']) await writer.follow(guild, show(1).id, { seenEpisodeIds: [] });
    // Two seconds before reconnecting: time to change things while nobody listens.
    const reader = await open(database.url, { listenReconnectMs: 2000 });
    const changes = recorder();
    subscriptions.push(await reader.subscribe(changes.listener, changes.options));
    // Heard while connected: the version it carries is what a reconnect compares with, so this is not reported twice.
    await writer.savePodcast(show(1), [bareEpisode('1-2'), bareEpisode('1-1')]);
    expect(await changes.next()).toEqual({ kind: 'podcast', podcastId: show(1).id });

    await asAdmin((client) =>
      client.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'podcord-listen'`, [
        database.name,
      ]),
    );
    await until(() => changes.errors.length > 0, 'the dropped connection to be noticed');
    await writer.savePodcast(show(2), [bareEpisode('2-2'), bareEpisode('2-1')]);
    await writer.deletePodcast(show(3).id);
    await writer.savePodcast(show(4), []);
    await writer.follow('guild-2', show(4).id, { seenEpisodeIds: [] });
    await writer.follow('guild-3', show(4).id, { seenEpisodeIds: [] });
    // Made while nothing listened (else this test would prove nothing).
    expect(await listeners(database)).toBe(0);
    expect(changes.rest()).toEqual([]);

    await until(() => changes.resyncs.length > 0, 'listening again');
    expect(changes.resyncs).toEqual([{ podcasts: 3, guilds: 2 }]);
    const missed = changes.rest();
    expect(missed.filter((c) => c.kind === 'podcast').map((c) => (c.kind === 'podcast' ? c.podcastId : '')).sort()).toEqual(
      [show(2).id, show(3).id, show(4).id].sort(),
    );
    expect(missed.filter((c) => c.kind === 'follows')).toEqual(
      expect.arrayContaining([
        { kind: 'follows', guildId: 'guild-2' },
        { kind: 'follows', guildId: 'guild-3' },
      ]),
    );
    expect(missed).toHaveLength(5);

    // And it hears what comes next.
    await writer.savePodcast(show(1), [bareEpisode('1-3'), bareEpisode('1-2'), bareEpisode('1-1')]);
    expect(await changes.next()).toEqual({ kind: 'podcast', podcastId: show(1).id });
  });

  it('closes its connection with the subscription, and with the store', async () => {
    const database = await fresh();
    const store = await open(database.url);
    const first = await store.subscribe(() => {});
    await store.subscribe(() => {});
    expect(await listeners(database)).toBe(2);
    await first.close();
    expect(await listeners(database)).toBe(1);
    await store.close();
    await until(async () => (await listeners(database)) === 0, 'the connections to close');
  });
});
