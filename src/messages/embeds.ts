import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from 'discord-api-types/v10';
import type { EpisodeDetail } from '../data/catalog.js';
import { clip } from '../data/text/clip.js';
import { chapterLink, formatTimestamp, httpHref } from '../data/links.js';
import type { Chapter } from '../data/model.js';
import { castFields } from './episodeCast.js';
import { toPlainExcerpt, withoutTimestampLines } from './excerpt.js';
import { discordTimestamp, escapeMarkdown, maskedLink, timestampLink } from './markdown.js';
import { formatDuration, type Strings } from './strings.js';

/** Embeds for episodes and chapters, within Discord's limits by construction (see LIMITS). */

/** Discord's limits, in characters (Discord counts code points; see data/text/clip for how texts are cut to them). */
export const LIMITS = {
  title: 256,
  description: 4096,
  fieldName: 256,
  fieldValue: 1024,
  fields: 25,
  footer: 2048,
  author: 256,
  embedsPerMessage: 10,
  charactersPerMessage: 6000,
  content: 2000,
  /** An autocomplete choice's name and value. */
  choice: 100,
  /** An embed's url and image urls: not documented; a longer one is left out rather than risk a refused message. */
  url: 2048,
} as const;

/**
 * Not a Discord limit: the longest URL linked inside text (a chapter's timestamp, a listen link). Signed CDN URLs can
 * run to thousands of characters; those are left out (the time shows as text) so a line never crowds out the rest.
 */
export const MAX_LINK_URL = 1000;

/** An http(s) URL that may go into an embed's url, author url or thumbnail; undefined when there is none or it is too long. */
export function embedUrl(raw: string | undefined): string | undefined {
  const href = httpHref(raw);
  return href !== undefined && href.length <= LIMITS.url ? href : undefined;
}

export const BRAND_COLOUR = 0x7c3aed;
/** A page of chapters stays well inside the description limit, and short enough to read on a phone. */
const CHAPTERS_PER_PAGE = 15;
const PAGE_BUDGET = 3600;
const CHAPTER_TITLE_MAX = 180;

type ButtonRow = APIActionRowComponent<APIButtonComponent>;

function header(ref: EpisodeDetail, s: Strings): string {
  const parts: string[] = [];
  const date = ref.episode.publishedAt ? discordTimestamp(ref.episode.publishedAt, 'D') : undefined;
  if (date) parts.push(date);
  if (ref.episode.durationSeconds !== undefined) parts.push(formatDuration(ref.episode.durationSeconds, s));
  if (ref.episode.episodeNumber !== undefined) parts.push(`${s.episode} ${ref.episode.episodeNumber}`);
  return parts.join(' · ');
}

function baseEmbed(ref: EpisodeDetail): APIEmbed {
  const { podcast, episode } = ref;
  const url = embedUrl(episode.link) ?? embedUrl(episode.audioUrl);
  const image = embedUrl(episode.image) ?? embedUrl(podcast.image);
  const home = embedUrl(podcast.link);
  return {
    title: clip(episode.title, LIMITS.title),
    ...(url && { url }),
    author: { name: clip(podcast.title, LIMITS.author), ...(home && { url: home }) },
    ...(image && { thumbnail: { url: image } }),
    color: BRAND_COLOUR,
    ...(episode.publishedAt && { timestamp: episode.publishedAt }),
  };
}

/** `[`12:34`](link) Title`: the timestamp opens the episode at that second; plain text when no honest link exists. */
export function chapterLine(ref: EpisodeDetail, chapter: Pick<Chapter, 'startSeconds' | 'title'>): string {
  const stamp = formatTimestamp(chapter.startSeconds);
  const link = chapterLink(ref.podcast, ref.episode, chapter.startSeconds);
  const title = escapeMarkdown(clip(chapter.title.replace(/\s+/g, ' ').trim(), CHAPTER_TITLE_MAX));
  return `${timestampLink(stamp, link, MAX_LINK_URL)} ${title}`;
}

/** Chapter lines split into pages by count and by characters, so no page can exceed a limit. */
export function paginateChapters(ref: EpisodeDetail): string[][] {
  const pages: string[][] = [];
  let page: string[] = [];
  let size = 0;
  for (const chapter of ref.episode.chapters) {
    const line = chapterLine(ref, chapter);
    if (page.length > 0 && (page.length >= CHAPTERS_PER_PAGE || size + line.length + 1 > PAGE_BUDGET)) {
      pages.push(page);
      page = [];
      size = 0;
    }
    page.push(line);
    size += line.length + 1;
  }
  if (page.length > 0) pages.push(page);
  return pages;
}

