import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Runs pieces of synchronous work (reading and writing the store, updating the library) one at a time, each on an
 * event-loop turn of its own. When many feeds of a poll cycle are parsed at once their answers arrive together; without
 * this every one of them went on to its store reads, its save and its catalogue update in the same turn, one after
 * the other, and the thread that answers people was held for hundreds of milliseconds at a million episodes although
 * no single feed took long. Here a piece starts only after the previous one ended and the loop turned (timers, I/O and
 * interactions waiting get in between).
 */
export class LoopTurns {
  #last: Promise<unknown> = Promise.resolve();

  /** `work` once every piece queued before it has ended and the loop has turned; what it resolves with. */
  run<T>(work: () => T | Promise<T>): Promise<T> {
    const run = this.#last.then(async () => {
      await nextTurn();
      return work();
    });
    this.#last = run.catch(() => {});
    return run;
  }
}
