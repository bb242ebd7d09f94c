import { PermissionFlagsBits, type APIGuild, type APIGuildMember, type APIOverwrite, type APIRole } from 'discord-api-types/v10';
import { PermissionsBitField } from 'discord.js';
import type { AnnouncePermission } from '../commands/command.js';
import type { ChannelKind } from './announcementTransport.js';

/**
 * The permissions announcing needs in a channel, and the bot's permissions there computed from what Discord says
 * (roles, channel overwrites), for `/announce channel` to name what is missing before the first post fails.
 */

/**
 * What posting in a channel of this kind takes, in the order a manager would fix them.
 *
 * - Every kind: View Channel, and Embed Links (without it Discord posts the message with its embed silently dropped).
 * - Text and announcement channels: Send Messages, and Read Message History (a post whose confirmation was lost is
 *   looked for among the channel's messages; without it Discord answers with none, and the post would be doubled).
 *   Publishing in an announcement channel needs nothing more: Discord lets a bot crosspost its own messages with Send
 *   Messages (Manage Messages is for other people's messages).
 * - Forum channels: Send Messages, which Discord shows there as "Create Posts".
 * - With a thread per episode: Create Public Threads on a text or announcement channel (a forum post is a thread
 *   already), and Send Messages in Threads for the chapter list posted in it.
 */
export function requiredPermissions(kind: ChannelKind, options: { thread: boolean }): AnnouncePermission[] {
  const needed: AnnouncePermission[] = ['ViewChannel', 'SendMessages', 'EmbedLinks'];
  if (kind !== 'forum') needed.push('ReadMessageHistory');
  if (options.thread) {
    if (kind !== 'forum') needed.push('CreatePublicThreads');
    needed.push('SendMessagesInThreads');
  }
  return needed;
}

/** Those of `needed` that `permissions` lacks. */
export function missingPermissions<P extends AnnouncePermission | 'CreateEvents'>(permissions: bigint, needed: readonly P[]): P[] {
  const have = new PermissionsBitField(permissions);
  return needed.filter((name) => !have.has(PermissionFlagsBits[name], true));
}

/**
 * A member's permissions in a channel from REST objects, as Discord computes them (and discord.js's
 * GuildChannel#permissionsFor from its caches): the @everyone role and the member's roles, everything for the owner or
 * an administrator, then the channel's overwrites for @everyone, for the member's roles together, and for the member.
 */
export function channelPermissions(
  guild: Pick<APIGuild, 'id' | 'owner_id' | 'roles'>,
  member: Pick<APIGuildMember, 'roles'> & { userId: string },
  overwrites: readonly APIOverwrite[],
): bigint {
  if (member.userId === guild.owner_id) return PermissionsBitField.All;
  const roleById = new Map<string, APIRole>(guild.roles.map((role) => [role.id, role]));
  const memberRoles = new Set(member.roles);
  const permissions = new PermissionsBitField(
    [guild.id, ...member.roles].map((id) => BigInt(roleById.get(id)?.permissions ?? '0')),
  );
  if (permissions.has(PermissionFlagsBits.Administrator, false)) return PermissionsBitField.All;
  const everyone = overwrites.find((o) => o.id === guild.id);
  const roles = overwrites.filter((o) => o.id !== guild.id && memberRoles.has(o.id));
  const own = overwrites.find((o) => o.id === member.userId);
  const bits = (values: readonly (string | undefined)[]): bigint[] => values.map((value) => BigInt(value ?? '0'));
  return permissions
    .remove(bits([everyone?.deny]))
    .add(bits([everyone?.allow]))
    .remove(bits(roles.map((o) => o.deny)))
    .add(bits(roles.map((o) => o.allow)))
    .remove(bits([own?.deny]))
    .add(bits([own?.allow])).bitfield;
}
