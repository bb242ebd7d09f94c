import { err, ok, type Result } from '../model.js';
import type { TranscriptSegment } from '../search/passage.js';
import { decodeEntities } from '../text/decodeEntities.js';
import { htmlToText } from '../text/htmlToText.js';

/**
 * Podcasting 2.0 transcripts (https://github.com/Podcastindex-org/podcast-namespace/blob/main/transcripts/transcripts.md)
 * in the four forms feeds link: SRT, WebVTT, JSON and HTML, read into time-coded segments, sorted by start, empty ones
 * dropped, markup stripped and entities decoded.
 *
 * The `type` the feed states is a hint, not a promise: a file that starts with `WEBVTT` is read as WebVTT and one that
 * starts with `{` as JSON whatever it was labelled, since hosts mislabel them (VTT served as application/srt is common).
 */

export type TranscriptFormat = 'json' | 'vtt' | 'srt' | 'html' | 'text';

/** Most segments kept (a word-level JSON transcript of a three-hour episode is ~30 000). */
export const MAX_SEGMENTS = 50_000;
/** Longest segment text kept; a longer cue is cut (one "cue" holding a whole transcript is not a moment). */
export const MAX_SEGMENT_CHARS = 2_000;
/** Total text kept across segments. */
export const MAX_TRANSCRIPT_CHARS = 2_000_000;

/** The format a MIME type names, or undefined for one Podcord does not read. Parameters and case are ignored. */
export function transcriptFormat(type: string): TranscriptFormat | undefined {
  const mime = type.split(';')[0]?.trim().toLowerCase() ?? '';
  switch (mime) {
    case 'application/json':
    case 'application/json+transcript':
    case 'text/json':
      return 'json';
    case 'text/vtt':
    case 'text/webvtt':
      return 'vtt';
    case 'application/srt':
    case 'application/x-subrip':
    case 'text/srt':
    case 'text/x-srt':
    case 'application/x-srt':
      return 'srt';
    case 'text/html':
    case 'application/xhtml+xml':
      return 'html';
    case 'text/plain':
      return 'text';
    default:
      return undefined;
  }
}

export function parseTranscript(text: string, type: string): Result<TranscriptSegment[]> {
  const body = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (body.trim() === '') return err('The transcript is empty.');
  const format = sniff(body) ?? transcriptFormat(type);
  if (format === undefined) return err(`Transcripts of type ${JSON.stringify(type)} are not supported (SRT, WebVTT, JSON and HTML are).`);
  const read = { json: readJson, vtt: readVtt, srt: readSrt, html: readHtml, text: readPlain }[format](body);
  if (!read.ok) return read;
  return ok(tidy(read.value));
}

/** What the bytes say they are, when they say it unmistakably. */
function sniff(body: string): TranscriptFormat | undefined {
  const start = body.trimStart();
  if (/^WEBVTT(?:[ \t\n]|$)/.test(start)) return 'vtt';
  if (start.startsWith('{')) return 'json';
  return undefined;
}

/** Sorted by start (stable), empty dropped, every cap applied. */
function tidy(segments: TranscriptSegment[]): TranscriptSegment[] {
  const kept = segments
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => s.text !== '' && Number.isFinite(s.startSeconds) && s.startSeconds >= 0)
    .sort((a, b) => a.s.startSeconds - b.s.startSeconds || a.i - b.i)
    .map(({ s }) => s);
  // A lone segment is an untimed transcript (HTML without times, plain text): its whole text, at 0.
  const cap = kept.length === 1 ? MAX_TRANSCRIPT_CHARS : MAX_SEGMENT_CHARS;
  const out: TranscriptSegment[] = [];
  let total = 0;
  for (const segment of kept) {
    if (out.length >= MAX_SEGMENTS || total >= MAX_TRANSCRIPT_CHARS) break;
    const text = segment.text.length > cap ? segment.text.slice(0, cap) : segment.text;
    total += text.length;
    const clean: TranscriptSegment = { startSeconds: segment.startSeconds, text };
    if (segment.endSeconds !== undefined && Number.isFinite(segment.endSeconds) && segment.endSeconds >= segment.startSeconds) {
      clean.endSeconds = segment.endSeconds;
    }
    if (segment.speaker !== undefined && segment.speaker !== '') clean.speaker = segment.speaker.slice(0, 100);
    out.push(clean);
  }
  return out;
}

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

// ---- SRT and WebVTT -----------------------------------------------------------------------------------------------

// [hh:]mm:ss[.,]mmm: WebVTT omits hours under an hour; SRT writes a comma, some tools a dot.
const TIME = String.raw`(?:(\d{1,3}):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?`;
const TIMING = new RegExp(String.raw`^\s*${TIME}\s*-->\s*${TIME}(?:\s+.*)?$`);

function timeAt(m: RegExpExecArray, from: number): number | undefined {
  const hours = Number(m[from] ?? 0);
  const minutes = Number(m[from + 1]);
  const seconds = Number(m[from + 2]);
  const fraction = m[from + 3];
  if (seconds >= 60 || (m[from] !== undefined && minutes >= 60)) return undefined;
  return hours * 3600 + minutes * 60 + seconds + (fraction === undefined ? 0 : Number(fraction.padEnd(3, '0')) / 1000);
}

/** Cue text: voice spans give the speaker; tags (`<i>`, `<c.x>`, `<00:01.000>`) go; entities are decoded. */
function cueText(lines: readonly string[]): { text: string; speaker?: string } {
  const raw = lines.join('\n');
  const voice = /<v(?:\.[^\s>]*)?\s+([^>]+)>/.exec(raw);
  const text = oneLine(decodeEntities(raw.replace(/<[^>\n]*>/g, ' ')));
  const speaker = voice?.[1] === undefined ? undefined : oneLine(decodeEntities(voice[1]));
  return speaker === undefined || speaker === '' ? { text } : { text, speaker };
}

