/**
 * The PostgreSQL schema, one entry per version: migration i (0-based) takes the database from version i to i + 1 (the
 * versions applied are rows of schema_migrations). Append new entries; never edit one that has shipped. It mirrors
 * the SQLite schema (migrations.ts) table for table and column for column, so both stores read the same rows
 * (rows.ts); what differs is the types: times are timestamptz, flags boolean.
 *
 * Every text column is COLLATE "C": SQLite compares text byte by byte, and ORDER BY must come out the same whatever
 * collation the database was created with (under en_US, 'guild-a' sorts before 'guild-B'; in SQLite after it).
 * Podcasts, episodes and the caches keep their JSON as text, as SQLite does: jsonb would refuse a \u0000 escape
 * that a parsed transcript may hold, and nothing queries inside it.
 */
export const postgresMigrations: readonly string[] = [
  `
  CREATE TABLE podcasts (
    id          text COLLATE "C" PRIMARY KEY,
    feed_url    text COLLATE "C",
    title       text COLLATE "C" NOT NULL,
    data        text COLLATE "C" NOT NULL,
    updated_at  timestamptz NOT NULL
  );

  CREATE TABLE episodes (
    podcast_id    text COLLATE "C" NOT NULL REFERENCES podcasts (id) ON DELETE CASCADE ON UPDATE CASCADE,
    id            text COLLATE "C" NOT NULL,
    position      integer NOT NULL,
    title         text COLLATE "C" NOT NULL,
    published_at  text COLLATE "C",
    data          text COLLATE "C" NOT NULL,
    PRIMARY KEY (podcast_id, id)
  );
  CREATE INDEX episodes_by_position ON episodes (podcast_id, position);

  CREATE TABLE chapters_cache (
    podcast_id  text COLLATE "C" NOT NULL,
    episode_id  text COLLATE "C" NOT NULL,
    source_url  text COLLATE "C" NOT NULL,
    chapters    text COLLATE "C" NOT NULL,
    fetched_at  timestamptz NOT NULL,
    PRIMARY KEY (podcast_id, episode_id)
  );

  CREATE TABLE transcripts_cache (
    podcast_id  text COLLATE "C" NOT NULL,
    episode_id  text COLLATE "C" NOT NULL,
    source_url  text COLLATE "C" NOT NULL,
    type        text COLLATE "C" NOT NULL,
    language    text COLLATE "C",
    segments    text COLLATE "C" NOT NULL,
    fetched_at  timestamptz NOT NULL,
    PRIMARY KEY (podcast_id, episode_id)
  );

  CREATE TABLE feed_state (
    url                   text COLLATE "C" PRIMARY KEY,
    etag                  text COLLATE "C",
    last_modified         text COLLATE "C",
    last_checked_at       timestamptz,
    next_check_at         timestamptz,
    last_error            text COLLATE "C",
    consecutive_failures  integer NOT NULL DEFAULT 0,
    paused                boolean NOT NULL DEFAULT false,
    paused_notice_sent    boolean NOT NULL DEFAULT false
  );
  CREATE INDEX feed_state_due ON feed_state (paused, next_check_at);

  CREATE TABLE follows (
    guild_id     text COLLATE "C" NOT NULL,
    feed_url     text COLLATE "C" NOT NULL,
    followed_at  timestamptz NOT NULL,
    PRIMARY KEY (guild_id, feed_url)
  );
  CREATE INDEX follows_by_feed ON follows (feed_url);

  CREATE TABLE seen_episodes (
    guild_id    text COLLATE "C" NOT NULL,
    podcast_id  text COLLATE "C" NOT NULL,
    episode_id  text COLLATE "C" NOT NULL,
    PRIMARY KEY (guild_id, podcast_id, episode_id)
  );

  -- podcast_id '' is the guild's default; any other value overrides it for that podcast.
  CREATE TABLE announcement_settings (
    guild_id    text COLLATE "C" NOT NULL,
    podcast_id  text COLLATE "C" NOT NULL DEFAULT '',
    channel_id  text COLLATE "C" NOT NULL,
    role_id     text COLLATE "C",
    publish     boolean NOT NULL DEFAULT false,
    enabled     boolean NOT NULL DEFAULT true,
    PRIMARY KEY (guild_id, podcast_id)
  );

  CREATE TABLE announcements (
    guild_id     text COLLATE "C" NOT NULL,
    podcast_id   text COLLATE "C" NOT NULL,
    episode_id   text COLLATE "C" NOT NULL,
    channel_id   text COLLATE "C" NOT NULL,
    nonce        text COLLATE "C" NOT NULL,
    intended_at  timestamptz NOT NULL,
    message_id   text COLLATE "C",
    sent_at      timestamptz,
    PRIMARY KEY (guild_id, podcast_id, episode_id)
  );
  CREATE INDEX announcements_pending ON announcements (intended_at) WHERE message_id IS NULL;
  `,
  // 2 (as SQLite's 2): why a feed was paused besides failing (too many new episodes a day) and when it was last
  // resumed; failed posts and publishes keep their reason, attempts and next try instead of being dropped or retried
  // forever.
  `
  ALTER TABLE feed_state
    ADD COLUMN pause_reason  text COLLATE "C",
    ADD COLUMN resumed_at    timestamptz;

  ALTER TABLE announcements
    ADD COLUMN attempts          integer NOT NULL DEFAULT 0,
    ADD COLUMN last_attempt_at   timestamptz,
    ADD COLUMN next_attempt_at   timestamptz,
    ADD COLUMN last_error        text COLLATE "C",
    ADD COLUMN failed_at         timestamptz,
    -- NULL: nothing to publish; else 'pending', 'done' or 'failed'.
    ADD COLUMN publish_status    text COLLATE "C",
    ADD COLUMN publish_attempts  integer NOT NULL DEFAULT 0,
    ADD COLUMN publish_next_at   timestamptz,
    ADD COLUMN publish_error     text COLLATE "C";
  DROP INDEX announcements_pending;
  CREATE INDEX announcements_pending ON announcements (intended_at) WHERE message_id IS NULL AND failed_at IS NULL;
  CREATE INDEX announcements_unpublished ON announcements (publish_next_at) WHERE publish_status = 'pending';
  `,
  // Version 3: a private feed's HTTP Basic credentials, apart from its URL (the identity that is shown and logged).
  `
  CREATE TABLE feed_credentials (
    url       text COLLATE "C" PRIMARY KEY,
    username  text COLLATE "C" NOT NULL,
    password  text COLLATE "C" NOT NULL
  );
  `,
  // 4 (as SQLite's 4): several processes on one database. A feed due for a check and a post to make are leased to
  // one process at a time (owner and expiry), and a feed whose new episodes were saved owes their announcements
  // until a pass wrote them; the registry of running processes (shares of the rate budget, dead
  // ones found); what workers read of Discord over REST (channels, guild locales); a guild's announcements paused on
  // a lost channel.
  `
  ALTER TABLE feed_state
    ADD COLUMN lease_owner  text COLLATE "C",
    ADD COLUMN lease_until  timestamptz,
    ADD COLUMN announce_owed_since  timestamptz;
  CREATE INDEX feed_state_owed ON feed_state (announce_owed_since) WHERE announce_owed_since IS NOT NULL;
  CREATE INDEX feed_state_leased ON feed_state (lease_owner) WHERE lease_owner IS NOT NULL;

  ALTER TABLE announcements
    ADD COLUMN claim_owner  text COLLATE "C",
    ADD COLUMN claim_until  timestamptz;
  CREATE INDEX announcements_claimed ON announcements (claim_owner) WHERE claim_owner IS NOT NULL;

  CREATE TABLE processes (
    id          text COLLATE "C" PRIMARY KEY,
    role        text COLLATE "C" NOT NULL,
    host        text COLLATE "C" NOT NULL,
    pid         integer NOT NULL,
    started_at  timestamptz NOT NULL,
    last_seen   timestamptz NOT NULL
  );

  CREATE TABLE channel_info (
    channel_id  text COLLATE "C" PRIMARY KEY,
    guild_id    text COLLATE "C" NOT NULL,
    kind        text COLLATE "C" NOT NULL,
    tags        text COLLATE "C" NOT NULL,
    fetched_at  timestamptz NOT NULL
  );
  CREATE INDEX channel_info_by_guild ON channel_info (guild_id);

  CREATE TABLE guild_info (
    guild_id    text COLLATE "C" PRIMARY KEY,
    locale      text COLLATE "C" NOT NULL,
    fetched_at  timestamptz NOT NULL
  );

  CREATE TABLE guild_pauses (
    guild_id    text COLLATE "C" PRIMARY KEY,
    reason      text COLLATE "C" NOT NULL,
    channel_id  text COLLATE "C" NOT NULL,
    paused_at   timestamptz NOT NULL
  );
  `,
  // 5 (as SQLite's 5): a discussion thread per announcement, owed from the post on like publishing.
  `
  ALTER TABLE announcement_settings ADD COLUMN thread boolean NOT NULL DEFAULT false;

  ALTER TABLE announcements
    ADD COLUMN thread_status    text COLLATE "C",
    ADD COLUMN thread_id        text COLLATE "C",
    ADD COLUMN thread_attempts  integer NOT NULL DEFAULT 0,
    ADD COLUMN thread_next_at   timestamptz,
    ADD COLUMN thread_error     text COLLATE "C";
  CREATE INDEX announcements_threads_owed ON announcements (thread_next_at) WHERE thread_status = 'pending';
  `,
  // 6 (as SQLite's 6): live shows, their scheduled events and "live now" posts, an outbox like the ledger.
  `
  CREATE TABLE live_shows (
    guild_id           text COLLATE "C" NOT NULL,
    podcast_id         text COLLATE "C" NOT NULL,
    live_id            text COLLATE "C" NOT NULL,
    channel_id         text COLLATE "C" NOT NULL,
    nonce              text COLLATE "C" NOT NULL,
    created_at         timestamptz NOT NULL,
    event_id           text COLLATE "C",
    event_state        text COLLATE "C",
    live_message_id    text COLLATE "C",
    live_attempted_at  timestamptz,
    attempts           integer NOT NULL DEFAULT 0,
    next_attempt_at    timestamptz,
    last_error         text COLLATE "C",
    failed_step        text COLLATE "C",
    failed_at          timestamptz,
    claim_owner        text COLLATE "C",
    claim_until        timestamptz,
    PRIMARY KEY (guild_id, podcast_id, live_id)
  );
  `,
  // 7 (as SQLite's 7): episodes keep their guests, hosts and soundbites (podcast:person, podcast:soundbite) in their
  // JSON, beside chapters and notes. Feeds stored before only gain them when read whole again: their validators are
  // dropped, so the next check is a full GET instead of a 304.
  `
  UPDATE feed_state SET etag = NULL, last_modified = NULL WHERE etag IS NOT NULL OR last_modified IS NOT NULL;
  `,
  // 8 (as SQLite's 8): a cheap poll. No index on the lease owner (every lease and every check wrote it; endProcess
  // alone reads by owner, and scans), so a lease changes no indexed column, and room left on feed_state's pages: a
  // lease taken or renewed is then a heap-only update, a few bytes of WAL without a new index entry.
  `
  DROP INDEX feed_state_leased;
  ALTER TABLE feed_state SET (fillfactor = 70);
  `,
  // 9 (as SQLite's 9): a cached chapters source's validators, when its episode appeared, when to check it again.
  `
  ALTER TABLE chapters_cache ADD COLUMN etag text COLLATE "C";
  ALTER TABLE chapters_cache ADD COLUMN last_modified text COLLATE "C";
  ALTER TABLE chapters_cache ADD COLUMN appeared_at timestamptz;
  ALTER TABLE chapters_cache ADD COLUMN recheck_at timestamptz;
  CREATE INDEX chapters_cache_recheck ON chapters_cache (recheck_at) WHERE recheck_at IS NOT NULL;
  `,
  // 10 (SQLite's 10 splits feed_state into the wide row, the check times and the leases): nothing here. PostgreSQL
  // writes a 304 as a new version of the row (and its index entries), not as whole pages, and is under 1 KB a feed as
  // it is; the number is kept so both dialects count the same versions (db:copy needs both at the same one).
  `
  SELECT 1;
  `,
  // 11 (SQLite's 11 changes nothing: there the topic index is a file beside the database): the topic index the
  // workers build, for every process to load instead of analysing every passage (PostgresTopicIndex.ts). Each
  // generation is a header row and its body in chunks (one bytea value holds at most 1 GB, and a million episodes'
  // index is more), written in one transaction: a reader sees a whole generation or the one before. The chunks are
  // stored uncompressed (EXTERNAL): the index is mostly numbers and stems that compress little, and compressing a
  // gigabyte on every save costs seconds of the server's CPU. One row holds the lease of the process that builds it.
  `
  CREATE TABLE topic_index_generations (
    generation   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    format       integer NOT NULL,
    versions     text COLLATE "C" NOT NULL,
    body_length  bigint NOT NULL,
    crc32        bigint NOT NULL,
    written_at   timestamptz NOT NULL
  );
  CREATE TABLE topic_index_chunks (
    generation  bigint NOT NULL REFERENCES topic_index_generations (generation) ON DELETE CASCADE,
    seq         integer NOT NULL,
    bytes       bytea NOT NULL,
    PRIMARY KEY (generation, seq)
  );
  ALTER TABLE topic_index_chunks ALTER COLUMN bytes SET STORAGE EXTERNAL;
  CREATE TABLE topic_index_builder (
    singleton    boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    lease_owner  text COLLATE "C",
    lease_until  timestamptz
  );
  INSERT INTO topic_index_builder DEFAULT VALUES;
  `,
  // 12 (as SQLite's 12): the episode number as a column, so reading the catalogue takes it without parsing each row's
  // JSON (data::json on every episode was most of that read's time on the server). Taken from the JSON where it is a
  // whole number that fits the column (every feed's does: buildEpisode reads at most 9 digits); else NULL. Adding a
  // column without a default rewrites nothing; the UPDATE writes a new version of each numbered row (a data big
  // enough to be kept apart in TOAST is not copied).
  `
  ALTER TABLE episodes ADD COLUMN episode_number integer;
  -- Only rows whose JSON has the key are rewritten (a cheap test before parsing; inside a JSON string a quote is \\").
  UPDATE episodes SET episode_number = (
      SELECT CASE WHEN n = trunc(n) AND n BETWEEN -2147483648 AND 2147483647 THEN n::integer END
      FROM (SELECT CASE WHEN json_typeof(j) = 'number' THEN (j #>> '{}')::numeric END AS n
            FROM (SELECT data::json -> 'episodeNumber' AS j) AS parsed) AS typed)
    WHERE data LIKE '%"episodeNumber":%';
  `,
];
