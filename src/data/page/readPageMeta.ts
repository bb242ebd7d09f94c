/**
 * Reads the duration and publication date from a line of an episode page, in English or Swedish:
 * durations `54 min`, `1 h 5 min`, `1 tim 5 min`, `2 timmar`, `45 minutes`, `1:02:03`, `54:10`;
 * dates `6 maj 2026`, `6 May 2026`, `May 6, 2026`, `6 okt. 2025`, `2026-05-06`.
 * Pages glue them together ("54 min6 maj 2026" on the seed page), so the two are found anywhere in the line.
 * A date without a year is not read: the year cannot be known without a clock, and src/data has none.
 */

export interface PageMeta {
  durationSeconds?: number;
  /** ISO 8601 at midnight UTC: the page gives a day, not a moment. */
  publishedAt?: string;
  /** What is left of the line once the duration and date are taken out, trimmed of separators. */
  rest: string;
}

const MONTHS: Record<string, number> = {
  // Swedish
  januari: 1, februari: 2, mars: 3, april: 4, maj: 5, juni: 6, juli: 7, augusti: 8, september: 9, oktober: 10,
  november: 11, december: 12, okt: 10,
  // English
  january: 1, february: 2, march: 3, may: 5, june: 6, july: 7, august: 8, october: 10, oct: 10,
  // Shared abbreviations
  jan: 1, feb: 2, mar: 3, apr: 4, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, nov: 11, dec: 12,
};
const MONTH = Object.keys(MONTHS)
  .sort((a, b) => b.length - a.length)
  .join('|');
const NOT_LETTER = '(?![\\p{L}])';

const DATE_PATTERNS: readonly { pattern: RegExp; read: (m: RegExpExecArray) => [number, number, number] | undefined }[] = [
  {
    pattern: /(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)/u,
    read: (m) => [Number(m[1]), Number(m[2]), Number(m[3])],
  },
  {
    // 6 maj 2026, 6. May 2026, 6 okt. 2025
    pattern: new RegExp(`(?<!\\d)(\\d{1,2})\\.?\\s*(${MONTH})${NOT_LETTER}\\.?,?\\s*(\\d{4})(?!\\d)`, 'iu'),
    read: (m) => ymd(m[3], m[2], m[1]),
  },
  {
    // May 6, 2026; May 6th 2026
    pattern: new RegExp(`(?<![\\p{L}])(${MONTH})${NOT_LETTER}\\.?\\s*(\\d{1,2})(?:st|nd|rd|th)?,?\\s*(\\d{4})(?!\\d)`, 'iu'),
    read: (m) => ymd(m[3], m[1], m[2]),
  },
];

function ymd(year: string | undefined, monthName: string | undefined, day: string | undefined): [number, number, number] | undefined {
  const monthNumber = monthName === undefined ? undefined : MONTHS[monthName.toLowerCase()];
  return monthNumber === undefined ? undefined : [Number(year), monthNumber, Number(day)];
}

const HOURS = '(?:h|hr|hrs|hour|hours|tim|timme|timmar|t)';
const MINUTES = '(?:min|mins|minute|minutes|minut|minuter|m)';
const SECONDS = '(?:s|sec|secs|second|seconds|sek|sekund|sekunder)';
const END = '(?![\\p{L}])\\.?';

const DURATION_PATTERNS: readonly { pattern: RegExp; read: (m: RegExpExecArray) => number }[] = [
  {
    // 1 h 5 min, 1 tim 5 min 30 s, 2 hours, 45 minutes, 54 min
    pattern: new RegExp(
      `(?<![\\d:])(?:(\\d{1,2})\\s*${HOURS}${END})?\\s*(?:(\\d{1,3})\\s*${MINUTES}${END})?\\s*(?:(\\d{1,2})\\s*${SECONDS}${END})?`,
      'iu',
    ),
    read: (m) => Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0),
  },
  {
    // 1:02:03 or 54:10
    pattern: /(?<![\d:])(?:(\d{1,2}):)?([0-5]?\d):([0-5]\d)(?![\d:])/u,
    read: (m) => Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]),
  },
];

function validDate(year: number, monthNumber: number, day: number): string | undefined {
  const date = new Date(Date.UTC(year, monthNumber - 1, day));
  const valid = date.getUTCFullYear() === year && date.getUTCMonth() === monthNumber - 1 && date.getUTCDate() === day;
  return valid ? date.toISOString() : undefined;
}

/** Finds the first non-empty match of any pattern, scanning the whole line (the unit pattern can match empty). */
function firstMatch(text: string, pattern: RegExp): RegExpExecArray | undefined {
  const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  for (const m of text.matchAll(global)) {
    if (m[0].trim() !== '') return m as RegExpExecArray;
  }
  return undefined;
}

export function readPageMeta(line: string): PageMeta {
  let rest = line;
  const meta: PageMeta = { rest: '' };

  // The date first: once "6 maj 2026" is out of the way, its digits cannot pass for a duration.
  for (const { pattern, read } of DATE_PATTERNS) {
    const m = firstMatch(rest, pattern);
    const parts = m && read(m);
    const iso = parts && validDate(...parts);
    if (m && iso !== undefined) {
      meta.publishedAt = iso;
      rest = `${rest.slice(0, m.index)} ${rest.slice(m.index + m[0].length)}`;
      break;
    }
  }
  for (const { pattern, read } of DURATION_PATTERNS) {
    const m = firstMatch(rest, pattern);
    const seconds = m && read(m);
    if (m && seconds !== undefined && seconds > 0) {
      meta.durationSeconds = seconds;
      rest = `${rest.slice(0, m.index)} ${rest.slice(m.index + m[0].length)}`;
      break;
    }
  }
  meta.rest = rest.replace(/[\s·•|,–—-]+/gu, ' ').trim();
  return meta;
}
