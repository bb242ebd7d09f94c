import type { Chapter, Episode } from '../model.js';
import type { Passage, TranscriptSegment } from './passage.js';

export interface EpisodePassagesOptions {
  /** Transcript cues, when the transcript has been fetched and parsed. */
  transcript?: readonly TranscriptSegment[];
  /** Transcript cues are grouped into windows of about this many seconds (default 30). */
  windowSeconds?: number;
  /** The podcast's declared `<language>`, which its passages are stemmed by. */
  language?: string | undefined;
}

// 1:02:03, 12:34, (12:34), [1:02:03]: the first one in a paragraph says where the paragraph is about.
const TIMESTAMP = /(?<![\d:])(?:(\d{1,2}):)?(\d{1,2}):(\d{2})(?![\d:])/;

function timestampSeconds(paragraph: string): number | undefined {
  const m = TIMESTAMP.exec(paragraph);
  if (m === null) return undefined;
  const minutes = Number(m[2]);
  const seconds = Number(m[3]);
  if (seconds >= 60 || (m[1] !== undefined && minutes >= 60)) return undefined;
  return Number(m[1] ?? 0) * 3600 + minutes * 60 + seconds;
}

/** The start of the chapter that contains `seconds`; the timestamp itself when there are no chapters before it. */
function chapterStartAt(chapters: readonly Chapter[], seconds: number): number {
  let start: number | undefined;
  for (const chapter of chapters) {
    if (chapter.startSeconds <= seconds && (start === undefined || chapter.startSeconds > start)) start = chapter.startSeconds;
  }
  return start ?? seconds;
}

/**
 * Blank-line separated paragraphs; a paragraph that is a timestamped list ("12:34 Tesla crash" on several lines)
 * is split so each entry lands at its own time.
 */
function notesParagraphs(description: string): string[] {
  const out: string[] = [];
  for (const paragraph of description.split(/\n\s*\n/)) {
    const lines = paragraph.split('\n');
    if (lines.filter((line) => TIMESTAMP.test(line)).length < 2) {
      out.push(paragraph);
      continue;
    }
    let current = '';
    for (const line of lines) {
      // A line without its own timestamp continues the entry above it.
      if (TIMESTAMP.test(line) && current.trim() !== '') {
        out.push(current);
        current = '';
      }
      current += `${line}\n`;
    }
    out.push(current);
  }
  return out;
}

/** Transcript cues grouped into one searchable window, with where each cue starts in it. */
export interface TranscriptWindow {
  /** The first cue's start. */
  startSeconds: number;
  /** The cues' texts, whitespace collapsed, joined by one space. */
  text: string;
  /** Each cue's start, in order... */
  cueSeconds: number[];
  /** ...and the offset in `text` (UTF-16) where its words begin. */
  cueOffsets: number[];
}

/** Cues grouped into ~windowSeconds windows, each starting at its first cue: long enough to rank, short enough to land. */
export function transcriptWindows(segments: readonly TranscriptSegment[], windowSeconds = 30): TranscriptWindow[] {
  const out: TranscriptWindow[] = [];
  const sorted = [...segments].sort((a, b) => a.startSeconds - b.startSeconds);
  let current: TranscriptWindow | undefined;
  for (const segment of sorted) {
    const text = segment.text.replace(/\s+/g, ' ').trim();
    if (text === '') continue;
    if (current === undefined || segment.startSeconds - current.startSeconds >= windowSeconds) {
      current = { startSeconds: segment.startSeconds, text: '', cueSeconds: [], cueOffsets: [] };
      out.push(current);
    } else {
      current.text += ' ';
    }
    current.cueSeconds.push(segment.startSeconds);
    current.cueOffsets.push(current.text.length);
    current.text += text;
  }
  return out;
}

/** Transcript cues grouped into ~windowSeconds passages, each starting at its first cue. */
export function transcriptPassages(
  base: Omit<Passage, 'field' | 'text' | 'startSeconds'>,
  segments: readonly TranscriptSegment[],
  windowSeconds = 30,
): Passage[] {
  return transcriptWindows(segments, windowSeconds).map((w) => ({ ...base, field: 'transcript', startSeconds: w.startSeconds, text: w.text }));
}

/**
 * Everything searchable in one episode, each piece with the second a listener should land on: chapter titles at
 * their chapter, soundbite titles at the soundbite, the episode title and each guest's or host's name at 0,
 * show-note paragraphs at the chapter their own timestamp falls in (else 0), and transcript windows at their first
 * cue.
 */
export function episodePassages(podcastId: string, episode: Episode, options: EpisodePassagesOptions = {}): Passage[] {
  const base = passageBase(podcastId, episode, options.language);
  const out: Passage[] = [];
  if (episode.title.trim() !== '') out.push({ ...base, field: 'episodeTitle', startSeconds: 0, text: episode.title.trim() });
  for (const chapter of episode.chapters) {
    const text = chapter.title.trim();
    if (text !== '') out.push({ ...base, field: 'chapterTitle', startSeconds: chapter.startSeconds, text });
  }
  // A soundbite without a title is found by the episode's own passages; its moment is shown by /episode.
  for (const soundbite of episode.soundbites ?? []) {
    const text = soundbite.title?.trim() ?? '';
    if (text !== '') out.push({ ...base, field: 'soundbite', startSeconds: soundbite.startSeconds, text });
  }
  // One passage per person: a name is short, so it ranks high for a search that names them ("episodes with ...").
  for (const person of episode.persons ?? []) {
    const text = person.name.trim();
    if (text !== '') out.push({ ...base, field: 'person', startSeconds: 0, text });
  }
  for (const paragraph of notesParagraphs(episode.description)) {
    const text = paragraph.replace(/\s+/g, ' ').trim();
    if (text === '') continue;
    const at = timestampSeconds(text);
    out.push({ ...base, field: 'notes', startSeconds: at === undefined ? 0 : chapterStartAt(episode.chapters, at), text });
  }
  if (options.transcript !== undefined) out.push(...transcriptPassages(base, options.transcript, options.windowSeconds));
  return out;
}

/** What every passage of an episode shares: its podcast, episode, date and language (the last two when known). */
export function passageBase(podcastId: string, episode: Episode, language: string | undefined): Omit<Passage, 'field' | 'text' | 'startSeconds'> {
  const base: Omit<Passage, 'field' | 'text' | 'startSeconds'> = { podcastId, episodeId: episode.id };
  if (episode.publishedAt !== undefined) base.publishedAt = episode.publishedAt;
  if (language !== undefined && language.trim() !== '') base.language = language;
  return base;
}
