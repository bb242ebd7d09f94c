import { createHash } from 'node:crypto';
import { Pool, type PoolClient, type QueryConfig, type QueryResultRow } from 'pg';
import type { FeedCredentials } from '../data/feedCredentials.js';
import { EpisodeSchema, PodcastSchema, err, ok, type Episode, type Podcast, type Result } from '../data/model.js';
import type { ChangeListener, ChangeSubscription, SubscribeOptions } from './ChangeFeed.js';
import { databaseKind, databaseUrlSecrets, maskDatabaseUrl } from './databaseUrl.js';
import { listenForChanges, notifyFollows, notifyPodcast, notifyRenamed, type ListenOptions } from './postgresChanges.js';
import { postgresMigrations } from './postgresMigrations.js';
import { episodePositions } from './episodePositions.js';
import { inTransaction } from './inTransaction.js';
import { PostgresTables } from './PostgresTables.js';
import { PostgresTopicIndex } from './PostgresTopicIndex.js';
import {
  ChaptersSchema,
  PODCAST_KEYED_TABLES,
  SegmentsSchema,
  parseStored,
  toAnnouncement,
  toLiveShow,
  type LiveShowRow,
  toCachedChannel,
  toCachedChapters,
  CHAPTERS_COLUMNS,
  toCachedTranscript,
  toFeedState,
  toFollow,
  toGuildPause,
  toProcess,
  toSettings,
  uniqueEpisodes,
  type AnnouncementRow,
  type ChannelInfoRow,
  type ChaptersRow,
  type FeedStateRow,
  type FollowRow,
  type GuildPauseRow,
  type ProcessRow,
  type SettingsRow,
  type TranscriptRow,
  episodeSummary,
  episodeNumberColumn,
  groupFollowers,
} from './rows.js';
import type {
  Announcement,
  AnnouncementKey,
  AnnouncementSettings,
  CachedChannel,
  CachedChapters,
  DueChapterRecheck,
  CachedTranscript,
  CatalogEntry,
  CatalogSummaryEntry,
  DeliveryFailure,
  FeedFetchState,
  FetchFailure,
  FetchSuccess,
  Follow,
  GuildPause,
  Lease,
  LiveShow,
  LiveShowKey,
  NotModified,
  ProcessRecord,
  Store,
} from './Store.js';

export interface PostgresStoreOptions {
  /** Connections the pool opens at most. Default 10. */
  maxConnections?: number;
  /** How long to wait for a connection before the query fails. Default 10 s (node-postgres waits forever). */
  connectionTimeoutMs?: number;
  /**
   * A pooled connection failed while idle (the server restarted, a network cut). The pool drops it and the next
   * query opens a new one; this only reports it. Without it such errors are ignored rather than crashing the process.
   */
  onConnectionError?: (error: Error) => void;
  /**
   * Only open a database that holds Podcord's schema: refuse one without it instead of creating it. For
   * `npm run db:copy`'s source, which must never be made up empty.
   */
  mustExist?: boolean;
  /**
   * The change feed (subscribe): pause before connecting again after the listening connection dropped, doubled after
   * each failed attempt up to 5 s. Default 250 ms.
   */
  listenReconnectMs?: number;
}

/**
 * The advisory lock that serialises migrations (pg_advisory_xact_lock, so COMMIT, ROLLBACK or a dropped connection
 * releases it): 'PODCORD' in ASCII, a bigint another application is unlikely to pick. Advisory locks are per database.
 */
const MIGRATION_LOCK_KEY = BigInt('0x504f44434f5244').toString();

/**
 * Opens a pool on the PostgreSQL database a `postgres://` or `postgresql://` DATABASE_URL names and brings its schema
 * up to date, waiting for any other process doing the same. Failures (a bad URL, an unreachable server, refused
 * credentials, a database from a newer Podcord) are values whose messages show the URL without its password.
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Result<PostgresStore>> {
  const shown = maskDatabaseUrl(url);
  if (databaseKind(url) !== 'postgres' || !URL.canParse(url)) {
    return err(
      `DATABASE_URL ${shown} is not a PostgreSQL URL; use postgres://user:password@host:port/database ` +
        '(percent-encode special characters in the password).',
    );
  }
  const secrets = databaseUrlSecrets(url);
  const scrub = (text: string): string => secrets.reduce((out, secret) => out.split(secret).join('***'), text);
  let pool: Pool;
  try {
    pool = new Pool({
      connectionString: url,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
      application_name: 'podcord',
    });
  } catch (cause) {
    return err(`DATABASE_URL ${shown} could not be read: ${scrub(cause instanceof Error ? cause.message : String(cause))}`);
  }
  // An idle client's error is emitted on the pool; unhandled, it would end the process. pg-pool hangs the client on
  // it (its connection parameters hold the password), which a logger would serialise: only the message goes on.
  pool.on('error', (error) => {
    const reported = new Error(scrub(error.message));
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') Object.assign(reported, { code });
    options.onConnectionError?.(reported);
  });
  try {
    await migrate(pool, options.mustExist === true);
    return ok(
      new PostgresStore(pool, {
        connectionString: url,
        scrub,
        ...(options.onConnectionError && { onError: options.onConnectionError }),
        ...(options.listenReconnectMs !== undefined && { reconnectMs: options.listenReconnectMs }),
      }),
    );
  } catch (cause) {
    await pool.end().catch(() => undefined);
    return err(`Could not open the database ${shown}: ${scrub(describe(cause))}`);
  }
}

/** An error's message; a refused connection to a name with several addresses is an AggregateError without one. */
function describe(cause: unknown): string {
  if (cause instanceof AggregateError && cause.message === '') {
    return [...new Set(cause.errors.map(describe))].join('; ') || cause.name;
  }
  return cause instanceof Error ? cause.message || cause.name : String(cause);
}

/**
 * Applies the migrations the database has not had yet, all in one transaction under an advisory lock: processes
 * starting together queue on the lock, and the first one's work is what the others then find done. DDL is
 * transactional in PostgreSQL, so a failed migration leaves the schema as it was.
 */
async function migrate(pool: Pool, mustExist: boolean): Promise<void> {
  await inTransaction(pool, 'BEGIN', async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    if (mustExist) {
      const [found] = (await client.query<{ exists: boolean }>(`SELECT to_regclass('schema_migrations') IS NOT NULL AS exists`)).rows;
      if (found?.exists !== true) throw new Error('it holds no Podcord database (it has no schema_migrations table)');
    }
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version     integer PRIMARY KEY,
         applied_at  timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const current = (await client.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations'))
      .rows[0]?.version ?? 0;
    if (current > postgresMigrations.length) {
      throw new Error(
        `its schema is version ${current}, newer than this Podcord knows (${postgresMigrations.length}); upgrade Podcord.`,
      );
    }
    for (let version = current; version < postgresMigrations.length; version++) {
      await client.query(postgresMigrations[version] as string);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version + 1]);
    }
  });
}

/** Something that runs queries: the pool (each query on its own) or one client inside a transaction. */
type Queryable = Pick<PoolClient, 'query'>;

async function rows<R extends QueryResultRow>(db: Queryable, sql: string, values: unknown[] = []): Promise<R[]> {
  return (await db.query<R>(prepared(sql, values))).rows;
}

async function changes(db: Queryable, sql: string, values: unknown[] = []): Promise<number> {
  return (await db.query(prepared(sql, values))).rowCount ?? 0;
}

/**
 * A query as a named prepared statement: node-postgres parses it once per connection and then only binds and runs it,
 * instead of having the server parse and plan it on every call. The name is a hash of the text, so one name never
 * stands for two texts on a connection.
 */
function prepared(text: string, values: unknown[]): QueryConfig {
  // Hashing a statement's text takes a microsecond or two: cheaper than keeping a table of names.
  return { name: `podcord_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`, text, values };
}

