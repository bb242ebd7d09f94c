import { chapterLink, formatTimestamp, httpHref } from '../data/links.js';
import type { Episode, Person, Podcast, Soundbite } from '../data/model.js';
import { clip } from '../data/text/clip.js';
import { escapeMarkdown, maskedLink, timestampLink } from './markdown.js';
import type { Strings } from './strings.js';

/** /episode's guests and hosts (podcast:person) and soundbites (podcast:soundbite), each an embed field's value. */

const FIELD_VALUE = 1024;
const NAME_MAX = 100;
const ROLE_MAX = 60;
const SOUNDBITE_TITLE_MAX = 150;

/** `[Name](page) · guest`: the name linked to their page when the feed gives one; no role means host (the spec's default). */
export function personLine(person: Person, s: Strings, maxUrl: number): string {
  const name = clip(person.name.replace(/\s+/g, ' ').trim(), NAME_MAX);
  const role = (person.role ?? 'host').replace(/\s+/g, ' ').trim();
  const key = role.toLowerCase();
  // Own words only: a feed's role "constructor" or "toString" must not find Object.prototype's.
  const shownRole = (Object.hasOwn(s.personRoles, key) ? s.personRoles[key] : undefined) ?? escapeMarkdown(clip(role, ROLE_MAX));
  const after = ` · ${shownRole}`;
  // A long URL is left out (the name shows as text), never cut; a line always fits a field on its own.
  return `${maskedLink(name, httpHref(person.href), Math.min(NAME_MAX * 2 + maxUrl, FIELD_VALUE - after.length))}${after}`;
}

/** `` [`12:34`](link) Title · 42 s ``: the start opens the episode at that second, as a chapter's does. */
export function soundbiteLine(podcast: Podcast, episode: Episode, soundbite: Soundbite, s: Strings, maxUrl: number): string {
  const title = soundbite.title === undefined ? '' : ` ${escapeMarkdown(clip(soundbite.title.replace(/\s+/g, ' ').trim(), SOUNDBITE_TITLE_MAX))}`;
  const after = `${title} · ${s.soundbiteLength(Math.round(soundbite.durationSeconds))}`;
  // The link is left out rather than let one line overflow the field.
  const link = chapterLink(podcast, episode, soundbite.startSeconds);
  return `${timestampLink(formatTimestamp(soundbite.startSeconds), link, Math.min(maxUrl, FIELD_VALUE - after.length))}${after}`;
}

/** Lines joined into one field value: as many as fit in Discord's 1,024 characters, then how many were left out. */
export function fieldOfLines(lines: readonly string[], s: Strings): string {
  let value = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const rest = lines.length - i - 1;
    const next = value === '' ? line : `${value}\n${line}`;
    // Room is kept for the "and N more" line whenever lines remain after this one.
    const tail = rest > 0 ? `\n${s.andMore(rest)}`.length : 0;
    if (next.length + tail > FIELD_VALUE) return value === '' ? s.andMore(lines.length) : `${value}\n${s.andMore(lines.length - i)}`;
    value = next;
  }
  return value;
}

/**
 * The embed fields /episode shows for its guests and hosts and its soundbites; none when the feed names neither. A
 * link whose URL is longer than `maxUrl` is left out (embeds' MAX_LINK_URL).
 */
export function castFields(podcast: Podcast, episode: Episode, s: Strings, maxUrl: number): { name: string; value: string }[] {
  const fields: { name: string; value: string }[] = [];
  if (episode.persons !== undefined && episode.persons.length > 0) {
    fields.push({ name: s.persons, value: fieldOfLines(episode.persons.map((p) => personLine(p, s, maxUrl)), s) });
  }
  if (episode.soundbites !== undefined && episode.soundbites.length > 0) {
    fields.push({ name: s.soundbites, value: fieldOfLines(episode.soundbites.map((b) => soundbiteLine(podcast, episode, b, s, maxUrl)), s) });
  }
  return fields;
}
