import type { APIEmbed } from 'discord-api-types/v10';
import { parse as parseDiscordMarkdown } from 'discord-markdown-parser';
import { createColors } from 'picocolors';
import type { Reply } from '../commands/command.js';
import { stringsFor, type Strings } from '../messages/strings.js';

/** Draws a reply the way Discord would, in a terminal: colour bar, bold title, links shown, buttons numbered. */

export interface RenderOptions {
  /** ANSI colours and styles; plain text otherwise. The caller decides (NO_COLOR, FORCE_COLOR, a TTY: see index.ts). */
  colour: boolean;
  /** Render `<t:UNIX:D>` in this time zone (the reader's own, as Discord does). */
  timeZone?: string;
  /** The reader's language: dates are written in it (as Discord does) and so are the console's own labels. Default English. */
  locale?: string;
  /** What `<t:UNIX:R>` ("3 days ago") is relative to. Default: the moment of drawing. */
  now?: Date;
}

export function renderMessage(reply: Reply, options: RenderOptions): string {
  const st = styles(options.colour);
  const s = stringsFor(options.locale ?? 'en-US');
  const out: string[] = [];
  if (reply.ephemeral) out.push(st.dim(s.onlyYou));
  if (reply.content) out.push(renderMarkdown(reply.content, st, options));
  for (const embed of reply.embeds ?? []) out.push(renderEmbed(embed, st, options, s));
  const numbers = buttonNumbers(reply);
  let index = 0;
  for (const row of reply.components ?? []) {
    const buttons = row.components.map((c) => {
      const label = 'label' in c && c.label ? c.label : '?';
      const n = numbers.get(index++);
      if ('url' in c && typeof c.url === 'string') return `[${label} ${st.link(c.url)}]`;
      return n === undefined ? st.dim(`[${label}]`) : `[${st.bold(String(n))} ${label}]`;
    });
    out.push(buttons.join(' '));
  }
  return out.join('\n');
}

/**
 * The number typed to click each button, by its position among the reply's components: only what can be clicked is
 * numbered, 1, 2, 3 in reading order, so every number on screen clicks and no number is missing. A disabled button
 * (the pager's "Page 2/7", "◀ Previous" on the first page) or a link (opened, not clicked) gets none. The console
 * resolves a typed number with this same map, so what is drawn and what is clicked cannot drift apart.
 */
export function buttonNumbers(reply: Reply | undefined): Map<number, number> {
  const numbers = new Map<number, number>();
  let index = 0;
  let n = 0;
  for (const row of reply?.components ?? []) {
    for (const c of row.components) {
      const clickable = 'custom_id' in c && !('disabled' in c && c.disabled);
      if (clickable) numbers.set(index, ++n);
      index += 1;
    }
  }
  return numbers;
}

function renderEmbed(embed: APIEmbed, st: Styles, options: RenderOptions, s: Strings): string {
  const bar = st.bar(embed.color ?? 0x5865f2);
  const lines: string[] = [];
  if (embed.author) lines.push(st.dim(embed.author.name));
  if (embed.title) lines.push(st.bold(embed.title) + (embed.url ? ` ${st.link(embed.url)}` : ''));
  if (embed.thumbnail) lines.push(st.dim(`${s.artwork}: ${embed.thumbnail.url}`));
  if (embed.description) lines.push('', ...renderMarkdown(embed.description, st, options).split('\n'));
  for (const field of embed.fields ?? []) {
    // Field names take markdown too (Discord draws them bold already).
    lines.push('', st.bold(renderMarkdown(field.name, st, options)), ...renderMarkdown(field.value, st, options).split('\n'));
  }
  const footer = [embed.footer?.text, embed.timestamp ? formatTimestamp(Date.parse(embed.timestamp), 'D', options) : undefined]
    .filter(Boolean)
    .join(' · ');
  if (footer) lines.push('', st.dim(footer));
  return lines.map((l) => `${bar} ${l}`).join('\n');
}