/**
 * The Store on PostgreSQL (node-postgres, one pool per store). Where SqliteStore takes a transaction this takes one
 * too; single statements run on their own. Upserts are INSERT ... ON CONFLICT, so concurrent writers from other
 * processes meet the same rules as SQLite's single writer. Orderings match SQLite's (see postgresMigrations.ts).
 */
export class PostgresStore implements Store {
  readonly #pool: Pool;
  /** How subscribe connects; absent when the store was built on a pool alone. */
  readonly #listen: ListenOptions | undefined;
  readonly #subscriptions = new Set<ChangeSubscription>();
  #closed = false;

  constructor(pool: Pool, listen?: ListenOptions) {
    this.#pool = pool;
    this.#listen = listen;
  }

  /**
   * Hears every change to the catalogue and the follows that any process commits on this database, from when this
   * resolves until the subscription (or the store) is closed: LISTEN/NOTIFY on a connection of its own, made again
   * when it drops, with what changed meanwhile reported on reconnecting (see postgresChanges.ts).
   */
  async subscribe(listener: ChangeListener, options: SubscribeOptions = {}): Promise<ChangeSubscription> {
    if (this.#listen === undefined) throw new Error('this PostgresStore was built without a URL to listen on');
    if (this.#closed) throw new Error('the store is closed');
    const subscription = await listenForChanges(listener, { ...this.#listen, ...options });
    this.#subscriptions.add(subscription);
    return {
      close: async () => {
        this.#subscriptions.delete(subscription);
        await subscription.close();
      },
    };
  }

  /** The schema version of the open database. */
  async schemaVersion(): Promise<number> {
    const [row] = await rows<{ version: number | null }>(this.#pool, 'SELECT max(version) AS version FROM schema_migrations');
    return row?.version ?? 0;
  }

  /** The topic index saved in this database (PostgresTopicIndex.ts), on this store's pool. */
  topicIndex(options?: { chunkBytes?: number; pollMs?: number }): PostgresTopicIndex {
    return new PostgresTopicIndex(this.#pool, options);
  }

  /** The database as tables of rows, for `npm run db:copy` (copyStore.ts) on a store opened for that alone. */
  tables(): PostgresTables {
    return new PostgresTables(this.#pool);
  }

  /** Runs `work` on one connection inside BEGIN ... COMMIT, rolled back if it throws. */
  #transaction<T>(work: (db: PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    return inTransaction(this.#pool, begin, work);
  }

  // ---- catalogue -------------------------------------------------------------------------------------------------

  async savePodcast(podcast: Podcast, episodes: readonly Episode[], options: { backCatalogue?: boolean } = {}): Promise<void> {
    const cleanPodcast = PodcastSchema.parse(podcast);
    const list = uniqueEpisodes(episodes);
    const now = new Date();
    await this.#transaction(async (db) => {
      // Rows are written only where something differs (a feed fetched again unchanged writes nothing and tells no
      // one). First the podcast row: ON CONFLICT DO UPDATE locks it even when its WHERE is false, so a concurrent
      // save of the same podcast waits for this one.
      const podcastChanged = await changes(
        db,
        `INSERT INTO podcasts (id, feed_url, title, data, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET feed_url = excluded.feed_url, title = excluded.title, data = excluded.data,
           updated_at = excluded.updated_at
         WHERE (podcasts.feed_url, podcasts.title, podcasts.data) IS DISTINCT FROM (excluded.feed_url, excluded.title, excluded.data)`,
        [cleanPodcast.id, cleanPodcast.feedUrl ?? null, cleanPodcast.title, JSON.stringify(cleanPodcast), now],
      );
      const removed = await changes(db, `DELETE FROM episodes WHERE podcast_id = $1 AND id <> ALL ($2::text[])`, [
        cleanPodcast.id,
        list.map((e) => e.id),
      ]);
      // Stored episodes keep their positions where the order allows (episodePositions): one new episode at the top of
      // a feed writes one row, not a row for every episode below it.
      const stored = await rows<{ id: string; position: number }>(db, `SELECT id, position FROM episodes WHERE podcast_id = $1`, [cleanPodcast.id]);
      const positions = episodePositions(
        list.map((e) => e.id),
        new Map(stored.map((row) => [row.id, row.position])),
      );
      // One statement for all episodes: arrays unnested in step.
      const written =
        list.length === 0
          ? 0
          : await changes(
              db,
              `INSERT INTO episodes AS o (podcast_id, id, position, title, published_at, episode_number, data)
               SELECT $1, e.id, e.position, e.title, e.published_at, e.episode_number, e.data
               FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[])
                 AS e(id, title, published_at, data, position, episode_number)
               ON CONFLICT (podcast_id, id) DO UPDATE SET position = excluded.position, title = excluded.title,
                 published_at = excluded.published_at, episode_number = excluded.episode_number, data = excluded.data
               WHERE (o.position, o.title, o.published_at, o.episode_number, o.data)
                 IS DISTINCT FROM (excluded.position, excluded.title, excluded.published_at, excluded.episode_number, excluded.data)`,
              [
                cleanPodcast.id,
                list.map((e) => e.id),
                list.map((e) => e.title),
                list.map((e) => e.publishedAt ?? null),
                list.map((e) => JSON.stringify(e)),
                positions,
                list.map(episodeNumberColumn),
              ],
            );
      if (options.backCatalogue && list.length > 0) {
        await db.query(
          `INSERT INTO seen_episodes (guild_id, podcast_id, episode_id)
           SELECT f.guild_id, $1, e.id FROM follows f CROSS JOIN unnest($2::text[]) AS e(id) WHERE f.feed_url = $1
           ON CONFLICT DO NOTHING`,
          [cleanPodcast.id, list.map((e) => e.id)],
        );
      }
      if (podcastChanged + removed + written === 0) return;
      // The podcast's row is rewritten whenever anything of it changed: its xmin is the version a process that missed
      // notifications compares (postgresChanges.ts).
      if (podcastChanged === 0) await db.query(`UPDATE podcasts SET updated_at = $2 WHERE id = $1`, [cleanPodcast.id, now]);
      await notifyPodcast(db, cleanPodcast.id);
    });
  }

  async loadCatalog(): Promise<CatalogEntry[]> {
    // One snapshot for both reads, as SQLite's read transaction gives.
    return this.#transaction(async (db) => {
      const podcasts = await rows<{ id: string; data: string }>(db, `SELECT id, data FROM podcasts ORDER BY lower(title), id`);
      const entries = new Map<string, CatalogEntry>();
      for (const row of podcasts) {
        entries.set(row.id, { podcast: parseStored(PodcastSchema, row.data, `podcast ${row.id}`), episodes: [] });
      }
      const episodes = await rows<{ podcast_id: string; id: string; data: string }>(
        db,
        `SELECT podcast_id, id, data FROM episodes ORDER BY podcast_id, position`,
      );
      for (const row of episodes) {
        entries.get(row.podcast_id)?.episodes.push(parseStored(EpisodeSchema, row.data, `episode ${row.id} of ${row.podcast_id}`));
      }
      return [...entries.values()];
    }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  async loadPodcast(podcastId: string): Promise<CatalogEntry | undefined> {
    // One statement, so one snapshot: the podcast and its episodes as one commit left them.
    const [row] = await rows<{ id: string; data: string; ids: string[]; episodes: string[] }>(
      this.#pool,
      `SELECT p.id, p.data,
         coalesce(array_agg(e.id ORDER BY e.position) FILTER (WHERE e.id IS NOT NULL), '{}') AS ids,
         coalesce(array_agg(e.data ORDER BY e.position) FILTER (WHERE e.id IS NOT NULL), '{}') AS episodes
       FROM podcasts p LEFT JOIN episodes e ON e.podcast_id = p.id WHERE p.id = $1 GROUP BY p.id`,
      [podcastId],
    );
    if (row === undefined) return undefined;
    return {
      podcast: parseStored(PodcastSchema, row.data, `podcast ${row.id}`),
      episodes: row.episodes.map((data, i) => parseStored(EpisodeSchema, data, `episode ${row.ids[i]} of ${row.id}`)),
    };
  }

  async loadCatalogPage(after: string | undefined, limit: number): Promise<CatalogSummaryEntry[]> {
    return this.#summaries(`p.id > $1 ORDER BY p.id LIMIT $2`, [after ?? '', limit]);
  }

  async loadCatalogSummaries(podcastIds: readonly string[]): Promise<CatalogSummaryEntry[]> {
    return this.#summaries(`p.id = ANY($1) ORDER BY p.id`, [podcastIds]);
  }

  /**
   * The podcasts `where` picks with their episodes' summaries in saved order, in one statement (one snapshot, one round
   * trip): each podcast's summaries as one JSON array the server builds from the columns (no row's data is read),
   * parsed with one JSON.parse per podcast (node-postgres's json type), not a row object per episode.
   */
  async #summaries(where: string, params: unknown[]): Promise<CatalogSummaryEntry[]> {
    const found = await rows<{ id: string; data: string; updated_at: Date; episodes: [string, string, string | null, number | null][] | null }>(
      this.#pool,
      `SELECT p.id, p.data, p.updated_at, e.episodes
       FROM podcasts p
       LEFT JOIN LATERAL (
         SELECT json_agg(json_build_array(id, title, published_at, episode_number) ORDER BY position) AS episodes
         FROM episodes WHERE podcast_id = p.id
       ) e ON true
       WHERE ${where}`,
      params,
    );
    return found.map((row) => ({
      podcast: parseStored(PodcastSchema, row.data, `podcast ${row.id}`),
      episodes: (row.episodes ?? []).map(([id, title, publishedAt, episodeNumber]) => episodeSummary(id, title, publishedAt, episodeNumber)),
      version: row.updated_at.getTime(),
    }));
  }

  async catalogVersions(): Promise<Map<string, number>> {
    const found = await rows<{ id: string; updated_at: Date }>(this.#pool, `SELECT id, updated_at FROM podcasts`);
    return new Map(found.map((row) => [row.id, row.updated_at.getTime()]));
  }

  async loadEpisodes(podcastId: string, episodeIds: readonly string[]): Promise<Episode[]> {
    const found = await rows<{ id: string; data: string }>(
      this.#pool,
      `SELECT id, data FROM episodes WHERE podcast_id = $1 AND id = ANY($2) ORDER BY position`,
      [podcastId, [...episodeIds]],
    );
    return found.map((row) => parseStored(EpisodeSchema, row.data, `episode ${row.id} of ${podcastId}`));
  }

  async getEpisodeIds(podcastId: string): Promise<string[]> {
    const found = await rows<{ id: string }>(this.#pool, `SELECT id FROM episodes WHERE podcast_id = $1 ORDER BY position`, [
      podcastId,
    ]);
    return found.map((row) => row.id);
  }

  async deletePodcast(podcastId: string): Promise<boolean> {
    return this.#transaction(async (db) => {
      const deleted = (await changes(db, `DELETE FROM podcasts WHERE id = $1`, [podcastId])) > 0;
      if (deleted) await notifyPodcast(db, podcastId);
      return deleted;
    });
  }

  // ---- caches ------------------------------------------------------------------------------------------------------

  async saveChapters(podcastId: string, episodeId: string, chapters: CachedChapters): Promise<void> {
    const clean = ChaptersSchema.parse(chapters.chapters);
    await this.#pool.query(
      `INSERT INTO chapters_cache (podcast_id, episode_id, source_url, chapters, fetched_at, etag, last_modified, appeared_at, recheck_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (podcast_id, episode_id) DO UPDATE SET source_url = excluded.source_url,
         chapters = excluded.chapters, fetched_at = excluded.fetched_at, etag = excluded.etag,
         last_modified = excluded.last_modified, appeared_at = excluded.appeared_at, recheck_at = excluded.recheck_at`,
      [
        podcastId,
        episodeId,
        chapters.sourceUrl,
        JSON.stringify(clean),
        chapters.fetchedAt,
        chapters.etag ?? null,
        chapters.lastModified ?? null,
        chapters.appearedAt ?? null,
        chapters.recheckAt ?? null,
      ],
    );
  }

