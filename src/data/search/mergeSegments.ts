/**
 * Postings, compaction: merging the mutable segment into the compact one. compactSegments.ts renumbers the live
 * passages (`remap`: old doc id -> new, -1 for removed) and calls these to write the new sorted stem dictionary with
 * its CSR postings, and the new sorted surface-word dictionary. Nothing is re-analysed: postings and words are copied.
 */
import type { MutableSurface } from './MutablePostings.js';
import { lowerBound } from './sortedPrefixRange.js';

/** The compact segment's postings: stem t's postings are docs/tfs[offsets[t], offsets[t + 1]), doc ids ascending. */
export interface CompactPostings {
  stems: string[];
  offsets: Uint32Array;
  docs: Uint32Array;
  tfs: Uint8Array;
}

/**
 * The compact segment's surface words, each with its language, its stem's number in that language, count and display
 * form ('' = itself). Sorted by word, then language: a word written in podcasts of two languages is there twice.
 */
export interface CompactSurfaces {
  surfaces: string[];
  language: Uint8Array;
  display: string[];
  stem: Uint32Array;
  count: Uint32Array;
}

/**
 * The mutable segment as a compaction reads it: its first `stems.length` stems, each with the first `df[m]` postings of
 * its list. A compaction on a worker thread reads the lists while this thread appends to them: it never follows a
 * link past the postings counted when it began, so it never reads a slot written since.
 */
export interface MutablePostingsView {
  stems: readonly string[];
  head: Int32Array;
  df: Uint32Array;
  doc: Uint32Array;
  tf: Uint8Array;
  next: Int32Array;
  postingCount: number;
}

/** Index of `s` in the sorted `stems`, or -1. */
export function findStem(stems: readonly string[], s: string): number {
  const at = lowerBound(stems, s);
  return stems[at] === s ? at : -1;
}

/**
 * The merged stem dictionary and postings, and for each old compact stem its new number (-1: all its postings were
 * removed, so the stem is dropped). Live docs keep their order under `remap`, so postings stay sorted.
 */
export function mergePostings(
  compact: CompactPostings,
  mutable: MutablePostingsView,
  remap: Int32Array,
): { postings: CompactPostings; compactStemTo: Int32Array } {
  const mutableForCompact = new Int32Array(compact.stems.length).fill(-1);
  const newMutableStems: number[] = [];
  for (let m = 0; m < mutable.stems.length; m++) {
    const s = mutable.stems[m] as string;
    const at = findStem(compact.stems, s);
    if (at >= 0) mutableForCompact[at] = m;
    else newMutableStems.push(m);
  }
  newMutableStems.sort((x, y) => {
    const a = mutable.stems[x] as string;
    const c = mutable.stems[y] as string;
    return a < c ? -1 : a > c ? 1 : 0;
  });

  const totalPostings = (compact.offsets[compact.stems.length] as number) + mutable.postingCount;
  const docs = new Uint32Array(totalPostings);
  const tfs = new Uint8Array(totalPostings);
  const offsets: number[] = [0];
  const stems: string[] = [];
  const compactStemTo = new Int32Array(compact.stems.length).fill(-1);
  let written = 0;
  const writeCompact = (t: number): void => {
    for (let p = compact.offsets[t] as number, end = compact.offsets[t + 1] as number; p < end; p++) {
      const to = remap[compact.docs[p] as number] as number;
      if (to < 0) continue;
      docs[written] = to;
      tfs[written++] = compact.tfs[p] as number;
    }
  };
  const writeMutable = (m: number): void => {
    let p = mutable.head[m] as number;
    for (let left = mutable.df[m] as number; left > 0; left--) {
      const to = remap[mutable.doc[p] as number] as number;
      if (to >= 0) {
        docs[written] = to;
        tfs[written++] = mutable.tf[p] as number;
      }
      if (left > 1) p = mutable.next[p] as number;
    }
  };
  const finishStem = (s: string): number => {
    if (written === offsets[offsets.length - 1]) return -1; // every posting was removed: drop the stem
    stems.push(s);
    offsets.push(written);
    return stems.length - 1;
  };
  let ci = 0;
  let mi = 0;
  while (ci < compact.stems.length || mi < newMutableStems.length) {
    const cs = compact.stems[ci];
    const mIndex = newMutableStems[mi];
    const ms = mIndex === undefined ? undefined : mutable.stems[mIndex];
    if (cs !== undefined && (ms === undefined || cs < ms)) {
      writeCompact(ci);
      const both = mutableForCompact[ci] as number;
      if (both >= 0) writeMutable(both);
      const id = finishStem(cs);
      compactStemTo[ci] = id;
      ci++;
    } else if (ms !== undefined && mIndex !== undefined) {
      writeMutable(mIndex);
      finishStem(ms);
      mi++;
    }
  }
  return {
    postings: { stems, offsets: Uint32Array.from(offsets), docs: docs.slice(0, written), tfs: tfs.slice(0, written) },
    compactStemTo,
  };
}

/**
 * The compact surfaces whose stem survived (renumbered by `compactStemTo`), plus the new ones, in sorted order; and
 * where each old compact surface and each mutable one went (-1: dropped), so counts added meanwhile can follow.
 */
