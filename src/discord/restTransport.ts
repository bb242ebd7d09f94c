import { ChannelType, Routes, type APIChannel, type APIGuild } from 'discord-api-types/v10';
import { DiscordAPIError, type REST } from 'discord.js';
import type { Logger } from 'pino';
import type { Store } from '../store/Store.js';
import { restBotPermissions, restCalls, type AnnouncementTransport, type ChannelInfo } from './announcementTransport.js';
import { lostChannel } from './postFailure.js';

/**
 * The announcer's transport for a process without a gateway connection (role worker): Discord's REST API only, through
 * discord.js's REST client. What the gateway would have cached (a channel's kind, guild and forum tags; a guild's
 * locale) is asked of Discord (GET /channels/{id}, GET /guilds/{id}) and kept in the store with when it was read, so
 * every worker shares one copy and asks again only once it is older than `cacheMs` (each process also keeps what it
 * read for as long). A channel Discord refuses is dropped, so the next look asks again.
 */

export interface RestTransportOptions {
  rest: REST;
  store: Store;
  /** The bot's user id (GET /users/@me), to recognise its own posts. */
  botUserId: string;
  log: Logger;
  now?: () => Date;
  /** How long what was read of a channel or a guild is used before it is read again. Default 15 min. */
  cacheMs?: number;
}

const DEFAULT_CACHE_MS = 15 * 60_000;

export function restTransport(options: RestTransportOptions): AnnouncementTransport {
  const { rest, store, log } = options;
  const now = options.now ?? (() => new Date());
  const cacheMs = options.cacheMs ?? DEFAULT_CACHE_MS;
  const fresh = (fetchedAt: Date): boolean => now().getTime() - fetchedAt.getTime() < cacheMs;
  const calls = restCalls(rest);
  // What this process read (from Discord or the store) lately, and the reads under way: posts to one server's
  // channels at once ask Discord, and the store, once.
  const known = new Map<string, { value: unknown; fetchedAt: Date }>();
  const reading = new Map<string, Promise<unknown>>();
  function once<T>(key: string, read: () => Promise<{ value: T; fetchedAt: Date }>): Promise<T> {
    const memo = known.get(key);
    if (memo !== undefined && fresh(memo.fetchedAt)) return Promise.resolve(memo.value as T);
    const running = reading.get(key) as Promise<T> | undefined;
    if (running) return running;
    const started = read()
      .then((result) => {
        known.set(key, result);
        return result.value;
      })
      .finally(() => reading.delete(key));
    reading.set(key, started);
    return started;
  }
  const forget = async (channelId: string): Promise<void> => {
    known.delete(`channel ${channelId}`);
    await store.dropChannelInfo(channelId);
  };

  /** GET /channels/{id}, kept in the store; undefined (and forgotten) when Discord says it is gone or hidden. */
  async function readChannel(channelId: string): Promise<{ value: ChannelInfo | undefined; fetchedAt: Date }> {
    let raw: APIChannel;
    try {
      raw = (await rest.get(Routes.channel(channelId))) as APIChannel;
    } catch (error) {
      if (error instanceof DiscordAPIError && (error.status === 403 || error.status === 404)) {
        await store.dropChannelInfo(channelId);
        // Not kept: asked again next time (the guild is paused meanwhile, so that is rare).
        return { value: undefined, fetchedAt: new Date(0) };
      }
      throw error;
    }
    const info = channelInfoOf(raw);
    const fetchedAt = now();
    if (info === undefined) await store.dropChannelInfo(channelId);
    else await store.saveChannelInfo(channelId, { ...info, tags: [...info.tags], fetchedAt });
    return { value: info, fetchedAt };
  }

  /** A post refused because the channel is lost: what was known of it is stale. */
  async function failed<T>(channelId: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (lostChannel(error)) await forget(channelId).catch(() => undefined);
      throw error;
    }
  }

  return {
    ...calls,
    botUserId: options.botUserId,
    channel: (channelId) =>
      once(`channel ${channelId}`, async () => {
        const cached = await store.getChannelInfo(channelId);
        if (cached !== undefined && fresh(cached.fetchedAt)) {
          return { value: { kind: cached.kind, guildId: cached.guildId, tags: cached.tags }, fetchedAt: cached.fetchedAt };
        }
        return readChannel(channelId);
      }),
    async fetchChannel(channelId) {
      known.delete(`channel ${channelId}`);
      return once(`channel ${channelId}`, () => readChannel(channelId));
    },
    locale: (guildId) =>
      once(`guild ${guildId}`, async () => {
        const cached = await store.getGuildLocale(guildId);
        if (cached !== undefined && fresh(cached.fetchedAt)) return { value: cached.locale, fetchedAt: cached.fetchedAt };
        try {
          const guild = (await rest.get(Routes.guild(guildId))) as APIGuild;
          const fetchedAt = now();
          await store.saveGuildLocale(guildId, guild.preferred_locale, fetchedAt);
          return { value: guild.preferred_locale, fetchedAt };
        } catch (error) {
          // The words of a post are not worth failing it for: the last known locale, else English; asked again next time.
          log.debug({ err: error, guildId }, 'guild locale not read; using the last known one');
          return { value: cached?.locale ?? 'en-US', fetchedAt: new Date(0) };
        }
      }),
    // Read fresh, not kept: asked only by /announce channel, where a manager may just have fixed the permissions.
    botPermissions: (channelId) => restBotPermissions(rest, channelId, options.botUserId),
    send: (channelId, body) => failed(channelId, () => calls.send(channelId, body)),
    startForumPost: (channelId, post) => failed(channelId, () => calls.startForumPost(channelId, post)),
    crosspost: (channelId, messageId) => failed(channelId, () => calls.crosspost(channelId, messageId)),
    startThread: (channelId, messageId, thread) => failed(channelId, () => calls.startThread(channelId, messageId, thread)),
  };
}

/** What announcing needs of a channel as REST describes it; undefined for one that takes no posts. */
export function channelInfoOf(raw: APIChannel): ChannelInfo | undefined {
  if (!('guild_id' in raw) || typeof raw.guild_id !== 'string') return undefined;
  switch (raw.type) {
    case ChannelType.GuildText:
      return { kind: 'text', guildId: raw.guild_id, tags: [] };
    case ChannelType.GuildAnnouncement:
      return { kind: 'news', guildId: raw.guild_id, tags: [] };
    case ChannelType.GuildForum:
      return { kind: 'forum', guildId: raw.guild_id, tags: raw.available_tags.map((t) => ({ id: t.id, name: t.name })) };
    default:
      return undefined;
  }
}
