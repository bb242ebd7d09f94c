import { performance } from 'node:perf_hooks';
import type { APIApplicationCommandOptionChoice, APIInteractionResponseCallbackData } from 'discord-api-types/v10';
import { stillLoading, type ButtonHandler, type CommandResult, type Deps, type Invocation, type SlashCommand } from '../commands/command.js';
import type { Scope } from '../data/catalog.js';
import { apologyBody, choicesBody, isEphemeral, replyBody, withoutFlags } from '../messages/replyBody.js';
import { stringsFor } from '../messages/strings.js';
import { StoreBusyError } from '../store/StoreBusyError.js';
import type { IncomingInteraction } from './IncomingInteraction.js';

/**
 * The one place interactions are handled, whichever way they arrive: which handler, its scope and invocation, the
 * 2 s deferral, who may see an answer, the error funnel. It knows nothing of discord.js or HTTP: each way in gives it a
 * Responder that sends what it decides (discord.js's reply methods on the gateway path, the HTTP response and
 * @discordjs/rest on the HTTP endpoint).
 */

/** How an answer leaves; each method mirrors the discord.js interaction method of the same purpose. */
export interface Responder {
  /** The first answer: a new message (CHANNEL_MESSAGE_WITH_SOURCE). */
  reply(body: APIInteractionResponseCallbackData): Promise<void>;
  /** The first answer to a button: the message it is on, edited (UPDATE_MESSAGE). */
  update(body: APIInteractionResponseCallbackData): Promise<void>;
  /** The answer to an autocomplete (APPLICATION_COMMAND_AUTOCOMPLETE_RESULT). */
  choices(choices: APIApplicationCommandOptionChoice<string>[]): Promise<void>;
  /** "Thinking…" (DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE); `ephemeral`: seen only by the asker, as the edit will be. */
  defer(ephemeral: boolean): Promise<void>;
  /** Writes the answer into the deferred (or first) message. */
  editOriginal(body: APIInteractionResponseCallbackData): Promise<void>;
  /** Another message after the first answer. */
  followUp(body: APIInteractionResponseCallbackData): Promise<void>;
  deleteOriginal(): Promise<void>;
}

/** 'refused': an expected failure the asker was shown (a Result err); 'busy': the database was held by another program. */
export type InteractionOutcome = 'ok' | 'refused' | 'busy' | 'error';

export interface InteractionDone {
  kind: IncomingInteraction['kind'];
  /** The command, or the button's prefix; 'unknown' for one without a handler (so a metric's labels stay few). */
  name: string;
  outcome: InteractionOutcome;
  /** From the start of handling to the last answer sent. */
  seconds: number;
}

/** Told of every interaction handled (the metrics). */
export interface InteractionObserver {
  interactionDone(done: InteractionDone): void;
}

export interface InteractionCoreOptions {
  commands: readonly SlashCommand[];
  buttons: readonly ButtonHandler[];
  deps: Deps;
  /** The podcasts a guild sees (its follows plus the shared ones); undefined: a direct message. */
  scopeFor: (guildId: string | undefined) => Scope;
  observer?: InteractionObserver;
  /** Discord gives 3 s for the first answer; past this a slow command's answer is deferred and sent as an edit. */
  deferAfterMs?: number;
}

export interface InteractionCore {
  handle(interaction: IncomingInteraction, responder: Responder): Promise<void>;
  /** Resolves when every interaction already being handled has been answered (for a graceful shutdown). */
  drain(): Promise<void>;
}

const DEFER_AFTER_MS = 2_000;

export function createInteractionCore(options: InteractionCoreOptions): InteractionCore {
  const commands = new Map(options.commands.map((c) => [c.data.name, c]));
  const buttons = new Map(options.buttons.map((b) => [b.prefix, b]));
  const { deps, observer } = options;
  const deferAfterMs = options.deferAfterMs ?? DEFER_AFTER_MS;
  const inFlight = new Set<Promise<void>>();

  async function route(interaction: IncomingInteraction, responder: Responder): Promise<void> {
    const started = performance.now();
    const answer = new Answer(responder);
    const invocation: Invocation = {
      locale: interaction.locale,
      userId: interaction.userId,
      ...(interaction.guildId !== undefined && { guildId: interaction.guildId }),
      scope: options.scopeFor(interaction.guildId),
      canManageGuild: interaction.canManageGuild,
    };
    // Built only when something is logged: on the answered path that is a debug line, off in production.
    const context = () => ({
      interactionId: interaction.id,
      guildId: interaction.guildId ?? null,
      userId: interaction.userId,
      command: interaction.kind === 'button' ? undefined : interaction.commandName,
      customId: interaction.kind === 'button' ? interaction.customId : undefined,
    });
    let name = 'unknown';
    let outcome: InteractionOutcome = 'ok';
    try {
      if (interaction.kind === 'command') {
        const command = commands.get(interaction.commandName);
        if (!command) throw new Error(`No handler for /${interaction.commandName}`);
        name = command.data.name;
        outcome = await answerCommand(
          answer,
          command.ephemeral === true,
          deferAfterMs,
          () => stillLoading(command.needs, deps.loading, invocation.locale) ?? command.run(interaction.options, invocation, deps),
        );
      } else if (interaction.kind === 'autocomplete') {
        const command = commands.get(interaction.commandName);
        if (command) name = command.data.name;
        // While the catalogue loads, no choices: a list from part of it would mislead, and every keystroke would build
        // the title-word index again over what is in so far (seconds at a million episodes, on the thread that loads).
        const found = deps.loading.catalogue ? [] : (command?.autocomplete?.(interaction.focused, interaction.options, invocation, deps) ?? []);
        // Choices found from memory go out in the same tick: an await would first let every interaction queued
        // behind this one (a burst arrives in one read) run, and this one would wait for all of them.
        const choices = found instanceof Promise ? await found : found;
        await answer.choices(choicesBody(choices));
      } else {
        const [prefix = '', ...args] = interaction.customId.split(':');
        const handler = buttons.get(prefix);
        if (!handler) throw new Error(`No handler for button ${prefix}`);
        name = handler.prefix;
        outcome = await answerButton(answer, handler, () => stillLoading(handler.needs, deps.loading, invocation.locale) ?? handler.run(args, invocation, deps));
      }
      if (deps.log.isLevelEnabled('debug')) deps.log.debug(context(), 'interaction answered');
    } catch (error) {
      const s = stringsFor(invocation.locale);
      // Another process held the database: nothing was saved, and the asker is told that rather than "went wrong".
      const busy = error instanceof StoreBusyError;
      outcome = busy ? 'busy' : 'error';
      if (busy) deps.log.warn({ ...context(), err: error }, 'interaction not done: the database is busy');
      else deps.log.error({ ...context(), err: error }, 'interaction failed');
      await apologise(interaction.kind, answer, busy ? s.databaseBusy : s.unexpected).catch((e: unknown) =>
        deps.log.warn({ ...context(), err: e }, 'could not send the apology'),
      );
    }
    observer?.interactionDone({ kind: interaction.kind, name, outcome, seconds: (performance.now() - started) / 1000 });
  }

  return {
    handle(interaction, responder) {
      const p = route(interaction, responder).finally(() => inFlight.delete(p));
      inFlight.add(p);
      return p;
    },
    async drain() {
      await Promise.allSettled([...inFlight]);
    },
  };
}

