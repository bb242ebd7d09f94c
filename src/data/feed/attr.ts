import { decodeEntities } from '../text/decodeEntities.js';
import { detach } from '../text/detach.js';
import type { Attributes } from './TagHandler.js';

/** An attribute's value, decoded, trimmed and detached; absent when missing or blank. Capped at 4 KB like any URL. */
export function attr(attributes: Attributes, name: string): string | undefined {
  const raw = attributes[name];
  if (raw === undefined) return undefined;
  const value = decodeEntities(raw.length > 4096 ? raw.slice(0, 4096) : raw).trim();
  // Copied out: the tokenizer hands out slices of its input chunk, and one kept slice keeps the whole
  // 64 KB chunk alive, which for a feed's worth of URLs is the whole decoded feed.
  return value === '' ? undefined : detach(value);
}
