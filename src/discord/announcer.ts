import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ChannelType,
  Routes,
  type APIMessage,
  type APIThreadChannel,
  type RESTPostAPIChannelMessageJSONBody,
} from 'discord-api-types/v10';
import { DiscordAPIError, type Channel, type Client } from 'discord.js';
import type { Logger } from 'pino';
import { EVERY_PODCAST, type EpisodeRef } from '../data/catalog.js';
import type { Library } from '../data/library.js';
import { err, ok, type Result } from '../data/model.js';
import type { AnnouncementChannelCheck } from '../commands/command.js';
import type { Announcement, AnnouncementSettings, FeedFetchState, Store } from '../store/Store.js';
import { StoreBusyError } from '../store/StoreBusyError.js';
import {
  announcementMessage,
  catchUpSummaryMessage,
  forumPostName,
  pausedNoticeMessage,
  type AnnouncementBody,
} from './announcementMessage.js';
import { stringsFor, type Strings } from './strings.js';

/**
 * Posts new episodes to each following guild's channel, exactly once.
 *
 * - Intent before send: the ledger row (with a fresh nonce) is written before the POST; the POST carries that nonce
 *   with `enforce_nonce`, so a retry (or a repost after a crash) returns the message already made instead of a second
 *   one; the row is marked sent after. Intents without a sent mark are reconciled at start and at every poll cycle:
 *   a recent one is simply reposted with its nonce; an old one (beyond Discord's nonce window) is first looked for
 *   among the channel's recent messages (forum posts: among the guild's active threads).
 * - Catch-up: oldest first, at most `maxPerFeed` posts per feed and guild in one pass; older ones are summarised in
 *   one message (and marked seen) so a channel is never flooded.
 * - One queue per channel with a minimum spacing between posts.
 * - Not set up or turned off: new episodes are marked seen, so turning announcements on later does not dump history.
 * - A ledger write that finds the database locked by another process runs its job again after a growing pause, in
 *   this process: the post is neither dropped until the next start nor made twice (the same nonce).
 */

export type ChannelKind = 'text' | 'news' | 'forum';

export interface ChannelInfo {
  kind: ChannelKind;
  guildId: string;
  /** Forum tags, to label episode posts. */
  tags: readonly { id: string; name: string }[];
}

/** What the announcer needs from Discord; `discordTransport` fills it with the discord.js client's REST. */
export interface AnnouncementTransport {
  readonly botUserId: string;
  /** A channel the bot can post to, or undefined (gone, unknown or of a kind that takes no posts). */
  channel(channelId: string): ChannelInfo | undefined;
  /**
   * The same, also for a channel the client has not cached: asked of Discord (GET /channels/{id}), which tells its
   * guild. Undefined when Discord does not know it or the bot may not see it.
   */
  fetchChannel(channelId: string): Promise<ChannelInfo | undefined>;
  /** The guild's preferred locale, for the announcement's words. */
  locale(guildId: string): string;
  send(channelId: string, body: RESTPostAPIChannelMessageJSONBody): Promise<{ id: string }>;
  startForumPost(channelId: string, post: { name: string; message: AnnouncementBody; applied_tags?: string[] }): Promise<{ id: string }>;
  crosspost(channelId: string, messageId: string): Promise<void>;
  recentMessages(channelId: string, limit: number): Promise<APIMessage[]>;
  activeThreads(guildId: string): Promise<{ id: string; parent_id?: string | null | undefined; name?: string | undefined }[]>;
}

export function discordTransport(client: Client<true>): AnnouncementTransport {
  const { rest } = client;
  return {
    botUserId: client.user.id,
    channel: (channelId) => channelInfo(client.channels.cache.get(channelId)),
    async fetchChannel(channelId) {
      try {
        // The cache first; a channel of a guild the client has not cached comes back from REST with its guild id.
        return channelInfo(await client.channels.fetch(channelId, { allowUnknownGuild: true }));
      } catch (error) {
        if (isPermanent(error)) return undefined;
        throw error;
      }
    },
    locale: (guildId) => client.guilds.cache.get(guildId)?.preferredLocale ?? 'en-US',
    send: async (channelId, body) => (await rest.post(Routes.channelMessages(channelId), { body })) as APIMessage,
    startForumPost: async (channelId, post) => (await rest.post(Routes.threads(channelId), { body: post })) as APIThreadChannel,
    crosspost: async (channelId, messageId) => {
      await rest.post(Routes.channelMessageCrosspost(channelId, messageId));
    },
    recentMessages: async (channelId, limit) =>
      (await rest.get(Routes.channelMessages(channelId), { query: new URLSearchParams({ limit: String(limit) }) })) as APIMessage[],
    activeThreads: async (guildId) =>
      ((await rest.get(Routes.guildActiveThreads(guildId))) as { threads: APIThreadChannel[] }).threads,
  };
}

