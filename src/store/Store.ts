import type { FeedCredentials } from '../data/feedCredentials.js';
import type { EpisodeSummary } from '../data/catalog.js';
import type { Chapter, Episode, Podcast } from '../data/model.js';
import type { ChangeListener, ChangeSubscription, SubscribeOptions } from './ChangeFeed.js';

/**
 * Everything Podcord keeps across restarts. Methods return promises so that a PostgreSQL implementation can fill the
 * same interface; the SQLite one (SqliteStore) does its work synchronously inside them. Times are `Date`s.
 *
 * Identity: a podcast's id is its feed URL (after permanent redirects), so "feed URL" and "podcast id" name the same
 * thing for fetched feeds; follows and fetch state are keyed by feed URL, episodes and announcements by podcast id.
 */
export interface Store {
  // ---- catalogue -------------------------------------------------------------------------------------------------
  /**
   * Upserts the podcast and makes its stored episodes exactly `episodes`, in that order (newest first, as parsed), in
   * one transaction. Idempotent. Episodes that left the feed are removed from the catalogue; what was announced or
   * cached for them (ledger, chapters, transcripts) is kept. With `backCatalogue` (a feed's first save), every episode
   * is also marked seen for every guild following the feed, in the same transaction: a process that reads the episodes
   * (another's announce pass) never finds them unseen, nor does anyone after a crash between two writes.
   */
  savePodcast(podcast: Podcast, episodes: readonly Episode[], options?: { backCatalogue?: boolean }): Promise<void>;
  /** Every stored podcast with its episodes in saved order, for a restart that does not refetch. */
  loadCatalog(): Promise<CatalogEntry[]>;
  /** One stored podcast with its episodes in saved order (as loadCatalog has it), or undefined: to reload it alone. */
  loadPodcast(podcastId: string): Promise<CatalogEntry | undefined>;
  /**
   * Up to `limit` podcasts whose id sorts after `after` (all from the first when undefined), in id order, each with
   * the summaries of its episodes in saved order: what the catalogue keeps, read without parsing each episode's
   * JSON in JavaScript, a page at a time so a start can serve between pages. Each podcast is read in one snapshot.
   */
  loadCatalogPage(after: string | undefined, limit: number): Promise<CatalogSummaryEntry[]>;
  /**
   * The same for these podcasts (those it holds, in id order): a start that restored the catalogue from the saved
   * topic index reads only the podcasts saved since.
   */
  loadCatalogSummaries(podcastIds: readonly string[]): Promise<CatalogSummaryEntry[]>;
  /**
   * Every stored podcast's version: when it was last saved (ms). A topic index saved with these versions holds
   * exactly what the store held then; a podcast whose version differs at the next start is indexed again.
   */
  catalogVersions(): Promise<Map<string, number>>;
  /** The stored episodes of a podcast among `episodeIds`, in saved order (ids it does not hold are left out). */
  loadEpisodes(podcastId: string, episodeIds: readonly string[]): Promise<Episode[]>;
  /** Ids of the stored episodes of a podcast, in saved order; empty when the podcast is unknown. */
  getEpisodeIds(podcastId: string): Promise<string[]>;
  /** Removes a podcast and its episodes (not its ledger). Returns whether it existed. */
  deletePodcast(podcastId: string): Promise<boolean>;

  // ---- caches of fetched side files --------------------------------------------------------------------------------
  saveChapters(podcastId: string, episodeId: string, chapters: CachedChapters): Promise<void>;
  getChapters(podcastId: string, episodeId: string): Promise<CachedChapters | undefined>;
  /** Cached chapters whose `recheckAt` has come, soonest first, at most `limit`. */
  dueChapterRechecks(now: Date, limit: number): Promise<DueChapterRecheck[]>;
  /**
   * Takes a due re-check for this process: moves its `recheckAt` from `due` to `next` (none: no more re-checks) only if
   * it is still `due`, so of processes sharing the store exactly one makes each re-check. Returns whether it did.
   */
  claimChapterRecheck(podcastId: string, episodeId: string, due: Date, next: Date | undefined): Promise<boolean>;
  saveTranscript(podcastId: string, episodeId: string, transcript: CachedTranscript): Promise<void>;
  getTranscript(podcastId: string, episodeId: string): Promise<CachedTranscript | undefined>;

