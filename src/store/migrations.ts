/**
 * The SQLite schema, one entry per version: migration i (0-based) takes the database from user_version i to i + 1.
 * Append new entries; never edit one that has shipped. Times are integer milliseconds since the epoch; booleans are
 * 0/1. Podcasts and episodes keep the domain objects as JSON (validated by the zod schemas on load) beside the few
 * columns that are queried or ordered by.
 */
export const migrations: readonly string[] = [
  `
  CREATE TABLE podcasts (
    id          TEXT PRIMARY KEY,
    feed_url    TEXT,
    title       TEXT NOT NULL,
    data        TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
  );

  CREATE TABLE episodes (
    podcast_id    TEXT NOT NULL REFERENCES podcasts (id) ON DELETE CASCADE ON UPDATE CASCADE,
    id            TEXT NOT NULL,
    position      INTEGER NOT NULL,
    title         TEXT NOT NULL,
    published_at  TEXT,
    data          TEXT NOT NULL,
    PRIMARY KEY (podcast_id, id)
  ) WITHOUT ROWID;
  CREATE INDEX episodes_by_position ON episodes (podcast_id, position);

  CREATE TABLE chapters_cache (
    podcast_id  TEXT NOT NULL,
    episode_id  TEXT NOT NULL,
    source_url  TEXT NOT NULL,
    chapters    TEXT NOT NULL,
    fetched_at  INTEGER NOT NULL,
    PRIMARY KEY (podcast_id, episode_id)
  ) WITHOUT ROWID;

  CREATE TABLE transcripts_cache (
    podcast_id  TEXT NOT NULL,
    episode_id  TEXT NOT NULL,
    source_url  TEXT NOT NULL,
    type        TEXT NOT NULL,
    language    TEXT,
    segments    TEXT NOT NULL,
    fetched_at  INTEGER NOT NULL,
    PRIMARY KEY (podcast_id, episode_id)
  ) WITHOUT ROWID;

  CREATE TABLE feed_state (
    url                   TEXT PRIMARY KEY,
    etag                  TEXT,
    last_modified         TEXT,
    last_checked_at       INTEGER,
    next_check_at         INTEGER,
    last_error            TEXT,
    consecutive_failures  INTEGER NOT NULL DEFAULT 0,
    paused                INTEGER NOT NULL DEFAULT 0,
    paused_notice_sent    INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX feed_state_due ON feed_state (paused, next_check_at);

  CREATE TABLE follows (
    guild_id     TEXT NOT NULL,
    feed_url     TEXT NOT NULL,
    followed_at  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, feed_url)
  ) WITHOUT ROWID;
  CREATE INDEX follows_by_feed ON follows (feed_url);

  CREATE TABLE seen_episodes (
    guild_id    TEXT NOT NULL,
    podcast_id  TEXT NOT NULL,
    episode_id  TEXT NOT NULL,
    PRIMARY KEY (guild_id, podcast_id, episode_id)
  ) WITHOUT ROWID;

  -- podcast_id '' is the guild's default; any other value overrides it for that podcast.
  CREATE TABLE announcement_settings (
    guild_id    TEXT NOT NULL,
    podcast_id  TEXT NOT NULL DEFAULT '',
    channel_id  TEXT NOT NULL,
    role_id     TEXT,
    publish     INTEGER NOT NULL DEFAULT 0,
    enabled     INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (guild_id, podcast_id)
  ) WITHOUT ROWID;

  CREATE TABLE announcements (
    guild_id     TEXT NOT NULL,
    podcast_id   TEXT NOT NULL,
    episode_id   TEXT NOT NULL,
    channel_id   TEXT NOT NULL,
    nonce        TEXT NOT NULL,
    intended_at  INTEGER NOT NULL,
    message_id   TEXT,
    sent_at      INTEGER,
    PRIMARY KEY (guild_id, podcast_id, episode_id)
  ) WITHOUT ROWID;
  CREATE INDEX announcements_pending ON announcements (intended_at) WHERE message_id IS NULL;
  `,
  // 2: why a feed was paused besides failing (too many new episodes a day) and when it was last resumed; failed
  // posts and publishes keep their reason, attempts and next try instead of being dropped or retried forever.
  `
  ALTER TABLE feed_state ADD COLUMN pause_reason TEXT;
  ALTER TABLE feed_state ADD COLUMN resumed_at INTEGER;

  ALTER TABLE announcements ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE announcements ADD COLUMN last_attempt_at INTEGER;
  ALTER TABLE announcements ADD COLUMN next_attempt_at INTEGER;
  ALTER TABLE announcements ADD COLUMN last_error TEXT;
  ALTER TABLE announcements ADD COLUMN failed_at INTEGER;
  -- NULL: nothing to publish; else 'pending', 'done' or 'failed'.
  ALTER TABLE announcements ADD COLUMN publish_status TEXT;
  ALTER TABLE announcements ADD COLUMN publish_attempts INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE announcements ADD COLUMN publish_next_at INTEGER;
  ALTER TABLE announcements ADD COLUMN publish_error TEXT;
  DROP INDEX announcements_pending;
  CREATE INDEX announcements_pending ON announcements (intended_at) WHERE message_id IS NULL AND failed_at IS NULL;
  CREATE INDEX announcements_unpublished ON announcements (publish_next_at) WHERE publish_status = 'pending';
  `,
  // Version 3: a private feed's HTTP Basic credentials, apart from its URL (the identity that is shown and logged).
  `
  CREATE TABLE feed_credentials (
    url       TEXT PRIMARY KEY,
    username  TEXT NOT NULL,
    password  TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  // 4: several processes on one database. A feed due for a check and a post to make are leased to one process at
  // a time (owner and expiry), and a feed whose new episodes were saved owes their announcements until a pass wrote
  // them; the registry of running processes (shares of the rate budget, dead ones found); what
  // workers read of Discord over REST (channels, guild locales); a guild's announcements paused on a lost channel.
  `
  ALTER TABLE feed_state ADD COLUMN lease_owner TEXT;
  ALTER TABLE feed_state ADD COLUMN lease_until INTEGER;
  ALTER TABLE feed_state ADD COLUMN announce_owed_since INTEGER;
  CREATE INDEX feed_state_owed ON feed_state (announce_owed_since) WHERE announce_owed_since IS NOT NULL;
  CREATE INDEX feed_state_leased ON feed_state (lease_owner) WHERE lease_owner IS NOT NULL;

  ALTER TABLE announcements ADD COLUMN claim_owner TEXT;
  ALTER TABLE announcements ADD COLUMN claim_until INTEGER;
  CREATE INDEX announcements_claimed ON announcements (claim_owner) WHERE claim_owner IS NOT NULL;

  CREATE TABLE processes (
    id          TEXT PRIMARY KEY,
    role        TEXT NOT NULL,
    host        TEXT NOT NULL,
    pid         INTEGER NOT NULL,
    started_at  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL
  );

  CREATE TABLE channel_info (
    channel_id  TEXT PRIMARY KEY,
    guild_id    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    tags        TEXT NOT NULL,
    fetched_at  INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX channel_info_by_guild ON channel_info (guild_id);

  CREATE TABLE guild_info (
    guild_id    TEXT PRIMARY KEY,
    locale      TEXT NOT NULL,
    fetched_at  INTEGER NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE guild_pauses (
    guild_id    TEXT PRIMARY KEY,
    reason      TEXT NOT NULL,
    channel_id  TEXT NOT NULL,
    paused_at   INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  // 5: a discussion thread per announcement (/announce channel thread:true): owed from the post on, like publishing,
  // with its own attempts; thread_id once the thread exists (the chapter list in it may still be owed).
  `
  ALTER TABLE announcement_settings ADD COLUMN thread INTEGER NOT NULL DEFAULT 0;

  -- NULL: no thread wanted; else 'pending', 'done' or 'failed'.
  ALTER TABLE announcements ADD COLUMN thread_status TEXT;
  ALTER TABLE announcements ADD COLUMN thread_id TEXT;
  ALTER TABLE announcements ADD COLUMN thread_attempts INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE announcements ADD COLUMN thread_next_at INTEGER;
  ALTER TABLE announcements ADD COLUMN thread_error TEXT;
  CREATE INDEX announcements_threads_owed ON announcements (thread_next_at) WHERE thread_status = 'pending';
  `,
  // 6: live shows (podcast:liveItem): per server and live item, the scheduled event made for it and its state, the
  // "live now" post, failures with their next try, and the claim of the process working on it (an outbox like posts).
  `
  CREATE TABLE live_shows (
    guild_id           TEXT NOT NULL,
    podcast_id         TEXT NOT NULL,
    live_id            TEXT NOT NULL,
    channel_id         TEXT NOT NULL,
    nonce              TEXT NOT NULL,
    created_at         INTEGER NOT NULL,
    event_id           TEXT,
    -- NULL: no event; 'creating': asked for, the answer not recorded (it may exist); 'scheduled', 'active', 'ended'.
    event_state        TEXT,
    live_message_id    TEXT,
    live_attempted_at  INTEGER,
    attempts           INTEGER NOT NULL DEFAULT 0,
    next_attempt_at    INTEGER,
    last_error         TEXT,
    -- What failed: 'event' (making, starting, ending the event) or 'post' ("live now"); the other goes on meanwhile.
    failed_step        TEXT,
    failed_at          INTEGER,
    claim_owner        TEXT,
    claim_until        INTEGER,
    PRIMARY KEY (guild_id, podcast_id, live_id)
  ) WITHOUT ROWID;
  `,
  // 7: episodes keep their guests, hosts and soundbites (podcast:person, podcast:soundbite) in their JSON, beside
  // chapters and notes. Feeds stored before only gain them when read whole again: their validators are dropped, so
  // the next check is a full GET instead of a 304.
  `
  UPDATE feed_state SET etag = NULL, last_modified = NULL WHERE etag IS NOT NULL OR last_modified IS NOT NULL;
  `,
  // 8: a cheap poll. Feed state kept in URL order (WITHOUT ROWID): the feeds one poll batch leases and records together
  // are neighbours, so each write touches a few pages instead of a page per feed; and no index on the lease owner
  // (every lease and every check wrote it; endProcess alone reads by owner, and scans).
  `
  CREATE TABLE feed_state_by_url (
    url                   TEXT PRIMARY KEY,
    etag                  TEXT,
    last_modified         TEXT,
    last_checked_at       INTEGER,
    next_check_at         INTEGER,
    last_error            TEXT,
    consecutive_failures  INTEGER NOT NULL DEFAULT 0,
    paused                INTEGER NOT NULL DEFAULT 0,
    paused_notice_sent    INTEGER NOT NULL DEFAULT 0,
    pause_reason          TEXT,
    resumed_at            INTEGER,
    lease_owner           TEXT,
    lease_until           INTEGER,
    announce_owed_since   INTEGER
  ) WITHOUT ROWID;
  INSERT INTO feed_state_by_url SELECT url, etag, last_modified, last_checked_at, next_check_at, last_error,
    consecutive_failures, paused, paused_notice_sent, pause_reason, resumed_at, lease_owner, lease_until,
    announce_owed_since FROM feed_state;
  DROP TABLE feed_state;
  ALTER TABLE feed_state_by_url RENAME TO feed_state;
  CREATE INDEX feed_state_due ON feed_state (paused, next_check_at);
  CREATE INDEX feed_state_owed ON feed_state (announce_owed_since) WHERE announce_owed_since IS NOT NULL;
  `,
  // 9: chapters change after release: a cached chapters source (a chapters file, or the enclosure's ID3 tag) keeps its
  // validators for a conditional re-check, when its episode appeared, and when it is to be checked again.
  `
  ALTER TABLE chapters_cache ADD COLUMN etag TEXT;
  ALTER TABLE chapters_cache ADD COLUMN last_modified TEXT;
  ALTER TABLE chapters_cache ADD COLUMN appeared_at INTEGER;
  ALTER TABLE chapters_cache ADD COLUMN recheck_at INTEGER;
  CREATE INDEX chapters_cache_recheck ON chapters_cache (recheck_at) WHERE recheck_at IS NOT NULL;
  `,
  // 10: a cheap poll at scale. What a 304 and a lease change no longer live in the wide feed_state row, whose feeds a
  // poll batch finds on as many pages as it has feeds (the WAL takes whole 4 KB pages): a feed's check times live in
  // feed_checks, about 20 bytes a row under a small integer id (200 feeds a page), due order in its index; its lease in
  // feed_leases, a row only while a process holds it, kept in the order leases were taken (its rowid): the feeds a
  // claim leases together are written side by side at the end (found by id with a scan of that small table; no index
  // by feed, which a claim would write on as many pages as it has feeds). feed_state keeps what changes when a feed does
  // (validators, failures, pauses, owed announcements) and gains the id. PostgreSQL keeps one row (its 10 is empty):
  // it writes row versions, not pages. db:copy shows SQLite's three as the one feed_state (SqliteTables).
  `
  ALTER TABLE feed_state RENAME TO feed_state_before_10;
  CREATE TABLE feed_state (
    url                   TEXT PRIMARY KEY,
    id                    INTEGER NOT NULL UNIQUE,
    etag                  TEXT,
    last_modified         TEXT,
    last_error            TEXT,
    consecutive_failures  INTEGER NOT NULL DEFAULT 0,
    paused                INTEGER NOT NULL DEFAULT 0,
    paused_notice_sent    INTEGER NOT NULL DEFAULT 0,
    pause_reason          TEXT,
    resumed_at            INTEGER,
    announce_owed_since   INTEGER
  ) WITHOUT ROWID;
  INSERT INTO feed_state (url, id, etag, last_modified, last_error, consecutive_failures, paused, paused_notice_sent,
      pause_reason, resumed_at, announce_owed_since)
    SELECT url, row_number() OVER (ORDER BY url), etag, last_modified, last_error, consecutive_failures, paused,
      paused_notice_sent, pause_reason, resumed_at, announce_owed_since
    FROM feed_state_before_10;

  CREATE TABLE feed_checks (
    id               INTEGER PRIMARY KEY REFERENCES feed_state (id) ON DELETE CASCADE,
    last_checked_at  INTEGER,
    next_check_at    INTEGER
  );
  INSERT INTO feed_checks (id, last_checked_at, next_check_at)
    SELECT f.id, o.last_checked_at, o.next_check_at FROM feed_state_before_10 o JOIN feed_state f USING (url);

  CREATE TABLE feed_leases (
    id     INTEGER NOT NULL REFERENCES feed_state (id) ON DELETE CASCADE,
    owner  TEXT NOT NULL,
    until  INTEGER NOT NULL
  );
  INSERT INTO feed_leases (until, id, owner)
    SELECT o.lease_until, f.id, o.lease_owner FROM feed_state_before_10 o JOIN feed_state f USING (url)
    WHERE o.lease_owner IS NOT NULL AND o.lease_until IS NOT NULL;

  DROP TABLE feed_state_before_10;
  CREATE INDEX feed_checks_due ON feed_checks (next_check_at);
  CREATE INDEX feed_state_owed ON feed_state (announce_owed_since) WHERE announce_owed_since IS NOT NULL;
  `,
  // 11: nothing here. PostgreSQL's 11 keeps the topic index in the database; SQLite keeps it in a file beside the
  // database (topicIndexFile.ts). Counted all the same: both dialects are at one version for `npm run db:copy`.
  `SELECT 1;`,
  // 12: the episode number as a column (episode_number), so reading the catalogue takes it without reading each row's
  // JSON (SQLite's JSON reader on every episode made that read about 1.7x slower). The table is written anew with the
  // column before data: a row's data mostly spills onto overflow pages, and a column after it would be read by
  // walking them. The number is taken from the JSON where it is a whole number that fits 32 bits (every feed's does:
  // buildEpisode reads at most 9 digits), as PostgreSQL's integer column holds it; else NULL.
  `
  CREATE TABLE episodes_12 (
    podcast_id      TEXT NOT NULL REFERENCES podcasts (id) ON DELETE CASCADE ON UPDATE CASCADE,
    id              TEXT NOT NULL,
    position        INTEGER NOT NULL,
    title           TEXT NOT NULL,
    published_at    TEXT,
    episode_number  INTEGER,
    data            TEXT NOT NULL,
    PRIMARY KEY (podcast_id, id)
  ) WITHOUT ROWID;
  INSERT INTO episodes_12 (podcast_id, id, position, title, published_at, episode_number, data)
    SELECT podcast_id, id, position, title, published_at,
      CASE WHEN json_type(data, '$.episodeNumber') = 'integer' AND data ->> '$.episodeNumber' BETWEEN -2147483648 AND 2147483647
        THEN data ->> '$.episodeNumber' END,
      data
    FROM episodes ORDER BY podcast_id, id;
  DROP TABLE episodes;
  ALTER TABLE episodes_12 RENAME TO episodes;
  CREATE INDEX episodes_by_position ON episodes (podcast_id, position);
  `,
];
