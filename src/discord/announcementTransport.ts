import {
  ChannelType,
  Routes,
  type APIChannel,
  type APIGuild,
  type APIGuildMember,
  type APIGuildScheduledEvent,
  type GuildScheduledEventStatus,
  type RESTPostAPIGuildScheduledEventJSONBody,
  type APIMessage,
  type APIThreadChannel,
  type RESTPostAPIChannelMessageJSONBody,
  type ThreadAutoArchiveDuration,
} from 'discord-api-types/v10';
import { DiscordAPIError, type Channel, type Client, type REST } from 'discord.js';
import type { AnnouncementBody } from '../messages/announcementMessage.js';
import { channelPermissions } from './channelPermissions.js';
import type { MessageHistory } from './findEarlierPost.js';

/** What the announcer sends to and reads from Discord, behind an interface; `discordTransport` is the real one. */

export type ChannelKind = 'text' | 'news' | 'forum';

export interface ChannelInfo {
  kind: ChannelKind;
  guildId: string;
  /** Forum tags, to label episode posts. */
  tags: readonly { id: string; name: string }[];
}

/**
 * What the announcer needs from Discord: `discordTransport` fills it from the gateway client's caches and REST (role
 * all), `restTransport` (restTransport.ts) from REST alone, with what it reads kept in the store (role worker).
 */
export interface AnnouncementTransport extends MessageHistory {
  readonly botUserId: string;
  /**
   * A channel the bot can post to, as known (a cache), else asked of Discord. Undefined when Discord says it is gone
   * or the bot may not see it, or it is of a kind that takes no posts; throws when Discord cannot be asked.
   */
  channel(channelId: string): Promise<ChannelInfo | undefined>;
  /**
   * The same, asked of Discord now (GET /channels/{id}), which tells its guild: for /announce channel, which may be
   * sent any id. Undefined when Discord does not know it or the bot may not see it.
   */
  fetchChannel(channelId: string): Promise<ChannelInfo | undefined>;
  /**
   * The bot's permissions in a channel of a guild it is in, with the channel's overwrites, as Discord computes them;
   * undefined when Discord does not know the channel or the bot may not see it.
   */
  botPermissions(channelId: string): Promise<bigint | undefined>;
  /** The guild's preferred locale, for the announcement's words. */
  locale(guildId: string): Promise<string>;
  send(channelId: string, body: RESTPostAPIChannelMessageJSONBody): Promise<{ id: string }>;
  startForumPost(channelId: string, post: { name: string; message: AnnouncementBody; applied_tags?: string[] }): Promise<{ id: string }>;
  crosspost(channelId: string, messageId: string): Promise<void>;
  /** A public thread on a message (its id is the message's); Discord refuses a second one with 160004. */
  startThread(channelId: string, messageId: string, thread: { name: string; auto_archive_duration: ThreadAutoArchiveDuration }): Promise<{ id: string }>;
  activeThreads(guildId: string): Promise<{ id: string; parent_id?: string | null | undefined; name?: string | undefined }[]>;
  /** A guild's scheduled events (live shows). */
  scheduledEvents(guildId: string): Promise<APIGuildScheduledEvent[]>;
  scheduledEvent(guildId: string, eventId: string): Promise<APIGuildScheduledEvent>;
  createScheduledEvent(guildId: string, body: RESTPostAPIGuildScheduledEventJSONBody): Promise<APIGuildScheduledEvent>;
  /** Starts (ACTIVE) or ends (COMPLETED, CANCELED) an event. */
  setScheduledEventStatus(guildId: string, eventId: string, status: GuildScheduledEventStatus): Promise<void>;
  deleteScheduledEvent(guildId: string, eventId: string): Promise<void>;
}

/**
 * The gateway client's caches for channels and locales; `rest` for the posts (a client held to the process's share of
 * the request budget, apart from the gateway client's own REST, which carries the interaction replies: Discord does
 * not count those against the global limit, and a budget there would hold replies back past the 3 s window).
 */
