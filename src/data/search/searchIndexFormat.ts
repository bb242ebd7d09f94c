/**
 * Persistence: the byte format `SearchIndex.serialize` writes and `SearchIndex.load` reads. One buffer: "PCSI", the
 * header length, a JSON header (options, counts, and each section's name, array type and length), then each section
 * written raw, 8-byte aligned, so loading maps typed arrays onto the bytes instead of parsing them. String lists are
 * stored NUL-joined as UTF-8. What the sections are is SearchIndex's business; this only lays them out.
 */
import type { NumericArray } from './ensure.js';
import { ANALYZER_VERSION } from './stem.js';

const FORMAT_MAGIC = 0x49534350; // "PCSI" little-endian
// 2: passages and surface words carry their language (docLanguage, surfaceLanguage), and the header its analyzer.
// 3: docStart may be whole milliseconds (Uint32Array) rather than seconds (Float64Array), as its section's type says.
const FORMAT_VERSION = 3;

/** The header fields besides the version and the section table, in the order they are written. */
export interface IndexHeader {
  k1: number;
  b: number;
  mutableLimit: number;
  fieldBoost: number[];
  docCount: number;
  episodeCount: number;
  counts: { stems: number; surfaces: number; episodes: number; podcasts: number };
  fieldDocs: number[];
  fieldLength: number[];
}

/** A section: a typed array written raw, or a string list (none may contain NUL). */
export type Section = [name: string, data: NumericArray | readonly string[]];

export function encodeIndex(header: IndexHeader, sections: readonly Section[]): Uint8Array {
  const encoder = new TextEncoder();
  const arrays: [string, NumericArray][] = sections.map(([name, data]) => [
    name,
    isStringList(data) ? encoder.encode(data.join('\u0000')) : data,
  ]);
  const headerBytes = encodeIndexHeader(header, arrays.map(([name, a]) => [name, a.constructor.name, a.length]));
  const align = (n: number): number => (n + 7) & ~7;
  let size = align(8 + headerBytes.length);
  for (const [, a] of arrays) size = align(size + a.byteLength);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, FORMAT_MAGIC, true);
  view.setUint32(4, headerBytes.length, true);
  out.set(headerBytes, 8);
  let at = align(8 + headerBytes.length);
  for (const [, a] of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at = align(at + a.byteLength);
  }
  return out;
}

/**
 * The JSON header `encodeIndex` writes before the sections (each named with its array type and length): shared with a
 * writer that streams the sections rather than holding them in one buffer (writeSnapshot.ts).
 */
export function encodeIndexHeader(header: IndexHeader, sections: readonly (readonly [name: string, type: string, length: number])[]): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ version: FORMAT_VERSION, analyzer: ANALYZER_VERSION, ...header, sections }));
}

/** The magic number an image starts with (then the header's length, both u32 little-endian). */
export const INDEX_MAGIC = FORMAT_MAGIC;

export interface DecodedIndex {
  header: IndexHeader;
  /**
   * A typed array section. A view on the bytes given when they are on a SharedArrayBuffer and the section is aligned
   * for its type (a saved file read into one, see readTopicIndex: nothing copied); else copied into a
   * SharedArrayBuffer of its own of exactly its size. Throws if the section is missing.
   */
  array<T extends NumericArray>(name: string): T;
  /** A string list section of `count` strings. */
  strings(name: string, count: number): string[];
  /** The same in pieces of about `pieceBytes` of UTF-8 each (cut at a NUL), for a caller that pauses between them. */
  stringPieces(name: string, count: number, pieceBytes: number): Generator<string[], void, void>;
  /** A string list section's bytes as saved (UTF-8, NUL between strings), for a caller that reads them itself. */
  stringBytes(name: string): Uint8Array;
}

