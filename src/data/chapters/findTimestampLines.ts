/**
 * Finds the lines of plain-text show notes that are shaped like a chapter: one timestamp and a title on one line.
 * This step only reads lines one by one; whether the lines together make a chapter list (count, order, a start near
 * 0) is decided by parseNotesChapters, and whether a platform would accept them by validateShowNotesChapters.
 *
 * Accepted shapes (after bullets such as `-`, `*`, `•`, `1.` are removed):
 *   leading   `00:00 Title`, `(00:00) Title`, `[01:02:03] Title`, `00:00 - Title`, `00:00 – Title`, `00:00-Title`,
 *             `0:02:40 Halo 4`, `00:00:00 Title <https://url> #c`, `00:00 - Artist - Song (Album)`; the time may be
 *             followed by any separator a host types: a space, any dash (hyphen, en, em, figure dash, minus sign...),
 *             a colon, a pipe, a period, a closing bracket (`00:00: Title`, `00:00 | Title`, `00:00. Title`,
 *             `00:00) Title`, `00:00 − Title`)
 *   trailing  `Title (00:01:01)`, `Title [00:12]`, `Title - 00:12`, `ألعاب:(01:22:00)`, `Intro 00:00:00.000`
 *
 * Refused, because they are times of day, references, metadata or prose rather than chapters:
 *   `10:30 AM`, `7:30pm`, `19:30 Uhr`, `10:30 CET ...` (clock times); `3:2` (seconds need two digits);
 *   `John 3:16`, `Matthew 10:10` (a trailing time without brackets or a separator must have hours);
 *   `3:16-18`, `10:30-11:30` (ranges); any line with two times on it; `2024.05.06 12:00:00` (a title needs a letter);
 *   `Dauer 03:16:03`, `Duration: 1:02:03` (the episode length); `... starts at 20:00` (a trailing time after a
 *   preposition); a title longer than 160 characters (a sentence, not a chapter title).
 */

export interface TimestampLine {
  /** 1-based line number in the notes. */
  line: number;
  /** The timestamp as written, without brackets: `00:12:30`, `4:00`, `00:00:00.000`. */
  timestamp: string;
  startSeconds: number;
  /** Cleaned title: no separators, brackets, link targets, OSF tags or extra spaces. */
  title: string;
  /** The first link on the line (`<https://…>`, `(https://…)`, `[text](https://…)` or bare). */
  url?: string;
  /** Whether the time comes before the title (`00:00 Intro`) or after it (`Intro (00:00)`). */
  position: 'leading' | 'trailing';
  /** The bracket around the time, when there is one. */
  bracket?: '(' | '[';
  /** The punctuation between the time and the title as written, without spaces: '', '-', '–', ':', '|', '-:'... */
  separator: string;
}

const MAX_TITLE_LENGTH = 160;
const MAX_LINE_LENGTH = 2000;

// H:MM:SS or M:SS / MM:SS / MMM:SS, optional milliseconds. Not glued to other digits, times or decimals (a colon
// right after it is a separator, `00:00: Intro`, unless a digit follows: `1:02:3` is no time).
const TS = String.raw`(?<![\d:.,])(?:\d{1,2}:[0-5]\d:[0-5]\d|\d{1,3}:[0-5]\d)(?:\.\d{1,3})?(?!\d|:\d|[.,]\d)`;
const TS_ANYWHERE = new RegExp(TS, 'g');

// Every dash a host types between a time and a title: hyphen-minus, hyphen, non-breaking hyphen, figure dash, en and
// em dash, horizontal bar, minus sign, and the small and fullwidth forms (the body of a regex character class).
const DASH = String.raw`\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uFE58\uFE63\uFF0D`;
const SEPARATOR_CHARS = String.raw`${DASH}:|•·>~`;
const SEPARATOR = String.raw`[${SEPARATOR_CHARS}]{1,3}`;
const LEADING = new RegExp(String.raw`^(?<open>[(\[])?\s*(?<ts>${TS})(?:\s*(?<close>[)\]]))?(?<rest>.*)$`, 'u');
const TRAILING = new RegExp(
  String.raw`^(?<title>.*?[^\s${SEPARATOR_CHARS}(\[])\s*(?<sep>${SEPARATOR})?\s*(?<open>[(\[])?\s*(?<ts>${TS})\s*(?<close>[)\]])?$`,
  'u',
);
// After a leading time: what sets a title off from it (a space, a separator, a period, a closing bracket)...
const SET_OFF = new RegExp(String.raw`^[\s${SEPARATOR_CHARS}.)\]]`, 'u');
// ...and the separator itself, up to three marks with spaces around: `-`, ` | `, `: `, `. `, `) `, `--`, `-:`.
const LEADING_SEPARATOR = new RegExp(String.raw`^\s*([${SEPARATOR_CHARS}.)\]]{1,3})?\s*`, 'u');
// `3:16-18`, `10:30-11:30`: a dash glued to a number after the time is a range, not a chapter start.
const GLUED_RANGE = new RegExp(String.raw`^\s*[${DASH}]\s*\d`, 'u');
const SPACED_DASH = new RegExp(String.raw`^\s+[${DASH}]\s+\d`, 'u');

