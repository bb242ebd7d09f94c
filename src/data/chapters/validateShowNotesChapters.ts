import type { Chapter } from '../model.js';
import { findTimestampLines } from './findTimestampLines.js';
import type { TimestampLine } from './findTimestampLines.js';
import { parseNotesChapters } from './parseNotesChapters.js';

/**
 * Would Apple Podcasts, Spotify and YouTube turn these show notes into chapters, and if not, why not?
 *
 * The rules, as each platform publishes them (read 2026):
 *
 * Apple Podcasts, "Chapters on Apple Podcasts" (https://podcasters.apple.com/support/5482-using-chapters-on-apple-podcasts):
 *   "Add chapter titles and timestamps directly to your episode description. Start the first chapter at 00:00:00 and
 *   include at least three chapters." Apple states no order or length rule; ascending order is checked anyway, since
 *   a chapter list cannot go backwards (our assumption, said so in the reason).
 *
 * Spotify for Creators help, "Creating and managing chapters" (earlier "Enabling podcast chapters",
 * https://support.spotifyforpodcasters.com/hc/articles/360043932711):
 *   first chapter at 0 (00:00 or 00:00:00); at least 3 chapters; one per line; "{timestamp}{title}" with the time
 *   first, written (MM:SS), MM:SS, (HH:MM:SS) or HH:MM:SS; at most one punctuation mark between time and title
 *   ("(00:00) Introduction", "00:00-Introduction"); chronological order; only languages written in the Latin script.
 *   (A 30-second minimum chapter length is only a recommendation there, so it is not checked.)
 *
 * YouTube, "Video chapters" (https://support.google.com/youtube/answer/9884579): "make sure the first timestamp you list
 *   starts with 00:00. Your video should have at least three timestamps listed in ascending order. The minimum length
 *   for video chapters is 10 seconds." The last chapter's length is checked only when the duration is known.
 *
 * All three read every timestamp line in the notes, so the checks run on every chapter-shaped line (findTimestampLines)
 * rather than on the run Podcord itself picks out (parseNotesChapters, returned as `chapters`).
 */

export type Platform = 'apple' | 'spotify' | 'youtube';

export interface PlatformVerdict {
  platform: Platform;
  /** True when the notes meet every published rule of the platform. */
  ok: boolean;
  /** Why not, as sentences a podcaster can act on; empty when ok. */
  reasons: string[];
}

export interface ShowNotesChaptersCheck {
  /** The chapters Podcord itself reads from these notes (source 'notes'). */
  chapters: Chapter[];
  /** How many chapter-shaped lines the notes have. */
  timestampLines: number;
  /** Apple, Spotify, YouTube, in that order. */
  platforms: PlatformVerdict[];
}

const NAMES: Record<Platform, string> = { apple: 'Apple Podcasts', spotify: 'Spotify', youtube: 'YouTube' };
const MIN_CHAPTERS = 3;
const YOUTUBE_MIN_CHAPTER_SECONDS = 10;

const quote = (text: string) => `“${text}”`;
const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);
const FIRST_AT: Record<Platform, string> = { apple: '00:00:00', spotify: '00:00', youtube: '0:00' };

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
/** "line 7", or "line 7 and 2 more" when the same fault repeats. */
const where = (lines: readonly TimestampLine[]) => {
  const [first] = lines;
  if (first === undefined) return '';
  return lines.length === 1 ? `line ${first.line}` : `line ${first.line} and ${lines.length - 1} more`;
};

function commonReasons(lines: readonly TimestampLine[], platform: Platform): string[] {
  const name = NAMES[platform];
  const first = lines[0];
  if (first === undefined) {
    return [`No chapter timestamps were found in the notes; ${name} needs one per line, such as “00:00 Introduction”.`];
  }
  const reasons: string[] = [];
  if (lines.length < MIN_CHAPTERS) {
    reasons.push(
      `Only ${lines.length} ${plural(lines.length, 'timestamp was', 'timestamps were')} found; ${name} needs at least ${MIN_CHAPTERS}.`,
    );
  }
  if (Math.floor(first.startSeconds) !== 0) {
    reasons.push(`The first timestamp is ${first.timestamp}; ${name} needs the first at ${FIRST_AT[platform]}.`);
  }
  const backwards = lines.findIndex((line, i) => i > 0 && line.startSeconds <= (lines[i - 1]?.startSeconds ?? -1));
  const line = lines[backwards];
  const before = lines[backwards - 1];
  if (line !== undefined && before !== undefined) {
    const needs = platform === 'apple' ? 'a chapter list has to go forward' : `${name} needs the timestamps in ascending order`;
    reasons.push(`${line.timestamp} on line ${line.line} does not come after ${before.timestamp} on line ${before.line}; ${needs}.`);
  }
  return reasons;
}

