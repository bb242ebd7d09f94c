import { err, ok, type Result } from '../model.js';

// Normal Play Time (RFC 2326 §3.6) as Podlove Simple Chapters use it: `npt:` is optional, and besides
// `S`, `H:MM:SS` and fractions, Podlove also allows `MM:SS`. A comma before the fraction (SRT habit) is accepted.
const CLOCK = /^(?:(\d+):)?(\d+):(\d+(?:[.,]\d*)?)$/;
const SECONDS = /^\d+(?:[.,]\d*)?$|^[.,]\d+$/;

/** Seconds in a Normal Play Time value: `0`, `01`, `01:02`, `1:02:03`, `01:02:03.400`, `npt:90.5`. */
export function parseNpt(value: string): Result<number> {
  const plain = plainClock(value);
  if (plain >= 0) return ok(plain);
  let text = value.trim();
  if (text.length > 4 && text.slice(0, 4).toLowerCase() === 'npt:') text = text.slice(4).trim();
  if (SECONDS.test(text)) return ok(Number(text.replace(',', '.')));
  const clock = CLOCK.exec(text);
  if (!clock) return err(`"${value.slice(0, 40)}" is not a time (expected S, MM:SS or H:MM:SS)`);
  const hours = clock[1] === undefined ? 0 : Number(clock[1]);
  const minutes = Number(clock[2]);
  const seconds = Number((clock[3] ?? '0').replace(',', '.'));
  if (seconds >= 60 || (clock[1] !== undefined && minutes >= 60)) {
    return err(`"${value.slice(0, 40)}" has minutes or seconds past 59`);
  }
  // Rounded to the millisecond so 01:02:03.400 is 3723.4, not 3723.4000000000001.
  return ok(Math.round((hours * 3600 + minutes * 60 + seconds) * 1000) / 1000);
}

/**
 * `S`, `MM:SS` or `H:MM:SS`, with an optional `.fraction`, read digit by digit: what nearly every duration and chapter
 * start is, for the same value as the patterns above give. -1 for anything else (spaces, `npt:`, commas, out of
 * range), which the patterns then read or explain.
 */
function plainClock(text: string): number {
  let hours = 0;
  let minutes = 0;
  let value = 0;
  let digits = 0;
  let colons = 0;
  let i = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      // Past nine digits the number may not be exact: left to Number().
      if (++digits > 9) return -1;
      value = value * 10 + (c - 48);
    } else if (c === 58 && digits > 0 && colons < 2) {
      hours = minutes;
      minutes = value;
      value = 0;
      digits = 0;
      colons++;
    } else break;
  }
  if (digits === 0) return -1;
  let seconds = value;
  if (i < text.length) {
    if (text.charCodeAt(i) !== 46) return -1;
    for (let j = i + 1; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (c < 48 || c > 57) return -1;
    }
    seconds = Number(text.slice(i - digits));
  }
  if (colons === 0) return seconds;
  if (seconds >= 60 || (colons === 2 && minutes >= 60)) return -1;
  return Math.round((hours * 3600 + minutes * 60 + seconds) * 1000) / 1000;
}
