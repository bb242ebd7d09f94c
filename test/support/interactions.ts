/**
 * Builders for INTERACTION_CREATE payloads as Discord sends them to a guild-installed bot, typed with
 * discord-api-types/v10, aimed at the default world of ./fakeDiscord.ts (its guild, text channel, app).
 *
 *   fake.sendInteraction(chatInput('episode', { query: 'pilot', limit: 3 }))
 *   fake.sendInteraction(chatInput('podcast feeds add', { url: 'https://…' }, { admin: true }))  // group + subcommand
 *   fake.sendInteraction(autocomplete('episode', { podcast: 'x', query: 'pil' }, { focused: 'query' }))
 *   fake.sendInteraction(button('episode:next:2', botMessage({ content: 'Page 1' })))
 *
 * Option values: string -> STRING, whole number -> INTEGER, other number -> NUMBER, boolean -> BOOLEAN;
 * pass `{ type: ApplicationCommandOptionType.Number, value: 3 }` (or `number(3)`) to choose the type,
 * `{ value, focused: true }` to mark the focused option of an autocomplete.
 * Common options (`InteractionOptions`): userId, username, permissions (string bitfield; default
 * MEMBER_PERMISSIONS, `admin: true` gives ADMIN_PERMISSIONS which adds Manage Server), roles, locale,
 * guildLocale, guildId, channelId, channelType, applicationId, commandId, appPermissions.
 */
import { randomBytes } from 'node:crypto';
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ChannelType,
  ComponentType,
  InteractionContextType,
  InteractionType,
  Locale,
  MessageType,
} from 'discord-api-types/v10';
import type {
  APIActionRowComponent,
  APIApplicationCommandAutocompleteGuildInteraction,
  APIApplicationCommandInteractionDataBasicOption,
  APIApplicationCommandInteractionDataOption,
  APIChatInputApplicationCommandGuildInteraction,
  APIComponentInMessageActionRow,
  APIEmbed,
  APIInteractionGuildMember,
  APIMessage,
  APIMessageComponentGuildInteraction,
  APIUser,
  GuildMemberFlags,
  Snowflake,
} from 'discord-api-types/v10';
import { ADMIN_PERMISSIONS, BOT_PERMISSIONS, FAKE_IDS, MEMBER_PERMISSIONS, snowflake } from './fakeDiscord.js';

export { ADMIN_PERMISSIONS, BOT_PERMISSIONS, MEMBER_PERMISSIONS } from './fakeDiscord.js';

export interface TypedOptionValue {
  type?: ApplicationCommandOptionType;
  value: string | number | boolean;
  focused?: boolean;
}
export type OptionValue = string | number | boolean | TypedOptionValue;
export type OptionsInput = Record<string, OptionValue> | APIApplicationCommandInteractionDataBasicOption[];

export interface InteractionOptions {
  userId?: Snowflake;
  username?: string;
  /** Member permissions as a string bitfield (`member.permissions`). Default MEMBER_PERMISSIONS. */
  permissions?: string;
  /** Shorthand for `permissions: ADMIN_PERMISSIONS` (member + Manage Server). */
  admin?: boolean;
  roles?: Snowflake[];
  locale?: Locale;
  guildLocale?: Locale;
  guildId?: Snowflake;
  channelId?: Snowflake;
  channelType?: ChannelType.GuildText | ChannelType.GuildAnnouncement | ChannelType.PublicThread;
  applicationId?: Snowflake;
  /** data.id of the command; default a fresh snowflake (pass the registered id to match the cache). */
  commandId?: Snowflake;
  /** Bot permissions in the channel (`app_permissions`). Default BOT_PERMISSIONS. */
  appPermissions?: string;
}

export const integer = (value: number): TypedOptionValue => ({ type: ApplicationCommandOptionType.Integer, value });
export const number = (value: number): TypedOptionValue => ({ type: ApplicationCommandOptionType.Number, value });
export const focused = (value: string): TypedOptionValue => ({ value, focused: true });