  // ---- feed fetch state --------------------------------------------------------------------------------------------
  /** Starts polling a feed (due at once). Idempotent: existing state is kept. */
  trackFeed(url: string): Promise<void>;
  /** Stops polling a feed: its fetch state and credentials are dropped. */
  untrackFeed(url: string): Promise<void>;
  /**
   * The `user:password` a feed behind HTTP Basic auth is fetched with, kept apart from its URL (the feed's identity,
   * which is shown and logged). Undefined when it has none.
   */
  getFeedCredentials(url: string): Promise<FeedCredentials | undefined>;
  /** Sets a feed's credentials, or removes them (undefined). */
  setFeedCredentials(url: string, credentials: FeedCredentials | undefined): Promise<void>;
  getFetchState(url: string): Promise<FeedFetchState | undefined>;
  /**
   * A fetch worked (200 or 304): failures reset, unpaused (unless paused with a reason by pauseFeed: a feed that works
   * but floods stays paused). Absent validators are kept, `null` clears one.
   */
  recordFetchSuccess(url: string, success: FetchSuccess): Promise<FeedFetchState>;
  /**
   * Feeds that answered 304 Not Modified, recorded together as recordFetchSuccess records each (a validator the 304
   * did not repeat is kept), each with its own check times: one write for many checks, so a 304 costs a few bytes of
   * the database's log rather than its own transaction. Feeds not tracked are left alone.
   */
  recordNotModified(checks: readonly NotModified[]): Promise<void>;
  /** A fetch failed: consecutiveFailures + 1, lastError set, paused when `pause`. */
  recordFetchFailure(url: string, failure: FetchFailure): Promise<FeedFetchState>;
  /** The paused notice was posted: do not post it again until the feed is resumed. */
  markPausedNoticeSent(url: string): Promise<void>;
  /**
   * Pauses a feed that fetches fine but cannot be trusted (it announced too much), with the reason /feed list shows.
   * Returns the state (pausedNoticeSent says whether the notice is still owed), undefined for an untracked feed.
   */
  pauseFeed(url: string, reason: string): Promise<FeedFetchState | undefined>;
  /** Unpauses a feed and makes it due at once; failures and the pause reason reset, resumedAt = `now`. */
  resumeFeed(url: string, now?: Date): Promise<void>;
  /**
   * Tracked, unpaused feeds whose next check is at or before `now` (or never scheduled) and that no process holds a
   * live lease on (see claimDueFeeds), most overdue first.
   */
  dueFeeds(now: Date): Promise<string[]>;
  /**
   * A feed moved permanently (301/308): every record of `oldUrl` (fetch state, follows, podcast and episodes, ledger,
   * settings overrides, caches) now belongs to `newUrl`. Where `newUrl` already has a record, that one wins.
   * The credentials of `oldUrl` are dropped, not moved: they were never sent to the new address either.
   */
  renameFeed(oldUrl: string, newUrl: string): Promise<void>;

  // ---- several processes on one database: feed leases, the process registry -----------------------------------
  /**
   * Takes up to `limit` due feeds (as dueFeeds) for `owner` until `lease.until`, most overdue first: no other process
   * is given them while the lease lives, so each due feed is checked by one process at a time. recordFetchSuccess,
   * recordNotModified and recordFetchFailure end the lease; releaseFeed gives it back unused; an owner that stops
   * renewing loses it when it expires, and the feed is due for any process again.
   */
  claimDueFeeds(lease: Lease, now: Date, limit: number): Promise<string[]>;
  /**
   * New episodes of a feed are about to be saved: their announcements are owed until an announce pass over the feed
   * has written their intents (settleAnnouncements). A process that dies in between leaves the mark, and another one
   * runs the pass (feedsOwedAnnouncements). An earlier mark is kept.
   */
  oweAnnouncements(url: string, since: Date): Promise<void>;
  /** Feeds whose announcements are owed since `olderThan` or before: the pass that should have run did not finish. */
  feedsOwedAnnouncements(olderThan: Date): Promise<string[]>;
  /** A pass that started at `passStartedAt` wrote every intent owed up to then: the mark goes unless it is newer. */
  settleAnnouncements(url: string, passStartedAt: Date): Promise<void>;
  /** Gives a feed's lease back without a result (the check was abandoned): due again at once for anyone. */
  releaseFeed(url: string, owner: string): Promise<void>;
  /** Extends the leases `owner` still holds among these feeds and announcements; lost ones are left alone. */
  renewLeases(lease: Lease, held: { feeds: readonly string[]; announcements: readonly AnnouncementKey[] }): Promise<void>;
  /** A process's sign of life (upserted), for the others to know how many share the database and its rate budget. */
  heartbeat(process: ProcessRecord, now: Date): Promise<void>;
  /** Processes whose last heartbeat is at or after `since`, oldest first; `since` epoch 0 lists every row. */
  processes(since: Date): Promise<ProcessRecord[]>;
  /** A process ended (or was found dead): every feed lease and post claim it held is released, its row removed. */
  endProcess(id: string): Promise<void>;

