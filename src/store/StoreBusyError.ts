/**
 * A store call gave up because another process (or connection) held the database's write lock for longer than a call
 * may wait. Nothing was written, and the same call can work a moment later: work in the background tries again, and
 * an interaction tells the person who asked.
 */
export class StoreBusyError extends Error {
  override readonly name = 'StoreBusyError';

  constructor(waitedMs: number, options?: { cause?: unknown }) {
    super(`The database is busy: another process held its write lock for more than ${waitedMs} ms, so nothing was written.`, options);
  }
}
