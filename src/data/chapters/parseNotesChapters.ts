import type { Chapter } from '../model.js';
import { findTimestampLines } from './findTimestampLines.js';
import type { TimestampLine } from './findTimestampLines.js';

/**
 * The latest a notes chapter list may start and still count as one. Real lists often skip a cold open: the fixtures
 * start at 1:01 (allusgeeks), 2:40 (abog) and 4:00 (Design Details). Five minutes keeps those and still refuses a
 * pair of times from the middle of a text, or a schedule such as "9:00 Registration / 10:30 Keynote".
 */
export const MAX_FIRST_START_SECONDS = 300;
/**
 * A list written entirely with hours (`0:09:15`, `00:05:20`) cannot be a clock schedule, so it may start later:
 * abog's real lists start at 0:05:20, 0:07:00 and 0:09:15.
 */
export const MAX_FIRST_START_SECONDS_WITH_HOURS = 900;

// Made once: a pattern written in the arrow function was a new RegExp object for every line of every list.
const WITH_HOURS = /^\d{1,2}:\d\d:\d\d/;
const hasHours = (line: TimestampLine) => WITH_HOURS.test(line.timestamp);

function startsEarlyEnough(run: readonly TimestampLine[]): boolean {
  const first = run[0];
  if (first === undefined) return false;
  const limit = run.every(hasHours) ? MAX_FIRST_START_SECONDS_WITH_HOURS : MAX_FIRST_START_SECONDS;
  return first.startSeconds <= limit;
}
/** Fewer than two entries is a lone timestamp, not a table of contents. */
export const MIN_NOTES_CHAPTERS = 2;

/**
 * Picks the chapter list out of the chapter-shaped lines: the longest run of ascending lines (in document order)
 * that starts early enough (see above). A line earlier than the one before it ends a run, so a list repeated further
 * down, or a stray time after the list, does not bend the first list. A line at the same time as the one before it
 * (a heading and its first item, both at 3:30) is left out and the run goes on: the first title at a moment wins.
 */
export function selectChapterRun(lines: readonly TimestampLine[]): TimestampLine[] {
  let best: TimestampLine[] = [];
  let run: TimestampLine[] = [];
  for (const line of lines) {
    const last = run[run.length - 1];
    if (last !== undefined && line.startSeconds === last.startSeconds) continue;
    if (last !== undefined && line.startSeconds < last.startSeconds) {
      if (run.length > best.length && startsEarlyEnough(run)) best = run;
      run = [];
    }
    run.push(line);
  }
  return run.length > best.length && startsEarlyEnough(run) ? run : best;
}

const NONE: readonly Chapter[] = [];
/**
 * A new empty list, made by no literal: most episodes keep one (see parseNotesChapters on literals whose objects are kept).
 */
function noChapters(): Chapter[] {
  return NONE.slice();
}

/**
 * Chapters written as timestamps in the show notes (plain text, one entry per line), source 'notes'.
 * Rules: one timestamp and a title per line (see findTimestampLines), at least two entries, ascending, the first by
 * 5:00 (15:00 when every time has hours), and entries at or past `durationSeconds` dropped. Anything else gives no chapters: an empty list,
 * since "these notes have no chapters" is an ordinary answer rather than a failure.
 */
export function parseNotesChapters(notes: string, durationSeconds?: number): Chapter[] {
  const lines = findTimestampLines(notes);
  // Most notes have no chapter lines at all: nothing to choose from.
  if (lines.length < MIN_NOTES_CHAPTERS) return noChapters();
  let run = selectChapterRun(lines);
  if (durationSeconds !== undefined && durationSeconds > 0) run = run.filter((line) => line.startSeconds < durationSeconds);
  if (run.length < MIN_NOTES_CHAPTERS) return noChapters();
  // Not mapped: Array.prototype.map, once optimised, makes holey arrays, so a fresh process's later chapter lists had
  // another hidden class than its first ones (and psc's), and code reading them was thrown away. Nor pushed into a `[]`
  // literal: the lists are kept (they are the result), so V8 switches such a literal to old-space allocation after a
  // few young-generation collections and throws this function's optimised code away. A copy of the run (packed, like
  // it, and made by no literal) gets the chapters in place of the lines.
  const chapters = run.slice() as unknown as Chapter[];
  for (let i = 0; i < run.length; i++) {
    const line = run[i] as TimestampLine;
    // Built up from `{}`, not as a literal, as psc chapters are (see itemTags.ts): no optimised code thrown away when
    // V8 starts allocating the kept chapters in old space, and one hidden class for both. Key order as before.
    const chapter = {} as Chapter;
    chapter.startSeconds = line.startSeconds;
    chapter.title = line.title;
    chapter.source = 'notes';
    if (line.url !== undefined) chapter.url = line.url;
    chapters[i] = chapter;
  }
  return chapters;
}
