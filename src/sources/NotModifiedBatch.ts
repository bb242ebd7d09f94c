import type { NotModified } from '../store/Store.js';

export interface NotModifiedBatchOptions {
  /** Writes a batch (Store.recordNotModified). */
  write(checks: readonly NotModified[], at: { checkedAt: Date; nextCheckAt: Date }): Promise<void>;
  now(): Date;
  /** When feeds checked at `now` are due again (PollSchedule.afterSuccess). */
  nextCheckAt(now: Date): Date;
  /** A batch is written as soon as it holds this many. */
  maxSize: number;
  /** ... or this long after its first check came. */
  maxWaitMs: number;
  /** A check started waiting for its batch. */
  waiting?(): void;
}

interface Waiting {
  check: NotModified;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Group commit for 304s: checks that came back Not Modified are written together, one write for up to `maxSize` of
 * them, instead of a transaction each. The feeds of a batch get one next check time (jittered per batch, so batches
 * still spread out): checked together, they are due together, their rows are claimed and written together again, and
 * each write touches a few pages of the database instead of a few pages per feed. Each check's promise settles when
 * its batch is written (or fails with the write's error, for the check to handle as its own).
 */
export class NotModifiedBatch {
  readonly #o: NotModifiedBatchOptions;
  #waiting: Waiting[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(options: NotModifiedBatchOptions) {
    this.#o = options;
  }

  /** Checks waiting for their batch to be written. */
  get size(): number {
    return this.#waiting.length;
  }

  add(check: NotModified): Promise<void> {
    const written = new Promise<void>((resolve, reject) => {
      this.#waiting.push({ check, resolve, reject });
      if (this.#waiting.length >= this.#o.maxSize) void this.flush();
      else this.#timer ??= setTimeout(() => void this.flush(), this.#o.maxWaitMs);
    });
    this.#o.waiting?.();
    return written;
  }

  /** Writes what is waiting now. */
  async flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#waiting;
    this.#waiting = [];
    if (batch.length === 0) return;
    const checkedAt = this.#o.now();
    try {
      await this.#o.write(
        batch.map((w) => w.check),
        { checkedAt, nextCheckAt: this.#o.nextCheckAt(checkedAt) },
      );
      for (const waiting of batch) waiting.resolve();
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
    }
  }
}
