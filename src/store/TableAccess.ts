import type { DatabaseKind } from './databaseUrl.js';

/**
 * A store's database seen as tables of rows, for copying one database into another (copyStore.ts, `npm run db:copy`):
 * what the Store interface hides on purpose (seen marks, every ledger row, the raw columns) must all move. One
 * implementation per store (SqliteTables, PostgresTables). Rows are arrays of column values in the order asked for,
 * as the database returns them: SQLite's integer milliseconds and 0/1, PostgreSQL's Dates and booleans; a writer turns
 * whatever it is given into its own column types.
 */
export interface TableAccess {
  readonly kind: DatabaseKind;
  /** The schema version of the database (both dialects count their migrations the same way). */
  schemaVersion(): Promise<number>;
  /** The schema's tables, without the database's own (sqlite_%, pg_catalog, information_schema). */
  tableNames(): Promise<string[]>;
  /** A table's column names in the schema's order; empty when there is no such table. */
  columnNames(table: string): Promise<string[]>;
  /** Runs `work` on one consistent snapshot of the database (a read transaction), however long it takes. */
  readSnapshot<T>(work: (read: TableReader) => Promise<T>): Promise<T>;
  /** Runs `work` in one write transaction: committed when it resolves, rolled back (nothing written) when it throws. */
  writeTransaction<T>(work: (write: TableWriter) => Promise<T>): Promise<T>;
}

export interface TableReader {
  count(table: string): Promise<number>;
  /** Every row of the table, values in `columns` order, at most `batchSize` rows at a time (never the whole table). */
  rows(table: string, columns: readonly string[], batchSize: number): AsyncIterable<unknown[][]>;
}

export interface TableWriter {
  count(table: string): Promise<number>;
  /** Deletes every row; returns how many there were. */
  clear(table: string): Promise<number>;
  /** Inserts the rows (values in `columns` order, as either store reads them), converted to this database's types. */
  insert(table: string, columns: readonly string[], rows: readonly unknown[][]): Promise<void>;
}

/** A table or column name as an SQL identifier (both dialects quote with double quotes). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
