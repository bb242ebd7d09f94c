import { Writable } from 'node:stream';
import type { APIApplicationCommandAutocompleteResponse } from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openServices, type Services } from '../../src/app.js';
import { inScope } from '../../src/data/catalog.js';
import type { Podcast } from '../../src/data/model.js';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { openPostgresStore, type PostgresStore } from '../../src/store/PostgresStore.js';
import type { Store } from '../../src/store/Store.js';
import { startFakeDiscord, type FakeDiscord } from '../support/fakeDiscord.js';
import { autocomplete, focused } from '../support/interactions.js';
import { asAdmin, createTestDatabase, type TestDatabase } from '../support/postgresDatabase.js';
import { bareEpisode } from '../store/storeContract.js';
import { command, episode, episodes, startFeedHost, startTestBot, type FeedHost, type StartedBot } from './support.js';

/**
 * Issue 13, "fresh everywhere": processes on one PostgreSQL database, each with the catalogue and the follows in
 * memory. What one of them changes, another serves within 2 s (the requirement, measured from the commit),
 * reloading only what changed, also after its listening connection was cut.
 */

const FRESH_WITHIN_MS = 2000;

let database: TestDatabase;
const cleanups: (() => Promise<void>)[] = [];

beforeEach(async () => {
  database = await createTestDatabase();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await database.drop();
});