// Words that turn a time into a time of day: `10:30 AM`, `19:30 Uhr`, `10:00 CET`, `9:15 o'clock`.
const TIME_OF_DAY_AFTER = /^(?:a\.?m\.?|p\.?m\.?|uhr|h|hrs|o'?clock|utc|gmt|[ecmp][sd]t|cet|cest|bst|ist|aest|jst)(?![\p{L}\p{N}])/iu;
// Words that put a trailing time inside a sentence: `we meet at 12:30`, `kl. 19:00`, `ab 20:00`.
const PREPOSITION_BEFORE = /(?:^|\s)(?:at|by|from|until|till|to|before|after|around|about|ca\.?|circa|kl\.?|klockan|om|um|ab|bis|à|a las|vers|on|in)$/iu;

// `Dauer 03:16:03`, `Duration: 1:02:03`: the episode's length, not a chapter.
const DURATION_LABEL = /^(?:duration|length|runtime|running time|total time|dauer|länge|laufzeit|längd|speltid|kesto|durée|duración|durata|duur)$/iu;

const BIDI_AND_ZERO_WIDTH = /[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g;
const ODD_SPACES = /[\t\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g;
const BULLET = /^(?:[-*•·▪▫►▶‣◦○●■□–—+]|\d{1,3}[.)])\s+/u;
// Outline Shownotes Format tags at the end of a line: `#c` chapter, `#t` topic, `#l` link...
const OSF_TAGS = /(?:\s+#(?:[a-z]|chapter|topic|link|section|glossary|quote|video|audio|image|revision|shopping))+\s*$/i;
const MARKDOWN_LINK = /\[([^\]]*)\]\((https?:\/\/[^\s)]+)\)/gu; // [text](url): keep the text
const OTHER_LINKS: readonly RegExp[] = [
  /<(https?:\/\/[^\s>]+)>/gu,
  /\((https?:\/\/[^\s)]+)\)/gu,
  /(?<![\p{L}\p{N}])(https?:\/\/\S+)/gu,
];

// Only the whitespace runs that are not one space already: replacing every run gives the same string, match by match.
const ODD_WHITESPACE = /[^\S ]\s*| \s+/g;

/*
 * Most lines of most notes hold no time at all, and the feed parser asks about every episode's notes. A line can only
 * yield an entry when its text, once cleaned, holds `\d:[0-5]\d`. Cleaning never adds digits or colons, and it puts
 * two characters side by side only where it deletes something between them: zero-width and bidi marks, `**` or `__`,
 * and a Markdown link's `[` and `](url)`. So the colon of such a time stands, in the raw text, between a digit (or one
 * of those deleted characters) and a digit 0-5 (or one of them); a text with no such colon has nothing to find and is
 * passed over without any of the work below. The colons are found with indexOf, and only their neighbours are read:
 * a pattern over every character of every episode's notes cost more than the rest of a feed's chapter finding in a
 * fresh process, where code is not optimised yet.
 */
function mayHoldTime(text: string): boolean {
  return timeColon(text, 1) !== -1;
}

