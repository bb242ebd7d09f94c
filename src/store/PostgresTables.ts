import type { Pool, PoolClient } from 'pg';
import { inTransaction } from './inTransaction.js';
import { quoteIdentifier, type TableAccess, type TableReader, type TableWriter } from './TableAccess.js';

/** PostgreSQL refuses a statement with more bound parameters than this. */
const MAX_PARAMETERS = 65_535;

/**
 * PostgreSQL's tables for db:copy (see TableAccess), on the pool of a PostgresStore opened for the copy alone. Reads
 * go through a cursor in one REPEATABLE READ transaction (one snapshot, one batch in memory at a time); writes convert
 * SQLite's integer milliseconds and 0/1 by the target column's type (timestamptz, boolean), since node-postgres would
 * send a number as its digits, which neither type accepts as meant.
 */
export class PostgresTables implements TableAccess {
  readonly kind = 'postgres';
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async schemaVersion(): Promise<number> {
    const result = await this.#pool.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
    return result.rows[0]?.version ?? 0;
  }

  async tableNames(): Promise<string[]> {
    const result = await this.#pool.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
       WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    return result.rows.map((row) => row.name);
  }

  async columnNames(table: string): Promise<string[]> {
    return [...(await columnTypes(this.#pool, table)).keys()];
  }

  async readSnapshot<T>(work: (read: TableReader) => Promise<T>): Promise<T> {
    return inTransaction(this.#pool, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', (client) =>
      work({ count: (table) => countRows(client, table), rows: (table, columns, batchSize) => rowsOf(client, table, columns, batchSize) }),
    );
  }

  async writeTransaction<T>(work: (write: TableWriter) => Promise<T>): Promise<T> {
    return inTransaction(this.#pool, 'BEGIN', (client) => {
      const types = new Map<string, Promise<Map<string, string>>>();
      const typesOf = (table: string): Promise<Map<string, string>> => {
        let known = types.get(table);
        if (known === undefined) types.set(table, (known = columnTypes(client, table)));
        return known;
      };
      return work({
        count: (table) => countRows(client, table),
        clear: async (table) => (await client.query(`DELETE FROM ${quoteIdentifier(table)}`)).rowCount ?? 0,
        insert: async (table, columns, rows) => {
          const typeOf = await typesOf(table);
          const convert = columns.map((column) => converterFor(typeOf.get(column)));
          const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / Math.max(1, columns.length)));
          const names = columns.map(quoteIdentifier).join(', ');
          for (let start = 0; start < rows.length; start += perStatement) {
            const chunk = rows.slice(start, start + perStatement);
            const values: unknown[] = [];
            const tuples = chunk.map((row) => {
              const placeholders = row.map((value, i) => {
                values.push((convert[i] ?? same)(value));
                return `$${values.length}`;
              });
              return `(${placeholders.join(', ')})`;
            });
            await client.query(`INSERT INTO ${quoteIdentifier(table)} (${names}) VALUES ${tuples.join(', ')}`, values);
          }
        },
      });
    });
  }
}

async function countRows(client: PoolClient, table: string): Promise<number> {
  const result = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quoteIdentifier(table)}`);
  return Number(result.rows[0]?.n ?? 0);
}

async function* rowsOf(client: PoolClient, table: string, columns: readonly string[], batchSize: number): AsyncGenerator<unknown[][]> {
  const cursor = quoteIdentifier(`podcord_copy_${table}`);
  await client.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR SELECT ${columns.map(quoteIdentifier).join(', ')} FROM ${quoteIdentifier(table)}`);
  try {
    for (;;) {
      const batch = await client.query<unknown[]>({ text: `FETCH FORWARD ${batchSize} FROM ${cursor}`, rowMode: 'array' });
      if (batch.rows.length > 0) yield batch.rows;
      if (batch.rows.length < batchSize) return;
    }
  } finally {
    // After a failed query the transaction is aborted and refuses this too; its ROLLBACK closes the cursor anyway.
    await client.query(`CLOSE ${cursor}`).catch(() => undefined);
  }
}

/** A table's columns and their types (information_schema's data_type), in the schema's order. */
async function columnTypes(db: Pick<PoolClient, 'query'>, table: string): Promise<Map<string, string>> {
  const result = await db.query<{ name: string; type: string }>(
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  return new Map(result.rows.map((row) => [row.name, row.type]));
}

const same = (value: unknown): unknown => value;

/** How a value read from either store goes into a column of this type. */
function converterFor(type: string | undefined): (value: unknown) => unknown {
  switch (type) {
    case 'timestamp with time zone':
      return (value) => (typeof value === 'number' ? new Date(value) : value);
    case 'boolean':
      return (value) => (typeof value === 'number' ? value !== 0 : value);
    default:
      return same;
  }
}
