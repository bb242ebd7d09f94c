import type Database from 'better-sqlite3';
import { quoteIdentifier, type TableAccess, type TableReader, type TableWriter } from './TableAccess.js';

/**
 * SQLite's tables for db:copy (see TableAccess), on the connection of a SqliteStore opened for the copy alone. Times
 * are stored as integer milliseconds and flags as 0/1 (migrations.ts), so a Date or a boolean read from PostgreSQL is
 * written as one of those; everything else goes in as it comes.
 */
export class SqliteTables implements TableAccess {
  readonly kind = 'sqlite';
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
    // The bot's store never lets SQLite wait for a lock (it would block the event loop); a one-off copy may wait a
    // little for a backup or a sqlite3 shell to let go instead of failing at once.
    db.pragma('busy_timeout = 5000');
  }

  async schemaVersion(): Promise<number> {
    return this.#db.pragma('user_version', { simple: true }) as number;
  }

  async tableNames(): Promise<string[]> {
    return this.#db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`)
      .pluck()
      .all() as string[];
  }

  async columnNames(table: string): Promise<string[]> {
    return (this.#db.pragma(`table_info(${quoteIdentifier(table)})`) as { name: string }[]).map((column) => column.name);
  }

  async readSnapshot<T>(work: (read: TableReader) => Promise<T>): Promise<T> {
    const db = this.#db;
    // In WAL mode a read transaction sees the database as it was at its first read, whatever is written meanwhile.
    db.exec('BEGIN');
    try {
      const result = await work({
        count: async (table) => db.prepare(`SELECT count(*) FROM ${quoteIdentifier(table)}`).pluck().get() as number,
        rows: (table, columns, batchSize) => this.#rows(table, columns, batchSize),
      });
      db.exec('COMMIT');
      return result;
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw error;
    }
  }

  async *#rows(table: string, columns: readonly string[], batchSize: number): AsyncGenerator<unknown[][]> {
    // A statement stepped row by row: only one batch is ever held in memory.
    const rows = this.#db
      .prepare(`SELECT ${columns.map(quoteIdentifier).join(', ')} FROM ${quoteIdentifier(table)}`)
      .raw(true)
      .iterate() as IterableIterator<unknown[]>;
    let batch: unknown[][] = [];
    for (const row of rows) {
      batch.push(row);
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  async writeTransaction<T>(work: (write: TableWriter) => Promise<T>): Promise<T> {
    const db = this.#db;
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = await work({
        count: async (table) => db.prepare(`SELECT count(*) FROM ${quoteIdentifier(table)}`).pluck().get() as number,
        clear: async (table) => db.prepare(`DELETE FROM ${quoteIdentifier(table)}`).run().changes,
        insert: async (table, columns, rows) => {
          const insert = db.prepare(
            `INSERT INTO ${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
          );
          for (const row of rows) insert.run(row.map(toSqlite));
        },
      });
      db.exec('COMMIT');
      return result;
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw error;
    }
  }
}

/** A value read from either store as SQLite keeps it: times as integer milliseconds, flags as 0/1. */
function toSqlite(value: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}