  // ---- guild follows -----------------------------------------------------------------------------------------------
  /**
   * A guild follows a feed; `seenEpisodeIds` (the back catalogue) are recorded as already seen so nothing is announced
   * for them. Also tracks the feed. Returns false when the guild already followed it (the seen ids are still added).
   */
  follow(guildId: string, feedUrl: string, options: { seenEpisodeIds: readonly string[]; now?: Date }): Promise<boolean>;
  /** Returns whether the guild followed it. The guild's seen marks and settings override for it are dropped. */
  unfollow(guildId: string, feedUrl: string): Promise<boolean>;
  listFollows(guildId: string): Promise<Follow[]>;
  /** Guild ids following a feed. */
  followersOf(feedUrl: string): Promise<string[]>;
  /**
   * Every follow as feed URL -> guild ids (each list in guild id order), in one read: what a start needs of all of them
   * (GuildFollows.load), where a read per podcast is a round trip per podcast on PostgreSQL.
   */
  allFollowers(): Promise<Map<string, string[]>>;
  /** Records episodes as seen without announcing them (announcements off, or caught up by hand). */
  markSeen(guildId: string, podcastId: string, episodeIds: readonly string[]): Promise<void>;
  /**
   * The bot left a guild (kicked, or the guild deleted): its follows, settings, seen marks, announcement pause and
   * cached channel and locale are dropped, and so is its ledger, sent posts included: nothing of a server that
   * removed the bot is kept, and nothing old is reposted if it comes back (following again marks the back catalogue
   * seen). Returns what was dropped.
   */
  forgetGuild(guildId: string): Promise<{ follows: string[]; pendingPosts: number }>;

  // ---- announcement settings ---------------------------------------------------------------------------------------
  /** Sets the guild's default (no podcastId) or its override for one podcast. */
  setAnnouncementSettings(guildId: string, settings: AnnouncementSettings, podcastId?: string): Promise<void>;
  /** The row as stored: the guild default (no podcastId) or the override for one podcast. */
  getAnnouncementSettings(guildId: string, podcastId?: string): Promise<AnnouncementSettings | undefined>;
  /** Removes the guild default (no podcastId) or one override. Returns whether it existed. */
  clearAnnouncementSettings(guildId: string, podcastId?: string): Promise<boolean>;
  /** What applies to a podcast in a guild: its override, else the guild default, else undefined (not set up). */
  effectiveAnnouncementSettings(guildId: string, podcastId: string): Promise<AnnouncementSettings | undefined>;

  // ---- a guild's announcements paused: the bot lost its channel ---------------------------------------------------
  /**
   * Discord said the bot may not post in the guild's channel (Unknown Channel, Missing Access, Missing Permissions):
   * nothing more is tried for the guild (no post planned, no pending post claimed) until resumed. Returns false when
   * it was paused already (the first reason is kept).
   */
  pauseGuildAnnouncements(guildId: string, pause: GuildPause): Promise<boolean>;
  guildAnnouncementPause(guildId: string): Promise<GuildPause | undefined>;
  /**
   * A manager set the announcement channel again. The pause ends; unsent, unclaimed posts meant for the channel that
   * failed are dropped (Discord refused them there, so none was made: they are planned again for the channel now set,
   * as unannounced episodes), and the guild's other pending posts are due at once. Returns whether it was paused.
   */
  resumeGuildAnnouncements(guildId: string, now: Date): Promise<boolean>;

  // ---- what workers know of Discord without a gateway: channels and locales read over REST, with their age ---------
  saveChannelInfo(channelId: string, info: CachedChannel): Promise<void>;
  getChannelInfo(channelId: string): Promise<CachedChannel | undefined>;
  /** The channel failed (gone, or access lost): ask Discord again next time. */
  dropChannelInfo(channelId: string): Promise<void>;
  saveGuildLocale(guildId: string, locale: string, fetchedAt: Date): Promise<void>;
  getGuildLocale(guildId: string): Promise<{ locale: string; fetchedAt: Date } | undefined>;

