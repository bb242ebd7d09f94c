import { ChannelType, Routes, type APIChannel, type APIGuild } from 'discord-api-types/v10';
import { DiscordAPIError, type REST } from 'discord.js';
import type { Logger } from 'pino';
import type { Store } from '../store/Store.js';
import { restCalls, type AnnouncementTransport, type ChannelInfo } from './announcementTransport.js';
import { lostChannel } from './postFailure.js';

/**
 * The announcer's transport for a process without a gateway connection (role worker): Discord's REST API only, through
 * discord.js's REST client. What the gateway would have cached (a channel's kind, guild and forum tags; a guild's
 * locale) is asked of Discord (GET /channels/{id}, GET /guilds/{id}) and kept in the store with when it was read, so
 * every worker shares one copy and asks again only once it is older than `cacheMs`. A channel Discord refuses is
 * dropped from the store, so the next look asks again.
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

  async function fetchChannel(channelId: string): Promise<ChannelInfo | undefined> {
    let raw: APIChannel;
    try {
      raw = (await rest.get(Routes.channel(channelId))) as APIChannel;
    } catch (error) {
      if (error instanceof DiscordAPIError && (error.status === 403 || error.status === 404)) {
        await store.dropChannelInfo(channelId);
        return undefined;
      }
      throw error;
    }
    const info = channelInfoOf(raw);
    if (info === undefined) await store.dropChannelInfo(channelId);
    else await store.saveChannelInfo(channelId, { ...info, tags: [...info.tags], fetchedAt: now() });
    return info;
  }

  /** A post refused because the channel is lost: what was known of it is stale. */
  async function failed<T>(channelId: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (lostChannel(error)) await store.dropChannelInfo(channelId).catch(() => undefined);
      throw error;
    }
  }

  return {
    ...calls,
    botUserId: options.botUserId,
    async channel(channelId) {
      const cached = await store.getChannelInfo(channelId);
      if (cached !== undefined && fresh(cached.fetchedAt)) return { kind: cached.kind, guildId: cached.guildId, tags: cached.tags };
      return fetchChannel(channelId);
    },
    fetchChannel,
    async locale(guildId) {
      const cached = await store.getGuildLocale(guildId);
      if (cached !== undefined && fresh(cached.fetchedAt)) return cached.locale;
      try {
        const guild = (await rest.get(Routes.guild(guildId))) as APIGuild;
        await store.saveGuildLocale(guildId, guild.preferred_locale, now());
        return guild.preferred_locale;
      } catch (error) {
        // The words of a post are not worth failing it for: the last known locale, else English.
        log.debug({ err: error, guildId }, 'guild locale not read; using the last known one');
        return cached?.locale ?? 'en-US';
      }
    },
    send: (channelId, body) => failed(channelId, () => calls.send(channelId, body)),
    startForumPost: (channelId, post) => failed(channelId, () => calls.startForumPost(channelId, post)),
    crosspost: (channelId, messageId) => failed(channelId, () => calls.crosspost(channelId, messageId)),
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
