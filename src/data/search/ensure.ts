/** Growable typed arrays: the index's tables are typed arrays that grow as passages are added. */

export type NumericArray = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

/**
 * Grows a typed array to hold at least `size` elements (doubling, so appends are amortised O(1)). An array on a
 * SharedArrayBuffer grows into another one: what a compaction worker reads stays shared, not copied (see shared()).
 */
export function ensure<T extends NumericArray>(array: T, size: number): T {
  if (size <= array.length) return array;
  const length = Math.max(size, array.length * 2, 64);
  const next = array.buffer instanceof SharedArrayBuffer ? sharedLike(array, length) : new (array.constructor as new (length: number) => T)(length);
  (next as Uint8Array).set(array as unknown as ArrayLike<number>);
  return next;
}

/**
 * Grows a typed array to hold at least `size` elements, by an eighth at a time (still amortised O(1)): for tables that
 * are loaded or compacted to their exact size and then gain a few rows with each poll, where doubling would keep as
 * much again of nothing (the per-passage tables of a million episodes: ~100 MB). Like ensure(), an array on a
 * SharedArrayBuffer grows into another one, so a compaction worker still reads it without a copy.
 */
export function ensureSnug<T extends NumericArray>(array: T, size: number): T {
  if (size <= array.length) return array;
  const length = Math.max(size, array.length + (array.length >>> 3), 64);
  // Made with room for it (withRoom): the table grows into its own buffer, nothing copied.
  const room = array.byteOffset === 0 && (array.buffer as RoomyBuffer)[ROOM] === true ? Math.floor(array.buffer.byteLength / array.BYTES_PER_ELEMENT) : 0;
  if (room >= size) return new (array.constructor as new (buffer: ArrayBufferLike, byteOffset: number, length: number) => T)(array.buffer, 0, Math.min(room, length));
  const next = array.buffer instanceof SharedArrayBuffer ? sharedLike(array, length) : new (array.constructor as new (length: number) => T)(length);
  (next as Uint8Array).set(array as unknown as ArrayLike<number>);
  return next;
}

/** The array itself when it is on a SharedArrayBuffer, else a copy on one (a worker thread can then read it without a copy). */
export function shared<T extends NumericArray>(array: T): T {
  if (array.buffer instanceof SharedArrayBuffer) return array;
  const copy = sharedLike(array, array.length);
  (copy as Uint8Array).set(array as unknown as ArrayLike<number>);
  return copy;
}

/** A zeroed array of the same type on a new SharedArrayBuffer. */
export function sharedLike<T extends NumericArray>(array: T, length: number): T {
  const Ctor = array.constructor as new (buffer: SharedArrayBuffer) => T;
  return new Ctor(new SharedArrayBuffer(length * array.BYTES_PER_ELEMENT));
}

/** Marks a buffer that holds one table from its start and room after it, for that table alone to grow into. */
const ROOM = Symbol('room for its table to grow');
type RoomyBuffer = ArrayBufferLike & { [ROOM]?: true };

/**
 * A buffer of `byteLength` bytes and `room` more after them (on a SharedArrayBuffer when `onShared`), into which the
 * one table made on it from its start grows by ensureSnug without a copy. For the tables a load makes at their exact
 * size and the next passages added grow: at a million episodes their first growth copied ~200 MB (0.3 s on the thread
 * that answers, right after a start, and the memory twice over meanwhile). The room is never written until used, so
 * its pages are not resident until then.
 */
export function withRoom(byteLength: number, room: number, onShared = true): ArrayBufferLike {
  const buffer: RoomyBuffer = onShared ? new SharedArrayBuffer(byteLength + room) : new ArrayBuffer(byteLength + room);
  buffer[ROOM] = true;
  return buffer;
}

/** The room withRoom leaves after a table loaded at its exact size that grows as passages are added: an eighth. */
export function roomFor(byteLength: number): number {
  return (byteLength >>> 3) & ~7;
}
