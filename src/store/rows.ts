import { z } from 'zod';
import type { EpisodeSummary } from '../data/catalog.js';
import { ChapterSchema, EpisodeSchema, type Episode } from '../data/model.js';
import type {
  Announcement,
  AnnouncementSettings,
  CachedChannel,
  CachedChannelKind,
  CachedChapters,
  CachedTranscript,
  CachedTranscriptSegment,
  FeedFetchState,
  Follow,
  GuildPause,
  LiveShow,
  ProcessRecord,
} from './Store.js';

/**
 * Rows as both stores read them, and their mapping to the Store's types: one place to change when a column is added.
 * The schemas have the same tables and columns; only the column types differ: SQLite keeps times as integer
 * milliseconds and flags as 0/1, PostgreSQL as timestamptz (a Date from node-postgres) and boolean.
 */

/** A time column: SQLite's integer milliseconds or PostgreSQL's timestamptz. */
export type TimeColumn = number | Date;
/** A flag column: SQLite's 0/1 or PostgreSQL's boolean. */
export type FlagColumn = number | boolean;

export const date = (value: TimeColumn): Date => (value instanceof Date ? value : new Date(value));
export const flag = (value: FlagColumn): boolean => value === true || value === 1;

/** An optional property when the column holds a value, nothing when it is NULL. */
export function opt<K extends string, V, T>(key: K, value: V | null, map: (v: V) => T): { [P in K]?: T } {
  return (value === null ? {} : { [key]: map(value) }) as { [P in K]?: T };
}
export const same = <V>(v: V): V => v;

export interface FeedStateRow {
  url: string;
  etag: string | null;
  last_modified: string | null;
  last_checked_at: TimeColumn | null;
  next_check_at: TimeColumn | null;
  last_error: string | null;
  consecutive_failures: number;
  paused: FlagColumn;
  paused_notice_sent: FlagColumn;
  pause_reason: string | null;
  resumed_at: TimeColumn | null;
}

export interface AnnouncementRow {
  guild_id: string;
  podcast_id: string;
  episode_id: string;
  channel_id: string;
  nonce: string;
  intended_at: TimeColumn;
  message_id: string | null;
  sent_at: TimeColumn | null;
  attempts: number;
  last_attempt_at: TimeColumn | null;
  next_attempt_at: TimeColumn | null;
  last_error: string | null;
  failed_at: TimeColumn | null;
  publish_status: string | null;
  publish_attempts: number;
  publish_next_at: TimeColumn | null;
  publish_error: string | null;
  thread_status: string | null;
  thread_id: string | null;
  thread_attempts: number;
  thread_next_at: TimeColumn | null;
  thread_error: string | null;
}

export interface SettingsRow {
  channel_id: string;
  role_id: string | null;
  publish: FlagColumn;
  enabled: FlagColumn;
  thread: FlagColumn;
}

export interface FollowRow {
  guild_id: string;
  feed_url: string;
  followed_at: TimeColumn;
}

export interface ChaptersRow {
  source_url: string;
  chapters: string;
  fetched_at: TimeColumn;
  etag: string | null;
  last_modified: string | null;
  appeared_at: TimeColumn | null;
  recheck_at: TimeColumn | null;
}

/** The columns a ChaptersRow is read from. */
export const CHAPTERS_COLUMNS = 'source_url, chapters, fetched_at, etag, last_modified, appeared_at, recheck_at';

export interface TranscriptRow {
  source_url: string;
  type: string;
  language: string | null;
  segments: string;
  fetched_at: TimeColumn;
}

export interface ProcessRow {
  id: string;
  role: string;
  host: string;
  pid: number;
  started_at: TimeColumn;
  last_seen: TimeColumn;
}

export interface ChannelInfoRow {
  guild_id: string;
  kind: string;
  tags: string;
  fetched_at: TimeColumn;
}

export interface GuildPauseRow {
  reason: string;
  channel_id: string;
  paused_at: TimeColumn;
}

export const SegmentsSchema = z.array(
  z.object({
    startSeconds: z.number(),
    endSeconds: z.number().optional(),
    speaker: z.string().optional(),
    text: z.string(),
  }),
);

export const ChaptersSchema = z.array(ChapterSchema);

export function toFeedState(row: FeedStateRow): FeedFetchState {
  return {
    url: row.url,
    ...opt('etag', row.etag, same),
    ...opt('lastModified', row.last_modified, same),
    ...opt('lastCheckedAt', row.last_checked_at, date),
    ...opt('nextCheckAt', row.next_check_at, date),
    ...opt('lastError', row.last_error, same),
    consecutiveFailures: row.consecutive_failures,
    paused: flag(row.paused),
    ...opt('pauseReason', row.pause_reason, same),
    pausedNoticeSent: flag(row.paused_notice_sent),
    ...opt('resumedAt', row.resumed_at, date),
  };
}

