/**
 * The second step of saving the topic index from a snapshot (serializeSnapshot.ts): the bytes of the image
 * planSnapshot planned, in chunks, the same as `SearchIndex.serialize` would write.
 */
import { INDEX_MAGIC } from './searchIndexFormat.js';
import { fillPostings, MIN_BATCH, plans, SLICE, StemCursor, STEM_WORK, textLength, type LiveDocs, type Planned, type SnapshotPlan } from './serializeSnapshot.js';
import type { CompactionJob } from './compactSegments.js';
import { ChunkWriter } from '../ChunkWriter.js';

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

