import { z } from 'zod';

/**
 * The podcast domain every other layer speaks. Optional fields are absent (never `undefined`, never `null`)
 * when a feed does not say, so `JSON.stringify` of a value is already the `--json` output shape.
 */

/** Where a chapter list came from, in order of trust: JSON > audio (the enclosure's ID3 CHAP frames) > psc > notes. */
export const ChapterSourceSchema = z.enum(['json', 'audio', 'psc', 'notes']);
export type ChapterSource = z.infer<typeof ChapterSourceSchema>;

export const ChapterSchema = z.object({
  /** Whole or fractional seconds from the start of the audio. */
  startSeconds: z.number().nonnegative(),
  endSeconds: z.number().nonnegative().optional(),
  title: z.string(),
  /** A web page about this chapter (JSON `url`, an ID3 chapter's WXXX, psc `href`, a link in the notes line). */
  url: z.string().optional(),
  img: z.string().optional(),
  source: ChapterSourceSchema,
});
export type Chapter = z.infer<typeof ChapterSchema>;

export const TranscriptSchema = z.object({
  url: z.string(),
  /** MIME type as the feed states it: text/vtt, application/srt, application/json, text/html... */
  type: z.string(),
  language: z.string().optional(),
  rel: z.string().optional(),
});
export type Transcript = z.infer<typeof TranscriptSchema>;

/** `<podcast:person>`: someone who takes part, as the feed names them (role and group as written; the spec's defaults are host and cast). */
export const PersonSchema = z.object({
  name: z.string(),
  role: z.string().optional(),
  group: z.string().optional(),
  /** A picture of them. */
  img: z.string().optional(),
  /** A page about them. */
  href: z.string().optional(),
});
export type Person = z.infer<typeof PersonSchema>;

/** `<podcast:soundbite>`: a moment the publisher points at, to share or to preview the episode. */
export const SoundbiteSchema = z.object({
  startSeconds: z.number().nonnegative(),
  durationSeconds: z.number().positive(),
  /** The feed's words for the moment; absent when it gives none (then the episode title stands for it). */
  title: z.string().optional(),
});
export type Soundbite = z.infer<typeof SoundbiteSchema>;

export const EpisodeSchema = z.object({
  /**
   * Stable identity: guid, else enclosure URL, else link, else title + date. Items that share a guid but not their
   * audio get the guid and their enclosure URL (parseFeed); a known episode whose guid changed keeps its id
   * (keepEpisodeIds).
   */
  id: z.string(),
  title: z.string(),
  season: z.number().int().optional(),
  episodeNumber: z.number().int().optional(),
  /** ISO 8601, UTC. */
  publishedAt: z.string().optional(),
  durationSeconds: z.number().nonnegative().optional(),
  /** Plain text: HTML and entities decoded, paragraphs kept as blank-line separated blocks. */
  description: z.string(),
  link: z.string().optional(),
  audioUrl: z.string().optional(),
  audioType: z.string().optional(),
  audioLength: z.number().int().nonnegative().optional(),
  image: z.string().optional(),
  /** `<podcast:chapters url>`: fetched separately; its chapters outrank psc and notes. */
  chaptersUrl: z.string().optional(),
  transcripts: z.array(TranscriptSchema),
  /** The best chapter list known so far (see chapters/pickChapters). */
  chapters: z.array(ChapterSchema),
  /** `<podcast:soundbite>`s in time order; absent when the item has none. */
  soundbites: z.array(SoundbiteSchema).optional(),
  /**
   * Who takes part: the item's `<podcast:person>`s, else the channel's (an item's own list replaces the channel's, as
   * the spec says); absent when neither names anyone.
   */
  persons: z.array(PersonSchema).optional(),
});
export type Episode = z.infer<typeof EpisodeSchema>;

/** Podcasting 2.0 `<podcast:liveItem>`: a live show, announced ahead (pending), on air (live) or over (ended). */
export const LiveItemSchema = z.object({
  /** Its guid, else its stream URL, else its title and start: stable while the host updates its status. */
  id: z.string(),
  status: z.enum(['pending', 'live', 'ended']),
  title: z.string(),
  /** ISO 8601, UTC. */
  start: z.string(),
  end: z.string().optional(),
  /** The enclosure: the stream itself. */
  streamUrl: z.string().optional(),
  /** `<podcast:contentLink href>`: a page to watch or listen on (YouTube, the host's player). */
  contentLink: z.string().optional(),
  link: z.string().optional(),
});
export type LiveItem = z.infer<typeof LiveItemSchema>;

export const PodcastSchema = z.object({
  /** Identity: the feed URL after redirects, or `sample:<slug>` for bundled data. */
  id: z.string(),
  feedUrl: z.string().optional(),
  title: z.string(),
  link: z.string().optional(),
  description: z.string().optional(),
  image: z.string().optional(),
  author: z.string().optional(),
  language: z.string().optional(),
  categories: z.array(z.string()),
  /** The channel's `<podcast:person>`s (hosts, usually); absent when it names none. */
  persons: z.array(PersonSchema).optional(),
  /** Overrides the deep link: `{audio}`, `{episode}`, `{id}`, `{link}` and `{seconds}` are filled in. */
  linkTemplate: z.string().optional(),
  /** Live shows the feed lists (`<podcast:liveItem>`), in feed order; absent when it lists none. */
  liveItems: z.array(LiveItemSchema).optional(),
});
export type Podcast = z.infer<typeof PodcastSchema>;

/** A feed parsed: the show and its episodes, newest first. */
export interface ParsedFeed {
  podcast: Podcast;
  episodes: Episode[];
}

/** Expected failures are values: a reason a person can read, never a bare `null`. */
export type Result<T, E = string> = { ok: true; value: T } | { ok: false; error: E };
export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const err = <E>(error: E): { ok: false; error: E } => ({ ok: false, error });
