import net from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { postgresMigrations } from '../../src/store/postgresMigrations.js';
import { openPostgresStore, type PostgresStore, type PostgresStoreOptions } from '../../src/store/PostgresStore.js';
import { asAdmin, createTestDatabase, type TestDatabase } from '../support/postgresDatabase.js';
import {
  FEED,
  bareEpisode,
  episodesBeforeNumberColumn,
  numberColumnAfterMigration,
  podcast,
  storeContract,
  summariesBeforeNumberColumn,
} from './storeContract.js';

/**
 * The Store contract on a real PostgreSQL server (started once for the run by test/support/postgresGlobalSetup.ts),
 * a database of its own per test; and what only PostgreSQL has: migrations racing under the advisory lock, the
 * server's errors, connections lost while idle.
 */

async function opened(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const result = await openPostgresStore(url, options);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

storeContract({
  name: 'PostgreSQL',
  async freshDatabase() {
    const database = await createTestDatabase();
    return {
      open: () => opened(database.url),
      remove: () => database.drop(),
      async countRowWrites(table) {
        await asAdmin(async (client) => {
          await client.query(`CREATE TABLE IF NOT EXISTS test_row_writes (name text PRIMARY KEY, n integer NOT NULL)`);
          await client.query(`INSERT INTO test_row_writes VALUES ($1, 0)`, [table]);
          await client.query(`CREATE OR REPLACE FUNCTION test_count_row_write() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN UPDATE test_row_writes SET n = n + 1 WHERE name = TG_TABLE_NAME; RETURN NULL; END $$`);
          await client.query(`CREATE TRIGGER test_${table}_writes AFTER INSERT OR UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION test_count_row_write()`);
        }, database.name);
        return () => asAdmin(async (client) => Number((await client.query(`SELECT n FROM test_row_writes WHERE name = $1`, [table])).rows[0]?.n), database.name);
      },
      episodeNumberColumn: (podcastId) =>
        asAdmin(async (client) => {
          const found = await client.query<{ id: string; episode_number: number | null }>(`SELECT id, episode_number FROM episodes WHERE podcast_id = $1`, [podcastId]);
          return Object.fromEntries(found.rows.map((row) => [row.id, row.episode_number]));
        }, database.name),
    };
  },
});

const databases: TestDatabase[] = [];
const stores: PostgresStore[] = [];

async function freshDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  databases.push(database);
  return database;
}

async function open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const store = await opened(url, options);
  stores.push(store);
  return store;
}

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});
afterAll(async () => {
  for (const database of databases.splice(0)) await database.drop();
});

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

