import { createHash, randomBytes } from 'node:crypto';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { ThreadAutoArchiveDuration, type APIMessage } from 'discord-api-types/v10';
import { DiscordAPIError } from 'discord.js';
import type { Logger } from 'pino';
import { EVERY_PODCAST, type EpisodeRef } from '../data/catalog.js';
import type { Library } from '../data/library.js';
import { err, ok, type Result } from '../data/model.js';
import { encodeProblem, type PostProblem } from '../data/problems.js';
import { redactUrl } from '../data/redactUrl.js';
import { clip } from '../data/text/clip.js';
import type { AnnouncementChannelCheck, TestPostProblem } from '../commands/command.js';
import type { Metrics } from '../metrics.js';
import type { Announcement, AnnouncementKey, AnnouncementSettings, DeliveryFailure, FeedFetchState, Lease, Store } from '../store/Store.js';
import { StoreBusyError } from '../store/StoreBusyError.js';
import { catchUpPodcast } from '../store/catchUpPodcast.js';
import { capWindowStart, floodPauseReason, MAX_ANNOUNCEMENTS_PER_DAY, planPosts } from './announcementCap.js';
import {
  announcementMessage,
  catchUpSummaryMessage,
  floodNoticeMessage,
  forumPostName,
  pausedNoticeMessage,
  threadChaptersMessage,
  type AnnouncementBody,
} from '../messages/announcementMessage.js';
import type { AnnouncementTransport, ChannelInfo } from './announcementTransport.js';
import { missingPermissions, requiredPermissions } from './channelPermissions.js';
import { LiveShows } from './liveShows.js';
import { findEarlierPost } from './findEarlierPost.js';
import { classifyPostFailure, DEFAULT_RETRY_POLICY, lostChannel, nextRetry, type PostFailure, type RetryPolicy } from './postFailure.js';
import { describeProblem, storedProblemText } from '../messages/problemText.js';
import { stringsFor, type Strings } from '../messages/strings.js';

/**
 * Posts new episodes to each following guild's channel, exactly once.
 *
 * - Intent before send: the ledger row (with a fresh nonce) is written before the POST; the POST carries that nonce
 *   with `enforce_nonce`, so a retry (or a repost after a crash) returns the message already made instead of a second
 *   one; the row is marked sent after. Intents without a sent mark are reconciled at start and at every poll cycle:
 *   a recent one is simply reposted with its nonce; an old one (beyond Discord's nonce window) is first looked for
 *   in the channel from the time of its intent on (findEarlierPost; forum posts: among the guild's active threads).
 * - A post that fails is never dropped silently: its reason and attempts go to the ledger (/feed list shows them),
 *   and it is tried again after a backoff, a bounded number of times by kind of failure (postFailure.ts). Publishing
 *   (crossposting) in an announcement channel is owed in the ledger and retried the same way.
 * - Catch-up: oldest first, at most `maxPerFeed` posts per feed and guild in one pass; older ones are summarised in
 *   one message (and marked seen) so a channel is never flooded. At most `maxPerDay` posts per feed and guild in 24
 *   hours: past that the feed is paused with one notice (announcementCap.ts).
 * - One queue per channel with a minimum spacing between posts.
 * - Not set up or turned off: new episodes are marked seen, so turning announcements on later does not dump history.
 * - A ledger write that finds the database locked by another process runs its job again after a growing pause, in
 *   this process: the post is neither dropped until the next start nor made twice (the same nonce).
 * - Several processes on one database (roles all and worker): the ledger is their outbox. An intent is written
 *   claimed by the process that plans it, and a pending one is taken by one process at a time (Store.claimIntent,
 *   claimPendingIntents); a process that dies mid-post loses its claims when they expire (Heartbeat renews them while
 *   it lives) and another reconciles them as above, so nothing is doubled or missed. What another process saved since
 *   this one loaded the catalogue is read from the store before planning or posting (catchUpPodcast).
 * - With a thread per episode (/announce channel thread:true), the thread and its chapter list are owed in the ledger
 *   from the post on, like publishing, and made once (#startThread).
 * - Live shows (podcast:liveItem) go to the same servers and channels: scheduled events and "live now" (LiveShows).
 * - A lost channel (Unknown Channel, Missing Access, Missing Permissions) pauses the guild's announcements with
 *   Discord's reason (/feed list shows it) instead of trying again: nothing more is sent there, so a server that
 *   removed the bot's access costs one refused request, not a stream of them. /announce channel set again resumes.
 */

export interface AnnouncerOptions {
  store: Store;
  library: Library;
  log: Logger;
  transport: AnnouncementTransport;
  now?: () => Date;
  /** Minimum time between two posts in one channel. Default 1500 ms (Discord allows 5 per 5 s per channel). */
  spacingMs?: number;
  /** Posts per feed and guild in one pass; the older rest is summarised. Default 5. */
  maxPerFeed?: number;
  /** Intents older than this are looked for in the channel before reposting. Default 4 min (Discord keeps nonces a few minutes). */
  nonceWindowMs?: number;
  /** Posts per feed and guild in 24 hours before the feed is paused as broken. Default MAX_ANNOUNCEMENTS_PER_DAY. */
  maxPerDay?: number;
  /** When failed posts and publishes are tried again, and how often. Default DEFAULT_RETRY_POLICY. */
  retryPolicy?: RetryPolicy;
  /**
   * Who this announcer is among the processes sharing the store, and how long a post it takes stays its own unless
   * renewed (Heartbeat renews claimedPosts()). Default: a name of its own and DEFAULT_CLAIM_MS.
   */
  lease?: { owner: string; ms: number };
  /** Counts posts sent and failed, and ledger writes the database refused. */
  metrics?: Pick<Metrics, 'postSent' | 'postFailed' | 'storeError'>;
}

