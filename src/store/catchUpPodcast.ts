import type { Library } from '../data/library.js';
import type { Store } from './Store.js';
import { storedTranscripts } from './storedTranscripts.js';

/**
 * Brings one podcast of this process's library up to what the store holds, when another process sharing the store
 * saved it since (a worker polled the feed): only when the stored episode ids differ from the library's, so a library
 * that is current costs one query. Returns whether the library has the podcast afterwards.
 */
export async function catchUpPodcast(store: Store, library: Library, podcastId: string): Promise<boolean> {
  const stored = await store.getEpisodeIds(podcastId);
  const known = new Set(library.catalog.episodeIds(podcastId));
  const current = library.catalog.podcast(podcastId) !== undefined && known.size === new Set(stored).size && stored.every((id) => known.has(id));
  if (current) return true;
  const entry = await store.loadPodcast(podcastId);
  if (entry === undefined) return library.catalog.podcast(podcastId) !== undefined;
  await library.upsertInSlices(entry.podcast, entry.episodes, await storedTranscripts(store, podcastId, entry.episodes));
  return true;
}
