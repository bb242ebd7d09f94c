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
  const order = mutableSurfaces.map((_, i) => i).sort((x, y) => {
    const a = mutableSurfaces[x] as MutableSurface;
    const c = mutableSurfaces[y] as MutableSurface;
    return compareSurfaces(a.surface, a.language, c.surface, c.language);
  });
  const newSurfaces = order.map((i) => mutableSurfaces[i] as MutableSurface);
  const compactTo = new Int32Array(compact.surfaces.length).fill(-1);
  const mutableTo = new Int32Array(mutableSurfaces.length).fill(-1);
  const surfaces: string[] = [];
  const surfaceLanguage: number[] = [];
  const surfaceDisplay: string[] = [];
  const surfaceStem: number[] = [];
  const surfaceCount: number[] = [];
  let si = 0;
  let ni = 0;
  while (si < compact.surfaces.length || ni < newSurfaces.length) {
    const cs = compact.surfaces[si];
    const ns = newSurfaces[ni];
    if (cs !== undefined && (ns === undefined || compareSurfaces(cs, compact.language[si] as number, ns.surface, ns.language) < 0)) {
      const id = compactStemTo[compact.stem[si] as number] as number;
      if (id >= 0) {
        compactTo[si] = surfaces.length;
        surfaces.push(cs);
        surfaceLanguage.push(compact.language[si] as number);
        surfaceDisplay.push(compact.display[si] as string);
        surfaceStem.push(id);
        surfaceCount.push(compact.count[si] as number);
      }
      si++;
    } else if (ns !== undefined) {
      const id = findStem(stems, ns.stem);
      if (id >= 0) {
        mutableTo[order[ni] as number] = surfaces.length;
        surfaces.push(ns.surface);
        surfaceLanguage.push(ns.language);
        surfaceDisplay.push(ns.display === ns.surface ? '' : ns.display);
        surfaceStem.push(id);
        surfaceCount.push(ns.count);
      }
      ni++;
    }
  }
  return {
    surfaces,
    language: Uint8Array.from(surfaceLanguage),
    display: surfaceDisplay,
    stem: Uint32Array.from(surfaceStem),
    count: Uint32Array.from(surfaceCount),
    compactTo,
    mutableTo,
  };
}

/** The surface dictionary's order: by word, then language. */
function compareSurfaces(a: string, aLanguage: number, b: string, bLanguage: number): number {
  return a < b ? -1 : a > b ? 1 : aLanguage - bLanguage;
}
