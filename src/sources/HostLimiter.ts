/**
 * Runs tasks with two bounds at once: at most `total` in flight overall and at most `perHost` per host. A task whose
 * host is busy waits without holding a slot, so one slow or hanging host never delays feeds on other hosts.
 */
export interface HostLimits {
  /** In flight overall. Default 8. */
  total?: number;
  /** In flight per host. Default 2. */
  perHost?: number;
}

interface Waiting {
  host: string;
  start: () => void;
}

export class HostLimiter {
  readonly total: number;
  readonly perHost: number;
  #running = 0;
  readonly #byHost = new Map<string, number>();
  readonly #waiting: Waiting[] = [];

  constructor(limits: HostLimits = {}) {
    this.total = Math.max(1, Math.trunc(limits.total ?? 8));
    this.perHost = Math.max(1, Math.trunc(limits.perHost ?? 2));
  }

  /** How many tasks are running now. */
  get running(): number {
    return this.#running;
  }

  run<T>(host: string, task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = (): void => {
        this.#running += 1;
        this.#byHost.set(host, (this.#byHost.get(host) ?? 0) + 1);
        Promise.resolve()
          .then(task)
          .then(resolve, reject)
          .finally(() => {
            this.#running -= 1;
            const left = (this.#byHost.get(host) ?? 1) - 1;
            if (left === 0) this.#byHost.delete(host);
            else this.#byHost.set(host, left);
            this.#next();
          });
      };
      if (this.#canStart(host)) start();
      else this.#waiting.push({ host, start });
    });
  }

  #canStart(host: string): boolean {
    return this.#running < this.total && (this.#byHost.get(host) ?? 0) < this.perHost;
  }

  /** Starts the oldest waiting tasks whose hosts have room, in order. */
  #next(): void {
    for (let i = 0; i < this.#waiting.length && this.#running < this.total; ) {
      const waiting = this.#waiting[i]!;
      if (this.#canStart(waiting.host)) {
        this.#waiting.splice(i, 1);
        waiting.start();
      } else {
        i += 1;
      }
    }
  }
}

/** The host a URL's fetches count against (lower case, without port); the whole string when it is not a URL. */
export function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return url;
  }
}
