import {
  MessageFlags,
  PermissionFlagsBits,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  type Interaction,
  type InteractionReplyOptions,
} from 'discord.js';
import type { APIInteractionResponseCallbackData } from 'discord-api-types/v10';
import type { ButtonHandler, CommandResult, Deps, Invocation, OptionValues, Reply, SlashCommand } from '../commands/command.js';
import type { Scope } from '../data/catalog.js';
import { clip, clipProse, cutToFit } from '../data/text/clip.js';
import { StoreBusyError } from '../store/StoreBusyError.js';
import { LIMITS } from '../messages/embeds.js';
import type { InteractionCallbacks } from './InteractionCallbacks.js';
import { stringsFor } from '../messages/strings.js';

/** Discord gives 3 s to answer; past this a slow handler's reply is deferred and sent as an edit. */
const DEFER_AFTER_MS = 2_000;
const NO_MENTIONS = { parse: [] as const, repliedUser: false };
/** The same, as the API spells it in a callback body. */
const NO_MENTIONS_API = { parse: [], replied_user: false };

export interface RouterOptions {
  commands: readonly SlashCommand[];
  buttons: readonly ButtonHandler[];
  deps: Deps;
  /** Sends replies, page turns and autocomplete choices (the rare deferred reply goes through discord.js). */
  callbacks: InteractionCallbacks;
  /** The podcasts a guild sees (its follows plus the shared ones); undefined: a direct message. */
  scopeFor: (guildId: string | undefined) => Scope;
}

export interface InteractionRouter {
  handle(interaction: Interaction): Promise<void>;
  /** Resolves when every interaction already being handled has been answered (for a graceful shutdown). */
  drain(): Promise<void>;
}

/** The one place interactions enter, and the one error funnel: everything unexpected is logged and apologised for. */
export function createInteractionRouter(options: RouterOptions): InteractionRouter {
  const commands = new Map(options.commands.map((c) => [c.data.name, c]));
  const buttons = new Map(options.buttons.map((b) => [b.prefix, b]));
  const { deps, callbacks } = options;
  const inFlight = new Set<Promise<void>>();

  async function route(interaction: Interaction): Promise<void> {
    const invocation = invocationOf(interaction, options.scopeFor(interaction.guildId ?? undefined));
    const context = {
      interactionId: interaction.id,
      guildId: interaction.guildId,
      userId: interaction.user.id,
      command: interaction.isCommand() || interaction.isAutocomplete() ? interaction.commandName : undefined,
      customId: interaction.isMessageComponent() ? interaction.customId : undefined,
    };
    try {
      if (interaction.isChatInputCommand()) {
        const command = commands.get(interaction.commandName);
        if (!command) throw new Error(`No handler for /${interaction.commandName}`);
        await answerCommand(interaction, callbacks, command.ephemeral === true, () => command.run(optionValues(interaction.options.data), invocation, deps));
      } else if (interaction.isAutocomplete()) {
        const command = commands.get(interaction.commandName);
        const focused = interaction.options.getFocused(true);
        const found = command?.autocomplete?.({ name: focused.name, value: String(focused.value) }, optionValues(interaction.options.data), invocation, deps) ?? [];
        // Choices found from memory go out in the same tick: an await would first let every interaction queued
        // behind this one (a burst arrives in one read) run, and this one would wait for all of them.
        const choices = found instanceof Promise ? await found : found;
        await callbacks.choices(
          interaction,
          // Discord refuses the whole list for one empty name.
          choices
            .filter((c) => c.name.trim() !== '')
            .slice(0, 25)
            .map((c) => ({ name: clip(c.name, LIMITS.choice), value: cutToFit(c.value, LIMITS.choice) })),
        );
      } else if (interaction.isButton()) {
        const [prefix = '', ...args] = interaction.customId.split(':');
        const handler = buttons.get(prefix);
        if (!handler) throw new Error(`No handler for button ${prefix}`);
        await answerButton(interaction, callbacks, handler, () => handler.run(args, invocation, deps));
      }
      deps.log.debug(context, 'interaction answered');
    } catch (error) {
      const s = stringsFor(invocation.locale);
      // Another process held the database: nothing was saved, and the asker is told that rather than "went wrong".
      const busy = error instanceof StoreBusyError;
      if (busy) deps.log.warn({ ...context, err: error }, 'interaction not done: the database is busy');
      else deps.log.error({ ...context, err: error }, 'interaction failed');
      await apologise(interaction, callbacks, busy ? s.databaseBusy : s.unexpected).catch((e: unknown) =>
        deps.log.warn({ ...context, err: e }, 'could not send the apology'),
      );
    }
  }

  return {
    handle(interaction) {
      const p = route(interaction).finally(() => inFlight.delete(p));
      inFlight.add(p);
      return p;
    },
    async drain() {
      await Promise.allSettled([...inFlight]);
    },
  };
}