export function mergeSurfaces(
  compact: CompactSurfaces,
  mutableSurfaces: readonly MutableSurface[],
  compactStemTo: Int32Array,
  stems: readonly string[],
): CompactSurfaces & { compactTo: Int32Array; mutableTo: Int32Array } {
  const order = mutableSurfaces.map((_, i) => i).sort((x, y) => compareMutableSurfaces(mutableSurfaces, x, y));
  const merge = new SurfaceMerge(compact, mutableSurfaces, order, compactStemTo, stems);
  merge.step(Infinity);
  return merge.result(true);
}

/** Mutable surfaces x and y in the surface dictionary's order. */
export function compareMutableSurfaces(mutableSurfaces: readonly MutableSurface[], x: number, y: number): number {
  const a = mutableSurfaces[x] as MutableSurface;
  const c = mutableSurfaces[y] as MutableSurface;
  return compareSurfaces(a.surface, a.language, c.surface, c.language);
}

/**
 * mergeSurfaces a step at a time (a save must not hold the thread for millions of words): `step` merges up to `limit`
 * surfaces, true once all are; then `result`. `order`: the mutable surfaces' indexes in the dictionary's order.
 */
export class SurfaceMerge {
  readonly #compactTo: Int32Array;
  readonly #mutableTo: Int32Array;
  readonly #surfaces: string[] = [];
  readonly #display: string[] = [];
  // At most every surface of both: filled up to #surfaces.length.
  readonly #language: Uint8Array;
  readonly #stem: Uint32Array;
  readonly #count: Uint32Array;
  #si = 0;
  #ni = 0;

  constructor(
    private readonly compact: CompactSurfaces,
    private readonly mutableSurfaces: readonly MutableSurface[],
    private readonly order: ArrayLike<number>,
    private readonly compactStemTo: Int32Array,
    private readonly stems: readonly string[],
  ) {
    this.#compactTo = new Int32Array(compact.surfaces.length).fill(-1);
    this.#mutableTo = new Int32Array(mutableSurfaces.length).fill(-1);
    const most = compact.surfaces.length + mutableSurfaces.length;
    this.#language = new Uint8Array(most);
    this.#stem = new Uint32Array(most);
    this.#count = new Uint32Array(most);
  }

  step(limit: number): boolean {
    const { compact, mutableSurfaces, order, compactStemTo, stems } = this;
    const surfaces = this.#surfaces;
    let si = this.#si;
    let ni = this.#ni;
    for (let n = 0; n < limit && (si < compact.surfaces.length || ni < order.length); n++) {
      const cs = compact.surfaces[si];
      const ns = ni < order.length ? (mutableSurfaces[order[ni] as number] as MutableSurface) : undefined;
      if (cs !== undefined && (ns === undefined || compareSurfaces(cs, compact.language[si] as number, ns.surface, ns.language) < 0)) {
        const id = compactStemTo[compact.stem[si] as number] as number;
        if (id >= 0) {
          const at = surfaces.length;
          this.#compactTo[si] = at;
          surfaces.push(cs);
          this.#language[at] = compact.language[si] as number;
          this.#display.push(compact.display[si] as string);
          this.#stem[at] = id;
          this.#count[at] = compact.count[si] as number;
        }
        si++;
      } else if (ns !== undefined) {
        const id = findStem(stems, ns.stem);
        if (id >= 0) {
          const at = surfaces.length;
          this.#mutableTo[order[ni] as number] = at;
          surfaces.push(ns.surface);
          this.#language[at] = ns.language;
          this.#display.push(ns.display === ns.surface ? '' : ns.display);
          this.#stem[at] = id;
          this.#count[at] = ns.count;
        }
        ni++;
      }
    }
    this.#si = si;
    this.#ni = ni;
    return si >= compact.surfaces.length && ni >= order.length;
  }

  /** What mergeSurfaces returns; `snug`: the tables copied to their length (else views on arrays sized for every surface). */
  result(snug: boolean): CompactSurfaces & { compactTo: Int32Array; mutableTo: Int32Array } {
    const n = this.#surfaces.length;
    const cut = <T extends Uint8Array | Uint32Array>(a: T): T => (snug ? a.slice(0, n) : a.subarray(0, n)) as T;
    return {
      surfaces: this.#surfaces,
      language: cut(this.#language),
      display: this.#display,
      stem: cut(this.#stem),
      count: cut(this.#count),
      compactTo: this.#compactTo,
      mutableTo: this.#mutableTo,
    };
  }
}

/**
 * The indexes 0..n-1 sorted by `compare` (a stable bottom-up merge sort, as Array.prototype.sort is stable), yielding
 * after about `slice` comparisons: a save sorts the words and stems new since the last compaction without holding the
 * thread for all of them.
 */
export function* sortedInSlices(n: number, compare: (x: number, y: number) => number, slice: number): Generator<void, Uint32Array, void> {
  let from = new Uint32Array(n);
  let to = new Uint32Array(n);
  for (let i = 0; i < n; i++) from[i] = i;
  let work = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        to[k++] = compare(from[i] as number, from[j] as number) <= 0 ? (from[i++] as number) : (from[j++] as number);
        if (++work >= slice) {
          work = 0;
          yield;
        }
      }
      while (i < mid) to[k++] = from[i++] as number;
      while (j < hi) to[k++] = from[j++] as number;
    }
    [from, to] = [to, from];
    yield;
  }
  return from;
}

/** The surface dictionary's order: by word, then language. */
function compareSurfaces(a: string, aLanguage: number, b: string, bLanguage: number): number {
  return a < b ? -1 : a > b ? 1 : aLanguage - bLanguage;
}