export function toAnnouncement(row: AnnouncementRow): Announcement {
  return {
    guildId: row.guild_id,
    podcastId: row.podcast_id,
    episodeId: row.episode_id,
    channelId: row.channel_id,
    nonce: row.nonce,
    intendedAt: date(row.intended_at),
    ...opt('messageId', row.message_id, same),
    ...opt('sentAt', row.sent_at, date),
    attempts: row.attempts,
    ...opt('lastAttemptAt', row.last_attempt_at, date),
    ...opt('nextAttemptAt', row.next_attempt_at, date),
    ...opt('lastError', row.last_error, same),
    ...opt('failedAt', row.failed_at, date),
    ...(isPublishStatus(row.publish_status) && {
      publish: {
        status: row.publish_status,
        attempts: row.publish_attempts,
        ...opt('nextAttemptAt', row.publish_next_at, date),
        ...opt('lastError', row.publish_error, same),
      },
    }),
    ...(isPublishStatus(row.thread_status) && {
      thread: {
        status: row.thread_status,
        attempts: row.thread_attempts,
        ...opt('threadId', row.thread_id, same),
        ...opt('nextAttemptAt', row.thread_next_at, date),
        ...opt('lastError', row.thread_error, same),
      },
    }),
  };
}

function isPublishStatus(value: string | null): value is 'pending' | 'done' | 'failed' {
  return value === 'pending' || value === 'done' || value === 'failed';
}

export function toSettings(row: SettingsRow): AnnouncementSettings {
  return {
    channelId: row.channel_id,
    ...opt('roleId', row.role_id, same),
    publish: flag(row.publish),
    enabled: flag(row.enabled),
    ...(flag(row.thread) && { thread: true }),
  };
}

export function toFollow(row: FollowRow): Follow {
  return { guildId: row.guild_id, feedUrl: row.feed_url, followedAt: date(row.followed_at) };
}

export function toCachedChapters(row: ChaptersRow, episodeId: string): CachedChapters {
  return {
    sourceUrl: row.source_url,
    chapters: parseStored(ChaptersSchema, row.chapters, `chapters of ${episodeId}`),
    fetchedAt: date(row.fetched_at),
    ...(row.etag !== null && { etag: row.etag }),
    ...(row.last_modified !== null && { lastModified: row.last_modified }),
    ...(row.appeared_at !== null && { appearedAt: date(row.appeared_at) }),
    ...(row.recheck_at !== null && { recheckAt: date(row.recheck_at) }),
  };
}

export function toCachedTranscript(row: TranscriptRow, episodeId: string): CachedTranscript {
  return {
    sourceUrl: row.source_url,
    type: row.type,
    ...opt('language', row.language, same),
    // zod types optional keys as `?: T | undefined` but never adds a key that was absent.
    segments: parseStored(SegmentsSchema, row.segments, `transcript of ${episodeId}`) as CachedTranscriptSegment[],
    fetchedAt: date(row.fetched_at),
  };
}

export function toProcess(row: ProcessRow): ProcessRecord {
  return { id: row.id, role: row.role, host: row.host, pid: row.pid, startedAt: date(row.started_at), lastSeen: date(row.last_seen) };
}

const ChannelTagsSchema = z.array(z.object({ id: z.string(), name: z.string() }));
const CHANNEL_KINDS: readonly string[] = ['text', 'news', 'forum'] satisfies CachedChannelKind[];

/** Undefined for a row of a kind this build does not know (written by a newer one): asked of Discord again. */
export function toCachedChannel(row: ChannelInfoRow, channelId: string): CachedChannel | undefined {
  if (!CHANNEL_KINDS.includes(row.kind)) return undefined;
  return {
    guildId: row.guild_id,
    kind: row.kind as CachedChannelKind,
    tags: parseStored(ChannelTagsSchema, row.tags, `tags of channel ${channelId}`),
    fetchedAt: date(row.fetched_at),
  };
}

export interface LiveShowRow {
  guild_id: string;
  podcast_id: string;
  live_id: string;
  channel_id: string;
  nonce: string;
  created_at: TimeColumn;
  event_id: string | null;
  event_state: string | null;
  live_message_id: string | null;
  live_attempted_at: TimeColumn | null;
  attempts: number;
  next_attempt_at: TimeColumn | null;
  last_error: string | null;
  failed_step: string | null;
  failed_at: TimeColumn | null;
}

