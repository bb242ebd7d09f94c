import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVERY_PODCAST } from '../../src/data/catalog.js';
import { createLogger } from '../../src/logger.js';
import { loadLibrary } from '../../src/store/loadLibrary.js';
import { planTopicIndex } from '../../src/store/planTopicIndex.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/SqliteStore.js';
import { storedTranscripts } from '../../src/store/storedTranscripts.js';
import { readTopicIndex, TopicIndexSaver, topicIndexFileStorage, type TopicIndexStorage } from '../../src/store/topicIndexFile.js';
import type { Library } from '../../src/data/library.js';
import { tempDir } from '../integration/support.js';
import { fillTopicStore, libraryReading, rebuiltLibrary, topicAnswers } from '../support/topicLibrary.js';

/**
 * Saving the topic index without a second one (issue 16's memory goal holds while it saves): the bot's saver writes
 * the file from its own library, a snapshot taken at the save's start and written a piece at a time (no worker
 * loading the saved index and the catalogue again beside it, no compaction, no whole-body buffer). What it writes is
 * serializeIndex's image of that moment byte for byte, a start loads it and answers exactly as a rebuilt index, and a
 * podcast the store holds newer than the library (saved, not yet taken in) is not vouched for.
 */
const log = createLogger({ level: 'silent' });
const NOW = Date.parse('2025-06-01T00:00:00Z');
const dir = tempDir();
const dbFile = path.join(dir.dir, 'podcord.db');
const indexFile = `${dbFile}.topics`;
let store: SqliteStore;

beforeAll(async () => {
  const opened = openSqliteStore(`sqlite:${dbFile}`);
  if (!opened.ok) throw new Error(opened.error);
  store = opened.value;
  await fillTopicStore(store, 12, 40);
}, 120_000);

afterAll(async () => {
  await store.close();
  dir.remove();
});

/** A podcast changed as a poll changes it: saved to the store, then into the library (in slices). */
async function change(library: Library | undefined, podcastId: string, word: string): Promise<void> {
  const entry = (await store.loadPodcast(podcastId))!;
  const episodes = entry.episodes.map((e, i) => (i === 1 ? { ...e, title: `${e.title} ${word}` } : e));
  // A later version than any save so far (versions are the store's milliseconds).
  await new Promise((resolve) => setTimeout(resolve, 5));
  await store.savePodcast(entry.podcast, episodes);
  await library?.upsertInSlices(entry.podcast, episodes, await storedTranscripts(store, podcastId, episodes));
}

async function startedLibrary(): Promise<{ library: Library; indexed: number; used: boolean }> {
  const library = libraryReading(store);
  const result = await loadLibrary(store, library, log, { indexFile });
  return { library, indexed: result.indexed, used: result.savedIndex.used };
}