describe('openPostgresStore', () => {
  it('applies the schema once when several stores open one fresh database at the same time', async () => {
    const database = await freshDatabase();
    const racing = await Promise.all(Array.from({ length: 6 }, () => openPostgresStore(database.url)));
    for (const result of racing) {
      expect(result.ok ? '' : result.error).toBe('');
      if (result.ok) stores.push(result.value);
    }
    const versions = await asAdmin(
      async (client) => (await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows,
      database.name,
    );
    expect(versions.map((row) => row.version)).toEqual(postgresMigrations.map((_, i) => i + 1));
    const [first, second] = stores;
    expect(await first?.schemaVersion()).toBe(postgresMigrations.length);
    // They share one database: what one writes, another reads.
    await first?.savePodcast(podcast, [bareEpisode('1')]);
    expect(await second?.getEpisodeIds(FEED)).toEqual(['1']);
  });

  it('keeps the data and the schema version when opened again', async () => {
    const database = await freshDatabase();
    const store = await open(database.url);
    await store.follow('guild-1', FEED, { seenEpisodeIds: ['e1'] });
    await store.close();
    const again = await open(database.url);
    expect(await again.schemaVersion()).toBe(postgresMigrations.length);
    expect(await again.followersOf(FEED)).toEqual(['guild-1']);
  });

  it('drops stored validators once, so feeds stored before persons and soundbites were kept are read whole again', async () => {
    const database = await freshDatabase();
    const before = postgresMigrations.findIndex((sql) => sql.includes('SET etag = NULL, last_modified = NULL'));
    expect(before).toBeGreaterThan(0);
    await asAdmin(async (client) => {
      await client.query('CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
      for (const [i, sql] of postgresMigrations.slice(0, before).entries()) {
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [i + 1]);
      }
      await client.query(
        `INSERT INTO feed_state (url, etag, last_modified, consecutive_failures, paused, paused_notice_sent) VALUES ($1, '"v1"', 'Mon, 01 Jan 2024 00:00:00 GMT', 0, false, false)`,
        [FEED],
      );
    }, database.name);

    const store = await open(database.url);
    expect(await store.getFetchState(FEED)).toMatchObject({ url: FEED, consecutiveFailures: 0 });
    expect(await store.getFetchState(FEED)).not.toHaveProperty('etag');
    expect(await store.getFetchState(FEED)).not.toHaveProperty('lastModified');
    await store.recordFetchSuccess(FEED, { etag: '"v2"', checkedAt: new Date(1), nextCheckAt: new Date(2) });
    await store.close();
    const again = await open(database.url);
    expect(await again.getFetchState(FEED)).toMatchObject({ etag: '"v2"' });
  });

  it('moves the episode number out of the JSON into a column (migration 12): the catalogue reads the same summaries', async () => {
    const database = await freshDatabase();
    const before = postgresMigrations.findIndex((sql) => sql.includes('episode_number'));
    expect(before).toBe(11);
    await asAdmin(async (client) => {
      await client.query('CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
      for (const [i, sql] of postgresMigrations.slice(0, before).entries()) {
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [i + 1]);
      }
      // As savePodcast wrote them then: the number only in data.
      await client.query(`INSERT INTO podcasts (id, feed_url, title, data, updated_at) VALUES ($1, $1, $2, $3, now())`, [FEED, podcast.title, JSON.stringify(podcast)]);
      for (const [i, e] of episodesBeforeNumberColumn.entries()) {
        await client.query(`INSERT INTO episodes (podcast_id, id, position, title, published_at, data) VALUES ($1, $2, $3, $4, $5, $6)`, [
          FEED, e.id, i, e.title, e.publishedAt ?? null, JSON.stringify(e),
        ]);
      }
    }, database.name);

    const store = await open(database.url);
    expect(await store.schemaVersion()).toBe(postgresMigrations.length);
    const [entry] = await store.loadCatalogPage(undefined, 10);
    expect(entry?.episodes).toStrictEqual(summariesBeforeNumberColumn);
    expect(await store.loadEpisodes(FEED, episodesBeforeNumberColumn.map((e) => e.id))).toStrictEqual(episodesBeforeNumberColumn);
    const column = await asAdmin(async (client) => (await client.query<{ id: string; episode_number: number | null }>(`SELECT id, episode_number FROM episodes`)).rows, database.name);
    expect(Object.fromEntries(column.map((row) => [row.id, row.episode_number]))).toStrictEqual(numberColumnAfterMigration);
  });

  it('brings a database of the first schema up to date with its ledger and feeds intact', async () => {
    const database = await freshDatabase();
    // A database as the first PostgreSQL Podcord left it: schema 1 only, with a paused feed and a sent and a pending post.
    await asAdmin(async (client) => {
      await client.query('CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
      await client.query(postgresMigrations[0]!);
      await client.query('INSERT INTO schema_migrations (version) VALUES (1)');
      await client.query(`INSERT INTO feed_state (url, consecutive_failures, paused, paused_notice_sent) VALUES ($1, 8, true, true)`, [FEED]);
      await client.query(
        `INSERT INTO announcements (guild_id, podcast_id, episode_id, channel_id, nonce, intended_at, message_id, sent_at)
         VALUES ('guild-1', $1, 'e1', 'chan', 'n1', $2, 'm1', $3), ('guild-1', $1, 'e2', 'chan', 'n2', $4, NULL, NULL)`,
        [FEED, new Date(1), new Date(2), new Date(3)],
      );
    }, database.name);

    const store = await open(database.url);
    expect(await store.schemaVersion()).toBe(postgresMigrations.length);
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
    const versions = await asAdmin(
      async (client) => (await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows,
      database.name,
    );
    expect(versions.map((row) => row.version)).toEqual(postgresMigrations.map((_, i) => i + 1));
  });

  it('refuses a database written by a newer schema', async () => {
    const database = await freshDatabase();
    await (await open(database.url)).close();
    await asAdmin((client) => client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [postgresMigrations.length + 1]), database.name);
    const result = await openPostgresStore(database.url);
    expect(result.ok ? '' : result.error).toMatch(/: its schema is version \d+, newer than this Podcord knows \(\d+\); upgrade Podcord\.$/);
  });

  it('makes every text column compare bytes as SQLite does (COLLATE "C"), whatever the database default', async () => {
    const database = await freshDatabase();
    await open(database.url);
    const loose = await asAdmin(
      async (client) =>
        (
          await client.query<{ column: string }>(
            `SELECT table_name || '.' || column_name AS column FROM information_schema.columns
             WHERE table_schema = 'public' AND data_type = 'text' AND collation_name IS DISTINCT FROM 'C'`,
          )
        ).rows,
      database.name,
    );
    expect(loose).toEqual([]);
  });

  it('reports an unreachable server with the URL but never its password', async () => {
    const port = await closedPort();
    const result = await openPostgresStore(`postgres://podcord:pa55-w0rd-xyz@127.0.0.1:${port}/podcord`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toContain(`Could not open the database postgres://podcord:***@127.0.0.1:${port}/podcord: `);
    expect(result.error).toContain('ECONNREFUSED');
    expect(result.error).not.toContain('pa55-w0rd-xyz');
  });

  it('reports refused credentials without the password given', async () => {
    const database = await freshDatabase();
    const url = new URL(database.url);
    url.password = 'not-the-password-123';
    const result = await openPostgresStore(url.href);
    expect(result.ok ? '' : result.error).toMatch(/^Could not open the database postgres:\/\/podcord_test:\*\*\*@127\.0\.0\.1:\d+\/podcord_test_\w+: password authentication failed/);
    expect(result.ok ? '' : result.error).not.toContain('not-the-password-123');
  });

  it('refuses a URL that does not parse without echoing it', async () => {
    const result = await openPostgresStore('postgres://podcord:pa/ss@db.internal/podcord');
    expect(result).toEqual({
      ok: false,
      error:
        'DATABASE_URL postgres:(not a valid URL) is not a PostgreSQL URL; use postgres://user:password@host:port/database (percent-encode special characters in the password).',
    });
  });

  it('survives a connection the server ends while it is idle, reporting it', async () => {
    const database = await freshDatabase();
    const lost: Error[] = [];
    const store = await open(database.url, { onConnectionError: (error) => lost.push(error) });
    await store.trackFeed(FEED); // leaves a connection idle in the pool
    const ended = await asAdmin(
      async (client) =>
        (
          await client.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'podcord'`,
            [database.name],
          )
        ).rowCount,
    );
    expect(ended).toBeGreaterThan(0);
    for (const deadline = Date.now() + 10_000; lost.length === 0 && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(lost[0]?.message).toMatch(/terminat/i);
    // What is reported can be logged: pg-pool's own error carries the whole client, connection parameters and all
    // (the password is a non-enumerable property there today; nothing here relies on that).
    expect({ ...lost[0] }).toEqual({ code: '57P01' });
    const logged: string[] = [];
    const log = createLogger({ level: 'warn', destination: { write: (line: string) => void logged.push(line) } });
    log.warn({ err: lost[0] }, 'lost');
    expect(logged.join('')).toContain('terminat');
    expect(logged.join('')).not.toContain(new URL(database.url).password);
    expect(await store.dueFeeds(new Date())).toEqual([FEED]);
  });
});
