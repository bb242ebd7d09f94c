import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { crc32 } from 'node:zlib';
import { chunkChecksumHere, chunkChecksumOffThread, type ChunkChecksum } from './chunkChecksum.js';
import { withRoom } from '../data/search/ensure.js';
import { Library } from '../data/library.js';
import { err, ok, type Result } from '../data/model.js';
import type { Logger } from '../logger.js';
import { parseSqliteUrl } from './SqliteStore.js';
import type { Store } from './Store.js';

/**
 * The topic index saved in a file beside the SQLite database (`<database>.topics`), so a start loads it instead of
 * analysing every passage again. Written to a temporary file, flushed, then renamed over the old one: a process that
 * dies while saving leaves the previous complete file (or none), never half of one. The file carries a format version,
 * the length and a CRC-32 of everything after its first 16 bytes, and the version of every podcast it holds (when the
 * store last saved it): a file that fails any check is not trusted but rebuilt, and a podcast saved since is indexed
 * again (see loadLibrary).
 *
 * Layout: "PCTOPICS" (8 bytes), u32 header length, u32 CRC-32 of header + body, header (JSON: format, versions, body
 * length), body (Library.serializeIndex).
 */

const MAGIC = Buffer.from('PCTOPICS', 'latin1');
/** Bump when the header changes meaning. The body carries its own format (Library.serializeIndex). */
const FILE_FORMAT = 1;

export interface SavedTopicIndex {
  /** Each podcast the index holds, with the store's version of it when it was saved. */
  versions: Map<string, number>;
  body: Uint8Array;
  /**
   * The index's tables, read apart from the body (where `tables` is given, the body's bytes there are not filled in),
   * each on a SharedArrayBuffer of its own, by where it starts in the body (Library.loadIndexInSlices uses them as
   * they are).
   */
  tables?: ReadonlyMap<number, Uint8Array>;
  /** Which generation this is, where several are kept apart (PostgreSQL). */
  generation?: number;
}

/**
 * Where the saved topic index lives: a file beside a SQLite database (topicIndexFileStorage), or the PostgreSQL
 * database itself (PostgresTopicIndex). Reading checks it whole (an error is not trusted); writing replaces it whole or
 * not at all, so a process that dies while writing leaves the previous one readable.
 */
export interface TopicIndexStorage {
  /** For the log: where it is kept. */
  readonly where: string;
  /**
   * `unchecked`, where the storage can (a file): called with the saved catalogue's bytes (the body's head and its
   * catalogue part, read first; the rest of `body` not filled yet) and the header's versions BEFORE the rest is read
   * and the whole checked, so a start can restore the catalogue while the rest is read. Nothing of it is checked yet:
   * whatever is made of it must stay hidden (loading) until read() resolves ok, and be dropped when it does not.
   */
  read(unchecked?: (saved: SavedTopicIndex) => void): Promise<Result<SavedTopicIndex>>;
  write(versions: ReadonlyMap<string, number>, body: Uint8Array): Promise<void>;
  /**
   * The same from a body of `byteLength` bytes handed over a chunk at a time (Library.saveIndexStream: a chunk is valid
   * until the next is asked for; an empty one is a pause, the event loop turns), none of it held whole; where absent,
   * the chunks are put together and written with `write`.
   */
  writeStream?(versions: ReadonlyMap<string, number>, byteLength: number, chunks: Iterable<Uint8Array>): Promise<void>;
}

/** The saved index as a file (writeTopicIndex, readTopicIndex). */
export function topicIndexFileStorage(file: string, chunkBytes?: number): TopicIndexStorage {
  return {
    where: file,
    read: (unchecked) =>
      readTopicIndex(file, chunkBytes, undefined, unchecked === undefined ? undefined : { ranges: Library.savedCatalogueRanges, unchecked }),
    write: (versions, body) => writeTopicIndex(file, versions, body, chunkBytes),
    writeStream: (versions, byteLength, chunks) => writeTopicIndexStream(file, versions, byteLength, chunks, chunkBytes),
  };
}

