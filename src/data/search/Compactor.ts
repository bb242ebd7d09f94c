import { compactSegments } from './compactSegments.js';
import type { CompactionJob, CompactionResult } from './compactSegments.js';

/**
 * Where a SearchIndex's compaction is computed (SearchIndexOptions.compactor). One job at a time per index: the
 * index hands out the next only when the last one settled.
 */
export interface Compactor {
  /** Whether jobs leave this thread: the index then keeps the arrays a job reads on SharedArrayBuffers. */
  readonly shares: boolean;
  compact(job: CompactionJob): Promise<CompactionResult>;
}

/** Computes the job on this thread (what tests and the console use; the bot uses a worker thread, src/search-runtime). */
export const inThreadCompactor: Compactor = {
  shares: false,
  compact: (job) => Promise.resolve(compactSegments(job)),
};