export function chaptersMessage(ref: EpisodeDetail, pageIndex: number, s: Strings): { embeds: APIEmbed[]; components: ButtonRow[] } {
  const pages = paginateChapters(ref);
  const count = Math.max(pages.length, 1);
  const index = Math.min(Math.max(0, pageIndex), count - 1);
  const source = ref.episode.chapters[0]?.source;
  const footer = [source ? s.chaptersFrom(s.chapterSource[source]) : undefined, count > 1 ? s.page(index + 1, count) : undefined]
    .filter(Boolean)
    .join(' · ');
  const top = header(ref, s);
  const embed: APIEmbed = {
    ...baseEmbed(ref),
    description: [top, (pages[index] ?? []).join('\n')].filter(Boolean).join('\n\n'),
    ...(footer && { footer: { text: footer } }),
  };
  const components = count > 1 ? [pagerRow((page) => `chapters:${ref.key}:${page}`, index, count, s)] : [];
  return { embeds: [embed], components };
}

/**
 * previous | n/m | next; the page number travels in the custom id, so any click works for the reply's lifetime.
 * `pages`: the count when known, or only whether another page follows.
 */
export function pagerRow(idFor: (page: number | 'noop') => string, index: number, pages: number | { hasNext: boolean }, s: Strings): ButtonRow {
  const count = typeof pages === 'number' ? pages : undefined;
  const last = typeof pages === 'number' ? index >= pages - 1 : !pages.hasNext;
  return {
    type: ComponentType.ActionRow,
    components: [
      { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: idFor(index - 1), label: `◀ ${s.previous}`, disabled: index <= 0 },
      { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: idFor('noop'), label: s.page(index + 1, count), disabled: true },
      { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: idFor(index + 1), label: `${s.next} ▶`, disabled: last },
    ],
  };
}

export function episodeMessage(ref: EpisodeDetail, s: Strings): { embeds: APIEmbed[]; components: ButtonRow[] } {
  const { episode } = ref;
  const listen = chapterLink(ref.podcast, episode, 0);
  const fields: NonNullable<APIEmbed['fields']> = [];
  if (episode.publishedAt) fields.push({ name: s.published, value: discordTimestamp(episode.publishedAt, 'D') ?? episode.publishedAt, inline: true });
  if (episode.durationSeconds !== undefined) fields.push({ name: s.duration, value: formatDuration(episode.durationSeconds, s), inline: true });
  if (episode.episodeNumber !== undefined) {
    const season = episode.season !== undefined ? `${s.season} ${episode.season}, ` : '';
    fields.push({ name: s.episode, value: `${season}${episode.episodeNumber}`, inline: true });
  }
  fields.push({ name: s.chapterCount, value: episode.chapters.length > 0 ? String(episode.chapters.length) : s.none, inline: true });
  if (listen) fields.push({ name: s.listen, value: maskedLink(episode.audioUrl ? s.listen : clip(episode.title, 200), listen, MAX_LINK_URL), inline: true });
  fields.push(...castFields(ref.podcast, episode, s, MAX_LINK_URL));
  const description = escapeMarkdown(toPlainExcerpt(withoutChapterLines(episode), 1500));
  const components: ButtonRow[] =
    episode.chapters.length > 0
      ? [
          {
            type: ComponentType.ActionRow,
            components: [
              { type: ComponentType.Button, style: ButtonStyle.Primary, custom_id: `episode-chapters:${ref.key}`, label: s.showChapters(episode.chapters.length) },
            ],
          },
        ]
      : [];
  return { embeds: [{ ...baseEmbed(ref), ...(description && { description }), fields }], components };
}

export function latestMessage(refs: readonly EpisodeDetail[], s: Strings): { embeds: APIEmbed[] } {
  return {
    embeds: refs.slice(0, 5).map((ref) => {
      const top = header(ref, s);
      const excerpt = escapeMarkdown(toPlainExcerpt(ref.episode.description, 300));
      const chapters = ref.episode.chapters.length > 0 ? `${s.chapters}: ${ref.episode.chapters.length}` : '';
      return { ...baseEmbed(ref), description: [top, excerpt, chapters].filter(Boolean).join('\n\n') };
    }),
  };
}

/** When the chapters came from the notes, the button shows them better than the raw lines would. */
function withoutChapterLines(episode: EpisodeDetail['episode']): string {
  return episode.chapters[0]?.source === 'notes' ? withoutTimestampLines(episode.description) : episode.description;
}

/** Total characters Discord counts against the 6000 per message: titles, descriptions, fields, footers, authors. */
export function messageCharacters(embeds: readonly APIEmbed[]): number {
  let n = 0;
  for (const e of embeds) {
    n += (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.author?.name.length ?? 0);
    for (const f of e.fields ?? []) n += f.name.length + f.value.length;
  }
  return n;
}
