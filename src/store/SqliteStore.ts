import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  EpisodeSchema,
  PodcastSchema,
  err,
  ok,
  type Episode,
  type Podcast,
  type Result,
} from '../data/model.js';
import type { FeedCredentials } from '../data/feedCredentials.js';
import { migrations } from './migrations.js';
import { episodePositions } from './episodePositions.js';
import { prepareOnce } from './prepareOnce.js';
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
  toEpisodeSummary,
  episodeNumberColumn,
  groupFollowers,
  type EpisodeSummaryRow,
} from './rows.js';
import { retryWhenBusy } from './retryWhenBusy.js';
import { SqliteTables } from './SqliteTables.js';
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

type Db = Database.Database;

export interface SqliteStoreOptions {
  /** Relative `sqlite:` paths are resolved against this. Default: the working directory. */
  baseDir?: string;
  /**
   * How long a store call waits for another process's lock before it fails with StoreBusyError, waiting on a timer
   * (retryWhenBusy), never inside SQLite. Default 1 s: within the interaction router's 2 s before it defers, so a
   * change someone asked for that cannot be saved is answered, privately, in time.
   */
  busyTimeoutMs?: number;
  /**
   * Only open a Podcord database that exists: refuse a missing file, or one without Podcord's schema (user_version 0),
   * instead of creating it. For `npm run db:copy`'s source, which must never be made up empty.
   */
  mustExist?: boolean;
}

/** Opening may wait for another process's lock inside SQLite: nothing is being served yet. */
const OPEN_BUSY_TIMEOUT_MS = 5000;

/** Where a `sqlite:` DATABASE_URL points: a file path or ':memory:'. */
export function parseSqliteUrl(url: string, baseDir: string = process.cwd()): Result<string> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  if (scheme === undefined || scheme.toLowerCase() !== 'sqlite') {
    // Only the scheme is echoed: the rest of a database URL may hold a password.
    const shown = scheme === undefined ? 'a value without a scheme' : `a ${scheme}: URL`;
    return err(
      `DATABASE_URL is ${shown}; only SQLite is supported: sqlite:data/podcord.db, sqlite:/absolute/path.db or sqlite::memory:.`,
    );
  }
  let rest = url.slice(scheme.length + 1);
  if (rest === ':memory:') return ok(':memory:');
  if (rest.startsWith('//')) rest = rest.slice(2); // sqlite:///abs/path.db and sqlite://relative.db
  if (rest === '') return err('DATABASE_URL sqlite: names no file; use e.g. sqlite:data/podcord.db or sqlite::memory:.');
  return ok(path.resolve(baseDir, rest));
}

/**
 * A few episodes of a podcast by id, in saved order (Library.details: what /topic, /episode and /chapters show). Each
 * is found by the primary key and the few found are sorted: `+position` keeps SQLite from walking the podcast's
 * whole position index to save that sort (then every episode of the podcast is looked up in the table, its notes
 * read from overflow pages: ~0.6 ms a podcast at a million episodes, 100 a podcast, and tens of ms when not cached).
 */
export const LOAD_EPISODES_SQL = `SELECT id, data FROM episodes WHERE podcast_id = ? AND id IN (SELECT value FROM json_each(?)) ORDER BY +position`;

/**
 * Opens (creating the file and its directory if needed) the SQLite database a DATABASE_URL names, and brings its
 * schema up to date. Failures (another scheme, a path that cannot be created, a database from a newer Podcord) are
 * values. The store waits for another process's lock without blocking the event loop, and refuses every call once
 * its file is gone (see SqliteStore.checkFile).
 */
export function openSqliteStore(url: string, options: SqliteStoreOptions = {}): Result<SqliteStore> {
  const location = parseSqliteUrl(url, options.baseDir);
  if (!location.ok) return location;
  const file = location.value;
  let db: Db | undefined;
  try {
    if (options.mustExist === true) {
      db = new Database(file, { fileMustExist: true });
      if (db.pragma('user_version', { simple: true }) === 0) throw new Error('it holds no Podcord database (its schema version is 0)');
    } else {
      if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
      db = new Database(file);
    }
    const store = new SqliteStore(db);
    const fileStillThere = (): void => {
      const check = store.checkFile();
      if (!check.ok) throw new Error(check.error);
    };
    return ok(retryWhenBusy(store, { waitMs: options.busyTimeoutMs ?? 1000, before: fileStillThere }));
  } catch (cause) {
    db?.close();
    const message = cause instanceof Error ? cause.message : String(cause);
    return err(`Could not open the database ${file}: ${message}`);
  }
}

