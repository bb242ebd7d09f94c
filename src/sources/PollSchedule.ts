/**
 * When a feed is checked next. After a success: one interval later, with jitter so feeds spread out instead of being
 * fetched in lock step. After the n-th failure in a row: interval * 2^n (capped), also jittered; after `pauseAfter`
 * failures in a row the feed is paused until someone resumes it.
 */
export interface PollScheduleOptions {
  intervalSeconds: number;
  /** Longest wait between retries of a failing feed. Default 6 h (never less than the interval). */
  maxBackoffSeconds?: number;
  /** Failures in a row that pause a feed. Default 8. */
  pauseAfter?: number;
  /** Fraction of the delay added or taken away at random. Default 0.1. */
  jitter?: number;
  /** A number in [0, 1). Default Math.random. */
  random?: () => number;
}

export class PollSchedule {
  readonly intervalMs: number;
  readonly maxBackoffMs: number;
  readonly pauseAfter: number;
  readonly #jitter: number;
  readonly #random: () => number;

  constructor(options: PollScheduleOptions) {
    this.intervalMs = Math.max(1, options.intervalSeconds) * 1000;
    this.maxBackoffMs = Math.max(this.intervalMs, (options.maxBackoffSeconds ?? 6 * 3600) * 1000);
    this.pauseAfter = Math.max(1, options.pauseAfter ?? 8);
    this.#jitter = Math.min(0.5, Math.max(0, options.jitter ?? 0.1));
    this.#random = options.random ?? Math.random;
  }

  /** The delay before the next check after a fetch that worked. */
  afterSuccess(now: Date): Date {
    return new Date(now.getTime() + this.#jittered(this.intervalMs));
  }

  /** `failures`: failures in a row including this one (1 for the first). */
  afterFailure(now: Date, failures: number): { nextCheckAt: Date; pause: boolean } {
    const exponent = Math.min(Math.max(1, failures), 30);
    const delay = Math.min(this.maxBackoffMs, this.intervalMs * 2 ** exponent);
    return { nextCheckAt: new Date(now.getTime() + this.#jittered(delay)), pause: failures >= this.pauseAfter };
  }

  /** How long the poller sleeps between looks for due feeds: a quarter interval, between 1 s and 60 s, jittered. */
  tickMs(): number {
    return this.#jittered(Math.min(60_000, Math.max(1000, this.intervalMs / 4)));
  }

  #jittered(ms: number): number {
    return Math.max(1, Math.round(ms * (1 + this.#jitter * (2 * this.#random() - 1))));
  }
}
