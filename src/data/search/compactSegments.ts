/**
 * Compaction as a pure function of plain data: SearchIndex.beginCompaction hands out a CompactionJob (what the index
 * held when it began: the compact segment, the mutable segment's postings counted then, the document table, which
 * passages were removed), compactSegments computes the merged compact segment, and SearchIndex.finishCompaction swaps
 * it in, re-applying what changed in the meantime. The job holds only typed arrays, strings and numbers, so it can be
 * computed on this thread (SearchIndex.compact) or posted to a worker thread (src/search-runtime): its big arrays are
 * on SharedArrayBuffers there, read and never written. Nothing here writes to the job.
 */
import { bm25ImpactTables } from './bm25.js';
import { championLists } from './championLists.js';
import type { ChampionLists } from './championLists.js';
import { mergePostings, mergeSurfaces } from './mergeSegments.js';
import type { CompactPostings, CompactSurfaces, MutablePostingsView } from './mergeSegments.js';
import type { MutableSurface } from './MutablePostings.js';

/** Per passage (global doc id = position): read for doc ids below the job's docCount. */
export interface DocTable {
  episode: Uint32Array;
  /** Whole milliseconds (Uint32Array) or seconds (Float64Array), as SearchIndex holds them: a result keeps the job's unit. */
  start: Uint32Array | Float64Array;
  field: Uint8Array;
  length: Uint16Array;
  language: Uint8Array;
}

export interface CompactionJob {
  /** Which compaction of its index this is: a result is swapped in only while its job is the one in flight. */
  id: number;
  /** Passages when the job began (doc ids below this are merged), of which the first `compactDocs` are compact. */
  docCount: number;
  compactDocs: number;
  episodeCount: number;
  k1: number;
  b: number;
  fieldBoost: Float64Array;
  fieldDocs: Float64Array;
  fieldLength: Float64Array;
  /** Removed passages when the job began (a copy: removals go on meanwhile). */
  deleted: Uint8Array;
  docs: DocTable;
  episodePublishedMs: Float64Array;
  compact: {
    postings: CompactPostings;
    /** `count` is a copy: words added meanwhile count on in the index's own array. */
    surfaces: CompactSurfaces;
    textBytes: Uint8Array;
    textOffsets: Uint32Array;
  };
  mutable: {
    postings: MutablePostingsView;
    /** Copies of the mutable segment's words when the job began. */
    surfaces: MutableSurface[];
    /** UTF-8 texts of the mutable passages: passage compactDocs + i is textBytes[textOffsets[i], textOffsets[i + 1]). */
    textBytes: Uint8Array;
    textOffsets: Uint32Array;
  };
  /** Room for this many more passages in the result's document table (passages added while it is computed). */
  headroom: number;
}

export interface CompactionResult {
  id: number;
  /** Live passages merged: the new compact segment's size. */
  live: number;
  /** Old doc id (below the job's docCount) -> new, -1 for a passage removed before the job began. */
  remap: Int32Array;
  /** The merged passages' rows (length live + headroom). */
  docs: DocTable;
  textBytes: Uint8Array;
  textOffsets: Uint32Array;
  postings: CompactPostings;
  surfaces: CompactSurfaces;
  /** Where each old compact surface and each job mutable surface went in `surfaces` (-1: dropped). */
  compactSurfaceTo: Int32Array;
  mutableSurfaceTo: Int32Array;
  champions: ChampionLists;
  /** Per episode of the job: the range of new doc ids holding its passages (0, 0: none). */
  episodeFirstDoc: Uint32Array;
  episodeEndDoc: Uint32Array;
}