  async getChapters(podcastId: string, episodeId: string): Promise<CachedChapters | undefined> {
    const [row] = await rows<ChaptersRow>(
      this.#pool,
      `SELECT ${CHAPTERS_COLUMNS} FROM chapters_cache WHERE podcast_id = $1 AND episode_id = $2`,
      [podcastId, episodeId],
    );
    return row === undefined ? undefined : toCachedChapters(row, episodeId);
  }

  async dueChapterRechecks(now: Date, limit: number): Promise<DueChapterRecheck[]> {
    const due = await rows<ChaptersRow & { podcast_id: string; episode_id: string }>(
      this.#pool,
      `SELECT podcast_id, episode_id, ${CHAPTERS_COLUMNS} FROM chapters_cache
       WHERE recheck_at IS NOT NULL AND recheck_at <= $1 ORDER BY recheck_at LIMIT $2`,
      [now, limit],
    );
    return due.map((row) => {
      const cached = toCachedChapters(row, row.episode_id);
      return { podcastId: row.podcast_id, episodeId: row.episode_id, cached: { ...cached, recheckAt: cached.recheckAt ?? now } };
    });
  }

  async claimChapterRecheck(podcastId: string, episodeId: string, due: Date, next: Date | undefined): Promise<boolean> {
    const result = await this.#pool.query(
      `UPDATE chapters_cache SET recheck_at = $1 WHERE podcast_id = $2 AND episode_id = $3 AND recheck_at = $4`,
      [next ?? null, podcastId, episodeId, due],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async saveTranscript(podcastId: string, episodeId: string, transcript: CachedTranscript): Promise<void> {
    const segments = SegmentsSchema.parse(transcript.segments);
    await this.#pool.query(
      `INSERT INTO transcripts_cache (podcast_id, episode_id, source_url, type, language, segments, fetched_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (podcast_id, episode_id) DO UPDATE SET source_url = excluded.source_url, type = excluded.type,
         language = excluded.language, segments = excluded.segments, fetched_at = excluded.fetched_at`,
      [
        podcastId,
        episodeId,
        transcript.sourceUrl,
        transcript.type,
        transcript.language ?? null,
        JSON.stringify(segments),
        transcript.fetchedAt,
      ],
    );
  }

  async getTranscript(podcastId: string, episodeId: string): Promise<CachedTranscript | undefined> {
    const [row] = await rows<TranscriptRow>(
      this.#pool,
      `SELECT source_url, type, language, segments, fetched_at FROM transcripts_cache
       WHERE podcast_id = $1 AND episode_id = $2`,
      [podcastId, episodeId],
    );
    return row === undefined ? undefined : toCachedTranscript(row, episodeId);
  }

  // ---- feed fetch state --------------------------------------------------------------------------------------------

  async trackFeed(url: string): Promise<void> {
    await this.#pool.query(`INSERT INTO feed_state (url) VALUES ($1) ON CONFLICT DO NOTHING`, [url]);
  }

