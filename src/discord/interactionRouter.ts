import {
  MessageFlags,
  type Interaction,
  type InteractionEditReplyOptions,
  type InteractionReplyOptions,
  type InteractionUpdateOptions,
  type MessageMentionOptions,
} from 'discord.js';
import type { APIInteractionResponseCallbackData } from 'discord-api-types/v10';
import { canManageGuild, focusedOption, optionValues, type Asker, type IncomingInteraction } from '../interactions/IncomingInteraction.js';
import type { InteractionCore, Responder } from '../interactions/InteractionCore.js';

/**
 * The gateway's way in: a discord.js Interaction becomes the core's IncomingInteraction, and what the core decides is
 * sent with discord.js's own reply methods (its REST queue, rate-limit handling and retries, its interaction state).
 */

export interface RouterOptions {
  /** The same core the HTTP endpoint uses. */
  core: InteractionCore;
}

export interface InteractionRouter {
  handle(interaction: Interaction): Promise<void>;
  /** Resolves when every interaction already being handled has been answered (for a graceful shutdown). */
  drain(): Promise<void>;
}

export function createInteractionRouter({ core }: RouterOptions): InteractionRouter {
  return {
    handle(interaction) {
      const incoming = incomingFrom(interaction);
      // Context menus, select menus and modals: Podcord registers none.
      if (incoming === undefined) return Promise.resolve();
      return core.handle(incoming, responderFor(interaction));
    },
    drain: () => core.drain(),
  };
}

function incomingFrom(interaction: Interaction): IncomingInteraction | undefined {
  const asker: Asker = {
    id: interaction.id,
    locale: interaction.locale,
    userId: interaction.user.id,
    ...(interaction.guildId !== null && { guildId: interaction.guildId }),
    canManageGuild: canManageGuild(interaction.memberPermissions?.bitfield),
  };
  if (interaction.isChatInputCommand()) {
    return { ...asker, kind: 'command', commandName: interaction.commandName, options: optionValues(interaction.options.data) };
  }
  if (interaction.isAutocomplete()) {
    const focused = focusedOption(interaction.options.data);
    if (focused === undefined) return undefined;
    return { ...asker, kind: 'autocomplete', commandName: interaction.commandName, options: optionValues(interaction.options.data), focused };
  }
  if (interaction.isButton()) return { ...asker, kind: 'button', customId: interaction.customId };
  return undefined;
}

/** discord.js spells mentions in camelCase; the body's `allowed_mentions` as the API does. */
function mentionsOf(body: APIInteractionResponseCallbackData): MessageMentionOptions | undefined {
  const mentions = body.allowed_mentions;
  if (mentions === undefined) return undefined;
  return {
    ...(mentions.parse !== undefined && { parse: mentions.parse }),
    ...(mentions.roles !== undefined && { roles: mentions.roles }),
    ...(mentions.users !== undefined && { users: mentions.users }),
    ...(mentions.replied_user !== undefined && { repliedUser: mentions.replied_user }),
  };
}

/** The message part of a body (no flags), as discord.js's options: what a reply, an edit and an update all take. */
type MessageOptions = Pick<InteractionReplyOptions & InteractionEditReplyOptions & InteractionUpdateOptions, 'content' | 'embeds' | 'components' | 'allowedMentions'>;

function messageOptions(body: APIInteractionResponseCallbackData): MessageOptions {
  const allowedMentions = mentionsOf(body);
  return {
    content: body.content ?? '',
    embeds: body.embeds ?? [],
    components: body.components ?? [],
    ...(allowedMentions && { allowedMentions }),
  };
}

function replyOptions(body: APIInteractionResponseCallbackData): InteractionReplyOptions {
  const ephemeral = ((body.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
  return { ...messageOptions(body), ...(ephemeral && { flags: MessageFlags.Ephemeral }) };
}

function responderFor(interaction: Interaction): Responder {
  const repliable = () => {
    if (!interaction.isRepliable()) throw new Error(`interaction ${interaction.id} cannot be replied to`);
    return interaction;
  };
  return {
    async reply(body) {
      await repliable().reply(replyOptions(body));
    },
    async update(body) {
      if (!interaction.isMessageComponent()) throw new Error(`interaction ${interaction.id} is on no message`);
      await interaction.update(messageOptions(body));
    },
    async choices(choices) {
      if (!interaction.isAutocomplete()) throw new Error(`interaction ${interaction.id} is no autocomplete`);
      await interaction.respond(choices);
    },
    async defer(ephemeral) {
      await repliable().deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
    },
    async editOriginal(body) {
      await repliable().editReply(messageOptions(body));
    },
    async followUp(body) {
      await repliable().followUp(replyOptions(body));
    },
    async deleteOriginal() {
      await repliable().deleteReply();
    },
  };
}