/** The first colon at or after `from` that may be a time's (see mayHoldTime), or -1. */
function timeColon(text: string, from: number): number {
  for (let at = text.indexOf(':', from); at !== -1; at = text.indexOf(':', at + 1)) {
    const before = text.charCodeAt(at - 1);
    const after = text.charCodeAt(at + 1);
    if ((isDigit(before) || isDeletable(before)) && ((after >= 0x30 && after <= 0x35) || isDeletable(after))) return at;
  }
  return -1;
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
/** What cleaning may delete next to a colon: `*`, `_`, a bracket of a Markdown link, a zero-width or bidi mark. */
const isDeletable = (c: number) =>
  c === 0x2a || c === 0x5f || c === 0x28 || c === 0x29 || c === 0x5b || c === 0x5d || (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2060 && c <= 0x2069) || c === 0xfeff;

// Whitespace runs are collapsed before any pattern runs: the trailing pattern's optional spaces around an optional
// separator would otherwise backtrack polynomially on a long run of spaces.
function normaliseLine(raw: string): string {
  // Most chapter lines have none of it: one scan tells, instead of four replaces.
  if (!NEEDS_NORMALISING.test(raw)) return raw.trim();
  return raw.replace(BIDI_AND_ZERO_WIDTH, '').replace(ODD_SPACES, ' ').replace(EMPHASIS, '').replace(ODD_WHITESPACE, ' ').trim();
}
const EMPHASIS = /\*\*|__/g;
/** Anything normaliseLine's replaces would change (ODD_SPACES are all whitespace other than a space). */
const NEEDS_NORMALISING = /[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]|[^\S ]| \s|\*\*|__/;

// Made once, as the patterns below: a pattern written in a function is a new RegExp object at every call.
const SENTENCE_END = /[.,;:!?]+$/;

/** Removes links from the line (their targets would otherwise look like text or times) and returns the first one. */
function takeUrls(line: string): { text: string; url?: string } {
  if (!line.includes('http')) return { text: line };
  let url: string | undefined;
  // A bare URL may carry sentence punctuation: "see https://x.fm/a." -> https://x.fm/a
  const keep = (found: string) => {
    url ??= found.replace(SENTENCE_END, '');
  };
  let text = line.replace(MARKDOWN_LINK, (_m: string, label: string, target: string) => {
    keep(target);
    return label;
  });
  for (const pattern of OTHER_LINKS) {
    text = text.replace(pattern, (_m: string, target: string) => {
      keep(target);
      return ' ';
    });
  }
  return url === undefined ? { text } : { text, url };
}

const BRACKET = /[()[\]<>]/;
const EMPTY_BRACKETS = /\(\s*\)|\[\s*\]|<\s*>/g;
const SPACE_INSIDE_BRACKET = /([(\[]) | ([)\]])/g;
const LEFTOVER_HASH = /\s+#$/;
/** What is cut from a title's start; its end loses the same but `.` (`Q&A with Dr.`, `...`). */
const TITLE_EDGE = ' -\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uFE58\uFE63\uFF0D:|•·>~.,;';

export function cleanTitle(raw: string): string {
  const brackets = BRACKET.test(raw);
  let text = brackets ? raw.replace(EMPTY_BRACKETS, ' ') : raw; // brackets left empty by a removed link
  text = text.replace(ODD_WHITESPACE, ' ');
  // From here the only whitespace is a lone space, so the edges are cut by looking at characters, not by patterns
  // that try every position of every title.
  if (brackets) text = text.replace(SPACE_INSIDE_BRACKET, '$1$2'); // "(DVD <http://…>)" leaves "(DVD )"
  let start = 0;
  let end = text.length;
  while (start < end && TITLE_EDGE.includes(text.charAt(start))) start++;
  while (end > start && text.charCodeAt(end - 1) !== 0x2e && TITLE_EDGE.includes(text.charAt(end - 1))) end--;
  if (start > 0 || end < text.length) text = text.slice(start, end);
  if (text.endsWith('#')) text = text.replace(LEFTOVER_HASH, ''); // an OSF tag line's leftover `#`
  return text.trim();
}

/** Seconds in a timestamp as TS matches it (`1:02:03`, `4:00`, `00:00:00.000`). */
export function timestampToSeconds(timestamp: string): number {
  const dot = timestamp.indexOf('.');
  const end = dot === -1 ? timestamp.length : dot;
  // Digit by digit: split() and Number() per part were a noticeable share of reading a feed's notes.
  let seconds = 0;
  let part = 0;
  for (let i = 0; i < end; i++) {
    const c = timestamp.charCodeAt(i);
    if (c === 0x3a /* : */) {
      seconds = seconds * 60 + part;
      part = 0;
    } else part = part * 10 + (c - 0x30);
  }
  seconds = seconds * 60 + part;
  // Milliseconds are what lies between the first dot and the next one, if any.
  return dot === -1 ? seconds : seconds + Number(`0.${timestamp.slice(dot + 1).split('.')[0] ?? ''}`);
}

const LETTER = /\p{L}/u;
function hasLetter(text: string): boolean {
  return LETTER.test(text);
}

function bracketsMatch(open: string | undefined, close: string | undefined): boolean {
  if (open === undefined) return close === undefined;
  return (open === '(' && close === ')') || (open === '[' && close === ']');
}

/*
 * The line most chapter lists are made of: a time at the very start, one space, and a title of words (letters, digits
 * and a little punctuation, single spaces) that starts with a letter. For it every step of the general reading below
 * is known to change nothing (no whitespace to normalise, no bullet, link, tag, bracket or separator, exactly one time
 * since the title has no colon), so the entry is made at once: the same entry, for a fraction of the work in a fresh
 * process, where this runs unoptimised for a whole feed's chapter lines. Whatever else the line would need (a time of
 * day, a duration label, a long title, an edge the title cleaning would cut) sends it the general way.
 * A title character is `[\p{L}\p{M}\p{N}.,'’!?&/+\-]`, written as an ASCII class or a non-ASCII one (disjoint, so no
 * backtracking between them): the one Unicode class was a range search per character, and notes text is two-byte
 * whenever it holds one character past Latin-1 (a `&mdash;`); this reads a mostly-ASCII title 2-3x faster.
 */
const TITLE_CHAR = String.raw`(?:[a-zA-Z0-9.,'!?&/+\-]|(?![\0-\x7F])[\p{L}\p{M}\p{N}’])`;
const PLAIN_LEADING = new RegExp(
  String.raw`^(\d{1,2}:[0-5]\d:[0-5]\d|\d{1,3}:[0-5]\d) ((?:[a-zA-Z]|(?![\0-\x7F])\p{L})${TITLE_CHAR}*(?: ${TITLE_CHAR}+)*)$`,
  'u',
);

function readPlainLeading(raw: string, line: number): TimestampLine | undefined {
  // The time holds no space, so the pattern's two groups are what stands before and after the first space: cut out
  // here, without the match array exec() makes for every chapter line.
  if (!PLAIN_LEADING.test(raw)) return undefined;
  const space = raw.indexOf(' ');
  const timestamp = raw.slice(0, space);
  const title = raw.slice(space + 1);
  const last = title.charAt(title.length - 1);
  if (title.length > MAX_TITLE_LENGTH || (last !== '.' && TITLE_EDGE.includes(last))) return undefined;
  if (TIME_OF_DAY_AFTER.test(title) || DURATION_LABEL.test(title)) return undefined;
  return { line, timestamp, startSeconds: timestampToSeconds(timestamp), title, position: 'leading', separator: '' };
}

function readLine(raw: string, line: number): TimestampLine | undefined {
  // A chapter line is a time and a short title (plus perhaps a link); a longer line is prose or markup.
  if (raw.length > MAX_LINE_LENGTH) return undefined;
  const plain = readPlainLeading(raw, line);
  if (plain !== undefined) return plain;
  if (!mayHoldTime(raw)) return undefined;
  let text = normaliseLine(raw);
  if (text === '') return undefined;
  text = text.replace(BULLET, '');
  const { text: withoutUrls, url } = takeUrls(text);
  text = withoutUrls.includes('#') ? withoutUrls.replace(OSF_TAGS, '').trim() : withoutUrls.trim();

  // One timestamp per line: two times are a range, a schedule or a sentence.
  const times = text.match(TS_ANYWHERE);
  if (times === null || times.length !== 1) return undefined;

  const found = readLeading(text) ?? readTrailing(text);
  if (found === undefined) return undefined;
  const title = cleanTitle(found.title);
  if (!hasLetter(title) || title.length > MAX_TITLE_LENGTH || DURATION_LABEL.test(title)) return undefined;

  const result: TimestampLine = {
    line,
    timestamp: found.timestamp,
    startSeconds: timestampToSeconds(found.timestamp),
    title,
    position: found.position,
    separator: found.separator,
  };
  if (found.bracket !== undefined) result.bracket = found.bracket;
  if (url !== undefined) result.url = url;
  return result;
}

interface Found {
  timestamp: string;
  title: string;
  position: 'leading' | 'trailing';
  bracket?: '(' | '[';
  separator: string;
}

function withBracket(found: Omit<Found, 'bracket'>, open: string | undefined): Found {
  return open === '(' || open === '[' ? { ...found, bracket: open } : found;
}

function readLeading(text: string): Found | undefined {
  const m = LEADING.exec(text);
  const g = m?.groups;
  if (!g || g.ts === undefined) return undefined;
  let rest = g.rest ?? '';
  let close = g.close;
  // `00:00) Intro`: a closing bracket with no opening one is a separator, as a host types it.
  if (g.open === undefined && close !== undefined) {
    rest = `${close}${rest}`;
    close = undefined;
  }
  if (!bracketsMatch(g.open, close)) return undefined;
  // `10:30am`: a title must be set off by a space, a bracket or punctuation.
  if (close === undefined && rest !== '' && !SET_OFF.test(rest)) return undefined;
  // `3:16-18`, `10:30-11:30`: a range, not a chapter start.
  if (GLUED_RANGE.test(rest) && !SPACED_DASH.test(rest)) return undefined;
  const sep = LEADING_SEPARATOR.exec(rest);
  const separator = sep?.[1] ?? '';
  const title = rest.slice(sep?.[0].length ?? 0);
  if (TIME_OF_DAY_AFTER.test(title)) return undefined;
  return withBracket({ timestamp: g.ts, title, position: 'leading', separator }, g.open);
}

// Patterns made once: a pattern written in a function is a new RegExp object at every call.
const WITH_HOURS = /^\d{1,2}:\d\d:\d\d/;
const TWO_DIGITS_FIRST = /^\d{2,}:/;

function readTrailing(text: string): Found | undefined {
  const m = TRAILING.exec(text);
  const g = m?.groups;
  if (!g || g.ts === undefined || g.title === undefined || !bracketsMatch(g.open, g.close)) return undefined;
  const separator = g.sep ?? '';
  // Without a bracket or a separator, `John 3:16` and `Matthew 10:10` look like chapters; real ones carry hours.
  if (g.open === undefined && separator === '' && !WITH_HOURS.test(g.ts)) return undefined;
  // Without a bracket, `Title - 00:12` needs two-digit minutes; `Psalm - 3:16` is a reference.
  if (g.open === undefined && !TWO_DIGITS_FIRST.test(g.ts)) return undefined;
  if (PREPOSITION_BEFORE.test(g.title.trim())) return undefined;
  return withBracket({ timestamp: g.ts, title: g.title, position: 'trailing', separator }, g.open);
}

/**
 * Every chapter-shaped line of the notes, in document order. The lines are those of
 * `notes.split(/\r\n|\r|\n|\u2028|\u2029/)`, numbered from 1, but only a line that holds a colon a time may stand at
 * (mayHoldTime: a line without one gives no entry) is cut out and read; the others are only counted, by looking for the
 * next line break. Show notes with a timestamp list are mostly prose and link lists around it: splitting every line of
 * them and trying each was most of finding their chapters.
 */
export function findTimestampLines(notes: string): TimestampLine[] {
  const found: TimestampLine[] = [];
  // A colon's neighbours in the notes are its neighbours in its line, or a line break (neither a digit nor deletable),
  // so the colons found here are exactly those mayHoldTime finds in each line.
  let colon = timeColon(notes, 1);
  if (colon === -1) return found;
  // Where each kind of break next stands (-1: none from there on). Most notes have only '\n': the others are looked
  // for once and never again.
  let lf = notes.indexOf('\n');
  let cr = notes.indexOf('\r');
  let ls = notes.indexOf('\u2028');
  let ps = notes.indexOf('\u2029');
  let start = 0;
  for (let line = 1; ; line++) {
    if (lf !== -1 && lf < start) lf = notes.indexOf('\n', start);
    if (cr !== -1 && cr < start) cr = notes.indexOf('\r', start);
    if (ls !== -1 && ls < start) ls = notes.indexOf('\u2028', start);
    if (ps !== -1 && ps < start) ps = notes.indexOf('\u2029', start);
    let end = notes.length;
    if (lf !== -1 && lf < end) end = lf;
    if (cr !== -1 && cr < end) end = cr;
    if (ls !== -1 && ls < end) end = ls;
    if (ps !== -1 && ps < end) end = ps;
    if (colon < end) {
      const entry = readLine(notes.slice(start, end), line);
      if (entry !== undefined) found.push(entry);
      colon = timeColon(notes, end + 1);
      if (colon === -1) return found;
    }
    // `\r\n` is one break; `\n\r` is two.
    start = end === cr && notes.charCodeAt(end + 1) === 0x0a ? end + 2 : end + 1;
  }
}
