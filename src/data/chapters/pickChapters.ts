import type { Chapter } from '../model.js';
import { parseNotesChapters } from './parseNotesChapters.js';

export interface ChapterCandidates {
  /** Podcasting 2.0 JSON chapters, when the chapters file has been fetched. */
  json?: Chapter[];
  /** ID3v2 CHAP frames read from the start of the enclosure, when they have been read. */
  audio?: Chapter[];
  /** Podlove Simple Chapters from the feed item. */
  psc?: Chapter[];
  /** The episode's show notes as plain text. */
  notes: string;
  durationSeconds?: number;
}

/**
 * The most trusted chapter list available: JSON > audio file > psc > notes. The first non-empty list wins whole (lists are never
 * merged: two sources rarely agree on boundaries), and every chapter keeps the source it came from.
 */
export function pickChapters(input: ChapterCandidates): Chapter[] {
  if (input.json && input.json.length > 0) return input.json;
  // Written into the file by the publishing tool (Forecast, Auphonic, Hindenburg...): what podcast apps show.
  if (input.audio && input.audio.length > 0) return input.audio;
  if (input.psc && input.psc.length > 0) return input.psc;
  return parseNotesChapters(input.notes, input.durationSeconds);
}