export function interactionUser(opts: InteractionOptions = {}): APIUser {
  return {
    id: opts.userId ?? FAKE_IDS.userId,
    username: opts.username ?? 'listener',
    discriminator: '0',
    global_name: opts.username ?? 'Listener',
    avatar: null,
  };
}

function member(opts: InteractionOptions): APIInteractionGuildMember {
  return {
    user: interactionUser(opts),
    nick: null,
    avatar: null,
    banner: null,
    roles: opts.roles ?? [],
    joined_at: '2024-01-01T00:00:00.000Z',
    premium_since: null,
    deaf: false,
    mute: false,
    pending: false,
    flags: 0 as GuildMemberFlags,
    communication_disabled_until: null,
    permissions: opts.permissions ?? (opts.admin ? ADMIN_PERMISSIONS : MEMBER_PERMISSIONS),
  };
}

type InteractionChannel = NonNullable<APIChatInputApplicationCommandGuildInteraction['channel']>;

/** The fields every guild interaction shares. */
function base(opts: InteractionOptions) {
  const guildId = opts.guildId ?? FAKE_IDS.guildId;
  const channelId = opts.channelId ?? FAKE_IDS.textChannelId;
  const channelType = opts.channelType ?? ChannelType.GuildText;
  return {
    id: snowflake(),
    application_id: opts.applicationId ?? FAKE_IDS.applicationId,
    token: `aW50ZXJhY3Rpb24${randomBytes(24).toString('base64url')}`,
    version: 1 as const,
    guild_id: guildId,
    guild: { id: guildId, locale: opts.guildLocale ?? Locale.EnglishUS, features: [] },
    channel_id: channelId,
    channel: {
      id: channelId,
      type: channelType,
      guild_id: guildId,
      name: channelType === ChannelType.GuildAnnouncement ? 'new-episodes' : 'general',
      position: 0,
      nsfw: false,
      parent_id: null,
      rate_limit_per_user: 0,
      last_message_id: null,
      topic: null,
      permissions: opts.appPermissions ?? BOT_PERMISSIONS,
    } as InteractionChannel,
    member: member(opts),
    app_permissions: opts.appPermissions ?? BOT_PERMISSIONS,
    locale: opts.locale ?? Locale.EnglishUS,
    guild_locale: opts.guildLocale ?? Locale.EnglishUS,
    entitlements: [],
    authorizing_integration_owners: { '0': guildId },
    context: InteractionContextType.Guild,
    attachment_size_limit: 10 * 1024 * 1024,
  };
}

function toOption(name: string, raw: OptionValue): APIApplicationCommandInteractionDataBasicOption {
  const typed: TypedOptionValue = typeof raw === 'object' ? raw : { value: raw };
  const type =
    typed.type ??
    (typeof typed.value === 'string'
      ? ApplicationCommandOptionType.String
      : typeof typed.value === 'boolean'
        ? ApplicationCommandOptionType.Boolean
        : Number.isInteger(typed.value)
          ? ApplicationCommandOptionType.Integer
          : ApplicationCommandOptionType.Number);
  return {
    name,
    type,
    value: typed.value,
    ...(typed.focused ? { focused: true } : {}),
  } as APIApplicationCommandInteractionDataBasicOption;
}

function buildOptions(options: OptionsInput | undefined, focusedName?: string): APIApplicationCommandInteractionDataBasicOption[] {
  if (!options) return [];
  const list = Array.isArray(options) ? options : Object.entries(options).map(([name, value]) => toOption(name, value));
  if (focusedName === undefined) return list;
  if (!list.some((o) => o.name === focusedName)) throw new Error(`autocomplete: no option named ${focusedName}`);
  return list.map((o) => (o.name === focusedName ? ({ ...o, focused: true } as typeof o) : o));
}

