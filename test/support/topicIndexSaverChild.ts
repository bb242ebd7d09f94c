/**
 * A process that saves the topic index over and over, for a test to kill while it writes (SIGKILL: no cleanup).
 * argv: <sqlite file> <index file>. Prints "ready" once the first save is done, then saves again and again.
 */
import { Library } from '../../src/data/library.js';
import { createLogger } from '../../src/logger.js';
import { loadLibrary } from '../../src/store/loadLibrary.js';
import { openSqliteStore } from '../../src/store/SqliteStore.js';
import { storedTranscripts } from '../../src/store/storedTranscripts.js';
import { TopicIndexSaver } from '../../src/store/topicIndexFile.js';

const [file, indexFile] = process.argv.slice(2) as [string, string];
const store = openSqliteStore(`sqlite:${file}`);
if (!store.ok) throw new Error(store.error);
const log = createLogger({ level: 'silent' });
const library = new Library();
library.readDetailsFrom((podcastId, ids) => store.value.loadEpisodes(podcastId, ids));
await loadLibrary(store.value, library, log, { indexFile });
// Small writes, so a save spans many turns of the event loop and a kill lands in the middle of one.
const saver = new TopicIndexSaver({ store: store.value, library, file: indexFile, log, chunkBytes: 16 * 1024 });
const first = library.indexedPodcasts()[0]!;
for (let round = 0; ; round++) {
  // The same podcast indexed again as it is: the index changes generation (so it is saved) but not its content.
  const entry = await store.value.loadPodcast(first);
  library.index(entry!.podcast, entry!.episodes, await storedTranscripts(store.value, first, entry!.episodes));
  await saver.saveNow();
  if (round === 0) process.stdout.write('ready\n');
}