/** Runs the migrations the database has not had yet, each in its own transaction. */
function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(
      `its schema is version ${current}, newer than this Podcord knows (${migrations.length}); upgrade Podcord.`,
    );
  }
  migrations.forEach((sql, index) => {
    if (index < current) return;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${index + 1}`);
    }).immediate();
  });
  // A migration may rewrite a whole table (12: episodes, gigabytes at a million episodes), all of it through the WAL,
  // whose file keeps its largest size: written back into the database and emptied now, not left beside it.
  if (current < migrations.length && !db.memory) db.pragma('wal_checkpoint(TRUNCATE)');
}

const ms = (date: Date): number => date.getTime();
const bool = (value: boolean): number => (value ? 1 : 0);

/** Announcement keys as one JSON parameter, for `(guild_id, podcast_id, episode_id) IN (SELECT ... FROM json_each(?))`. */
function keysJson(keys: readonly AnnouncementKey[]): string {
  return JSON.stringify(keys.map((k) => [k.guildId, k.podcastId, k.episodeId]));
}
const KEYS_IN = `(guild_id, podcast_id, episode_id) IN
  (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each(@keys))`;

/** A pending post: unsent, not given up, due by @now, its guild not paused. */
const PENDING_POST = `message_id IS NULL AND failed_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= @now)
  AND NOT EXISTS (SELECT 1 FROM guild_pauses p WHERE p.guild_id = announcements.guild_id)`;
/** One post @owner may take: no live claim by another (its own again: a job run once more). */
const CLAIMABLE_POST = `${PENDING_POST} AND (claim_until IS NULL OR claim_until <= @now OR claim_owner = @owner)`;
/** Posts to take in a batch (reconciling): no live claim at all; what the owner holds is queued in it already. */
const CLAIMABLE_POSTS = `${PENDING_POST} AND (claim_until IS NULL OR claim_until <= @now)`;
const CLAIMABLE_PUBLISHES = `publish_status = 'pending' AND (publish_next_at IS NULL OR publish_next_at <= @now)
  AND NOT EXISTS (SELECT 1 FROM guild_pauses p WHERE p.guild_id = announcements.guild_id)
  AND (claim_until IS NULL OR claim_until <= @now)`;
const CLAIMABLE_THREADS = `thread_status = 'pending' AND (thread_next_at IS NULL OR thread_next_at <= @now)
  AND NOT EXISTS (SELECT 1 FROM guild_pauses p WHERE p.guild_id = announcements.guild_id)
  AND (claim_until IS NULL OR claim_until <= @now)`;

function failureParams(failure: DeliveryFailure): { at: number; error: string; retryAt: number | null } {
  return { at: ms(failure.at), error: failure.error, retryAt: failure.retryAt === undefined ? null : ms(failure.retryAt) };
}

/**
 * The Store on SQLite (better-sqlite3): WAL, foreign keys on, migrations at open. Synchronous inside; the async methods
 * only wrap it so callers are ready for a networked store. After opening, SQLite never waits for a lock itself (its
 * wait would block the event loop): openSqliteStore wraps the store in retryWhenBusy, which waits on a timer.
 */
export class SqliteStore implements Store {
  readonly #db: Db;
  /** The file opened, to tell when the path no longer leads to it. Undefined in memory. */
  readonly #file: { path: string; dev: bigint; ino: bigint } | undefined;

  constructor(db: Db) {
    this.#db = db;
    db.pragma(`busy_timeout = ${OPEN_BUSY_TIMEOUT_MS}`);
    db.pragma('journal_mode = WAL'); // ':memory:' stays 'memory', which is fine
    db.pragma('synchronous = NORMAL'); // durable enough with WAL, much faster
    db.pragma('foreign_keys = ON');
    migrate(db);
    db.pragma('busy_timeout = 0');
    // After the migrations: a schema change would make the statements prepared before it prepare themselves again.
    prepareOnce(db);
    if (db.memory) {
      this.#file = undefined;
    } else {
      const { dev, ino } = statSync(db.name, { bigint: true });
      this.#file = { path: db.name, dev, ino };
    }
  }

  /**
   * Whether the database file is still the one this store opened. Deleted, moved or replaced under a running process,
   * SQLite goes on writing to the old file, which no path leads to any more: everything saved from then on is gone at
   * the next start. The app stops when this fails.
   */
  checkFile(): Result<void> {
    const file = this.#file;
    if (file === undefined) return ok(undefined);
    const advice =
      'Nothing saved since would survive a restart, so Podcord stops. Put the file back (or restore a backup) before starting Podcord again: started without it, Podcord begins with an empty database.';
    let now;
    try {
      now = statSync(file.path, { bigint: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return err(`The database file ${file.path} was deleted or moved while Podcord was running. ${advice}`);
      return ok(undefined); // only a definite answer stops the bot: a failed look says nothing about the file
    }
    if (now.dev !== file.dev || now.ino !== file.ino) {
      return err(`The database file ${file.path} was replaced by another file while Podcord was running. ${advice}`);
    }
    return ok(undefined);
  }

  /** The schema version of the open database. */
  schemaVersion(): number {
    return this.#db.pragma('user_version', { simple: true }) as number;
  }

  /** The database as tables of rows, for `npm run db:copy` (copyStore.ts) on a store opened for that alone. */
  tables(): SqliteTables {
    return new SqliteTables(this.#db);
  }

  // ---- catalogue -------------------------------------------------------------------------------------------------

  async savePodcast(podcast: Podcast, episodes: readonly Episode[], options: { backCatalogue?: boolean } = {}): Promise<void> {
    const cleanPodcast = PodcastSchema.parse(podcast);
    const list = uniqueEpisodes(episodes);
    const db = this.#db;
    db.transaction(() => {
      // Rows are written only where something differs: a feed with one new episode writes that episode (and the
      // podcast's updated_at), not every row again.
      const podcastChanged =
        db
          .prepare(
            `INSERT INTO podcasts (id, feed_url, title, data, updated_at) VALUES (@id, @feedUrl, @title, @data, @now)
             ON CONFLICT (id) DO UPDATE SET feed_url = excluded.feed_url, title = excluded.title, data = excluded.data,
               updated_at = excluded.updated_at
             WHERE (feed_url, title, data) IS NOT (excluded.feed_url, excluded.title, excluded.data)`,
          )
          .run({
            id: cleanPodcast.id,
            feedUrl: cleanPodcast.feedUrl ?? null,
            title: cleanPodcast.title,
            data: JSON.stringify(cleanPodcast),
            now: Date.now(),
          }).changes;
      const removed = db
        .prepare(`DELETE FROM episodes WHERE podcast_id = ? AND id NOT IN (SELECT value FROM json_each(?))`)
        .run(cleanPodcast.id, JSON.stringify(list.map((e) => e.id))).changes;
      const stored = db.prepare(`SELECT id, position FROM episodes WHERE podcast_id = ?`).raw(true).all(cleanPodcast.id) as [string, number][];
      const positions = episodePositions(
        list.map((e) => e.id),
        new Map(stored),
      );
      const upsert = db.prepare(
        `INSERT INTO episodes (podcast_id, id, position, title, published_at, episode_number, data)
         VALUES (@podcastId, @id, @position, @title, @publishedAt, @episodeNumber, @data)
         ON CONFLICT (podcast_id, id) DO UPDATE SET position = excluded.position, title = excluded.title,
           published_at = excluded.published_at, episode_number = excluded.episode_number, data = excluded.data
         WHERE (position, title, published_at, episode_number, data)
           IS NOT (excluded.position, excluded.title, excluded.published_at, excluded.episode_number, excluded.data)`,
      );
      let written = 0;
      list.forEach((episode, index) => {
        written += upsert.run({
          podcastId: cleanPodcast.id,
          id: episode.id,
          position: positions[index] as number,
          title: episode.title,
          publishedAt: episode.publishedAt ?? null,
          episodeNumber: episodeNumberColumn(episode),
          data: JSON.stringify(episode),
        }).changes;
      });
      if (options.backCatalogue) {
        // One statement for every server that follows the feed, as PostgreSQL's store does.
        db.prepare(
          `INSERT OR IGNORE INTO seen_episodes (guild_id, podcast_id, episode_id)
           SELECT f.guild_id, @podcast, e.value FROM follows f, json_each(@ids) e WHERE f.feed_url = @podcast`,
        ).run({ podcast: cleanPodcast.id, ids: JSON.stringify(list.map((e) => e.id)) });
      }
      if (podcastChanged === 0 && removed + written > 0) {
        db.prepare(`UPDATE podcasts SET updated_at = ? WHERE id = ?`).run(Date.now(), cleanPodcast.id);
      }
    }).immediate();
  }

  async loadCatalog(): Promise<CatalogEntry[]> {
    const db = this.#db;
    const read = db.transaction(() => {
      const podcasts = db.prepare(`SELECT id, data FROM podcasts ORDER BY title COLLATE NOCASE, id`).all() as {
        id: string;
        data: string;
      }[];
      const entries = new Map<string, CatalogEntry>();
      for (const row of podcasts) {
        entries.set(row.id, { podcast: parseStored(PodcastSchema, row.data, `podcast ${row.id}`), episodes: [] });
      }
      const episodes = db.prepare(`SELECT podcast_id, id, data FROM episodes ORDER BY podcast_id, position`).iterate() as
        IterableIterator<{ podcast_id: string; id: string; data: string }>;
      for (const row of episodes) {
        entries.get(row.podcast_id)?.episodes.push(parseStored(EpisodeSchema, row.data, `episode ${row.id} of ${row.podcast_id}`));
      }
      return [...entries.values()];
    });
    return read.deferred();
  }

  async loadPodcast(podcastId: string): Promise<CatalogEntry | undefined> {
    const db = this.#db;
    const read = db.transaction(() => {
      const podcast = db.prepare(`SELECT data FROM podcasts WHERE id = ?`).pluck().get(podcastId) as string | undefined;
      if (podcast === undefined) return undefined;
      const episodes = db.prepare(`SELECT id, data FROM episodes WHERE podcast_id = ? ORDER BY position`).all(podcastId) as {
        id: string;
        data: string;
      }[];
      return {
        podcast: parseStored(PodcastSchema, podcast, `podcast ${podcastId}`),
        episodes: episodes.map((row) => parseStored(EpisodeSchema, row.data, `episode ${row.id} of ${podcastId}`)),
      };
    });
    return read.deferred();
  }

  async loadCatalogPage(after: string | undefined, limit: number): Promise<CatalogSummaryEntry[]> {
    const db = this.#db;
    const read = db.transaction(() => {
      const podcasts = db.prepare(`SELECT id, data, updated_at FROM podcasts WHERE id > ? ORDER BY id LIMIT ?`).all(after ?? '', limit) as {
        id: string;
        data: string;
        updated_at: number;
      }[];
      return this.#summaries(podcasts);
    });
    return read.deferred();
  }

  async loadCatalogSummaries(podcastIds: readonly string[]): Promise<CatalogSummaryEntry[]> {
    const db = this.#db;
    const read = db.transaction(() => {
      const podcasts = db
        .prepare(`SELECT id, data, updated_at FROM podcasts WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`)
        .all(JSON.stringify(podcastIds)) as { id: string; data: string; updated_at: number }[];
      return this.#summaries(podcasts);
    });
    return read.deferred();
  }

  /** These podcasts with their episodes' summaries in saved order (inside the caller's transaction). */
  #summaries(podcasts: readonly { id: string; data: string; updated_at: number }[]): CatalogSummaryEntry[] {
    const db = this.#db;
    const entries = new Map<string, CatalogSummaryEntry>();
    for (const row of podcasts) {
      entries.set(row.id, { podcast: parseStored(PodcastSchema, row.data, `podcast ${row.id}`), episodes: [], version: row.updated_at });
    }
    if (podcasts.length === 0) return [];
    // The summary's columns alone (the number is a column before data, migration 12): no row's JSON is read, by
    // SQLite or here. The rows come in primary-key order (one pass over the table's b-tree, not a lookup per row
    // through the position index) and are put in saved order here.
    const episodes = db
      .prepare(
        `SELECT podcast_id, id, position, title, published_at, episode_number
         FROM episodes WHERE podcast_id IN (SELECT value FROM json_each(?))`,
      )
      .iterate(JSON.stringify(podcasts.map((p) => p.id))) as IterableIterator<EpisodeSummaryRow & { position: number }>;
    const positions = new Map<string, number[]>();
    for (const row of episodes) {
      const entry = entries.get(row.podcast_id);
      if (entry === undefined) continue;
      entry.episodes.push(toEpisodeSummary(row));
      let list = positions.get(row.podcast_id);
      if (list === undefined) positions.set(row.podcast_id, (list = []));
      list.push(row.position);
    }
    for (const [id, list] of positions) {
      const entry = entries.get(id)!;
      const order = list.map((_, i) => i).sort((a, b) => list[a]! - list[b]!);
      entry.episodes = order.map((i) => entry.episodes[i]!);
    }
    return [...entries.values()];
  }

  async catalogVersions(): Promise<Map<string, number>> {
    const rows = this.#db.prepare(`SELECT id, updated_at FROM podcasts`).all() as { id: string; updated_at: number }[];
    return new Map(rows.map((row) => [row.id, row.updated_at]));
  }

  async loadEpisodes(podcastId: string, episodeIds: readonly string[]): Promise<Episode[]> {
    const rows = this.#db.prepare(LOAD_EPISODES_SQL).all(podcastId, JSON.stringify(episodeIds)) as { id: string; data: string }[];
    return rows.map((row) => parseStored(EpisodeSchema, row.data, `episode ${row.id} of ${podcastId}`));
  }

  async getEpisodeIds(podcastId: string): Promise<string[]> {
    return this.#db
      .prepare(`SELECT id FROM episodes WHERE podcast_id = ? ORDER BY position`)
      .pluck()
      .all(podcastId) as string[];
  }

  async deletePodcast(podcastId: string): Promise<boolean> {
    return this.#db.prepare(`DELETE FROM podcasts WHERE id = ?`).run(podcastId).changes > 0;
  }

  // ---- caches ------------------------------------------------------------------------------------------------------

  async saveChapters(podcastId: string, episodeId: string, chapters: CachedChapters): Promise<void> {
    const clean = ChaptersSchema.parse(chapters.chapters);
    this.#db
      .prepare(
        `INSERT INTO chapters_cache (podcast_id, episode_id, source_url, chapters, fetched_at, etag, last_modified, appeared_at, recheck_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (podcast_id, episode_id) DO UPDATE SET source_url = excluded.source_url,
           chapters = excluded.chapters, fetched_at = excluded.fetched_at, etag = excluded.etag,
           last_modified = excluded.last_modified, appeared_at = excluded.appeared_at, recheck_at = excluded.recheck_at`,
      )
      .run(
        podcastId,
        episodeId,
        chapters.sourceUrl,
        JSON.stringify(clean),
        ms(chapters.fetchedAt),
        chapters.etag ?? null,
        chapters.lastModified ?? null,
        chapters.appearedAt === undefined ? null : ms(chapters.appearedAt),
        chapters.recheckAt === undefined ? null : ms(chapters.recheckAt),
      );
  }

  async getChapters(podcastId: string, episodeId: string): Promise<CachedChapters | undefined> {
    const row = this.#db
      .prepare(`SELECT ${CHAPTERS_COLUMNS} FROM chapters_cache WHERE podcast_id = ? AND episode_id = ?`)
      .get(podcastId, episodeId) as ChaptersRow | undefined;
    return row === undefined ? undefined : toCachedChapters(row, episodeId);
  }

  async dueChapterRechecks(now: Date, limit: number): Promise<DueChapterRecheck[]> {
    const due = this.#db
      .prepare(
        `SELECT podcast_id, episode_id, ${CHAPTERS_COLUMNS} FROM chapters_cache
         WHERE recheck_at IS NOT NULL AND recheck_at <= ? ORDER BY recheck_at LIMIT ?`,
      )
      .all(ms(now), limit) as (ChaptersRow & { podcast_id: string; episode_id: string })[];
    return due.map((row) => {
      const cached = toCachedChapters(row, row.episode_id);
      return { podcastId: row.podcast_id, episodeId: row.episode_id, cached: { ...cached, recheckAt: cached.recheckAt ?? now } };
    });
  }

  async claimChapterRecheck(podcastId: string, episodeId: string, due: Date, next: Date | undefined): Promise<boolean> {
    return (
      this.#db
        .prepare(`UPDATE chapters_cache SET recheck_at = ? WHERE podcast_id = ? AND episode_id = ? AND recheck_at = ?`)
        .run(next === undefined ? null : ms(next), podcastId, episodeId, ms(due)).changes > 0
    );
  }

  async saveTranscript(podcastId: string, episodeId: string, transcript: CachedTranscript): Promise<void> {
    const segments = SegmentsSchema.parse(transcript.segments);
    this.#db
      .prepare(
        `INSERT INTO transcripts_cache (podcast_id, episode_id, source_url, type, language, segments, fetched_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (podcast_id, episode_id) DO UPDATE SET source_url = excluded.source_url, type = excluded.type,
           language = excluded.language, segments = excluded.segments, fetched_at = excluded.fetched_at`,
      )
      .run(
        podcastId,
        episodeId,
        transcript.sourceUrl,
        transcript.type,
        transcript.language ?? null,
        JSON.stringify(segments),
        ms(transcript.fetchedAt),
      );
  }

  async getTranscript(podcastId: string, episodeId: string): Promise<CachedTranscript | undefined> {
    const row = this.#db
      .prepare(
        `SELECT source_url, type, language, segments, fetched_at FROM transcripts_cache
         WHERE podcast_id = ? AND episode_id = ?`,
      )
      .get(podcastId, episodeId) as TranscriptRow | undefined;
    return row === undefined ? undefined : toCachedTranscript(row, episodeId);
  }

  // ---- feed fetch state --------------------------------------------------------------------------------------------

  async trackFeed(url: string): Promise<void> {
    this.#db.transaction(() => this.#track(url)).immediate();
  }

  /**
   * A feed's rows, unless it has them: feed_state under the next free id, and its check times in feed_checks (both
   * empty: due at once). Inside a transaction.
   */
  #track(url: string): void {
    const db = this.#db;
    // WHERE true: SQLite reads an ON CONFLICT after a bare SELECT's FROM as part of a join.
    const added = db
      .prepare(`INSERT INTO feed_state (url, id) SELECT ?, COALESCE(MAX(id), 0) + 1 FROM feed_state WHERE true ON CONFLICT (url) DO NOTHING`)
      .run(url).changes;
    if (added > 0) db.prepare(`INSERT INTO feed_checks (id) SELECT id FROM feed_state WHERE url = ?`).run(url);
  }

  async untrackFeed(url: string): Promise<void> {
    const db = this.#db;
    db.transaction(() => {
      // Its check times and lease go with it (ON DELETE CASCADE).
      db.prepare(`DELETE FROM feed_state WHERE url = ?`).run(url);
      db.prepare(`DELETE FROM feed_credentials WHERE url = ?`).run(url);
    }).immediate();
  }

  async getFeedCredentials(url: string): Promise<FeedCredentials | undefined> {
    const row = this.#db.prepare(`SELECT username, password FROM feed_credentials WHERE url = ?`).get(url) as FeedCredentials | undefined;
    return row === undefined ? undefined : { username: row.username, password: row.password };
  }

  async setFeedCredentials(url: string, credentials: FeedCredentials | undefined): Promise<void> {
    if (credentials === undefined) {
      this.#db.prepare(`DELETE FROM feed_credentials WHERE url = ?`).run(url);
      return;
    }
    this.#db
      .prepare(
        `INSERT INTO feed_credentials (url, username, password) VALUES (@url, @username, @password)
         ON CONFLICT (url) DO UPDATE SET username = excluded.username, password = excluded.password`,
      )
      .run({ url, username: credentials.username, password: credentials.password });
  }

  async getFetchState(url: string): Promise<FeedFetchState | undefined> {
    return this.#fetchState(url);
  }

  #fetchState(url: string): FeedFetchState | undefined {
    const row = this.#db
      .prepare(
        `SELECT f.url, f.etag, f.last_modified, c.last_checked_at, c.next_check_at, f.last_error, f.consecutive_failures,
           f.paused, f.paused_notice_sent, f.pause_reason, f.resumed_at
         FROM feed_state f JOIN feed_checks c ON c.id = f.id WHERE f.url = ?`,
      )
      .get(url) as FeedStateRow | undefined;
    return row === undefined ? undefined : toFeedState(row);
  }

  async recordFetchSuccess(url: string, success: FetchSuccess): Promise<FeedFetchState> {
    const db = this.#db;
    return db.transaction(() => {
      this.#track(url);
      db.prepare(
        `UPDATE feed_state SET
           etag = CASE WHEN @setEtag THEN @etag ELSE etag END,
           last_modified = CASE WHEN @setLastModified THEN @lastModified ELSE last_modified END,
           last_error = NULL,
           consecutive_failures = 0,
           paused = CASE WHEN pause_reason IS NULL THEN 0 ELSE paused END,
           paused_notice_sent = CASE WHEN pause_reason IS NULL THEN 0 ELSE paused_notice_sent END
         WHERE url = @url`,
      ).run({
        url,
        setEtag: bool(success.etag !== undefined),
        etag: success.etag ?? null,
        setLastModified: bool(success.lastModified !== undefined),
        lastModified: success.lastModified ?? null,
      });
      this.#checked(url, ms(success.checkedAt), ms(success.nextCheckAt));
      return this.#fetchState(url) as FeedFetchState;
    }).immediate();
  }

  /** A feed was checked: its check times, and its lease ended. */
  #checked(url: string, checkedAt: number, nextCheckAt: number): void {
    const db = this.#db;
    db.prepare(`UPDATE feed_checks SET last_checked_at = @checkedAt, next_check_at = @nextCheckAt WHERE id = (SELECT id FROM feed_state WHERE url = @url)`).run({
      url,
      checkedAt,
      nextCheckAt,
    });
    this.#endLeases([url]);
  }

  /** Ends the leases on these feeds, whoever holds them: one scan of the (small) lease table. */
  #endLeases(urls: readonly string[], owner?: string): void {
    this.#db
      .prepare(
        `DELETE FROM feed_leases WHERE id IN (SELECT f.id FROM feed_state f WHERE f.url IN (SELECT value FROM json_each(@urls)))
           AND (@owner IS NULL OR owner = @owner)`,
      )
      .run({ urls: JSON.stringify(urls), owner: owner ?? null });
  }

  async recordNotModified(checks: readonly NotModified[]): Promise<void> {
    if (checks.length === 0) return;
    const db = this.#db;
    db.transaction(() => {
      // The wide row only when the 304 changes something in it (new validators, a failure or failure pause to clear):
      // a steady 304 writes its check times (a small row among 200 a page) and ends its lease (a row of a small table).
      const wide = db.prepare(
        `UPDATE feed_state SET etag = COALESCE(@etag, etag), last_modified = COALESCE(@lastModified, last_modified),
           last_error = NULL, consecutive_failures = 0,
           paused = CASE WHEN pause_reason IS NULL THEN 0 ELSE paused END,
           paused_notice_sent = CASE WHEN pause_reason IS NULL THEN 0 ELSE paused_notice_sent END
         WHERE url = @url AND ((@etag IS NOT NULL AND etag IS NOT @etag)
           OR (@lastModified IS NOT NULL AND last_modified IS NOT @lastModified)
           OR last_error IS NOT NULL OR consecutive_failures <> 0
           OR (pause_reason IS NULL AND (paused <> 0 OR paused_notice_sent <> 0)))`,
      );
      const times = db.prepare(
        `UPDATE feed_checks SET last_checked_at = @checkedAt, next_check_at = @nextCheckAt WHERE id = (SELECT id FROM feed_state WHERE url = @url)`,
      );
      for (const check of checks) {
        wide.run({ url: check.url, etag: check.etag ?? null, lastModified: check.lastModified ?? null });
        times.run({ url: check.url, checkedAt: ms(check.checkedAt), nextCheckAt: ms(check.nextCheckAt) });
      }
      this.#endLeases(checks.map((check) => check.url));
    }).immediate();
  }

  async recordFetchFailure(url: string, failure: FetchFailure): Promise<FeedFetchState> {
    const db = this.#db;
    return db.transaction(() => {
      this.#track(url);
      db.prepare(
        `UPDATE feed_state SET last_error = @error, consecutive_failures = consecutive_failures + 1, paused = MAX(paused, @pause)
         WHERE url = @url`,
      ).run({ url, error: failure.error, pause: bool(failure.pause) });
      this.#checked(url, ms(failure.checkedAt), ms(failure.nextCheckAt));
      return this.#fetchState(url) as FeedFetchState;
    }).immediate();
  }

  async markPausedNoticeSent(url: string): Promise<void> {
    this.#db.prepare(`UPDATE feed_state SET paused_notice_sent = 1 WHERE url = ?`).run(url);
  }

  async pauseFeed(url: string, reason: string): Promise<FeedFetchState | undefined> {
    const db = this.#db;
    return db.transaction(() => {
      db.prepare(`UPDATE feed_state SET paused = 1, pause_reason = ? WHERE url = ?`).run(reason, url);
      return this.#fetchState(url);
    }).immediate();
  }

  async resumeFeed(url: string, now: Date = new Date()): Promise<void> {
    const db = this.#db;
    db.transaction(() => {
      db.prepare(
        `UPDATE feed_state SET paused = 0, paused_notice_sent = 0, consecutive_failures = 0, pause_reason = NULL, resumed_at = ?
         WHERE url = ?`,
      ).run(ms(now), url);
      db.prepare(`UPDATE feed_checks SET next_check_at = NULL WHERE id = (SELECT id FROM feed_state WHERE url = ?)`).run(url);
    }).immediate();
  }

  async dueFeeds(now: Date): Promise<string[]> {
    return this.#dueFeeds(now, -1);
  }

  /** `limit` -1: all of them. */
  #dueFeeds(now: Date, limit: number): string[] {
    return this.#db
      .prepare(
        // Walking feed_checks_due (SQLite puts NULL, never checked, first) and stopping at the limit; ties by URL. The
        // CROSS JOIN keeps that order: the planner would rather scan feed_state and sort all of it at every claim.
        `SELECT f.url FROM feed_checks c INDEXED BY feed_checks_due CROSS JOIN feed_state f ON f.id = c.id
         WHERE (c.next_check_at IS NULL OR c.next_check_at <= @now) AND f.paused = 0
           AND c.id NOT IN (SELECT id FROM feed_leases WHERE until > @now)
         ORDER BY c.next_check_at, f.url LIMIT @limit`,
      )
      .pluck()
      .all({ now: ms(now), limit }) as string[];
  }

  // ---- several processes -------------------------------------------------------------------------------------------

  async claimDueFeeds(lease: Lease, now: Date, limit: number): Promise<string[]> {
    const db = this.#db;
    return db.transaction(() => {
      const urls = this.#dueFeeds(now, Math.max(0, limit));
      // An expired lease on one of them goes; the new ones are written side by side, at the end of the table.
      this.#endLeases(urls);
      db.prepare(
        `INSERT INTO feed_leases (until, id, owner)
         SELECT @until, f.id, @owner FROM json_each(@urls) j JOIN feed_state f ON f.url = j.value ORDER BY f.id`,
      ).run({
        owner: lease.owner,
        until: ms(lease.until),
        urls: JSON.stringify(urls),
      });
      return urls;
    }).immediate();
  }

  async oweAnnouncements(url: string, since: Date): Promise<void> {
    this.#db.prepare(`UPDATE feed_state SET announce_owed_since = COALESCE(announce_owed_since, ?) WHERE url = ?`).run(ms(since), url);
  }

  async feedsOwedAnnouncements(olderThan: Date): Promise<string[]> {
    return this.#db
      .prepare(`SELECT url FROM feed_state WHERE announce_owed_since <= ? ORDER BY announce_owed_since, url`)
      .pluck()
      .all(ms(olderThan)) as string[];
  }

  async settleAnnouncements(url: string, passStartedAt: Date): Promise<void> {
    this.#db.prepare(`UPDATE feed_state SET announce_owed_since = NULL WHERE url = ? AND announce_owed_since <= ?`).run(url, ms(passStartedAt));
  }

  async releaseFeed(url: string, owner: string): Promise<void> {
    this.#endLeases([url], owner);
  }

  async renewLeases(lease: Lease, held: { feeds: readonly string[]; announcements: readonly AnnouncementKey[] }): Promise<void> {
    const db = this.#db;
    const params = { owner: lease.owner, until: ms(lease.until) };
    db.transaction(() => {
      db.prepare(
        `UPDATE feed_leases SET until = @until
         WHERE owner = @owner AND id IN (SELECT f.id FROM feed_state f WHERE f.url IN (SELECT value FROM json_each(@urls)))`,
      ).run({
        ...params,
        urls: JSON.stringify(held.feeds),
      });
      db.prepare(`UPDATE announcements SET claim_until = @until WHERE claim_owner = @owner AND ${KEYS_IN}`).run({
        ...params,
        keys: keysJson(held.announcements),
      });
    }).immediate();
  }

  async heartbeat(process: ProcessRecord, now: Date): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO processes (id, role, host, pid, started_at, last_seen) VALUES (@id, @role, @host, @pid, @startedAt, @now)
         ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen`,
      )
      .run({ id: process.id, role: process.role, host: process.host, pid: process.pid, startedAt: ms(process.startedAt), now: ms(now) });
  }

  async processes(since: Date): Promise<ProcessRecord[]> {
    const rows = this.#db.prepare(`SELECT * FROM processes WHERE last_seen >= ? ORDER BY started_at, id`).all(ms(since)) as ProcessRow[];
    return rows.map(toProcess);
  }

  async endProcess(id: string): Promise<void> {
    const db = this.#db;
    db.transaction(() => {
      db.prepare(`DELETE FROM feed_leases WHERE owner = ?`).run(id);
      db.prepare(`UPDATE announcements SET claim_owner = NULL, claim_until = NULL WHERE claim_owner = ?`).run(id);
      db.prepare(`UPDATE live_shows SET claim_owner = NULL, claim_until = NULL WHERE claim_owner = ?`).run(id);
      db.prepare(`DELETE FROM processes WHERE id = ?`).run(id);
    }).immediate();
  }

  async renameFeed(oldUrl: string, newUrl: string): Promise<void> {
    if (oldUrl === newUrl) return;
    const db = this.#db;
    const moves = { old: oldUrl, new: newUrl };
    db.transaction(() => {
      // In every table: move the old rows unless the new URL already has one with the same key; drop what is left.
      // (feed_state's check times and lease follow its id.)
      db.prepare(`UPDATE OR IGNORE feed_state SET url = @new WHERE url = @old`).run(moves);
      db.prepare(`DELETE FROM feed_state WHERE url = @old`).run(moves);
      // Credentials stay with the address they were given for: a redirect does not carry them to another one.
      db.prepare(`DELETE FROM feed_credentials WHERE url = @old`).run(moves);
      db.prepare(`UPDATE OR IGNORE follows SET feed_url = @new WHERE feed_url = @old`).run(moves);
      db.prepare(`DELETE FROM follows WHERE feed_url = @old`).run(moves);
      const newExists = db.prepare(`SELECT 1 FROM podcasts WHERE id = @new`).get(moves) !== undefined;
      if (newExists) {
        db.prepare(`DELETE FROM podcasts WHERE id = @old`).run(moves);
      } else {
        // Episodes follow through ON UPDATE CASCADE.
        db.prepare(
          `UPDATE podcasts SET id = @new, feed_url = @new, data = json_set(data, '$.id', @new, '$.feedUrl', @new)
           WHERE id = @old`,
        ).run(moves);
      }
      for (const table of Object.keys(PODCAST_KEYED_TABLES)) {
        db.prepare(`UPDATE OR IGNORE ${table} SET podcast_id = @new WHERE podcast_id = @old`).run(moves);
        db.prepare(`DELETE FROM ${table} WHERE podcast_id = @old`).run(moves);
      }
    }).immediate();
  }

  // ---- follows -----------------------------------------------------------------------------------------------------

  async follow(
    guildId: string,
    feedUrl: string,
    options: { seenEpisodeIds: readonly string[]; now?: Date },
  ): Promise<boolean> {
    const db = this.#db;
    return db.transaction(() => {
      const created =
        db
          .prepare(`INSERT OR IGNORE INTO follows (guild_id, feed_url, followed_at) VALUES (?, ?, ?)`)
          .run(guildId, feedUrl, ms(options.now ?? new Date())).changes > 0;
      this.#track(feedUrl);
      this.#markSeen(guildId, feedUrl, options.seenEpisodeIds);
      return created;
    }).immediate();
  }

  async unfollow(guildId: string, feedUrl: string): Promise<boolean> {
    const db = this.#db;
    return db.transaction(() => {
      const removed = db.prepare(`DELETE FROM follows WHERE guild_id = ? AND feed_url = ?`).run(guildId, feedUrl).changes > 0;
      db.prepare(`DELETE FROM seen_episodes WHERE guild_id = ? AND podcast_id = ?`).run(guildId, feedUrl);
      db.prepare(`DELETE FROM announcement_settings WHERE guild_id = ? AND podcast_id = ?`).run(guildId, feedUrl);
      return removed;
    }).immediate();
  }

  async listFollows(guildId: string): Promise<Follow[]> {
    const rows = this.#db
      .prepare(`SELECT guild_id, feed_url, followed_at FROM follows WHERE guild_id = ? ORDER BY followed_at, feed_url`)
      .all(guildId) as FollowRow[];
    return rows.map(toFollow);
  }

  async followersOf(feedUrl: string): Promise<string[]> {
    return this.#db
      .prepare(`SELECT guild_id FROM follows WHERE feed_url = ? ORDER BY guild_id`)
      .pluck()
      .all(feedUrl) as string[];
  }

  async allFollowers(): Promise<Map<string, string[]>> {
    const rows = this.#db.prepare(`SELECT feed_url, guild_id FROM follows ORDER BY feed_url, guild_id`).raw(true).all() as [string, string][];
    return groupFollowers(rows);
  }

  async markSeen(guildId: string, podcastId: string, episodeIds: readonly string[]): Promise<void> {
    this.#db.transaction(() => this.#markSeen(guildId, podcastId, episodeIds)).immediate();
  }

  #markSeen(guildId: string, podcastId: string, episodeIds: readonly string[]): void {
    this.#db
      .prepare(
        `INSERT OR IGNORE INTO seen_episodes (guild_id, podcast_id, episode_id)
         SELECT ?, ?, value FROM json_each(?)`,
      )
      .run(guildId, podcastId, JSON.stringify(episodeIds));
  }

  async forgetGuild(guildId: string): Promise<{ follows: string[]; pendingPosts: number }> {
    const db = this.#db;
    return db.transaction(() => {
      const follows = db.prepare(`SELECT feed_url FROM follows WHERE guild_id = ? ORDER BY feed_url`).pluck().all(guildId) as string[];
      const pendingPosts = db
        .prepare(`SELECT COUNT(*) FROM announcements WHERE guild_id = ? AND message_id IS NULL AND failed_at IS NULL`)
        .pluck()
        .get(guildId) as number;
      for (const table of ['follows', 'seen_episodes', 'announcement_settings', 'announcements', 'live_shows', 'guild_pauses', 'guild_info', 'channel_info']) {
        db.prepare(`DELETE FROM ${table} WHERE guild_id = ?`).run(guildId);
      }
      return { follows, pendingPosts };
    }).immediate();
  }

  // ---- guild pauses and the Discord cache --------------------------------------------------------------------------

  async pauseGuildAnnouncements(guildId: string, pause: GuildPause): Promise<boolean> {
    return (
      this.#db
        .prepare(`INSERT OR IGNORE INTO guild_pauses (guild_id, reason, channel_id, paused_at) VALUES (?, ?, ?, ?)`)
        .run(guildId, pause.reason, pause.channelId, ms(pause.at)).changes > 0
    );
  }

  async guildAnnouncementPause(guildId: string): Promise<GuildPause | undefined> {
    return this.#guildPause(guildId);
  }

  #guildPause(guildId: string): GuildPause | undefined {
    const row = this.#db.prepare(`SELECT reason, channel_id, paused_at FROM guild_pauses WHERE guild_id = ?`).get(guildId) as
      | GuildPauseRow
      | undefined;
    return row === undefined ? undefined : toGuildPause(row);
  }

  async resumeGuildAnnouncements(guildId: string, now: Date): Promise<boolean> {
    const db = this.#db;
    return db.transaction(() => {
      const pause = this.#guildPause(guildId);
      if (pause === undefined) return false;
      db.prepare(`DELETE FROM guild_pauses WHERE guild_id = ?`).run(guildId);
      // Posts for the refused channel that the settings no longer send there: planned again for the channel set now.
      db.prepare(
        `DELETE FROM announcements WHERE guild_id = @guild AND channel_id = @channel AND message_id IS NULL AND failed_at IS NULL
           AND (claim_until IS NULL OR claim_until <= @now)
           AND COALESCE((SELECT s.channel_id FROM announcement_settings s
                         WHERE s.guild_id = announcements.guild_id AND s.podcast_id IN (announcements.podcast_id, '')
                         ORDER BY s.podcast_id = '' LIMIT 1), '') <> @channel`,
      ).run({ guild: guildId, channel: pause.channelId, now: ms(now) });
      db.prepare(`UPDATE announcements SET next_attempt_at = NULL WHERE guild_id = ? AND message_id IS NULL AND failed_at IS NULL`).run(guildId);
      db.prepare(`UPDATE announcements SET publish_next_at = NULL WHERE guild_id = ? AND publish_status = 'pending'`).run(guildId);
      db.prepare(`UPDATE announcements SET thread_next_at = NULL WHERE guild_id = ? AND thread_status = 'pending'`).run(guildId);
      return true;
    }).immediate();
  }

  async saveChannelInfo(channelId: string, info: CachedChannel): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO channel_info (channel_id, guild_id, kind, tags, fetched_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (channel_id) DO UPDATE SET guild_id = excluded.guild_id, kind = excluded.kind, tags = excluded.tags,
           fetched_at = excluded.fetched_at`,
      )
      .run(channelId, info.guildId, info.kind, JSON.stringify(info.tags), ms(info.fetchedAt));
  }

  async getChannelInfo(channelId: string): Promise<CachedChannel | undefined> {
    const row = this.#db.prepare(`SELECT guild_id, kind, tags, fetched_at FROM channel_info WHERE channel_id = ?`).get(channelId) as
      | ChannelInfoRow
      | undefined;
    return row === undefined ? undefined : toCachedChannel(row, channelId);
  }

  async dropChannelInfo(channelId: string): Promise<void> {
    this.#db.prepare(`DELETE FROM channel_info WHERE channel_id = ?`).run(channelId);
  }

  async saveGuildLocale(guildId: string, locale: string, fetchedAt: Date): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO guild_info (guild_id, locale, fetched_at) VALUES (?, ?, ?)
         ON CONFLICT (guild_id) DO UPDATE SET locale = excluded.locale, fetched_at = excluded.fetched_at`,
      )
      .run(guildId, locale, ms(fetchedAt));
  }

  async getGuildLocale(guildId: string): Promise<{ locale: string; fetchedAt: Date } | undefined> {
    const row = this.#db.prepare(`SELECT locale, fetched_at FROM guild_info WHERE guild_id = ?`).get(guildId) as
      | { locale: string; fetched_at: number }
      | undefined;
    return row === undefined ? undefined : { locale: row.locale, fetchedAt: new Date(row.fetched_at) };
  }

  // ---- announcement settings ---------------------------------------------------------------------------------------

  async setAnnouncementSettings(guildId: string, settings: AnnouncementSettings, podcastId?: string): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO announcement_settings (guild_id, podcast_id, channel_id, role_id, publish, enabled, thread)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (guild_id, podcast_id) DO UPDATE SET channel_id = excluded.channel_id,
           role_id = excluded.role_id, publish = excluded.publish, enabled = excluded.enabled, thread = excluded.thread`,
      )
      .run(
        guildId,
        podcastId ?? '',
        settings.channelId,
        settings.roleId ?? null,
        bool(settings.publish),
        bool(settings.enabled),
        bool(settings.thread === true),
      );
  }

  async getAnnouncementSettings(guildId: string, podcastId?: string): Promise<AnnouncementSettings | undefined> {
    const row = this.#db
      .prepare(
        `SELECT channel_id, role_id, publish, enabled, thread FROM announcement_settings WHERE guild_id = ? AND podcast_id = ?`,
      )
      .get(guildId, podcastId ?? '') as SettingsRow | undefined;
    return row === undefined ? undefined : toSettings(row);
  }

  async clearAnnouncementSettings(guildId: string, podcastId?: string): Promise<boolean> {
    return (
      this.#db
        .prepare(`DELETE FROM announcement_settings WHERE guild_id = ? AND podcast_id = ?`)
        .run(guildId, podcastId ?? '').changes > 0
    );
  }

  async effectiveAnnouncementSettings(guildId: string, podcastId: string): Promise<AnnouncementSettings | undefined> {
    const row = this.#db
      .prepare(
        `SELECT channel_id, role_id, publish, enabled, thread FROM announcement_settings
         WHERE guild_id = ? AND podcast_id IN (?, '') ORDER BY podcast_id = '' LIMIT 1`,
      )
      .get(guildId, podcastId) as SettingsRow | undefined;
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
    const db = this.#db;
    return db.transaction(() => {
      const created =
        db
          .prepare(
            `INSERT INTO announcements (guild_id, podcast_id, episode_id, channel_id, nonce, intended_at, claim_owner, claim_until)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, podcast_id, episode_id) DO NOTHING`,
          )
          .run(guildId, podcastId, episodeId, channelId, nonce, ms(now), claim?.owner ?? null, claim ? ms(claim.until) : null).changes > 0;
      const announcement = this.#announcement(guildId, podcastId, episodeId);
      if (announcement === undefined) throw new Error('the intent just recorded is missing');
      return { created, announcement };
    }).immediate();
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
      this.#db
        .prepare(
          `UPDATE announcements SET message_id = ?, sent_at = ?, next_attempt_at = NULL, failed_at = NULL,
             publish_status = CASE WHEN ? THEN 'pending' ELSE publish_status END,
             thread_status = CASE WHEN ? THEN 'pending' ELSE thread_status END, claim_owner = NULL, claim_until = NULL
           WHERE guild_id = ? AND podcast_id = ? AND episode_id = ?`,
        )
        .run(messageId, ms(now), bool(options.publish === true), bool(options.thread === true), guildId, podcastId, episodeId).changes > 0
    );
  }

  async markThreadStarted(guildId: string, podcastId: string, episodeId: string, threadId: string): Promise<void> {
    this.#db
      .prepare(`UPDATE announcements SET thread_id = ? WHERE guild_id = ? AND podcast_id = ? AND episode_id = ? AND thread_status IS NOT NULL`)
      .run(threadId, guildId, podcastId, episodeId);
  }

  async markThreadDone(guildId: string, podcastId: string, episodeId: string): Promise<void> {
    this.#db
      .prepare(
        `UPDATE announcements SET thread_status = 'done', thread_next_at = NULL, claim_owner = NULL, claim_until = NULL
         WHERE guild_id = ? AND podcast_id = ? AND episode_id = ? AND thread_status IS NOT NULL`,
      )
      .run(guildId, podcastId, episodeId);
  }

  async recordThreadFailure(guildId: string, podcastId: string, episodeId: string, failure: DeliveryFailure): Promise<Announcement | undefined> {
    return this.#recordStageFailure('thread', guildId, podcastId, episodeId, failure);
  }

  async claimPendingThreads(lease: Lease, now: Date, limit: number): Promise<Announcement[]> {
    return this.#claimMany(lease, now, limit, CLAIMABLE_THREADS, 'sent_at, guild_id, episode_id');
  }

  async recordPostFailure(
    guildId: string,
    podcastId: string,
    episodeId: string,
    failure: DeliveryFailure,
  ): Promise<Announcement | undefined> {
    const db = this.#db;
    return db.transaction(() => {
      db.prepare(
        `UPDATE announcements SET attempts = attempts + 1, last_attempt_at = @at, last_error = @error,
           next_attempt_at = @retryAt, failed_at = CASE WHEN @retryAt IS NULL THEN @at END,
           claim_owner = NULL, claim_until = NULL
         WHERE guild_id = @guild AND podcast_id = @podcast AND episode_id = @episode AND message_id IS NULL`,
      ).run({ ...failureParams(failure), guild: guildId, podcast: podcastId, episode: episodeId });
      const announcement = this.#announcement(guildId, podcastId, episodeId);
      return announcement?.messageId === undefined ? announcement : undefined;
    }).immediate();
  }

  async markPublished(guildId: string, podcastId: string, episodeId: string): Promise<void> {
    this.#db
      .prepare(
        `UPDATE announcements SET publish_status = 'done', publish_next_at = NULL, claim_owner = NULL, claim_until = NULL
         WHERE guild_id = ? AND podcast_id = ? AND episode_id = ? AND publish_status IS NOT NULL`,
      )
      .run(guildId, podcastId, episodeId);
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
  ): Announcement | undefined {
    const db = this.#db;
    return db.transaction(() => {
      db.prepare(
        `UPDATE announcements SET ${stage}_attempts = ${stage}_attempts + 1, last_attempt_at = @at,
           ${stage}_error = @error, ${stage}_next_at = @retryAt,
           ${stage}_status = CASE WHEN @retryAt IS NULL THEN 'failed' ELSE 'pending' END,
           claim_owner = NULL, claim_until = NULL
         WHERE guild_id = @guild AND podcast_id = @podcast AND episode_id = @episode AND ${stage}_status = 'pending'`,
      ).run({ ...failureParams(failure), guild: guildId, podcast: podcastId, episode: episodeId });
      return this.#announcement(guildId, podcastId, episodeId);
    }).immediate();
  }

  async claimIntent(guildId: string, podcastId: string, episodeId: string, lease: Lease, now: Date): Promise<Announcement | undefined> {
    const db = this.#db;
    return db.transaction(() => {
      const claimed = db
        .prepare(
          `UPDATE announcements SET claim_owner = @owner, claim_until = @until
           WHERE guild_id = @guild AND podcast_id = @podcast AND episode_id = @episode AND ${CLAIMABLE_POST}`,
        )
        .run({ owner: lease.owner, until: ms(lease.until), now: ms(now), guild: guildId, podcast: podcastId, episode: episodeId });
      return claimed.changes > 0 ? this.#announcement(guildId, podcastId, episodeId) : undefined;
    }).immediate();
  }

  async claimPendingIntents(lease: Lease, now: Date, limit: number): Promise<Announcement[]> {
    return this.#claimMany(lease, now, limit, CLAIMABLE_POSTS, 'intended_at, guild_id, episode_id');
  }

  async claimPendingPublishes(lease: Lease, now: Date, limit: number): Promise<Announcement[]> {
    return this.#claimMany(lease, now, limit, CLAIMABLE_PUBLISHES, 'sent_at, guild_id, episode_id');
  }

  #claimMany(lease: Lease, now: Date, limit: number, claimable: string, order: string): Announcement[] {
    const db = this.#db;
    return db.transaction(() => {
      const params = { owner: lease.owner, until: ms(lease.until), now: ms(now), limit: Math.max(0, limit) };
      const rows = db
        .prepare(`SELECT * FROM announcements WHERE ${claimable} ORDER BY ${order} LIMIT @limit`)
        .all(params) as AnnouncementRow[];
      const claim = db.prepare(
        `UPDATE announcements SET claim_owner = @owner, claim_until = @until WHERE guild_id = @guild AND podcast_id = @podcast AND episode_id = @episode`,
      );
      for (const row of rows) claim.run({ owner: params.owner, until: params.until, guild: row.guild_id, podcast: row.podcast_id, episode: row.episode_id });
      return rows.map(toAnnouncement);
    }).immediate();
  }

  async releaseIntent(guildId: string, podcastId: string, episodeId: string, owner: string): Promise<void> {
    this.#db
      .prepare(
        `UPDATE announcements SET claim_owner = NULL, claim_until = NULL
         WHERE guild_id = ? AND podcast_id = ? AND episode_id = ? AND claim_owner = ?`,
      )
      .run(guildId, podcastId, episodeId, owner);
  }

  async cancelIntent(guildId: string, podcastId: string, episodeId: string): Promise<boolean> {
    return (
      this.#db
        .prepare(
          `DELETE FROM announcements WHERE guild_id = ? AND podcast_id = ? AND episode_id = ? AND message_id IS NULL`,
        )
        .run(guildId, podcastId, episodeId).changes > 0
    );
  }

  async pendingIntents(dueBy?: Date): Promise<Announcement[]> {
    const rows = this.#db
      .prepare(
        `SELECT * FROM announcements WHERE message_id IS NULL AND failed_at IS NULL
           AND (@dueBy IS NULL OR next_attempt_at IS NULL OR next_attempt_at <= @dueBy)
         ORDER BY intended_at, guild_id, episode_id`,
      )
      .all({ dueBy: dueBy === undefined ? null : ms(dueBy) }) as AnnouncementRow[];
    return rows.map(toAnnouncement);
  }

  async pendingPublishes(dueBy?: Date): Promise<Announcement[]> {
    const rows = this.#db
      .prepare(
        `SELECT * FROM announcements WHERE publish_status = 'pending'
           AND (@dueBy IS NULL OR publish_next_at IS NULL OR publish_next_at <= @dueBy)
         ORDER BY sent_at, guild_id, episode_id`,
      )
      .all({ dueBy: dueBy === undefined ? null : ms(dueBy) }) as AnnouncementRow[];
    return rows.map(toAnnouncement);
  }

  async announcementsSince(guildId: string, podcastId: string, since: Date): Promise<number> {
    return this.#db
      .prepare(`SELECT COUNT(*) FROM announcements WHERE guild_id = ? AND podcast_id = ? AND intended_at >= ?`)
      .pluck()
      .get(guildId, podcastId, ms(since)) as number;
  }

  async announcementIssues(guildId: string, since: Date): Promise<Announcement[]> {
    const rows = this.#db
      .prepare(
        `SELECT * FROM announcements WHERE guild_id = @guild AND (
           (message_id IS NULL AND last_error IS NOT NULL AND (failed_at IS NULL OR failed_at >= @since))
           OR (publish_status = 'pending' AND publish_error IS NOT NULL)
           OR (publish_status = 'failed' AND last_attempt_at >= @since)
           OR (thread_status = 'pending' AND thread_error IS NOT NULL)
           OR (thread_status = 'failed' AND last_attempt_at >= @since))
         ORDER BY last_attempt_at DESC, podcast_id, episode_id`,
      )
      .all({ guild: guildId, since: ms(since) }) as AnnouncementRow[];
    return rows.map(toAnnouncement);
  }

  async wasAnnounced(guildId: string, podcastId: string, episodeId: string): Promise<boolean> {
    return this.#announcement(guildId, podcastId, episodeId)?.messageId !== undefined;
  }

  async getAnnouncement(guildId: string, podcastId: string, episodeId: string): Promise<Announcement | undefined> {
    return this.#announcement(guildId, podcastId, episodeId);
  }

  // ---- live shows --------------------------------------------------------------------------------------------------

  async getLiveShow(key: LiveShowKey): Promise<LiveShow | undefined> {
    return this.#liveShow(key);
  }

  async claimLiveShow(key: LiveShowKey, init: { channelId: string; nonce: string }, lease: Lease, now: Date): Promise<LiveShow | undefined> {
    const db = this.#db;
    return db.transaction(() => {
      const params = { guild: key.guildId, podcast: key.podcastId, live: key.liveId, owner: lease.owner, until: ms(lease.until), now: ms(now) };
      db.prepare(
        `INSERT INTO live_shows (guild_id, podcast_id, live_id, channel_id, nonce, created_at)
         VALUES (@guild, @podcast, @live, @channel, @nonce, @now) ON CONFLICT DO NOTHING`,
      ).run({ ...params, channel: init.channelId, nonce: init.nonce });
      const claimed = db
        .prepare(
          `UPDATE live_shows SET claim_owner = @owner, claim_until = @until
           WHERE guild_id = @guild AND podcast_id = @podcast AND live_id = @live
             AND (claim_until IS NULL OR claim_until <= @now OR claim_owner = @owner)`,
        )
        .run(params);
      return claimed.changes > 0 ? this.#liveShow(key) : undefined;
    }).immediate();
  }

  async saveLiveShow(show: LiveShow): Promise<void> {
    this.#db
      .prepare(
        `UPDATE live_shows SET event_id = @eventId, event_state = @eventState, live_message_id = @liveMessageId,
           live_attempted_at = @liveAttemptedAt, attempts = @attempts, next_attempt_at = @nextAttemptAt,
           last_error = @lastError, failed_step = @failedStep, failed_at = @failedAt
         WHERE guild_id = @guild AND podcast_id = @podcast AND live_id = @live`,
      )
      .run({
        guild: show.guildId,
        podcast: show.podcastId,
        live: show.liveId,
        eventId: show.eventId ?? null,
        eventState: show.eventState ?? null,
        liveMessageId: show.liveMessageId ?? null,
        liveAttemptedAt: show.liveAttemptedAt ? ms(show.liveAttemptedAt) : null,
        attempts: show.attempts,
        nextAttemptAt: show.nextAttemptAt ? ms(show.nextAttemptAt) : null,
        lastError: show.lastError ?? null,
        failedStep: show.failedStep ?? null,
        failedAt: show.failedAt ? ms(show.failedAt) : null,
      });
  }

  async releaseLiveShow(key: LiveShowKey, owner: string): Promise<void> {
    this.#db
      .prepare(
        `UPDATE live_shows SET claim_owner = NULL, claim_until = NULL
         WHERE guild_id = ? AND podcast_id = ? AND live_id = ? AND claim_owner = ?`,
      )
      .run(key.guildId, key.podcastId, key.liveId, owner);
  }

  #liveShow(key: LiveShowKey): LiveShow | undefined {
    const row = this.#db
      .prepare(`SELECT * FROM live_shows WHERE guild_id = ? AND podcast_id = ? AND live_id = ?`)
      .get(key.guildId, key.podcastId, key.liveId) as LiveShowRow | undefined;
    return row === undefined ? undefined : toLiveShow(row);
  }

  #announcement(guildId: string, podcastId: string, episodeId: string): Announcement | undefined {
    const row = this.#db
      .prepare(`SELECT * FROM announcements WHERE guild_id = ? AND podcast_id = ? AND episode_id = ?`)
      .get(guildId, podcastId, episodeId) as AnnouncementRow | undefined;
    return row === undefined ? undefined : toAnnouncement(row);
  }

  async unannouncedEpisodes(guildId: string, podcastId: string, episodeIds: readonly string[]): Promise<string[]> {
    return this.#db
      .prepare(
        `SELECT ids.value FROM json_each(@ids) AS ids
         WHERE NOT EXISTS (SELECT 1 FROM seen_episodes s
                           WHERE s.guild_id = @guild AND s.podcast_id = @podcast AND s.episode_id = ids.value)
           AND NOT EXISTS (SELECT 1 FROM announcements a
                           WHERE a.guild_id = @guild AND a.podcast_id = @podcast AND a.episode_id = ids.value)
         ORDER BY ids.key`,
      )
      .pluck()
      .all({ ids: JSON.stringify(episodeIds), guild: guildId, podcast: podcastId }) as string[];
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
