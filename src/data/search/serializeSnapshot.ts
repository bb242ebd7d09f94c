/**
 * Saving without a second index: what `SearchIndex.serialize` writes (the index compacted, then every section in one
 * buffer), written instead from a snapshot of the index as it is (SearchIndex.saveSnapshot: its compact segment, its
 * tombstones, its mutable segment) a piece at a time, the merge done as the bytes are written. Nothing of the size of
 * the index is allocated: the compaction serialize runs first builds every table again (at a million episodes ~1.1 GB
 * beside the 1.1 GB it merges), and the buffer it writes is as big again; here the extra memory is a doc id map (4
 * bytes a passage), each stem's live posting count and champions, and the string lists encoded (ids, dates: ~35 MB at
 * a million episodes). The bytes are the same as serialize's, byte for byte (tested).
 *
 * Two steps, each a generator that yields between slices of a few milliseconds: `plan` (the new doc ids, every
 * section's length, the stems' order and champions, the surface words) and `write` (the bytes, in chunks).
 */
import { bm25ImpactField, FIELD_COUNT, LENGTH_BITS } from './bm25.js';
import { CHAMPION_MIN_DF } from './championLists.js';
import type { CompactionJob } from './compactSegments.js';
import { compareMutableSurfaces, findStem, sortedInSlices, SurfaceMerge } from './mergeSegments.js';
import { encodeIndexHeader, INDEX_MAGIC, type IndexHeader } from './searchIndexFormat.js';
import { TopK } from './TopK.js';
import { ChunkWriter } from '../ChunkWriter.js';

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

/** Champion lists keep this many postings of a stem in at least CHAMPION_MIN_DF passages (championLists.ts). */
const CHAMPIONS = 256;
/**
 * Work between yields, in passages or postings read (a few nanoseconds each): a slice of a millisecond or two. The
 * issue wants no slice to hold the thread that answers for more than a few milliseconds.
 */
const SLICE = 1 << 15;
/** A stem looked up or visited counts as this many postings (a string compared, a generator started). */
const STEM_WORK = 16;
/** A posting ranked for the champions (its BM25 impact, a heap push) counts as this many read. */
const RANK_WORK = 8;
/** Two words or stems compared (in a sort) count as this many postings read. */
const COMPARE_WORK = 16;
/** A surface word merged (mergeSurfaces: compared, its stem found, pushed) counts as this many. */
const SURFACE_WORK = 32;
/** Read at least this many postings at a time (a batch smaller than that costs more than it saves). */
const MIN_BATCH = 256;
/** String lists are encoded this many strings at a time (an episode's date made from its time costs ~1 µs). */
const STRING_PIECE = 1 << 10;

export interface SnapshotPlan {
  /** The image's length in bytes. */
  byteLength: number;
}

