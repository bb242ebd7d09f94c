import { err, ok, type Result } from '../model.js';

// RFC 822 as feeds actually write it: optional (even misspelt) weekday, 1- or 2-digit day, English month
// names full or abbreviated with a dot ("Sept."), a few Romance/Germanic abbreviations hosts localise
// ("Set", "Okt"), 2- or 4-digit years, optional seconds, named or numeric zones.
const RFC822 =
  /^(?:[A-Za-z]+\.?,?\s*)?(\d{1,2})(?:st|nd|rd|th)?[\s-]+([A-Za-zä]+)\.?,?[\s-]+(\d{4}|\d{2})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(?:([A-Za-z]{1,5})|([+-])(\d{2}):?(\d{2}))?(?:\s*\(.*\))?$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T\s](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(?:(Z)|([+-])(\d{2}):?(\d{2}))?$/i;

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
  // pt/es/it/fr/de/nl/sv abbreviations seen in the wild
  ene: 1, fev: 2, fév: 2, abr: 4, avr: 4, mai: 5, mag: 5, maj: 5, ago: 8, aoû: 8, set: 9, out: 10, ott: 10,
  okt: 10, dez: 12, dic: 12, déc: 12, mrz: 3, mär: 3, mrt: 3, gen: 1, giu: 6, lug: 7, dis: 12,
};

/** Offsets in minutes for the zone names RFC 822 defines plus the few others feeds use. */
const ZONES: Record<string, number> = {
  ut: 0, utc: 0, gmt: 0, z: 0, wet: 0, bst: 60, cet: 60, met: 60, cest: 120, mest: 120, eet: 120, eest: 180,
  est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420,
  akst: -540, akdt: -480, hst: -600, jst: 540, kst: 540, aest: 600, aedt: 660, nzst: 720, nzdt: 780,
};

/** The ASCII digit of `n` (a whole number) at `place` (1, 10, 100, 1000). */
const digit = (n: number, place: number) => 0x30 + (Math.floor(n / place) % 10);

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function build(
  year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number,
  offsetMinutes: number,
): Result<string> {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) {
    return err('A date field is out of range');
  }
  // The common case (a UTC time on a real day, four-digit year) is written out directly: two Date objects and
  // toISOString per episode were a tenth of a big feed's parse.
  // Character by character: one flat string, kept for every episode, in half the time the template literal took (which
  // also kept a rope of its pieces).
  if (offsetMinutes === 0 && hour < 24 && second < 60 && year >= 1000 && year <= 9999 && day <= daysInMonth(year, month)) {
    return ok(
      String.fromCharCode(
        digit(year, 1000), digit(year, 100), digit(year, 10), digit(year, 1), 0x2d /* - */, digit(month, 10), digit(month, 1),
        0x2d /* - */, digit(day, 10), digit(day, 1), 0x54 /* T */, digit(hour, 10), digit(hour, 1), 0x3a /* : */,
        digit(minute, 10), digit(minute, 1), 0x3a /* : */, digit(second, 10), digit(second, 1), 0x2e /* . */,
        digit(ms, 100), digit(ms, 10), digit(ms, 1), 0x5a /* Z */,
      ),
    );
  }
  const time = Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000;
  // Reject 31 Feb and the like instead of letting Date roll them into March.
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day || Number.isNaN(time)) {
    return err('No such day');
  }
  return ok(new Date(time).toISOString());
}

/** A `<pubDate>` (RFC 822, or ISO 8601 some hosts send instead) as an ISO 8601 UTC string. */
export function parsePubDate(value: string): Result<string> {
  const common = commonRfc822(value);
  if (common !== undefined) return common;
  // Only runs that are not one space already: replacing every gap would copy every date.
  const text = value.trim().replace(/\s{2,}|[^\S ]/g, ' ');
  const rfc = RFC822.exec(text);
  if (rfc) {
    const month = MONTHS[(rfc[2] ?? '').slice(0, 3).toLowerCase()];
    if (month === undefined) return err(`Unknown month in date "${text.slice(0, 60)}"`);
    let year = Number(rfc[3]);
    if (year < 100) year += year < 50 ? 2000 : 1900;
    let offset = 0;
    if (rfc[7] !== undefined) {
      // Unknown names (and the military letters) are read as UTC: off by hours at worst, still the right day.
      offset = ZONES[rfc[7].toLowerCase()] ?? 0;
    } else if (rfc[8] !== undefined) {
      offset = (rfc[8] === '-' ? -1 : 1) * (Number(rfc[9]) * 60 + Number(rfc[10]));
    }
    return build(year, month, Number(rfc[1]), Number(rfc[4] ?? 0), Number(rfc[5] ?? 0), Number(rfc[6] ?? 0), 0, offset);
  }
  const iso = ISO.exec(text);
  if (iso) {
    const offset = iso[9] === undefined ? 0 : (iso[9] === '-' ? -1 : 1) * (Number(iso[10]) * 60 + Number(iso[11]));
    const ms = iso[7] === undefined ? 0 : Number(iso[7].slice(0, 3).padEnd(3, '0'));
    return build(
      Number(iso[1]), Number(iso[2]), Number(iso[3]), Number(iso[4] ?? 0), Number(iso[5] ?? 0), Number(iso[6] ?? 0), ms, offset,
    );
  }
  return err(`Unreadable date "${text.slice(0, 60)}"`);
}

/** Three ASCII characters at `at` as one number (-1 if any is not ASCII): a month name looked up without a slice. */
function key3(text: string, at: number): number {
  const a = text.charCodeAt(at);
  const b = text.charCodeAt(at + 1);
  const c = text.charCodeAt(at + 2);
  return (a | b | c) > 0x7f ? -1 : (a << 16) | (b << 8) | c;
}

const ENGLISH_MONTHS = new Map(
  ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].map((name, i) => [key3(name, 0), i + 1]),
);

/** Two ASCII digits at `at` as a number, or -1. */
function digits2(text: string, at: number): number {
  const a = text.charCodeAt(at) - 48;
  const b = text.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * `Wed, 06 May 2026 10:00:00 +0000` (or `GMT`), the form nearly every feed writes, read by position: the same result
 * as RFC822 gives it, without a twelve-group match per episode. Undefined for any other form.
 */
function commonRfc822(text: string): Result<string> | undefined {
  const zone = text.length === 31 ? text.endsWith(' +0000') : text.length === 29 && text.endsWith(' GMT');
  if (!zone || text.charCodeAt(3) !== 44 || text.charCodeAt(4) !== 32 || text.charCodeAt(7) !== 32 || text.charCodeAt(11) !== 32) return undefined;
  if (text.charCodeAt(16) !== 32 || text.charCodeAt(19) !== 58 || text.charCodeAt(22) !== 58) return undefined;
  for (let i = 0; i < 3; i++) {
    const c = text.charCodeAt(i) | 0x20;
    if (c < 97 || c > 122) return undefined;
  }
  const month = ENGLISH_MONTHS.get(key3(text, 8));
  const day = digits2(text, 5);
  const century = digits2(text, 12);
  const year = digits2(text, 14);
  const hour = digits2(text, 17);
  const minute = digits2(text, 20);
  const second = digits2(text, 23);
  // Century 00 is a two-digit year written long, which RFC822 reads as 19xx or 20xx.
  if (month === undefined || day < 0 || century <= 0 || year < 0 || hour < 0 || minute < 0 || second < 0) return undefined;
  return build(century * 100 + year, month, day, hour, minute, second, 0, 0);
}