const EVENT_STATES = new Set(['creating', 'scheduled', 'active', 'ended']);

export function toLiveShow(row: LiveShowRow): LiveShow {
  return {
    guildId: row.guild_id,
    podcastId: row.podcast_id,
    liveId: row.live_id,
    channelId: row.channel_id,
    nonce: row.nonce,
    createdAt: date(row.created_at),
    ...opt('eventId', row.event_id, same),
    ...(row.event_state !== null && EVENT_STATES.has(row.event_state) && { eventState: row.event_state as NonNullable<LiveShow['eventState']> }),
    ...opt('liveMessageId', row.live_message_id, same),
    ...opt('liveAttemptedAt', row.live_attempted_at, date),
    attempts: row.attempts,
    ...opt('nextAttemptAt', row.next_attempt_at, date),
    ...opt('lastError', row.last_error, same),
    ...((row.failed_step === 'event' || row.failed_step === 'post') && { failedStep: row.failed_step }),
    ...opt('failedAt', row.failed_at, date),
  };
}

export function toGuildPause(row: GuildPauseRow): GuildPause {
  return { reason: row.reason, channelId: row.channel_id, at: date(row.paused_at) };
}

/** An episode's summary columns, as SQLite's store selects them for loadCatalogPage. */
export interface EpisodeSummaryRow {
  podcast_id: string;
  id: string;
  title: string;
  published_at: string | null;
  episode_number: number | null;
}

/** The summary of a row savePodcast wrote (validated then, so not parsed again here). */
export function toEpisodeSummary(row: EpisodeSummaryRow): EpisodeSummary {
  return episodeSummary(row.id, row.title, row.published_at, row.episode_number);
}

/** An episode's summary from its columns (episodes.title, published_at, episode_number), as both stores read them. */
export function episodeSummary(id: string, title: string, publishedAt: string | null, episodeNumber: number | null): EpisodeSummary {
  const out: EpisodeSummary = { id, title };
  if (publishedAt !== null) out.publishedAt = publishedAt;
  if (episodeNumber !== null) out.episodeNumber = episodeNumber;
  return out;
}

/** The smallest and largest episode number the column holds (PostgreSQL's integer; SQLite keeps the same ones). */
const COLUMN_MIN = -(2 ** 31);
const COLUMN_MAX = 2 ** 31 - 1;

/**
 * An episode's episode_number column (migration 12): its number, which the catalogue reads from there. A number the
 * column cannot hold (none from a feed: buildEpisode reads at most 9 digits) stays in the JSON alone, as the
 * migration leaves it.
 */
export function episodeNumberColumn(episode: Episode): number | null {
  const n = episode.episodeNumber;
  return n !== undefined && Number.isInteger(n) && n >= COLUMN_MIN && n <= COLUMN_MAX ? n : null;
}

/** (feed URL, guild id) rows, in feed URL order, as feed URL -> guild ids (allFollowers). */
export function groupFollowers(rows: readonly (readonly [string, string])[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [feedUrl, guildId] of rows) {
    const list = out.get(feedUrl);
    if (list === undefined) out.set(feedUrl, [guildId]);
    else list.push(guildId);
  }
  return out;
}

/** The episodes to save: each id once (its first occurrence in the feed's order), validated. */
export function uniqueEpisodes(episodes: readonly Episode[]): Episode[] {
  const unique = new Map<string, Episode>();
  for (const episode of episodes) if (!unique.has(episode.id)) unique.set(episode.id, EpisodeSchema.parse(episode));
  return [...unique.values()];
}

export function parseStored<T>(schema: z.ZodType<T>, json: string, what: string): T {
  const parsed = schema.safeParse(JSON.parse(json));
  if (!parsed.success) throw new Error(`The stored ${what} does not match the current model: ${parsed.error.message}`);
  return parsed.data;
}

/**
 * Tables whose rows belong to a podcast id and move with it on a rename, each with the rest of its primary key (a
 * moved row is dropped where the new id already has one with the same rest).
 */
export const PODCAST_KEYED_TABLES = {
  seen_episodes: ['guild_id', 'episode_id'],
  announcements: ['guild_id', 'episode_id'],
  announcement_settings: ['guild_id'],
  live_shows: ['guild_id', 'live_id'],
  chapters_cache: ['episode_id'],
  transcripts_cache: ['episode_id'],
} as const satisfies Record<string, readonly string[]>;