  // ---- announcements ledger ----------------------------------------------------------------------------------------
  /**
   * Records the intent to announce an episode before posting, for exactly-once posting across crashes. Unique on
   * guild + podcast + episode: when a row exists already it is returned unchanged with `created: false` (its nonce is
   * the one the first attempt posted with, so a restart can look for that message before posting again).
   */
  recordIntent(
    guildId: string,
    podcastId: string,
    episodeId: string,
    channelId: string,
    nonce: string,
    now?: Date,
    claim?: Lease,
  ): Promise<{ created: boolean; announcement: Announcement }>;
  /**
   * The outbox: takes one pending post (unsent, not given up, due by `now`, its guild not paused) for `lease.owner`
   * when no other process holds a live claim on it. markSent, recordPostFailure and cancelIntent end the claim;
   * releaseIntent gives it back. Undefined when it is not there to take.
   */
  claimIntent(guildId: string, podcastId: string, episodeId: string, lease: Lease, now: Date): Promise<Announcement | undefined>;
  /** Takes up to `limit` pending posts as claimIntent does, oldest first: what a process reconciles. */
  claimPendingIntents(lease: Lease, now: Date, limit: number): Promise<Announcement[]>;
  /** Takes up to `limit` sent posts whose publishing is owed and due: markPublished and recordPublishFailure end it. */
  claimPendingPublishes(lease: Lease, now: Date, limit: number): Promise<Announcement[]>;
  /** Gives a claim back unused (a job dropped at stop); only the owner's claim is released. */
  releaseIntent(guildId: string, podcastId: string, episodeId: string, owner: string): Promise<void>;
  /**
   * The message was posted. With `publish`, publishing it (crossposting) is owed from now on, until markPublished or
   * a given-up publish failure; with `thread`, its discussion thread, until markThreadDone or a given-up thread
   * failure. Returns false when there is no intent to mark.
   */
  markSent(
    guildId: string,
    podcastId: string,
    episodeId: string,
    messageId: string,
    now?: Date,
    options?: { publish?: boolean; thread?: boolean },
  ): Promise<boolean>;
  /**
   * A post attempt failed: attempts + 1, the reason kept. With `retryAt` it is tried again then; without, it is given
   * up (failedAt set): never posted, never pending again, its reason still shown. Undefined when there is no such
   * unsent intent.
   */
  recordPostFailure(guildId: string, podcastId: string, episodeId: string, failure: DeliveryFailure): Promise<Announcement | undefined>;
  /** The post was published (crossposted). */
  markPublished(guildId: string, podcastId: string, episodeId: string): Promise<void>;
  /** Publishing failed: as recordPostFailure, for the publish. */
  recordPublishFailure(guildId: string, podcastId: string, episodeId: string, failure: DeliveryFailure): Promise<Announcement | undefined>;
  /** The post's thread exists (its id): what is left is the chapter list in it. The claim is kept. */
  markThreadStarted(guildId: string, podcastId: string, episodeId: string, threadId: string): Promise<void>;
  /** The thread and its chapter list are made: nothing more is owed for it. */
  markThreadDone(guildId: string, podcastId: string, episodeId: string): Promise<void>;
  /** Making the thread (or its chapter list) failed: as recordPostFailure, for the thread. */
  recordThreadFailure(guildId: string, podcastId: string, episodeId: string, failure: DeliveryFailure): Promise<Announcement | undefined>;
  /** Takes up to `limit` sent posts whose thread is owed and due, as claimPendingPublishes does. */
  claimPendingThreads(lease: Lease, now: Date, limit: number): Promise<Announcement[]>;
  /** Drops an intent that was never sent (the channel is gone, reconciliation found nothing and gave up). */
  cancelIntent(guildId: string, podcastId: string, episodeId: string): Promise<boolean>;
  /**
   * Intents neither sent nor given up, oldest first: to reconcile at start. With `dueBy`, only those whose next
   * attempt is due by then (or never failed).
   */
  pendingIntents(dueBy?: Date): Promise<Announcement[]>;
  /** Sent posts whose publishing is owed (due by `dueBy` when given), oldest first. */
  pendingPublishes(dueBy?: Date): Promise<Announcement[]>;
  /** Ledger rows of a guild and podcast (sent, pending or given up, summaries too) intended at or after `since`. */
  announcementsSince(guildId: string, podcastId: string, since: Date): Promise<number>;
  /**
   * A guild's announcements with a problem, latest attempt first: posts, publishes and threads still pending after a
   * failure, and those given up at or after `since`.
   */
  announcementIssues(guildId: string, since: Date): Promise<Announcement[]>;
  /** Whether the announcement was posted (an intent alone is not enough). */
  wasAnnounced(guildId: string, podcastId: string, episodeId: string): Promise<boolean>;
  getAnnouncement(guildId: string, podcastId: string, episodeId: string): Promise<Announcement | undefined>;
  /** Those of `episodeIds` neither seen nor in the ledger (sent or pending), in the order given. */
  unannouncedEpisodes(guildId: string, podcastId: string, episodeIds: readonly string[]): Promise<string[]>;

