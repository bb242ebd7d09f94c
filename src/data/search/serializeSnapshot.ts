/**
 * Saving without a second index: what `SearchIndex.serialize` writes (the index compacted, then every section in one
 * buffer), written instead from a snapshot of the index as it is (SearchIndex.saveSnapshot: its compact segment, its
 * tombstones, its mutable segment) a piece at a time, the merge done as the bytes are written. Nothing of the size of
 * the index is allocated: the compaction serialize runs first builds every table again (at a million episodes ~1.1 GB
 * beside the 1.1 GB it merges), and the buffer it writes is as big again; here the extra memory is a doc id map (4
 * bytes a passage), each stem's live posting count and champions, and the string lists encoded (ids, dates: ~35 MB at
 * a million episodes). The bytes are the same as serialize's, byte for byte (tested).
 *
 * Two steps, each a generator that yields between slices of a few milliseconds: `planSnapshot` (planSnapshot.ts: the
 * new doc ids, every section's length, the stems' order and champions, the surface words) and `writeSnapshot`
 * (writeSnapshot.ts: the bytes, in chunks). Here: what they share (the snapshot and its plan, reading a stem's live
 * postings, the new doc ids, the work in a slice).
 */
import type { CompactionJob } from './compactSegments.js';

/** What SearchIndex.saveSnapshot takes: a compaction job of the whole index, and the tables a compaction leaves alone. */
export interface IndexSnapshot {
  job: CompactionJob;
  mutableLimit: number;
  episodePodcast: Uint32Array;
  /** The episodes' ids: the first job.episodeCount (more may follow, added since). */
  episodeIds: readonly string[];
  /** Episode e's publishedAt as serialize writes it. */
  publishedOf: (episode: number) => string;
  podcastIds: readonly string[];
  podcastDeclared: readonly string[];
  /**
   * Passages removed since the snapshot was taken, below its docCount: `job.deleted` is the index's own table (not a
   * copy: 14 MB at a million episodes, copied in one turn), tombstoned in place, so these were live in the snapshot.
   * Grows until `release` (the plan has read the table then).
   */
  removedSince: readonly number[];
  release(): void;
}

/**
 * Work between yields, in passages or postings read (a few nanoseconds each): a slice of a millisecond or two. The
 * issue wants no slice to hold the thread that answers for more than a few milliseconds.
 */
export const SLICE = 1 << 15;
/** A stem looked up or visited counts as this many postings (a string compared, a generator started). */
export const STEM_WORK = 16;
/** Read at least this many postings at a time (a batch smaller than that costs more than it saves). */
export const MIN_BATCH = 256;

export interface SnapshotPlan {
  /** The image's length in bytes. */
  byteLength: number;
}

export interface Planned extends SnapshotPlan {
  remap: LiveDocs;
  live: number;
  header: Uint8Array;
  sections: [name: string, type: string, length: number][];
  /** The merged stems in order: a compact stem's number (>= 0) or ~m for a mutable one that is new. */
  order: Int32Array;
  /** For each merged stem (in `order`) its mutable stem number when the compact one also has postings there, else -1. */
  alsoMutable: Int32Array;
  postingOffsets: Uint32Array;
  championOffsets: Uint32Array;
  championDocs: Uint32Array;
  championTfs: Uint8Array;
  surfaces: { surfaces: string[]; language: Uint8Array; display: string[]; stem: Uint32Array; count: Uint32Array };
  stems: string[];
  /** The string lists after the stems and surfaces, encoded as encodeIndex does (NUL-joined UTF-8), in pieces. */
  encoded: Map<string, Uint8Array[]>;
}

/** Which snapshot each plan is of (a plan is opaque to its caller). */
export const plans = new WeakMap<SnapshotPlan, IndexSnapshot>();

export function textLength(job: CompactionJob, doc: number): number {
  if (doc < job.compactDocs) return (job.compact.textOffsets[doc + 1] as number) - (job.compact.textOffsets[doc] as number);
  const i = doc - job.compactDocs;
  return (job.mutable.textOffsets[i + 1] as number) - (job.mutable.textOffsets[i] as number);
}