/** How long a post stays claimed by an announcer nobody renews it for. */
export const DEFAULT_CLAIM_MS = 60_000;
/** Pending posts (and publishes) one reconcile takes at most; the next cycle takes more. */
const RECONCILE_BATCH = 200;
/** How long the catch-up pass over every feed (announceAll) holds the event loop before it lets it turn. */
const ANNOUNCE_ALL_SLICE_MS = 8;

const SUMMARY_PREFIX = 'summary:';
/** Why a post for one guild never goes to a channel of another (a setting made before /announce channel checked). */
const ANOTHER_SERVER = describeProblem({ code: 'otherServer' });
const ALREADY_CROSSPOSTED = 40033;
/** "A thread has already been created for this message." */
const THREAD_ALREADY_CREATED = 160004;
/** Pauses before a job whose ledger write found the database busy runs again: doubling from the first to the last. */
const BUSY_RETRY_FIRST_MS = 1000;
const BUSY_RETRY_LONGEST_MS = 30_000;

type Job = () => Promise<void>;

export class Announcer {
  readonly #o: AnnouncerOptions;
  readonly #now: () => Date;
  /** guild|podcast|episode being handled now or queued: never queued twice. */
  readonly #claimed = new Set<string>();
  readonly #queues = new Map<string, Promise<void>>();
  readonly #lastPost = new Map<string, number>();
  readonly #feedPasses = new Map<string, Promise<void>>();
  /** Ledger rows this announcer holds a claim on (keyOf), queued or being posted. */
  readonly #holding = new Set<string>();
  /** Ledger rows with a job queued or running here (the job gives the claim back when done). */
  readonly #ledgerJobs = new Set<string>();
  readonly #lease: { owner: string; ms: number };
  /** Live shows (podcast:liveItem): scheduled events and "live now" posts in the same servers and channels. */
  readonly #live: LiveShows;
  #stopped = false;
  /** Ends the pauses of jobs waiting for a busy database, so stop() does not wait them out. */
  readonly #stopping = new AbortController();

