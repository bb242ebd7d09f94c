import { pickChapters, type ChapterCandidates } from '../chapters/pickChapters.js';
import { err, ok, type Episode, type Result } from '../model.js';
import { htmlToText } from '../text/htmlToText.js';
import { parseDuration } from './parseDuration.js';
import { parsePubDate } from './parsePubDate.js';
import { namedPersons } from './personTag.js';
import { htmlFieldText, type ItemDraft } from './TagHandler.js';

// WordPress plugins have been seen writing PHP-serialized junk (`s:125:"a:5:{...`) into enclosure url.
const AUDIO_URL = /^https?:\/\/[^\s]/i;

const byStart = (a: { startSeconds: number }, b: { startSeconds: number }) => a.startSeconds - b.startSeconds;

/**
 * The list in time order; sort() is stable, so ties keep feed order. A list already in order (what hosts write, and so
 * what nearly every feed holds) is what a stable sort would leave it: it is only checked, not sorted.
 */
function inTimeOrder<T extends { startSeconds: number }>(list: T[]): T[] {
  for (let i = 1; i < list.length; i++) {
    if ((list[i] as T).startSeconds < (list[i - 1] as T).startSeconds) return list.sort(byStart);
  }
  return list;
}

function isAudio(media: ItemDraft['enclosure']): media is NonNullable<ItemDraft['enclosure']> {
  return media !== undefined && AUDIO_URL.test(media.url);
}

/** One to nine ASCII digits (spaces around allowed) as a number; read digit by digit, not by a pattern and Number(). */
function integer(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text.length === 0 || text.length > 9) return undefined;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    n = n * 10 + digit;
  }
  return n;
}

/** The value, or '' when it is missing or blank. (One argument, no rest array: this runs for every field of every item.) */
function nonBlank(value: string | undefined): string {
  return value !== undefined && value.trim() !== '' ? value : '';
}

/**
 * The richest show notes: content:encoded, else description, else itunes:summary; but WordPress puts a
 * 55-word excerpt in description and the full notes in itunes:summary, so a summary more than twice as
 * long as the description wins over it.
 */
function showNotes(draft: ItemDraft): string {
  // Read in this order so an item with content:encoded never decodes the description it will not use.
  const encoded = nonBlank(draft.contentEncoded && htmlFieldText(draft.contentEncoded));
  if (encoded !== '') return encoded;
  const description = nonBlank(draft.description && htmlFieldText(draft.description));
  const summary = nonBlank(draft.summary && htmlFieldText(draft.summary));
  return summary.length > 2 * description.length ? summary : description;
}

/**
 * An Episode from an item's draft, or an error for an item with nothing to show (no title, notes or audio).
 */
export function buildEpisode(draft: ItemDraft): Result<Episode> {
  const description = htmlToText(showNotes(draft));
  const audio = isAudio(draft.enclosure) ? draft.enclosure : isAudio(draft.mediaAudio) ? draft.mediaAudio : undefined;
  let title = draft.title ?? draft.itunesTitle;
  if (title === undefined) {
    if (description === '' && audio === undefined) return err('The item has no title, notes or audio');
    const firstLine = description.split('\n', 1)[0] ?? '';
    title = firstLine === '' ? 'Untitled episode' : firstLine.length > 100 ? `${firstLine.slice(0, 99)}…` : firstLine;
  }
  const published = draft.pubDate === undefined ? undefined : parsePubDate(draft.pubDate);
  const publishedAt = published?.ok ? published.value : undefined;
  const duration = parseDuration(draft.duration ?? draft.mediaDuration ?? '');
  const durationSeconds = duration.ok ? duration.value : undefined;
  const season = integer(draft.season);
  const episodeNumber = integer(draft.episode);
  const audioLength = integer(audio?.length);

  // Keys are set in EpisodeSchema order so JSON output (and the golden files) read naturally.
  const out = {} as Episode;
  out.id = draft.guid ?? audio?.url ?? draft.link ?? `${title} ${publishedAt ?? draft.pubDate ?? ''}`.trim();
  out.title = title;
  if (season !== undefined) out.season = season;
  if (episodeNumber !== undefined) out.episodeNumber = episodeNumber;
  if (publishedAt !== undefined) out.publishedAt = publishedAt;
  if (durationSeconds !== undefined) out.durationSeconds = durationSeconds;
  out.description = description;
  if (draft.link !== undefined) out.link = draft.link;
  if (audio !== undefined) {
    out.audioUrl = audio.url;
    if (audio.type !== undefined) out.audioType = audio.type;
    if (audioLength !== undefined) out.audioLength = audioLength;
  }
  if (draft.image !== undefined) out.image = draft.image;
  if (draft.chaptersUrl !== undefined) out.chaptersUrl = draft.chaptersUrl;
  out.transcripts = draft.transcripts;
  // Podlove allows any order; chapters are played in time order.
  const psc = inTimeOrder(draft.psc);
  const candidates: ChapterCandidates = { psc, notes: description };
  if (durationSeconds !== undefined) candidates.durationSeconds = durationSeconds;
  out.chapters = pickChapters(candidates);
  if (draft.soundbites.length > 0) out.soundbites = inTimeOrder(draft.soundbites);
  // The channel's persons stand in for an item that names none: parseFeed adds them once the whole channel is read.
  const persons = namedPersons(draft.persons);
  if (persons !== undefined) out.persons = persons;
  return ok(out);
}
