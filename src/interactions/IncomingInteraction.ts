import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ComponentType,
  InteractionType,
  PermissionFlagsBits,
  type APIInteraction,
} from 'discord-api-types/v10';
import type { OptionValues } from '../commands/command.js';

/**
 * An interaction as the core needs it, whichever way it came: Discord's JSON POSTed to the HTTP endpoint
 * (fromApiInteraction) or a discord.js Interaction from the gateway (src/discord/interactionRouter).
 */
export type IncomingInteraction =
  | (Asker & { kind: 'command'; commandName: string; options: OptionValues })
  | (Asker & { kind: 'autocomplete'; commandName: string; options: OptionValues; focused: { name: string; value: string } })
  | (Asker & { kind: 'button'; customId: string });

export interface Asker {
  id: string;
  /** The asker's language (Discord sends it with every interaction). */
  locale: string;
  userId: string;
  /** Undefined in a direct message. */
  guildId?: string;
  /** Manage Server (or Administrator), as Discord computed it for this member in this channel. */
  canManageGuild: boolean;
}

/** An option as both Discord's JSON and discord.js's `options.data` have it. */
export interface RawOption {
  readonly name: string;
  readonly type: number;
  readonly value?: string | number | boolean;
  readonly focused?: boolean;
  readonly options?: readonly RawOption[];
}

/** Options flattened to name -> value; a subcommand (and group) arrives as `subcommand` (`group`). */
export function optionValues(data: readonly RawOption[]): OptionValues {
  const out: Record<string, string | number | boolean> = {};
  const walk = (options: readonly RawOption[]): void => {
    for (const o of options) {
      if (o.options) {
        out[o.type === ApplicationCommandOptionType.SubcommandGroup ? 'group' : 'subcommand'] = o.name;
        walk(o.options);
      } else if (o.value !== undefined) {
        out[o.name] = o.value;
      } else if (o.type === ApplicationCommandOptionType.Subcommand) {
        out['subcommand'] = o.name;
      }
    }
  };
  walk(data);
  return out;
}

/** The option being typed in an autocomplete, at any depth; undefined when none is marked. */
export function focusedOption(data: readonly RawOption[]): { name: string; value: string } | undefined {
  for (const o of data) {
    if (o.focused === true && o.value !== undefined) return { name: o.name, value: String(o.value) };
    const inner = o.options && focusedOption(o.options);
    if (inner) return inner;
  }
  return undefined;
}

/** Administrator implies every permission, as Discord (and discord.js's `has`) treat it. */
export function canManageGuild(permissions: bigint | undefined): boolean {
  if (permissions === undefined) return false;
  return (permissions & (PermissionFlagsBits.ManageGuild | PermissionFlagsBits.Administrator)) !== 0n;
}

/**
 * Discord's JSON of a slash command, its autocomplete or a button click; undefined for what Podcord has no handler of
 * (a PING, context menus, select menus, modals).
 */
export function fromApiInteraction(interaction: APIInteraction): IncomingInteraction | undefined {
  if (interaction.type === InteractionType.Ping) return undefined;
  const user = interaction.member?.user ?? interaction.user;
  if (user === undefined) return undefined;
  let permissions: bigint | undefined;
  try {
    permissions = interaction.member ? BigInt(interaction.member.permissions) : undefined;
  } catch {
    permissions = undefined;
  }
  const asker: Asker = {
    id: interaction.id,
    locale: interaction.locale,
    userId: user.id,
    ...(interaction.guild_id !== undefined && { guildId: interaction.guild_id }),
    canManageGuild: canManageGuild(permissions),
  };
  switch (interaction.type) {
    case InteractionType.ApplicationCommand: {
      if (interaction.data.type !== ApplicationCommandType.ChatInput) return undefined;
      return { ...asker, kind: 'command', commandName: interaction.data.name, options: optionValues(interaction.data.options ?? []) };
    }
    case InteractionType.ApplicationCommandAutocomplete: {
      const options = interaction.data.options ?? [];
      const focused = focusedOption(options);
      if (focused === undefined) return undefined;
      return { ...asker, kind: 'autocomplete', commandName: interaction.data.name, options: optionValues(options), focused };
    }
    case InteractionType.MessageComponent:
      if (interaction.data.component_type !== ComponentType.Button) return undefined;
      return { ...asker, kind: 'button', customId: interaction.data.custom_id };
    default:
      return undefined;
  }
}