/** Where a merged stem's postings are read up to (fillPostings): its compact range, then its mutable list. */
export class StemCursor {
  /** Next compact posting, and the end of the stem's. */
  q = 0;
  end = 0;
  /** Next mutable posting, and how many of the stem's are left. */
  mq = -1;
  left = 0;
  done = true;
  /** Postings read (live or not) by the last fillPostings: the work it did. */
  read = 0;

  reset(job: CompactionJob, c: number, m: number): void {
    const compact = job.compact.postings;
    const mutable = job.mutable.postings;
    this.q = c >= 0 ? (compact.offsets[c] as number) : 0;
    this.end = c >= 0 ? (compact.offsets[c + 1] as number) : 0;
    this.mq = m >= 0 ? (mutable.head[m] as number) : -1;
    this.left = m >= 0 ? (mutable.df[m] as number) : 0;
    this.done = this.q >= this.end && this.left === 0;
  }
}

/**
 * The live postings among the next `limit` from where `cursor` is (new doc id, term frequency, old doc id into each
 * array given), in the merged order (compact, then mutable); returns how many (`cursor.read`: how many were read,
 * removed ones included). `cursor.done` once the stem's are all read.
 */
export function fillPostings(
  cursor: StemCursor,
  job: CompactionJob,
  remap: LiveDocs,
  docsOut: Uint32Array | null,
  tfsOut: Uint8Array | null,
  oldOut: Uint32Array | null,
  limit: number,
): number {
  const compact = job.compact.postings;
  const mutable = job.mutable.postings;
  let n = 0;
  let q = cursor.q;
  const end = Math.min(cursor.end, q + limit);
  for (; q < end; q++) {
    const old = compact.docs[q] as number;
    const to = remap.to(old);
    if (to < 0) continue;
    if (docsOut !== null) docsOut[n] = to;
    if (tfsOut !== null) tfsOut[n] = compact.tfs[q] as number;
    if (oldOut !== null) oldOut[n] = old;
    n++;
  }
  const fromCompact = q - cursor.q;
  cursor.q = q;
  let p = cursor.mq;
  let left = cursor.left;
  const leftBefore = left;
  if (q >= cursor.end) {
    // The mutable list: never follows a link past the postings counted when the snapshot was taken.
    for (const stop = Math.max(0, left - (limit - fromCompact)); left > stop; ) {
      const old = mutable.doc[p] as number;
      const to = remap.to(old);
      if (to >= 0) {
        if (docsOut !== null) docsOut[n] = to;
        if (tfsOut !== null) tfsOut[n] = mutable.tf[p] as number;
        if (oldOut !== null) oldOut[n] = old;
        n++;
      }
      left--;
      if (left > 0) p = mutable.next[p] as number;
    }
  }
  cursor.mq = p;
  cursor.left = left;
  cursor.read = fromCompact + leftBefore - left;
  cursor.done = q >= cursor.end && left === 0;
  return n;
}

/**
 * The new doc ids (compactSegments' `remap`: live passages keep their order) in 2 bits a passage rather than 32 (55 MB
 * at a million episodes): a bit per passage, live or not, and the live passages before each word of 32.
 */
export class LiveDocs {
  readonly bits: Int32Array;
  readonly base: Uint32Array;

  constructor(readonly docCount: number) {
    this.bits = new Int32Array((docCount + 31) >>> 5);
    this.base = new Uint32Array((docCount + 31) >>> 5);
  }

  live(doc: number): boolean {
    return (((this.bits[doc >>> 5] as number) >>> (doc & 31)) & 1) === 1;
  }

  /** Passage `doc`'s new id, -1 when removed. */
  to(doc: number): number {
    const word = doc >>> 5;
    const bits = this.bits[word] as number;
    const bit = doc & 31;
    if (((bits >>> bit) & 1) === 0) return -1;
    let below = bits & ((1 << bit) - 1);
    below -= (below >>> 1) & 0x55555555;
    below = (below & 0x33333333) + ((below >>> 2) & 0x33333333);
    return (this.base[word] as number) + (Math.imul((below + (below >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
  }
}

