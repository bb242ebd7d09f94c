import type Database from 'better-sqlite3';
import { quoteIdentifier, type TableAccess, type TableReader, type TableWriter } from './TableAccess.js';

/**
 * SQLite keeps a feed's state in three tables (migration 10: the wide row, its check times, its lease) where
 * PostgreSQL keeps one row: the copy sees SQLite's as the one feed_state, with PostgreSQL's columns, so either side
 * copies into the other unchanged (feed_checks and feed_leases are not copied as tables: see NOT_COPIED_TABLES). The id
 * linking them is SQLite's own and is given anew when a copy writes them.
 */
const FEED_STATE_COLUMNS = ['last_checked_at', 'next_check_at', 'lease_owner', 'lease_until'];
const FEED_STATE_ROWS = `(SELECT f.*, c.last_checked_at, c.next_check_at, l.owner AS lease_owner, l.until AS lease_until
  FROM feed_state f JOIN feed_checks c ON c.id = f.id LEFT JOIN feed_leases l ON l.id = f.id)`;

/** The table's rows as a FROM clause: feed_state with its check times and lease. */
function rowsOf(table: string): string {
  return table === 'feed_state' ? FEED_STATE_ROWS : quoteIdentifier(table);
}

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
    const columns = (this.#db.pragma(`table_info(${quoteIdentifier(table)})`) as { name: string }[]).map((column) => column.name);
    return table === 'feed_state' ? [...columns.filter((name) => name !== 'id'), ...FEED_STATE_COLUMNS] : columns;
  }

  async readSnapshot<T>(work: (read: TableReader) => Promise<T>): Promise<T> {
    const db = this.#db;
    // In WAL mode a read transaction sees the database as it was at its first read, whatever is written meanwhile.
    db.exec('BEGIN');
    try {
      const result = await work({
        count: async (table) => db.prepare(`SELECT count(*) FROM ${rowsOf(table)}`).pluck().get() as number,
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
      .prepare(`SELECT ${columns.map(quoteIdentifier).join(', ')} FROM ${rowsOf(table)}`)
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
        // feed_state's check times and leases go with it (ON DELETE CASCADE).
        clear: async (table) => db.prepare(`DELETE FROM ${quoteIdentifier(table)}`).run().changes,
        insert: async (table, columns, rows) => {
          if (table === 'feed_state') return this.#insertFeedStates(columns, rows);
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

  /** Rows with PostgreSQL's feed_state columns, into SQLite's feed_state, feed_checks and feed_leases. */
  #insertFeedStates(columns: readonly string[], rows: readonly unknown[][]): void {
    const db = this.#db;
    const wide = columns.filter((name) => !FEED_STATE_COLUMNS.includes(name));
    const insertWide = db.prepare(
      `INSERT INTO feed_state (id, ${wide.map(quoteIdentifier).join(', ')})
       VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM feed_state), ${wide.map(() => '?').join(', ')})`,
    );
    const insertChecks = db.prepare(`INSERT INTO feed_checks (id, last_checked_at, next_check_at) SELECT id, ?, ? FROM feed_state WHERE url = ?`);
    const insertLease = db.prepare(`INSERT INTO feed_leases (until, id, owner) SELECT ?, id, ? FROM feed_state WHERE url = ?`);
    for (const row of rows) {
      const value = (name: string): unknown => toSqlite(row[columns.indexOf(name)] ?? null);
      insertWide.run(wide.map(value));
      insertChecks.run(value('last_checked_at'), value('next_check_at'), value('url'));
      if (value('lease_owner') !== null && value('lease_until') !== null) insertLease.run(value('lease_until'), value('lease_owner'), value('url'));
    }
  }
}

/** A value read from either store as SQLite keeps it: times as integer milliseconds, flags as 0/1. */
function toSqlite(value: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}
