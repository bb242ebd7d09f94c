import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/openStore.js';
import { PostgresStore } from '../../src/store/PostgresStore.js';
import { SqliteStore } from '../../src/store/SqliteStore.js';
import type { Store } from '../../src/store/Store.js';
import { createTestDatabase, type TestDatabase } from '../support/postgresDatabase.js';

const stores: Store[] = [];
const databases: TestDatabase[] = [];
const dir = mkdtempSync(path.join(tmpdir(), 'podcord-open-'));

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});
afterAll(async () => {
  for (const database of databases) await database.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function open(url: string): Promise<Store> {
  const result = await openStore(url);
  if (!result.ok) throw new Error(result.error);
  stores.push(result.value);
  return result.value;
}

describe('openStore', () => {
  it('opens a SQLite file for a sqlite: URL', async () => {
    const file = path.join(dir, 'podcord.db');
    expect(await open(`sqlite:${file}`)).toBeInstanceOf(SqliteStore);
    expect(existsSync(file)).toBe(true);
  });

  it('opens PostgreSQL for postgres:// and postgresql:// URLs alike', async () => {
    const database = await createTestDatabase();
    databases.push(database);
    const viaPostgres = await open(database.url);
    const viaPostgresql = await open(database.url.replace(/^postgres:/, 'postgresql:'));
    expect(viaPostgres).toBeInstanceOf(PostgresStore);
    expect(viaPostgresql).toBeInstanceOf(PostgresStore);
    await viaPostgres.trackFeed('https://feeds.example.com/show.xml');
    expect(await viaPostgresql.dueFeeds(new Date())).toEqual(['https://feeds.example.com/show.xml']);
  });

  it('refuses another scheme, or none, without echoing the rest of the URL', async () => {
    expect(await openStore('mysql://podcord:hunter2@db.internal/podcord')).toEqual({
      ok: false,
      error: 'DATABASE_URL is a mysql: URL; use sqlite:data/podcord.db, sqlite::memory: or postgres://user:password@host:port/database.',
    });
    const bare = await openStore('podcord:hunter2@db.internal');
    expect(bare.ok ? '' : bare.error).toMatch(/^DATABASE_URL is a podcord: URL; use /);
    const none = await openStore('data/podcord.db');
    expect(none.ok ? '' : none.error).toMatch(/^DATABASE_URL is a value without a scheme; use /);
  });
});
