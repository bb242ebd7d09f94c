import type { APIAllowedMentions, APIEmbed } from 'discord-api-types/v10';
import type { EpisodeDetail, EpisodeRef } from '../data/catalog.js';
import { clip } from '../data/text/clip.js';
import type { Podcast } from '../data/model.js';
import { clipProse } from '../data/text/clip.js';
import { BRAND_COLOUR, chapterLine, embedUrl, LIMITS, MAX_LINK_URL } from './embeds.js';
import { toPlainExcerpt, withoutTimestampLines } from './excerpt.js';
import { discordTimestamp, escapeMarkdown, maskedLink } from './markdown.js';
import { formatDuration, type Strings } from './strings.js';

/**
 * The messages the announcer posts, as REST bodies: pure, within Discord's limits by construction, feed text escaped,
 * and mentions limited to the configured role (and only when that role is meant to be pinged).
 */

export interface AnnouncementBody {
  content?: string;
  embeds: APIEmbed[];
  allowed_mentions: APIAllowedMentions;
}

const CHAPTERS_SHOWN = 5;
const EXCERPT_CHARS = 600;
const DESCRIPTION_BUDGET = 3800;
const NO_MENTIONS: APIAllowedMentions = { parse: [] };

export interface AnnouncementOptions {
  /** The role to mention. */
  roleId?: string;
  /** Ping the role (false: the mention shows but notifies nobody, as in a test). Default true. */
  ping?: boolean;
  /** A preview posted by /announce test. */
  test?: boolean;
}

/** A new episode: title linked, artwork, date · duration · number, an excerpt, the first chapters as timestamp links. */
export function announcementMessage(ref: EpisodeDetail, s: Strings, options: AnnouncementOptions = {}): AnnouncementBody {
  const { podcast, episode } = ref;
  const url = embedUrl(episode.link) ?? embedUrl(episode.audioUrl);
  const artwork = embedUrl(episode.image) ?? embedUrl(podcast.image);
  const home = embedUrl(podcast.link);

  const facts: string[] = [];
  const date = episode.publishedAt ? discordTimestamp(episode.publishedAt, 'D') : undefined;
  if (date) facts.push(date);
  if (episode.durationSeconds !== undefined) facts.push(formatDuration(episode.durationSeconds, s));
  if (episode.episodeNumber !== undefined) facts.push(`${s.episode} ${episode.episodeNumber}`);

  const parts: string[] = [];
  if (facts.length > 0) parts.push(facts.join(' · '));
  const excerpt = escapeMarkdown(toPlainExcerpt(episode.chapters.length > 0 ? withoutTimestampLines(episode.description) : episode.description, EXCERPT_CHARS));
  if (excerpt) parts.push(excerpt);
  let description = parts.join('\n\n');

  if (episode.chapters.length > 0) {
    const lines: string[] = [];
    let size = description.length + s.chapters.length + 8;
    for (const chapter of episode.chapters.slice(0, CHAPTERS_SHOWN)) {
      const line = chapterLine(ref, chapter);
      if (size + line.length + 1 > DESCRIPTION_BUDGET) break;
      lines.push(line);
      size += line.length + 1;
    }
    const rest = episode.chapters.length - lines.length;
    if (rest > 0) lines.push(s.moreChapters(rest));
    description = [description, `**${s.chapters}**\n${lines.join('\n')}`].filter(Boolean).join('\n\n');
  }

  const embed: APIEmbed = {
    title: clip(episode.title, LIMITS.title),
    ...(url && { url }),
    author: { name: clip(podcast.title, LIMITS.author), ...(home && { url: home }) },
    ...(description && { description: clip(description, LIMITS.description) }),
    ...(artwork && { thumbnail: { url: artwork } }),
    color: BRAND_COLOUR,
    footer: { text: options.test ? `🧪 ${s.newEpisode}` : s.newEpisode },
    ...(episode.publishedAt && { timestamp: episode.publishedAt }),
  };

  const role = options.roleId;
  const ping = role !== undefined && options.ping !== false && !options.test;
  const content = [role ? `<@&${role}>` : undefined, options.test ? s.testAnnouncement(escapeMarkdown(clip(podcast.title, 200))) : undefined]
    .filter(Boolean)
    .join(' ');
  return {
    ...(content && { content }),
    embeds: [embed],
    allowed_mentions: ping ? { parse: [], roles: [role] } : NO_MENTIONS,
  };
}

