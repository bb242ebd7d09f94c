import { setImmediate as nextTurn } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { Library } from '../data/library.js';
import type { Logger } from '../logger.js';
import type { CatalogSummaryEntry, Store } from './Store.js';
import { storedTranscripts } from './storedTranscripts.js';
import type { Podcast, Result } from '../data/model.js';
import { topicIndexFileStorage, type SavedTopicIndex, type TopicIndexStorage } from './topicIndexFile.js';

/**
 * Reads the catalogue into a library while the bot already serves: from the saved topic index when there is a good one
 * (each podcast as saved, restored while the rest of the file is read and checked; only the podcasts it lacks read from
 * the store, those saved since brought up to date when they are indexed again), else pages of podcasts with their
 * episodes' summaries from the store (no JSON parsed per episode in JavaScript); then the topic index: the saved one,
 * with every podcast it does not hold at the store's version indexed again, one podcast at a time. Between pages,
 * slices and podcasts the event loop turns, so answers are never held for the whole catalogue; `library.loading` says
 * what is still missing until each part is done (a loaded index answers while the podcasts saved since are indexed).
 */

/** How long one page of the catalogue may hold the thread: the page size follows what the last one took. */
const PAGE_TARGET_MS = 8;
const FIRST_PAGE = 16;
const MAX_PAGE = 2_000;

export interface LoadLibraryOptions {
  /** The saved topic index to start from (topicIndexFile.ts); without one every podcast is indexed from the store. */
  indexFile?: string;
  /** The same wherever it is kept (a file, PostgreSQL: TopicIndexStorage); instead of `indexFile`. */
  savedIndex?: TopicIndexStorage;
  /**
   * A process that never builds the whole index itself (PostgreSQL's `interactions` and `gateway`): while there is no
   * good saved index, this is awaited (it resolves when a newer one may be there) and the saved index read again;
   * meanwhile `library.loading.topics` stays true, so /topic says it is still loading. Only podcasts saved since the
   * index was are indexed here.
   */
  waitForSaved?: (signal?: AbortSignal) => Promise<unknown>;
  /** Stops between pages and podcasts (the services are closing). */
  signal?: AbortSignal;
  /**
   * Builds or brings the saved index up to date off this thread (a worker, see topicIndexFile.ts), then it is loaded
   * from the file: this thread indexes nothing itself unless that fails.
   */
  buildElsewhere?: () => Promise<void>;
  /** Only the topic index (a worker building the file): the catalogue is not read, the podcasts come from the versions. */
  indexOnly?: boolean;
  /** The clock commands answer by (a loaded index's recency factors are computed for its day before it answers). */
  now?: () => Date;
  /** Runs once the catalogue is in, before commands that need it are answered (the guilds' follows are read then). */
  withCatalogue?: () => Promise<void>;
}

export interface LoadLibraryResult {
  podcasts: number;
  episodes: number;
  catalogueMs: number;
  /** Where the catalogue came from: the saved index (and the store for what was saved since), or the store's pages. */
  catalogueFrom: 'saved index' | 'store';
  /** Podcasts indexed here because the saved index did not hold them (or held an older version). */
  indexed: number;
  /** Podcasts the saved index held that the store no longer has (dropped). */
  dropped: number;
  /** Whether the saved index was used; why not when it was not. */
  savedIndex: { used: true } | { used: false; reason: string };
  topicsMs: number;
}