/** One node of discord-markdown-parser's tree: `type` and, by type, `content`, `target`, `timestamp`... */
type MarkdownNode = ReturnType<typeof parseDiscordMarkdown>[number];

/**
 * Discord's markdown, drawn for a terminal. The text is tokenized by discord-markdown-parser (Discord's own rules on
 * simple-markdown, the parser Discord's client grew from) rather than rewritten by chained regular expressions: a
 * replacement's output (an ANSI escape, a date) is never read again as markdown, and every construct nests the way
 * Discord nests it. CommonMark lexers (marked, markdown-it) read `__x__` as bold rather than underline, turn a line
 * under `---` into a heading and know no spoilers, timestamps or mentions. 'extended' adds masked links, which Discord
 * shows in embeds and in a bot's messages.
 */
export function renderMarkdown(text: string, st: Styles, options: RenderOptions): string {
  const drawn = renderNodes(parseDiscordMarkdown(text, 'extended'), { st, options, inLink: false });
  // A heading or a quote ends with its line's end; the text's last line has none.
  return drawn.endsWith('\n') && !text.endsWith('\n') ? drawn.slice(0, -1) : drawn;
}

interface Drawing {
  st: Styles;
  options: RenderOptions;
  /** Inside a masked link's label, which has the link's colour already. */
  inLink: boolean;
}

function renderNodes(nodes: readonly MarkdownNode[], drawing: Drawing): string {
  return nodes.map((node) => renderNode(node, drawing)).join('');
}

function renderNode(node: MarkdownNode, drawing: Drawing): string {
  const { st, options } = drawing;
  const inner = (inLink = drawing.inLink): string =>
    Array.isArray(node['content']) ? renderNodes(node['content'] as MarkdownNode[], { ...drawing, inLink }) : String(node['content'] ?? '');
  switch (node.type) {
    case 'text':
      // Podcord defuses @everyone with a zero-width space; a terminal may draw it as a gap or a box.
      return String(node['content']).replaceAll('\u200b', '');
    case 'br':
    case 'newline':
      return '\n';
    case 'strong':
      return st.bold(inner());
    case 'em':
      return st.italic(inner());
    case 'underline':
      return st.underline(inner());
    case 'strikethrough':
      return st.strikethrough(inner());
    case 'spoiler':
      return st.spoiler(inner());
    case 'inlineCode':
      return drawing.inLink ? String(node['content']) : st.cyan(String(node['content']));
    case 'codeBlock':
      return String(node['content'])
        .split('\n')
        .map((line) => st.cyan(`  ${line}`))
        .join('\n');
    case 'heading':
      return `${st.bold(node['level'] === 1 ? st.underline(inner()) : inner())}\n`;
    case 'subtext':
      return `${st.dim(inner())}\n`;
    case 'blockQuote': {
      // The quote holds its last line's end; the marker goes before each line, not after that end.
      const text = inner();
      const body = text.endsWith('\n') ? text.slice(0, -1) : text;
      const quoted = body.split('\n').map((line) => `${st.quote()}${line}`).join('\n');
      return text.endsWith('\n') ? `${quoted}\n` : quoted;
    }
    case 'link':
      return `${st.cyan(inner(true))} ${st.link(String(node['target']))}`;
    case 'autolink':
    case 'url':
      return st.link(String(node['target']));
    case 'timestamp':
      return st.bold(formatTimestamp(Number(node['timestamp']) * 1000, typeof node['format'] === 'string' ? node['format'] : undefined, options));
    case 'user':
      return st.cyan(`@${String(node['id'])}`);
    case 'role':
      return st.cyan(`@&${String(node['id'])}`);
    case 'channel':
      return st.cyan(`#${String(node['id'])}`);
    case 'everyone':
      return '@everyone';
    case 'here':
      return '@here';
    case 'emoji':
      return `:${String(node['name'])}:`;
    case 'twemoji':
      return String(node['name']);
    case 'slashCommand':
      return st.cyan(`/${String(node['fullName'] ?? node['name'])}`);
    default:
      return inner();
  }
}

