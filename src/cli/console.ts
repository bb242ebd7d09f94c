import { ApplicationCommandOptionType, type APIApplicationCommandOption } from 'discord-api-types/v10';
import * as readline from 'node:readline';
import type { ButtonHandler, CommandResult, Deps, Invocation, OptionValues, Reply, SlashCommand } from '../commands/command.js';
import { EVERY_PODCAST } from '../data/catalog.js';
import { err, ok, type Result } from '../data/model.js';
import { stringsFor, type ConsoleValueType } from '../messages/strings.js';
import { buttonNumbers, renderMessage } from './renderMessage.js';

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

/** A word of the line, and where it ends in the line (a value that runs on is sliced from the line as typed). */
const WORDS = /[^\s"]+:"[^"]*(?:"|$)|"[^"]*(?:"|$)|\S+/g;
/** `name:` as an option is typed: letters and dashes (Swedish too); `10:30` or `https://` inside a value is not one. */
const OPTION_LIKE = /^[\p{L}_-]+:(?!\/\/)/u;

/**
 * `/name [subcommand] key:value key:"two words"`, English or Swedish names, values typed by the definition. A text
 * value needs no quotes when it is the last or is followed by another option: `/topic query:open source ai` reads
 * `open source ai` (words run on until a word that names an option of the command). What is wrong with a line is said
 * in `locale`'s language.
 */
export function parseConsoleLine(line: string, commands: readonly SlashCommand[], locale = 'en-US'): Result<ParsedLine> {
  const s = stringsFor(locale);
  const swedish = locale.toLowerCase().startsWith('sv');
  const words = [...line.matchAll(WORDS)].map((m) => ({ text: m[0], start: m.index, end: m.index + m[0].length }));
  const head = words.shift()?.text.replace(/^\//, '').toLowerCase();
  if (!head) return err(s.consoleTypeCommand);
  const command = findCommand(head, commands);
  if (!command) {
    const names = commands.map((c) => `/${(swedish && c.data.name_localizations?.['sv-SE']) || c.data.name}`);
    return err(s.consoleUnknownCommand(head, names.join(', ')));
  }

  let definitions: readonly APIApplicationCommandOption[] = command.data.options ?? [];
  const options: Record<string, string | number | boolean> = {};
  /** The text option being typed, while more unquoted words may belong to it. */
  let open: { name: string; valueStart: number } | undefined;
  for (const word of words) {
    const colon = word.text.indexOf(':');
    const definition = colon > 0 ? findOption(word.text.slice(0, colon), definitions) : undefined;
    if (definition === undefined && open !== undefined && !OPTION_LIKE.test(word.text)) {
      options[open.name] = line.slice(open.valueStart, word.end);
      continue;
    }
    open = undefined;
    if (colon <= 0) {
      const sub = definitions.find(
        (d) => d.type === ApplicationCommandOptionType.Subcommand && (d.name === word.text || d.name_localizations?.['sv-SE'] === word.text),
      );
      if (!sub || sub.type !== ApplicationCommandOptionType.Subcommand) return err(s.consoleExpectedOption(word.text));
      options['subcommand'] = sub.name;
      definitions = sub.options ?? [];
      continue;
    }
    if (!definition) return err(s.consoleNoSuchOption((swedish && command.data.name_localizations?.['sv-SE']) || command.data.name, word.text.slice(0, colon).toLowerCase()));
    const quoted = word.text[colon + 1] === '"';
    const raw = word.text.slice(colon + 1).replace(/^"|"$/g, '');
    const value = typed(definition.type, raw);
    if (value === undefined) return err(s.consoleOptionType((swedish && definition.name_localizations?.['sv-SE']) || definition.name, valueType(definition.type)));
    options[definition.name] = value;
    if (definition.type === ApplicationCommandOptionType.String && !quoted) open = { name: definition.name, valueStart: word.start + colon + 1 };
  }
  return ok({ command, options });
}

function findCommand(name: string, commands: readonly SlashCommand[]): SlashCommand | undefined {
  return commands.find((c) => c.data.name === name || c.data.name_localizations?.['sv-SE'] === name);
}

/** An option (not a subcommand) by its English or Swedish name. */
function findOption(name: string, definitions: readonly APIApplicationCommandOption[]): APIApplicationCommandOption | undefined {
  const key = name.toLowerCase();
  return definitions.find(
    (d) => d.type !== ApplicationCommandOptionType.Subcommand && d.type !== ApplicationCommandOptionType.SubcommandGroup && (d.name === key || d.name_localizations?.['sv-SE'] === key),
  );
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
  // Numbered as renderMessage numbers them: the clickable buttons only, in reading order.
  const buttons = (last?.components ?? []).flatMap((row) => row.components);
  const position = [...buttonNumbers(last)].find(([, shown]) => shown === n)?.[0];
  const button = position === undefined ? undefined : buttons[position];
  if (!button || !('custom_id' in button)) return err(s.consoleNoButton(n));
  const [prefix = '', ...args] = button.custom_id.split(':');
  const handler = options.buttons.find((b) => b.prefix === prefix);
  if (!handler) return err(s.consoleNoHandler(prefix));
  return handler.run(args, invocation, options.deps);
}

/**
 * The console is a server of its own, managed by whoever runs it: /feed and /announce, listed by /help, work here as
 * in a server (a feed followed here is kept in the database like any server's follows) instead of answering "not in
 * direct messages". Only what needs Discord itself (a channel to post in) says so.
 */
export const CONSOLE_GUILD_ID = 'console';

export async function runConsole(options: ConsoleOptions): Promise<void> {
  const locale = options.locale ?? 'en-US';
  const invocation: Invocation = { locale, userId: '0', guildId: CONSOLE_GUILD_ID, scope: EVERY_PODCAST, canManageGuild: true };
  const rl = readline.createInterface({
    input: options.input,
    output: options.output,
    prompt: 'podcord> ',
    completer: (line: string, callback: (error: null, result: [string[], string]) => void) => {
      void complete(line, options, invocation).then(
        (result) => callback(null, result),
        (error: unknown) => {
          options.deps.log.warn({ err: error, line }, 'console completion failed');
          callback(null, [[], line]);
        },
      );
    },
  });
  const state: { lastReply?: Reply } = {};
  const s = stringsFor(locale);
  if (options.banner) options.output.write(`${options.banner}\n${s.consoleValues}\n`);
  rl.prompt();
  for await (const line of rl) {
    const trimmed = line.trim();
    if (trimmed === 'exit' || trimmed === 'quit') break;
    if (trimmed !== '') {
      try {
        const reply = await runConsoleLine(trimmed, state, options, invocation);
        const render = { colour: options.colour, locale, now: options.deps.now() };
        options.output.write(`${renderMessage(reply, render)}\n`);
        // /help tells what the commands do; how to type them here is the console's own part.
        const parsed = parseConsoleLine(trimmed, options.commands, locale);
        if (parsed.ok && parsed.value.command.data.name === 'help') options.output.write(`${s.consoleValues}\n`);
      } catch (error) {
        options.deps.log.error({ err: error, line: trimmed }, 'console command failed');
        options.output.write(`${stringsFor(invocation.locale).consoleFailed}\n`);
      }
    }
    rl.prompt();
  }
  rl.close();
}

/**
 * Tab completes the command, a subcommand, an option's name, and an option's value through the command's own
 * autocomplete. What readline does with the answer: one candidate replaces the word; several that extend what was
 * typed insert their common start; otherwise the word is kept as typed and a second Tab lists the candidates
 * (readline replaces the word with the candidates' common start when that start is not a prefix of the word, which
 * erased what was typed, so the word returned then is that common start: nothing is replaced).
 */
async function complete(line: string, options: ConsoleOptions, invocation: Invocation): Promise<[string[], string]> {
  const word = /\S*$/.exec(line)?.[0] ?? '';
  const before = line.slice(0, line.length - word.length);
  if (before.trim() === '') {
    const typed = word.replace(/^\//, '').toLowerCase();
    const names = options.commands.flatMap((c) => [c.data.name, c.data.name_localizations?.['sv-SE']]).filter((n): n is string => !!n);
    return offer(names.filter((n) => n.startsWith(typed)).map((n) => `/${n}`), word);
  }
  const parsed = parseConsoleLine(before, options.commands, invocation.locale);
  const names = parsed.ok ? optionNames(parsed.value, invocation).filter((n) => n.startsWith(word.toLowerCase())) : [];
  // A bare word that starts an option's name is that option; anything else after `name:` is (more of) its value.
  if (!word.includes(':') && (word === '' || names.length > 0)) return offer(names, word);
  // The last `name:` on the line (an earlier option's unquoted value runs on up to it); `10:30` or `https://` is not one.
  const value = /^(.*\s)?([\p{L}_-]+):("[^"]*|(?!\/\/)[^"]*)$/su.exec(line);
  if (value) {
    const start = (value[1] ?? '').length;
    return completeValue(line.slice(0, start), value[2] ?? '', value[3] ?? '', line.slice(start), options, invocation);
  }
  return offer(names, word);
}

/** The subcommands, or the options not given yet, of what was typed so far: `add `, `episode:`. */
function optionNames(parsed: ParsedLine, invocation: Invocation): string[] {
  const sv = invocation.locale.toLowerCase().startsWith('sv');
  const definitions = definitionsAfter(parsed);
  return definitions
    .filter((d) => d.type === ApplicationCommandOptionType.Subcommand || parsed.options[d.name] === undefined)
    .map((d) => {
      const name = (sv && d.name_localizations?.['sv-SE']) || d.name;
      return d.type === ApplicationCommandOptionType.Subcommand ? `${name} ` : `${name}:`;
    });
}

/** The option definitions in force: the command's, or its chosen subcommand's. */
function definitionsAfter(parsed: ParsedLine): readonly APIApplicationCommandOption[] {
  const definitions = parsed.command.data.options ?? [];
  const chosen = parsed.options['subcommand'];
  if (chosen === undefined) return definitions;
  const sub = definitions.find((d) => d.name === chosen);
  return sub?.type === ApplicationCommandOptionType.Subcommand ? (sub.options ?? []) : [];
}

async function completeValue(
  before: string,
  name: string,
  typedValue: string,
  word: string,
  options: ConsoleOptions,
  invocation: Invocation,
): Promise<[string[], string]> {
  const parsed = parseConsoleLine(before, options.commands, invocation.locale);
  if (!parsed.ok || !parsed.value.command.autocomplete) return [[], word];
  const definition = findOption(name, definitionsAfter(parsed.value));
  if (!definition || !('autocomplete' in definition) || !definition.autocomplete) return [[], word];
  const value = typedValue.replace(/^"/, '');
  // The command's autocomplete takes the option's own name, whichever language it was typed in.
  const choices = await parsed.value.command.autocomplete({ name: definition.name, value }, parsed.value.options, invocation, options.deps);
  // Complete with the readable title (the console resolves words as well as keys), not the choice's decorations.
  const title = (c: { name: string }): string => c.name.replace(/^#\d+ /, '').replace(/ \(\d{4}-\d\d-\d\d\).*$/, '').replace(/ · .*$/, '');
  return offer([...new Set(choices.map((c) => `${name}:"${title(c).replace(/"/g, "'")}"`))], word);
}

/** See complete(): what to hand readline so that it never replaces the typed word with less than it was. */
function offer(candidates: string[], word: string): [string[], string] {
  if (candidates.length <= 1) return [candidates, word];
  const common = commonStart(candidates);
  return common.toLowerCase().startsWith(word.toLowerCase()) ? [candidates, word] : [candidates, common];
}

function commonStart(texts: readonly string[]): string {
  let common = texts[0] ?? '';
  for (const text of texts) while (!text.startsWith(common)) common = common.slice(0, -1);
  return common;
}