export async function loadLibrary(store: Store, library: Library, log: Logger, options: LoadLibraryOptions = {}): Promise<LoadLibraryResult> {
  const { signal } = options;
  const started = performance.now();
  library.loading.catalogue = true;
  library.loading.topics = true;
  const storage = options.savedIndex ?? (options.indexFile !== undefined ? topicIndexFileStorage(options.indexFile) : undefined);
  // The saved index is read first (a file from the disk in chunks, each checksummed as it comes, off this thread; a
  // generation from PostgreSQL): the catalogue comes from it when it is good (restoreCatalogue), else from the store's
  // pages; the index in it is loaded once the catalogue is in, as /topic answers from both (a hit names its episode
  // from the catalogue). A failure is a value.
  let prefetched: Promise<() => Result<SavedTopicIndex>> | undefined;
  // The saved catalogue's bytes before the rest of the file is read (a file: read first), unchecked: restored while the
  // rest is read, hidden (library.loading.catalogue) until the whole is checked, and dropped when it is not good.
  // Undefined once the read is over without them (PostgreSQL, an error).
  let unchecked: Promise<SavedTopicIndex | undefined> | undefined;
  if (storage !== undefined && library.semantic === undefined) {
    let early: (saved: SavedTopicIndex) => void = () => {};
    const arrived = new Promise<SavedTopicIndex>((resolve) => (early = resolve));
    const reading = storage.read(early);
    prefetched = reading.then((saved) => () => saved);
    // Handled where it is awaited; a catalogue that fails first leaves it unawaited.
    prefetched.catch(() => {});
    unchecked = Promise.race([arrived, reading.then(() => undefined, () => undefined)]);
  }
  let podcasts = 0;
  let episodes = 0;
  const stored: string[] = [];
  const versions = new Map<string, number>();
  // The saved index read for its catalogue, loaded as the topic index below (not read twice).
  let firstRead: Result<SavedTopicIndex> | undefined;
  let catalogueFrom: LoadLibraryResult['catalogueFrom'] = 'store';
  // Restored as the saved index held them, older than the store's: brought up to date as they are indexed again.
  let behind: ReadonlySet<string> = new Set();
  try {
    if (prefetched !== undefined) {
      // The catalogue as the saved index holds it (the podcasts it indexed, at the versions it names), then only what
      // the store saved since read from the store: no page of the whole catalogue.
      const read = prefetched;
      prefetched = undefined;
      const early = await unchecked;
      let failed = false;
      const restoring = early === undefined ? undefined : restoreCatalogue(store, library, log, early, options, () => failed);
      // Awaited below once the read is over; a store that fails meanwhile is not an unhandled rejection until then.
      restoring?.catch(() => {});
      firstRead = await (await read)();
      let restored: Restored | undefined;
      if (restoring === undefined) {
        if (firstRead.ok) restored = await restoreCatalogue(store, library, log, firstRead.value, options);
      } else if (firstRead.ok) {
        restored = await restoring;
      } else {
        // Restored from bytes that then failed the file's check: none of it is kept (none of it answered: loading).
        failed = true;
        const undone = await restoring;
        if (undone !== undefined) dropRestored(library, undone);
      }
      if (restored !== undefined) {
        catalogueFrom = 'saved index';
        ({ podcasts, episodes, behind } = restored);
        for (const [id, version] of restored.versions) {
          stored.push(id);
          versions.set(id, version);
        }
      }
    }
    let after: string | undefined;
    let limit = FIRST_PAGE;
    if (options.indexOnly === true && catalogueFrom === 'store') {
      for (const [id, version] of await store.catalogVersions()) {
        stored.push(id);
        versions.set(id, version);
      }
    }
    while (options.indexOnly !== true && catalogueFrom === 'store') {
      const t0 = performance.now();
      const page = await store.loadCatalogPage(after, limit);
      if (page.length === 0) break;
      if (signal?.aborted) break;
      for (const entry of page) {
        stored.push(entry.podcast.id);
        versions.set(entry.podcast.id, entry.version);
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
    await options.withCatalogue?.();
  } finally {
    library.loading.catalogue = false;
  }
  const catalogueMs = performance.now() - started;
  stored.sort();
  if (podcasts > 0) {
    log.info(
      { podcasts, episodes, ms: Math.round(catalogueMs) },
      catalogueFrom === 'saved index' ? 'catalogue loaded from the saved topic index (podcasts not in it from the store; those saved since are brought up to date as they are indexed again)' : 'catalogue loaded from the store',
    );
  }

  const topicsStarted = performance.now();
  let indexed = 0;
  let dropped = 0;
  let savedIndex: LoadLibraryResult['savedIndex'] = { used: false, reason: 'none is kept for this database' };
  try {
    // The saved index where there is a good one: what it holds of a podcast saved since (another version) is indexed
    // again below, and what it holds of a podcast the store no longer has is dropped; a bad one is not trusted at all.
    let savedVersions: ReadonlyMap<string, number> = new Map();
    if (storage !== undefined && library.semantic === undefined) {
      const useSaved = async (): Promise<string | undefined> => {
        const read = prefetched;
        prefetched = undefined;
        const first = firstRead;
        firstRead = undefined;
        const saved = first ?? (read === undefined ? await storage.read() : (await read)());
        const now = (options.now?.() ?? new Date()).getTime();
        const loaded = saved.ok ? await library.loadIndexInSlices(saved.value.body, saved.value.tables, { now }) : saved;
        if (!saved.ok || !loaded.ok) return loaded.ok ? 'unreadable' : loaded.error;
        savedVersions = saved.value.versions;
        const generation = saved.value.generation;
        log.info(
          { ...loaded.value, from: storage.where, ...(generation !== undefined && { generation }), ms: Math.round(performance.now() - topicsStarted) },
          storage.where === 'PostgreSQL' ? 'topic index loaded from PostgreSQL' : 'topic index loaded from its file',
        );
        return undefined;
      };
      let reason = await useSaved();
      if (reason !== undefined && options.buildElsewhere !== undefined) {
        // None, or not to be trusted: built off this thread, then loaded; a failure there leaves the work to this one.
        log.info({ reason }, 'the saved topic index is not used: a worker thread builds it from the store');
        try {
          await options.buildElsewhere();
        } catch (error) {
          log.warn({ err: error }, 'the topic index could not be built in a worker; it is built here, in slices');
        }
        reason = await useSaved();
      }
      const stopped = (): boolean => signal?.aborted === true;
      while (reason !== undefined && options.waitForSaved !== undefined && !stopped()) {
        // Not built here: what the workers save is loaded as soon as it is there (a corrupt one is not trusted).
        log[reason === 'there is none yet' ? 'info' : 'warn'](
          { reason },
          'the saved topic index is not used: waiting for a worker to save one (/topic says it is still loading)',
        );
        await options.waitForSaved(signal);
        if (stopped()) break;
        reason = await useSaved();
      }
      if (reason === undefined) {
        savedIndex = { used: true };
        for (const id of library.indexedPodcasts()) {
          if (versions.has(id) || library.isPinned(id)) continue;
          library.unindex(id);
          dropped++;
        }
        // A loaded index is a consistent earlier state: /topic answers from it while the podcasts saved since are
        // indexed again below (each episode as it was or as it is now, as during a poll).
        library.loading.topics = false;
        // What the load left for later, which indexing again reads (its map of episodes by id), in slices.
        let sliceStart = performance.now();
        for (const _ of library.search.rememberLoadedSteps()) {
          if (performance.now() - sliceStart < RESTORE_SLICE_MS) continue;
          await nextTurn();
          sliceStart = performance.now();
        }
        // And what restoring the catalogue left (before the catch-up: the first autocomplete reads every title).
        if (catalogueFrom === 'saved index') await readRestored(store, library, log, signal);
      } else if (options.waitForSaved !== undefined) {
        // Stopped while waiting: nothing is indexed here.
        return { podcasts, episodes, catalogueMs, catalogueFrom, indexed, dropped, topicsMs: performance.now() - topicsStarted, savedIndex: { used: false, reason } };
      } else {
        savedIndex = { used: false, reason };
        log[reason === 'there is none yet' ? 'info' : 'warn']({ reason }, 'the saved topic index is not used: it is built again from the store, in the background');
      }
    }
    // Podcasts in memory only (the bundled samples): a loaded index took them in as it was swapped in.
    if (!savedIndex.used) await library.indexPinned();
    for (const podcastId of stored) {
      if (signal?.aborted) break;
      // Saved as the store holds it. (Building only the index, one the saved catalogue lacked is read whole here too,
      // so the catalogue saved beside the index is whole again.)
      const current = library.isIndexed(podcastId) && savedVersions.get(podcastId) === versions.get(podcastId);
      if (current && !behind.has(podcastId) && (options.indexOnly !== true || library.catalog.podcast(podcastId) !== undefined)) continue;
      const before = library.catalog.podcast(podcastId);
      const entry = await store.loadPodcast(podcastId);
      if (entry === undefined) continue;
      const transcripts = await storedTranscripts(store, podcastId, entry.episodes);
      // Gone meanwhile, or replaced by a poll or another process's change (indexed with what is newer): left alone.
      if (options.indexOnly !== true && (before === undefined || library.catalog.podcast(podcastId) !== before)) continue;
      // Only the index is built here (a worker saving it): the catalogue it saves beside it is what was indexed. Or
      // restored as saved, older than the store's: the catalogue takes it as the store holds it now (as a poll does,
      // the catalogue at once, the index in slices).
      if (options.indexOnly === true || behind.has(podcastId)) library.addSummaries(entry.podcast, entry.episodes);
      await library.indexInSlices(entry.podcast, entry.episodes, transcripts);
      indexed++;
      await nextTurn();
    }
  } finally {
    library.loading.topics = false;
  }
  const topicsMs = performance.now() - topicsStarted;
  if (indexed > 0) {
    // Loaded and brought up to date (only podcasts saved since), or built whole: which one the log says plainly.
    log.info(
      { podcasts: indexed, ms: Math.round(topicsMs) },
      savedIndex.used ? 'topic index caught up with the store (podcasts saved since it was)' : 'topic index built from the store',
    );
  }
  // Whatever is left of it when the saved index was not used (then the catalogue restored is read now).
  if (catalogueFrom === 'saved index') await readRestored(store, library, log, signal);
  return { podcasts, episodes, catalogueMs, catalogueFrom, indexed, dropped, topicsMs, savedIndex };
}

/**
 * What restoring the saved catalogue left for later (Catalog.readSavedSteps: each podcast's strings read and its keys
 * put into the lookup by key), done in slices once commands are answered and the index is in, so the start does not
 * wait for it (nor, after these few seconds, the first autocomplete, which reads every title). A podcast whose saved
 * strings do not hold together is read from the store instead.
 */
async function readRestored(store: Store, library: Library, log: Logger, signal: AbortSignal | undefined): Promise<void> {
  const started = performance.now();
  let sliceStart = started;
  let reread = 0;
  let read = 0;
  for (const unreadable of library.catalog.readSavedSteps()) {
    read++;
    if (signal?.aborted) return;
    if (unreadable !== undefined) {
      log.warn({ podcast: unreadable }, 'a podcast of the saved catalogue cannot be read: it is read from the store');
      const [entry] = await store.loadCatalogSummaries([unreadable]);
      if (entry !== undefined && library.catalog.podcast(unreadable) === undefined) library.addSummaries(entry.podcast, entry.episodes);
      reread++;
    }
    if (performance.now() - sliceStart >= RESTORE_SLICE_MS) {
      await nextTurn();
      sliceStart = performance.now();
    }
  }
  if (read > 0) log.info({ podcasts: read, ms: Math.round(performance.now() - started), ...(reread > 0 && { reread }) }, 'the restored catalogue read whole (the strings and keys of its episodes)');
}

/** How long restoring the saved catalogue may hold the thread before the event loop turns. */
const RESTORE_SLICE_MS = 8;
/** Podcasts saved since the index was, read from the store this many at a time. */
const SUMMARIES_PER_READ = 64;

interface Restored {
  podcasts: number;
  episodes: number;
  versions: Map<string, number>;
  /** Podcasts restored at an earlier version than the store's: to be brought up to date from the store. */
  behind: Set<string>;
  /** What it put into the catalogue, as it put it (a podcast replaced since is not its to take out again). */
  added: Map<string, Podcast>;
}

/** Takes out of the catalogue what restoreCatalogue put there (and nothing put there since). */
function dropRestored(library: Library, restored: Pick<Restored, 'added'>): void {
  for (const [id, podcast] of restored.added) if (library.catalog.podcast(id) === podcast) library.catalog.remove(id);
}

/**
 * The catalogue from a saved index (`saved`; checked, or to be dropped with dropRestored when the check that is still
 * running fails): each podcast it holds at the version the store holds now is
 * restored from it, in slices (the event loop turns every few milliseconds); the store's other podcasts (saved since,
 * or not in it) are read from the store, unless only the index is built (`indexOnly`: they are read whole when indexed
 * again). Undefined, with nothing left in the catalogue from it, when the saved catalogue cannot be read: the caller
 * reads the store's pages as without one.
 */
async function restoreCatalogue(
  store: Store,
  library: Library,
  log: Logger,
  saved: SavedTopicIndex,
  options: LoadLibraryOptions,
  /** True once what is restored will not be kept (the file failed its check): it stops at its next slice. */
  dropped: () => boolean = () => false,
): Promise<Restored | undefined> {
  const catalogue = Library.savedCatalogue(saved.body);
  if (!catalogue.ok) {
    log.info({ reason: catalogue.error }, 'the saved topic index holds no catalogue this build reads: the catalogue is read from the store');
    return undefined;
  }
  const versions = await store.catalogVersions();
  const { podcastIds } = catalogue.value;
  const savedAt = new Map<string, number>();
  const behind = new Set<string>();
  podcastIds.forEach((id, p) => {
    const version = versions.get(id);
    // One gone from the store is dropped. One saved since is restored as saved, an earlier state of it, and brought
    // up to date from the store when it is indexed again (loadLibrary), after the catalogue is in: reading 500 changed
    // podcasts' summaries first held the whole start 0.4-1.2 s at a million episodes. (Building only the index, it is
    // read whole there.)
    if (version === undefined) return;
    if (version === saved.versions.get(id)) savedAt.set(id, p);
    else if (options.indexOnly !== true) {
      savedAt.set(id, p);
      behind.add(id);
    }
  });
  // In the order of their ids, as the store's pages put them (ties in lists and choices fall as they would): those
  // saved since are read from the store as they come, a few dozen at a time (only those are held meanwhile).
  const ids = [...versions.keys()].sort();
  const missing = options.indexOnly === true ? [] : ids.filter((id) => !savedAt.has(id));
  let nextMissing = 0;
  const read = new Map<string, CatalogSummaryEntry>();
  const added = new Map<string, Podcast>();
  let podcasts = 0;
  let episodes = 0;
  let sliceStart = performance.now();
  for (const id of ids) {
    if (options.signal?.aborted || dropped()) break;
    const p = savedAt.get(id);
    if (p === undefined && missing[nextMissing] === id) {
      const chunk = missing.slice(nextMissing, (nextMissing += SUMMARIES_PER_READ));
      for (const entry of await store.loadCatalogSummaries(chunk)) read.set(entry.podcast.id, entry);
      sliceStart = performance.now();
    }
    const fromStore = read.get(id);
    read.delete(id);
    if (fromStore !== undefined) versions.set(id, fromStore.version);
    // Deleted since the versions were read (not stored any more), or left to be read whole (indexOnly).
    else if (p === undefined) {
      if (options.indexOnly !== true) versions.delete(id);
      continue;
    }
    // Put there meanwhile (a poll, another process's change heard): newer than what is here.
    if (library.catalog.podcast(id) !== undefined) continue;
    if (fromStore !== undefined) {
      library.addSummaries(fromStore.podcast, fromStore.episodes);
      added.set(id, fromStore.podcast);
      episodes += fromStore.episodes.length;
    } else {
      try {
        library.restoreSaved(catalogue.value, p!);
      } catch (error) {
        // A podcast's bytes do not hold together: nothing restored from them is trusted.
        dropRestored(library, { added });
        log.warn({ err: error }, 'the saved catalogue cannot be read: the catalogue is read from the store');
        return undefined;
      }
      added.set(id, library.catalog.podcast(id)!);
      episodes += library.catalog.episodeCount(id);
    }
    podcasts++;
    if (performance.now() - sliceStart >= RESTORE_SLICE_MS) {
      await nextTurn();
      sliceStart = performance.now();
    }
  }
  return { podcasts, episodes, versions, behind, added };
}
