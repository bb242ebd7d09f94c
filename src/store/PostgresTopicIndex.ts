import type { Pool } from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { crc32 } from 'node:zlib';
import { err, ok, type Result } from '../data/model.js';
import { inTransaction } from './inTransaction.js';
import type { SavedTopicIndex, TopicIndexStorage } from './topicIndexFile.js';

/**
 * The saved topic index on PostgreSQL (migration 11): what the workers build, for every process on the database to
 * load instead of analysing every passage. A generation is a header row (the format, the version of every podcast it
 * holds, the body's length and CRC-32 of versions and body) and the body in chunks, written in one transaction that
 * also deletes the older generations: a reader (one REPEATABLE READ snapshot) sees a whole generation or the one
 * before, and a writer killed halfway leaves nothing of its own. One process at a time builds (`whileLeased`, a lease
 * like a feed's: its owner is the process's registry id, renewed while it works, given back by endProcess when the
 * process is found dead).
 */

/** Bump when the header changes meaning. The body carries its own format (Library.serializeIndex). */
const FORMAT = 1;
/** A chunk of the body: well under bytea's 1 GB, and one at a time in memory beside the body while reading. */
const CHUNK_BYTES = 8 * 1024 * 1024;
/** While no good generation is there, how often a process that only loads looks for a new one (see waitForNewer). */
const WAIT_POLL_MS = 1000;

export class PostgresTopicIndex implements TopicIndexStorage {
  readonly where = 'PostgreSQL';
  /** The newest generation read (good or not): waitForNewer waits for one after it. */
  #lastRead = 0;

  readonly #pool: Pool;

  constructor(
    pool: Pool,
    private readonly o: { chunkBytes?: number; pollMs?: number } = {},
  ) {
    this.#pool = pool;
  }

  /** The newest generation's number, 0 when there is none. */
  async newest(): Promise<number> {
    const result = await this.#pool.query<{ generation: string | null }>('SELECT max(generation)::text AS generation FROM topic_index_generations');
    return Number(result.rows[0]?.generation ?? 0);
  }

  /** The newest generation, checked: none, another format, a wrong length or CRC is an error (and not trusted). */
  read(): Promise<Result<SavedTopicIndex>> {
    // One snapshot: a generation written meanwhile (and the older ones it deletes) does not change what is read.
    return inTransaction(this.#pool, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', async (client): Promise<Result<SavedTopicIndex>> => {
      const [header] = (
        await client.query<{ generation: string; format: number; versions: string; body_length: string; crc32: string }>(
          `SELECT generation::text, format, versions, body_length::text, crc32::text FROM topic_index_generations
           ORDER BY generation DESC LIMIT 1`,
        )
      ).rows;
      if (header === undefined) return err('there is none yet');
      const generation = Number(header.generation);
      this.#lastRead = generation;
      if (header.format !== FORMAT) return err(`generation ${generation} is of format ${header.format}, this build writes ${FORMAT}`);
      const length = Number(header.body_length);
      // On a SharedArrayBuffer: the index's tables are loaded as views on it, not copied (SearchIndex.load).
      const body = new Uint8Array(new SharedArrayBuffer(length));
      const versionsText = Buffer.from(header.versions, 'utf8');
      let crc = crc32(versionsText);
      let at = 0;
      // A chunk at a time, straight into the body, its CRC as it comes (no second pass). (As hex text: node-postgres's
      // binary results decode every field as UTF-8 text first, which mangles bytes.)
      for (let seq = 0; at < length; seq++) {
        const chunk = await client.query<{ bytes: Buffer }>('SELECT bytes FROM topic_index_chunks WHERE generation = $1 AND seq = $2', [
          header.generation,
          seq,
        ]);
        const bytes = chunk.rows[0]?.bytes;
        if (bytes === undefined || at + bytes.byteLength > length) return err(`generation ${generation} is cut short or too long`);
        body.set(bytes, at);
        crc = crc32(bytes, crc);
        at += bytes.byteLength;
      }
      if (crc !== Number(header.crc32)) return err(`generation ${generation}: its checksum does not match (corrupt)`);
      let versions: unknown;
      try {
        versions = JSON.parse(header.versions);
      } catch {
        return err(`generation ${generation}: its versions are not readable`);
      }
      if (!Array.isArray(versions)) return err(`generation ${generation}: its versions are not readable`);
      return ok({ versions: new Map(versions as [string, number][]), body, generation });
    });
  }

  /** A new generation, whole or not at all; the older ones go in the same transaction. */
  async write(versions: ReadonlyMap<string, number>, body: Uint8Array): Promise<void> {
    const versionsText = JSON.stringify([...versions]);
    const checksum = crc32(body, crc32(Buffer.from(versionsText, 'utf8')));
    const chunkBytes = this.o.chunkBytes ?? CHUNK_BYTES;
    await inTransaction(this.#pool, 'BEGIN', async (client) => {
      const inserted = await client.query<{ generation: string }>(
        `INSERT INTO topic_index_generations (format, versions, body_length, crc32, written_at) VALUES ($1, $2, $3, $4, now())
         RETURNING generation::text`,
        [FORMAT, versionsText, body.byteLength, checksum],
      );
      const generation = inserted.rows[0]!.generation;
      for (let at = 0, seq = 0; at < body.byteLength; at += chunkBytes, seq++) {
        // A view, not a copy: node-postgres sends a Buffer parameter as binary.
        const chunk = Buffer.from(body.buffer, body.byteOffset + at, Math.min(chunkBytes, body.byteLength - at));
        await client.query('INSERT INTO topic_index_chunks (generation, seq, bytes) VALUES ($1, $2, $3)', [generation, seq, chunk]);
      }
      await client.query('DELETE FROM topic_index_generations WHERE generation < $1', [generation]);
    });
  }

  /**
   * Resolves true once a generation newer than the last one read is there, false when `signal` aborts first. Polled:
   * it runs only while a process has no good index (a first deployment before a worker saved one, or a corrupt one),
   * one index-only query a second; a notification on the change feed would be lost while the listening connection is
   * down, so a poll would be needed beside it anyway.
   */
  async waitForNewer(signal?: AbortSignal): Promise<boolean> {
    while (!signal?.aborted) {
      if ((await this.newest()) > this.#lastRead) return true;
      await sleep(this.o.pollMs ?? WAIT_POLL_MS, undefined, { signal }).catch(() => undefined);
    }
    return false;
  }

  /**
   * Runs `work` while holding the builder's lease, renewed every third of its length; undefined without running it
   * when another process holds a live one. The lease is given back when `work` settles.
   */
  async whileLeased<T>(lease: { owner: string; ms: number }, work: () => Promise<T>): Promise<T | undefined> {
    if (!(await this.#take(lease))) return undefined;
    const renew = setInterval(() => void this.#take(lease).catch(() => false), Math.max(1, lease.ms / 3));
    renew.unref();
    try {
      return await work();
    } finally {
      clearInterval(renew);
      await this.#pool
        .query('UPDATE topic_index_builder SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1', [lease.owner])
        .catch(() => undefined);
    }
  }

  /** Takes (or extends) the lease when it is free, expired or already this owner's; by the server's clock alone. */
  async #take(lease: { owner: string; ms: number }): Promise<boolean> {
    const taken = await this.#pool.query(
      `UPDATE topic_index_builder SET lease_owner = $1, lease_until = now() + make_interval(secs => $2)
       WHERE lease_owner IS NULL OR lease_owner = $1 OR lease_until < now()`,
      [lease.owner, lease.ms / 1000],
    );
    return (taken.rowCount ?? 0) > 0;
  }
}