function spotifyReasons(lines: readonly TimestampLine[]): string[] {
  const reasons: string[] = [];
  const trailing = lines.filter((l) => l.position === 'trailing');
  const [firstTrailing] = trailing;
  if (firstTrailing !== undefined) {
    reasons.push(
      `The time comes after the title on ${where(trailing)} (${quote(firstTrailing.title)}); Spotify needs the timestamp first, as in ${quote(`(${firstTrailing.timestamp}) ${firstTrailing.title}`)}.`,
    );
  }
  const squared = lines.filter((l) => l.bracket === '[');
  const [firstSquared] = squared;
  if (firstSquared !== undefined) {
    reasons.push(
      capitalise(`${where(squared)} puts the time in square brackets (${quote(`[${firstSquared.timestamp}]`)}); Spotify accepts (MM:SS) or MM:SS.`),
    );
  }
  const crowded = lines.filter((l) => l.position === 'leading' && l.separator.length > 1);
  const [firstCrowded] = crowded;
  if (firstCrowded !== undefined) {
    reasons.push(
      capitalise(`${where(crowded)} has ${quote(firstCrowded.separator)} between the time and the title; Spotify allows at most one punctuation mark there.`),
    );
  }
  const nonLatin = lines.filter((l) => !/\p{Script=Latin}/u.test(l.title));
  if (nonLatin.length * 2 > lines.length) {
    reasons.push('Most chapter titles are not written in the Latin script; Spotify only makes chapters for languages that use it.');
  }
  return reasons;
}

function youtubeReasons(lines: readonly TimestampLine[], durationSeconds: number | undefined): string[] {
  // Lengths only mean something for a list that goes forward; a backwards list already has its reason.
  if (lines.some((line, i) => i > 0 && line.startSeconds <= (lines[i - 1]?.startSeconds ?? -1))) return [];
  const short: { line: TimestampLine; length: number }[] = [];
  lines.forEach((line, i) => {
    const end = lines[i + 1]?.startSeconds ?? durationSeconds;
    if (end === undefined) return;
    const length = end - line.startSeconds;
    if (length < YOUTUBE_MIN_CHAPTER_SECONDS) short.push({ line, length });
  });
  const [first] = short;
  if (first === undefined) return [];
  const length = Math.max(0, Math.round(first.length * 10) / 10);
  const more = short.length > 1 ? ` (${short.length - 1} more ${plural(short.length - 1, 'chapter is', 'chapters are')} too short)` : '';
  return [
    `The chapter ${quote(first.line.title)} at ${first.line.timestamp} is only ${length} ${plural(length, 'second', 'seconds')} long${more}; YouTube needs every chapter to be at least ${YOUTUBE_MIN_CHAPTER_SECONDS} seconds.`,
  ];
}

function verdict(platform: Platform, reasons: string[]): PlatformVerdict {
  return { platform, ok: reasons.length === 0, reasons };
}

export function validateShowNotesChapters(notes: string, durationSeconds?: number): ShowNotesChaptersCheck {
  const lines = findTimestampLines(notes);
  const duration = durationSeconds !== undefined && durationSeconds > 0 ? durationSeconds : undefined;
  const common = (platform: Platform) => commonReasons(lines, platform);
  const any = lines.length > 0;
  return {
    chapters: parseNotesChapters(notes, duration),
    timestampLines: lines.length,
    platforms: [
      verdict('apple', common('apple')),
      verdict('spotify', [...common('spotify'), ...(any ? spotifyReasons(lines) : [])]),
      verdict('youtube', [...common('youtube'), ...(any ? youtubeReasons(lines, duration) : [])]),
    ],
  };
}