interface Planned extends SnapshotPlan {
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
  /** Work since the last pause: postings read (ranking counts four times), stems looked up or visited. */
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
  const championDocs = new GrowingU32();
  const championTfs = new GrowingU8();
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

/** Which snapshot each plan is of (a plan is opaque to its caller). */
const plans = new WeakMap<SnapshotPlan, IndexSnapshot>();

/**
 * The image `plan` describes, in chunks of about `chunkBytes`: the same bytes as `serialize` of the snapshot's index
 * would write. A chunk is valid until the next one is asked for (its memory is then reused: copy one to keep it). An
 * empty chunk is a pause (ChunkWriter.pause): no more than a slice of work (SLICE) is done between two chunks, however
 * few bytes it makes (removed passages skipped, a byte per posting). Throws if what it wrote is not the length planned.
 */
export function* writeSnapshot(plan: SnapshotPlan, chunkBytes = 1 << 20): Generator<Uint8Array, void, void> {
  const snapshot = plans.get(plan);
  if (snapshot === undefined) throw new Error('not a plan of planSnapshot');
  const p = plan as Planned;
  const { job } = snapshot;
  const { docCount, compactDocs, docs } = job;
  const remap = p.remap;
  const out = new ChunkWriter(chunkBytes);
  const header = new Uint8Array(8);
  new DataView(header.buffer).setUint32(0, INDEX_MAGIC, true);
  new DataView(header.buffer).setUint32(4, p.header.byteLength, true);
  out.bytes(header);
  out.bytes(p.header);
  out.align();
  yield* out.full();

  // Numbers gathered here and copied into the chunks a slice at a time (a typed store each, not a call).
  const scratchDocs = new Uint32Array(SLICE);
  const scratchTfs = new Uint8Array(SLICE);
  // The live passages' rows: runs of live passages (as planned: the tombstones are not read again) copied as they are.
  const run = { from: 0, to: 0 };
  function* runs(visit: (from: number, to: number) => Generator<Uint8Array, void, void>): Generator<Uint8Array, void, void> {
    for (let doc = 0; doc < docCount; ) {
      const end = Math.min(docCount, doc + SLICE);
      if (nextRun(remap, doc, end, run)) yield* visit(run.from, run.to);
      doc = run.to;
      yield* out.pause();
    }
    out.align();
    yield* out.full();
  }
  const rowsOf = (a: Uint32Array | Float64Array | Uint8Array | Uint16Array) => {
    const raw = new Uint8Array(a.buffer, a.byteOffset, docCount * a.BYTES_PER_ELEMENT);
    return (from: number, to: number) => out.piece(raw.subarray(from * a.BYTES_PER_ELEMENT, to * a.BYTES_PER_ELEMENT));
  };
  yield* runs(rowsOf(docs.episode));
  yield* runs(rowsOf(docs.start));
  yield* runs(rowsOf(docs.field));
  yield* runs(rowsOf(docs.length));
  yield* runs(rowsOf(docs.language));
  yield* out.array(snapshot.episodePodcast);
  yield* out.array(job.episodePublishedMs.subarray(0, job.episodeCount));
  // textOffsets[0]: 0.
  out.bytes(new Uint8Array(4));
  const textAt = { at: 0 };
  for (let doc = 0; doc < docCount; doc += SLICE) {
    const k = textEnds(job, remap, doc, Math.min(docCount, doc + SLICE), textAt, scratchDocs);
    out.bytes(new Uint8Array(scratchDocs.buffer, 0, 4 * k));
    yield* out.pause();
  }
  out.align();
  yield* out.full();
  // The texts: a run of live passages is one run of bytes (in one segment or the other).
  yield* runs(function* (from: number, to: number) {
    if (from < compactDocs) {
      const end = Math.min(to, compactDocs);
      yield* out.piece(job.compact.textBytes.subarray(job.compact.textOffsets[from], job.compact.textOffsets[end]));
    }
    if (to > compactDocs) {
      const start = Math.max(from, compactDocs) - compactDocs;
      yield* out.piece(job.mutable.textBytes.subarray(job.mutable.textOffsets[start], job.mutable.textOffsets[to - compactDocs]));
    }
  });
  yield* out.array(p.postingOffsets);

  // The postings, stem by stem in the merged order: doc ids, then term frequencies.
  // Postings read a slice at a time into a scratch array (fillPostings), then copied into the chunks.
  const cursor = new StemCursor();
  function* postings(tfs: boolean): Generator<Uint8Array, void, void> {
    let budget = 0;
    for (let s = 0; s < p.order.length; s++) {
      const o = p.order[s] as number;
      cursor.reset(job, o >= 0 ? o : -1, o >= 0 ? (p.alsoMutable[s] as number) : ~o);
      budget += STEM_WORK;
      while (!cursor.done) {
        const limit = Math.max(MIN_BATCH, SLICE - budget);
        const n = tfs ? fillPostings(cursor, job, remap, null, scratchTfs, null, limit) : fillPostings(cursor, job, remap, scratchDocs, null, null, limit);
        out.bytes(tfs ? scratchTfs.subarray(0, n) : new Uint8Array(scratchDocs.buffer, 0, 4 * n));
        budget += cursor.read;
        if (budget >= SLICE) {
          budget = 0;
          yield* out.pause();
        }
      }
      if (budget >= SLICE) {
        budget = 0;
        yield* out.pause();
      }
    }
    out.align();
    yield* out.pause();
  }
  yield* postings(false);
  yield* postings(true);
  yield* out.array(p.surfaces.language);
  yield* out.array(p.surfaces.stem);
  yield* out.array(p.surfaces.count);
  yield* out.array(p.championOffsets);
  yield* out.array(p.championDocs);
  yield* out.array(p.championTfs);
  for (const pieces of p.encoded.values()) {
    for (const piece of pieces) {
      out.bytes(piece);
      yield* out.full();
    }
    out.align();
  }
  yield* out.full();
  if (out.total !== p.byteLength) throw new Error(`the index image came to ${out.total} bytes, planned ${p.byteLength}`);
  yield* out.end();
}

/**
 * The first run of live passages that starts in [from, to) into `run` (true), running on past `to` as far as it goes
 * (`run.to`: its end); false when none starts there (`run.to` = to). Reads the live bits a word of 32 at a time.
 */
function nextRun(remap: LiveDocs, from: number, to: number, run: { from: number; to: number }): boolean {
  const { bits } = remap;
  const docCount = remap.docCount;
  let doc = from;
  while (doc < to && ((bits[doc >>> 5] as number) >>> (doc & 31)) === 0) doc = ((doc >>> 5) + 1) << 5;
  if (doc >= to) {
    run.to = to;
    return false;
  }
  // A live bit at or above `doc` in this word (a run that starts a few passages past `to` is taken all the same).
  while ((((bits[doc >>> 5] as number) >>> (doc & 31)) & 1) === 0) doc++;
  run.from = doc;
  let end = doc;
  for (;;) {
    if (end >= docCount) break;
    const word = bits[end >>> 5] as number;
    if ((end & 31) === 0 && word === -1) {
      end += 32;
      continue;
    }
    if (((word >>> (end & 31)) & 1) === 0) break;
    end++;
  }
  run.to = Math.min(end, docCount);
  return true;
}

/** The live passages' text ends in [from, to) after `text.at` (updated) into `out`; returns how many. */
function textEnds(job: CompactionJob, remap: LiveDocs, from: number, to: number, text: { at: number }, out: Uint32Array): number {
  let k = 0;
  let at = text.at;
  for (let doc = from; doc < to; doc++) {
    if (remap.live(doc)) {
      at += textLength(job, doc);
      out[k++] = at;
    }
  }
  text.at = at;
  return k;
}

function textLength(job: CompactionJob, doc: number): number {
  if (doc < job.compactDocs) return (job.compact.textOffsets[doc + 1] as number) - (job.compact.textOffsets[doc] as number);
  const i = doc - job.compactDocs;
  return (job.mutable.textOffsets[i + 1] as number) - (job.mutable.textOffsets[i] as number);
}

/** Where a merged stem's postings are read up to (fillPostings): its compact range, then its mutable list. */
class StemCursor {
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
function fillPostings(
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
 * The new doc ids (compactSegments' `remap`: live passages keep their order) in 2 bits a passage rather than 32 (55 MB
 * at a million episodes): a bit per passage, live or not, and the live passages before each word of 32.
 */
class LiveDocs {
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

/** A Uint32Array that grows as pushed to (a number[] of millions of champions costs twice the memory, then a copy). */
class GrowingU32 {
  #a = new Uint32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.#a.length) {
      const grown = new Uint32Array(this.#a.length * 2);
      grown.set(this.#a);
      this.#a = grown;
    }
    this.#a[this.length++] = v;
  }
  view(): Uint32Array {
    return this.#a.subarray(0, this.length);
  }
}

/** A Uint8Array that grows as pushed to. */
class GrowingU8 {
  #a = new Uint8Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.#a.length) {
      const grown = new Uint8Array(this.#a.length * 2);
      grown.set(this.#a);
      this.#a = grown;
    }
    this.#a[this.length++] = v;
  }
  view(): Uint8Array {
    return this.#a.subarray(0, this.length);
  }
}
