import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrations } from '../../src/store/migrations.js';
import { openSqliteStore, parseSqliteUrl, type SqliteStore } from '../../src/store/SqliteStore.js';
import { FEED, bareEpisode, fullEpisode, podcast, storeContract } from './storeContract.js';

/** The Store contract on SQLite files in a temp dir, and what only SQLite has: files, paths, pragmas, user_version. */

storeContract({
  name: 'SQLite',
  async freshDatabase() {
    const dir = mkdtempSync(path.join(tmpdir(), 'podcord-store-'));
    return {
      async open() {
        const result = openSqliteStore(`sqlite:${path.join(dir, 'podcord.db')}`);
        if (!result.ok) throw new Error(result.error);
        return result.value;
      },
      async remove() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});

let dir: string;
const stores: SqliteStore[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'podcord-store-'));
});
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(url = `sqlite:${path.join(dir, 'podcord.db')}`): SqliteStore {
  const result = openSqliteStore(url, { baseDir: dir });
  if (!result.ok) throw new Error(result.error);
  stores.push(result.value);
  return result.value;
}

async function reopen(store: SqliteStore, url?: string): Promise<SqliteStore> {
  await store.close();
  return open(url);
}

describe('openSqliteStore', () => {
  it('creates the directory of a relative sqlite: path under the base directory', () => {
    open('sqlite:data/nested/podcord.db');
    expect(existsSync(path.join(dir, 'data', 'nested', 'podcord.db'))).toBe(true);
  });

  it('opens an absolute sqlite: path, with or without //', () => {
    open(`sqlite:${path.join(dir, 'a.db')}`);
    open(`sqlite://${path.join(dir, 'b.db')}`);
    expect(existsSync(path.join(dir, 'a.db'))).toBe(true);
    expect(existsSync(path.join(dir, 'b.db'))).toBe(true);
  });

  it('opens sqlite::memory: without touching the disk', async () => {
    const store = open('sqlite::memory:');
    await store.savePodcast(podcast, [bareEpisode('1')]);
    expect(await store.getEpisodeIds(FEED)).toEqual(['1']);
    expect(parseSqliteUrl('sqlite::memory:')).toEqual({ ok: true, value: ':memory:' });
  });

  it('refuses another scheme without echoing the rest of the URL', () => {
    const result = openSqliteStore('postgres://podcord:hunter2@db.internal/podcord');
    expect(result).toEqual({
      ok: false,
      error:
        'DATABASE_URL is a postgres: URL; only SQLite is supported: sqlite:data/podcord.db, sqlite:/absolute/path.db or sqlite::memory:.',
    });
  });

  it('refuses a value without a scheme and an empty sqlite: path', () => {
    const bare = openSqliteStore('data/podcord.db');
    expect(bare.ok ? '' : bare.error).toMatch(/^DATABASE_URL is a value without a scheme; only SQLite is supported/);
    const empty = openSqliteStore('sqlite:');
    expect(empty.ok ? '' : empty.error).toMatch(/names no file/);
  });

  it('reports a path that cannot be created', () => {
    const blocker = path.join(dir, 'not-a-directory');
    writeFileSync(blocker, '');
    const result = openSqliteStore(`sqlite:${blocker}/podcord.db`);
    expect(result.ok ? '' : result.error).toContain(`Could not open the database ${blocker}/podcord.db: `);
  });

  it('runs the migrations once, in WAL mode, and keeps the data on reopen', async () => {
    const file = path.join(dir, 'podcord.db');
    let store = open();
    expect(store.schemaVersion()).toBe(migrations.length);
    await store.savePodcast(podcast, [fullEpisode]);
    await store.follow('guild-1', FEED, { seenEpisodeIds: [fullEpisode.id] });

    store = await reopen(store);
    expect(store.schemaVersion()).toBe(migrations.length);
    expect(await store.getEpisodeIds(FEED)).toEqual([fullEpisode.id]);
    expect(await store.followersOf(FEED)).toEqual(['guild-1']);

    await store.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('user_version', { simple: true })).toBe(migrations.length);
    raw.close();
  });

  it('refuses a database written by a newer schema', () => {
    const file = path.join(dir, 'future.db');
    const raw = new Database(file);
    raw.pragma(`user_version = ${migrations.length + 1}`);
    raw.close();
    const result = openSqliteStore(`sqlite:${file}`);
    expect(result.ok ? '' : result.error).toMatch(/schema is version \d+, newer than this Podcord knows/);
  });

  it('enforces foreign keys', async () => {
    const store = open();
    await store.savePodcast(podcast, [bareEpisode('1')]);
    expect(await store.deletePodcast(FEED)).toBe(true);
    await store.savePodcast(podcast, []);
    expect(await store.getEpisodeIds(FEED)).toEqual([]);
  });
});
