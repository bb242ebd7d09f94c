import type { Transcript } from '../model.js';
import { transcriptFormat, type TranscriptFormat } from './parseTranscript.js';

// Timed formats first: they let a hit land on its second. HTML may have times; plain text never does.
const FORMAT_RANK: Record<TranscriptFormat, number> = { json: 0, vtt: 1, srt: 2, html: 3, text: 4 };

/** `en-US` -> `en`: a podcast in `en-us` is served by an `en` or `en-GB` transcript too. */
const primary = (language: string): string => language.trim().toLowerCase().split(/[-_]/)[0] ?? '';

/**
 * The one transcript of an episode worth fetching: a readable format, in the podcast's language when one is known
 * (a transcript that states no language is taken to be in it; a translation is not what listeners search in), then
 * a timed format (JSON, VTT, SRT) over HTML and plain text, then the feed's order.
 */
export function chooseTranscript(transcripts: readonly Transcript[], podcastLanguage?: string): Transcript | undefined {
  const wanted = podcastLanguage === undefined ? '' : primary(podcastLanguage);
  let best: { transcript: Transcript; rank: number } | undefined;
  for (const transcript of transcripts) {
    const format = transcriptFormat(transcript.type);
    if (format === undefined || !/^https?:\/\//i.test(transcript.url)) continue;
    const foreign = wanted !== '' && transcript.language !== undefined && primary(transcript.language) !== wanted;
    const rank = (foreign ? 10 : 0) + FORMAT_RANK[format];
    if (best === undefined || rank < best.rank) best = { transcript, rank };
  }
  return best?.transcript;
}