/** `ephemeral`: the command's answers are for the asker alone (SlashCommand.ephemeral), whatever the handler says. */
async function answerCommand(
  interaction: ChatInputCommandInteraction,
  callbacks: InteractionCallbacks,
  ephemeral: boolean,
  run: () => CommandResult | Promise<CommandResult>,
): Promise<void> {
  const answer = run();
  // Most handlers answer from memory at once: only a pending one (a feed fetch) needs the deferral timer.
  const first = answer instanceof Promise ? await settledWithin(answer, DEFER_AFTER_MS) : answer;
  if (first !== undefined) {
    await callbacks.reply(interaction, toCallbackData(first, ephemeral));
    return;
  }
  // Slow: hold the interaction open, then edit. The deferral decides who sees the edit, so an ephemeral command
  // defers ephemerally.
  await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
  const result = await answer;
  const { flags, ...message } = toMessage(result, ephemeral);
  if (flags === undefined || interaction.ephemeral) {
    await interaction.editReply(message);
    return;
  }
  // An answer for the asker alone (an expected failure) after a public deferral: an edit would show it to everyone,
  // so it goes to them in an ephemeral follow-up and the public placeholder is removed.
  await interaction.followUp({ ...message, flags });
  await interaction.deleteReply();
}

async function answerButton(
  interaction: ButtonInteraction,
  callbacks: InteractionCallbacks,
  handler: ButtonHandler,
  run: () => CommandResult | Promise<CommandResult>,
): Promise<void> {
  const pending = run();
  const result = pending instanceof Promise ? await pending : pending;
  if (result.ok && handler.responds === 'update') {
    const { flags: _flags, ...message } = toCallbackData(result);
    await callbacks.update(interaction, message);
  } else {
    await callbacks.reply(interaction, toCallbackData(result));
  }
}

async function apologise(interaction: Interaction, callbacks: InteractionCallbacks, content: string): Promise<void> {
  if (!interaction.isRepliable()) {
    if (interaction.isAutocomplete() && !interaction.responded) await callbacks.choices(interaction, []);
    return;
  }
  if (interaction.deferred || interaction.replied) {
    // A public "thinking…" placeholder nothing was written into would stay for everyone, loading: removed.
    const publicPlaceholder = interaction.deferred && !interaction.replied && !interaction.ephemeral;
    await interaction.followUp({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
    if (publicPlaceholder) await interaction.deleteReply();
  } else {
    await callbacks.reply(interaction, { content, flags: MessageFlags.Ephemeral, allowed_mentions: NO_MENTIONS_API });
  }
}

/** The same message as the body of an interaction callback. */
function toCallbackData(result: CommandResult, ephemeral = false): APIInteractionResponseCallbackData {
  const { content, embeds, components, flags } = toMessage(result, ephemeral);
  return {
    content: content ?? '',
    embeds: embeds as APIInteractionResponseCallbackData['embeds'],
    components: components as APIInteractionResponseCallbackData['components'],
    allowed_mentions: NO_MENTIONS_API,
    ...(flags !== undefined && { flags }),
  };
}

/**
 * A reply (or an expected failure, shown only to the person who asked) as discord.js message options; `ephemeral`
 * makes any reply so.
 */
export function toMessage(result: CommandResult, ephemeral = false): InteractionReplyOptions & { flags?: MessageFlags.Ephemeral } {
  const reply: Reply = result.ok ? result.value : { content: `⚠️ ${result.error}`, ephemeral: true };
  return {
    // Errors may echo what was typed (a feed's address): never past the limit, never with half a URL.
    content: clipProse(reply.content ?? '', LIMITS.content),
    embeds: reply.embeds ?? [],
    components: reply.components ?? [],
    allowedMentions: NO_MENTIONS,
    ...((reply.ephemeral === true || ephemeral) && { flags: MessageFlags.Ephemeral }),
  };
}

/** Options flattened to name -> value; a subcommand (and group) arrives as `subcommand` (`group`). */
export function optionValues(data: readonly CommandInteractionOption[]): OptionValues {
  const out: Record<string, string | number | boolean> = {};
  const walk = (options: readonly CommandInteractionOption[]): void => {
    for (const o of options) {
      if (o.options) {
        out[o.type === 2 ? 'group' : 'subcommand'] = o.name;
        walk(o.options);
      } else if (o.value !== undefined) {
        out[o.name] = o.value;
      } else if (o.type === 1) {
        out['subcommand'] = o.name;
      }
    }
  };
  walk(data);
  return out;
}

function invocationOf(interaction: Interaction, scope: Scope): Invocation {
  return {
    locale: interaction.locale,
    userId: interaction.user.id,
    ...(interaction.guildId && { guildId: interaction.guildId }),
    scope,
    canManageGuild: interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false,
  };
}

/** The promise's value if it settles within `ms`, else undefined. The timer is cleared either way: left running it
 * would keep the reply reachable for `ms`, long enough to be promoted to the old generation. */
async function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, ms, undefined);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