export function discordTransport(client: Client<true>, rest: REST = client.rest): AnnouncementTransport {
  return {
    ...restCalls(rest),
    botUserId: client.user.id,
    // The gateway keeps the cache current (and drops a channel the bot can no longer see); one it lacks is asked of
    // Discord before it counts as gone, so a guild not loaded yet is not taken for a lost channel.
    channel: async (channelId) => channelInfo(client.channels.cache.get(channelId)) ?? (await fetchChannel(client, channelId)),
    fetchChannel: (channelId) => fetchChannel(client, channelId),
    locale: async (guildId) => client.guilds.cache.get(guildId)?.preferredLocale ?? 'en-US',
    botPermissions: async (channelId) => {
      // The gateway's caches (roles, overwrites and the bot's member, kept current by its events) when it has them.
      const channel = client.channels.cache.get(channelId);
      if (channel && 'guild' in channel && 'permissionsFor' in channel) {
        const me = channel.guild.members.me;
        if (me) return channel.permissionsFor(me).bitfield;
      }
      return restBotPermissions(rest, channelId, client.user.id);
    },
  };
}

/** The bot's permissions in a channel from REST alone: the channel's overwrites, the guild's roles, the bot's member. */
export async function restBotPermissions(rest: REST, channelId: string, botUserId: string): Promise<bigint | undefined> {
  let channel: APIChannel;
  try {
    channel = (await rest.get(Routes.channel(channelId))) as APIChannel;
  } catch (error) {
    if (error instanceof DiscordAPIError && (error.status === 403 || error.status === 404)) return undefined;
    throw error;
  }
  if (!('guild_id' in channel) || typeof channel.guild_id !== 'string') return undefined;
  const guildId = channel.guild_id;
  const [guild, member] = (await Promise.all([rest.get(Routes.guild(guildId)), rest.get(Routes.guildMember(guildId, botUserId))])) as [APIGuild, APIGuildMember];
  const overwrites = 'permission_overwrites' in channel ? (channel.permission_overwrites ?? []) : [];
  return channelPermissions(guild, { roles: member.roles, userId: botUserId }, overwrites);
}

/** The calls that post and read messages: the same REST requests whoever makes them (a gateway client or a worker). */
type RestCall =
  | 'send'
  | 'startForumPost'
  | 'crosspost'
  | 'startThread'
  | 'messages'
  | 'activeThreads'
  | 'scheduledEvents'
  | 'scheduledEvent'
  | 'createScheduledEvent'
  | 'setScheduledEventStatus'
  | 'deleteScheduledEvent';

export function restCalls(rest: REST): Pick<AnnouncementTransport, RestCall> {
  return {
    send: async (channelId, body) => (await rest.post(Routes.channelMessages(channelId), { body })) as APIMessage,
    startForumPost: async (channelId, post) => (await rest.post(Routes.threads(channelId), { body: post })) as APIThreadChannel,
    crosspost: async (channelId, messageId) => {
      await rest.post(Routes.channelMessageCrosspost(channelId, messageId));
    },
    startThread: async (channelId, messageId, thread) => (await rest.post(Routes.threads(channelId, messageId), { body: thread })) as APIThreadChannel,
    messages: async (channelId, { after, before, limit }) => {
      const query = new URLSearchParams({ limit: String(limit) });
      if (after !== undefined) query.set('after', after);
      if (before !== undefined) query.set('before', before);
      return (await rest.get(Routes.channelMessages(channelId), { query })) as APIMessage[];
    },
    activeThreads: async (guildId) =>
      ((await rest.get(Routes.guildActiveThreads(guildId))) as { threads: APIThreadChannel[] }).threads,
    scheduledEvents: async (guildId) => (await rest.get(Routes.guildScheduledEvents(guildId))) as APIGuildScheduledEvent[],
    scheduledEvent: async (guildId, eventId) => (await rest.get(Routes.guildScheduledEvent(guildId, eventId))) as APIGuildScheduledEvent,
    createScheduledEvent: async (guildId, body) => (await rest.post(Routes.guildScheduledEvents(guildId), { body })) as APIGuildScheduledEvent,
    setScheduledEventStatus: async (guildId, eventId, status) => {
      await rest.patch(Routes.guildScheduledEvent(guildId, eventId), { body: { status } });
    },
    deleteScheduledEvent: async (guildId, eventId) => {
      await rest.delete(Routes.guildScheduledEvent(guildId, eventId));
    },
  };
}

async function fetchChannel(client: Client<true>, channelId: string): Promise<ChannelInfo | undefined> {
  try {
    // The cache first; a channel of a guild the client has not cached comes back from REST with its guild id.
    return channelInfo(await client.channels.fetch(channelId, { allowUnknownGuild: true }));
  } catch (error) {
    if (error instanceof DiscordAPIError && (error.status === 403 || error.status === 404)) return undefined;
    throw error;
  }
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