/**
 * `<t:UNIX:STYLE>` as Discord draws it for the reader: t 16:20, T 16:20:30, d 20/04/2021, D 20 April 2021,
 * f (and no style) 20 April 2021 at 16:20, F Tuesday 20 April 2021 at 16:20, R "3 days ago".
 */
export function formatTimestamp(ms: number, style: string | undefined, options: RenderOptions): string {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return '?';
  // The reader's language picks the date's words ("20 April 2021", "20 april 2021"); English is written the British way.
  const locale = stringsFor(options.locale ?? 'en-US').intlLocale;
  const zone = options.timeZone ? { timeZone: options.timeZone } : {};
  switch (style) {
    case 't':
      return date.toLocaleTimeString(locale, { timeStyle: 'short', ...zone });
    case 'T':
      return date.toLocaleTimeString(locale, { timeStyle: 'medium', ...zone });
    case 'd':
      return date.toLocaleDateString(locale, { dateStyle: 'short', ...zone });
    case 'D':
      return date.toLocaleDateString(locale, { dateStyle: 'long', ...zone });
    case 'F':
      return date.toLocaleString(locale, { dateStyle: 'full', timeStyle: 'short', ...zone });
    case 'R':
      return relative(ms - (options.now ?? new Date()).getTime(), locale);
    default:
      return date.toLocaleString(locale, { dateStyle: 'long', timeStyle: 'short', ...zone });
  }
}

const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365.25 * 86_400_000],
  ['month', 30.44 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/** "in 3 days", "2 months ago": the largest whole unit, as Discord's relative style reads. */
function relative(deltaMs: number, locale: string): string {
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(deltaMs) >= size || unit === 'second') return format.format(Math.trunc(deltaMs / size), unit);
  }
  return format.format(0, 'second');
}

export interface Styles {
  bold(s: string): string;
  dim(s: string): string;
  italic(s: string): string;
  underline(s: string): string;
  strikethrough(s: string): string;
  spoiler(s: string): string;
  cyan(s: string): string;
  link(url: string): string;
  quote(): string;
  bar(rgb: number): string;
}

/**
 * picocolors draws the styles (with nesting handled: bold inside a link's colour stays closed right); without colour
 * every style is the text itself, and what only a style showed is written out (`<url>`, `||spoiler||`, `> `).
 */
function styles(colour: boolean): Styles {
  const pc = createColors(colour);
  return {
    bold: pc.bold,
    dim: pc.dim,
    italic: pc.italic,
    underline: pc.underline,
    strikethrough: colour ? pc.strikethrough : (s) => `~~${s}~~`,
    spoiler: colour ? pc.inverse : (s) => `||${s}||`,
    cyan: pc.cyan,
    link: (u) => pc.dim(`<${u}>`),
    quote: () => (colour ? pc.dim('▎ ') : '> '),
    bar: (rgb) => (colour ? nearestColour(pc, rgb)('▌') : '|'),
  };
}

/** picocolors has the 8 terminal colours, not 24-bit ones: an embed's colour is drawn as the nearest hue. */
function nearestColour(pc: ReturnType<typeof createColors>, rgb: number): (s: string) => string {
  const [r, g, b] = [(rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255];
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  if (max - min < 32) return max > 160 ? pc.white : pc.gray;
  const hue = max === r ? ((g - b) / (max - min) + 6) % 6 : max === g ? (b - r) / (max - min) + 2 : (r - g) / (max - min) + 4;
  const hues = [pc.red, pc.yellow, pc.green, pc.cyan, pc.blue, pc.magenta];
  return hues[Math.round(hue) % 6] ?? pc.blue;
}
