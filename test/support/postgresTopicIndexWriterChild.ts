/**
 * A process that saves the topic index into PostgreSQL over and over, for a test to kill while it writes (SIGKILL:
 * its connection drops mid-transaction). argv: <postgres url>. Prints "ready" once the first generation is written,
 * then writes new generations again and again, in small chunks so that each one spans many round trips.
 */
import { Library } from '../../src/data/library.js';
import { createLogger } from '../../src/logger.js';
import { loadLibrary } from '../../src/store/loadLibrary.js';
import { openPostgresStore } from '../../src/store/PostgresStore.js';
import { TopicIndexSaver } from '../../src/store/topicIndexFile.js';

const [url] = process.argv.slice(2) as [string];
const opened = await openPostgresStore(url, { maxConnections: 2 });
if (!opened.ok) throw new Error(opened.error);
const store = opened.value;
const log = createLogger({ level: 'silent' });
const storage = store.topicIndex({ chunkBytes: 4 * 1024 });
const library = new Library();
await loadLibrary(store, library, log, { savedIndex: storage });
const saver = new TopicIndexSaver({ store, library, storage, log });
const first = library.indexedPodcasts()[0]!;
const entry = (await store.loadPodcast(first))!;
for (let round = 0; ; round++) {
  // The same podcast indexed again as it is: the index changes generation (so it is saved) but not its content.
  library.index(entry.podcast, entry.episodes);
  await saver.saveNow();
  if (round === 0) process.stdout.write('ready\n');
}