/** Where the saved index of a `sqlite:` database lives; undefined for `sqlite::memory:` and for PostgreSQL. */
export function topicIndexPath(databaseUrl: string): string | undefined {
  if (!/^sqlite:/i.test(databaseUrl)) return undefined;
  const file = parseSqliteUrl(databaseUrl);
  return file.ok && file.value !== ':memory:' ? `${file.value}.topics` : undefined;
}

/** The body is written this much at a time: no single write holds a thread of the pool for long. */
const CHUNK_BYTES = 4 * 1024 * 1024;

/** Writes `body` as the saved index (writeTopicIndexStream with the body as its one chunk). */
export async function writeTopicIndex(file: string, versions: ReadonlyMap<string, number>, body: Uint8Array, chunkBytes = CHUNK_BYTES): Promise<void> {
  await writeTopicIndexStream(file, versions, body.byteLength, [body], chunkBytes);
}

/**
 * The saved index written from a body handed over a chunk at a time (`byteLength` bytes in all): written as it comes, its
 * CRC-32 computed as it goes and put in the prefix once the body is written (the file is not renamed into place
 * before that, so a process that dies meanwhile leaves the previous file whole). Throws, leaving the previous file,
 * when the chunks do not come to `byteLength` bytes.
 */
export async function writeTopicIndexStream(
  file: string,
  versions: ReadonlyMap<string, number>,
  byteLength: number,
  chunks: Iterable<Uint8Array>,
  chunkBytes = CHUNK_BYTES,
): Promise<void> {
  const header = Buffer.from(JSON.stringify({ format: FILE_FORMAT, versions: [...versions], bodyLength: byteLength }), 'utf8');
  const prefix = Buffer.alloc(16);
  MAGIC.copy(prefix, 0);
  prefix.writeUInt32LE(header.byteLength, 8);
  const temporary = `${file}.${process.pid}.tmp`;
  const handle = await open(temporary, 'w');
  const turns = new Turns();
  try {
    await handle.writev([prefix, header]);
    let position = 16 + header.byteLength;
    let crc = crc32(header);
    for (const chunk of chunks) {
      // An empty chunk: a slice of the writer's work done with no bytes to show for it; the event loop turns (once
      // the slices since the last turn, written or not, add up to a few milliseconds).
      if (chunk.byteLength === 0) {
        await turns.pause();
        continue;
      }
      for (let at = 0; at < chunk.byteLength; at += chunkBytes) {
        const piece = chunk.subarray(at, Math.min(chunk.byteLength, at + chunkBytes));
        await handle.write(piece, 0, piece.byteLength, position);
        crc = crc32(piece, crc);
        position += piece.byteLength;
      }
      turns.turned();
    }
    if (position !== 16 + header.byteLength + byteLength) throw new Error(`the topic index body came to ${position - 16 - header.byteLength} bytes, not ${byteLength}`);
    prefix.writeUInt32LE(crc, 12);
    await handle.write(prefix, 0, 16, 0);
    // On disk before it takes the old file's place: a crash after the rename must not find it empty.
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temporary, file);
  // The rename itself made durable (where the platform lets a directory be flushed).
  const dir = await open(path.dirname(file), 'r').catch(() => undefined);
  await dir?.sync().catch(() => {});
  await dir?.close();
}

/** How long the slices of a save run back to back before the event loop turns (each slice is a millisecond or two). */
const TURN_MS = 4;

/**
 * When a loop of short slices lets the event loop turn: once they have run TURN_MS since it last did, not after every
 * one (a turn costs more than a slice of a few hundred microseconds).
 */
class Turns {
  #since = performance.now();

  /** The event loop turned just now (an awaited write). */
  turned(): void {
    this.#since = performance.now();
  }

