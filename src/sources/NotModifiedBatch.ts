import type { NotModified } from '../store/Store.js';

/** A 304 as the poller hands it over: the times are the batch's. */
export type NotModifiedCheck = Omit<NotModified, 'checkedAt' | 'nextCheckAt'>;

export interface NotModifiedBatchOptions {
  /** Writes a batch (Store.recordNotModified). */
  write(checks: readonly NotModified[]): Promise<void>;
  now(): Date;
  /** When feeds checked at `now` are due again (PollSchedule.afterSuccess). */
  nextCheckAt(now: Date): Date;
  /** Checks that get one check time and one next check time (jittered per group, so groups still spread out). */
  groupSize: number;
  /** A batch is written as soon as it holds this many ... */
  maxSize: number;
  /** ... or this long after its first check came. */
  maxWaitMs: number;
  /** A check started waiting for its batch. */
  waiting?(): void;
}

interface Waiting {
  check: NotModifiedCheck;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Group commit for 304s: checks that came back Not Modified are written together, one write for everything that came
 * within `maxWaitMs` (up to `maxSize`), instead of a transaction each. Within a batch, every `groupSize` checks in a row
 * share one check time and one next check time, given when the group is full (or the batch written): feeds checked
 * together are due together, as many at a time as before, so the next cycle fetches them in the same order and with
 * the same mix of hosts whatever the size of the write. Each check's promise settles when its batch is written (or
 * fails with the write's error, for the check to handle as its own). A process that dies loses at most the batch
 * waiting: those feeds stay due and are checked again once their lease expires, one more conditional request each.
 */
export class NotModifiedBatch {
  readonly #o: NotModifiedBatchOptions;
  /** Checks of the group being filled: no times yet. */
  #open: Waiting[] = [];
  /** Checks of full groups, with their group's times. */
  #timed: { waiting: Waiting; at: { checkedAt: Date; nextCheckAt: Date } }[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(options: NotModifiedBatchOptions) {
    this.#o = options;
  }

  /** Checks waiting for their batch to be written. */
  get size(): number {
    return this.#open.length + this.#timed.length;
  }

  add(check: NotModifiedCheck): Promise<void> {
    const written = new Promise<void>((resolve, reject) => {
      this.#open.push({ check, resolve, reject });
      if (this.#open.length >= this.#o.groupSize) this.#closeGroup();
      if (this.size >= this.#o.maxSize) void this.flush();
      else this.#timer ??= setTimeout(() => void this.flush(), this.#o.maxWaitMs);
    });
    this.#o.waiting?.();
    return written;
  }

  #closeGroup(): void {
    if (this.#open.length === 0) return;
    const checkedAt = this.#o.now();
    const at = { checkedAt, nextCheckAt: this.#o.nextCheckAt(checkedAt) };
    for (const waiting of this.#open) this.#timed.push({ waiting, at });
    this.#open = [];
  }

  /** Writes what is waiting now. */
  async flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#closeGroup();
    const batch = this.#timed;
    this.#timed = [];
    if (batch.length === 0) return;
    try {
      await this.#o.write(batch.map(({ waiting, at }) => ({ ...waiting.check, ...at })));
      for (const { waiting } of batch) waiting.resolve();
    } catch (error) {
      for (const { waiting } of batch) waiting.reject(error);
    }
  }
}