  // ---- live shows: a podcast:liveItem's scheduled event and "live now" post in each server ----------------------
  getLiveShow(key: LiveShowKey): Promise<LiveShow | undefined>;
  /**
   * The outbox for live shows: takes the server's row for a live item for `lease.owner`, writing it (with `channelId`
   * and `nonce`) when there is none. Undefined when another process holds a live claim on it. saveLiveShow records
   * progress and keeps the claim; releaseLiveShow ends it.
   */
  claimLiveShow(key: LiveShowKey, init: { channelId: string; nonce: string }, lease: Lease, now: Date): Promise<LiveShow | undefined>;
  /** Records a live show's progress (event, "live now" post, failures) as `show` has it; its claim is untouched. */
  saveLiveShow(show: LiveShow): Promise<void>;
  /** Gives a claim back; only the owner's claim is released. */
  releaseLiveShow(key: LiveShowKey, owner: string): Promise<void>;

  // ---- change feed -------------------------------------------------------------------------------------------------
  /**
   * Tells `listener` of every change to the catalogue and the follows committed from when this resolves, by this
   * process or another one on the same database (see ChangeFeed.ts), until the subscription or the store is closed.
   * Absent where no other process can write (SQLite: one process owns the file).
   */
  subscribe?(listener: ChangeListener, options?: SubscribeOptions): Promise<ChangeSubscription>;

  close(): Promise<void>;
}

export interface LiveShowKey {
  guildId: string;
  podcastId: string;
  /** The live item's id (LiveItem.id). */
  liveId: string;
}

/** What was done in one server for one live item (podcast:liveItem). */
export interface LiveShow extends LiveShowKey {
  /** Where "live now" is posted: the announcement channel when the row was written. */
  channelId: string;
  /** Sent with the "live now" post (enforce_nonce). */
  nonce: string;
  createdAt: Date;
  /** The guild scheduled event made for it. */
  eventId?: string;
  /** 'creating': asked for and the answer not recorded (it may exist: looked for before asking again). */
  eventState?: 'creating' | 'scheduled' | 'active' | 'ended';
  liveMessageId?: string;
  /** When "live now" was first tried: past Discord's nonce window, it is looked for before posting again. */
  liveAttemptedAt?: Date;
  /** Failed attempts of `failedStep` since its last success. */
  attempts: number;
  nextAttemptAt?: Date;
  lastError?: string;
  /** What failed: the event (making, starting, ending it) or the "live now" post; the other goes on meanwhile. */
  failedStep?: 'event' | 'post';
  /** Given up: nothing more of `failedStep` is tried for it. */
  failedAt?: Date;
}

/** A lease on a row (a feed to check, a post to make) held by one process until a time. */
export interface Lease {
  owner: string;
  until: Date;
}

export interface AnnouncementKey {
  guildId: string;
  podcastId: string;
  episodeId: string;
}

/** A running Podcord process, as the registry keeps it. */
export interface ProcessRecord {
  id: string;
  /** --role: 'all' or 'worker'. */
  role: string;
  /** The machine (and PID namespace) the process runs in, to tell a dead PID on the same machine. */
  host: string;
  pid: number;
  startedAt: Date;
  lastSeen: Date;
}

export interface GuildPause {
  /** Discord's reason, for /feed list. */
  reason: string;
  /** The channel Discord refused. */
  channelId: string;
  at: Date;
}

export type CachedChannelKind = 'text' | 'news' | 'forum';

export interface CachedChannel {
  guildId: string;
  kind: CachedChannelKind;
  tags: { id: string; name: string }[];
  fetchedAt: Date;
}

export interface CatalogEntry {
  podcast: Podcast;
  episodes: Episode[];
}

/** A podcast with what the catalogue keeps of its episodes (see loadCatalogPage). */
export interface CatalogSummaryEntry {
  podcast: Podcast;
  episodes: EpisodeSummary[];
  /** When it was last saved (ms): what a saved topic index is checked against (see catalogVersions). */
  version: number;
}