/** Blocks separated by blank lines; a cue is the block holding a `-->` timing line, its text the lines after it. */
function readCues(body: string): { segments: TranscriptSegment[]; blocks: number } {
  const segments: TranscriptSegment[] = [];
  let blocks = 0;
  for (const block of body.split(/\n[ \t]*\n/)) {
    const lines = block.split('\n').filter((l) => l.trim() !== '');
    if (lines.length === 0) continue;
    blocks++;
    // WebVTT NOTE, STYLE and REGION blocks hold no cue (a NOTE may even contain "-->" on a later line).
    if (/^(?:NOTE|STYLE|REGION)(?:\s|$)/.test(lines[0] ?? '') || /^WEBVTT/.test(lines[0] ?? '')) continue;
    const at = lines.findIndex((l) => l.includes('-->'));
    if (at < 0 || at > 1) continue;
    const m = TIMING.exec(lines[at] ?? '');
    if (m === null) continue;
    const start = timeAt(m, 1);
    const end = timeAt(m, 5);
    if (start === undefined) continue;
    const { text, speaker } = cueText(lines.slice(at + 1));
    const segment: TranscriptSegment = { startSeconds: start, text };
    if (end !== undefined) segment.endSeconds = end;
    if (speaker !== undefined) segment.speaker = speaker;
    segments.push(segment);
  }
  return { segments, blocks };
}

function readVtt(body: string): Result<TranscriptSegment[]> {
  if (!/^WEBVTT(?:[ \t\n]|$)/.test(body.trimStart())) return err('Not a WebVTT file: it does not start with "WEBVTT".');
  return ok(readCues(body).segments);
}

function readSrt(body: string): Result<TranscriptSegment[]> {
  const { segments, blocks } = readCues(body);
  if (segments.length === 0) {
    return err(blocks === 0 ? 'The SRT file holds no cues.' : 'Not an SRT file: no cue has a "00:00:01,000 --> 00:00:04,000" timing line.');
  }
  return ok(segments);
}

// ---- JSON ---------------------------------------------------------------------------------------------------------

const seconds = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && /^\s*\d+(?:\.\d+)?\s*$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
};

function readJson(body: string): Result<TranscriptSegment[]> {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (e) {
    return err(`The transcript is not valid JSON (${e instanceof Error ? e.message : String(e)}).`);
  }
  const list = typeof data === 'object' && data !== null ? (data as { segments?: unknown }).segments : undefined;
  if (!Array.isArray(list)) return err('The JSON transcript has no "segments" list.');
  const segments: TranscriptSegment[] = [];
  let untimed = 0;
  for (const item of list.slice(0, MAX_SEGMENTS * 2)) {
    if (typeof item !== 'object' || item === null) continue;
    const { startTime, endTime, body: text, speaker } = item as Record<string, unknown>;
    const start = seconds(startTime);
    if (start === undefined) {
      untimed++;
      continue;
    }
    const segment: TranscriptSegment = { startSeconds: start, text: typeof text === 'string' ? oneLine(decodeEntities(text)) : '' };
    const end = seconds(endTime);
    if (end !== undefined) segment.endSeconds = end;
    if (typeof speaker === 'string' && speaker.trim() !== '') segment.speaker = oneLine(speaker);
    segments.push(segment);
  }
  if (segments.length === 0 && untimed > 0) return err('No segment of the JSON transcript has a "startTime" in seconds.');
  return ok(segments);
}

// ---- HTML and plain text ------------------------------------------------------------------------------------------

// The spec's HTML form: `<cite>Speaker:</cite> <time>0:00</time> <p>text</p>`, repeated.
const HTML_PART = /<(cite|time|p)\b[^>]*>([\s\S]*?)<\/\1\s*>/gi;
const CLOCK = /^\s*(?:(\d{1,3}):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?\s*$/;

function clockSeconds(text: string): number | undefined {
  const m = CLOCK.exec(text);
  if (m === null) return undefined;
  const hours = Number(m[1] ?? 0);
  const minutes = Number(m[2]);
  const secs = Number(m[3]);
  if (secs >= 60 || (m[1] !== undefined && minutes >= 60)) return undefined;
  return hours * 3600 + minutes * 60 + secs + (m[4] === undefined ? 0 : Number(m[4].padEnd(3, '0')) / 1000);
}

function readHtml(body: string): Result<TranscriptSegment[]> {
  const segments: TranscriptSegment[] = [];
  let speaker: string | undefined;
  let at: number | undefined;
  let timed = false;
  for (const m of body.matchAll(HTML_PART)) {
    const tag = m[1]?.toLowerCase();
    const inner = htmlToText(m[2] ?? '', MAX_SEGMENT_CHARS);
    if (tag === 'cite') speaker = oneLine(inner).replace(/:$/, '').trim() || undefined;
    else if (tag === 'time') {
      const t = clockSeconds(inner);
      if (t !== undefined) {
        at = t;
        timed = true;
      }
    } else if (at !== undefined) {
      const segment: TranscriptSegment = { startSeconds: at, text: oneLine(inner) };
      if (speaker !== undefined) segment.speaker = speaker;
      segments.push(segment);
    }
  }
  // Without times the transcript is one segment at the start: a guessed second would send listeners to the wrong place.
  if (!timed) return readPlain(htmlToText(body, MAX_TRANSCRIPT_CHARS));
  return ok(segments);
}

function readPlain(body: string): Result<TranscriptSegment[]> {
  const text = oneLine(body);
  return text === '' ? ok([]) : ok([{ startSeconds: 0, text: text.slice(0, MAX_TRANSCRIPT_CHARS) }]);
}