/**
 * Episodes published while the bot was away, beyond what is posted one by one: one message listing them (oldest
 * first, as many as fit), so a channel is never flooded. `refs` may be empty when only the count is known.
 */
export function catchUpSummaryMessage(podcast: Podcast, count: number, refs: readonly EpisodeDetail[], s: Strings): AnnouncementBody {
  const lines: string[] = [];
  let size = s.catchUpIntro.length + 2;
  for (const ref of refs) {
    const url = embedUrl(ref.episode.link) ?? embedUrl(ref.episode.audioUrl);
    const date = ref.episode.publishedAt ? discordTimestamp(ref.episode.publishedAt, 'D') : undefined;
    const line = `• ${maskedLink(clip(ref.episode.title, 150), url, MAX_LINK_URL)}${date ? ` (${date})` : ''}`;
    if (size + line.length + 60 > DESCRIPTION_BUDGET) break;
    lines.push(line);
    size += line.length + 1;
  }
  if (count > lines.length) lines.push(s.catchUpMore(count - lines.length));
  const home = embedUrl(podcast.link);
  const artwork = embedUrl(podcast.image);
  return {
    embeds: [
      {
        title: clip(s.catchUpTitle(count, podcast.title), LIMITS.title),
        ...(home && { url: home }),
        description: [s.catchUpIntro, lines.join('\n')].join('\n\n'),
        ...(artwork && { thumbnail: { url: artwork } }),
        color: BRAND_COLOUR,
      },
    ],
    allowed_mentions: NO_MENTIONS,
  };
}

/** Posted once when a feed is paused after failing too often. `error`: the reason worded and escaped (storedProblemText). */
export function pausedNoticeMessage(title: string, failures: number, error: string, s: Strings): AnnouncementBody {
  const text = s.feedPaused(escapeMarkdown(clip(title, 200)), failures, clipProse(error, 500));
  return { content: clip(text, LIMITS.content), embeds: [], allowed_mentions: NO_MENTIONS };
}

/** Posted once when a feed is paused for announcing more than `cap` episodes in a day. */
export function floodNoticeMessage(title: string, cap: number, s: Strings): AnnouncementBody {
  return { content: clip(s.feedFlooding(escapeMarkdown(clip(title, 200)), cap), LIMITS.content), embeds: [], allowed_mentions: NO_MENTIONS };
}

/** Discord's limit on a thread's (and a forum post's) name, in code points: Discord counts characters that way. */
const THREAD_NAME_MAX = 100;

/** A forum post's or a thread's name (at most 100 characters as Discord counts them): the episode title. */
export function forumPostName(ref: EpisodeRef, test = false): string {
  const name = `${test ? '🧪 ' : ''}${ref.episode.title.replace(/\s+/g, ' ').trim()}` || ref.podcast.title;
  // clip counts UTF-16 code units, which are never fewer than code points: a name of 100 code points (emoji, CJK
  // supplements) is kept whole rather than cut where Discord would not.
  let points = 0;
  for (const _ of name) if (++points > THREAD_NAME_MAX) break;
  return points <= THREAD_NAME_MAX ? name : clip(name, THREAD_NAME_MAX);
}

/**
 * The first message in an episode's discussion thread: every chapter as a timestamp link, as many as fit one embed,
 * then where the rest are (/chapters). Undefined when the episode has no chapters.
 */
export function threadChaptersMessage(ref: EpisodeDetail, s: Strings): AnnouncementBody | undefined {
  const { episode } = ref;
  if (episode.chapters.length === 0) return undefined;
  const lines: string[] = [];
  let size = 0;
  for (const chapter of episode.chapters) {
    const line = chapterLine(ref, chapter);
    // Room left for the "...and n more" line.
    if (size + line.length + 1 > DESCRIPTION_BUDGET - 60) break;
    lines.push(line);
    size += line.length + 1;
  }
  const rest = episode.chapters.length - lines.length;
  if (rest > 0) lines.push(s.moreChapters(rest));
  const source = episode.chapters[0]?.source;
  return {
    embeds: [
      {
        title: s.chapters,
        description: lines.join('\n'),
        color: BRAND_COLOUR,
        ...(source && { footer: { text: s.chaptersFrom(s.chapterSource[source]) } }),
      },
    ],
    allowed_mentions: NO_MENTIONS,
  };
}

