import { findTimestampLines } from '../chapters/findTimestampLines.js';
import { parseNotesChapters } from '../chapters/parseNotesChapters.js';
import { err, ok } from '../model.js';
import type { Episode, Result } from '../model.js';
import { readPageMeta } from './readPageMeta.js';

/**
 * An episode page saved as plain text (a podcast directory's page copied out of the browser, or a text file of show
 * notes) -> one Episode. The page shape this expects, top to bottom, every part optional:
 *
 *   site or section lines       "Sveriges mest populära poddar"
 *   the show's title            "The Most Interesting Thing in AI"
 *   the episode's title         "The Case for Open-Source AI - with …"
 *   a meta line                 "54 min6 maj 2026" (duration and/or date, see readPageMeta)
 *   the show notes              paragraphs, timestamp lines
 *   the directory's footer      "Fler avsnitt av …", "More episodes of …"
 *
 * The meta line anchors the header: the line just above it is the episode title, and among the lines above that the
 * show title is the one the page repeats further down (directories name the show again in their footer), else the
 * nearest. Without a meta line, a short first line (not itself a timestamp line) is the title and the notes follow
 * it; otherwise the whole text is the notes and the title falls back to the first non-empty line (cut at 100
 * characters).
 */

export interface EpisodePage {
  podcastTitle?: string;
  episode: Episode;
}

/** A meta line is short and, once its duration and date are taken out, at most a couple of words ("Avsnitt 12"). */
const MAX_META_LINE = 80;
const MAX_META_REST_WORDS = 2;
/** The meta line sits near the top; further down a date or "10 minutes" belongs to the notes. */
const META_SEARCH_LINES = 12;

// Lines where a directory's own text starts after the notes (Swedish and English directories).
const FOOTER = [
  /^(?:fler|alla|visa alla|senaste) avsnitt\b/iu,
  /^(?:more|all|see all|latest|other) episodes\b/iu,
  /\bfinns tillgänglig på\b/iu,
  /^informationen på denna sida\b/iu,
  /^(?:listen|lyssna) (?:on|på) (?:apple podcasts|spotify)\b/iu,
];

/** A first line longer than this is the start of the notes, not a heading. */
const MAX_HEADING = 120;
const MAX_FALLBACK_TITLE = 100;

/** A fallback title from a long first line: cut on a word boundary. */
function shorten(line: string): string {
  if (line.length <= MAX_FALLBACK_TITLE) return line;
  const cut = line.slice(0, MAX_FALLBACK_TITLE);
  const space = cut.lastIndexOf(' ');
  return `${(space > MAX_FALLBACK_TITLE / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:–—-]+$/u, '')}…`;
}

const isBlank = (line: string) => line.trim() === '';
const clean = (line: string) => line.replace(/[\s\u00A0\u200B\uFEFF]+/gu, ' ').trim();

function isMetaLine(line: string): { durationSeconds?: number; publishedAt?: string } | undefined {
  const text = clean(line);
  if (text === '' || text.length > MAX_META_LINE) return undefined;
  if (findTimestampLines(text).length > 0) return undefined;
  const meta = readPageMeta(text);
  if (meta.durationSeconds === undefined && meta.publishedAt === undefined) return undefined;
  const words = meta.rest === '' ? 0 : meta.rest.split(' ').length;
  if (words > MAX_META_REST_WORDS) return undefined;
  const found: { durationSeconds?: number; publishedAt?: string } = {};
  if (meta.durationSeconds !== undefined) found.durationSeconds = meta.durationSeconds;
  if (meta.publishedAt !== undefined) found.publishedAt = meta.publishedAt;
  return found;
}

/** Plain-text notes as the model wants them: lines trimmed, one blank line between paragraphs, none at the ends. */
function tidyNotes(lines: readonly string[]): string {
  const out: string[] = [];
  for (const raw of lines) {
    const line = raw.trim(); // String#trim knows no-break spaces and BOMs, and runs in linear time
    if (line === '' && (out.length === 0 || out[out.length - 1] === '')) continue;
    out.push(line);
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out.join('\n');
}

function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 81)
    .replace(/^-|-$/g, '')
    .slice(0, 80)
    .replace(/-$/, '');
}

/** FNV-1a, 32 bits: a short stable id for titles without Latin letters to slug. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (const ch of text) {
    h ^= ch.codePointAt(0) ?? 0;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

function pageId(title: string, publishedAt: string | undefined): string {
  const day = publishedAt?.slice(0, 10);
  // A slug without letters ("53" from "كشكول 53") says too little; hash the whole title instead.
  const slugged = slugify(title);
  const slug = /[a-z]/.test(slugged) ? slugged : hash(title);
  return `page:${day === undefined ? slug : `${slug}-${day}`}`;
}

export function parseEpisodePage(text: string): Result<EpisodePage> {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const filled = lines.flatMap((line, index) => (isBlank(line) ? [] : [index]));
  const firstIndex = filled[0];
  if (firstIndex === undefined) return err('The page is empty: there is no episode to read.');

  let title: string;
  let podcastTitle: string | undefined;
  let notesStart: number;
  let meta: { durationSeconds?: number; publishedAt?: string } = {};

  const metaAt = filled.slice(0, META_SEARCH_LINES).findIndex((index) => isMetaLine(lines[index] ?? '') !== undefined);
  const metaIndex = filled[metaAt];
  const header = metaAt > 0 ? filled.slice(0, metaAt).map((index) => clean(lines[index] ?? '')) : [];
  const headerTitle = header[header.length - 1];

  if (metaIndex !== undefined && headerTitle !== undefined) {
    meta = isMetaLine(lines[metaIndex] ?? '') ?? {};
    title = headerTitle;
    notesStart = metaIndex + 1;
    const candidates = header.slice(0, -1);
    const later = lines.slice(notesStart).map(clean).join('\n').toLowerCase();
    podcastTitle = candidates.find((c) => later.includes(c.toLowerCase())) ?? candidates[candidates.length - 1];
  } else {
    const first = clean(lines[firstIndex] ?? '');
    const isHeading = filled.length > 1 && first.length <= MAX_HEADING && findTimestampLines(first).length === 0;
    title = isHeading ? first : shorten(first);
    notesStart = isHeading ? firstIndex + 1 : 0;
  }

  let notesEnd = lines.length;
  for (let i = notesStart; i < lines.length; i += 1) {
    const line = clean(lines[i] ?? '');
    const isFooter =
      FOOTER.some((pattern) => pattern.test(line)) ||
      (podcastTitle !== undefined && line.toLowerCase() === podcastTitle.toLowerCase());
    if (isFooter) {
      notesEnd = i;
      break;
    }
  }

  const description = tidyNotes(lines.slice(notesStart, notesEnd));
  const episode: Episode = {
    id: pageId(title, meta.publishedAt),
    title,
    description,
    transcripts: [],
    chapters: parseNotesChapters(description, meta.durationSeconds),
  };
  if (meta.publishedAt !== undefined) episode.publishedAt = meta.publishedAt;
  if (meta.durationSeconds !== undefined) episode.durationSeconds = meta.durationSeconds;
  return ok(podcastTitle === undefined ? { episode } : { podcastTitle, episode });
}