  async pause(): Promise<void> {
    if (performance.now() - this.#since < TURN_MS) return;
    await nextTurn();
    this.#since = performance.now();
  }
}

/** The body is read this much at a time: the event loop turns between chunks, each checksummed as it comes. */
const READ_CHUNK_BYTES = 8 * 1024 * 1024;

/** Where the tables lie in a saved body, from its heads alone (Library.savedTableRanges; ascending, apart). */
/** The third, where given: bytes of room to leave after that table in its buffer, for it to grow into (withRoom). */
export type BodyTables = (readAt: (at: number, length: number) => Promise<Uint8Array>, bodyLength: number) => Promise<readonly (readonly [number, number, number?])[]>;

/**
 * Parts of the body read before the rest (Library.savedCatalogueRanges: its head and the saved catalogue), handed to
 * `unchecked` unchecked (see TopicIndexStorage.read), so what needs only them starts while the rest is read.
 */
export interface ReadFirst {
  ranges: BodyTables;
  unchecked: (saved: SavedTopicIndex) => void;
}

/** Reads of the body kept in flight at once: the next chunk is read while this one is checksummed. */
const READS_IN_FLIGHT = 2;

/**
 * A body at least this long is checksummed on a worker thread (chunkChecksumOffThread): at a million episodes (1.2 GB)
 * its CRC took 1.3 s of the thread that restores the saved catalogue meanwhile, and the index waited for both. A small
 * one is not worth a thread's start.
 */
const CHECKSUM_OFF_THREAD_BYTES = 64 * 1024 * 1024;

/**
 * The saved index, checked: a missing file, another format, a wrong length or CRC is an error (and not trusted). The
 * header is read and checked first (an outdated file is refused without reading its body); then the body is read once,
 * in chunks, its CRC-32 computed chunk by chunk as read (no whole-file Buffer, no second copy, no extra pass). Each
 * table `tables` finds in it (the topic index's) is read straight into a SharedArrayBuffer of its own, exactly its
 * size, which the index then uses as it is (as a compaction worker does); the rest (ids, strings: read into strings by
 * the load, then dropped) into the body. Without `tables`, or when they cannot be found (a body of another format, which
 * the load then refuses), the whole body is read into one SharedArrayBuffer (`tables` null: always). With `first`, the
 * parts it names (the saved catalogue) are read before the rest and handed over unchecked (see TopicIndexStorage.read);
 * they are checksummed in their place in the order as the rest is read. A body of `checksumOffThreadBytes` or more is
 * checksummed on a worker thread, this one only reading and handing the chunks over.
 */
export async function readTopicIndex(
  file: string,
  chunkBytes = READ_CHUNK_BYTES,
  tables: BodyTables | null = Library.savedTableRanges,
  first?: ReadFirst,
  checksumOffThreadBytes = CHECKSUM_OFF_THREAD_BYTES,
): Promise<Result<SavedTopicIndex>> {
  let handle: FileHandle;
  let checksum: ChunkChecksum | undefined;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    return err((error as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is none yet' : `it cannot be read (${String(error)})`);
  }
  try {
    const size = (await handle.stat()).size;
    const prefix = Buffer.alloc(16);
    if (size < 16 || !(await readFully(handle, prefix, 16, 0)) || !prefix.subarray(0, 8).equals(MAGIC)) return err('it is not a Podcord topic index');
    const headerLength = prefix.readUInt32LE(8);
    if (16 + headerLength > size) return err('it is cut short');
    const header = Buffer.alloc(headerLength);
    if (!(await readFully(handle, header, headerLength, 16))) return err('it is cut short');
    const bodyAt = 16 + headerLength;
    const bodyLength = size - bodyAt;
    const parsed = parseHeader(header, bodyLength);
    if (!parsed.ok) return parsed;
    const ranges = tables === null ? [] : await tableRanges(handle, bodyAt, bodyLength, tables);
    // Not filled where the tables are: those pages are never touched (nor resident), and the body is dropped after the load.
    const body = ranges.length > 0 ? new Uint8Array(bodyLength) : new Uint8Array(new SharedArrayBuffer(bodyLength));
    // Read first (and not again below), where they lie in the body outside the tables: handed over unchecked.
    const early = first === undefined ? [] : (await tableRanges(handle, bodyAt, bodyLength, first.ranges)).filter(([start, end]) => !ranges.some(([s, e]) => start < e && s < end)).map(([start, end]) => [start, end] as const);
    for (const [start, end] of early) {
      if (!(await readFully(handle, Buffer.from(body.buffer, body.byteOffset + start, end - start), end - start, bodyAt + start))) return err('it is cut short');
    }
    if (early.length > 0) first?.unchecked({ versions: parsed.value, body });
    const placed = new Map<number, Uint8Array>();
    checksum = bodyLength >= checksumOffThreadBytes ? chunkChecksumOffThread() : chunkChecksumHere();
    checksum.add(header);
    // The body in order, a chunk at a time, the next chunks read while this one is checksummed: each gap into the
    // body, each table into its own buffer; what was read first is only checksummed.
    const readRange = async (into: Uint8Array, intoAt: number, from: number, to: number): Promise<boolean> => {
      const inFlight: Promise<{ at: number; length: number }>[] = [];
      let next = from;
      const issue = (): void => {
        while (inFlight.length < READS_IN_FLIGHT && next < to) {
          const at = next;
          const length = Math.min(chunkBytes, to - at);
          next += length;
          const done = into === body && early.some(([s, e]) => s <= at && at + length <= e);
          const reading = done
            ? Promise.resolve(true)
            : handle.read(into, intoAt + (at - from), length, bodyAt + at).then(({ bytesRead }) =>
                // A read may stop short of what was asked: the rest is read after it (none at all: cut short).
                bytesRead === length || (bytesRead > 0 && readFully(handle, Buffer.from(into.buffer, into.byteOffset + intoAt + (at - from) + bytesRead, length - bytesRead), length - bytesRead, bodyAt + at + bytesRead)),
              );
          const chunk = reading.then((whole) => ({ at, length: whole ? length : 0 }));
          // Awaited in order below; one left behind by a failure before it must not be an unhandled rejection.
          chunk.catch(() => {});
          inFlight.push(chunk);
        }
      };
      issue();
      while (inFlight.length > 0) {
        const chunk = await inFlight.shift()!;
        if (chunk.length === 0) {
          await Promise.allSettled(inFlight);
          return false;
        }
        issue();
        checksum!.add(into.subarray(intoAt + (chunk.at - from), intoAt + (chunk.at - from) + chunk.length));
      }
      return true;
    };
    let at = 0;
    // The gaps split where what was read first starts and ends (so a chunk is wholly read first or not).
    const cuts = early.flat();
    for (const [start, end, room = 0] of [...ranges, [bodyLength, bodyLength] as const]) {
      for (const cut of [...cuts.filter((c) => at < c && c < start), start]) {
        if (!(await readRange(body, at, at, cut))) return err('it is cut short');
        at = cut;
      }
      if (end > start) {
        // Exactly its size, with room after it for a table that grows as passages are added (withRoom).
        const table = new Uint8Array(room > 0 ? withRoom(end - start, room) : new SharedArrayBuffer(end - start), 0, end - start);
        if (!(await readRange(table, 0, start, end))) return err('it is cut short');
        placed.set(start, table);
      }
      at = end;
    }
    if ((await checksum.result()) !== prefix.readUInt32LE(12)) return err('its checksum does not match (corrupt or cut short)');
    return ok({ versions: parsed.value, body, ...(placed.size > 0 && { tables: placed }) });
  } catch (error) {
    return err(`it cannot be read (${String(error)})`);
  } finally {
    checksum?.close();
    await handle.close().catch(() => {});
  }
}

/** The tables' ranges in a body not read yet, checked to be ascending and apart within it; none when not found. */
async function tableRanges(handle: FileHandle, bodyAt: number, bodyLength: number, tables: BodyTables): Promise<(readonly [number, number, number?])[]> {
  try {
    const ranges = await tables(async (at, length) => {
      const bytes = Buffer.alloc(length);
      if (at < 0 || at + length > bodyLength || !(await readFully(handle, bytes, length, bodyAt + at))) throw new Error('cut short');
      return bytes;
    }, bodyLength);
    let end = 0;
    for (const [start, stop, room = 0] of ranges) {
      if (!Number.isSafeInteger(start) || !Number.isSafeInteger(stop) || start < end || stop < start || stop > bodyLength) return [];
      if (!Number.isSafeInteger(room) || room < 0) return [];
      end = stop;
    }
    return [...ranges];
  } catch {
    return [];
  }
}

async function readFully(handle: FileHandle, into: Buffer, length: number, position: number): Promise<boolean> {
  for (let at = 0; at < length; ) {
    const { bytesRead } = await handle.read(into, at, length - at, position + at);
    if (bytesRead === 0) return false;
    at += bytesRead;
  }
  return true;
}

/** The header's versions, when it is of this format and says the body is `bodyLength` bytes. */
function parseHeader(header: Uint8Array, bodyLength: number): Result<Map<string, number>> {
  let parsed: { format?: unknown; versions?: unknown; bodyLength?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(header.buffer, header.byteOffset, header.byteLength).toString('utf8')) as typeof parsed;
  } catch {
    return err('its header is not readable');
  }
  if (parsed === null || typeof parsed !== 'object') return err('its header is not readable');
  if (parsed.format !== FILE_FORMAT) return err(`it is of format ${String(parsed.format)}, this build writes ${FILE_FORMAT}`);
  if (parsed.bodyLength !== bodyLength || !Array.isArray(parsed.versions)) return err('its header does not match its contents');
  return ok(new Map(parsed.versions as [string, number][]));
}

/**
 * The same checks of a whole file already in memory (what a start did before readTopicIndex read it in chunks; the
 * index load bench's "before"): the body is a view on `bytes`.
 */
export function checkTopicIndex(bytes: Uint8Array): Result<SavedTopicIndex> {
  const file = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (file.byteLength < 16 || !file.subarray(0, 8).equals(MAGIC)) return err('it is not a Podcord topic index');
  const headerLength = file.readUInt32LE(8);
  if (16 + headerLength > file.byteLength) return err('it is cut short');
  const header = file.subarray(16, 16 + headerLength);
  const body = new Uint8Array(file.buffer, file.byteOffset + 16 + headerLength, file.byteLength - 16 - headerLength);
  if (crc32(body, crc32(header)) !== file.readUInt32LE(12)) return err('its checksum does not match (corrupt or cut short)');
  const versions = parseHeader(header, body.byteLength);
  return versions.ok ? ok({ versions: versions.value, body }) : versions;
}

/** tsx's ESM register API, as an import from this module resolves it (its `import` condition, not the CommonJS one). */
function tsxEsmApi(): string {
  const cjs = createRequire(import.meta.url).resolve('tsx/esm/api');
  // dist/esm/api/index.cjs -> dist/esm/api/index.mjs: the same API for import().
  return pathToFileURL(cjs.replace(/\.cjs$/, '.mjs')).href;
}

/**
 * Brings the saved index of a database up to date on a worker thread (topicIndexWorker.ts), from its own connection:
 * the saved index loaded, what the store saved since indexed again (everything when there is no good one), and written
 * again: to `indexFile` beside a SQLite database, into the database itself for PostgreSQL (`indexFile` undefined).
 * Resolves with the worker's thread id once it is written; rejects when the worker failed (the saved index is then
 * left as it was).
 */
export function buildTopicIndexInWorker(
  databaseUrl: string,
  indexFile: string | undefined,
  signal?: AbortSignal,
): Promise<{ threadId: number; indexed: number }> {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSource ? './topicIndexWorker.ts' : './topicIndexWorker.js', import.meta.url);
  return new Promise((resolve, reject) => {
    const options = { workerData: { databaseUrl, ...(indexFile !== undefined && { indexFile }) } };
    // A worker does not inherit a test runner's or tsx's transform: from source, it registers tsx's loader (resolved
    // from here) before it imports the .ts entry.
    const worker = fromSource
      ? new Worker(
          `import(${JSON.stringify(tsxEsmApi())}).then(({ register }) => (register(), import(${JSON.stringify(entry.href)})))`,
          { ...options, eval: true },
        )
      : new Worker(fileURLToPath(entry), options);
    // Stopping the process stops the build: the file is written to a temporary name and renamed only when whole, a
    // PostgreSQL generation committed only when whole.
    const stop = (): void => void worker.terminate();
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop, { once: true });
    worker.once('exit', () => signal?.removeEventListener('abort', stop));
    let result: { threadId: number; indexed: number } | undefined;
    worker.once('message', (message: { threadId: number; indexed: number }) => (result = message));
    worker.once('error', reject);
    worker.once('exit', (code) => (result !== undefined ? resolve(result) : reject(new Error(`the topic index worker exited with ${code}`))));
  });
}

