import { err, ok, type Result } from '../model.js';

// Normal Play Time (RFC 2326 §3.6) as Podlove Simple Chapters use it: `npt:` is optional, and besides
// `S`, `H:MM:SS` and fractions, Podlove also allows `MM:SS`. A comma before the fraction (SRT habit) is accepted.
const CLOCK = /^(?:(\d+):)?(\d+):(\d+(?:[.,]\d*)?)$/;
const SECONDS = /^\d+(?:[.,]\d*)?$|^[.,]\d+$/;

/** Seconds in a Normal Play Time value: `0`, `01`, `01:02`, `1:02:03`, `01:02:03.400`, `npt:90.5`. */
export function parseNpt(value: string): Result<number> {
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
