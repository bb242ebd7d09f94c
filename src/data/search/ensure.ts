/** Growable typed arrays: the index's tables are typed arrays that grow as passages are added. */

export type NumericArray = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

/** Grows a typed array to hold at least `size` elements (doubling, so appends are amortised O(1)). */
export function ensure<T extends NumericArray>(array: T, size: number): T {
  if (size <= array.length) return array;
  const Ctor = array.constructor as new (length: number) => T;
  const next = new Ctor(Math.max(size, array.length * 2, 64));
  (next as Uint8Array).set(array as unknown as ArrayLike<number>);
  return next;
}

/**
 * Grows a typed array to hold at least `size` elements, by an eighth at a time (still amortised O(1)): for tables that
 * are loaded or compacted to their exact size and then gain a few rows with each poll, where doubling would keep as
 * much again of nothing (the per-passage tables of a million episodes: ~100 MB).
 */
export function ensureSnug<T extends NumericArray>(array: T, size: number): T {
  if (size <= array.length) return array;
  const Ctor = array.constructor as new (length: number) => T;
  const next = new Ctor(Math.max(size, array.length + (array.length >>> 3), 64));
  (next as Uint8Array).set(array as unknown as ArrayLike<number>);
  return next;
}