/** How long the timer's saves wait for a busy process at most (see TopicIndexSaver.deferWhile). */
const MAX_DEFER_MS = 5 * 60_000;

/**
 * Saves the library's topic index whenever it changed, at most every `intervalMs` (never while a start still loads
 * it): from this library, a snapshot written a piece at a time (Library.saveIndexStream: what the bot does beside a
 * SQLite database, no second index in memory), or on a worker thread from the store (`inWorker`: PostgreSQL's
 * builder). The store's versions are read before the snapshot is taken or the index built, so a podcast saved in
 * between is at worst indexed again at the next start, never trusted stale; one the store holds newer than the library
 * at the snapshot (notVouchingFor) is not vouched for either. The library's save assumes the library holds every other
 * podcast as the store does: it runs once the start's catch-up is done (app.ts starts the timer then).
 */
export class TopicIndexSaver {
  #saved = -1;
  #saving: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly #stopping = new AbortController();
  #busy: (() => boolean) | undefined;
  /** When the timer first found the process busy, since its last save; undefined while it was not. */
  #deferredSince: number | undefined;
  /** Ticks of the timer that waited for the process to be less busy (for the log and tests). */
  deferrals = 0;

  readonly #storage: TopicIndexStorage;

  constructor(
    private readonly o: {
      store: Store;
      library: Library;
      log: Logger;
      intervalMs?: number;
      /** How long the timer's saves wait for a busy process at most (deferWhile). Default 5 minutes. */
      maxDeferMs?: number;
      chunkBytes?: number;
      /**
       * The database a worker thread opens to build and save the index from the store (buildTopicIndexInWorker) instead
       * of saving this library's: a second index in memory while it runs (PostgreSQL's builder, one at a time).
       */
      inWorker?: { databaseUrl: string };
      /**
       * Runs a save only when this process may (PostgreSQL: it holds the builder's lease, one process at a time);
       * undefined when another one does it now. Default: always.
       */
      exclusive?: <T>(work: () => Promise<T>) => Promise<T | undefined>;
    } & ({ file: string } | { storage: TopicIndexStorage }),
  ) {
    this.#storage = 'storage' in o ? o.storage : topicIndexFileStorage(o.file, o.chunkBytes);
  }

