import { ApplicationCommandOptionType, type APIApplicationCommandOption } from 'discord-api-types/v10';
import * as readline from 'node:readline';
import type { ButtonHandler, CommandResult, Deps, Invocation, OptionValues, Reply, SlashCommand } from '../commands/command.js';
import { EVERY_PODCAST } from '../data/catalog.js';
import { err, ok, type Result } from '../data/model.js';
import { stringsFor, type ConsoleValueType } from '../messages/strings.js';
import { renderMessage } from './renderMessage.js';

/**
 * The local console: the bot's own command handlers on a prompt, replies drawn in the terminal.
 * `/chapters episode:open-source`, `/topic query:tesla`; a number clicks a button of the last reply.
 */

export interface ConsoleOptions {
  commands: readonly SlashCommand[];
  buttons: readonly ButtonHandler[];
  deps: Deps;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  colour: boolean;
  locale?: string;
  /** Printed once before the first prompt. */
  banner?: string;
}

interface ParsedLine {
  command: SlashCommand;
  options: OptionValues;
}

/**
 * `/name [subcommand] key:value key:"two words"`, English or Swedish names, values typed by the definition; what is
 * wrong with a line is said in `locale`'s language.
 */
export function parseConsoleLine(line: string, commands: readonly SlashCommand[], locale = 'en-US'): Result<ParsedLine> {
  const s = stringsFor(locale);
  const swedish = locale.toLowerCase().startsWith('sv');
  const tokens = [...line.trim().matchAll(/(?:[^\s"]+:"[^"]*"|"[^"]*"|\S+)/g)].map((m) => m[0]);
  const head = tokens.shift()?.replace(/^\//, '').toLowerCase();
  if (!head) return err(s.consoleTypeCommand);
  const command = commands.find((c) => c.data.name === head || c.data.name_localizations?.['sv-SE'] === head);
  if (!command) {
    const names = commands.map((c) => `/${(swedish && c.data.name_localizations?.['sv-SE']) || c.data.name}`);
    return err(s.consoleUnknownCommand(head, names.join(', ')));
  }

  let definitions: readonly APIApplicationCommandOption[] = command.data.options ?? [];
  const options: Record<string, string | number | boolean> = {};
  for (const token of tokens) {
    const colon = token.indexOf(':');
    if (colon <= 0) {
      const sub = definitions.find(
        (d) => d.type === ApplicationCommandOptionType.Subcommand && (d.name === token || d.name_localizations?.['sv-SE'] === token),
      );
      if (!sub || sub.type !== ApplicationCommandOptionType.Subcommand) return err(s.consoleExpectedOption(token));
      options['subcommand'] = sub.name;
      definitions = sub.options ?? [];
      continue;
    }
    const key = token.slice(0, colon).toLowerCase();
    const raw = token.slice(colon + 1).replace(/^"|"$/g, '');
    const definition = definitions.find((d) => d.name === key || d.name_localizations?.['sv-SE'] === key);
    if (!definition) return err(s.consoleNoSuchOption((swedish && command.data.name_localizations?.['sv-SE']) || command.data.name, key));
    const value = typed(definition.type, raw);
    if (value === undefined) return err(s.consoleOptionType((swedish && definition.name_localizations?.['sv-SE']) || definition.name, valueType(definition.type)));
    options[definition.name] = value;
  }
  return ok({ command, options });
}

function valueType(type: ApplicationCommandOptionType): ConsoleValueType {
  if (type === ApplicationCommandOptionType.Integer) return 'integer';
  if (type === ApplicationCommandOptionType.Number) return 'number';
  return type === ApplicationCommandOptionType.Boolean ? 'boolean' : 'text';
}

function typed(type: ApplicationCommandOptionType, raw: string): string | number | boolean | undefined {
  if (type === ApplicationCommandOptionType.Integer) return /^-?\d+$/.test(raw) ? Number(raw) : undefined;
  if (type === ApplicationCommandOptionType.Number) return Number.isFinite(Number(raw)) ? Number(raw) : undefined;
  if (type === ApplicationCommandOptionType.Boolean) return raw === 'true' ? true : raw === 'false' ? false : undefined;
  return raw;
}

/** Runs one line and returns the reply to draw, so tests can drive the console without a terminal. */
export async function runConsoleLine(
  line: string,
  state: { lastReply?: Reply },
  options: Pick<ConsoleOptions, 'commands' | 'buttons' | 'deps'>,
  invocation: Invocation,
): Promise<Reply> {
  const trimmed = line.trim();
  let result: CommandResult;
  if (/^\d+$/.test(trimmed)) {
    result = await clickButton(Number(trimmed), state.lastReply, options, invocation);
  } else {
    const parsed = parseConsoleLine(trimmed, options.commands, invocation.locale);
    result = parsed.ok ? await parsed.value.command.run(parsed.value.options, invocation, options.deps) : parsed;
  }
  const reply: Reply = result.ok ? result.value : { content: `⚠️ ${result.error}`, ephemeral: true };
  if (result.ok) state.lastReply = reply;
  return reply;
}

async function clickButton(
  n: number,
  last: Reply | undefined,
  options: Pick<ConsoleOptions, 'buttons' | 'deps'>,
  invocation: Invocation,
): Promise<CommandResult> {
  const s = stringsFor(invocation.locale);
  const buttons = (last?.components ?? []).flatMap((row) => row.components);
  const button = buttons[n - 1];
  if (!button || !('custom_id' in button) || ('disabled' in button && button.disabled)) return err(s.consoleNoButton(n));
  const [prefix = '', ...args] = button.custom_id.split(':');
  const handler = options.buttons.find((b) => b.prefix === prefix);
  if (!handler) return err(s.consoleNoHandler(prefix));
  return handler.run(args, invocation, options.deps);
}

export async function runConsole(options: ConsoleOptions): Promise<void> {
  const invocation: Invocation = { locale: options.locale ?? 'en-US', userId: '0', scope: EVERY_PODCAST, canManageGuild: true };
  const rl = readline.createInterface({
    input: options.input,
    output: options.output,
    prompt: 'podcord> ',
    completer: (line: string) => complete(line, options, invocation),
  });
  const state: { lastReply?: Reply } = {};
  if (options.banner) options.output.write(`${options.banner}\n`);
  rl.prompt();
  for await (const line of rl) {
    const trimmed = line.trim();
    if (trimmed === 'exit' || trimmed === 'quit') break;
    if (trimmed !== '') {
      try {
        const reply = await runConsoleLine(trimmed, state, options, invocation);
        options.output.write(`${renderMessage(reply, { colour: options.colour, locale: invocation.locale })}\n`);
      } catch (error) {
        options.deps.log.error({ err: error, line: trimmed }, 'console command failed');
        options.output.write(`${stringsFor(invocation.locale).consoleFailed}\n`);
      }
    }
    rl.prompt();
  }
  rl.close();
}

/** Tab completes command names, and option values through the command's own autocomplete. */
function complete(line: string, options: ConsoleOptions, invocation: Invocation): [string[], string] {
  const match = /(\S+):([^:]*)$/.exec(line);
  if (!line.includes(' ')) {
    const names = options.commands.map((c) => `/${c.data.name}`);
    const hits = names.filter((n) => n.startsWith(line));
    return [hits.length ? hits : names, line];
  }
  if (!match) return [[], line];
  const parsed = parseConsoleLine(line.slice(0, match.index), options.commands, invocation.locale);
  if (!parsed.ok || !parsed.value.command.autocomplete) return [[], line];
  const [, name = '', value = ''] = match;
  const choices = parsed.value.command.autocomplete({ name, value }, parsed.value.options, invocation, options.deps);
  if (choices instanceof Promise) return [[], line];
  // Complete with the readable title (the console resolves words as well as keys), not the choice's decorations.
  const title = (c: { name: string }): string => c.name.replace(/^#\d+ /, '').replace(/ \(\d{4}-\d\d-\d\d\).*$/, '').replace(/ · .*$/, '');
  return [choices.map((c) => `${name}:"${title(c).replace(/"/g, "'")}"`), match[0]];
}
