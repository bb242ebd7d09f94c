import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVERY_PODCAST, type Catalog } from '../../src/data/catalog.js';
import type { Library } from '../../src/data/library.js';
import { createLogger } from '../../src/logger.js';
import { loadLibrary } from '../../src/store/loadLibrary.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/SqliteStore.js';
import { readTopicIndex, TopicIndexSaver, writeTopicIndex } from '../../src/store/topicIndexFile.js';
import { tempDir } from '../integration/support.js';
import { fillTopicStore, libraryReading } from '../support/topicLibrary.js';

/**
 * A start restores the catalogue from the saved topic index without reading its episodes' strings (issue 16: the
 * strings and the key map of a million episodes were most of the start's wait): each podcast's are read when first
 * asked for, the rest in slices once the index is in. Through the real path (a SQLite file, the saver's file,
 * loadLibrary): while nothing is read, the catalogue holds less, saves the same bytes and answers every lookup,
 * autocomplete and list exactly as the catalogue read from the store; once loaded, it holds what that one holds.
 */
const log = createLogger({ level: 'silent' });
const dir = tempDir();
const dbFile = path.join(dir.dir, 'podcord.db');
const indexFile = `${dbFile}.topics`;
let store: SqliteStore;
/** The catalogue as a start without a saved index reads it from the store's pages. */
let reference: Library;

beforeAll(async () => {
  const opened = openSqliteStore(`sqlite:${dbFile}`);
  if (!opened.ok) throw new Error(opened.error);
  store = opened.value;
  await fillTopicStore(store, 10, 40);
  reference = libraryReading(store);
  await loadLibrary(store, reference, log);
  await new TopicIndexSaver({ store, library: reference, file: indexFile, log }).saveNow();
}, 120_000);

afterAll(async () => {
  await store.close();
  dir.remove();
});

/** Every lookup a command makes of the catalogue, each podcast's episodes first found by key. */
function answers(catalog: Catalog, ids: readonly string[]): unknown {
  const keys = ids.flatMap((id) => reference.catalog.episodes(id).map((e) => e.key));
  return {
    byKey: keys.map((key) => catalog.byKey(key, EVERY_PODCAST)),
    latest: catalog.latest(25, undefined, EVERY_PODCAST),
    latestOf: ids.map((id) => catalog.latest(3, id, EVERY_PODCAST)),
    size: catalog.size,
    choices: ['', 'tesla', 'tesla cr', 'hästen', '12', '#3', 'zeppelin 7'].map((q) => catalog.autocompleteEpisodes(q, undefined, EVERY_PODCAST)),
    inPodcast: catalog.autocompleteEpisodes('rocket', 'show 1', EVERY_PODCAST),
    resolved: ['7', 'rocket mars', keys[5]!].map((q) => catalog.resolveEpisode(q, undefined, EVERY_PODCAST)),
    found: ids.map((id) => catalog.find(id, reference.catalog.episodeIds(id)[2]!)),
    podcasts: ids.map((id) => ({ podcast: catalog.podcast(id), episodes: catalog.episodes(id), ids: catalog.episodeIds(id) })),
    podcastChoices: catalog.autocompletePodcasts('show', EVERY_PODCAST),
  };
}

describe('the catalogue restored from the saved topic index', () => {
  it('holds the saved bytes until read, saves them as they were and, once loaded, holds what the store\'s catalogue holds', async () => {
    const ids = reference.indexedPodcasts().slice().sort();
    // Before anything answers (answering builds the title-word index).
    const referenceBytes = Buffer.from(reference.catalog.serialize(ids));
    const referenceMemory = reference.catalog.memoryBytes();
    const library = libraryReading(store);
    let atCatalogue: { memory: number; bytes: Buffer } | undefined;
    const result = await loadLibrary(store, library, log, {
      indexFile,
      withCatalogue: async () => {
        atCatalogue = { memory: library.catalog.memoryBytes(), bytes: Buffer.from(library.catalog.serialize(ids)) };
      },
    });
    expect(result.catalogueFrom).toBe('saved index');
    expect(result.savedIndex.used).toBe(true);
    // When the catalogue was in: the episodes' strings not read (their saved bytes held), nor their keys in the map.
    expect(atCatalogue!.memory).toBeLessThan(0.6 * referenceMemory);
    expect(atCatalogue!.bytes.equals(referenceBytes)).toBe(true);
    // Loaded: every podcast read in the background, nothing more held than the catalogue read from the store.
    expect(library.catalog.memoryBytes()).toBe(referenceMemory);
    expect(Buffer.from(library.catalog.serialize(ids)).equals(referenceBytes)).toBe(true);
    expect(answers(library.catalog, ids)).toEqual(answers(reference.catalog, ids));
  }, 120_000);

  it('answers every lookup, autocomplete and list before its strings are read exactly as the store\'s catalogue', async () => {
    const ids = reference.indexedPodcasts().slice().sort();
    const library = libraryReading(store);
    let early: unknown;
    await loadLibrary(store, library, log, { indexFile, withCatalogue: async () => void (early = answers(library.catalog, ids)) });
    const expected = answers(reference.catalog, ids);
    expect(early).toEqual(expected);
    expect(answers(library.catalog, ids)).toEqual(expected);
  }, 120_000);

  it('reads a podcast whose saved strings do not hold together (its file checked good) from the store when it comes to it', async () => {
    const ids = reference.indexedPodcasts().slice().sort();
    const saved = await readTopicIndex(indexFile, undefined, null);
    if (!saved.ok) throw new Error(saved.error);
    const body = saved.value.body.slice();
    // An episode id in the saved catalogue (the body's last part) made a number of the same length: still JSON.
    const id = JSON.stringify(reference.catalog.episodeIds(ids[3]!)[4]!);
    const at = Buffer.from(body.buffer, body.byteOffset, body.byteLength).lastIndexOf(id);
    body.set(Buffer.from('9'.repeat(id.length)), at);
    const badFile = path.join(dir.dir, 'bad.topics');
    await writeTopicIndex(badFile, saved.value.versions, body);
    const library = libraryReading(store);
    const result = await loadLibrary(store, library, log, { indexFile: badFile });
    expect(result.catalogueFrom).toBe('saved index');
    // Every answer as the store's catalogue gives it, except that the podcast read again comes after the others among
    // podcast choices of equal rank (as one a poll updated does).
    const { podcastChoices, ...rest } = answers(library.catalog, ids) as Record<string, unknown>;
    const { podcastChoices: expectedChoices, ...expectedRest } = answers(reference.catalog, ids) as Record<string, unknown>;
    expect(rest).toEqual(expectedRest);
    expect(new Set(podcastChoices as unknown[])).toEqual(new Set(expectedChoices as unknown[]));
    expect(library.catalog.episodes(ids[3]!)).toEqual(reference.catalog.episodes(ids[3]!));
  }, 120_000);
});
