import { afterEach, describe, expect, it } from 'vitest';
import { EVERY_PODCAST } from '../../src/data/catalog.js';
import { Library } from '../../src/data/library.js';
import type { Podcast } from '../../src/data/model.js';
import { GuildFollows } from '../../src/follows/GuildFollows.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/SqliteStore.js';
import type { Store } from '../../src/store/Store.js';

const podcast = (id: string): Podcast => ({ id, title: id, categories: [] });
let store: SqliteStore | undefined;
afterEach(() => store?.close());

describe('GuildFollows.scopeFor', () => {
  it('shows a guild the shared podcasts, FEEDS and its own follows; a direct message the shared ones and FEEDS', async () => {
    const opened = openSqliteStore('sqlite::memory:');
    if (!opened.ok) throw new Error(opened.error);
    store = opened.value;
    const library = new Library();
    for (const id of ['sample', 'operator', 'ours', 'theirs']) library.upsert(podcast(id), []);
    const follows = new GuildFollows(store, library, ['operator'], ['sample']);
    await follows.ensureGuild('g1');
    await follows.ensureGuild('g2');
    // In the catalogue but followed by nobody yet (a feed between its first fetch and its follow): nobody sees it.
    expect(follows.scopeFor('g1')).toEqual(new Set(['sample', 'operator']));

    follows.added('g1', 'ours');
    expect(follows.scopeFor('g1')).toEqual(new Set(['sample', 'operator', 'ours']));
    expect(follows.scopeFor('g2')).toEqual(new Set(['sample', 'operator']));

    follows.added('g2', 'theirs');
    expect(follows.scopeFor('g1')).toEqual(new Set(['sample', 'operator', 'ours']));
    expect(follows.scopeFor('g2')).toEqual(new Set(['sample', 'operator', 'theirs']));
    expect(follows.scopeFor(undefined)).toEqual(new Set(['sample', 'operator']));

    // Nothing hidden from g1: no set to build or check.
    follows.added('g1', 'theirs');
    expect(follows.scopeFor('g1')).toBe(EVERY_PODCAST);
    expect(follows.scopeFor(undefined)).toEqual(new Set(['sample', 'operator']));
    follows.removed('g1', 'theirs');
    expect(follows.scopeFor('g1')).toEqual(new Set(['sample', 'operator', 'ours']));
  });

  it('gives a guild the same scope set until the follows or the catalog change, then a new one that shows the change', async () => {
    const opened = openSqliteStore('sqlite::memory:');
    if (!opened.ok) throw new Error(opened.error);
    store = opened.value;
    const library = new Library();
    for (const id of ['sample', 'ours', 'theirs']) library.upsert(podcast(id), []);
    const follows = new GuildFollows(store, library, [], ['sample']);
    follows.added('g1', 'ours');
    follows.added('g2', 'theirs');

    const first = follows.scopeFor('g1');
    expect(follows.scopeFor('g1')).toBe(first);
    expect(first).toEqual(new Set(['sample', 'ours']));

    library.upsert(podcast('new'), []);
    const afterCatalog = follows.scopeFor('g1');
    expect(afterCatalog).not.toBe(first);
    expect(afterCatalog).toEqual(new Set(['sample', 'ours']));
    follows.added('g1', 'new');
    expect(follows.scopeFor('g1')).toEqual(new Set(['sample', 'ours', 'new']));

    follows.added('g1', 'theirs');
    expect(follows.scopeFor('g1')).toBe(EVERY_PODCAST);
    follows.removed('g1', 'theirs');
    expect(follows.scopeFor('g1')).toEqual(new Set(['sample', 'ours', 'new']));
  });
});

describe('GuildFollows.load', () => {
  it("reads every stored podcast's follows in one store call, not one per podcast (a round trip each on PostgreSQL)", async () => {
    const opened = openSqliteStore('sqlite::memory:');
    if (!opened.ok) throw new Error(opened.error);
    store = opened.value;
    const library = new Library();
    for (const id of ['sample', 'a', 'b', 'c']) library.upsert(podcast(id), []);
    await store.follow('g1', 'a', { seenEpisodeIds: [] });
    await store.follow('g2', 'a', { seenEpisodeIds: [] });
    await store.follow('g2', 'b', { seenEpisodeIds: [] });
    // Followed, but not in the catalogue (a feed not fetched yet): left out, as before.
    await store.follow('g1', 'not-fetched', { seenEpisodeIds: [] });
    const calls: string[] = [];
    const target = store;
    const counted = new Proxy(target, {
      get(object, key, receiver) {
        const value = Reflect.get(object, key, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.push(String(key));
          return (value as (...a: unknown[]) => unknown).apply(object, args);
        };
      },
    }) as Store;
    const follows = new GuildFollows(counted, library, [], ['sample']);
    await follows.load();
    expect(calls).toEqual(['allFollowers']);
    expect(follows.scopeFor('g1')).toEqual(new Set(['sample', 'a']));
    expect(follows.scopeFor('g2')).toEqual(new Set(['sample', 'a', 'b']));
    expect(follows.hasFollowers('c')).toBe(false);
    expect(follows.hasFollowers('not-fetched')).toBe(false);
  });
});
