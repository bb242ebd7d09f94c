import { decodeEntities } from '../text/decodeEntities.js';
import type { Attributes } from './TagHandler.js';

/** An attribute's value, decoded, trimmed and detached; absent when missing or blank. Capped at 4 KB like any URL. */
export function attr(attributes: Attributes, name: string): string | undefined {
  const raw = attributes[name];
  if (raw === undefined) return undefined;
  const value = decodeEntities(raw.length > 4096 ? raw.slice(0, 4096) : raw).trim();
  // Copied out: the tokenizer hands out slices of its input chunk, and one kept slice keeps the whole
  // 64 KB chunk alive, which for a feed's worth of URLs is the whole decoded feed. V8 copies slices shorter than 13
  // characters anyway (SlicedString::kMinLength): those (types, lengths, languages) are kept as they are. Joined from
  // two pieces so the copy is one flat string, not a slice of a flattened `' ' + value` (see detach in parseFeed).
  return value === '' ? undefined : value.length < 13 ? value : [value.slice(0, 1), value.slice(1)].join('');
}
