import type { Library } from '../data/library.js';
import type { Logger } from '../logger.js';
import type { LoadLibraryOptions } from './loadLibrary.js';
import { PostgresStore } from './PostgresStore.js';
import type { PostgresTopicIndex } from './PostgresTopicIndex.js';
import type { Store } from './Store.js';
import { buildTopicIndexInWorker, TopicIndexSaver, topicIndexFileStorage, topicIndexPath } from './topicIndexFile.js';

/** Where a process's topic index is saved and loaded from, and who builds it (README, "A big library"). */
export interface TopicIndexPlan {
  /** Saves the index as it changes; undefined where none is kept or this process only loads it. */
  saver: TopicIndexSaver | undefined;
  /** For loadLibrary: the saved index, and how it is built or awaited when there is no good one. */
  load: Pick<LoadLibraryOptions, 'savedIndex' | 'buildElsewhere' | 'waitForSaved'>;
  /** Resolves once a process that only loads the index starts waiting for one to be saved (never, otherwise). */
  awaitingSaved: Promise<undefined>;
}

export interface TopicIndexPlanOptions {
  databaseUrl: string;
  store: Store;
  /** The store was opened for this process from `databaseUrl` (a worker thread can open it too). */
  ownsStore: boolean;
  library: Library;
  log: Logger;
  /** A file to keep it in instead of the default (`<database>.topics` beside SQLite, in PostgreSQL); false: nowhere. */
  file: string | false | undefined;
  /** PostgreSQL: this process keeps the saved index up to date (the processes that poll), or only loads it. */
  builds: boolean;
  /** PostgreSQL: who holds the builder's lease, and for how long. */
  builder: { owner: string; ms: number };
  /** Stops building and waiting (the process stopping). */
  signal: AbortSignal;
}

/**
 * SQLite: a file beside the database, saved from this process's library as it changes (written a piece at a time,
 * nothing of the index copied), and built on a worker thread from the file when there is no good one and this process
 * opened the database (a store passed in, as tests do, is built on this thread). PostgreSQL: in the database, built and saved on a worker
 * thread of a process that polls, one at a time (the builder's lease); a process that only answers loads it and
 * indexes only the podcasts saved since. With semantic search nothing is saved (its vectors come from the passages).
 */
export function planTopicIndex(o: TopicIndexPlanOptions): TopicIndexPlan {
  const { databaseUrl, store, library, log, builder, signal } = o;
  let startedWaiting: () => void = () => {};
  const awaitingSaved = new Promise<undefined>((resolve) => (startedWaiting = () => resolve(undefined)));
  const inDatabase =
    store instanceof PostgresStore && o.ownsStore && o.file !== false && library.semantic === undefined ? store.topicIndex() : undefined;
  if (inDatabase !== undefined) {
    if (!o.builds) {
      const waitForSaved = async (waiting?: AbortSignal): Promise<void> => {
        startedWaiting();
        await inDatabase.waitForNewer(waiting);
      };
      return { saver: undefined, load: { savedIndex: inDatabase, waitForSaved }, awaitingSaved };
    }
    const saver = new TopicIndexSaver({
      store,
      library,
      storage: inDatabase,
      log,
      inWorker: { databaseUrl },
      exclusive: (work) => inDatabase.whileLeased(builder, work),
    });
    return { saver, load: { savedIndex: inDatabase, buildElsewhere: () => buildInDatabase(inDatabase, databaseUrl, builder, signal) }, awaitingSaved };
  }
  const file = o.file === false ? undefined : (o.file ?? topicIndexPath(databaseUrl));
  if (file === undefined) return { saver: undefined, load: {}, awaitingSaved };
  const inWorker = o.ownsStore && topicIndexPath(databaseUrl) === file && library.semantic === undefined;
  // Saved from this library, a piece at a time (Library.saveIndexStream): no second index loaded beside it.
  const saver = new TopicIndexSaver({ store, library, file, log });
  const buildElsewhere = async (): Promise<void> => void (await buildTopicIndexInWorker(databaseUrl, file, signal));
  return { saver, load: { savedIndex: topicIndexFileStorage(file), ...(inWorker && { buildElsewhere }) }, awaitingSaved };
}

/**
 * PostgreSQL: built here on a worker thread, or, while another process builds it, its generation awaited (and the
 * lease tried again after a lease's time, in case that process died first).
 */
async function buildInDatabase(index: PostgresTopicIndex, databaseUrl: string, builder: { owner: string; ms: number }, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    const built = await index.whileLeased(builder, () => buildTopicIndexInWorker(databaseUrl, undefined, signal));
    if (built !== undefined) return;
    if (await index.waitForNewer(AbortSignal.any([signal, AbortSignal.timeout(builder.ms)]))) return;
  }
}
