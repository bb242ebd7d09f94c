import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../../src/data/library.js';
import { createLogger } from '../../src/logger.js';
import { loadLibrary } from '../../src/store/loadLibrary.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/SqliteStore.js';
import { readTopicIndex, TopicIndexSaver, topicIndexFileStorage, writeTopicIndex } from '../../src/store/topicIndexFile.js';
import { ANALYZER_VERSION } from '../../src/data/search/stem.js';
import { EVERY_PODCAST } from '../../src/data/catalog.js';
import type { Store } from '../../src/store/Store.js';
import { tempDir } from '../integration/support.js';
import { countedCatalogueReads } from '../support/countedCatalogueReads.js';
import { fillTopicStore, libraryReading, rebuiltLibrary, topicAnswers } from '../support/topicLibrary.js';

/**
 * The topic index saved beside the SQLite database and loaded at start (loadLibrary, as openServices runs it): it
 * answers as an index rebuilt from the store does; a corrupt, foreign or outdated one is not trusted; and a process
 * killed while saving leaves a file that is whole.
 */
const log = createLogger({ level: 'silent' });
const NOW = Date.parse('2025-06-01T00:00:00Z');
const dir = tempDir();
const dbFile = path.join(dir.dir, 'podcord.db');
const indexFile = `${dbFile}.topics`;
let store: SqliteStore;

const freshLibrary = (): Library => libraryReading(store);
const answers = (library: Library): string => topicAnswers(library, NOW);
const rebuilt = (): Promise<Library> => rebuiltLibrary(store, log);

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

async function saveIndexOnce(): Promise<Library> {
  const library = freshLibrary();
  await loadLibrary(store, library, log, { indexFile });
  await new TopicIndexSaver({ store, library, file: indexFile, log }).saveNow();
  return library;
}

