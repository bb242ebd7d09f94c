/**
 * The first step of saving the topic index from a snapshot (serializeSnapshot.ts): the plan of its image, a slice of
 * work at a time, with the doc ids it gets, every section's length, the stems' order and champions, the merged surface
 * words and the string lists encoded; writeSnapshot.ts then writes the bytes.
 */
import { bm25ImpactField, FIELD_COUNT, LENGTH_BITS } from './bm25.js';
import { CHAMPION_MIN_DF } from './championLists.js';
import { compareMutableSurfaces, findStem, sortedInSlices, SurfaceMerge } from './mergeSegments.js';
import { encodeIndexHeader, type IndexHeader } from './searchIndexFormat.js';
import { ensure } from './ensure.js';
import { fillPostings, LiveDocs, MIN_BATCH, plans, SLICE, StemCursor, STEM_WORK, textLength, type IndexSnapshot, type Planned, type SnapshotPlan } from './serializeSnapshot.js';
import { TopK } from './TopK.js';
import type { CompactionJob } from './compactSegments.js';

/** Champion lists keep this many postings of a stem in at least CHAMPION_MIN_DF passages (championLists.ts). */
const CHAMPIONS = 256;
/** A posting ranked for the champions (its BM25 impact, a heap push) counts as this many read. */
const RANK_WORK = 8;
/** Two words or stems compared (in a sort) count as this many postings read. */
const COMPARE_WORK = 16;
/** A surface word merged (mergeSurfaces: compared, its stem found, pushed) counts as this many. */
const SURFACE_WORK = 32;
/** String lists are encoded this many strings at a time (an episode's date made from its time costs ~1 µs). */
const STRING_PIECE = 1 << 10;

const align8 = (n: number): number => (n + 7) & ~7;

