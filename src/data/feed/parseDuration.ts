import { err, type Result } from '../model.js';
import { parseNpt } from './parseNpt.js';

/**
 * `<itunes:duration>` in seconds. Apple documents whole seconds, `MM:SS` and `HH:MM:SS`; hosts also send
 * decimals (`1325.5`) and single-digit hours. `0` and `00:00:00` mean "unknown" in practice, so they are errors.
 */
export function parseDuration(value: string): Result<number> {
  const seconds = parseNpt(value);
  if (!seconds.ok) return err(`Unreadable duration: ${seconds.error}`);
  if (seconds.value === 0) return err('A zero duration means the host did not know it');
  return seconds;
}
