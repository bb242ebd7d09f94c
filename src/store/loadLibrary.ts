import { setImmediate as nextTurn } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import type { Library } from '../data/library.js';
import type { Logger } from '../logger.js';
import type { Store } from './Store.js';
import { storedTranscripts } from './storedTranscripts.js';

/**
 * Reads the stored catalogue into a library while the bot already serves: pages of podcasts with their episodes'
 * summaries (no JSON parsed per episode in JavaScript), then the topic index for every podcast it does not hold yet,
 * one podcast at a time. Between pages and podcasts the event loop turns, so answers are never held for the whole
 * catalogue; `library.loading` says what is still missing until each part is done.
 */

/** How long one page of the catalogue may hold the thread: the page size follows what the last one took. */
const PAGE_TARGET_MS = 8;
const FIRST_PAGE = 16;
const MAX_PAGE = 2_000;

export interface LoadLibraryResult {
  podcasts: number;
  episodes: number;
  catalogueMs: number;
  /** Podcasts indexed here because the index did not hold them. */
  indexed: number;
  topicsMs: number;
}

export async function loadLibrary(store: Store, library: Library, log: Logger, onCatalogue?: () => void | Promise<void>): Promise<LoadLibraryResult> {
  const started = performance.now();
  library.loading.catalogue = true;
  library.loading.topics = true;
  let podcasts = 0;
  let episodes = 0;
  const stored: string[] = [];
  try {
    let after: string | undefined;
    let limit = FIRST_PAGE;
    for (;;) {
      const t0 = performance.now();
      const page = await store.loadCatalogPage(after, limit);
      if (page.length === 0) break;
      for (const entry of page) {
        stored.push(entry.podcast.id);
        // Put there meanwhile (a poll, another process's change heard): newer than this page.
        if (library.catalog.podcast(entry.podcast.id) !== undefined) continue;
        library.addSummaries(entry.podcast, entry.episodes);
        podcasts++;
        episodes += entry.episodes.length;
      }
      after = page[page.length - 1]!.podcast.id;
      const ms = performance.now() - t0;
      limit = Math.max(1, Math.min(MAX_PAGE, Math.round((limit * PAGE_TARGET_MS) / Math.max(ms, 0.5))));
      await nextTurn();
    }
  } finally {
    library.loading.catalogue = false;
  }
  const catalogueMs = performance.now() - started;
  if (podcasts > 0) log.info({ podcasts, episodes, ms: Math.round(catalogueMs) }, 'catalogue loaded from the store');
  await onCatalogue?.();

  const topicsStarted = performance.now();
  let indexed = 0;
  try {
    for (const podcastId of stored) {
      if (library.isIndexed(podcastId)) continue;
      const entry = await store.loadPodcast(podcastId);
      if (entry === undefined) continue;
      const transcripts = await storedTranscripts(store, podcastId, entry.episodes);
      // Gone meanwhile, or indexed by a poll while this read (with what is newer): nothing to do.
      if (library.isIndexed(podcastId) || library.catalog.podcast(podcastId) === undefined) continue;
      library.index(podcastId, entry.episodes, transcripts);
      indexed++;
      await nextTurn();
    }
  } finally {
    library.loading.topics = false;
  }
  const topicsMs = performance.now() - topicsStarted;
  if (indexed > 0) log.info({ podcasts: indexed, ms: Math.round(topicsMs) }, 'topic index built from the store');
  return { podcasts, episodes, catalogueMs, indexed, topicsMs };
}
