import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from '../../src/store/SqliteStore.js';
import { StoreBusyError } from '../../src/store/StoreBusyError.js';

/**
 * The SQLite store when another connection holds the write lock, and when its file disappears: real files, and a
 * second better-sqlite3 connection in this process holding BEGIN IMMEDIATE (test/integration/databaseLock.test.ts
 * does the same from another process, against the whole bot).
 */

const FEED = 'https://feeds.example.com/show.xml';
const GUILD = '1200000000000000001';

let dir: string;
let file: string;
const stores: SqliteStore[] = [];
const others: Database.Database[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'podcord-lock-'));
  file = path.join(dir, 'podcord.db');
});
afterEach(async () => {
  for (const other of others.splice(0)) other.close();
  for (const store of stores.splice(0)) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(options: SqliteStoreOptions = {}, url = `sqlite:${file}`): SqliteStore {
  const result = openSqliteStore(url, options);
  if (!result.ok) throw new Error(result.error);
  stores.push(result.value);
  return result.value;
}

/** Another connection to the same file that holds the write lock until its COMMIT. */
function lockedByAnother(): Database.Database {
  const other = new Database(file);
  others.push(other);
  other.exec('BEGIN IMMEDIATE');
  return other;
}

describe('SqliteStore and another connection’s write lock', () => {
  it('waits for the lock without holding up the event loop, and writes once it is let go', async () => {
    const store = open({ busyTimeoutMs: 10_000 });
    const other = lockedByAnother();
    // Let go from a timer: it can only fire while the store's write is waiting if the event loop is free meanwhile.
    setTimeout(() => other.exec('COMMIT'), 200);
    await store.follow(GUILD, FEED, { seenEpisodeIds: ['e1'] });
    expect((await store.listFollows(GUILD)).map((f) => f.feedUrl)).toEqual([FEED]);
  });

  it('gives up after busyTimeoutMs with StoreBusyError, having written nothing', async () => {
    const store = open({ busyTimeoutMs: 300 });
    const other = lockedByAnother();
    const write = store.follow(GUILD, FEED, { seenEpisodeIds: [] });
    await expect(write).rejects.toBeInstanceOf(StoreBusyError);
    await expect(write).rejects.toMatchObject({ cause: { code: 'SQLITE_BUSY' } });
    other.exec('COMMIT');
    expect(await store.listFollows(GUILD)).toEqual([]);
  });

  it('reads while another connection holds the write lock (WAL: readers do not wait for a writer)', async () => {
    const store = open({ busyTimeoutMs: 0 });
    await store.follow(GUILD, FEED, { seenEpisodeIds: [] });
    lockedByAnother();
    expect((await store.listFollows(GUILD)).map((f) => f.feedUrl)).toEqual([FEED]);
    expect(await store.followersOf(FEED)).toEqual([GUILD]);
  });
});

describe('SqliteStore.checkFile', () => {
  it('is fine while the file it opened is at its path, and always in memory', () => {
    expect(open().checkFile()).toEqual({ ok: true, value: undefined });
    expect(open({}, 'sqlite::memory:').checkFile()).toEqual({ ok: true, value: undefined });
  });

  it('reports a deleted file, and the store then refuses to read or write instead of losing what it is given', async () => {
    const store = open();
    await store.trackFeed(FEED);
    rmSync(file);
    const check = store.checkFile();
    expect(check.ok).toBe(false);
    expect(check.ok ? '' : check.error).toMatch(new RegExp(`^The database file ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} was deleted or moved while Podcord was running\\.`));
    await expect(store.follow(GUILD, FEED, { seenEpisodeIds: [] })).rejects.toThrow('was deleted or moved');
    await expect(store.dueFeeds(new Date())).rejects.toThrow('was deleted or moved');
  });

  it('reports a file put in its place', () => {
    const store = open();
    writeFileSync(path.join(dir, 'other.db'), '');
    renameSync(path.join(dir, 'other.db'), file);
    const check = store.checkFile();
    expect(check.ok ? '' : check.error).toContain('was replaced by another file while Podcord was running');
  });
});
