import { parentPort, threadId } from 'node:worker_threads';
import { compactSegments } from '../data/search/compactSegments.js';
import type { CompactionJob, CompactionResult } from '../data/search/compactSegments.js';
import { shared } from '../data/search/ensure.js';
import type { NumericArray } from '../data/search/ensure.js';

/**
 * What a compaction worker thread runs (see WorkerCompactor): each job posted to it merged by compactSegments, the
 * result's arrays copied onto SharedArrayBuffers here (so posting them back copies nothing on the thread that answers,
 * and the next job reads them where they are), and sent back.
 */
export type CompactReply = { ok: true; result: CompactionResult; threadId: number; ms: number } | { ok: false; error: string };

const port = parentPort;
if (port === null) throw new Error('compactWorker runs as a worker thread');
port.on('message', (job: CompactionJob) => {
  const started = performance.now();
  let reply: CompactReply;
  try {
    reply = { ok: true, result: onShared(compactSegments(job)), threadId, ms: performance.now() - started };
  } catch (error) {
    reply = { ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  port.postMessage(reply);
});

function onShared(r: CompactionResult): CompactionResult {
  const s = <T extends NumericArray>(a: T): T => shared(a);
  return {
    id: r.id,
    live: r.live,
    remap: s(r.remap),
    docs: { episode: s(r.docs.episode), start: s(r.docs.start), field: s(r.docs.field), length: s(r.docs.length), language: s(r.docs.language) },
    textBytes: s(r.textBytes),
    textOffsets: s(r.textOffsets),
    postings: { stems: r.postings.stems, offsets: s(r.postings.offsets), docs: s(r.postings.docs), tfs: s(r.postings.tfs) },
    surfaces: { surfaces: r.surfaces.surfaces, language: s(r.surfaces.language), display: r.surfaces.display, stem: s(r.surfaces.stem), count: s(r.surfaces.count) },
    compactSurfaceTo: s(r.compactSurfaceTo),
    mutableSurfaceTo: s(r.mutableSurfaceTo),
    champions: { offsets: s(r.champions.offsets), docs: s(r.champions.docs), tfs: s(r.champions.tfs) },
    episodeFirstDoc: s(r.episodeFirstDoc),
    episodeEndDoc: s(r.episodeEndDoc),
  };
}
