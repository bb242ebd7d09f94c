import {
  MessageFlags,
  type APIAllowedMentions,
  type APIApplicationCommandOptionChoice,
  type APIInteractionResponseCallbackData,
} from 'discord-api-types/v10';
import type { CommandResult, Reply } from '../commands/command.js';
import { clip, clipProse, cutToFit } from '../data/text/clip.js';
import { LIMITS } from './embeds.js';

/**
 * What an answer to an interaction looks like as Discord's API takes it: the body of an interaction response, of an
 * edit of the original response, or of a follow-up. The gateway path hands it to discord.js, the HTTP endpoint puts it
 * in its HTTP response or sends it through @discordjs/rest; both get the same bytes' worth of message.
 */

/** Nothing an answer says pings anyone (feed text can hold @everyone or role mentions). */
export const NO_MENTIONS: APIAllowedMentions = { parse: [], replied_user: false };

/** Autocomplete: Discord takes at most 25 choices of at most 100 characters (name and value). */
const MAX_CHOICES = 25;

/**
 * A reply, or an expected failure (shown only to the person who asked); `ephemeral` makes any reply so. `flags` is
 * set only for an ephemeral answer.
 */
export function replyBody(result: CommandResult, ephemeral = false): APIInteractionResponseCallbackData {
  const reply: Reply = result.ok ? result.value : { content: `⚠️ ${result.error}`, ephemeral: true };
  return {
    // Errors may echo what was typed (a feed's address): never past the limit, never with half a URL.
    content: clipProse(reply.content ?? '', LIMITS.content),
    embeds: reply.embeds ?? [],
    components: reply.components ?? [],
    allowed_mentions: NO_MENTIONS,
    ...((reply.ephemeral === true || ephemeral) && { flags: MessageFlags.Ephemeral }),
  };
}

/** Whether an answer is for the asker alone. */
export function isEphemeral(body: APIInteractionResponseCallbackData): boolean {
  return ((body.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
}

/** The same message without its flags: an edit cannot change who sees a message, and a page turn keeps its own. */
export function withoutFlags(body: APIInteractionResponseCallbackData): APIInteractionResponseCallbackData {
  const { flags: _flags, ...rest } = body;
  return rest;
}

/** The apology of the error funnel (something went wrong, the database is busy): for the asker alone. */
export function apologyBody(content: string): APIInteractionResponseCallbackData {
  return { content, flags: MessageFlags.Ephemeral, allowed_mentions: NO_MENTIONS };
}

/** Autocomplete choices within Discord's limits: 25 at most, names and values of at most 100 characters. */
export function choicesBody(choices: readonly APIApplicationCommandOptionChoice<string>[]): APIApplicationCommandOptionChoice<string>[] {
  return (
    choices
      // Discord refuses the whole list for one empty name.
      .filter((c) => c.name.trim() !== '')
      .slice(0, MAX_CHOICES)
      .map((c) => ({ name: clip(c.name, LIMITS.choice), value: cutToFit(c.value, LIMITS.choice) }))
  );
}
