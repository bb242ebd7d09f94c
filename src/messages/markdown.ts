/**
 * Feed text is hostile: it must show as written, never as Discord markdown, links or mentions.
 * allowedMentions is empty on every reply too; this keeps the text from even looking like a ping.
 */

const INLINE = /[\\*_~`|[\]()<>]/g;
const LINE_START = /^(\s*)([#>-])/gm;
const NUMBERED = /^(\s*\d+)\./gm;

export function escapeMarkdown(text: string): string {
  return text
    .replace(INLINE, '\\$&')
    .replace(LINE_START, '$1\\$2')
    .replace(NUMBERED, '$1\\.')
    .replace(/@(everyone|here)/gi, '@\u200b$1');
}

/**
 * Text set inside a line of our own (a typed query, an address in a sentence): its inline markup escaped, mentions
 * defused and line breaks made spaces, so it cannot start a heading, quote or list of its own.
 */
export function escapeInline(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(INLINE, '\\$&').replace(/@(everyone|here)/gi, '@\u200b$1');
}

/**
 * `[text](url)`: the text escaped, the URL made safe for the link syntax. Text only when there is no URL, or when the
 * link would be longer than `max` (the room left in a field): a long URL is left out, never cut (a cut one is broken).
 */
export function maskedLink(text: string, url: string | undefined, max = Number.POSITIVE_INFINITY): string {
  const shown = escapeMarkdown(text);
  if (url === undefined) return shown;
  const link = `[${shown}](${safeUrl(url)})`;
  return link.length <= max ? link : shown;
}

/** `` [`12:34`](url) ``: a timestamp that opens the episode there, or `` `12:34` `` as text when there is no URL or the
 * link would be longer than `max`. */
export function timestampLink(stamp: string, url: string | undefined, max = Number.POSITIVE_INFINITY): string {
  const text = `\`${stamp}\``;
  if (url === undefined) return text;
  const link = `[${text}](${safeUrl(url)})`;
  return link.length <= max ? link : text;
}

/** A raw URL inside markdown link syntax: parentheses and spaces would end or break the link. */
export function safeUrl(url: string): string {
  return url.replace(/[()\s<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** `<t:UNIX:D>`: Discord shows it in each reader's own time zone. */
export function discordTimestamp(iso: string, style: 'D' | 'R' | 'f' = 'D'): string | undefined {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : `<t:${Math.floor(ms / 1000)}:${style}>`;
}