  /** What the file holds is what the library held at this index generation (after a load, nothing new to save). */
  markSaved(generation: number): void {
    this.#saved = generation;
  }

  /**
   * The timer's saves wait while `busy()` says so (a poll cycle running: FeedPoller.busy), at most `maxDeferMs`
   * (default 5 minutes) in a row. A save writes the whole index (at a million episodes a core for half a minute and
   * more): on a worker thread beside a poll cycle's parsing and saving on a machine of two cores it made the cycle about
   * 3.7 times as long, and on this thread in slices it would share the thread with the cycle. `saveNow` itself never
   * waits.
   */
  deferWhile(busy: () => boolean): void {
    this.#busy = busy;
  }

  /**
   * Podcasts the store may hold newer than this library now (saved, their library update not ended yet:
   * FeedPoller.unsettled). A save from this library does not vouch for them at the store's version, so the next start
   * indexes them again rather than trust what the library held of them.
   */
  notVouchingFor(unsettled: () => ReadonlySet<string>): void {
    this.#unsettled = unsettled;
  }

  #unsettled: (() => ReadonlySet<string>) | undefined;

  start(): void {
    if (this.#stopping.signal.aborted) return;
    this.#timer = setInterval(() => this.#tick(), this.o.intervalMs ?? 30_000);
    this.#timer.unref();
  }

  #tick(): void {
    if (this.#busy?.() === true && this.o.library.indexGeneration !== this.#saved && this.#saving === undefined) {
      const now = performance.now();
      if (this.#deferredSince === undefined) {
        this.#deferredSince = now;
        this.o.log.debug('topic index save deferred: the process is busy (a poll cycle)');
      }
      if (now - this.#deferredSince < (this.o.maxDeferMs ?? MAX_DEFER_MS)) {
        this.deferrals++;
        return;
      }
    }
    this.#deferredSince = undefined;
    void this.saveNow().catch(() => {});
  }

