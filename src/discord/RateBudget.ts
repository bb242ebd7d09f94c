import { setTimeout as sleep } from 'node:timers/promises';
import { DefaultRestOptions, type REST, type RESTOptions } from 'discord.js';

/**
 * This process's share of the bot token's global request budget. Discord allows a bot 50 requests per second over all
 * its connections together; every Podcord process sharing a token takes `floor(total / processes alive)` of a total
 * under that (DISCORD_REQUESTS_PER_SECOND, default 45), the count coming from the process registry (Heartbeat), so
 * together they stay under the limit however many run.
 *
 * Two limits work together on each REST client given to `attach`:
 * - discord.js's own global limiter, set to the share (`globalRequestsPerSecond`): requests queue there, before
 *   discord.js starts a request's timeout. It counts in windows that start at a process's first request, so two
 *   windows back to back can put twice the share into one second (four processes each doing so: 90 in a second).
 * - this one, which wraps the client's `makeRequest` (the HTTP call itself, retries included) and holds the process to
 *   its share in every second, whenever that second starts: a request waits until fewer than the share were sent in
 *   the second before it. Behind discord.js's limiter that wait is under a second.
 */
export class RateBudget {
  #perSecond: number;
  readonly #clients: REST[] = [];
  /** When the latest requests were sent (performance.now()), oldest first; at most #perSecond kept. */
  readonly #sent: number[] = [];
  /** Requests take their turn in order: one waiting does not let a later one pass it. */
  #turns: Promise<void> = Promise.resolve();

  constructor(perSecond: number) {
    this.#perSecond = Math.max(1, Math.floor(perSecond));
  }

  get perSecond(): number {
    return this.#perSecond;
  }

  /** A new share (the number of processes changed); the next request waits for it. */
  set perSecond(value: number) {
    this.#perSecond = Math.max(1, Math.floor(value));
    for (const rest of this.#clients) rest.options.globalRequestsPerSecond = this.#perSecond;
  }

  /**
   * REST options that keep a client to this budget: pass them when creating it (its `makeRequest`), then `attach` it
   * (its global limiter follows the share).
   */
  restOptions(): Pick<RESTOptions, 'makeRequest' | 'globalRequestsPerSecond'> {
    return { makeRequest: this.makeRequest, globalRequestsPerSecond: this.#perSecond };
  }

  attach(rest: REST): void {
    rest.options.globalRequestsPerSecond = this.#perSecond;
    this.#clients.push(rest);
  }

  /** Resolves when one more request fits into the share of the last second. */
  take(): Promise<void> {
    const turn = this.#turns.then(() => this.#wait());
    this.#turns = turn.catch(() => {});
    return turn;
  }

  /** discord.js's `rest.makeRequest`, held to the budget. */
  readonly makeRequest: RESTOptions['makeRequest'] = async (url, init) => {
    await this.take();
    return DefaultRestOptions.makeRequest(url, init);
  };

  async #wait(): Promise<void> {
    for (;;) {
      const now = performance.now();
      while (this.#sent.length > 0 && now - (this.#sent[0] as number) >= 1000) this.#sent.shift();
      if (this.#sent.length < this.#perSecond) {
        this.#sent.push(now);
        return;
      }
      await sleep(1000 - (now - (this.#sent[0] as number)) + 1);
    }
  }
}