/** A Responder with what has been sent so far, kept as discord.js keeps it on an Interaction. */
class Answer {
  deferred = false;
  replied = false;
  /** Whether the first answer (or the deferral) is seen by the asker alone. */
  ephemeral = false;
  /** An autocomplete answered. */
  responded = false;

  constructor(readonly responder: Responder) {}

  async reply(body: APIInteractionResponseCallbackData): Promise<void> {
    await this.responder.reply(body);
    this.ephemeral = isEphemeral(body);
    this.replied = true;
  }

  async update(body: APIInteractionResponseCallbackData): Promise<void> {
    await this.responder.update(body);
    this.replied = true;
  }

  async choices(choices: APIApplicationCommandOptionChoice<string>[]): Promise<void> {
    await this.responder.choices(choices);
    this.responded = true;
  }

  async defer(ephemeral: boolean): Promise<void> {
    await this.responder.defer(ephemeral);
    this.deferred = true;
    this.ephemeral = ephemeral;
  }

  async editOriginal(body: APIInteractionResponseCallbackData): Promise<void> {
    await this.responder.editOriginal(body);
    this.replied = true;
  }

  async followUp(body: APIInteractionResponseCallbackData): Promise<void> {
    await this.responder.followUp(body);
    this.replied = true;
  }

  deleteOriginal(): Promise<void> {
    return this.responder.deleteOriginal();
  }
}

/** `ephemeral`: the command's answers are for the asker alone (SlashCommand.ephemeral), whatever the handler says. */
async function answerCommand(
  answer: Answer,
  ephemeral: boolean,
  deferAfterMs: number,
  run: () => CommandResult | Promise<CommandResult>,
): Promise<InteractionOutcome> {
  const pending = run();
  // Most handlers answer from memory at once: only a pending one (a feed fetch) needs the deferral timer.
  const first = pending instanceof Promise ? await settledWithin(pending, deferAfterMs) : pending;
  if (first !== undefined) {
    await answer.reply(replyBody(first, ephemeral));
    return first.ok ? 'ok' : 'refused';
  }
  // Slow: hold the interaction open, then edit. The deferral decides who sees the edit, so an ephemeral command
  // defers ephemerally.
  await answer.defer(ephemeral);
  const result = await pending;
  const body = replyBody(result, ephemeral);
  if (!isEphemeral(body) || answer.ephemeral) {
    await answer.editOriginal(withoutFlags(body));
  } else {
    // An answer for the asker alone (an expected failure) after a public deferral: an edit would show it to everyone,
    // so it goes to them in an ephemeral follow-up and the public placeholder is removed.
    await answer.followUp(body);
    await answer.deleteOriginal();
  }
  return result.ok ? 'ok' : 'refused';
}

async function answerButton(answer: Answer, handler: ButtonHandler, run: () => CommandResult | Promise<CommandResult>): Promise<InteractionOutcome> {
  const pending = run();
  const result = pending instanceof Promise ? await pending : pending;
  if (result.ok && handler.responds === 'update') await answer.update(withoutFlags(replyBody(result)));
  else await answer.reply(replyBody(result));
  return result.ok ? 'ok' : 'refused';
}

async function apologise(kind: IncomingInteraction['kind'], answer: Answer, content: string): Promise<void> {
  if (kind === 'autocomplete') {
    if (!answer.responded) await answer.choices([]);
    return;
  }
  if (answer.deferred || answer.replied) {
    // A public "thinking…" placeholder nothing was written into would stay for everyone, loading: removed.
    const publicPlaceholder = answer.deferred && !answer.replied && !answer.ephemeral;
    await answer.followUp(apologyBody(content));
    if (publicPlaceholder) await answer.deleteOriginal();
  } else {
    await answer.reply(apologyBody(content));
  }
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
