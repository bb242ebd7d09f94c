import { parentPort, threadId, workerData } from 'node:worker_threads';
import { Library } from '../data/library.js';
import { createLogger } from '../logger.js';
import { loadLibrary } from './loadLibrary.js';
import { openPostgresStore, type PostgresStore } from './PostgresStore.js';
import { openSqliteStore } from './SqliteStore.js';
import type { Store } from './Store.js';
import { TopicIndexSaver, topicIndexFileStorage, type TopicIndexStorage } from './topicIndexFile.js';

/**
 * What a topic-index worker thread runs (see buildTopicIndexInWorker): its own connection to the database, the saved
 * index if there is a good one, every podcast saved since indexed again (all of them when there is none), and the
 * index saved again (the file beside a SQLite database, or a new generation in PostgreSQL). The thread that answers
 * people does none of this: it only loads the saved index when it is done.
 */
export interface TopicIndexJob {
  databaseUrl: string;
  /** The file beside a SQLite database; absent for PostgreSQL (kept in the database). */
  indexFile?: string;
}

const job = workerData as TopicIndexJob;
const log = createLogger({ level: 'silent' });
let store: Store;
let storage: TopicIndexStorage;
if (job.indexFile !== undefined) {
  const opened = openSqliteStore(job.databaseUrl, { mustExist: true });
  if (!opened.ok) throw new Error(opened.error);
  store = opened.value;
  storage = topicIndexFileStorage(job.indexFile);
} else {
  // Two connections: one reads the store, the other the saved index (a snapshot held while the body is read).
  const opened = await openPostgresStore(job.databaseUrl, { maxConnections: 2, mustExist: true });
  if (!opened.ok) throw new Error(opened.error);
  store = opened.value;
  storage = (opened.value as PostgresStore).topicIndex();
}
try {
  const library = new Library();
  const result = await loadLibrary(store, library, log, { savedIndex: storage, indexOnly: true });
  const saver = new TopicIndexSaver({ store, library, storage, log });
  if (result.savedIndex.used && result.indexed === 0 && result.dropped === 0) saver.markSaved(library.indexGeneration);
  await saver.saveNow();
  parentPort?.postMessage({ threadId, indexed: result.indexed, usedSaved: result.savedIndex.used });
} finally {
  await store.close();
}