describe('the topic index saved from the library', () => {
  it('is what serializeIndex writes, byte for byte (index with a mutable segment and removals, cue tables, catalogue)', async () => {
    const library = libraryReading(store);
    await loadLibrary(store, library, log);
    const [first, second] = library.indexedPodcasts();
    await change(library, first!, 'quokka');
    await change(library, second!, 'wombat');
    expect(library.search.stats().mutablePassages).toBeGreaterThan(0);
    expect(library.search.stats().deletedPassages).toBeGreaterThan(0);
    const stream = library.saveIndexStream()!;
    const plan = stream.plan();
    let step = plan.next();
    while (step.done !== true) step = plan.next();
    const streamed = Buffer.concat(Array.from(stream.chunks(), (chunk) => chunk.slice()));
    expect(streamed.byteLength).toBe(step.value);
    expect(streamed.equals(Buffer.from(library.serializeIndex()!))).toBe(true);
    expect(stream.whole).toHaveLength(12);
  }, 120_000);

  it('by the bot (planTopicIndex for the SQLite file it opened): written from the library, loaded at the next start, answering as rebuilt', async () => {
    const library = libraryReading(store);
    const stop = new AbortController();
    const plan = planTopicIndex({ databaseUrl: `sqlite:${dbFile}`, store, ownsStore: true, library, log, file: undefined, builds: true, builder: { owner: 't', ms: 60_000 }, signal: stop.signal });
    await loadLibrary(store, library, log, plan.load);
    const [first] = library.indexedPodcasts();
    await change(library, first!, 'platypus');
    await plan.saver!.saveNow();
    expect((await readTopicIndex(indexFile)).ok).toBe(true);

    const next = await startedLibrary();
    expect(next.used).toBe(true);
    // Saved after the change: nothing to index again.
    expect(next.indexed).toBe(0);
    expect(next.library.scopedTopics.search('platypus', EVERY_PODCAST, { now: NOW }).map((h) => h.passage.podcastId)).toEqual([first]);
    expect(topicAnswers(next.library, NOW)).toBe(topicAnswers(await rebuiltLibrary(store, log), NOW));
    await plan.saver!.stop();
    stop.abort();
  }, 120_000);

  it('is the library as it was when the save began, while polls change it meanwhile: the next start indexes those again and answers as the store', async () => {
    const library = libraryReading(store);
    await loadLibrary(store, library, log, { indexFile });
    const [first, second] = library.indexedPodcasts();
    await change(library, first!, 'kookaburra');
    // The file written only once the changes are made: every byte of it is written after them, from the snapshot.
    const file = topicIndexFileStorage(indexFile, 4096);
    let planned: () => void = () => {};
    const snapshotTaken = new Promise<void>((resolve) => (planned = resolve));
    let release: () => void = () => {};
    const changed = new Promise<void>((resolve) => (release = resolve));
    const storage: TopicIndexStorage = {
      ...file,
      writeStream: async (versions, byteLength, chunks) => {
        planned();
        await changed;
        await file.writeStream!(versions, byteLength, chunks);
      },
    };
    const saver = new TopicIndexSaver({ store, library, storage, log });
    const saving = saver.saveNow();
    await snapshotTaken;
    await change(library, second!, 'echidna');
    await change(library, first!, 'bilby');
    release();
    await saving;

    const next = await startedLibrary();
    expect(next.used).toBe(true);
    // The two podcasts changed after the snapshot are newer in the store than in the file: indexed again.
    expect(next.indexed).toBe(2);
    expect(next.library.scopedTopics.search('echidna', EVERY_PODCAST, { now: NOW }).map((h) => h.passage.podcastId)).toEqual([second]);
    expect(next.library.scopedTopics.search('bilby', EVERY_PODCAST, { now: NOW }).map((h) => h.passage.podcastId)).toEqual([first]);
    next.library.search.compact();
    expect(topicAnswers(next.library, NOW)).toBe(topicAnswers(await rebuiltLibrary(store, log), NOW));
  }, 120_000);

  it('does not vouch for a podcast the store holds newer than the library (saved, not yet taken in): the next start indexes it again', async () => {
    const library = libraryReading(store);
    await loadLibrary(store, library, log, { indexFile });
    const [, , third] = library.indexedPodcasts();
    // Saved to the store; the library's update of it has not happened yet (a poll between its two steps).
    await change(undefined, third!, 'numbat');
    const saver = new TopicIndexSaver({ store, library, file: indexFile, log });
    saver.notVouchingFor(() => new Set([third!]));
    await saver.saveNow();
    const saved = await readTopicIndex(indexFile);
    expect(saved.ok && saved.value.versions.has(third!)).toBe(false);

    const next = await startedLibrary();
    expect(next.indexed).toBe(1);
    expect(next.library.scopedTopics.search('numbat', EVERY_PODCAST, { now: NOW }).map((h) => h.passage.podcastId)).toEqual([third]);
    next.library.search.compact();
    expect(topicAnswers(next.library, NOW)).toBe(topicAnswers(await rebuiltLibrary(store, log), NOW));
  }, 120_000);
});
