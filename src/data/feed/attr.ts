import { decodeEntities } from '../text/decodeEntities.js';
import type { Attributes } from './TagHandler.js';

/** An attribute's value, decoded and trimmed; absent when missing or blank. Capped at 4 KB like any URL. */
export function attr(attributes: Attributes, name: string): string | undefined {
  const raw = attributes[name];
  if (raw === undefined) return undefined;
  const value = decodeEntities(raw.length > 4096 ? raw.slice(0, 4096) : raw).trim();
  return value === '' ? undefined : value;
}
