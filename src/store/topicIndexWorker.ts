import { parentPort, threadId, workerData } from 'node:worker_threads';
import { Library } from '../data/library.js';
import { createLogger } from '../logger.js';
import { loadLibrary } from './loadLibrary.js';
import { openSqliteStore } from './SqliteStore.js';
import { TopicIndexSaver } from './topicIndexFile.js';

/**
 * What a topic-index worker thread runs (see buildTopicIndexInWorker): its own connection to the SQLite database, the
 * saved index if there is a good one, every podcast saved since indexed again (all of them when there is none), and
 * the file written again. The thread that answers people does none of this: it only loads the file when it is done.
 */
export interface TopicIndexJob {
  databaseUrl: string;
  indexFile: string;
}

const job = workerData as TopicIndexJob;
const log = createLogger({ level: 'silent' });
const opened = openSqliteStore(job.databaseUrl, { mustExist: true });
if (!opened.ok) throw new Error(opened.error);
const store = opened.value;
try {
  const library = new Library();
  const result = await loadLibrary(store, library, log, { indexFile: job.indexFile, indexOnly: true });
  const saver = new TopicIndexSaver({ store, library, file: job.indexFile, log });
  if (result.savedIndex.used && result.indexed === 0 && result.dropped === 0) saver.markSaved(library.indexGeneration);
  await saver.saveNow();
  parentPort?.postMessage({ threadId, indexed: result.indexed, usedSaved: result.savedIndex.used });
} finally {
  await store.close();
}