export function decodeIndex(bytes: Uint8Array, tables?: PlacedTables): DecodedIndex {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8 || view.getUint32(0, true) !== FORMAT_MAGIC) throw new Error('not a Podcord search index');
  const headerLength = view.getUint32(4, true);
  if (8 + headerLength > bytes.length) throw new Error('search index cut short');
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as IndexHeader & {
    version: number;
    analyzer?: string;
    sections: [string, string, number][];
  };
  if (header.version !== FORMAT_VERSION) throw new Error(`search index format ${header.version}, expected ${FORMAT_VERSION}`);
  // Stems made by other rules would not meet the query's: such an index is rebuilt from the feeds, never read.
  if (header.analyzer !== ANALYZER_VERSION) throw new Error(`search index stemmed by ${String(header.analyzer)}, expected ${ANALYZER_VERSION}`);
  const ctors: Record<string, (new (buffer: SharedArrayBuffer) => NumericArray) & { BYTES_PER_ELEMENT: number }> = {
    Uint8Array,
    Uint16Array,
    Uint32Array,
    Int32Array,
    Float32Array,
    Float64Array,
  };
  const sections = new Map<string, { Ctor: (typeof ctors)[string]; at: number; length: number }>();
  let at = (8 + headerLength + 7) & ~7;
  for (const [name, type, length] of header.sections) {
    const Ctor = ctors[type];
    if (Ctor === undefined) throw new Error(`unknown array type ${type}`);
    const byteLength = length * Ctor.BYTES_PER_ELEMENT;
    if (at + byteLength > bytes.length) throw new Error(`search index cut short in ${name}`);
    sections.set(name, { Ctor, at, length });
    at = (at + byteLength + 7) & ~7;
  }
  const section = (name: string): { Ctor: (typeof ctors)[string]; at: number; length: number } => {
    const found = sections.get(name);
    if (found === undefined) throw new Error(`search index lacks ${name}`);
    return found;
  };
  const onShared = bytes.buffer instanceof SharedArrayBuffer;
  const array = <T extends NumericArray>(name: string): T => {
    const { Ctor, at, length } = section(name);
    const placed = tables?.get(at);
    if (placed !== undefined && placed.byteLength === length * Ctor.BYTES_PER_ELEMENT && placed.byteOffset % Ctor.BYTES_PER_ELEMENT === 0) {
      return new (Ctor as unknown as new (buffer: ArrayBufferLike, byteOffset: number, length: number) => T)(placed.buffer, placed.byteOffset, length);
    }
    if (onShared && (bytes.byteOffset + at) % Ctor.BYTES_PER_ELEMENT === 0) {
      return new (Ctor as unknown as new (buffer: ArrayBufferLike, byteOffset: number, length: number) => T)(bytes.buffer, bytes.byteOffset + at, length);
    }
    const out = new Ctor(new SharedArrayBuffer(length * Ctor.BYTES_PER_ELEMENT));
    new Uint8Array(out.buffer).set(bytes.subarray(at, at + out.byteLength));
    return out as T;
  };
  const decoder = new TextDecoder();
  const strings = (name: string, count: number): string[] => {
    if (count === 0) return [];
    const { at, length } = section(name);
    return decoder.decode(bytes.subarray(at, at + length)).split('\u0000');
  };
  function* stringPieces(name: string, count: number, pieceBytes: number): Generator<string[], void, void> {
    if (count === 0) return;
    const { at, length } = section(name);
    const end = at + length;
    for (let from = at; ; ) {
      let cut = Math.min(from + Math.max(1, pieceBytes), end);
      if (cut < end) {
        const nul = bytes.indexOf(0, cut);
        cut = nul < 0 || nul > end ? end : nul;
      }
      yield decoder.decode(bytes.subarray(from, cut)).split('\u0000');
      if (cut >= end) return;
      from = cut + 1;
    }
  }
  const stringBytes = (name: string): Uint8Array => {
    const { at, length } = section(name);
    return bytes.subarray(at, at + length);
  };
  return { header, array, strings, stringPieces, stringBytes };
}

/**
 * Tables read apart from the rest of the bytes (readTopicIndex), by where each starts in the bytes given to
 * decodeIndex: each on a SharedArrayBuffer of its own, used as it is (not copied).
 */
export type PlacedTables = ReadonlyMap<number, Uint8Array>;

/** Reads `length` bytes at `at` of an image not read yet (throws when it has not so many). */
export type ReadAt = (at: number, length: number) => Promise<Uint8Array>;

/**
 * Where the sections that `isTable` names lie in an image of `length` bytes ([start, end), ascending), from its header
 * alone: what a reader needs to put each in a buffer of its own. Throws on what is not such an image.
 */
export async function indexTableRanges(
  readAt: ReadAt,
  length: number,
  isTable: (name: string) => boolean,
  /** Bytes a reader leaves after the table for it to grow into (withRoom), by name; 0 by default. */
  room: (name: string, byteLength: number) => number = () => 0,
): Promise<[number, number, number][]> {
  const head = await readAt(0, 8);
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (view.getUint32(0, true) !== FORMAT_MAGIC) throw new Error('not a Podcord search index');
  const headerLength = view.getUint32(4, true);
  if (8 + headerLength > length) throw new Error('search index cut short');
  const header = JSON.parse(new TextDecoder().decode(await readAt(8, headerLength))) as { version?: unknown; sections?: unknown };
  if (header.version !== FORMAT_VERSION || !Array.isArray(header.sections)) throw new Error('not a search index of this format');
  const sizes: Record<string, number> = { Uint8Array: 1, Uint16Array: 2, Uint32Array: 4, Int32Array: 4, Float32Array: 4, Float64Array: 8 };
  const ranges: [number, number, number][] = [];
  let at = (8 + headerLength + 7) & ~7;
  for (const [name, type, count] of header.sections as [string, string, number][]) {
    const size = sizes[type];
    if (size === undefined || !Number.isSafeInteger(count) || count < 0) throw new Error(`unknown section ${String(name)}`);
    const byteLength = count * size;
    if (at + byteLength > length) throw new Error(`search index cut short in ${name}`);
    if (byteLength > 0 && isTable(name)) ranges.push([at, at + byteLength, room(name, byteLength)]);
    at = (at + byteLength + 7) & ~7;
  }
  return ranges;
}

function isStringList(data: NumericArray | readonly string[]): data is readonly string[] {
  return Array.isArray(data);
}