export function compactSegments(job: CompactionJob): CompactionResult {
  const { docCount, compactDocs, deleted, docs } = job;

  // 1. New doc ids: live docs keep their order, so postings stay sorted.
  const remap = new Int32Array(docCount);
  let live = 0;
  for (let doc = 0; doc < docCount; doc++) remap[doc] = deleted[doc] === 1 ? -1 : live++;

  // 2. Stems and their postings, then 3. surface words: both dictionaries merged, sorted (mergeSegments.ts).
  const { postings, compactStemTo } = mergePostings(job.compact.postings, job.mutable.postings, remap);
  const merged = mergeSurfaces(job.compact.surfaces, job.mutable.surfaces, compactStemTo, postings.stems);

  // 4. Texts: live compact bytes copied, mutable bytes likewise.
  const textOffsets = new Uint32Array(live + 1);
  let textSize = 0;
  for (let doc = 0; doc < docCount; doc++) if ((remap[doc] as number) >= 0) textSize += textLengthOf(job, doc);
  const textBytes = new Uint8Array(textSize);
  let textLength = 0;
  for (let doc = 0; doc < docCount; doc++) {
    const to = remap[doc] as number;
    if (to < 0) continue;
    const bytes =
      doc < compactDocs
        ? job.compact.textBytes.subarray(job.compact.textOffsets[doc], job.compact.textOffsets[doc + 1])
        : job.mutable.textBytes.subarray(job.mutable.textOffsets[doc - compactDocs], job.mutable.textOffsets[doc - compactDocs + 1]);
    textBytes.set(bytes, textLength);
    textLength += bytes.length;
    textOffsets[to + 1] = textLength;
  }

  // 5. Document table of the live passages.
  const capacity = live + job.headroom;
  const table: DocTable = {
    episode: new Uint32Array(capacity),
    start: docs.start instanceof Uint32Array ? new Uint32Array(capacity) : new Float64Array(capacity),
    field: new Uint8Array(capacity),
    length: new Uint16Array(capacity),
    language: new Uint8Array(capacity),
  };
  for (let doc = 0; doc < docCount; doc++) {
    const to = remap[doc] as number;
    if (to < 0) continue;
    table.episode[to] = docs.episode[doc] as number;
    table.start[to] = docs.start[doc] as number;
    table.field[to] = docs.field[doc] as number;
    table.length[to] = docs.length[doc] as number;
    table.language[to] = docs.language[doc] as number;
  }

  // 6. Each episode's doc range, and 7. the champion lists, ranked by BM25 over the merged passages.
  const episodeFirstDoc = new Uint32Array(job.episodeCount);
  const episodeEndDoc = new Uint32Array(job.episodeCount);
  for (let doc = live - 1; doc >= 0; doc--) {
    const e = table.episode[doc] as number;
    if (episodeEndDoc[e] === 0) episodeEndDoc[e] = doc + 1;
    episodeFirstDoc[e] = doc;
  }
  const factors = bm25ImpactTables({ k1: job.k1, b: job.b, fieldBoost: job.fieldBoost, fieldDocs: job.fieldDocs, fieldLength: job.fieldLength });
  const champions = championLists(postings, {
    docField: table.field,
    docLength: table.length,
    impactByLength: factors.impact,
    normByLength: factors.norm,
    docEpisode: table.episode, episodePublishedMs: job.episodePublishedMs, episodeCount: job.episodeCount });

  return {
    id: job.id,
    live,
    remap,
    docs: table,
    textBytes,
    textOffsets,
    postings,
    surfaces: { surfaces: merged.surfaces, language: merged.language, display: merged.display, stem: merged.stem, count: merged.count },
    compactSurfaceTo: merged.compactTo,
    mutableSurfaceTo: merged.mutableTo,
    champions,
    episodeFirstDoc,
    episodeEndDoc,
  };
}

function textLengthOf(job: CompactionJob, doc: number): number {
  if (doc < job.compactDocs) return (job.compact.textOffsets[doc + 1] as number) - (job.compact.textOffsets[doc] as number);
  const i = doc - job.compactDocs;
  return (job.mutable.textOffsets[i + 1] as number) - (job.mutable.textOffsets[i] as number);
}