  constructor(options: AnnouncerOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => new Date());
    this.#lease = options.lease ?? { owner: `announcer-${randomBytes(8).toString('hex')}`, ms: DEFAULT_CLAIM_MS };
    this.#live = new LiveShows({
      store: options.store,
      library: options.library,
      log: options.log,
      transport: options.transport,
      now: this.#now,
      claim: () => this.#claim(),
      ...(options.nonceWindowMs !== undefined && { nonceWindowMs: options.nonceWindowMs }),
      ...(options.retryPolicy !== undefined && { retryPolicy: options.retryPolicy }),
    });
  }

  /**
   * A podcast's live shows (podcast:liveItem) in every following server: events scheduled, started and ended, "live
   * now" posted, as their status says. Never throws.
   */
  async syncLiveShows(podcastId: string): Promise<void> {
    if (this.#stopped) return;
    await this.#live.syncPodcast(podcastId).catch((error: unknown) => this.#o.log.error({ err: error, podcast: podcastId }, 'live shows failed'));
  }

  /** The posts (ledger rows) this announcer holds claims on now, for the heartbeat to renew. */
  claimedPosts(): AnnouncementKey[] {
    return [...this.#holding].map((key) => {
      const [guildId = '', podcastId = '', episodeId = ''] = key.split('\n');
      return { guildId, podcastId, episodeId };
    });
  }

  /** A claim from now, for as long as a claim lasts. */
  #claim(): Lease {
    return { owner: this.#lease.owner, until: new Date(this.#now().getTime() + this.#lease.ms) };
  }

  /** Queues every episode of a podcast that a following guild has neither seen nor announced. */
  announceFeed(podcastId: string): Promise<void> {
    // One pass per podcast at a time; a pass asked for meanwhile runs after it (it may find more).
    const previous = this.#feedPasses.get(podcastId) ?? Promise.resolve();
    const pass = previous.then(() => this.#announceFeed(podcastId)).catch((error: unknown) => {
      this.#o.log.error({ err: error, podcast: podcastId }, 'announcing failed');
    });
    this.#feedPasses.set(podcastId, pass);
    void pass.finally(() => {
      if (this.#feedPasses.get(podcastId) === pass) this.#feedPasses.delete(podcastId);
    });
    return pass;
  }

  /**
   * Catch-up after downtime: every podcast in the library. The store's calls are synchronous on SQLite, so a pass over
   * every feed without a turn of the event loop held the answering thread for the whole catalogue (2-4 s at 10,000
   * feeds and a million episodes, right after a start: the first commands waited for it); it turns every few ms.
   */
  async announceAll(): Promise<void> {
    let sliceStart = performance.now();
    for (const podcast of this.#o.library.catalog.podcasts(EVERY_PODCAST)) {
      if (this.#stopped) return;
      await this.announceFeed(podcast.id);
      if (performance.now() - sliceStart >= ANNOUNCE_ALL_SLICE_MS) {
        await nextTurn();
        sliceStart = performance.now();
      }
    }
  }

  /**
   * Retries every intent that was recorded but never marked sent (a crash, a Discord outage, a refused post) and every
   * publish still owed, once its backoff has passed.
   */
  async reconcile(): Promise<void> {
    if (this.#stopped) return;
    const now = this.#now();
    // New episodes saved by a process that died before its announce pass wrote their intents: the pass runs here.
    for (const feedUrl of await this.#o.store.feedsOwedAnnouncements(new Date(now.getTime() - this.#lease.ms))) {
      this.#o.log.info({ feed: feedUrl }, 'announcing new episodes another process saved but did not announce');
      await this.announceFeed(feedUrl);
    }
    // Taken from the outbox: no other process works on these while this one holds them.
    for (const intent of await this.#o.store.claimPendingIntents(this.#claim(), now, RECONCILE_BATCH)) {
      const key = keyOf(intent.guildId, intent.podcastId, intent.episodeId);
      if (!this.#take(key)) continue;
      this.#enqueue(intent.channelId, key, () => this.#deliver(intent, { reconciling: true, ping: true }), key);
    }
    for (const sent of await this.#o.store.claimPendingPublishes(this.#claim(), now, RECONCILE_BATCH)) {
      const key = keyOf(sent.guildId, sent.podcastId, sent.episodeId);
      const messageId = sent.messageId;
      if (messageId === undefined) await this.#releaseClaim(key);
      else if (this.#take(key)) this.#enqueue(sent.channelId, key, () => this.#publish(sent, messageId), key);
    }
    // Threads owed on posts made (a crash or a failure between the post and its thread): made now, or found made.
    for (const sent of await this.#o.store.claimPendingThreads(this.#claim(), now, RECONCILE_BATCH)) {
      const key = keyOf(sent.guildId, sent.podcastId, sent.episodeId);
      const messageId = sent.messageId;
      if (messageId === undefined) await this.#releaseClaim(key);
      else if (this.#take(key)) this.#enqueue(sent.channelId, key, () => this.#startThread(sent, messageId), key);
    }
    // Live shows whose step is due (a retry, or what a process that died left): every podcast that has any.
    await this.#live.syncAll().catch((error: unknown) => this.#o.log.error({ err: error }, 'live shows failed'));
  }

  /**
   * A ledger row just claimed in the store, to queue here: false when this process has it in hand already (a job for
   * it queued or running, which keeps the claim and gives it back when done).
   */
  #take(key: string): boolean {
    this.#holding.add(key);
    if (this.#claimed.has(key)) {
      // Part of another job (a catch-up summary) but not its row: not this process's to hold.
      if (!this.#ledgerJobs.has(key)) void this.#releaseClaim(key);
      return false;
    }
    this.#claimed.add(key);
    return true;
  }

  /**
   * /announce channel was set again in a guild whose announcements were paused: the pause ends, and what is owed there
   * is posted (pending posts at once, episodes that came meanwhile as a catch-up). Returns whether it was paused.
   */
  async resumeGuild(guildId: string): Promise<boolean> {
    const { store, log } = this.#o;
    if (!(await store.resumeGuildAnnouncements(guildId, this.#now()))) return false;
    log.info({ guildId }, 'announcements resumed');
    void (async () => {
      await this.reconcile();
      for (const follow of await store.listFollows(guildId)) await this.announceFeed(follow.feedUrl);
    })().catch((error: unknown) => log.error({ err: error, guildId }, 'catching up a resumed guild failed'));
    return true;
  }

  /** Resolves when every queued post has been handled. */
  async idle(): Promise<void> {
    for (;;) {
      const pending = [...this.#feedPasses.values(), ...this.#queues.values()];
      if (pending.length === 0) return;
      await Promise.allSettled(pending);
    }
  }

  /** Lets the post in progress in each channel finish; drops the rest (they are still unannounced, so not lost). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#stopping.abort();
    await this.idle();
  }

  /** `/announce test`: the newest episode as it would be announced, marked as a test; not recorded in the ledger. */
  async postTest(guildId: string, ref: EpisodeRef, settings: AnnouncementSettings): Promise<Result<{ channelId: string }, TestPostProblem>> {
    const s = await this.#strings(guildId);
    let channel: ChannelInfo | undefined;
    try {
      channel = await this.#o.transport.channel(settings.channelId);
    } catch (error) {
      // The asker is told in their own language (announce.ts); Discord's own words are for the log.
      this.#o.log.warn({ err: error, guildId, channelId: settings.channelId, reason: describe(error) }, 'test announcement: channel not checked');
      return err('checkFailed');
    }
    if (!channel || channel.guildId !== guildId) return err('channelGone');
    const [detail] = await this.#o.library.details([ref]);
    if (!detail) return err('episodeGone');
    const message = announcementMessage(detail, s, { ...(settings.roleId !== undefined && { roleId: settings.roleId }), test: true });
    try {
      if (channel.kind === 'forum') {
        await this.#o.transport.startForumPost(settings.channelId, { name: forumPostName(detail, true), message, ...tagsFor(channel, detail.podcast.title) });
      } else {
        await this.#o.transport.send(settings.channelId, message);
      }
    } catch (error) {
      this.#o.log.warn({ err: error, guildId, channelId: settings.channelId, reason: describe(error) }, 'test announcement failed');
      return err('refused');
    }
    return ok({ channelId: settings.channelId });
  }

  /**
   * Whether a guild's announcements may go to a channel (for /announce channel, which may be sent any channel id):
   * one of that guild, of a kind that takes posts, that the bot can see, where it has every permission posting there
   * takes (with a thread per episode when `thread`).
   */
  async checkChannel(guildId: string, channelId: string, options: { thread: boolean }): Promise<AnnouncementChannelCheck> {
    const { transport } = this.#o;
    const channel = await transport.channel(channelId);
    if (channel === undefined) return 'unusable';
    if (channel.guildId !== guildId) return 'elsewhere';
    const permissions = await transport.botPermissions(channelId);
    if (permissions === undefined) return 'unusable';
    const missing = missingPermissions(permissions, requiredPermissions(channel.kind, options));
    if (missing.length > 0) return { missing };
    // Create Events is a server permission (overwrites grant it only in voice and stage channels): what the bot has
    // in a text, announcement or forum channel is what it has server-wide.
    return missingPermissions(permissions, ['CreateEvents']).length > 0 ? 'ok-no-events' : 'ok';
  }

  /** A feed was paused: one notice in each following guild's announcement channel. */
  async notifyPaused(feedUrl: string, state: FeedFetchState): Promise<void> {
    await this.#postPausedNotice(feedUrl, (title, s) => pausedNoticeMessage(title, state.consecutiveFailures, storedProblemText(state.lastError ?? '?', s), s));
  }

  /** One notice about a paused feed in each following guild's announcement channel, then never again until resumed. */
  async #postPausedNotice(feedUrl: string, messageFor: (title: string, s: Strings) => AnnouncementBody): Promise<void> {
    const { store, library, transport, log } = this.#o;
    const title = library.catalog.podcast(feedUrl)?.title ?? redactUrl(feedUrl);
    for (const guildId of await store.followersOf(feedUrl)) {
      const settings = await store.effectiveAnnouncementSettings(guildId, feedUrl);
      if (!settings?.enabled || (await store.guildAnnouncementPause(guildId))) continue;
      const channel = await transport.channel(settings.channelId).catch(() => undefined);
      if (!channel) continue;
      if (channel.guildId !== guildId) {
        log.warn({ guildId, feed: feedUrl, channelId: settings.channelId, reason: ANOTHER_SERVER }, 'paused notice not posted');
        continue;
      }
      const message = messageFor(title, await this.#strings(guildId));
      const job = async (): Promise<void> => {
        try {
          if (channel.kind === 'forum') await transport.startForumPost(settings.channelId, { name: clip(`⏸️ ${title}`, 100), message });
          else await transport.send(settings.channelId, message);
        } catch (error) {
          log.warn({ err: error, guildId, feed: feedUrl }, 'could not post the paused notice');
        }
      };
      this.#enqueue(settings.channelId, undefined, job);
    }
    await store.markPausedNoticeSent(feedUrl);
  }

  /** The feed announced too much today: paused, with one notice (unless it is already paused and told). */
  async #pauseFlooding(podcastId: string, cap: number): Promise<void> {
    const state = await this.#o.store.pauseFeed(podcastId, floodPauseReason(cap));
    this.#o.log.warn({ podcast: podcastId, cap }, 'feed paused: too many new episodes in a day');
    if (state && !state.pausedNoticeSent) await this.#postPausedNotice(podcastId, (title, s) => floodNoticeMessage(title, cap, s));
  }

  /**
   * Plans a podcast's posts in every following guild and writes their intents (claimed by this process) before any is
   * posted: the ledger is the outbox, so a process that dies after this leaves pending intents another one takes over.
   * Then the mark of announcements owed for the feed (set by the poller before saving new episodes) is settled.
   */
  async #announceFeed(podcastId: string): Promise<void> {
    if (this.#stopped) return;
    const { store, library } = this.#o;
    const passStartedAt = this.#now();
    // Another process may have saved episodes this one's library does not have yet.
    if (!(await catchUpPodcast(store, library, podcastId))) return;
    // The catalog keeps episodes newest first (undated ones last, in feed order): reversed, oldest first. Ids only: a
    // pass over every feed finds nothing new in almost all of them, so refs are made only for what is to be announced.
    const ids = library.catalog.episodeIds(podcastId).reverse();
    let refs: Map<string, EpisodeRef> | undefined;
    const refsOf = (wanted: readonly string[]): EpisodeRef[] => {
      const byId = (refs ??= new Map(library.catalog.episodes(podcastId).map((r) => [r.episode.id, r])));
      return wanted.map((id) => byId.get(id)).filter((r): r is EpisodeRef => r !== undefined);
    };
    const cap = this.#o.maxPerDay ?? MAX_ANNOUNCEMENTS_PER_DAY;
    const since = capWindowStart(this.#now(), (await store.getFetchState(podcastId))?.resumedAt);
    let flooding = false;
    for (const guildId of await store.followersOf(podcastId)) {
      // Paused: nothing is planned (nor marked seen): resuming catches up on what came meanwhile.
      if (await store.guildAnnouncementPause(guildId)) continue;
      const unannounced = new Set(await store.unannouncedEpisodes(guildId, podcastId, ids));
      const freshIds = ids.filter((id) => unannounced.has(id) && !this.#claimed.has(keyOf(guildId, podcastId, id)));
      if (freshIds.length === 0) continue;
      const fresh = refsOf(freshIds);
      const settings = await store.effectiveAnnouncementSettings(guildId, podcastId);
      if (!settings?.enabled) {
        await store.markSeen(guildId, podcastId, fresh.map((r) => r.episode.id));
        continue;
      }
      const remaining = cap - (await store.announcementsSince(guildId, podcastId, since));
      const { posted, summarised, withheld } = planPosts(fresh, this.#o.maxPerFeed ?? 5, remaining);
      if (withheld.length > 0) {
        flooding = true;
        await store.markSeen(guildId, podcastId, withheld.map((r) => r.episode.id));
        this.#o.log.warn({ guildId, podcast: podcastId, withheld: withheld.length, cap }, 'episodes past the daily cap not announced');
      }
      if (summarised.length > 0) {
        const summaryId = `${SUMMARY_PREFIX}${summarised.length}:${hashIds(summarised.map((r) => r.episode.id))}`;
        const keys = summarised.map((r) => keyOf(guildId, podcastId, r.episode.id));
        await this.#plan(guildId, podcastId, summaryId, settings.channelId, keys, (intent) => () =>
          this.#deliver(intent.announcement, { reconciling: !intent.created, ping: false, summaryRefs: summarised }),
        );
        // Summarised: they are in the summary's intent (whichever process posts it), not posts of their own.
        await store.markSeen(guildId, podcastId, summarised.map((r) => r.episode.id));
      }
      for (const [i, ref] of posted.entries()) {
        const key = keyOf(guildId, podcastId, ref.episode.id);
        await this.#plan(guildId, podcastId, ref.episode.id, settings.channelId, [key], (intent) => () =>
          this.#deliver(intent.announcement, { reconciling: !intent.created, ping: i === 0 }),
        );
      }
    }
    if (flooding) await this.#pauseFlooding(podcastId, cap);
    await store.settleAnnouncements(podcastId, passStartedAt);
  }

  /**
   * Writes one planned post's intent, claimed, and queues its delivery in the channel; `keys` (the episodes it
   * announces) are held in this process meanwhile. Nothing is queued when the intent is another process's, sent, given
   * up or not due (reconcile() takes it then). `then` gives the job to queue once the intent is ours.
   */
  async #plan(
    guildId: string,
    podcastId: string,
    episodeId: string,
    channelId: string,
    keys: readonly string[],
    then: (intent: { created: boolean; announcement: Announcement }) => Job,
  ): Promise<void> {
    const ledgerKey = keyOf(guildId, podcastId, episodeId);
    for (const key of keys) this.#claimed.add(key);
    let queued = false;
    try {
      const intent = await this.#recordClaimed(guildId, podcastId, episodeId, channelId);
      if (intent === undefined) return;
      this.#holding.add(ledgerKey);
      this.#enqueue(channelId, keys, then(intent), ledgerKey);
      queued = true;
    } finally {
      if (!queued) {
        for (const key of keys) this.#claimed.delete(key);
        await this.#releaseClaim(ledgerKey);
      }
    }
  }

  /**
   * The intent, written claimed by this process, or found and taken (a crash left it, or another process planned it
   * first). Undefined when it is sent, given up, not due yet (reconcile() takes it then) or another process holds it.
   */
  async #recordClaimed(guildId: string, podcastId: string, episodeId: string, channelId: string): Promise<{ created: boolean; announcement: Announcement } | undefined> {
    const { store } = this.#o;
    const key = keyOf(guildId, podcastId, episodeId);
    this.#holding.add(key);
    const recorded = await store.recordIntent(guildId, podcastId, episodeId, channelId, newNonce(), this.#now(), this.#claim());
    if (recorded.created) return recorded;
    if (recorded.announcement.messageId !== undefined) return undefined;
    const taken = await store.claimIntent(guildId, podcastId, episodeId, this.#claim(), this.#now());
    return taken && { created: false, announcement: taken };
  }

  /**
   * Posts (or finds) the message for an intent and marks it sent; a Discord failure is recorded with its retry. Throws
   * only StoreBusyError (the job runs again).
   */
  async #deliver(intent: Announcement, how: { reconciling: boolean; ping: boolean; summaryRefs?: readonly EpisodeRef[] }): Promise<void> {
    const { store, library, transport, log } = this.#o;
    const { guildId, podcastId, episodeId, channelId } = intent;
    const context = { guildId, podcast: podcastId, episode: episodeId, channelId };
    try {
      // Paused since it was planned or taken (another post there lost the channel): nothing more is sent.
      if (await store.guildAnnouncementPause(guildId)) return;
      let channel: ChannelInfo | undefined;
      try {
        channel = await transport.channel(channelId);
      } catch (error) {
        return await this.#postFailed(intent, classifyPostFailure(error));
      }
      if (!channel) {
        // Deleted, or hidden from the bot, as Discord says: someone may fix that, and /announce channel resumes.
        return await this.#postFailed(intent, { kind: 'access', problem: { code: 'channelGone' } }, { pauseGuild: true });
      }
      // Retrying cannot help: the intent keeps this channel even after the setting is fixed.
      if (channel.guildId !== guildId) return await this.#postFailed(intent, { kind: 'refused', problem: { code: 'otherServer' } }, { giveUp: true });
      // Another process may have saved the podcast or the episode after this one loaded the catalogue.
      if (!library.catalog.find(podcastId, episodeId)) await catchUpPodcast(store, library, podcastId);
      const podcast = library.catalog.podcast(podcastId);
      if (!podcast) return await this.#postFailed(intent, { kind: 'refused', problem: { code: 'notFollowed' } }, { giveUp: true });
      const s = await this.#strings(guildId);
      const settings = await store.effectiveAnnouncementSettings(guildId, podcastId);

      let message: AnnouncementBody;
      let forumName: string;
      if (episodeId.startsWith(SUMMARY_PREFIX)) {
        const count = Number.parseInt(episodeId.slice(SUMMARY_PREFIX.length), 10) || 0;
        message = catchUpSummaryMessage(podcast, count, await library.details(how.summaryRefs ?? []), s);
        forumName = clip(message.embeds[0]?.title ?? podcast.title, 100);
      } else {
        const found = library.catalog.find(podcastId, episodeId);
        const [ref] = found ? await library.details([found]) : [];
        if (!ref) return await this.#postFailed(intent, { kind: 'refused', problem: { code: 'episodeGone' } }, { giveUp: true });
        const roleId = settings?.roleId;
        message = announcementMessage(ref, s, { ...(roleId !== undefined && { roleId }), ping: how.ping });
        forumName = forumPostName(ref);
      }

      let messageId: string;
      try {
        messageId = await this.#post(intent, channel, message, forumName, how.reconciling, podcast.title);
      } catch (error) {
        return await this.#postFailed(intent, classifyPostFailure(error), { pauseGuild: lostChannel(error) });
      }
      const publish = channel.kind === 'news' && settings?.publish === true;
      // A catch-up summary is not an episode to discuss: no thread on it.
      const thread = settings?.thread === true && !episodeId.startsWith(SUMMARY_PREFIX);
      const sentAt = this.#now();
      await store.markSent(guildId, podcastId, episodeId, messageId, sentAt, { publish, thread });
      this.#o.metrics?.postSent();
      log.info({ ...context, messageId }, 'episode announced');
      if (publish) await this.#publish(intent, messageId);
      if (thread) await this.#startThread({ ...intent, messageId, sentAt, thread: { status: 'pending', attempts: 0 } }, messageId);
    } catch (error) {
      if (error instanceof StoreBusyError) throw error;
      this.#o.metrics?.storeError('announce');
      // The ledger could not be written: the intent stays pending and is retried with the same nonce.
      log.warn({ ...context, err: error }, 'announcement not confirmed; it will be retried with the same nonce');
    }
  }

  /** The Discord side of a delivery: the earlier post when an old attempt may have made one, else a new post. */
  async #post(intent: Announcement, channel: ChannelInfo, message: AnnouncementBody, forumName: string, reconciling: boolean, podcastTitle: string): Promise<string> {
    const { transport, log } = this.#o;
    const { guildId, channelId } = intent;
    if (channel.kind === 'forum') {
      // Forum posts take no nonce: an old or repeated intent looks for its thread first.
      if (reconciling) {
        const threads = await transport.activeThreads(guildId);
        const thread = threads.find((t) => t.parent_id === channelId && t.name === forumName);
        if (thread) return thread.id;
      }
      return (await transport.startForumPost(channelId, { name: forumName, message, ...tagsFor(channel, podcastTitle) })).id;
    }
    const age = this.#now().getTime() - intent.intendedAt.getTime();
    if (reconciling && age > (this.#o.nonceWindowMs ?? 4 * 60_000)) {
      // Past the nonce window Discord would make a second message: look for the first one since the intent.
      const search = await findEarlierPost(transport, {
        channelId,
        since: intent.intendedAt,
        isOurs: (m) => isOurPost(m, intent.nonce, message, transport.botUserId),
      });
      if (search.found) return search.found.id;
      if (!search.complete) log.warn({ guildId, channelId, episode: intent.episodeId }, 'earlier post not found in the messages searched; posting again');
    }
    return (await transport.send(channelId, { ...message, nonce: intent.nonce, enforce_nonce: true })).id;
  }

  /**
   * Records a failed post with its next attempt (or gives it up when attempts ran out). With `pauseGuild` (the channel
   * is lost), the guild's announcements are paused: the post waits, with the rest, for /announce channel.
   */
  async #postFailed(intent: Announcement, failure: PostFailure, options: { giveUp?: boolean; pauseGuild?: boolean } = {}): Promise<void> {
    const attempts = intent.attempts + 1;
    const recorded = this.#failureRecord(failure, options.giveUp ? undefined : attempts);
    this.#o.metrics?.postFailed(failure.kind);
    await this.#o.store.recordPostFailure(intent.guildId, intent.podcastId, intent.episodeId, recorded);
    const context = { guildId: intent.guildId, podcast: intent.podcastId, episode: intent.episodeId, channelId: intent.channelId };
    this.#o.log.warn(
      { ...context, reason: describeProblem(failure.problem), attempts, retryAt: recorded.retryAt },
      recorded.retryAt ? 'announcement failed; it will be tried again' : 'announcement given up',
    );
    if (options.pauseGuild) await this.#pauseGuild(intent.guildId, intent.channelId, failure.problem);
  }

  /** The reason is stored as data: /feed list words it in the language of whoever asks. */
  async #pauseGuild(guildId: string, channelId: string, problem: PostProblem): Promise<void> {
    if (await this.#o.store.pauseGuildAnnouncements(guildId, { reason: encodeProblem(problem), channelId, at: this.#now() })) {
      this.#o.log.warn({ guildId, channelId, reason: describeProblem(problem) }, 'announcements paused in this server until /announce channel is set again');
    }
  }

  /** Publishes (crossposts) a post in an announcement channel; a failure is recorded with its retry. Never throws. */
  async #publish(sent: Announcement, messageId: string): Promise<void> {
    const { store, transport, log } = this.#o;
    const { guildId, podcastId, episodeId, channelId } = sent;
    const context = { guildId, podcast: podcastId, episode: episodeId, channelId, messageId };
    let failure: (PostFailure & { lostChannel: boolean }) | undefined;
    try {
      // Paused since (the channel was lost): nothing more is sent there; resuming makes it due again.
      if (await store.guildAnnouncementPause(guildId)) return;
      await transport.crosspost(channelId, messageId);
    } catch (error) {
      if (!(error instanceof DiscordAPIError && error.code === ALREADY_CROSSPOSTED)) failure = { ...classifyPostFailure(error), lostChannel: lostChannel(error) };
    }
    try {
      if (failure === undefined) return await store.markPublished(guildId, podcastId, episodeId);
      const attempts = (sent.publish?.attempts ?? 0) + 1;
      const recorded = this.#failureRecord(failure, attempts);
      await store.recordPublishFailure(guildId, podcastId, episodeId, recorded);
      log.warn(
        { ...context, reason: describeProblem(failure.problem), attempts, retryAt: recorded.retryAt },
        recorded.retryAt ? 'could not publish the announcement; it will be tried again' : 'publishing the announcement given up',
      );
      if (failure.lostChannel) await this.#pauseGuild(guildId, channelId, failure.problem);
    } catch (error) {
      log.warn({ ...context, err: error }, 'publishing not recorded; it will be tried again');
    }
  }

  /**
   * The discussion thread on a post (/announce channel thread:true) and the chapter list as its first message, owed in
   * the ledger from the post on. Exactly once: a thread on a message has the message's id and Discord refuses a second
   * one (160004), so a repeated attempt finds it; its id is recorded before the chapter list is posted, which carries
   * a nonce of its own (enforce_nonce) and, past Discord's nonce window, is first looked for in the thread. In a forum
   * the post is the thread. A failure is recorded with its retry; the guild's posts go on (a thread refused does not
   * pause them). Never throws but StoreBusyError.
   */
  async #startThread(sent: Announcement, messageId: string): Promise<void> {
    const { store, library, transport, log } = this.#o;
    const { guildId, podcastId, episodeId, channelId } = sent;
    const context = { guildId, podcast: podcastId, episode: episodeId, channelId, messageId };
    try {
      if (await store.guildAnnouncementPause(guildId)) return;
      if (!library.catalog.find(podcastId, episodeId)) await catchUpPodcast(store, library, podcastId);
      const found = library.catalog.find(podcastId, episodeId);
      // The catalogue keeps summaries: the chapters are read from the store (as the announcement's were).
      const [ref] = found ? await library.details([found]) : [];
      if (!ref) return await this.#threadFailed(sent, { kind: 'refused', problem: { code: 'episodeGone' } }, true);
      let threadId = sent.thread?.threadId;
      const madeBefore = threadId !== undefined;
      if (threadId === undefined) {
        let channel: ChannelInfo | undefined;
        try {
          channel = await transport.channel(channelId);
          if (!channel) return await this.#threadFailed(sent, { kind: 'access', problem: { code: 'channelGone' } });
          threadId = channel.kind === 'forum' ? messageId : await this.#openThread(channelId, messageId, ref);
        } catch (error) {
          if (error instanceof StoreBusyError) throw error;
          return await this.#threadFailed(sent, classifyPostFailure(error));
        }
        await store.markThreadStarted(guildId, podcastId, episodeId, threadId);
      }
      const chapters = threadChaptersMessage(ref, await this.#strings(guildId));
      if (chapters) {
        try {
          await this.#postInThread(sent, threadId, chapters, madeBefore);
        } catch (error) {
          return await this.#threadFailed({ ...sent, thread: { status: 'pending', attempts: sent.thread?.attempts ?? 0, threadId } }, classifyPostFailure(error));
        }
      }
      await store.markThreadDone(guildId, podcastId, episodeId);
      log.info({ ...context, threadId }, 'discussion thread started');
    } catch (error) {
      if (error instanceof StoreBusyError) throw error;
      this.#o.metrics?.storeError('announce');
      log.warn({ ...context, err: error }, 'discussion thread not recorded; it will be tried again');
    }
  }

  /** A public thread on the post, named for the episode; the one made already when Discord says there is one. */
  async #openThread(channelId: string, messageId: string, ref: EpisodeRef): Promise<string> {
    try {
      const name = forumPostName(ref);
      return (await this.#o.transport.startThread(channelId, messageId, { name, auto_archive_duration: ThreadAutoArchiveDuration.OneWeek })).id;
    } catch (error) {
      // A thread on a message has the message's id.
      if (error instanceof DiscordAPIError && error.code === THREAD_ALREADY_CREATED) return messageId;
      throw error;
    }
  }

  /** The chapter list in the thread, once: its own nonce, and past the nonce window first looked for. */
  async #postInThread(sent: Announcement, threadId: string, body: AnnouncementBody, madeBefore: boolean): Promise<void> {
    const { transport, log } = this.#o;
    const nonce = `${sent.nonce}t`;
    const since = sent.sentAt ?? sent.intendedAt;
    if (madeBefore && this.#now().getTime() - since.getTime() > (this.#o.nonceWindowMs ?? 4 * 60_000)) {
      const title = body.embeds[0]?.title;
      const search = await findEarlierPost(transport, {
        channelId: threadId,
        since,
        isOurs: (m) => m.nonce === nonce || (m.author.id === transport.botUserId && m.embeds[0]?.title === title && m.embeds[0]?.footer?.text === body.embeds[0]?.footer?.text),
        maxPages: 5,
      });
      if (search.found) return;
      if (!search.complete) log.warn({ guildId: sent.guildId, threadId }, 'earlier chapter list not found in the messages searched; posting again');
    }
    await transport.send(threadId, { ...body, nonce, enforce_nonce: true });
  }

  /** A thread (or its chapter list) could not be made: recorded with its next attempt, or given up. */
  async #threadFailed(sent: Announcement, failure: PostFailure, giveUp = false): Promise<void> {
    const attempts = (sent.thread?.attempts ?? 0) + 1;
    const recorded = this.#failureRecord(failure, giveUp ? undefined : attempts);
    await this.#o.store.recordThreadFailure(sent.guildId, sent.podcastId, sent.episodeId, recorded);
    this.#o.log.warn(
      { guildId: sent.guildId, podcast: sent.podcastId, episode: sent.episodeId, channelId: sent.channelId, reason: describeProblem(failure.problem), attempts, retryAt: recorded.retryAt },
      recorded.retryAt ? 'could not start the discussion thread; it will be tried again' : 'discussion thread given up',
    );
  }

  /** The failure as the ledger keeps it: retried after the policy's backoff, or (no `attempts`) given up now. */
  #failureRecord(failure: PostFailure, attempts: number | undefined): DeliveryFailure {
    const at = this.#now();
    const retryAt = attempts === undefined ? undefined : nextRetry(failure.kind, attempts, at, this.#o.retryPolicy ?? DEFAULT_RETRY_POLICY);
    return { error: encodeProblem(failure.problem), at, ...(retryAt && { retryAt }) };
  }

  /**
   * Runs `job` in the channel's queue, at least `spacingMs` after the channel's previous post. `keys` are what it
   * handles (never queued twice); `ledgerKey` the ledger row whose claim it holds, given back when it is done.
   */
  #enqueue(channelId: string, keys: string | readonly string[] | undefined, job: Job, ledgerKey?: string): void {
    if (ledgerKey !== undefined) this.#ledgerJobs.add(ledgerKey);
    const release = async (): Promise<void> => {
      for (const key of typeof keys === 'string' ? [keys] : (keys ?? [])) this.#claimed.delete(key);
      if (ledgerKey !== undefined) {
        this.#ledgerJobs.delete(ledgerKey);
        await this.#releaseClaim(ledgerKey);
      }
    };
    const previous = this.#queues.get(channelId) ?? Promise.resolve();
    const next = previous.then(async () => {
      try {
        if (this.#stopped) return;
        const wait = (this.#lastPost.get(channelId) ?? 0) + (this.#o.spacingMs ?? 1500) - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        await this.#retryWhileBusy(job);
        this.#lastPost.set(channelId, Date.now());
      } catch (error) {
        this.#o.log.error({ err: error, channelId }, 'announcement job failed');
      } finally {
        await release();
      }
    });
    this.#queues.set(channelId, next);
    void next.finally(() => {
      if (this.#queues.get(channelId) === next) this.#queues.delete(channelId);
    });
  }

  /**
   * Runs a job, and again after a growing pause for as long as a ledger write in it finds the database busy (another
   * process holds its lock). Its claim and its place in the channel's queue are kept meanwhile, so the channel's posts
   * stay in order; a job run again finds its intent recorded and posts with the same nonce, or finds its post. Stopping
   * gives up the wait: the episode is still unannounced (or its intent pending), so the next start posts it.
   */
  async #retryWhileBusy(job: Job): Promise<void> {
    for (let pause = BUSY_RETRY_FIRST_MS; ; pause = Math.min(BUSY_RETRY_LONGEST_MS, pause * 2)) {
      try {
        return await job();
      } catch (error) {
        if (!(error instanceof StoreBusyError) || this.#stopped) throw error;
        this.#o.metrics?.storeError('announce');
        this.#o.log.warn({ err: error, retryInMs: pause }, 'announcement not recorded: the database is busy; trying again');
        await sleep(pause, undefined, { signal: this.#stopping.signal }).catch(() => {});
        if (this.#stopped) return;
      }
    }
  }

  /**
   * Gives back the claim on a post this process is done with: its job wrote its result (which ended the claim already)
   * or did not (stopped, or its ledger write failed), and then another process, or this one's next reconcile, takes
   * it with the same nonce.
   */
  async #releaseClaim(key: string): Promise<void> {
    this.#holding.delete(key);
    const [guildId = '', podcastId = '', episodeId = ''] = key.split('\n');
    await this.#o.store.releaseIntent(guildId, podcastId, episodeId, this.#lease.owner).catch((error: unknown) => {
      this.#o.log.debug({ err: error, guildId, podcast: podcastId, episode: episodeId }, 'claim not given back; it expires by itself');
    });
  }

  async #strings(guildId: string): Promise<Strings> {
    return stringsFor(await this.#o.transport.locale(guildId).catch(() => 'en-US'));
  }
}

function keyOf(guildId: string, podcastId: string, episodeId: string): string {
  return `${guildId}\n${podcastId}\n${episodeId}`;
}

/** Discord accepts nonces of at most 25 characters. */
function newNonce(): string {
  return randomBytes(12).toString('base64url');
}

function hashIds(ids: readonly string[]): string {
  return createHash('sha256').update(ids.join('\n')).digest('base64url').slice(0, 16);
}

/**
 * A forum's tags for an episode's post: the podcast's own tag where one is named for it (Discord keeps tag names to 20
 * characters, so a long title's tag may hold its first words), and the tag for episodes when there is one.
 */
function tagsFor(channel: ChannelInfo, podcastTitle: string): { applied_tags?: string[] } {
  const words = (text: string): string => text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  const show = words(podcastTitle);
  const podcastTag = channel.tags.find((t) => {
    const name = words(t.name);
    return name !== '' && (name === show || (name.length >= 10 && show.startsWith(`${name} `)));
  });
  const episodeTag = channel.tags.find((t) => /^(episodes?|avsnitt|new episodes?)$/i.test(t.name.trim()));
  const ids = [...new Set([podcastTag?.id, episodeTag?.id].filter((id): id is string => id !== undefined))];
  return ids.length > 0 ? { applied_tags: ids } : {};
}

/**
 * Our earlier post: its nonce where Discord still echoes it, else the same embed (title, link and footer, so a
 * /announce test preview of the same episode does not count) by the bot.
 */
function isOurPost(m: APIMessage, nonce: string, message: AnnouncementBody, botUserId: string): boolean {
  const embed = message.embeds[0];
  if (m.nonce === nonce) return true;
  const posted = m.embeds[0];
  return (
    m.author.id === botUserId &&
    embed !== undefined &&
    posted !== undefined &&
    posted.title === embed.title &&
    posted.url === embed.url &&
    posted.footer?.text === embed.footer?.text
  );
}

function describe(error: unknown): string {
  if (error instanceof DiscordAPIError) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}