/** Waits until `condition` holds; fails if that takes more than `ms` from `since` (performance.now() at the commit). */
async function visibleWithin(ms: number, since: number, condition: () => boolean, what: string): Promise<void> {
  for (;;) {
    if (condition()) return;
    const elapsed = performance.now() - since;
    if (elapsed > ms) throw new Error(`${what}: not seen ${Math.round(elapsed)} ms after the commit (the issue asks for ${ms} ms)`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Waits for a condition with a deadline that only keeps a broken test from hanging. */
async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await condition()); ) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Whether a process serves a podcast to a guild: in its catalogue, and in the guild's scope. */
function serves(services: Services, guildId: string, podcastId: string): boolean {
  return services.library.catalog.podcast(podcastId) !== undefined && inScope(services.follows.scopeFor(guildId), podcastId);
}

const latestIds = (services: Services, podcastId: string): string[] => services.library.catalog.episodes(podcastId).map((r) => r.episode.id);

describe('two bots on one PostgreSQL database', () => {
  let fakeA: FakeDiscord;
  let fakeB: FakeDiscord;
  let host: FeedHost;
  let a: StartedBot;
  let b: StartedBot;

  beforeEach(async () => {
    // Two processes of one bot: the same guild reaches each through its own gateway connection.
    fakeA = await startFakeDiscord();
    fakeB = await startFakeDiscord();
    host = await startFeedHost();
    cleanups.push(() => fakeA.close(), () => fakeB.close(), () => host.close());
    a = await startTestBot(fakeA, { DATABASE_URL: database.url });
    cleanups.push(() => a.running.stop());
    b = await startTestBot(fakeB, { DATABASE_URL: database.url });
    cleanups.push(() => b.running.stop());
  });

  it('serves a feed added, changed and removed in the other within 2 s: catalogue, autocomplete and /latest', async () => {
    host.feeds.set('/fresh.xml', { title: 'Fresh Show', episodes: episodes('fresh', 2) });
    const url = host.url('/fresh.xml');
    const guildId = fakeB.guildId;
    const before = await command(fakeB, 'latest', { podcast: 'Fresh Show', count: 1 });
    expect(before.embeds?.[0]?.author?.name).not.toBe('Fresh Show');

    const added = await command(fakeA, 'feed add', { url }, { admin: true });
    // The follow was committed before A answered.
    const addedAt = performance.now();
    expect(added.embeds?.[0]?.title ?? added.content).toBeDefined();
    await visibleWithin(FRESH_WITHIN_MS, addedAt, () => serves(b.running.services, guildId, url), 'the added feed in B');
    expect(latestIds(b.running.services, url)).toEqual(['fresh-2', 'fresh-1']);
    const latest = await command(fakeB, 'latest', { podcast: 'Fresh Show', count: 1 });
    expect(latest.embeds?.[0]?.title).toBe('fresh episode 2');
    const choices = (await fakeB.sendInteraction(autocomplete('latest', { podcast: focused('Fres') }), 10_000)) as APIApplicationCommandAutocompleteResponse;
    expect(choices.data?.choices?.map((c) => c.name)).toContain('Fresh Show');

    host.addEpisode('/fresh.xml', episode('fresh', 3));
    await a.poll();
    const changedAt = performance.now();
    await visibleWithin(FRESH_WITHIN_MS, changedAt, () => latestIds(b.running.services, url)[0] === 'fresh-3', 'the new episode in B');
    expect((await command(fakeB, 'latest', { podcast: 'Fresh Show', count: 1 })).embeds?.[0]?.title).toBe('fresh episode 3');

    const removed = await command(fakeA, 'feed remove', { podcast: url }, { admin: true });
    expect(removed.content).toBe('Stopped following **Fresh Show**.');
    const removedAt = performance.now();
    await visibleWithin(
      FRESH_WITHIN_MS,
      removedAt,
      () => b.running.library.catalog.podcast(url) === undefined && !serves(b.running.services, guildId, url),
      'the removal in B',
    );
    const after = await command(fakeB, 'latest', { podcast: 'Fresh Show', count: 1 });
    expect(after.embeds?.[0]?.author?.name).not.toBe('Fresh Show');
    const none = (await fakeB.sendInteraction(autocomplete('latest', { podcast: focused('Fres') }), 10_000)) as APIApplicationCommandAutocompleteResponse;
    expect(none.data?.choices?.map((c) => c.name)).not.toContain('Fresh Show');
  });

  it('follows a feed that moved permanently, as the process that found the move does, within 2 s', async () => {
    host.feeds.set('/old.xml', { title: 'Moving Show', episodes: episodes('move', 2) });
    const [from, to] = [host.url('/old.xml'), host.url('/new.xml')];
    const guildId = fakeB.guildId;
    await command(fakeA, 'feed add', { url: from }, { admin: true });
    const addedAt = performance.now();
    await visibleWithin(FRESH_WITHIN_MS, addedAt, () => serves(b.running.services, guildId, from), 'the added feed in B');

    host.feeds.set('/new.xml', { title: 'Moving Show', episodes: episodes('move', 3) });
    host.feeds.set('/old.xml', { title: 'Moving Show', episodes: [], redirectTo: { status: 301, location: to } });
    await a.poll();
    expect(serves(a.running.services, guildId, to)).toBe(true);
    const movedAt = performance.now();
    await visibleWithin(
      FRESH_WITHIN_MS,
      movedAt,
      () =>
        serves(b.running.services, guildId, to) &&
        latestIds(b.running.services, to)[0] === 'move-3' &&
        b.running.library.catalog.podcast(from) === undefined,
      'the moved feed in B',
    );
    expect([...b.running.services.follows.followedBy(guildId)]).toEqual([to]);
    expect((await command(fakeB, 'latest', { podcast: 'Moving Show', count: 1 })).embeds?.[0]?.title).toBe('move episode 3');
  });
});

describe('a process whose listening connection is cut', () => {
  const GUILD = '1200000000000000001';
  const show = (n: number): Podcast => ({ id: `https://feeds.example.com/${n}.xml`, feedUrl: `https://feeds.example.com/${n}.xml`, title: `Show ${n}`, categories: [] });

  async function openStore(options: { listenReconnectMs?: number } = {}): Promise<PostgresStore> {
    const opened = await openPostgresStore(database.url, options);
    if (!opened.ok) throw new Error(opened.error);
    cleanups.push(() => opened.value.close());
    return opened.value;
  }

  /** The store as it is, with every call it gets written down (the process's reads, counted). */
  function recorded(store: Store): { store: Store; calls: { method: string; args: unknown[] }[] } {
    const calls: { method: string; args: unknown[] }[] = [];
    const proxy = new Proxy(store, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]): unknown => {
          calls.push({ method: String(property), args });
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    return { store: proxy, calls };
  }

  async function startServices(store: Store): Promise<{ services: Services; logs: string[] }> {
    const logs: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(chunk.toString());
        done();
      },
    });
    const config = parseConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'debug' });
    if (!config.ok) throw new Error(config.error);
    const services = await openServices(config.value, createLogger({ level: 'debug', destination }), { store });
    cleanups.push(() => services.close());
    // openServices resolves while the stored catalogue and topic index are still being read; these tests start after.
    await services.loaded;
    return { services, logs };
  }

  it('reloads only the podcast that changed, then after a reconnect only what changed while it was cut off', async () => {
    const writer = await openStore();
    for (const n of [1, 2, 3]) {
      await writer.savePodcast(show(n), [bareEpisode(`${n}-1`)]);
      await writer.follow(GUILD, show(n).id, { seenEpisodeIds: [`${n}-1`] });
    }
    // This process waits 2 s before listening again: time to change things while it hears nothing.
    const { store, calls } = recorded(await openStore({ listenReconnectMs: 2000 }));
    const { services, logs } = await startServices(store);
    for (const n of [1, 2, 3]) expect(serves(services, GUILD, show(n).id)).toBe(true);
    // The start reads the catalogue in pages (one here) and, with no saved topic index on PostgreSQL, each podcast once
    // for the index; what is counted below is what comes after.
    const atStart = calls.filter((c) => c.method === 'loadPodcast').length;
    const reloads = (): string[] => calls.filter((c) => c.method === 'loadPodcast').slice(atStart).map((c) => String(c.args[0]));
    const catalogueLoads = (): number => calls.filter((c) => c.method === 'loadCatalog' || (c.method === 'loadCatalogPage' && c.args[0] === undefined)).length;
    expect(catalogueLoads()).toBe(1);
    expect(reloads()).toEqual([]);

    await writer.savePodcast(show(1), [bareEpisode('1-2'), bareEpisode('1-1')]);
    const savedAt = performance.now();
    await visibleWithin(FRESH_WITHIN_MS, savedAt, () => latestIds(services, show(1).id)[0] === '1-2', 'the new episode of show 1');
    expect(reloads()).toEqual([show(1).id]);
    expect(catalogueLoads()).toBe(1);

    await asAdmin((client) =>
      client.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'podcord-listen'`, [
        database.name,
      ]),
    );
    await until(() => logs.join('').includes('store change feed: listening failed'), 'the cut to be noticed');
    await writer.savePodcast(show(2), [bareEpisode('2-2'), bareEpisode('2-1')]);
    await writer.unfollow(GUILD, show(3).id);
    await writer.deletePodcast(show(3).id);
    await writer.savePodcast(show(4), [bareEpisode('4-1')]);
    await writer.follow(GUILD, show(4).id, { seenEpisodeIds: ['4-1'] });
    // All of it while nothing listened, or this test would prove nothing.
    const listening = await asAdmin(
      async (client) =>
        (await client.query(`SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND application_name = 'podcord-listen'`, [database.name])).rowCount,
    );
    expect(listening).toBe(0);

    await until(
      () =>
        latestIds(services, show(2).id)[0] === '2-2' &&
        services.library.catalog.podcast(show(3).id) === undefined &&
        serves(services, GUILD, show(4).id) &&
        !serves(services, GUILD, show(3).id),
      'the changes made while cut off',
    );
    expect(logs.join('')).toContain('store change feed: listening again');
    expect(reloads().slice(1).sort()).toEqual([show(2).id, show(3).id, show(4).id].sort());
    expect(catalogueLoads()).toBe(1);
    expect(serves(services, GUILD, show(1).id)).toBe(true);
  });
});
