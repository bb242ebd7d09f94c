import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVERY_PODCAST } from '../../src/data/catalog.js';
import { Library } from '../../src/data/library.js';
import { ANALYZER_VERSION } from '../../src/data/search/stem.js';
import { createLogger } from '../../src/logger.js';
import { loadLibrary } from '../../src/store/loadLibrary.js';
import { openPostgresStore, type PostgresStore } from '../../src/store/PostgresStore.js';
import { buildTopicIndexInWorker, TopicIndexSaver } from '../../src/store/topicIndexFile.js';
import { asAdmin, createTestDatabase, type TestDatabase } from '../support/postgresDatabase.js';
import { countedCatalogueReads } from '../support/countedCatalogueReads.js';
import { fillTopicStore, libraryReading, rebuiltLibrary, topicAnswers } from '../support/topicLibrary.js';

/**
 * The topic index saved in PostgreSQL (PostgresTopicIndex, migration 10) and loaded as the processes load it
 * (loadLibrary): it answers as an index rebuilt from the store does; a corrupt generation or one of another format or
 * analyzer is not trusted; a process that only loads waits for a generation instead of building one; and a process
 * killed while writing a generation leaves the previous one whole.
 */
const log = createLogger({ level: 'silent' });
const NOW = Date.parse('2025-06-01T00:00:00Z');
let database: TestDatabase;
let store: PostgresStore;

const freshLibrary = (): Library => libraryReading(store);
const answers = (library: Library): string => topicAnswers(library, NOW);
const rebuilt = (): Promise<Library> => rebuiltLibrary(store, log);

/** A generation written as a process that polls writes it: loaded (or built), then saved. */
async function saveGeneration(): Promise<void> {
  const storage = store.topicIndex();
  const library = freshLibrary();
  await loadLibrary(store, library, log, { savedIndex: storage });
  await new TopicIndexSaver({ store, library, storage, log }).saveNow();
}

const sql = <R extends object>(text: string, values: unknown[] = []): Promise<R[]> =>
  asAdmin(async (client) => (await client.query<R & Record<string, unknown>>(text, values)).rows, database.name);

beforeAll(async () => {
  database = await createTestDatabase();
  const opened = await openPostgresStore(database.url);
  if (!opened.ok) throw new Error(opened.error);
  store = opened.value;
  await fillTopicStore(store, 12, 40);
}, 120_000);

afterAll(async () => {
  await store?.close();
  await database?.drop();
});