  /** Saves now if the index changed since the last save (one save at a time); resolves when written. */
  async saveNow(): Promise<void> {
    if (this.#saving) return this.#saving;
    if (this.#stopping.signal.aborted) return;
    const { library } = this.o;
    if (library.loading.topics || library.indexGeneration === this.#saved) return;
    const exclusive = this.o.exclusive ?? ((work) => work());
    this.#saving = exclusive(() => this.#save())
      .then(() => undefined)
      .finally(() => (this.#saving = undefined));
    return this.#saving;
  }

  async #save(): Promise<void> {
    const { store, library, log } = this.o;
    const started = performance.now();
    if (this.o.inWorker !== undefined) {
      const generation = library.indexGeneration;
      try {
        const file = 'file' in this.o ? this.o.file : undefined;
        const done = await buildTopicIndexInWorker(this.o.inWorker.databaseUrl, file, this.#stopping.signal);
        this.#saved = generation;
        log.debug({ ...done, ms: Math.round(performance.now() - started) }, 'topic index saved by a worker thread');
      } catch (error) {
        log.warn({ err: error }, 'the topic index could not be saved; the next start rebuilds what it lacks');
        throw error;
      }
      return;
    }
    try {
      const versions = await store.catalogVersions();
      // The snapshot, the generation and the podcasts still settling, in one turn (nothing changes in between).
      const generation = library.indexGeneration;
      const stream = library.saveIndexStream();
      if (stream === undefined) return;
      const unsettled = this.#unsettled?.() ?? new Set<string>();
      // Only podcasts that are in the store are vouched for (the samples are indexed at every start anyway), each held
      // whole and as the store holds it: one the store saved and this library has not taken in yet is left for the
      // next start to index again.
      const held = new Map<string, number>();
      for (const id of stream.whole) {
        const version = versions.get(id);
        if (version !== undefined && !unsettled.has(id)) held.set(id, version);
      }
      const plan = stream.plan();
      const turns = new Turns();
      let step = plan.next();
      for (; step.done !== true; step = plan.next()) await turns.pause();
      const bytes = step.value;
      const chunks = untilAborted(stream.chunks(), this.#stopping.signal);
      if (this.#storage.writeStream !== undefined) await this.#storage.writeStream(held, bytes, chunks);
      else await this.#storage.write(held, Buffer.concat(Array.from(chunks, (chunk) => chunk.slice())));
      this.#saved = generation;
      log.debug({ bytes, where: this.#storage.where, ms: Math.round(performance.now() - started) }, 'topic index saved');
    } catch (error) {
      log.warn({ err: error }, 'the topic index could not be saved; the next start rebuilds what it lacks');
      throw error;
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#stopping.abort();
    await this.#saving?.catch(() => {});
  }
}

/** The chunks, until `signal` aborts (the process stopping): then an error, so the writer drops what it wrote. */
function* untilAborted<T>(chunks: Iterable<T>, signal: AbortSignal): Generator<T, void, void> {
  for (const chunk of chunks) {
    if (signal.aborted) throw new Error('stopped while saving the topic index');
    yield chunk;
  }
}
