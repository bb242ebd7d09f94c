import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { StoreBusyError } from './StoreBusyError.js';

/**
 * Waits for another process's database lock without blocking the event loop. better-sqlite3 is synchronous: with
 * SQLite's own busy_timeout, a write that finds the lock taken sleeps inside the C call, and every interaction waits
 * with it. SqliteStore therefore runs with busy_timeout 0, and this wrapper does the waiting: a call that fails with
 * SQLITE_BUSY or SQLITE_LOCKED is made again after a short pause on a timer, until `waitMs` have passed, and then
 * fails with StoreBusyError. Making a call again is safe because each store call is one transaction (or one
 * statement): one that failed wrote nothing.
 */

export interface RetryWhenBusyOptions {
  /** How long one call may keep trying, in all. */
  waitMs: number;
  /** Runs before every attempt; what it throws fails the call (SqliteStore: its file was deleted or replaced). */
  before?: () => void;
}

/** Calls that must work whatever state the database is in. */
const PASS_THROUGH = new Set<PropertyKey>(['close', 'checkFile']);
/** Pauses between attempts: a lock held for a commit is gone in milliseconds, a long one is polled 20 times a second. */
const FIRST_PAUSE_MS = 2;
const LONGEST_PAUSE_MS = 50;

/** SQLITE_BUSY (and its extended codes): another connection holds the lock; SQLITE_LOCKED: a conflict within one. */
export function isBusy(error: unknown): boolean {
  return error instanceof Database.SqliteError && /^SQLITE_(BUSY|LOCKED)/.test(error.code);
}

/** The store with every method that returns a promise made again while the database is busy (see above). */
export function retryWhenBusy<T extends object>(store: T, options: RetryWhenBusyOptions): T {
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      // Called on the store itself: its private fields are not reachable through the proxy.
      const method = (...args: unknown[]): unknown => (value as (...a: unknown[]) => unknown).apply(target, args);
      if (PASS_THROUGH.has(property)) return method;
      return (...args: unknown[]): unknown => {
        const started = performance.now();
        try {
          options.before?.();
        } catch (error) {
          // An async method fails as one does: with a rejected promise, not an exception its caller does not expect.
          if (Object.prototype.toString.call(value) === '[object AsyncFunction]') return Promise.reject(error);
          throw error;
        }
        const result = method(...args);
        if (!(result instanceof Promise)) return result;
        return result.catch((error: unknown) => callAgain(error, started, () => method(...args) as Promise<unknown>, options));
      };
    },
  });
}

async function callAgain(error: unknown, started: number, call: () => Promise<unknown>, options: RetryWhenBusyOptions): Promise<unknown> {
  let last = error;
  for (let pause = FIRST_PAUSE_MS; ; pause = Math.min(LONGEST_PAUSE_MS, pause * 2)) {
    if (!isBusy(last)) throw last;
    const left = options.waitMs - (performance.now() - started);
    if (left <= 0) throw new StoreBusyError(options.waitMs, { cause: last });
    await sleep(Math.min(pause, left));
    try {
      options.before?.();
      return await call();
    } catch (next) {
      last = next;
    }
  }
}
