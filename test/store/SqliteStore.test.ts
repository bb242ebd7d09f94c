import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrations } from '../../src/store/migrations.js';
import { LOAD_EPISODES_SQL, openSqliteStore, parseSqliteUrl, type SqliteStore } from '../../src/store/SqliteStore.js';
import {
  FEED,
  bareEpisode,
  episodesBeforeNumberColumn,
  fullEpisode,
  numberColumnAfterMigration,
  podcast,
  storeContract,
  summariesBeforeNumberColumn,
} from './storeContract.js';

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
      async countRowWrites(table) {
        const db = new Database(path.join(dir, 'podcord.db'));
        db.exec(`CREATE TABLE IF NOT EXISTS test_row_writes (name TEXT PRIMARY KEY, n INTEGER NOT NULL);
          INSERT INTO test_row_writes VALUES ('${table}', 0);
          ${['INSERT', 'UPDATE', 'DELETE']
            .map((event) => `CREATE TRIGGER test_${table}_${event} AFTER ${event} ON ${table} BEGIN UPDATE test_row_writes SET n = n + 1 WHERE name = '${table}'; END;`)
            .join('\n')}`);
        db.close();
        return async () => {
          const reader = new Database(path.join(dir, 'podcord.db'), { readonly: true });
          try {
            return reader.prepare(`SELECT n FROM test_row_writes WHERE name = ?`).pluck().get(table) as number;
          } finally {
            reader.close();
          }
        };
      },
      async episodeNumberColumn(podcastId) {
        const reader = new Database(path.join(dir, 'podcord.db'), { readonly: true });
        try {
          const rows = reader.prepare(`SELECT id, episode_number FROM episodes WHERE podcast_id = ?`).raw(true).all(podcastId) as [string, number | null][];
          return Object.fromEntries(rows);
        } finally {
          reader.close();
        }
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

  it('drops stored validators once, so feeds stored before persons and soundbites were kept are read whole again', async () => {
    const file = path.join(dir, 'before-persons.db');
    const raw = new Database(file);
    const before = migrations.findIndex((sql) => sql.includes('SET etag = NULL, last_modified = NULL'));
    expect(before).toBeGreaterThan(0);
    migrations.slice(0, before).forEach((sql) => raw.exec(sql));
    raw.pragma(`user_version = ${before}`);
    raw.prepare(`INSERT INTO feed_state (url, etag, last_modified, consecutive_failures, paused, paused_notice_sent) VALUES (?, '"v1"', 'Mon, 01 Jan 2024 00:00:00 GMT', 0, 0, 0)`).run(FEED);
    raw.close();

    let store = open(`sqlite:${file}`);
    expect(await store.getFetchState(FEED)).toMatchObject({ url: FEED, consecutiveFailures: 0 });
    expect(await store.getFetchState(FEED)).not.toHaveProperty('etag');
    expect(await store.getFetchState(FEED)).not.toHaveProperty('lastModified');
    // Only once: validators saved after the upgrade stay.
    await store.recordFetchSuccess(FEED, { etag: '"v2"', checkedAt: new Date(1), nextCheckAt: new Date(2) });
    store = await reopen(store, `sqlite:${file}`);
    expect(await store.getFetchState(FEED)).toMatchObject({ etag: '"v2"' });
  });

  it('moves the episode number out of the JSON into a column before data (migration 12): the catalogue reads the same summaries', async () => {
    const file = path.join(dir, 'before-12.db');
    const raw = new Database(file);
    const before = migrations.findIndex((sql) => sql.includes('episode_number'));
    expect(before).toBe(11);
    migrations.slice(0, before).forEach((sql) => raw.exec(sql));
    raw.pragma(`user_version = ${before}`);
    // As savePodcast wrote them then: the number only in data.
    raw.prepare(`INSERT INTO podcasts (id, feed_url, title, data, updated_at) VALUES (?, ?, ?, ?, 1)`).run(FEED, FEED, podcast.title, JSON.stringify(podcast));
    const insert = raw.prepare(`INSERT INTO episodes (podcast_id, id, position, title, published_at, data) VALUES (?, ?, ?, ?, ?, ?)`);
    episodesBeforeNumberColumn.forEach((e, i) => insert.run(FEED, e.id, i, e.title, e.publishedAt ?? null, JSON.stringify(e)));
    raw.close();

    const store = open(`sqlite:${file}`);
    expect(store.schemaVersion()).toBe(migrations.length);
    // The rewritten table is in the database file, not left in a WAL file that keeps its size.
    expect(statSync(`${file}-wal`).size).toBe(0);
    const [entry] = await store.loadCatalogPage(undefined, 10);
    expect(entry?.episodes).toStrictEqual(summariesBeforeNumberColumn);
    expect(await store.loadEpisodes(FEED, episodesBeforeNumberColumn.map((e) => e.id))).toStrictEqual(episodesBeforeNumberColumn);
    const db = new Database(file, { readonly: true });
    try {
      expect(Object.fromEntries(db.prepare(`SELECT id, episode_number FROM episodes`).raw(true).all() as [string, number | null][])).toStrictEqual(
        numberColumnAfterMigration,
      );
      // Before data, whose overflow pages a later column would be read through; the table's index kept.
      const columns = (db.pragma('table_info(episodes)') as { name: string }[]).map((c) => c.name);
      expect(columns).toEqual(['podcast_id', 'id', 'position', 'title', 'published_at', 'episode_number', 'data']);
      expect(db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'episodes_by_position'`).pluck().get()).toContain('(podcast_id, position)');
    } finally {
      db.close();
    }
    // The rewritten table still belongs to its podcast (ON DELETE CASCADE).
    expect(await store.deletePodcast(FEED)).toBe(true);
    expect(await store.loadEpisodes(FEED, episodesBeforeNumberColumn.map((e) => e.id))).toEqual([]);
  });

  it("reads a few episodes' details by their primary key, not through every episode of the podcast, still in saved order", async () => {
    const file = path.join(dir, 'podcord.db');
    const store = open(`sqlite:${file}`);
    const episodes = Array.from({ length: 200 }, (_, i) => bareEpisode(`guid-${i}`));
    await store.savePodcast(podcast, episodes);
    // Asked out of order, one twice, one the podcast does not hold: the podcast's saved order, each once.
    expect(await store.loadEpisodes(FEED, ['guid-150', 'guid-7', 'gone', 'guid-150', 'guid-42'])).toStrictEqual([episodes[7], episodes[42], episodes[150]]);
    // The podcast's position index would spare the sort of the few found, but then every one of its episodes (100 a
    // podcast at a million episodes, each with its notes) is looked up in the table: /topic's slowest part outside the search.
    const db = new Database(file, { readonly: true });
    try {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${LOAD_EPISODES_SQL}`).all(FEED, '["guid-1"]') as { detail: string }[]).map((r) => r.detail);
      expect(plan.find((d) => /^SEARCH episodes /.test(d))).toBe('SEARCH episodes USING PRIMARY KEY (podcast_id=? AND id=?)');
      expect(plan.join('\n')).not.toContain('episodes_by_position');
    } finally {
      db.close();
    }
  });

  it('brings a database of the first schema up to date with its ledger and feeds intact', async () => {
    const file = path.join(dir, 'v1.db');
    const raw = new Database(file);
    raw.exec(migrations[0]!);
    raw.pragma('user_version = 1');
    raw.prepare(`INSERT INTO feed_state (url, consecutive_failures, paused, paused_notice_sent) VALUES (?, 8, 1, 1)`).run(FEED);
    raw.prepare(`INSERT INTO announcements (guild_id, podcast_id, episode_id, channel_id, nonce, intended_at, message_id, sent_at)
                 VALUES ('guild-1', ?, 'e1', 'chan', 'n1', 1, 'm1', 2), ('guild-1', ?, 'e2', 'chan', 'n2', 3, NULL, NULL)`).run(FEED, FEED);
    raw.close();

    const store = open(`sqlite:${file}`);
    expect(store.schemaVersion()).toBe(migrations.length);
    expect(await store.getFetchState(FEED)).toMatchObject({ paused: true, pausedNoticeSent: true, consecutiveFailures: 8 });
    expect((await store.getFetchState(FEED))?.pauseReason).toBeUndefined();
    expect(await store.getAnnouncement('guild-1', FEED, 'e1')).toStrictEqual({
      guildId: 'guild-1', podcastId: FEED, episodeId: 'e1', channelId: 'chan', nonce: 'n1', intendedAt: new Date(1), messageId: 'm1', sentAt: new Date(2), attempts: 0,
    });
    expect((await store.pendingIntents(new Date(4))).map((a) => a.episodeId)).toEqual(['e2']);
    expect(await store.pendingPublishes()).toEqual([]);
    // A failure pause is still lifted by a fetch that works.
    await store.recordFetchSuccess(FEED, { checkedAt: new Date(5), nextCheckAt: new Date(6) });
    expect(await store.getFetchState(FEED)).toMatchObject({ paused: false });
  });

  it('enforces foreign keys', async () => {
    const store = open();
    await store.savePodcast(podcast, [bareEpisode('1')]);
    expect(await store.deletePodcast(FEED)).toBe(true);
    await store.savePodcast(podcast, []);
    expect(await store.getEpisodeIds(FEED)).toEqual([]);
  });
});