/**
 * Chapters fetched from `sourceUrl`: the episode's chaptersUrl (Podcasting 2.0 JSON), or its audioUrl (the ID3 tag at
 * the start of the enclosure). Kept even when empty, so a source is not fetched again at every poll.
 */
export interface CachedChapters {
  sourceUrl: string;
  chapters: Chapter[];
  fetchedAt: Date;
  /** The source's validators, for a conditional re-check. */
  etag?: string;
  lastModified?: string;
  /** When the episode's chapters were first fetched: its re-checks are counted from then. */
  appearedAt?: Date;
  /** When the source is to be fetched again (hosts fix chapters after release); absent: no more re-checks. */
  recheckAt?: Date;
}

export interface DueChapterRecheck {
  podcastId: string;
  episodeId: string;
  cached: CachedChapters & { recheckAt: Date };
}

/** One cue of a parsed transcript. */
export interface CachedTranscriptSegment {
  startSeconds: number;
  endSeconds?: number;
  speaker?: string;
  text: string;
}

export interface CachedTranscript {
  sourceUrl: string;
  /** MIME type it was parsed from. */
  type: string;
  language?: string;
  segments: CachedTranscriptSegment[];
  fetchedAt: Date;
}

export interface FeedFetchState {
  url: string;
  etag?: string;
  lastModified?: string;
  lastCheckedAt?: Date;
  /** Absent: never scheduled, due at once. */
  nextCheckAt?: Date;
  lastError?: string;
  consecutiveFailures: number;
  paused: boolean;
  /** Paused by pauseFeed (not by failures): why. */
  pauseReason?: string;
  pausedNoticeSent: boolean;
  /** When /feed add last resumed it: what it announced before does not count against it. */
  resumedAt?: Date;
}

export interface FetchSuccess {
  /** A string replaces the stored validator, `null` clears it, absent keeps it (a 304 need not repeat it). */
  etag?: string | null;
  lastModified?: string | null;
  checkedAt: Date;
  nextCheckAt: Date;
}

/** A feed that answered 304, with the validators the answer carried, when it was checked and when it is due again. */
export interface NotModified {
  url: string;
  etag?: string;
  lastModified?: string;
  checkedAt: Date;
  nextCheckAt: Date;
}

export interface FetchFailure {
  error: string;
  checkedAt: Date;
  /** When to try again (the caller's backoff from consecutiveFailures). */
  nextCheckAt: Date;
  /** Too many failures: stop polling until resumed. */
  pause: boolean;
}

export interface Follow {
  guildId: string;
  feedUrl: string;
  followedAt: Date;
}

export interface AnnouncementSettings {
  channelId: string;
  /** Role to mention. */
  roleId?: string;
  /** Crosspost (publish) when the channel is an announcement channel. */
  publish: boolean;
  enabled: boolean;
  /** A discussion thread on each post (a forum post is one), holding the chapter list. Absent: none. */
  thread?: boolean;
}

export interface Announcement {
  guildId: string;
  podcastId: string;
  episodeId: string;
  channelId: string;
  /** Sent as the message nonce (enforce_nonce) so a retried post cannot duplicate. */
  nonce: string;
  intendedAt: Date;
  messageId?: string;
  sentAt?: Date;
  /** Failed post attempts so far. */
  attempts: number;
  /** The latest failed attempt (of the post or its publishing). */
  lastAttemptAt?: Date;
  /** When a failed post is tried again. */
  nextAttemptAt?: Date;
  /** Why the latest post attempt failed. */
  lastError?: string;
  /** Given up: never posted, and not pending any more; lastError says why. */
  failedAt?: Date;
  /** Publishing (crossposting) a post made in an announcement channel; absent when none is owed. */
  publish?: PublishState;
  /** The discussion thread on the post and the chapter list in it; absent when none is wanted. */
  thread?: ThreadState;
}

export interface ThreadState {
  /** 'done': the thread exists and the chapter list is in it. */
  status: 'pending' | 'done' | 'failed';
  /** Failed attempts so far. */
  attempts: number;
  /** Set once the thread exists (the chapter list may still be owed). */
  threadId?: string;
  nextAttemptAt?: Date;
  lastError?: string;
}

export interface PublishState {
  status: 'pending' | 'done' | 'failed';
  /** Failed attempts so far. */
  attempts: number;
  nextAttemptAt?: Date;
  lastError?: string;
}

/** A post or publish attempt that failed. */
export interface DeliveryFailure {
  /** Why, for /feed list and the log. */
  error: string;
  at: Date;
  /** When to try again; absent: give up. */
  retryAt?: Date;
}
