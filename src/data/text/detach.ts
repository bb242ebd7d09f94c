/**
 * A string with its own characters, sharing none with the string it was cut from: a kept slice of a feed's 64 KB chunk
 * (or of a whole show notes string) would keep all of it alive. V8 copies slices shorter than 13 characters anyway
 * (SlicedString::kMinLength), and never makes a slice or a pair that short, so those are returned as they are. Joined
 * from two pieces, so V8 builds one flat string: `(' ' + text).slice(1)` flattened the pair into a new string and kept
 * a slice of it, two objects (and 20 more bytes) for the collector to copy per kept string.
 */
export function detach(text: string): string {
  return text.length < 13 ? text : [text.slice(0, 1), text.slice(1)].join('');
}
