import type { APIEmbed } from 'discord-api-types/v10';
import type { Reply } from '../commands/command.js';
import { stringsFor, type Strings } from '../messages/strings.js';

/** Draws a reply the way Discord would, in a terminal: colour bar, bold title, links shown, buttons numbered. */

export interface RenderOptions {
  /** ANSI colours and styles (a TTY); plain text otherwise. */
  colour: boolean;
  /** Render `<t:UNIX:D>` in this time zone (the reader's own, as Discord does). */
  timeZone?: string;
  /** The reader's language (as Discord draws dates and its own labels in it); default English. */
  locale?: string;
}

const ESC = '\u001b[';

export function renderMessage(reply: Reply, options: RenderOptions): string {
  const st = styles(options.colour);
  const s = stringsFor(options.locale ?? 'en-US');
  const out: string[] = [];
  if (reply.ephemeral) out.push(st.dim(s.onlyYou));
  if (reply.content) out.push(renderMarkdown(reply.content, st, options));
  for (const embed of reply.embeds ?? []) out.push(renderEmbed(embed, st, options, s));
  let n = 0;
  for (const row of reply.components ?? []) {
    const buttons = row.components.map((c) => {
      const label = 'label' in c && c.label ? c.label : '?';
      n += 1;
      const disabled = 'disabled' in c && c.disabled;
      return disabled ? st.dim(`[${label}]`) : `[${st.bold(String(n))} ${label}]`;
    });
    out.push(buttons.join(' '));
  }
  return out.join('\n');
}

function renderEmbed(embed: APIEmbed, st: Styles, options: RenderOptions, s: Strings): string {
  const bar = st.bar(embed.color ?? 0x5865f2);
  const lines: string[] = [];
  if (embed.author) lines.push(st.dim(embed.author.name));
  if (embed.title) lines.push(st.bold(embed.title) + (embed.url ? ` ${st.link(embed.url)}` : ''));
  if (embed.thumbnail) lines.push(st.dim(`${s.artwork}: ${embed.thumbnail.url}`));
  if (embed.description) lines.push('', ...renderMarkdown(embed.description, st, options).split('\n'));
  for (const field of embed.fields ?? []) lines.push('', st.bold(field.name), ...renderMarkdown(field.value, st, options).split('\n'));
  const footer = [embed.footer?.text, embed.timestamp ? formatDate(Date.parse(embed.timestamp), 'D', options) : undefined]
    .filter(Boolean)
    .join(' · ');
  if (footer) lines.push('', st.dim(footer));
  return lines.map((l) => `${bar} ${l}`).join('\n');
}

/** The subset of Discord markdown Podcord writes: masked links, inline code, bold, timestamps, escapes. */
export function renderMarkdown(text: string, st: Styles, options: RenderOptions): string {
  return text
    .replace(/<t:(\d+):([a-zA-Z])>/g, (_m, unix: string, style: string) => st.bold(formatDate(Number(unix) * 1000, style, options)))
    .replace(/\[((?:\\.|[^\]\\])*)\]\(([^)\s]+)\)/g, (_m, label: string, url: string) => `${st.cyan(label.replace(/`/g, ''))} ${st.link(url)}`)
    .replace(/\*\*((?:\\.|[^*\\])+)\*\*/g, (_m, inner: string) => st.bold(inner))
    .replace(/`([^`]+)`/g, (_m, code: string) => st.cyan(code))
    .replace(/\\([\\*_~`|[\]()<>#>-])/g, '$1')
    .replace(/\u200b/g, '');
}

/** A date as Discord draws it for the reader: in their language ("6 May 2026", "6 maj 2026") and time zone. */
function formatDate(ms: number, style: string, { timeZone, locale }: RenderOptions): string {
  const date = new Date(ms);
  const zone = timeZone ? { timeZone } : {};
  const language = stringsFor(locale ?? 'en-US').intlLocale;
  if (style === 'R') return date.toISOString().slice(0, 10);
  if (style === 'f' || style === 'F') return new Intl.DateTimeFormat(language, { dateStyle: 'long', timeStyle: 'short', ...zone }).format(date);
  return new Intl.DateTimeFormat(language, { day: 'numeric', month: 'long', year: 'numeric', ...zone }).format(date);
}

export interface Styles {
  bold(s: string): string;
  dim(s: string): string;
  cyan(s: string): string;
  link(url: string): string;
  bar(rgb: number): string;
}

function styles(colour: boolean): Styles {
  if (!colour) {
    return { bold: (s) => s, dim: (s) => s, cyan: (s) => s, link: (u) => `<${u}>`, bar: () => '|' };
  }
  return {
    bold: (s) => `${ESC}1m${s}${ESC}22m`,
    dim: (s) => `${ESC}2m${s}${ESC}22m`,
    cyan: (s) => `${ESC}36m${s}${ESC}39m`,
    link: (u) => `${ESC}2m<${u}>${ESC}22m`,
    bar: (rgb) => `${ESC}38;2;${(rgb >> 16) & 255};${(rgb >> 8) & 255};${rgb & 255}m▌${ESC}39m`,
  };
}