/** Plans the image of `snapshot` (yielding between slices); `writeSnapshot` then writes it. */
export function* planSnapshot(snapshot: IndexSnapshot): Generator<void, SnapshotPlan, void> {
  const { job } = snapshot;
  const { docCount, compactDocs, deleted, docs } = job;
  const compact = job.compact.postings;
  const mutable = job.mutable.postings;

  // 1. New doc ids: live passages keep their order (compactSegments). A passage removed since the snapshot was taken
  // (the index tombstones in place) was live in it: the index lists those (saveSnapshot's `removedSince`).
  const remap = new LiveDocs(docCount);
  const marked = { live: 0, textSize: 0 };
  const removedSince = new Set<number>();
  for (let from = 0; from < docCount; from += SLICE) {
    for (let i = removedSince.size; i < snapshot.removedSince.length; i++) removedSince.add(snapshot.removedSince[i] as number);
    markLive(job, deleted, removedSince, remap, from, Math.min(docCount, from + SLICE), marked);
    yield;
  }
  snapshot.release();
  const { live, textSize } = marked;

  // 2. The merged stems in order (mergePostings), each one's live postings counted and its champions chosen.
  /** Work since the last pause: postings read (a posting ranked counts RANK_WORK), stems looked up or visited. */
  let budget = 0;
  const mutableForCompact = new Int32Array(compact.stems.length).fill(-1);
  const newMutable: number[] = [];
  for (let m = 0; m < mutable.stems.length; m++) {
    const at = findStem(compact.stems, mutable.stems[m] as string);
    if (at >= 0) mutableForCompact[at] = m;
    else newMutable.push(m);
    if ((budget += STEM_WORK) >= SLICE) yield ((budget = 0), undefined);
  }
  // In the stems' order (mergePostings sorts them so), a slice of comparisons at a time.
  const newSorted = yield* sortedInSlices(
    newMutable.length,
    (x, y) => {
      const a = mutable.stems[newMutable[x] as number] as string;
      const c = mutable.stems[newMutable[y] as number] as string;
      return a < c ? -1 : a > c ? 1 : 0;
    },
    SLICE / COMPARE_WORK,
  );
  const newMutableSorted = new Int32Array(newMutable.length);
  for (let i = 0; i < newMutable.length; i++) {
    newMutableSorted[i] = newMutable[newSorted[i] as number] as number;
    if ((budget += 1) >= SLICE) yield ((budget = 0), undefined);
  }
  // bm25ImpactTables' tables, a field at a time.
  const factors = { impact: new Float32Array(FIELD_COUNT << LENGTH_BITS), norm: new Float32Array(FIELD_COUNT << LENGTH_BITS) };
  for (let f = 0; f < FIELD_COUNT; f++) {
    bm25ImpactField(job, f, factors.impact, factors.norm);
    yield;
  }
  const published = { min: Infinity, max: -Infinity };
  for (let from = 0; from < job.episodeCount; from += SLICE) {
    publishedRange(job.episodePublishedMs, from, Math.min(job.episodeCount, from + SLICE), published);
    yield;
  }
  const minPublished = published.min;
  const span = published.max > minPublished ? published.max - minPublished : 1;
  // Sized for every stem of both segments (at most that many merged); the champions grow as chosen.
  const stemsAtMost = compact.stems.length + newMutable.length;
  const order = new Int32Array(stemsAtMost);
  const alsoMutable = new Int32Array(stemsAtMost);
  const stems: string[] = [];
  const offsets = new Uint32Array(stemsAtMost + 1);
  const championOffsets = new Uint32Array(stemsAtMost + 1);
  const championDocs = new Growing(new Uint32Array(1024));
  const championTfs = new Growing(new Uint8Array(1024));
  const compactStemTo = new Int32Array(compact.stems.length).fill(-1);
  let written = 0;
  // A merged stem's live postings, read a slice at a time into scratch arrays by a plain function (fillPostings: V8
  // optimises its loop, where a long loop in a generator may stay slow), then counted, ranked or picked from there.
  const cursor = new StemCursor();
  const batchDocs = new Uint32Array(SLICE);
  const batchTfs = new Uint8Array(SLICE);
  const batchOld = new Uint32Array(SLICE);
  const bm25 = { field: docs.field, length: docs.length, episode: docs.episode, published: job.episodePublishedMs, impact: factors.impact, norm: factors.norm, minPublished, span };
  /** Postings to read now so that this slice's work stays within SLICE (`weight` units each). */
  const room = (weight: number): number => Math.max(MIN_BATCH, Math.floor((SLICE - budget) / weight));
  function* stem(c: number, m: number, s: string): Generator<void, number, void> {
    const from = written;
    cursor.reset(job, c, m);
    budget += STEM_WORK;
    while (!cursor.done) {
      written += fillPostings(cursor, job, remap, null, null, null, room(1));
      if ((budget += cursor.read) >= SLICE) yield ((budget = 0), undefined);
    }
    if (written === from) return -1;
    if (written - from >= CHAMPION_MIN_DF) {
      // championLists: ranked by impact (newer episode on a tie), by the posting's place in the merged postings.
      const heap = new TopK(CHAMPIONS);
      cursor.reset(job, c, m);
      for (let at = from; !cursor.done; ) {
        const n = fillPostings(cursor, job, remap, null, batchTfs, batchOld, room(RANK_WORK));
        rankBatch(heap, at, n, batchTfs, batchOld, bm25);
        at += n;
        if ((budget += RANK_WORK * cursor.read) >= SLICE) yield ((budget = 0), undefined);
      }
      const chosen = heap
        .drain()
        .map((x) => x.doc)
        .sort((x, y) => x - y);
      cursor.reset(job, c, m);
      let i = 0;
      for (let at = from; !cursor.done && i < chosen.length; ) {
        const n = fillPostings(cursor, job, remap, batchDocs, batchTfs, null, room(1));
        for (; i < chosen.length && (chosen[i] as number) < at + n; i++) {
          championDocs.push(batchDocs[(chosen[i] as number) - at] as number);
          championTfs.push(batchTfs[(chosen[i] as number) - at] as number);
        }
        at += n;
        if ((budget += cursor.read) >= SLICE) yield ((budget = 0), undefined);
      }
    }
    stems.push(s);
    offsets[stems.length] = written;
    championOffsets[stems.length] = championDocs.length;
    return stems.length - 1;
  }
  let ci = 0;
  let mi = 0;
  while (ci < compact.stems.length || mi < newMutable.length) {
    const cs = compact.stems[ci];
    const mIndex = mi < newMutableSorted.length ? newMutableSorted[mi] : undefined;
    const ms = mIndex === undefined ? undefined : mutable.stems[mIndex];
    if (cs !== undefined && (ms === undefined || cs < ms)) {
      const both = mutableForCompact[ci] as number;
      const id = yield* stem(ci, both, cs);
      compactStemTo[ci] = id;
      if (id >= 0) {
        order[id] = ci;
        alsoMutable[id] = both;
      }
      ci++;
    } else if (ms !== undefined && mIndex !== undefined) {
      const id = yield* stem(-1, mIndex, ms);
      if (id >= 0) {
        order[id] = ~mIndex;
        alsoMutable[id] = -1;
      }
      mi++;
    }
  }
  yield;
  // mergeSurfaces, a slice at a time: the words new since the last compaction sorted, then merged with the compact ones.
  const mutableSurfaces = job.mutable.surfaces;
  const surfaceOrder = yield* sortedInSlices(mutableSurfaces.length, (x, y) => compareMutableSurfaces(mutableSurfaces, x, y), SLICE / COMPARE_WORK);
  const merge = new SurfaceMerge(job.compact.surfaces, mutableSurfaces, surfaceOrder, compactStemTo, stems);
  while (!merge.step(SLICE / SURFACE_WORK)) yield;
  const surfaces = merge.result(false);

  // 3. The string lists, encoded as encodeIndex does (NUL-joined UTF-8), a piece at a time.
  const encoded = new Map<string, Uint8Array[]>();
  const encoder = new TextEncoder();
  const nul = Uint8Array.of(0);
  function* encode(name: string, count: number, at: (i: number) => string): Generator<void, void, void> {
    const pieces: Uint8Array[] = [];
    for (let from = 0; from < count; from += STRING_PIECE) {
      const piece: string[] = [];
      for (let i = from; i < Math.min(count, from + STRING_PIECE); i++) piece.push(at(i));
      if (from > 0) pieces.push(nul);
      pieces.push(encoder.encode(piece.join('\u0000')));
      yield;
    }
    encoded.set(name, pieces);
  }
  yield* encode('stems', stems.length, (i) => stems[i] as string);
  yield* encode('surfaces', surfaces.surfaces.length, (i) => surfaces.surfaces[i] as string);
  yield* encode('surfaceDisplay', surfaces.display.length, (i) => surfaces.display[i] as string);
  yield* encode('episodeIds', job.episodeCount, (i) => snapshot.episodeIds[i] as string);
  yield* encode('episodePublished', job.episodeCount, snapshot.publishedOf);
  yield* encode('podcastIds', snapshot.podcastIds.length, (i) => snapshot.podcastIds[i] as string);
  yield* encode('podcastDeclared', snapshot.podcastDeclared.length, (i) => snapshot.podcastDeclared[i] as string);
  const bytesOf = (name: string): number => (encoded.get(name) ?? []).reduce((n, piece) => n + piece.byteLength, 0);

  // 4. The header and every section's length, as encodeIndex lays them out.
  const startType = docs.start instanceof Uint32Array ? 'Uint32Array' : 'Float64Array';
  const sections: [string, string, number][] = [
    ['docEpisode', 'Uint32Array', live],
    ['docStart', startType, live],
    ['docField', 'Uint8Array', live],
    ['docLength', 'Uint16Array', live],
    ['docLanguage', 'Uint8Array', live],
    ['episodePodcast', 'Uint32Array', job.episodeCount],
    ['episodePublishedMs', 'Float64Array', job.episodeCount],
    ['textOffsets', 'Uint32Array', live + 1],
    ['textBytes', 'Uint8Array', textSize],
    ['postingOffsets', 'Uint32Array', stems.length + 1],
    ['postingDocs', 'Uint32Array', written],
    ['postingTfs', 'Uint8Array', written],
    ['surfaceLanguage', 'Uint8Array', surfaces.language.length],
    ['surfaceStem', 'Uint32Array', surfaces.stem.length],
    ['surfaceCount', 'Uint32Array', surfaces.count.length],
    ['championOffsets', 'Uint32Array', stems.length + 1],
    ['championDocs', 'Uint32Array', championDocs.length],
    ['championTfs', 'Uint8Array', championTfs.length],
    ...[...encoded.keys()].map((name): [string, string, number] => [name, 'Uint8Array', bytesOf(name)]),
  ];
  const header: IndexHeader = {
    k1: job.k1,
    b: job.b,
    mutableLimit: snapshot.mutableLimit,
    fieldBoost: Array.from(job.fieldBoost),
    docCount: live,
    episodeCount: job.episodeCount,
    counts: { stems: stems.length, surfaces: surfaces.surfaces.length, episodes: job.episodeCount, podcasts: snapshot.podcastIds.length },
    fieldDocs: Array.from(job.fieldDocs),
    fieldLength: Array.from(job.fieldLength),
  };
  const headerBytes = encodeIndexHeader(header, sections);
  const sizes: Record<string, number> = { Uint8Array: 1, Uint16Array: 2, Uint32Array: 4, Float64Array: 8 };
  let byteLength = align8(8 + headerBytes.byteLength);
  for (const [, type, length] of sections) byteLength = align8(byteLength + length * (sizes[type] as number));
  const plan: Planned = {
    byteLength,
    remap,
    live,
    header: headerBytes,
    sections,
    order: order.subarray(0, stems.length),
    alsoMutable: alsoMutable.subarray(0, stems.length),
    postingOffsets: offsets.subarray(0, stems.length + 1),
    championOffsets: championOffsets.subarray(0, stems.length + 1),
    championDocs: championDocs.view(),
    championTfs: championTfs.view(),
    surfaces,
    stems,
    encoded,
  };
  plans.set(plan, snapshot);
  return plan;
}

