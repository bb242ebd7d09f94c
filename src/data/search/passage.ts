/** The searchable unit: a piece of text that starts at a known second of one episode. */
/** `person`: a guest's or host's name (podcast:person); `soundbite`: a soundbite's title (podcast:soundbite). */
export type PassageField = 'chapterTitle' | 'chapterDescription' | 'episodeTitle' | 'notes' | 'transcript' | 'person' | 'soundbite';

export const PASSAGE_FIELDS: readonly PassageField[] = [
  'chapterTitle',
  'chapterDescription',
  'episodeTitle',
  'notes',
  'transcript',
  // Appended, so the codes of the fields above (kept in a saved index) keep their meaning.
  'person',
  'soundbite',
];

export interface Passage {
  podcastId: string;
  episodeId: string;
  /** Where a listener should land: whole or fractional seconds from the start of the audio. */
  startSeconds: number;
  field: PassageField;
  /** Display text, as the feed wrote it; matching uses a normalised copy that is never shown. */
  text: string;
  /** ISO 8601 (the episode's), used only as a small recency tie-breaker. */
  publishedAt?: string;
  /**
   * The podcast's declared `<language>` ("en-us", "sv", "de-DE"): the words are stemmed by its rules (search/stem.ts).
   * A hit's passage carries its podcast's latest one.
   */
  language?: string;
}

/** One cue of a transcript (SRT/VTT/JSON/HTML, read by transcripts/parseTranscript). */
export interface TranscriptSegment {
  startSeconds: number;
  endSeconds?: number;
  speaker?: string;
  text: string;
}
