import type { APIEmbed } from 'discord-api-types/v10';
import { clip, type Catalog } from '../data/catalog.js';
import { chapterLink, formatTimestamp } from '../data/links.js';
import type { SearchHit } from '../data/search/TopicSearch.js';
import { BRAND_COLOUR, LIMITS } from './embeds.js';
import { escapeMarkdown, safeUrl } from './markdown.js';
import type { Strings } from './strings.js';

const SNIPPET = 200;

/**
 * One embed field per hit: the episode, the timestamp link to where the topic starts, the chapter it falls in,
 * and a snippet with the matched words in bold.
 */
export function topicEmbed(query: string, hits: readonly SearchHit[], catalog: Catalog, s: Strings, page: { index: number; hasNext: boolean }): APIEmbed {
  const fields: NonNullable<APIEmbed['fields']> = [];
  for (const hit of hits.slice(0, LIMITS.fields)) {
    const ref = catalog.find(hit.passage.podcastId, hit.passage.episodeId);
    if (!ref) continue;
    const seconds = hit.passage.startSeconds;
    const link = chapterLink(ref.podcast, ref.episode, seconds);
    const stamp = formatTimestamp(seconds);
    const chapter = [...ref.episode.chapters].reverse().find((c) => c.startSeconds <= seconds);
    const where =
      hit.passage.field === 'chapterTitle' || !chapter ? '' : ` · ${s.fromChapter} ${escapeMarkdown(clip(chapter.title, 80))}`;
    const origin = { chapterTitle: s.fromChapter, chapterDescription: s.fromChapter, episodeTitle: s.fromTitle, notes: s.fromNotes, transcript: s.fromTranscript }[
      hit.passage.field
    ];
    const value = [
      `${link ? `[\`${stamp}\`](${safeUrl(link)})` : `\`${stamp}\``}${where} · ${origin}`,
      `> ${boldSnippet(hit)}`,
    ].join('\n');
    fields.push({
      name: clip(`${ref.episode.title} — ${ref.podcast.title}`, LIMITS.fieldName),
      value: value.slice(0, LIMITS.fieldValue),
    });
  }
  return {
    title: clip(s.topicTitle(query), LIMITS.title),
    color: BRAND_COLOUR,
    fields,
    ...((page.index > 0 || page.hasNext) && { footer: { text: s.page(page.index + 1) } }),
  };
}

/** A window of the passage around its first match, every match in bold, the rest escaped. */
export function boldSnippet(hit: Pick<SearchHit, 'passage' | 'matches'>): string {
  const text = hit.passage.text.replace(/\s+/g, ' ');
  const sameLength = text.length === hit.passage.text.length;
  const matches = sameLength ? [...hit.matches].sort((a, b) => a.start - b.start) : [];
  const first = matches[0]?.start ?? 0;
  let start = Math.max(0, first - SNIPPET / 3);
  if (start > 0) {
    const space = text.indexOf(' ', start);
    start = space >= 0 && space < first ? space + 1 : start;
  }
  const end = Math.min(text.length, start + SNIPPET);
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