/** Pushes a batch of a stem's postings (from merged position `at`) into the champions' heap by impact (championLists). */
function rankBatch(
  heap: TopK,
  at: number,
  n: number,
  tfs: Uint8Array,
  olds: Uint32Array,
  d: { field: Uint8Array; length: Uint16Array; episode: Uint32Array; published: Float64Array; impact: Float32Array; norm: Float32Array; minPublished: number; span: number },
): void {
  for (let i = 0; i < n; i++) {
    const old = olds[i] as number;
    const tf = tfs[i] as number;
    const slot = ((d.field[old] as number) << LENGTH_BITS) | (d.length[old] as number);
    const norm = d.norm[slot] as number;
    const impact = ((d.impact[slot] as number) * tf * (1 + norm)) / (tf + norm);
    const published = d.published[d.episode[old] as number] as number;
    const newer = Number.isNaN(published) ? 0 : (published - d.minPublished) / d.span;
    heap.push(at + i, impact + newer * 1e-4);
  }
}

/**
 * Marks passages [from, to) of the snapshot live or not in `remap` (a passage removed since the snapshot was taken
 * counts as live), adding to `counts` the live ones and their text's bytes.
 */
function markLive(job: CompactionJob, deleted: Uint8Array, removedSince: ReadonlySet<number>, remap: LiveDocs, from: number, to: number, counts: { live: number; textSize: number }): void {
  const { bits, base } = remap;
  let live = counts.live;
  let textSize = counts.textSize;
  for (let doc = from; doc < to; doc++) {
    if ((doc & 31) === 0) base[doc >>> 5] = live;
    if (deleted[doc] === 1 && !removedSince.has(doc)) continue;
    bits[doc >>> 5] = (bits[doc >>> 5] as number) | (1 << (doc & 31));
    live++;
    textSize += textLength(job, doc);
  }
  counts.live = live;
  counts.textSize = textSize;
}

/** The earliest and latest of times [from, to) into `range` (NaN: no date). */
function publishedRange(times: Float64Array, from: number, to: number, range: { min: number; max: number }): void {
  for (let e = from; e < to; e++) {
    const t = times[e] as number;
    if (Number.isNaN(t)) continue;
    if (t < range.min) range.min = t;
    if (t > range.max) range.max = t;
  }
}

/** A typed array that grows as pushed to, by ensure() (a number[] of millions of champions costs twice the memory, then a copy). */
class Growing<T extends Uint8Array | Uint32Array> {
  length = 0;
  constructor(private array: T) {}
  push(v: number): void {
    this.array = ensure(this.array, this.length + 1);
    this.array[this.length++] = v;
  }
  view(): T {
    return this.array.subarray(0, this.length) as T;
  }
}