/** What announcing needs to know of a channel; undefined for one that takes no posts (or no channel). */
function channelInfo(channel: Channel | null | undefined): ChannelInfo | undefined {
  if (!channel || !('guildId' in channel) || typeof channel.guildId !== 'string') return undefined;
  const kind: ChannelKind | undefined =
    channel.type === ChannelType.GuildText
      ? 'text'
      : channel.type === ChannelType.GuildAnnouncement
        ? 'news'
        : channel.type === ChannelType.GuildForum
          ? 'forum'
          : undefined;
  if (kind === undefined) return undefined;
  const tags = channel.type === ChannelType.GuildForum ? channel.availableTags.map((t) => ({ id: t.id, name: t.name })) : [];
  return { kind, guildId: channel.guildId, tags };
}

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
}

const SUMMARY_PREFIX = 'summary:';
/** Why a post for one guild never goes to a channel of another (a setting made before /announce channel checked). */
const ANOTHER_SERVER = 'the channel belongs to another server';
/** Discord: a channel that is gone, or that the bot may not see or post in. Retrying will not help. */
const PERMANENT_CODES = new Set([10003, 50001, 50013, 50008, 10004]);
const ALREADY_CROSSPOSTED = 40033;
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
  #stopped = false;
  /** Ends the pauses of jobs waiting for a busy database, so stop() does not wait them out. */
  readonly #stopping = new AbortController();

  constructor(options: AnnouncerOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => new Date());
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

  /** Catch-up after downtime: every podcast in the library. */
  async announceAll(): Promise<void> {
    for (const podcast of this.#o.library.catalog.podcasts(EVERY_PODCAST)) await this.announceFeed(podcast.id);
  }

  /** Retries every intent that was recorded but never marked sent (a crash, a Discord outage). */
  async reconcile(): Promise<void> {
    if (this.#stopped) return;
    for (const intent of await this.#o.store.pendingIntents()) {
      const key = keyOf(intent.guildId, intent.podcastId, intent.episodeId);
      if (this.#claimed.has(key)) continue;
      this.#claimed.add(key);
      this.#enqueue(intent.channelId, key, () => this.#deliver(intent, { reconciling: true, ping: true }));
    }
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
  async postTest(guildId: string, ref: EpisodeRef, settings: AnnouncementSettings): Promise<Result<{ channelId: string }>> {
    const s = this.#strings(guildId);
    const channel = this.#o.transport.channel(settings.channelId);
    if (!channel || channel.guildId !== guildId) return err('The announcement channel no longer exists or the bot cannot see it. Pick another with /announce channel.');
    const message = announcementMessage(ref, s, { ...(settings.roleId !== undefined && { roleId: settings.roleId }), test: true });
    try {
      if (channel.kind === 'forum') {
        await this.#o.transport.startForumPost(settings.channelId, { name: forumPostName(ref, true), message, ...tagsFor(channel) });
      } else {
        await this.#o.transport.send(settings.channelId, message);
      }
    } catch (error) {
      this.#o.log.warn({ err: error, guildId, channelId: settings.channelId }, 'test announcement failed');
      return err(`Discord refused the post (${describe(error)}). Check that the bot may send messages and embed links there.`);
    }
    return ok({ channelId: settings.channelId });
  }

  /**
   * Whether a guild's announcements may go to a channel (for /announce channel, which may be sent any channel id):
   * one of that guild, of a kind that takes posts, that the bot can see.
   */
  async checkChannel(guildId: string, channelId: string): Promise<AnnouncementChannelCheck> {
    const channel = this.#o.transport.channel(channelId) ?? (await this.#o.transport.fetchChannel(channelId));
    if (channel === undefined) return 'unusable';
    return channel.guildId === guildId ? 'ok' : 'elsewhere';
  }

  /** A feed was paused: one notice in each following guild's announcement channel. */
  async notifyPaused(feedUrl: string, state: FeedFetchState): Promise<void> {
    const { store, library, transport, log } = this.#o;
    const title = library.catalog.podcast(feedUrl)?.title ?? feedUrl;
    for (const guildId of await store.followersOf(feedUrl)) {
      const settings = await store.effectiveAnnouncementSettings(guildId, feedUrl);
      if (!settings?.enabled) continue;
      const channel = transport.channel(settings.channelId);
      if (!channel) continue;
      if (channel.guildId !== guildId) {
        log.warn({ guildId, feed: feedUrl, channelId: settings.channelId, reason: ANOTHER_SERVER }, 'paused notice not posted');
        continue;
      }
      const message = pausedNoticeMessage(title, state.consecutiveFailures, state.lastError ?? 'unknown', this.#strings(guildId));
      const job = async (): Promise<void> => {
        try {
          if (channel.kind === 'forum') await transport.startForumPost(settings.channelId, { name: `⏸️ ${title}`.slice(0, 100), message });
          else await transport.send(settings.channelId, message);
        } catch (error) {
          log.warn({ err: error, guildId, feed: feedUrl }, 'could not post the paused notice');
        }
      };
      this.#enqueue(settings.channelId, undefined, job);
    }
    await store.markPausedNoticeSent(feedUrl);
  }

  async #announceFeed(podcastId: string): Promise<void> {
    if (this.#stopped) return;
    const { store, library } = this.#o;
    const podcast = library.catalog.podcast(podcastId);
    if (!podcast) return;
    // The catalog keeps episodes newest first (undated ones last, in feed order): reversed, oldest first.
    const oldestFirst = [...library.catalog.episodes(podcastId)].reverse();
    const ids = oldestFirst.map((r) => r.episode.id);
    for (const guildId of await store.followersOf(podcastId)) {
      const unannounced = new Set(await store.unannouncedEpisodes(guildId, podcastId, ids));
      const fresh = oldestFirst.filter((r) => unannounced.has(r.episode.id) && !this.#claimed.has(keyOf(guildId, podcastId, r.episode.id)));
      if (fresh.length === 0) continue;
      const settings = await store.effectiveAnnouncementSettings(guildId, podcastId);
      if (!settings?.enabled) {
        await store.markSeen(guildId, podcastId, fresh.map((r) => r.episode.id));
        continue;
      }
      const max = Math.max(1, this.#o.maxPerFeed ?? 5);
      const posted = fresh.slice(-max);
      const summarised = fresh.slice(0, fresh.length - posted.length);
      for (const ref of fresh) this.#claimed.add(keyOf(guildId, podcastId, ref.episode.id));
      if (summarised.length > 0) {
        const summaryId = `${SUMMARY_PREFIX}${summarised.length}:${hashIds(summarised.map((r) => r.episode.id))}`;
        const keys = summarised.map((r) => keyOf(guildId, podcastId, r.episode.id));
        this.#enqueue(settings.channelId, keys, () => this.#postSummary(guildId, podcastId, summaryId, summarised, settings));
      }
      posted.forEach((ref, i) => {
        const key = keyOf(guildId, podcastId, ref.episode.id);
        this.#enqueue(settings.channelId, key, () => this.#postEpisode(guildId, ref, settings, i === 0));
      });
    }
  }

  async #postEpisode(guildId: string, ref: EpisodeRef, settings: AnnouncementSettings, ping: boolean): Promise<void> {
    const { created, announcement } = await this.#o.store.recordIntent(
      guildId,
      ref.podcast.id,
      ref.episode.id,
      settings.channelId,
      newNonce(),
      this.#now(),
    );
    if (announcement.messageId !== undefined) return;
    await this.#deliver(announcement, { reconciling: !created, ping });
  }

  async #postSummary(
    guildId: string,
    podcastId: string,
    summaryId: string,
    refs: readonly EpisodeRef[],
    settings: AnnouncementSettings,
  ): Promise<void> {
    const { store } = this.#o;
    const { created, announcement } = await store.recordIntent(guildId, podcastId, summaryId, settings.channelId, newNonce(), this.#now());
    await store.markSeen(guildId, podcastId, refs.map((r) => r.episode.id));
    if (announcement.messageId !== undefined) return;
    await this.#deliver(announcement, { reconciling: !created, ping: false, summaryRefs: refs });
  }

  /** Posts (or finds) the message for an intent and marks it sent. Throws only StoreBusyError (the job runs again). */
  async #deliver(intent: Announcement, how: { reconciling: boolean; ping: boolean; summaryRefs?: readonly EpisodeRef[] }): Promise<void> {
    const { store, library, transport, log } = this.#o;
    const { guildId, podcastId, episodeId, channelId } = intent;
    const context = { guildId, podcast: podcastId, episode: episodeId, channelId };
    const giveUp = async (why: string): Promise<void> => {
      log.warn({ ...context, reason: why }, 'announcement dropped');
      await store.cancelIntent(guildId, podcastId, episodeId);
      if (!episodeId.startsWith(SUMMARY_PREFIX)) await store.markSeen(guildId, podcastId, [episodeId]);
    };
    try {
      const channel = transport.channel(channelId);
      if (!channel) return await giveUp('the channel is gone or not a text, announcement or forum channel');
      if (channel.guildId !== guildId) return await giveUp(ANOTHER_SERVER);
      const podcast = library.catalog.podcast(podcastId);
      if (!podcast) return await giveUp('the podcast is no longer followed');
      const s = this.#strings(guildId);
      const settings = await store.effectiveAnnouncementSettings(guildId, podcastId);

      let message: AnnouncementBody;
      let forumName: string;
      if (episodeId.startsWith(SUMMARY_PREFIX)) {
        const count = Number.parseInt(episodeId.slice(SUMMARY_PREFIX.length), 10) || 0;
        message = catchUpSummaryMessage(podcast, count, how.summaryRefs ?? [], s);
        forumName = message.embeds[0]?.title?.slice(0, 100) ?? podcast.title.slice(0, 100);
      } else {
        const ref = library.catalog.find(podcastId, episodeId);
        if (!ref) return await giveUp('the episode left the feed');
        const roleId = settings?.roleId;
        message = announcementMessage(ref, s, { ...(roleId !== undefined && { roleId }), ping: how.ping });
        forumName = forumPostName(ref);
      }

      let messageId: string | undefined;
      if (channel.kind === 'forum') {
        // Forum posts take no nonce: an old or repeated intent looks for its thread first.
        if (how.reconciling) {
          const threads = await transport.activeThreads(guildId);
          messageId = threads.find((t) => t.parent_id === channelId && t.name === forumName)?.id;
        }
        messageId ??= (await transport.startForumPost(channelId, { name: forumName, message, ...tagsFor(channel) })).id;
      } else {
        const age = this.#now().getTime() - intent.intendedAt.getTime();
        if (how.reconciling && age > (this.#o.nonceWindowMs ?? 4 * 60_000)) {
          messageId = findPosted(await transport.recentMessages(channelId, 50), intent.nonce, message, transport.botUserId)?.id;
        }
        messageId ??= (await transport.send(channelId, { ...message, nonce: intent.nonce, enforce_nonce: true })).id;
        if (channel.kind === 'news' && settings?.publish) await this.#crosspost(channelId, messageId, context);
      }
      await store.markSent(guildId, podcastId, episodeId, messageId, this.#now());
      log.info({ ...context, messageId }, 'episode announced');
    } catch (error) {
      if (error instanceof StoreBusyError) throw error;
      if (isPermanent(error)) {
        await giveUp(describe(error)).catch((e: unknown) => log.error({ ...context, err: e }, 'could not drop the announcement'));
      } else {
        log.warn({ ...context, err: error }, 'announcement not confirmed; it will be retried with the same nonce');
      }
    }
  }

  async #crosspost(channelId: string, messageId: string, context: object): Promise<void> {
    try {
      await this.#o.transport.crosspost(channelId, messageId);
    } catch (error) {
      if (error instanceof DiscordAPIError && error.code === ALREADY_CROSSPOSTED) return;
      this.#o.log.warn({ ...context, err: error }, 'could not publish the announcement');
    }
  }

  /** Runs `job` in the channel's queue, at least `spacingMs` after the channel's previous post. */
  #enqueue(channelId: string, keys: string | readonly string[] | undefined, job: Job): void {
    const release = (): void => {
      for (const key of typeof keys === 'string' ? [keys] : (keys ?? [])) this.#claimed.delete(key);
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
        release();
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
        this.#o.log.warn({ err: error, retryInMs: pause }, 'announcement not recorded: the database is busy; trying again');
        await sleep(pause, undefined, { signal: this.#stopping.signal }).catch(() => {});
        if (this.#stopped) return;
      }
    }
  }

  #strings(guildId: string): Strings {
    return stringsFor(this.#o.transport.locale(guildId));
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

/** A forum's tag for episodes, when it has one with a fitting name. */
function tagsFor(channel: ChannelInfo): { applied_tags?: string[] } {
  const tag = channel.tags.find((t) => /^(episodes?|avsnitt|new episodes?)$/i.test(t.name.trim()));
  return tag ? { applied_tags: [tag.id] } : {};
}

/** Our earlier post among recent messages: its nonce when Discord echoes it, else the same embed by the bot. */
function findPosted(messages: readonly APIMessage[], nonce: string, message: AnnouncementBody, botUserId: string): APIMessage | undefined {
  const embed = message.embeds[0];
  return messages.find(
    (m) =>
      m.nonce === nonce ||
      (m.author.id === botUserId && embed !== undefined && m.embeds[0]?.title === embed.title && m.embeds[0]?.url === embed.url),
  );
}

function isPermanent(error: unknown): boolean {
  if (!(error instanceof DiscordAPIError)) return false;
  return (typeof error.code === 'number' && PERMANENT_CODES.has(error.code)) || error.status === 403 || error.status === 404;
}

function describe(error: unknown): string {
  if (error instanceof DiscordAPIError) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}