/** "cmd", "cmd sub" or "cmd group sub" -> command name + nested options. */
function nest(path: string, leaf: APIApplicationCommandInteractionDataBasicOption[]): {
  name: string;
  options: APIApplicationCommandInteractionDataOption[];
} {
  const [name, ...rest] = path.trim().split(/\s+/);
  if (!name || rest.length > 2) throw new Error(`command path must be "cmd [group] [sub]": ${path}`);
  if (rest.length === 0) return { name, options: leaf };
  const sub = { name: rest[rest.length - 1]!, type: ApplicationCommandOptionType.Subcommand as const, options: leaf };
  if (rest.length === 1) return { name, options: [sub] };
  return { name, options: [{ name: rest[0]!, type: ApplicationCommandOptionType.SubcommandGroup, options: [sub] }] };
}

/** A slash command invocation. `name` may include a subcommand group and subcommand: "podcast feeds add". */
export function chatInput(
  name: string,
  options?: OptionsInput,
  opts: InteractionOptions = {},
): APIChatInputApplicationCommandGuildInteraction {
  const nested = nest(name, buildOptions(options));
  const common = base(opts);
  return {
    ...common,
    type: InteractionType.ApplicationCommand,
    data: {
      id: opts.commandId ?? snowflake(),
      name: nested.name,
      type: ApplicationCommandType.ChatInput,
      guild_id: common.guild_id,
      ...(nested.options.length ? { options: nested.options as never } : {}),
    },
  };
}

/**
 * An autocomplete request. The focused option is `opts.focused`, else the one given as `focused(value)`
 * / `{ value, focused: true }`, else the last option.
 */
export function autocomplete(
  name: string,
  options: OptionsInput,
  opts: InteractionOptions & { focused?: string } = {},
): APIApplicationCommandAutocompleteGuildInteraction {
  let list = buildOptions(options, opts.focused);
  if (!list.some((o) => 'focused' in o && o.focused)) {
    const last = list[list.length - 1];
    if (!last) throw new Error('autocomplete needs at least one option');
    list = buildOptions(list, last.name);
  }
  const nested = nest(name, list);
  const common = base(opts);
  return {
    ...common,
    type: InteractionType.ApplicationCommandAutocomplete,
    data: {
      id: opts.commandId ?? snowflake(),
      name: nested.name,
      type: ApplicationCommandType.ChatInput,
      guild_id: common.guild_id,
      options: nested.options as never,
    },
  };
}

/** A message the bot posted earlier (e.g. the one carrying the buttons a user clicks). */
export function botMessage(
  init: {
    content?: string;
    embeds?: APIEmbed[];
    components?: APIActionRowComponent<APIComponentInMessageActionRow>[];
    channelId?: Snowflake;
    applicationId?: Snowflake;
    id?: Snowflake;
  } = {},
): APIMessage {
  const applicationId = init.applicationId ?? FAKE_IDS.applicationId;
  return {
    id: init.id ?? snowflake(),
    channel_id: init.channelId ?? FAKE_IDS.textChannelId,
    author: {
      id: applicationId,
      username: 'Podcord',
      discriminator: '0000',
      global_name: null,
      avatar: null,
      bot: true,
    },
    content: init.content ?? '',
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: init.embeds ?? [],
    components: init.components ?? [],
    pinned: false,
    type: MessageType.Default,
    application_id: applicationId,
  };
}

/** A click on the button `customId` of `message` (default: a bot message carrying that button). */
export function button(customId: string, message?: APIMessage, opts: InteractionOptions = {}): APIMessageComponentGuildInteraction {
  const msg =
    message ??
    botMessage({
      ...(opts.channelId ? { channelId: opts.channelId } : {}),
      components: [
        {
          type: ComponentType.ActionRow,
          components: [{ type: ComponentType.Button, style: 1, custom_id: customId, label: customId.slice(0, 80) }],
        },
      ],
    });
  return {
    ...base({ ...opts, channelId: opts.channelId ?? msg.channel_id }),
    type: InteractionType.MessageComponent,
    message: msg,
    data: { custom_id: customId, component_type: ComponentType.Button },
  };
}