describe('the topic index saved in PostgreSQL', () => {
  it('is loaded without indexing anything and answers exactly as a rebuilt one; older generations are deleted', async () => {
    await saveGeneration();
    await saveGeneration(); // loaded and found current: nothing written
    expect((await sql<{ n: number }>('SELECT count(*)::int AS n FROM topic_index_generations'))[0]?.n).toBe(1);

    const loaded = freshLibrary();
    const result = await loadLibrary(store, loaded, log, { savedIndex: store.topicIndex() });
    expect(result.savedIndex).toEqual({ used: true });
    expect(result.indexed).toBe(0);
    expect(loaded.passagesAnalysed).toBe(0);
    const expected = answers(await rebuilt());
    expect(expected).toContain('zeppelin');
    expect(answers(loaded)).toBe(expected);

    // A change saved, then a new generation: the old one is gone with its chunks, in the same transaction.
    const [first] = (await store.catalogVersions()).keys();
    const entry = (await store.loadPodcast(first!))!;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.savePodcast(entry.podcast, entry.episodes.map((e, i) => (i === 0 ? { ...e, title: `${e.title} quokka` } : e)));
    await saveGeneration();
    const generations = await sql<{ generation: string }>('SELECT generation::text FROM topic_index_generations');
    expect(generations).toHaveLength(1);
    expect((await sql<{ n: number }>('SELECT count(DISTINCT generation)::int AS n FROM topic_index_chunks'))[0]!.n).toBe(1);
    const again = freshLibrary();
    const caughtUp = await loadLibrary(store, again, log, { savedIndex: store.topicIndex() });
    expect(caughtUp.indexed).toBe(0);
    expect(again.scopedTopics.search('quokka', EVERY_PODCAST, { now: NOW }).map((h) => h.passage.podcastId)).toEqual([first]);

    // Caught up instead of saved again: the podcast saved since is indexed again, only it, and the whole answers as
    // rebuilt (once compacted, as a saved one is).
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.savePodcast(entry.podcast, entry.episodes.map((e, i) => (i === 0 ? { ...e, title: `${e.title} wombat` } : e)));
    const behind = freshLibrary();
    const result2 = await loadLibrary(store, behind, log, { savedIndex: store.topicIndex() });
    expect(result2.savedIndex).toEqual({ used: true });
    expect(result2.indexed).toBe(1);
    behind.search.compact();
    expect(answers(behind)).toBe(answers(await rebuilt()));
  }, 120_000);

  it('is not trusted when a chunk is corrupt, cut short, or of another format or analyzer', async () => {
    await saveGeneration();
    const expected = answers(await rebuilt());
    const damages: [string, string][] = [
      ['a flipped byte', `UPDATE topic_index_chunks SET bytes = set_byte(bytes, 100, get_byte(bytes, 100) # 255) WHERE seq = 0`],
      ['cut short', `DELETE FROM topic_index_chunks WHERE seq = (SELECT max(seq) FROM topic_index_chunks)`],
      ['another format', `UPDATE topic_index_generations SET format = format + 1`],
    ];
    for (const [what, damage] of damages) {
      await saveGeneration();
      await sql(damage);
      const library = freshLibrary();
      const result = await loadLibrary(store, library, log, { savedIndex: store.topicIndex() });
      expect(result.savedIndex.used, what).toBe(false);
      expect(result.indexed, what).toBe(12);
      library.search.compact();
      expect(answers(library), what).toBe(expected);
      // The builder writes a good one again (it read the bad one and rebuilt).
      await saveGeneration();
      const reread = await store.topicIndex().read();
      expect(reread.ok, what).toBe(true);
    }

    // Whole, its checksum right, but stemmed by another analyzer: a build that stems otherwise rebuilds it.
    const storage = store.topicIndex();
    const saved = await storage.read();
    if (!saved.ok) throw new Error(saved.error);
    const body = Buffer.from(saved.value.body);
    const at = body.indexOf(ANALYZER_VERSION);
    expect(at).toBeGreaterThan(-1);
    body.write(ANALYZER_VERSION.replace(/\d/, (d) => String((Number(d) + 1) % 10)), at, 'utf8');
    await storage.write(saved.value.versions, body);
    expect((await storage.read()).ok).toBe(true);
    const library = freshLibrary();
    const result = await loadLibrary(store, library, log, { savedIndex: store.topicIndex() });
    expect(result.savedIndex.used === false && result.savedIndex.reason).toContain('stemmed by');
    expect(result.indexed).toBe(12);
  }, 180_000);

  it('is waited for, not built, by a process that only loads: "still loading" until a generation is there, a bad one not trusted', async () => {
    await sql('DELETE FROM topic_index_generations');
    const replica = freshLibrary();
    const stop = new AbortController();
    const storage = store.topicIndex({ pollMs: 50 });
    const lines: string[] = [];
    const replicaLog = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
    const notUsed = (reason: string): boolean => lines.some((l) => l.includes('waiting for a worker to save one') && l.includes(reason));
    const loading = loadLibrary(store, replica, replicaLog, { savedIndex: storage, waitForSaved: (signal) => storage.waitForNewer(signal), signal: stop.signal });
    await until(() => notUsed('there is none yet'), 'the replica to find no generation');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(replica.loading.topics).toBe(true);
    expect(replica.passagesAnalysed).toBe(0);

    // A generation that is not an index (whole, its checksum right): not trusted, still waiting.
    await store.topicIndex().write(await store.catalogVersions(), Buffer.from('not a topic index at all'));
    await until(() => notUsed('not a topic index of this format'), 'the replica to read the bad generation');
    expect(replica.loading.topics).toBe(true);
    expect(replica.passagesAnalysed).toBe(0);

    // The builder rebuilds: loaded as soon as it is written, nothing analysed here.
    await saveGeneration();
    const result = await loading;
    expect(result.savedIndex).toEqual({ used: true });
    expect(result.indexed).toBe(0);
    expect(replica.loading.topics).toBe(false);
    expect(replica.passagesAnalysed).toBe(0);
    expect(answers(replica)).toBe(answers(await rebuilt()));
  }, 120_000);

  it('is built by one process at a time: the builder lease, given back when done, taken over when expired or its owner ended', async () => {
    const index = store.topicIndex();
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = index.whileLeased({ owner: 'process-a', ms: 60_000 }, () => held.then(() => 'a built'));
    await until(async () => (await sql<{ owner: string | null }>('SELECT lease_owner AS owner FROM topic_index_builder'))[0]?.owner === 'process-a', 'the lease taken');
    expect(await index.whileLeased({ owner: 'process-b', ms: 60_000 }, async () => 'b built')).toBeUndefined();
    release();
    expect(await first).toBe('a built');
    expect(await index.whileLeased({ owner: 'process-b', ms: 60_000 }, async () => 'b built')).toBe('b built');

    // A process that died holding it: expired, anyone takes it; or found dead (endProcess), given back at once.
    await sql(`UPDATE topic_index_builder SET lease_owner = 'dead', lease_until = now() - interval '1 second'`);
    expect(await index.whileLeased({ owner: 'process-b', ms: 60_000 }, async () => 'taken over')).toBe('taken over');
    await sql(`UPDATE topic_index_builder SET lease_owner = 'dead', lease_until = now() + interval '1 hour'`);
    expect(await index.whileLeased({ owner: 'process-b', ms: 60_000 }, async () => 'b built')).toBeUndefined();
    await store.endProcess('dead');
    expect(await index.whileLeased({ owner: 'process-b', ms: 60_000 }, async () => 'b built')).toBe('b built');
  }, 60_000);

  it('survives the process that writes a generation being killed mid-write: the previous one stays whole and answers as rebuilt', async () => {
    await saveGeneration();
    const expected = answers(await rebuilt());
    const child = path.join(import.meta.dirname, '../support/postgresTopicIndexWriterChild.ts');
    let killedMidWrite = 0;
    for (let attempt = 0; attempt < 8 && killedMidWrite < 2; attempt++) {
      const proc = spawn(process.execPath, ['--import', 'tsx', child, database.url], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve, reject) => {
        proc.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
        proc.once('exit', (code) => reject(new Error(`the writing process exited (${code}) before it was ready`)));
      });
      await new Promise((resolve) => setTimeout(resolve, 20 + attempt * 37));
      // Its write transaction open at the kill: a chunk inserted and not committed.
      const open = await sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND xact_start IS NOT NULL
         AND query ILIKE '%topic_index_chunks%' AND pid <> pg_backend_pid()`,
      );
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGKILL');
      await exited;
      if (open[0]!.n > 0) killedMidWrite++;
      // The server notices the dropped connection and rolls its transaction back.
      await until(
        async () => (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = 'podcord' AND xact_start IS NOT NULL`))[0]!.n === 0,
        'the killed connection to be gone',
      );
      const saved = await store.topicIndex().read();
      expect(saved.ok).toBe(true);
      const library = freshLibrary();
      const result = await loadLibrary(store, library, log, { savedIndex: store.topicIndex() });
      expect(result.savedIndex).toEqual({ used: true });
      expect(result.indexed).toBe(0);
      expect(answers(library)).toBe(expected);
      expect((await sql<{ n: number }>('SELECT count(*)::int AS n FROM topic_index_generations'))[0]!.n).toBe(1);
    }
    expect(killedMidWrite).toBeGreaterThan(0);
  }, 240_000);
});

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('the catalogue in a PostgreSQL generation', () => {
  it('is what a replica starts from (no page of the store read), kept right by the builder for the podcasts it caught up', async () => {
    // A worker builds and writes a generation, a podcast changes, a worker catches up and writes the next one: as
    // the processes that poll do, on their worker thread (topicIndexWorker.ts).
    await buildTopicIndexInWorker(database.url, undefined);
    const [first] = (await store.catalogVersions()).keys();
    const entry = (await store.loadPodcast(first!))!;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.savePodcast(entry.podcast, [{ ...entry.episodes[0]!, id: 'caught-up', title: 'Caught up numbat', publishedAt: '2031-01-01T00:00:00.000Z' }, ...entry.episodes]);
    const caughtUp = await buildTopicIndexInWorker(database.url, undefined);
    expect(caughtUp.indexed).toBe(1);

    // A replica (`interactions`, `gateway`): only loads, and reads the follows once the catalogue is in.
    const { store: watched, pages, byId } = countedCatalogueReads(store);
    const storage = store.topicIndex();
    const replica = freshLibrary();
    let seenWithCatalogue: number | undefined;
    const result = await loadLibrary(watched, replica, log, {
      savedIndex: storage,
      waitForSaved: (signal) => storage.waitForNewer(signal),
      withCatalogue: async () => void (seenWithCatalogue = replica.catalog.size.episodes),
    });
    expect(result.catalogueFrom).toBe('saved index');
    expect(result.savedIndex).toEqual({ used: true });
    expect(result.indexed).toBe(0);
    expect(pages()).toBe(0);
    expect(byId).toEqual([]);
    const reference = freshLibrary();
    await loadLibrary(store, reference, log);
    expect(seenWithCatalogue).toBe(reference.catalog.size.episodes);
    expect(replica.catalog.find(first!, 'caught-up')?.episode.title).toBe('Caught up numbat');
    const ids = reference.catalog.podcasts(EVERY_PODCAST).map((p) => p.id).sort();
    expect(replica.catalog.podcasts(EVERY_PODCAST).map((p) => p.id).sort()).toEqual(ids);
    for (const id of ids) expect(replica.catalog.episodes(id)).toEqual(reference.catalog.episodes(id));
    for (const q of ['', 'numbat', 'zepp', '12']) {
      expect(replica.catalog.autocompleteEpisodes(q, undefined, EVERY_PODCAST)).toEqual(reference.catalog.autocompleteEpisodes(q, undefined, EVERY_PODCAST));
    }
    expect(replica.catalog.latest(10, undefined, EVERY_PODCAST)).toEqual(reference.catalog.latest(10, undefined, EVERY_PODCAST));
    expect(replica.scopedTopics.search('numbat', EVERY_PODCAST, { now: NOW }).map((h) => h.passage.episodeId)).toEqual(['caught-up']);
  }, 240_000);
});