  async untrackFeed(url: string): Promise<void> {
    await this.#transaction(async (db) => {
      await db.query(`DELETE FROM feed_state WHERE url = $1`, [url]);
      await db.query(`DELETE FROM feed_credentials WHERE url = $1`, [url]);
    });
  }

  async getFeedCredentials(url: string): Promise<FeedCredentials | undefined> {
    const [row] = await rows<{ username: string; password: string }>(this.#pool, `SELECT username, password FROM feed_credentials WHERE url = $1`, [url]);
    return row === undefined ? undefined : { username: row.username, password: row.password };
  }

  async setFeedCredentials(url: string, credentials: FeedCredentials | undefined): Promise<void> {
    if (credentials === undefined) {
      await this.#pool.query(`DELETE FROM feed_credentials WHERE url = $1`, [url]);
      return;
    }
    await this.#pool.query(
      `INSERT INTO feed_credentials (url, username, password) VALUES ($1, $2, $3)
       ON CONFLICT (url) DO UPDATE SET username = excluded.username, password = excluded.password`,
      [url, credentials.username, credentials.password],
    );
  }

  async getFetchState(url: string): Promise<FeedFetchState | undefined> {
    const [row] = await rows<FeedStateRow>(this.#pool, `SELECT * FROM feed_state WHERE url = $1`, [url]);
    return row === undefined ? undefined : toFeedState(row);
  }

  async recordFetchSuccess(url: string, success: FetchSuccess): Promise<FeedFetchState> {
    // One statement: a new row takes the values as given, an existing one keeps validators the success leaves out.
    const [row] = await rows<FeedStateRow>(
      this.#pool,
      `INSERT INTO feed_state AS f (url, etag, last_modified, last_checked_at, next_check_at)
       VALUES ($1, $3, $5, $6, $7)
       ON CONFLICT (url) DO UPDATE SET
         etag = CASE WHEN $2::boolean THEN excluded.etag ELSE f.etag END,
         last_modified = CASE WHEN $4::boolean THEN excluded.last_modified ELSE f.last_modified END,
         last_checked_at = excluded.last_checked_at, next_check_at = excluded.next_check_at, last_error = NULL,
         consecutive_failures = 0,
         paused = CASE WHEN f.pause_reason IS NULL THEN false ELSE f.paused END,
         paused_notice_sent = CASE WHEN f.pause_reason IS NULL THEN false ELSE f.paused_notice_sent END,
         lease_owner = NULL, lease_until = NULL
       RETURNING *`,
      [
        url,
        success.etag !== undefined,
        success.etag ?? null,
        success.lastModified !== undefined,
        success.lastModified ?? null,
        success.checkedAt,
        success.nextCheckAt,
      ],
    );
    return toFeedState(row as FeedStateRow);
  }

  async recordNotModified(checks: readonly NotModified[]): Promise<void> {
    if (checks.length === 0) return;
    // One statement for every check. (The poller records only feeds leased to it: two processes never write one row.)
    await changes(
      this.#pool,
      `UPDATE feed_state f SET etag = COALESCE(c.etag, f.etag), last_modified = COALESCE(c.last_modified, f.last_modified),
         last_checked_at = c.checked_at, next_check_at = c.next_check_at, last_error = NULL, consecutive_failures = 0,
         paused = CASE WHEN f.pause_reason IS NULL THEN false ELSE f.paused END,
         paused_notice_sent = CASE WHEN f.pause_reason IS NULL THEN false ELSE f.paused_notice_sent END,
         lease_owner = NULL, lease_until = NULL
       FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[]) AS c(url, etag, last_modified, checked_at, next_check_at)
       WHERE f.url = c.url`,
      [
        checks.map((c) => c.url),
        checks.map((c) => c.etag ?? null),
        checks.map((c) => c.lastModified ?? null),
        checks.map((c) => c.checkedAt),
        checks.map((c) => c.nextCheckAt),
      ],
    );
  }

  async recordFetchFailure(url: string, failure: FetchFailure): Promise<FeedFetchState> {
    const [row] = await rows<FeedStateRow>(
      this.#pool,
      `INSERT INTO feed_state AS f (url, last_error, last_checked_at, next_check_at, consecutive_failures, paused)
       VALUES ($1, $2, $3, $4, 1, $5)
       ON CONFLICT (url) DO UPDATE SET last_error = excluded.last_error, last_checked_at = excluded.last_checked_at,
         next_check_at = excluded.next_check_at, consecutive_failures = f.consecutive_failures + 1,
         paused = f.paused OR excluded.paused, lease_owner = NULL, lease_until = NULL
       RETURNING *`,
      [url, failure.error, failure.checkedAt, failure.nextCheckAt, failure.pause],
    );
    return toFeedState(row as FeedStateRow);
  }

  async markPausedNoticeSent(url: string): Promise<void> {
    await this.#pool.query(`UPDATE feed_state SET paused_notice_sent = true WHERE url = $1`, [url]);
  }

  async pauseFeed(url: string, reason: string): Promise<FeedFetchState | undefined> {
    const [row] = await rows<FeedStateRow>(
      this.#pool,
      `UPDATE feed_state SET paused = true, pause_reason = $2 WHERE url = $1 RETURNING *`,
      [url, reason],
    );
    return row === undefined ? undefined : toFeedState(row);
  }

  async resumeFeed(url: string, now: Date = new Date()): Promise<void> {
    await this.#pool.query(
      `UPDATE feed_state SET paused = false, paused_notice_sent = false, consecutive_failures = 0, next_check_at = NULL,
         pause_reason = NULL, resumed_at = $2
       WHERE url = $1`,
      [url, now],
    );
  }

  async dueFeeds(now: Date): Promise<string[]> {
    const due = await rows<{ url: string }>(
      this.#pool,
      `SELECT url FROM feed_state WHERE ${DUE_FEED} ORDER BY next_check_at NULLS FIRST, url`,
      [now],
    );
    return due.map((row) => row.url);
  }

  // ---- several processes -------------------------------------------------------------------------------------------

  async claimDueFeeds(lease: Lease, now: Date, limit: number): Promise<string[]> {
    // SKIP LOCKED: processes claiming at the same moment each take other rows instead of queueing on the same ones;
    // FOR UPDATE re-checks a row another process changed meanwhile (a lease it just took) before taking it.
    const claimed = await rows<{ url: string }>(
      this.#pool,
      `WITH picked AS (
         SELECT url FROM feed_state WHERE ${DUE_FEED}
         ORDER BY next_check_at NULLS FIRST, url LIMIT $4 FOR UPDATE SKIP LOCKED
       ), leased AS (
         UPDATE feed_state f SET lease_owner = $2, lease_until = $3 FROM picked WHERE f.url = picked.url
         RETURNING f.url, f.next_check_at
       )
       SELECT url FROM leased ORDER BY next_check_at NULLS FIRST, url`,
      [now, lease.owner, lease.until, Math.max(0, limit)],
    );
    return claimed.map((row) => row.url);
  }

  async oweAnnouncements(url: string, since: Date): Promise<void> {
    await this.#pool.query(`UPDATE feed_state SET announce_owed_since = COALESCE(announce_owed_since, $2) WHERE url = $1`, [url, since]);
  }

  async feedsOwedAnnouncements(olderThan: Date): Promise<string[]> {
    const found = await rows<{ url: string }>(
      this.#pool,
      `SELECT url FROM feed_state WHERE announce_owed_since <= $1 ORDER BY announce_owed_since, url`,
      [olderThan],
    );
    return found.map((row) => row.url);
  }

  async settleAnnouncements(url: string, passStartedAt: Date): Promise<void> {
    await this.#pool.query(`UPDATE feed_state SET announce_owed_since = NULL WHERE url = $1 AND announce_owed_since <= $2`, [url, passStartedAt]);
  }

  async releaseFeed(url: string, owner: string): Promise<void> {
    await changes(this.#pool, `UPDATE feed_state SET lease_owner = NULL, lease_until = NULL WHERE url = $1 AND lease_owner = $2`, [url, owner]);
  }

  async renewLeases(lease: Lease, held: { feeds: readonly string[]; announcements: readonly AnnouncementKey[] }): Promise<void> {
    if (held.feeds.length > 0) {
      await this.#pool.query(`UPDATE feed_state SET lease_until = $2 WHERE lease_owner = $1 AND url = ANY ($3::text[])`, [
        lease.owner,
        lease.until,
        [...held.feeds],
      ]);
    }
    if (held.announcements.length > 0) {
      const keys = held.announcements;
      await this.#pool.query(
        `UPDATE announcements a SET claim_until = $2
         FROM unnest($3::text[], $4::text[], $5::text[]) AS k(guild_id, podcast_id, episode_id)
         WHERE a.claim_owner = $1 AND a.guild_id = k.guild_id AND a.podcast_id = k.podcast_id AND a.episode_id = k.episode_id`,
        [lease.owner, lease.until, keys.map((k) => k.guildId), keys.map((k) => k.podcastId), keys.map((k) => k.episodeId)],
      );
    }
  }

  async heartbeat(process: ProcessRecord, now: Date): Promise<void> {
    await this.#pool.query(
      `INSERT INTO processes (id, role, host, pid, started_at, last_seen) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen`,
      [process.id, process.role, process.host, process.pid, process.startedAt, now],
    );
  }

  async processes(since: Date): Promise<ProcessRecord[]> {
    const found = await rows<ProcessRow>(this.#pool, `SELECT * FROM processes WHERE last_seen >= $1 ORDER BY started_at, id`, [since]);
    return found.map(toProcess);
  }

  async endProcess(id: string): Promise<void> {
    await this.#transaction(async (db) => {
      await db.query(`UPDATE feed_state SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1`, [id]);
      await db.query(`UPDATE announcements SET claim_owner = NULL, claim_until = NULL WHERE claim_owner = $1`, [id]);
      await db.query(`UPDATE live_shows SET claim_owner = NULL, claim_until = NULL WHERE claim_owner = $1`, [id]);
      await db.query(`UPDATE topic_index_builder SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1`, [id]);
      await db.query(`DELETE FROM processes WHERE id = $1`, [id]);
    });
  }

  async renameFeed(oldUrl: string, newUrl: string): Promise<void> {
    if (oldUrl === newUrl) return;
    await this.#transaction(async (db) => {
      const moves = [oldUrl, newUrl];
      // In every table: move the old rows unless the new URL already has one with the same key; drop what is left.
      // (SQLite's UPDATE OR IGNORE, spelled out: PostgreSQL has no per-row ignore for UPDATE.)
      await db.query(
        `UPDATE feed_state SET url = $2 WHERE url = $1 AND NOT EXISTS (SELECT 1 FROM feed_state WHERE url = $2)`,
        moves,
      );
      await db.query(`DELETE FROM feed_state WHERE url = $1`, [oldUrl]);
      // Credentials stay with the address they were given for: a redirect does not carry them to another one.
      await db.query(`DELETE FROM feed_credentials WHERE url = $1`, [oldUrl]);
      await db.query(
        `UPDATE follows f SET feed_url = $2 WHERE feed_url = $1
           AND NOT EXISTS (SELECT 1 FROM follows g WHERE g.feed_url = $2 AND g.guild_id = f.guild_id)`,
        moves,
      );
      await db.query(`DELETE FROM follows WHERE feed_url = $1`, [oldUrl]);

      const newExists = (await rows(db, `SELECT 1 FROM podcasts WHERE id = $1`, [newUrl])).length > 0;
      if (newExists) {
        await db.query(`DELETE FROM podcasts WHERE id = $1`, [oldUrl]);
      } else {
        const [old] = await rows<{ data: string }>(db, `SELECT data FROM podcasts WHERE id = $1 FOR UPDATE`, [oldUrl]);
        if (old !== undefined) {
          // The stored podcast names its id and feed URL too (SQLite: json_set). Episodes follow by ON UPDATE CASCADE.
          const data = { ...(JSON.parse(old.data) as Record<string, unknown>), id: newUrl, feedUrl: newUrl };
          await db.query(`UPDATE podcasts SET id = $2, feed_url = $2, data = $3 WHERE id = $1`, [
            oldUrl,
            newUrl,
            JSON.stringify(data),
          ]);
        }
      }
      for (const [table, rest] of Object.entries(PODCAST_KEYED_TABLES)) {
        const sameRest = rest.map((column) => `n.${column} = o.${column}`).join(' AND ');
        await db.query(
          `UPDATE ${table} o SET podcast_id = $2 WHERE podcast_id = $1
             AND NOT EXISTS (SELECT 1 FROM ${table} n WHERE n.podcast_id = $2 AND ${sameRest})`,
          moves,
        );
        await db.query(`DELETE FROM ${table} WHERE podcast_id = $1`, [oldUrl]);
      }
      await notifyRenamed(db, oldUrl, newUrl);
      await notifyPodcast(db, oldUrl);
      await notifyPodcast(db, newUrl);
    });
  }

  // ---- follows -----------------------------------------------------------------------------------------------------

  async follow(
    guildId: string,
    feedUrl: string,
    options: { seenEpisodeIds: readonly string[]; now?: Date },
  ): Promise<boolean> {
    return this.#transaction(async (db) => {
      const created =
        (await changes(
          db,
          `INSERT INTO follows (guild_id, feed_url, followed_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
          [guildId, feedUrl, options.now ?? new Date()],
        )) > 0;
      await db.query(`INSERT INTO feed_state (url) VALUES ($1) ON CONFLICT DO NOTHING`, [feedUrl]);
      await markSeen(db, guildId, feedUrl, options.seenEpisodeIds);
      if (created) await notifyFollows(db, guildId);
      return created;
    });
  }

  async unfollow(guildId: string, feedUrl: string): Promise<boolean> {
    return this.#transaction(async (db) => {
      const removed = (await changes(db, `DELETE FROM follows WHERE guild_id = $1 AND feed_url = $2`, [guildId, feedUrl])) > 0;
      await db.query(`DELETE FROM seen_episodes WHERE guild_id = $1 AND podcast_id = $2`, [guildId, feedUrl]);
      await db.query(`DELETE FROM announcement_settings WHERE guild_id = $1 AND podcast_id = $2`, [guildId, feedUrl]);
      if (removed) await notifyFollows(db, guildId);
      return removed;
    });
  }

  async listFollows(guildId: string): Promise<Follow[]> {
    const found = await rows<FollowRow>(
      this.#pool,
      `SELECT guild_id, feed_url, followed_at FROM follows WHERE guild_id = $1 ORDER BY followed_at, feed_url`,
      [guildId],
    );
    return found.map(toFollow);
  }

  async followersOf(feedUrl: string): Promise<string[]> {
    const found = await rows<{ guild_id: string }>(
      this.#pool,
      `SELECT guild_id FROM follows WHERE feed_url = $1 ORDER BY guild_id`,
      [feedUrl],
    );
    return found.map((row) => row.guild_id);
  }

  async allFollowers(): Promise<Map<string, string[]>> {
    const found = await this.#pool.query<[string, string]>({ text: `SELECT feed_url, guild_id FROM follows ORDER BY feed_url, guild_id`, rowMode: 'array' });
    return groupFollowers(found.rows);
  }

  async markSeen(guildId: string, podcastId: string, episodeIds: readonly string[]): Promise<void> {
    await markSeen(this.#pool, guildId, podcastId, episodeIds);
  }

  async forgetGuild(guildId: string): Promise<{ follows: string[]; pendingPosts: number }> {
    return this.#transaction(async (db) => {
      const follows = await rows<{ feed_url: string }>(db, `SELECT feed_url FROM follows WHERE guild_id = $1 ORDER BY feed_url`, [guildId]);
      const [pending] = await rows<{ count: number }>(
        db,
        `SELECT count(*)::integer AS count FROM announcements WHERE guild_id = $1 AND message_id IS NULL AND failed_at IS NULL`,
        [guildId],
      );
      for (const table of ['follows', 'seen_episodes', 'announcement_settings', 'announcements', 'live_shows', 'guild_pauses', 'guild_info', 'channel_info']) {
        await db.query(`DELETE FROM ${table} WHERE guild_id = $1`, [guildId]);
      }
      return { follows: follows.map((row) => row.feed_url), pendingPosts: pending?.count ?? 0 };
    });
  }

  // ---- guild pauses and the Discord cache --------------------------------------------------------------------------

  async pauseGuildAnnouncements(guildId: string, pause: GuildPause): Promise<boolean> {
    return (
      (await changes(
        this.#pool,
        `INSERT INTO guild_pauses (guild_id, reason, channel_id, paused_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
        [guildId, pause.reason, pause.channelId, pause.at],
      )) > 0
    );
  }

  async guildAnnouncementPause(guildId: string): Promise<GuildPause | undefined> {
    const [row] = await rows<GuildPauseRow>(this.#pool, `SELECT reason, channel_id, paused_at FROM guild_pauses WHERE guild_id = $1`, [guildId]);
    return row === undefined ? undefined : toGuildPause(row);
  }

  async resumeGuildAnnouncements(guildId: string, now: Date): Promise<boolean> {
    return this.#transaction(async (db) => {
      const [pause] = await rows<GuildPauseRow>(db, `DELETE FROM guild_pauses WHERE guild_id = $1 RETURNING reason, channel_id, paused_at`, [guildId]);
      if (pause === undefined) return false;
      // Posts for the refused channel that the settings no longer send there: planned again for the channel set now.
      await db.query(
        `DELETE FROM announcements a WHERE a.guild_id = $1 AND a.channel_id = $2 AND a.message_id IS NULL AND a.failed_at IS NULL
           AND (a.claim_until IS NULL OR a.claim_until <= $3)
           AND COALESCE((SELECT s.channel_id FROM announcement_settings s
                         WHERE s.guild_id = a.guild_id AND s.podcast_id IN (a.podcast_id, '')
                         ORDER BY s.podcast_id = '' LIMIT 1), '') <> $2`,
        [guildId, pause.channel_id, now],
      );
      await db.query(`UPDATE announcements SET next_attempt_at = NULL WHERE guild_id = $1 AND message_id IS NULL AND failed_at IS NULL`, [guildId]);
      await db.query(`UPDATE announcements SET publish_next_at = NULL WHERE guild_id = $1 AND publish_status = 'pending'`, [guildId]);
      await db.query(`UPDATE announcements SET thread_next_at = NULL WHERE guild_id = $1 AND thread_status = 'pending'`, [guildId]);
      return true;
    });
  }

  async saveChannelInfo(channelId: string, info: CachedChannel): Promise<void> {
    await this.#pool.query(
      `INSERT INTO channel_info (channel_id, guild_id, kind, tags, fetched_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (channel_id) DO UPDATE SET guild_id = excluded.guild_id, kind = excluded.kind, tags = excluded.tags,
         fetched_at = excluded.fetched_at`,
      [channelId, info.guildId, info.kind, JSON.stringify(info.tags), info.fetchedAt],
    );
  }

  async getChannelInfo(channelId: string): Promise<CachedChannel | undefined> {
    const [row] = await rows<ChannelInfoRow>(this.#pool, `SELECT guild_id, kind, tags, fetched_at FROM channel_info WHERE channel_id = $1`, [
      channelId,
    ]);
    return row === undefined ? undefined : toCachedChannel(row, channelId);
  }

  async dropChannelInfo(channelId: string): Promise<void> {
    await this.#pool.query(`DELETE FROM channel_info WHERE channel_id = $1`, [channelId]);
  }

  async saveGuildLocale(guildId: string, locale: string, fetchedAt: Date): Promise<void> {
    await this.#pool.query(
      `INSERT INTO guild_info (guild_id, locale, fetched_at) VALUES ($1, $2, $3)
       ON CONFLICT (guild_id) DO UPDATE SET locale = excluded.locale, fetched_at = excluded.fetched_at`,
      [guildId, locale, fetchedAt],
    );
  }

  async getGuildLocale(guildId: string): Promise<{ locale: string; fetchedAt: Date } | undefined> {
    const [row] = await rows<{ locale: string; fetched_at: Date }>(this.#pool, `SELECT locale, fetched_at FROM guild_info WHERE guild_id = $1`, [guildId]);
    return row === undefined ? undefined : { locale: row.locale, fetchedAt: row.fetched_at };
  }

  // ---- announcement settings ---------------------------------------------------------------------------------------

  async setAnnouncementSettings(guildId: string, settings: AnnouncementSettings, podcastId?: string): Promise<void> {
    await this.#pool.query(
      `INSERT INTO announcement_settings (guild_id, podcast_id, channel_id, role_id, publish, enabled, thread)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (guild_id, podcast_id) DO UPDATE SET channel_id = excluded.channel_id,
         role_id = excluded.role_id, publish = excluded.publish, enabled = excluded.enabled, thread = excluded.thread`,
      [guildId, podcastId ?? '', settings.channelId, settings.roleId ?? null, settings.publish, settings.enabled, settings.thread === true],
    );
  }

  async getAnnouncementSettings(guildId: string, podcastId?: string): Promise<AnnouncementSettings | undefined> {
    const [row] = await rows<SettingsRow>(
      this.#pool,
      `SELECT channel_id, role_id, publish, enabled, thread FROM announcement_settings WHERE guild_id = $1 AND podcast_id = $2`,
      [guildId, podcastId ?? ''],
    );
    return row === undefined ? undefined : toSettings(row);
  }

  async clearAnnouncementSettings(guildId: string, podcastId?: string): Promise<boolean> {
    return (
      (await changes(this.#pool, `DELETE FROM announcement_settings WHERE guild_id = $1 AND podcast_id = $2`, [
        guildId,
        podcastId ?? '',
      ])) > 0
    );
  }

  async effectiveAnnouncementSettings(guildId: string, podcastId: string): Promise<AnnouncementSettings | undefined> {
    const [row] = await rows<SettingsRow>(
      this.#pool,
      `SELECT channel_id, role_id, publish, enabled, thread FROM announcement_settings
       WHERE guild_id = $1 AND podcast_id IN ($2, '') ORDER BY podcast_id = '' LIMIT 1`,
      [guildId, podcastId],
    );
    return row === undefined ? undefined : toSettings(row);
  }

  // ---- announcements ledger ----------------------------------------------------------------------------------------

  async recordIntent(
    guildId: string,
    podcastId: string,
    episodeId: string,
    channelId: string,
    nonce: string,
    now: Date = new Date(),
    claim?: Lease,
  ): Promise<{ created: boolean; announcement: Announcement }> {
    const key = [guildId, podcastId, episodeId];
    // Insert, else read the row that won. A row cancelled between the two is gone: then insert again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const [inserted] = await rows<AnnouncementRow>(
        this.#pool,
        `INSERT INTO announcements (guild_id, podcast_id, episode_id, channel_id, nonce, intended_at, claim_owner, claim_until)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (guild_id, podcast_id, episode_id) DO NOTHING RETURNING *`,
        [...key, channelId, nonce, now, claim?.owner ?? null, claim?.until ?? null],
      );
      if (inserted !== undefined) return { created: true, announcement: toAnnouncement(inserted) };
      const existing = await this.#announcement(guildId, podcastId, episodeId);
      if (existing !== undefined) return { created: false, announcement: existing };
    }
    throw new Error('the intent just recorded is missing');
  }

  async markSent(
    guildId: string,
    podcastId: string,
    episodeId: string,
    messageId: string,
    now: Date = new Date(),
    options: { publish?: boolean; thread?: boolean } = {},
  ): Promise<boolean> {
    return (
      (await changes(
        this.#pool,
        `UPDATE announcements SET message_id = $1, sent_at = $2, next_attempt_at = NULL, failed_at = NULL,
           publish_status = CASE WHEN $6::boolean THEN 'pending' ELSE publish_status END,
           thread_status = CASE WHEN $7::boolean THEN 'pending' ELSE thread_status END, claim_owner = NULL, claim_until = NULL
         WHERE guild_id = $3 AND podcast_id = $4 AND episode_id = $5`,
        [messageId, now, guildId, podcastId, episodeId, options.publish === true, options.thread === true],
      )) > 0
    );
  }

  async markThreadStarted(guildId: string, podcastId: string, episodeId: string, threadId: string): Promise<void> {
    await this.#pool.query(
      `UPDATE announcements SET thread_id = $4 WHERE guild_id = $1 AND podcast_id = $2 AND episode_id = $3 AND thread_status IS NOT NULL`,
      [guildId, podcastId, episodeId, threadId],
    );
  }

  async markThreadDone(guildId: string, podcastId: string, episodeId: string): Promise<void> {
    await this.#pool.query(
      `UPDATE announcements SET thread_status = 'done', thread_next_at = NULL, claim_owner = NULL, claim_until = NULL
       WHERE guild_id = $1 AND podcast_id = $2 AND episode_id = $3 AND thread_status IS NOT NULL`,
      [guildId, podcastId, episodeId],
    );
  }

  async recordThreadFailure(guildId: string, podcastId: string, episodeId: string, failure: DeliveryFailure): Promise<Announcement | undefined> {
    return this.#recordStageFailure('thread', guildId, podcastId, episodeId, failure);
  }

  async claimPendingThreads(lease: Lease, now: Date, limit: number): Promise<Announcement[]> {
    return this.#claimMany(lease, now, limit, CLAIMABLE_THREADS, 'sent_at NULLS FIRST, guild_id, episode_id');
  }

  async recordPostFailure(
    guildId: string,
    podcastId: string,
    episodeId: string,
    failure: DeliveryFailure,
  ): Promise<Announcement | undefined> {
    // One statement: only an unsent intent is updated, and only it comes back.
    const [row] = await rows<AnnouncementRow>(
      this.#pool,
      `UPDATE announcements SET attempts = attempts + 1, last_attempt_at = $4, last_error = $5,
         next_attempt_at = $6, failed_at = CASE WHEN $6::timestamptz IS NULL THEN $4::timestamptz END,
         claim_owner = NULL, claim_until = NULL
       WHERE guild_id = $1 AND podcast_id = $2 AND episode_id = $3 AND message_id IS NULL
       RETURNING *`,
      [guildId, podcastId, episodeId, ...failureParams(failure)],
    );
    return row === undefined ? undefined : toAnnouncement(row);
  }

  async markPublished(guildId: string, podcastId: string, episodeId: string): Promise<void> {
    await this.#pool.query(
      `UPDATE announcements SET publish_status = 'done', publish_next_at = NULL, claim_owner = NULL, claim_until = NULL
       WHERE guild_id = $1 AND podcast_id = $2 AND episode_id = $3 AND publish_status IS NOT NULL`,
      [guildId, podcastId, episodeId],
    );
  }

  async recordPublishFailure(
    guildId: string,
    podcastId: string,
    episodeId: string,
    failure: DeliveryFailure,
  ): Promise<Announcement | undefined> {
    return this.#recordStageFailure('publish', guildId, podcastId, episodeId, failure);
  }

  /** A thread's or a publish's failed try: counted, retried at `retryAt` or failed for good; only a pending one. */
  #recordStageFailure(
    stage: 'thread' | 'publish',
    guildId: string,
    podcastId: string,
    episodeId: string,
    failure: DeliveryFailure,
  ): Promise<Announcement | undefined> {
    return this.#transaction(async (db) => {
      const [updated] = await rows<AnnouncementRow>(
        db,
        `UPDATE announcements SET ${stage}_attempts = ${stage}_attempts + 1, last_attempt_at = $4,
           ${stage}_error = $5, ${stage}_next_at = $6,
           ${stage}_status = CASE WHEN $6::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
           claim_owner = NULL, claim_until = NULL
         WHERE guild_id = $1 AND podcast_id = $2 AND episode_id = $3 AND ${stage}_status = 'pending'
         RETURNING *`,
        [guildId, podcastId, episodeId, ...failureParams(failure)],
      );
      // No such stage owed: the row as it is (as SQLite's store returns it), if there is one.
      return updated === undefined ? announcementIn(db, guildId, podcastId, episodeId) : toAnnouncement(updated);
    });
  }

  // ---- live shows --------------------------------------------------------------------------------------------------

  async getLiveShow(key: LiveShowKey): Promise<LiveShow | undefined> {
    const [row] = await rows<LiveShowRow>(
      this.#pool,
      `SELECT * FROM live_shows WHERE guild_id = $1 AND podcast_id = $2 AND live_id = $3`,
      [key.guildId, key.podcastId, key.liveId],
    );
    return row === undefined ? undefined : toLiveShow(row);
  }

  async claimLiveShow(key: LiveShowKey, init: { channelId: string; nonce: string }, lease: Lease, now: Date): Promise<LiveShow | undefined> {
    return this.#transaction(async (db) => {
      await db.query(
        `INSERT INTO live_shows (guild_id, podcast_id, live_id, channel_id, nonce, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [key.guildId, key.podcastId, key.liveId, init.channelId, init.nonce, now],
      );
      // The row lock taken by UPDATE makes a racing claim wait, then re-check the condition and miss.
      const [row] = await rows<LiveShowRow>(
        db,
        `UPDATE live_shows SET claim_owner = $4, claim_until = $5
         WHERE guild_id = $1 AND podcast_id = $2 AND live_id = $3
           AND (claim_until IS NULL OR claim_until <= $6 OR claim_owner = $4)
         RETURNING *`,
        [key.guildId, key.podcastId, key.liveId, lease.owner, lease.until, now],
      );
      return row === undefined ? undefined : toLiveShow(row);
    });
  }

  async saveLiveShow(show: LiveShow): Promise<void> {
    await this.#pool.query(
      `UPDATE live_shows SET event_id = $4, event_state = $5, live_message_id = $6, live_attempted_at = $7, attempts = $8,
         next_attempt_at = $9, last_error = $10, failed_at = $11, failed_step = $12
       WHERE guild_id = $1 AND podcast_id = $2 AND live_id = $3`,
      [
        show.guildId,
        show.podcastId,
        show.liveId,
        show.eventId ?? null,
        show.eventState ?? null,
        show.liveMessageId ?? null,
        show.liveAttemptedAt ?? null,
        show.attempts,
        show.nextAttemptAt ?? null,
        show.lastError ?? null,
        show.failedAt ?? null,
        show.failedStep ?? null,
      ],
    );
  }

  async releaseLiveShow(key: LiveShowKey, owner: string): Promise<void> {
    await this.#pool.query(
      `UPDATE live_shows SET claim_owner = NULL, claim_until = NULL
       WHERE guild_id = $1 AND podcast_id = $2 AND live_id = $3 AND claim_owner = $4`,
      [key.guildId, key.podcastId, key.liveId, owner],
    );
  }

  async claimIntent(guildId: string, podcastId: string, episodeId: string, lease: Lease, now: Date): Promise<Announcement | undefined> {
    // One statement: the row lock taken by UPDATE makes a racing claim wait, then re-check the conditions and miss.
    const [row] = await rows<AnnouncementRow>(
      this.#pool,
      `UPDATE announcements a SET claim_owner = $2, claim_until = $3
       WHERE a.guild_id = $4 AND a.podcast_id = $5 AND a.episode_id = $6 AND ${CLAIMABLE_POST}
       RETURNING *`,
      [now, lease.owner, lease.until, guildId, podcastId, episodeId],
    );
    return row === undefined ? undefined : toAnnouncement(row);
  }

  async claimPendingIntents(lease: Lease, now: Date, limit: number): Promise<Announcement[]> {
    return this.#claimMany(lease, now, limit, CLAIMABLE_POSTS, 'intended_at, guild_id, episode_id');
  }

  async claimPendingPublishes(lease: Lease, now: Date, limit: number): Promise<Announcement[]> {
    return this.#claimMany(lease, now, limit, CLAIMABLE_PUBLISHES, 'sent_at NULLS FIRST, guild_id, episode_id');
  }

  async #claimMany(lease: Lease, now: Date, limit: number, claimable: string, order: string): Promise<Announcement[]> {
    const found = await rows<AnnouncementRow>(
      this.#pool,
      `WITH picked AS (
         SELECT a.guild_id, a.podcast_id, a.episode_id FROM announcements a WHERE ${claimable}
         ORDER BY ${order} LIMIT $4 FOR UPDATE OF a SKIP LOCKED
       ), claimed AS (
         UPDATE announcements a SET claim_owner = $2, claim_until = $3 FROM picked p
         WHERE a.guild_id = p.guild_id AND a.podcast_id = p.podcast_id AND a.episode_id = p.episode_id
         RETURNING a.*
       )
       SELECT * FROM claimed ORDER BY ${order}`,
      [now, lease.owner, lease.until, Math.max(0, limit)],
    );
    return found.map(toAnnouncement);
  }

  async releaseIntent(guildId: string, podcastId: string, episodeId: string, owner: string): Promise<void> {
    await this.#pool.query(
      `UPDATE announcements SET claim_owner = NULL, claim_until = NULL
       WHERE guild_id = $1 AND podcast_id = $2 AND episode_id = $3 AND claim_owner = $4`,
      [guildId, podcastId, episodeId, owner],
    );
  }

  async cancelIntent(guildId: string, podcastId: string, episodeId: string): Promise<boolean> {
    return (
      (await changes(
        this.#pool,
        `DELETE FROM announcements WHERE guild_id = $1 AND podcast_id = $2 AND episode_id = $3 AND message_id IS NULL`,
        [guildId, podcastId, episodeId],
      )) > 0
    );
  }

  async pendingIntents(dueBy?: Date): Promise<Announcement[]> {
    const found = await rows<AnnouncementRow>(
      this.#pool,
      `SELECT * FROM announcements WHERE message_id IS NULL AND failed_at IS NULL
         AND ($1::timestamptz IS NULL OR next_attempt_at IS NULL OR next_attempt_at <= $1)
       ORDER BY intended_at, guild_id, episode_id`,
      [dueBy ?? null],
    );
    return found.map(toAnnouncement);
  }

  async pendingPublishes(dueBy?: Date): Promise<Announcement[]> {
    // NULLS FIRST: SQLite's order (NULL lowest), though a publish is only owed once sent_at is set.
    const found = await rows<AnnouncementRow>(
      this.#pool,
      `SELECT * FROM announcements WHERE publish_status = 'pending'
         AND ($1::timestamptz IS NULL OR publish_next_at IS NULL OR publish_next_at <= $1)
       ORDER BY sent_at NULLS FIRST, guild_id, episode_id`,
      [dueBy ?? null],
    );
    return found.map(toAnnouncement);
  }

  async announcementsSince(guildId: string, podcastId: string, since: Date): Promise<number> {
    const [row] = await rows<{ count: number }>(
      this.#pool,
      `SELECT count(*)::integer AS count FROM announcements WHERE guild_id = $1 AND podcast_id = $2 AND intended_at >= $3`,
      [guildId, podcastId, since],
    );
    return row?.count ?? 0;
  }

  async announcementIssues(guildId: string, since: Date): Promise<Announcement[]> {
    // NULLS LAST: SQLite's order for DESC (NULL lowest), though every row listed has had a failed attempt.
    const found = await rows<AnnouncementRow>(
      this.#pool,
      `SELECT * FROM announcements WHERE guild_id = $1 AND (
         (message_id IS NULL AND last_error IS NOT NULL AND (failed_at IS NULL OR failed_at >= $2))
         OR (publish_status = 'pending' AND publish_error IS NOT NULL)
         OR (publish_status = 'failed' AND last_attempt_at >= $2)
         OR (thread_status = 'pending' AND thread_error IS NOT NULL)
         OR (thread_status = 'failed' AND last_attempt_at >= $2))
       ORDER BY last_attempt_at DESC NULLS LAST, podcast_id, episode_id`,
      [guildId, since],
    );
    return found.map(toAnnouncement);
  }

  async wasAnnounced(guildId: string, podcastId: string, episodeId: string): Promise<boolean> {
    return (await this.#announcement(guildId, podcastId, episodeId))?.messageId !== undefined;
  }

  async getAnnouncement(guildId: string, podcastId: string, episodeId: string): Promise<Announcement | undefined> {
    return this.#announcement(guildId, podcastId, episodeId);
  }

  async #announcement(guildId: string, podcastId: string, episodeId: string): Promise<Announcement | undefined> {
    return announcementIn(this.#pool, guildId, podcastId, episodeId);
  }

  async unannouncedEpisodes(guildId: string, podcastId: string, episodeIds: readonly string[]): Promise<string[]> {
    const found = await rows<{ id: string }>(
      this.#pool,
      `SELECT ids.id FROM unnest($1::text[]) WITH ORDINALITY AS ids(id, n)
       WHERE NOT EXISTS (SELECT 1 FROM seen_episodes s
                         WHERE s.guild_id = $2 AND s.podcast_id = $3 AND s.episode_id = ids.id)
         AND NOT EXISTS (SELECT 1 FROM announcements a
                         WHERE a.guild_id = $2 AND a.podcast_id = $3 AND a.episode_id = ids.id)
       ORDER BY ids.n`,
      [[...episodeIds], guildId, podcastId],
    );
    return found.map((row) => row.id);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const subscription of this.#subscriptions) await subscription.close();
    this.#subscriptions.clear();
    await this.#pool.end();
  }
}

async function announcementIn(
  db: Queryable,
  guildId: string,
  podcastId: string,
  episodeId: string,
): Promise<Announcement | undefined> {
  const [row] = await rows<AnnouncementRow>(
    db,
    `SELECT * FROM announcements WHERE guild_id = $1 AND podcast_id = $2 AND episode_id = $3`,
    [guildId, podcastId, episodeId],
  );
  return row === undefined ? undefined : toAnnouncement(row);
}

/** A due feed no process holds a live lease on; $1 is now. */
const DUE_FEED = `NOT paused AND (next_check_at IS NULL OR next_check_at <= $1) AND (lease_until IS NULL OR lease_until <= $1)`;

/** A pending post, on the table aliased `a`: unsent, not given up, due by $1, its guild not paused. */
const PENDING_POST = `a.message_id IS NULL AND a.failed_at IS NULL AND (a.next_attempt_at IS NULL OR a.next_attempt_at <= $1)
  AND NOT EXISTS (SELECT 1 FROM guild_pauses p WHERE p.guild_id = a.guild_id)`;
/** One post $2 may take: no live claim by another (its own again: a job run once more). */
const CLAIMABLE_POST = `${PENDING_POST} AND (a.claim_until IS NULL OR a.claim_until <= $1 OR a.claim_owner = $2)`;
/** Posts to take in a batch (reconciling): no live claim at all; what the owner holds is queued in it already. */
const CLAIMABLE_POSTS = `${PENDING_POST} AND (a.claim_until IS NULL OR a.claim_until <= $1)`;
const CLAIMABLE_PUBLISHES = `a.publish_status = 'pending' AND (a.publish_next_at IS NULL OR a.publish_next_at <= $1)
  AND NOT EXISTS (SELECT 1 FROM guild_pauses p WHERE p.guild_id = a.guild_id)
  AND (a.claim_until IS NULL OR a.claim_until <= $1)`;
const CLAIMABLE_THREADS = `a.thread_status = 'pending' AND (a.thread_next_at IS NULL OR a.thread_next_at <= $1)
  AND NOT EXISTS (SELECT 1 FROM guild_pauses p WHERE p.guild_id = a.guild_id)
  AND (a.claim_until IS NULL OR a.claim_until <= $1)`;

/** A failure's [at, error, retryAt] as the 4th to 6th parameters of the statements that record one. */
function failureParams(failure: DeliveryFailure): [Date, string, Date | null] {
  return [failure.at, failure.error, failure.retryAt ?? null];
}

async function markSeen(db: Queryable, guildId: string, podcastId: string, episodeIds: readonly string[]): Promise<void> {
  if (episodeIds.length === 0) return;
  await db.query(
    `INSERT INTO seen_episodes (guild_id, podcast_id, episode_id)
     SELECT $1, $2, unnest($3::text[]) ON CONFLICT DO NOTHING`,
    [guildId, podcastId, [...episodeIds]],
  );
}
