import type { APIEmbed } from 'discord-api-types/v10';
import type { EpisodeDetail } from '../data/catalog.js';
import { clip } from '../data/text/clip.js';
import { chapterLink, formatTimestamp } from '../data/links.js';
import type { SearchHit } from '../data/search/TopicSearch.js';
import { graphemeBoundaryAtOrBefore } from '../data/text/clip.js';
import { BRAND_COLOUR, LIMITS, MAX_LINK_URL } from './embeds.js';
import { escapeMarkdown, timestampLink } from './markdown.js';
import type { Strings } from './strings.js';

const SNIPPET = 200;

/**
 * One embed field per hit (`detailOf`: the hits' episodes, read for this page): the episode, the timestamp link to where the topic starts, the chapter it falls in,
 * and a snippet with the matched words in bold.
 */
export function topicEmbed(
  query: string,
  hits: readonly SearchHit[],
  detailOf: (podcastId: string, episodeId: string) => EpisodeDetail | undefined,
  s: Strings,
  page: { index: number; hasNext: boolean },
): APIEmbed {
  const title = clip(s.topicTitle(query), LIMITS.title);
  const footer = page.index > 0 || page.hasNext ? s.page(page.index + 1) : undefined;
  // Room left in the message's 6000 characters: a hit that would pass it is not shown.
  let room = LIMITS.charactersPerMessage - title.length - (footer?.length ?? 0);
  const fields: NonNullable<APIEmbed['fields']> = [];
  for (const hit of hits.slice(0, LIMITS.fields)) {
    const ref = detailOf(hit.passage.podcastId, hit.passage.episodeId);
    if (!ref) continue;
    const seconds = hit.passage.startSeconds;
    const link = chapterLink(ref.podcast, ref.episode, seconds);
    const stamp = formatTimestamp(seconds);
    const chapter = [...ref.episode.chapters].reverse().find((c) => c.startSeconds <= seconds);
    const where =
      hit.passage.field === 'chapterTitle' || !chapter ? '' : ` · ${s.fromChapter} ${escapeMarkdown(clip(chapter.title, 80))}`;
    const origin = {
      chapterTitle: s.fromChapter,
      chapterDescription: s.fromChapter,
      episodeTitle: s.fromTitle,
      notes: s.fromNotes,
      transcript: s.fromTranscript,
      person: s.fromPerson,
      soundbite: s.fromSoundbite,
    }[hit.passage.field];
    const rest = `${where} · ${origin}\n> ${boldSnippet(hit)}`;
    // The timestamp is linked when the link fits beside the rest; the snippet is cut (whole characters) only if even
    // the plain timestamp leaves no room, which bounded snippets never do.
    const value = clip(`${timestampLink(stamp, link, Math.min(MAX_LINK_URL, LIMITS.fieldValue - rest.length))}${rest}`, LIMITS.fieldValue);
    const name = clip(`${ref.episode.title} — ${ref.podcast.title}`, LIMITS.fieldName);
    if (name.length + value.length > room) break;
    room -= name.length + value.length;
    fields.push({ name, value });
  }
  return {
    title,
    color: BRAND_COLOUR,
    fields,
    ...(footer !== undefined && { footer: { text: footer } }),
  };
}

/** A window of the passage around its first match, every match in bold, the rest escaped. */
function boldSnippet(hit: Pick<SearchHit, 'passage' | 'matches'>): string {
  const text = hit.passage.text.replace(/\s+/g, ' ');
  const sameLength = text.length === hit.passage.text.length;
  const matches = sameLength ? [...hit.matches].sort((a, b) => a.start - b.start) : [];
  const first = matches[0]?.start ?? 0;
  let start = Math.max(0, first - SNIPPET / 3);
  if (start > 0) {
    const space = text.indexOf(' ', start);
    start = space >= 0 && space < first ? space + 1 : graphemeBoundaryAtOrBefore(text, start);
  }
  const end = graphemeBoundaryAtOrBefore(text, Math.min(text.length, start + SNIPPET));
  let out = start > 0 ? '…' : '';
  let at = start;
  for (const m of matches) {
    if (m.start < at || m.end > end) continue;
    out += escapeMarkdown(text.slice(at, m.start)) + `**${escapeMarkdown(text.slice(m.start, m.end))}**`;
    at = m.end;
  }
  out += escapeMarkdown(text.slice(at, end));
  return end < text.length ? `${out}…` : out;
}
