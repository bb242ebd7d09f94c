import { Library } from '../src/data/library.js';
import { createLogger } from '../src/logger.js';
import { WorkerCompactor } from '../src/search-runtime/WorkerCompactor.js';
import { loadLibrary } from '../src/store/loadLibrary.js';
import { openSqliteStore } from '../src/store/SqliteStore.js';
import type { Store } from '../src/store/Store.js';
import { storedTranscripts } from '../src/store/storedTranscripts.js';

export interface ChangedLibrary {
  store: Store;
  library: Library;
  compactor: WorkerCompactor;
  /** How many podcasts were changed. */
  changed: number;
}

/**
 * The library bench's database opened as the bot opens it, its saved index loaded, and N podcasts changed as a poll
 * changes them: a new word in an episode's notes (saved to the store too when `saveToStore`), then indexed in slices.
 * What the saver benches start from; give it a copy of the database.
 */
export async function loadChangedLibrary(file: string, changes: number, saveToStore: boolean): Promise<ChangedLibrary> {
  const log = createLogger({ level: 'warn' });
  const opened = openSqliteStore(`sqlite:${file}`);
  if (!opened.ok) throw new Error(opened.error);
  const store = opened.value;
  const compactor = new WorkerCompactor();
  const library = new Library({ index: { compactor } });
  library.readDetailsFrom((podcastId, ids) => store.loadEpisodes(podcastId, ids));
  const loaded = await loadLibrary(store, library, log, { indexFile: `${file}.topics` });
  if (!loaded.savedIndex.used) throw new Error(`the saved index was not used: ${loaded.savedIndex.reason}`);
  const tag = `savebench${Date.now().toString(36)}`;
  const ids = [...(await store.catalogVersions()).keys()].sort();
  const step = Math.max(1, Math.floor(ids.length / Math.max(1, changes)));
  let changed = 0;
  for (let i = 0; i < ids.length && changed < changes; i += step) {
    const entry = await store.loadPodcast(ids[i]!);
    if (entry === undefined || entry.episodes.length === 0) continue;
    const episodes = entry.episodes.map((e, n) => (n === 0 ? { ...e, description: `${e.description ?? ''} ${tag}` } : e));
    if (saveToStore) await store.savePodcast(entry.podcast, episodes);
    await library.upsertInSlices(entry.podcast, episodes, await storedTranscripts(store, entry.podcast.id, episodes));
    changed++;
  }
  return { store, library, compactor, changed };
}