describe('the saved topic index', () => {
  it('is loaded at start without indexing anything, and answers exactly as a rebuilt one', async () => {
    await saveIndexOnce();
    expect(existsSync(indexFile)).toBe(true);

    const loaded = freshLibrary();
    const result = await loadLibrary(store, loaded, log, { indexFile });
    expect(result.savedIndex).toEqual({ used: true });
    expect(result.indexed).toBe(0);
    expect(loaded.loading).toEqual({ catalogue: false, topics: false });

    const reference = await rebuilt();
    const expected = answers(reference);
    expect(expected).toContain('zeppelin'); // the queries do find things
    expect(answers(loaded)).toBe(expected);
    // Transcript hits land on their cue in both (the cue tables were saved too).
    expect(JSON.stringify(loaded.scopedTopics.search('tesla', EVERY_PODCAST, { limit: 50, now: NOW }).filter((h) => h.passage.field === 'transcript'))).toBe(
      JSON.stringify(reference.scopedTopics.search('tesla', EVERY_PODCAST, { limit: 50, now: NOW }).filter((h) => h.passage.field === 'transcript')),
    );
  }, 120_000);

  it('is not trusted when corrupt, cut short or of another format: rebuilt from the store instead', async () => {
    const expected = answers(await rebuilt());
    const good = readFileSync(indexFile);
    const damaged: [string, Buffer][] = [
      ['a flipped byte', Buffer.from(good.map((b, i) => (i === good.length - 100 ? b ^ 0xff : b)))],
      ['cut short', good.subarray(0, Math.floor(good.length / 2))],
      ['another format', Buffer.concat([Buffer.from('NOTTOPIC'), good.subarray(8)])],
    ];
    for (const [what, bytes] of damaged) {
      writeFileSync(indexFile, bytes);
      expect((await readTopicIndex(indexFile)).ok, what).toBe(false);
      const library = freshLibrary();
      const result = await loadLibrary(store, library, log, { indexFile });
      expect(result.savedIndex.used, what).toBe(false);
      expect(result.indexed, what).toBe(12);
      library.search.compact();
      expect(answers(library), what).toBe(expected);
    }
  }, 120_000);

  it('checksummed on a worker thread (a big file), reads the same as checksummed here, and refuses a corrupt one', async () => {
    await saveIndexOnce();
    const good = readFileSync(indexFile);
    // Threshold 0: every body is checksummed off this thread; small chunks, so many are handed over in order.
    const here = await readTopicIndex(indexFile, 4096);
    const there = await readTopicIndex(indexFile, 4096, undefined, undefined, 0);
    if (!here.ok || !there.ok) throw new Error('the good file was not read');
    expect(Buffer.from(there.value.body).equals(Buffer.from(here.value.body))).toBe(true);
    expect([...there.value.tables!.keys()]).toEqual([...here.value.tables!.keys()]);
    for (const [at, table] of there.value.tables!) expect(Buffer.from(table).equals(Buffer.from(here.value.tables!.get(at)!))).toBe(true);
    try {
      // A byte flipped in the body's first chunk, in its last, and the header's CRC itself wrong.
      const damaged: [string, Buffer][] = [
        ['a flipped byte early', Buffer.from(good.map((b, i) => (i === 200 ? b ^ 0xff : b)))],
        ['a flipped byte late', Buffer.from(good.map((b, i) => (i === good.length - 100 ? b ^ 0xff : b)))],
        ['another CRC', Buffer.from(good.map((b, i) => (i === 12 ? b ^ 0x01 : b)))],
      ];
      for (const [what, bytes] of damaged) {
        writeFileSync(indexFile, bytes);
        const read = await readTopicIndex(indexFile, 4096, undefined, undefined, 0);
        expect(read.ok, what).toBe(false);
        expect(!read.ok && read.error, what).toContain('checksum');
      }
    } finally {
      writeFileSync(indexFile, good);
    }
  }, 120_000);

  it('is not trusted when it was stemmed otherwise (another analyzer version): rebuilt from the store instead', async () => {
    await saveIndexOnce();
    const expected = answers(await rebuilt());
    // The whole body in one buffer (its tables not read apart), to write it again.
    const saved = await readTopicIndex(indexFile, undefined, null);
    if (!saved.ok) throw new Error(saved.error);
    // The same file as another build (other stemmers) would write it: whole, its checksum right, only the analyzer differs.
    const body = Buffer.from(saved.value.body);
    const at = body.indexOf(ANALYZER_VERSION);
    expect(at).toBeGreaterThan(-1);
    body.write(ANALYZER_VERSION.replace(/\d/, (d) => String((Number(d) + 1) % 10)), at, 'utf8');
    await writeTopicIndex(indexFile, saved.value.versions, body);
    expect((await readTopicIndex(indexFile)).ok).toBe(true);

    const library = freshLibrary();
    const result = await loadLibrary(store, library, log, { indexFile });
    expect(result.savedIndex.used).toBe(false);
    expect(result.savedIndex.used === false && result.savedIndex.reason).toContain('stemmed by');
    expect(result.indexed).toBe(12);
    library.search.compact();
    expect(answers(library)).toBe(expected);
  }, 120_000);

  it('indexes again what the store saved since (an outdated index), and drops what the store no longer has', async () => {
    await saveIndexOnce();
    const [first, second] = (await store.catalogVersions()).keys();
    const entry = (await store.loadPodcast(first!))!;
    // A later save of the first podcast: a new word in an episode's title.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.savePodcast(entry.podcast, entry.episodes.map((e, i) => (i === 0 ? { ...e, title: `${e.title} quokka` } : e)));
    await store.deletePodcast(second!);

    const library = freshLibrary();
    const result = await loadLibrary(store, library, log, { indexFile });
    expect(result.savedIndex).toEqual({ used: true });
    expect(result.indexed).toBe(1);
    expect(library.scopedTopics.search('quokka', EVERY_PODCAST, { now: NOW }).map((h) => h.passage.podcastId)).toEqual([first]);
    expect(library.indexedPodcasts()).not.toContain(second);
    expect(library.scopedTopics.search('zeppelin', EVERY_PODCAST, { limit: 200, now: NOW }).some((h) => h.passage.podcastId === second)).toBe(false);
    library.search.compact();
    expect(answers(library)).toBe(answers(await rebuilt()));
  }, 120_000);

  it('survives the process that saves it being killed while it writes: the file left is whole and answers as rebuilt', async () => {
    await saveIndexOnce();
    const expected = answers(await rebuilt());
    const child = path.join(import.meta.dirname, '../support/topicIndexSaverChild.ts');
    let killedMidWrite = 0;
    // Killed at a moment it is most likely writing (it does nothing else); tried until one kill lands mid-write, as
    // the temporary file it leaves shows.
    for (let attempt = 0; attempt < 8 && killedMidWrite === 0; attempt++) {
      const proc = spawn(process.execPath, ['--import', 'tsx', child, dbFile, indexFile], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve, reject) => {
        proc.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
        proc.once('exit', (code) => reject(new Error(`the saving process exited (${code}) before it was ready`)));
      });
      await new Promise((resolve) => setTimeout(resolve, 20 + attempt * 37));
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGKILL');
      await exited;
      const leftovers = readdirSync(dir.dir).filter((f) => f.endsWith('.tmp'));
      if (leftovers.length > 0) killedMidWrite++;

      const saved = await readTopicIndex(indexFile);
      expect(saved.ok).toBe(true);
      const library = freshLibrary();
      const result = await loadLibrary(store, library, log, { indexFile });
      expect(result.savedIndex).toEqual({ used: true });
      expect(answers(library)).toBe(expected);
    }
    expect(killedMidWrite).toBeGreaterThan(0);
  }, 240_000);
  it('is read in chunks, each table into a SharedArrayBuffer of its own, and loaded in slices, the event loop turning between them; a search meanwhile answers from the index as it was', async () => {
    await saveIndexOnce();
    const expected = answers(await rebuilt());
    let turns = 0;
    const during: number[] = [];
    const library: Library = new Library({
      pause: async () => {
        turns++;
        if (library.loading.topics) during.push(library.scopedTopics.search('zeppelin', EVERY_PODCAST, { limit: 200, now: NOW }).length);
        await new Promise((resolve) => setImmediate(resolve));
      },
    });
    library.readDetailsFrom((podcastId, ids) => store.loadEpisodes(podcastId, ids));
    const result = await loadLibrary(store, library, log, { indexFile });
    expect(result.savedIndex).toEqual({ used: true });
    expect(result.indexed).toBe(0);
    // Loaded in slices (nothing was indexed, so every pause was the load's), and no search saw half of it.
    expect(turns).toBeGreaterThan(5);
    expect(during.length).toBe(turns);
    expect(during.every((hits) => hits === 0)).toBe(true);
    expect(library.scopedTopics.search('zeppelin', EVERY_PODCAST, { limit: 200, now: NOW }).length).toBeGreaterThan(0);
    expect(answers(library)).toBe(expected);

    // Read a chunk at a time: each of the index's tables straight into a SharedArrayBuffer of its own, exactly its
    // size (those that grow as passages are added with an eighth of room after it), which the loaded index uses as it
    // is (no copy); nothing it keeps is on the rest of the body.
    const saved = await readTopicIndex(indexFile, 4096);
    if (!saved.ok) throw new Error(saved.error);
    const { body, tables } = saved.value;
    expect(body.byteLength).toBeGreaterThan(4 * 4096);
    expect(tables?.size).toBeGreaterThanOrEqual(15);
    const viewed = freshLibrary();
    expect((await viewed.loadIndexInSlices(body, tables)).ok).toBe(true);
    const held = viewed.search as unknown as Record<string, ArrayBufferView>;
    const buffers = new Set([...tables!.values()].map((t) => t.buffer));
    const growing = new Set(['docEpisode', 'docStart', 'docField', 'docLength', 'docLanguage', 'episodePodcast', 'episodePublishedMs'].map((name) => held[name]!.buffer));
    for (const table of tables!.values()) {
      expect(table.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(table.byteOffset).toBe(0);
      if (growing.has(table.buffer)) expect(table.buffer.byteLength).toBe(table.byteLength + ((table.byteLength >>> 3) & ~7));
      else expect(table.buffer.byteLength).toBe(table.byteLength);
    }
    for (const name of ['docEpisode', 'docStart', 'docLanguage', 'episodePodcast', 'textBytes', 'textOffsets', 'postingDocs', 'postingTfs', 'surfaceStem', 'surfaceCount']) {
      expect(held[name]!.byteLength, name).toBeGreaterThan(0);
      expect(buffers.has(held[name]!.buffer), name).toBe(true);
    }
    for (const value of Object.values(held)) if (ArrayBuffer.isView(value)) expect(value.buffer).not.toBe(body.buffer);
    expect(answers(viewed)).toBe(expected);
    // Read whole into one SharedArrayBuffer (as PostgreSQL's generation is), the tables are views on it.
    const whole = await readTopicIndex(indexFile, 4096, null);
    if (!whole.ok) throw new Error(whole.error);
    expect(whole.value.body.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(whole.value.tables).toBeUndefined();
    const onWhole = freshLibrary();
    expect((await onWhole.loadIndexInSlices(whole.value.body)).ok).toBe(true);
    expect((onWhole.search as unknown as Record<string, ArrayBufferView>)['postingDocs']!.buffer).toBe(whole.value.body.buffer);
    expect(answers(onWhole)).toBe(expected);
  }, 120_000);

  it('grows its passage and episode tables into the room left after them as passages are added, nothing copied, and answers as rebuilt', async () => {
    await saveIndexOnce();
    // A library that has only some of the podcasts: the rest are indexed into the loaded index afterwards.
    const library = freshLibrary();
    expect((await loadLibrary(store, library, log, { indexFile })).savedIndex).toEqual({ used: true });
    const held = (): Record<string, ArrayBufferView> => library.search as unknown as Record<string, ArrayBufferView>;
    const names = ['docEpisode', 'docStart', 'docField', 'docLength', 'docLanguage', 'docDeleted', 'episodePodcast', 'episodePublishedMs', 'episodeFirstDoc', 'episodeEndDoc', 'episodePublishedIso'];
    const before = new Map(names.map((name) => [name, held()[name]!]));
    // Every podcast indexed again with one episode more (a poll's worth of new passages): the tables grow.
    const podcasts = library.catalog.podcasts(EVERY_PODCAST);
    const first = podcasts[0]!;
    const stored = (await store.loadPodcast(first.id))!;
    const extra = { ...stored.episodes[0]!, id: 'one-more', title: 'One more zeppelin episode', notes: 'About a zeppelin over the ocean.' };
    await library.upsertInSlices(stored.podcast, [extra, ...stored.episodes]);
    for (const name of names) {
      const now = held()[name]!;
      const then = before.get(name)!;
      expect(now.byteLength, name).toBeGreaterThan(then.byteLength);
      // The same buffer, longer: grown into its room, not copied to a new one.
      expect(now.buffer, name).toBe(then.buffer);
    }
    expect(library.scopedTopics.search('zeppelin', EVERY_PODCAST, { limit: 200, now: NOW }).some((h) => h.passage.episodeId === 'one-more')).toBe(true);
    // And it answers as an index built from scratch over the same episodes.
    const reference = await rebuilt();
    await reference.upsertInSlices(stored.podcast, [extra, ...stored.episodes]);
    library.search.compact();
    reference.search.compact();
    expect(answers(library)).toBe(answers(reference));
  }, 120_000);

  it('is not trusted when any byte of its body is corrupt (checked chunk by chunk as read) or it is longer than its header says', async () => {
    await saveIndexOnce();
    const good = readFileSync(indexFile);
    const bodyAt = 16 + good.readUInt32LE(8);
    const chunk = 1000;
    expect(good.length - bodyAt).toBeGreaterThan(3 * chunk);
    for (const at of [bodyAt, bodyAt + chunk - 1, bodyAt + chunk, bodyAt + Math.floor((good.length - bodyAt) / 2), good.length - 1]) {
      writeFileSync(indexFile, Buffer.from(good.map((b, i) => (i === at ? b ^ 0x01 : b))));
      for (const tables of [undefined, null]) {
        const read = await readTopicIndex(indexFile, chunk, tables);
        expect(read.ok ? 'trusted' : read.error, `byte ${at}`).toMatch(/checksum/);
      }
    }
    writeFileSync(indexFile, Buffer.concat([good, Buffer.alloc(8)]));
    const longer = await readTopicIndex(indexFile, chunk);
    expect(longer.ok ? 'trusted' : longer.error).toMatch(/does not match/);
    writeFileSync(indexFile, good);
    expect((await readTopicIndex(indexFile, chunk)).ok).toBe(true);
  }, 120_000);
});

/** Everything the catalogue answers: each podcast and episode (with its key), /latest, lookups by key, number and words. */
function catalogueAnswers(library: Library): unknown {
  const catalog = library.catalog;
  const ids = catalog.podcasts(EVERY_PODCAST).map((p) => p.id).sort();
  return {
    size: catalog.size,
    podcasts: ids.map((id) => ({ podcast: catalog.podcast(id), episodes: catalog.episodes(id) })),
    byKey: ids.flatMap((id) => catalog.episodes(id).map((e) => catalog.byKey(e.key, EVERY_PODCAST))),
    latest: catalog.latest(25, undefined, EVERY_PODCAST),
    choices: ['', 'tesla', 'zepp', 'hästen', 'climate economy', '12', '#3', 'quokka'].map((q) => catalog.autocompleteEpisodes(q, undefined, EVERY_PODCAST)),
    inPodcast: catalog.autocompleteEpisodes('rocket', 'show 1', EVERY_PODCAST),
    resolved: ['7', '40', 'tesla crash', 'quokka'].map((q) => catalog.resolveEpisode(q, undefined, EVERY_PODCAST)),
    shows: catalog.autocompletePodcasts('show', EVERY_PODCAST),
  };
}

/**
 * The same with the podcasts offered for a word sorted by name: a podcast brought up to date after the catalogue is in
 * (saved since the index was) comes after the others among equally good choices, as one a poll updated does.
 */
function tiesSorted(answers: unknown): unknown {
  const a = answers as { shows: { name: string }[] };
  return { ...a, shows: [...a.shows].sort((x, y) => x.name.localeCompare(y.name)) };
}


/** What a start without a saved index serves, catalogue and topics: every row read from the store. */
async function fromTheStore(): Promise<Library> {
  const library = await rebuilt();
  return library;
}

describe('the catalogue from the saved topic index', () => {
  it('is restored from it without a page of the store read, and answers autocomplete, /latest and lookups exactly as the store', async () => {
    await saveIndexOnce();
    const { store: watched, pages, byId } = countedCatalogueReads(store);
    const library = freshLibrary();
    const result = await loadLibrary(watched, library, log, { indexFile });
    expect(result.catalogueFrom).toBe('saved index');
    expect(result.savedIndex).toEqual({ used: true });
    expect(pages()).toBe(0);
    expect(byId).toEqual([]);
    const versions = await store.catalogVersions();
    expect(result.podcasts).toBe(versions.size);
    expect(result.episodes).toBe((await Promise.all([...versions.keys()].map((id) => store.getEpisodeIds(id)))).reduce((n, ids) => n + ids.length, 0));
    const reference = await fromTheStore();
    expect(catalogueAnswers(library)).toEqual(catalogueAnswers(reference));
    expect(answers(library)).toBe(answers(reference));
  }, 120_000);

  it('shows a podcast changed, added or removed in the store after the save as the store holds it, reading only those', async () => {
    await saveIndexOnce();
    const [first, second] = (await store.catalogVersions()).keys();
    const entry = (await store.loadPodcast(first!))!;
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Changed: a title edited, an episode gone, a new one on top; added: a new feed; removed: a feed deleted.
    const [newest, ...rest] = entry.episodes;
    await store.savePodcast({ ...entry.podcast, title: `${entry.podcast.title} quokka` }, [
      { ...newest!, id: 'brand-new', title: 'A quokka on the moon', publishedAt: '2030-01-01T00:00:00.000Z', episodeNumber: 999 },
      { ...newest!, title: `${newest!.title} quokka` },
      ...rest.slice(1),
    ]);
    const other = (await store.loadPodcast(second!))!;
    const added = ['https://topics.example/added-later.xml'];
    await store.savePodcast({ ...other.podcast, id: added[0]!, title: 'Added later' }, other.episodes.slice(0, 5));
    await store.deletePodcast(second!);

    const { store: watched, pages, byId } = countedCatalogueReads(store);
    const library = freshLibrary();
    const result = await loadLibrary(watched, library, log, { indexFile });
    expect(result.catalogueFrom).toBe('saved index');
    expect(pages()).toBe(0);
    // Only the added one's summaries: the changed one is restored as saved and read whole when indexed again.
    expect(byId.sort()).toEqual([...added].sort());
    expect(library.catalog.podcast(second!)).toBeUndefined();
    expect(library.catalog.resolveEpisode('999', undefined, EVERY_PODCAST)).toMatchObject({ ok: true, value: { episode: { id: 'brand-new' } } });
    expect(library.scopedTopics.search('quokka', EVERY_PODCAST, { now: NOW }).map((h) => h.passage.episodeId)).toContain('brand-new');
    expect(library.indexedPodcasts()).not.toContain(second);
    const reference = await fromTheStore();
    expect(tiesSorted(catalogueAnswers(library))).toEqual(tiesSorted(catalogueAnswers(reference)));
    library.search.compact();
    expect(answers(library)).toBe(answers(reference));
    for (const id of added) await store.deletePodcast(id);
  }, 120_000);

  it('serves the loaded index (/topic not "still loading") while the podcasts saved since are indexed again', async () => {
    await saveIndexOnce();
    const [first] = (await store.catalogVersions()).keys();
    const entry = (await store.loadPodcast(first!))!;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.savePodcast(entry.podcast, entry.episodes.map((e) => ({ ...e, description: `${e.description} wombat` })));
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let paused: () => void = () => {};
    const pausedOnce = new Promise<void>((resolve) => (paused = resolve));
    // Held at the first pause after the saved index is in (loading it pauses between its slices too).
    const library: Library = new Library({ pause: () => (library.loading.topics ? Promise.resolve() : (paused(), held)) });
    library.readDetailsFrom((podcastId, ids) => store.loadEpisodes(podcastId, ids));
    const loading = loadLibrary(store, library, log, { indexFile });
    // Paused in the middle of indexing the changed podcast again (its 40 episodes are more than one slice).
    expect(await Promise.race([pausedOnce.then(() => 'paused'), loading.then(() => 'done without a pause')])).toBe('paused');
    // The changed podcast is being indexed again, in slices, held here: the loaded index answers meanwhile.
    expect(library.loading).toEqual({ catalogue: false, topics: false });
    expect(library.scopedTopics.search('zeppelin', EVERY_PODCAST, { now: NOW }).length).toBeGreaterThan(0);
    release();
    const result = await loading;
    expect(result.indexed).toBe(1);
    expect(library.scopedTopics.search('wombat', EVERY_PODCAST, { now: NOW }).length).toBeGreaterThan(0);
  }, 120_000);

  it('is in (/latest answers) while the index loads, before the podcasts saved since are read again: shown as saved meanwhile, then as the store holds them', async () => {
    await saveIndexOnce();
    const [first] = (await store.catalogVersions()).keys();
    const entry = (await store.loadPodcast(first!))!;
    const savedTitle = entry.podcast.title;
    await new Promise((resolve) => setTimeout(resolve, 5));
    // A new title, a new episode, every description edited.
    await store.savePodcast({ ...entry.podcast, title: `${savedTitle} numbat` }, [
      { ...entry.episodes[0]!, id: 'numbat-new', title: 'A numbat in the garden', publishedAt: '2031-01-01T00:00:00.000Z' },
      ...entry.episodes.map((e) => ({ ...e, description: `${e.description} wombat` })),
    ]);
    // Looked at every pause of the saved index's load (the catalogue is in then, the topic index not yet).
    const { store: watched, byId } = countedCatalogueReads(store);
    const seen: { catalogueIn: boolean; title: string | undefined; readFromStore: number }[] = [];
    const library: Library = new Library({
      pause: () => {
        if (library.loading.topics) seen.push({ catalogueIn: !library.loading.catalogue, title: library.catalog.podcast(first!)?.title, readFromStore: byId.length });
        return new Promise<void>((resolve) => setImmediate(resolve));
      },
    });
    library.readDetailsFrom((podcastId, ids) => store.loadEpisodes(podcastId, ids));
    const loading = loadLibrary(watched, library, log, { indexFile });
    const result = await loading;
    // While the index loaded, the catalogue was in (commands answered from it) with the changed podcast as saved, not
    // read from the store first.
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((s) => s.catalogueIn && s.title === savedTitle && s.readFromStore === 0)).toBe(true);
    expect(result.indexed).toBe(1);
    // Then as the store holds it, in the catalogue and the index.
    expect(library.catalog.podcast(first!)?.title).toBe(`${savedTitle} numbat`);
    expect(library.catalog.latest(1, undefined, EVERY_PODCAST)[0]?.episode.id).toBe('numbat-new');
    expect(library.scopedTopics.search('numbat', EVERY_PODCAST, { now: NOW }).map((h) => h.passage.episodeId)).toContain('numbat-new');
    const reference = await fromTheStore();
    expect(tiesSorted(catalogueAnswers(library))).toEqual(tiesSorted(catalogueAnswers(reference)));
    library.search.compact();
    expect(answers(library)).toBe(answers(reference));
    await store.savePodcast(entry.podcast, entry.episodes);
  }, 120_000);

  it('is restored while the rest of the file is read, hidden until the whole is checked, and dropped when the check then fails', async () => {
    await saveIndexOnce();
    const good = readFileSync(indexFile);
    // A podcast's title in the saved catalogue (the file's last part) forged, same length: the catalogue still reads,
    // only the file's checksum tells.
    const [first] = (await store.catalogVersions()).keys();
    const title = (await store.loadPodcast(first!))!.podcast.title;
    expect(title).toMatch(/^[\w ]+$/);
    const at = good.lastIndexOf(Buffer.from(`"${title}"`, 'utf8')) + 1;
    expect(at).toBeGreaterThan(16 + good.readUInt32LE(8));
    const forged = 'Z'.repeat(title.length);
    const tampered = Buffer.from(good);
    tampered.write(forged, at, 'utf8');
    writeFileSync(indexFile, tampered);

    const library = freshLibrary();
    // Watched at every turn of the event loop while it loads: when the forged title is in the catalogue, and whether
    // anything could be answered from it then (commands answer "still loading" while loading.catalogue is true).
    let restoredForged = 0;
    let servedForged = 0;
    let watching = true;
    const watch = (): void => {
      if (library.catalog.podcast(first!)?.title === forged) {
        restoredForged++;
        if (!library.loading.catalogue) servedForged++;
      }
      if (watching) setImmediate(watch);
    };
    setImmediate(watch);
    // Read 1 KB at a time: the catalogue, read first, is restored long before the rest is read and checked.
    const result = await loadLibrary(store, library, log, { savedIndex: topicIndexFileStorage(indexFile, 1024) });
    watching = false;
    expect(restoredForged).toBeGreaterThan(0);
    expect(servedForged).toBe(0);
    expect(result.catalogueFrom).toBe('store');
    expect(result.savedIndex.used).toBe(false);
    expect(result.savedIndex.used === false && result.savedIndex.reason).toMatch(/checksum/);
    const reference = await fromTheStore();
    expect(catalogueAnswers(library)).toEqual(catalogueAnswers(reference));
    library.search.compact();
    expect(answers(library)).toBe(answers(reference));
    writeFileSync(indexFile, good);
  }, 120_000);

  it('is not read from a file of the format before it (no catalogue in it): rebuilt from the store, and saved in this format', async () => {
    await saveIndexOnce();
    const saved = await readTopicIndex(indexFile);
    if (!saved.ok) throw new Error(saved.error);
    // The body as the previous format wrote it: its five parts, without the catalogue, under that format's number.
    const body = saved.value.body;
    const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
    const lengths = Array.from({ length: 5 }, (_, i) => view.getUint32(8 + 4 * i, true));
    const align8 = (n: number): number => (n + 7) & ~7;
    let at = align8(8 + 6 * 4);
    const parts = lengths.map((length) => {
      const part = body.subarray(at, at + length);
      at = align8(at + length);
      return part;
    });
    let size = align8(8 + 5 * 4);
    for (const length of lengths) size = align8(size + length);
    const old = new Uint8Array(size);
    new DataView(old.buffer).setUint32(0, 0x50434c02, true);
    new DataView(old.buffer).setUint32(4, 5, true);
    lengths.forEach((length, i) => new DataView(old.buffer).setUint32(8 + 4 * i, length, true));
    let to = align8(8 + 5 * 4);
    for (const part of parts) {
      old.set(part, to);
      to = align8(to + part.byteLength);
    }
    await writeTopicIndex(indexFile, saved.value.versions, old);

    const { store: watched, pages } = countedCatalogueReads(store);
    const library = freshLibrary();
    const result = await loadLibrary(watched, library, log, { indexFile });
    expect(result.catalogueFrom).toBe('store');
    expect(pages()).toBeGreaterThan(0);
    expect(result.savedIndex.used).toBe(false);
    expect(result.savedIndex.used === false && result.savedIndex.reason).toContain('format');
    expect(result.indexed).toBe((await store.catalogVersions()).size);
    const reference = await fromTheStore();
    expect(catalogueAnswers(library)).toEqual(catalogueAnswers(reference));
    library.search.compact();
    expect(answers(library)).toBe(answers(reference));
    // Saved again in this build's format: the next start restores its catalogue.
    await new TopicIndexSaver({ store, library, file: indexFile, log }).saveNow();
    const next = await loadLibrary(store, freshLibrary(), log, { indexFile });
    expect(next.catalogueFrom).toBe('saved index');
    expect(next.savedIndex).toEqual({ used: true });
  }, 120_000);
});
