import type { Library } from '../data/library.js';
import type { Logger } from '../logger.js';
import type { ChangeSubscription, StoreChange } from '../store/ChangeFeed.js';
import type { Store } from '../store/Store.js';
import { storedTranscripts } from '../store/storedTranscripts.js';
import type { GuildFollows } from './GuildFollows.js';

/** What the changes are applied to, once it is loaded. */
export interface SyncTargets {
  library: Library;
  follows: GuildFollows;
  /** Podcasts the process has without the store (the bundled samples): a change naming one never removes it. */
  shared: ReadonlySet<string>;
}

/** Reloads at once: a reconnect may report many changes, and each reload takes a pooled connection. */
const CONCURRENCY = 4;
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 30_000;

/**
 * Keeps this process's catalogue (the Library, with its search index) and follows (GuildFollows) in step with a
 * store other processes write too: each change the store reports names a podcast or a guild, and only that one is
 * read again; the catalogue is never reloaded whole. Reloading is idempotent (an unchanged episode is not indexed
 * again), so this process's own changes, heard like any other, cost one read.
 *
 * A key (a podcast, a guild) is reloaded by one task at a time, and a change heard while its reload runs makes it run
 * again afterwards, so the last read always starts after the last change committed. A reload that fails is tried
 * again after 1 s, doubling up to 30 s.
 */
export class StoreSync {
  readonly #store: Store;
  readonly #log: Logger;
  #subscription: ChangeSubscription | undefined;
  #targets: SyncTargets | undefined;
  /** Keys heard and not yet applied, in the order first heard: 'p' + podcast id, 'f' + guild id, 'r' + rename. */
  readonly #waiting = new Set<string>();
  readonly #running = new Map<string, Promise<void>>();
  readonly #failures = new Map<string, number>();
  readonly #retries = new Set<NodeJS.Timeout>();
  #closed = false;

  private constructor(store: Store, log: Logger) {
    this.#store = store;
    this.#log = log;
  }

  /**
   * Starts listening to the store's changes, before the caller loads what they change so nothing committed meanwhile
   * is missed; they are held until `start`. Undefined when the store reports no changes (SQLite: one process).
   */
  static async listen(store: Store, log: Logger): Promise<StoreSync | undefined> {
    if (store.subscribe === undefined) return undefined;
    const sync = new StoreSync(store, log);
    sync.#subscription = await store.subscribe((change) => sync.#heard(change), {
      onError: (error) => log.warn({ err: error }, 'store change feed: listening failed; connecting again'),
      onResync: (changed) => log.info(changed, 'store change feed: listening again; reloading what changed meanwhile'),
    });
    log.info('store change feed: listening for changes other processes make');
    return sync;
  }

  /** Applies the changes heard so far, and from now on each as it comes. */
  start(targets: SyncTargets): void {
    this.#targets = targets;
    this.#pump();
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#retries) clearTimeout(timer);
    this.#retries.clear();
    await this.#subscription?.close();
    await Promise.allSettled(this.#running.values());
  }

  #heard(change: StoreChange): void {
    if (this.#closed) return;
    const key =
      change.kind === 'podcast'
        ? `p${change.podcastId}`
        : change.kind === 'follows'
          ? `f${change.guildId}`
          : `r${JSON.stringify([change.from, change.to])}`;
    this.#waiting.add(key);
    this.#pump();
  }

  #pump(): void {
    const targets = this.#targets;
    if (targets === undefined || this.#closed) return;
    for (const key of this.#waiting) {
      if (this.#running.size >= CONCURRENCY) return;
      if (this.#running.has(key)) continue;
      this.#waiting.delete(key);
      const run = this.#apply(key, targets)
        .then(
          () => void this.#failures.delete(key),
          (error: unknown) => this.#failed(key, error),
        )
        .finally(() => {
          this.#running.delete(key);
          this.#pump();
        });
      this.#running.set(key, run);
    }
  }

  async #apply(key: string, { library, follows, shared }: SyncTargets): Promise<void> {
    const id = key.slice(1);
    switch (key[0]) {
      case 'p': {
        const entry = await this.#store.loadPodcast(id);
        if (entry === undefined) {
          if (!shared.has(id) && library.catalog.podcast(id) !== undefined) {
            library.remove(id);
            this.#log.debug({ podcast: id }, 'podcast removed: deleted in the store');
          }
          return;
        }
        // Transcripts only for the episodes about to be indexed: the others keep the one they were indexed with.
        const stale = new Set(library.needsIndexing(entry.podcast, entry.episodes));
        const transcripts = await storedTranscripts(this.#store, id, entry.episodes.filter((e) => stale.has(e.id)));
        await library.upsertInSlices(entry.podcast, entry.episodes, transcripts);
        this.#log.debug({ podcast: id, reindexed: stale.size }, 'podcast reloaded: changed in the store');
        return;
      }
      case 'f':
        await follows.reloadGuild(id);
        this.#log.debug({ guildId: id }, 'follows reloaded: changed in the store');
        return;
      default: {
        const [from, to] = JSON.parse(id) as [string, string];
        follows.renamed(from, to);
        // A guild's reload that read the follows before the rename must not put the old URL back: read again after.
        for (const running of this.#running.keys()) if (running.startsWith('f')) this.#waiting.add(running);
        this.#log.debug({ from, to }, 'follows moved: a feed was renamed in the store');
      }
    }
  }

  #failed(key: string, error: unknown): void {
    if (this.#closed) return;
    const failures = (this.#failures.get(key) ?? 0) + 1;
    this.#failures.set(key, failures);
    const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (failures - 1));
    this.#log.warn({ err: error, change: key, failures, retryInMs: delay }, 'store change feed: could not apply a change; trying again');
    const timer = setTimeout(() => {
      this.#retries.delete(timer);
      this.#waiting.add(key);
      this.#pump();
    }, delay);
    timer.unref();
    this.#retries.add(timer);
  }
}
