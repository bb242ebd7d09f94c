import { afterEach, describe, expect, it } from 'vitest';
import { Library } from '../../src/data/library.js';
import type { Podcast } from '../../src/data/model.js';
import { GuildFollows } from '../../src/follows/GuildFollows.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/SqliteStore.js';

const podcast = (id: string): Podcast => ({ id, title: id, categories: [] });
let store: SqliteStore | undefined;
afterEach(() => store?.close());

describe('GuildFollows.scopeFor', () => {
  it('is undefined (everything) until another guild follows a feed of its own, then leaves that feed out', async () => {
    const opened = openSqliteStore('sqlite::memory:');
    if (!opened.ok) throw new Error(opened.error);
    store = opened.value;
    const library = new Library();
    for (const id of ['sample', 'operator', 'ours', 'theirs']) library.upsert(podcast(id), []);
    const follows = new GuildFollows(store, library, ['operator']);
    await follows.ensureGuild('g1');
    await follows.ensureGuild('g2');
    expect(follows.scopeFor('g1')).toBeUndefined();

    follows.added('g1', 'ours');
    expect(follows.scopeFor('g1')).toBeUndefined();
    expect(follows.scopeFor('g2')).toEqual(new Set(['sample', 'operator', 'theirs']));
    expect(follows.scopeFor(undefined)).toEqual(new Set(['sample', 'operator', 'theirs']));

    follows.added('g2', 'theirs');
    expect(follows.scopeFor('g1')).toEqual(new Set(['sample', 'operator', 'ours']));
    follows.removed('g2', 'theirs');
    expect(follows.scopeFor('g1')).toBeUndefined();
  });

  it('gives a guild the same scope set until the follows or the catalog change, then a new one that shows the change', async () => {
    const opened = openSqliteStore('sqlite::memory:');
    if (!opened.ok) throw new Error(opened.error);
    store = opened.value;
    const library = new Library();
    for (const id of ['sample', 'ours', 'theirs']) library.upsert(podcast(id), []);
    const follows = new GuildFollows(store, library, []);
    follows.added('g1', 'ours');
    follows.added('g2', 'theirs');

    const first = follows.scopeFor('g1');
    expect(follows.scopeFor('g1')).toBe(first);
    expect(first).toEqual(new Set(['sample', 'ours']));

    library.upsert(podcast('new sample'), []);
    const afterCatalog = follows.scopeFor('g1');
    expect(afterCatalog).not.toBe(first);
    expect(afterCatalog).toEqual(new Set(['sample', 'ours', 'new sample']));

    follows.added('g1', 'theirs');
    expect(follows.scopeFor('g1')).toBeUndefined();
    follows.removed('g1', 'theirs');
    expect(follows.scopeFor('g1')).toEqual(new Set(['sample', 'ours', 'new sample']));
  });
});
