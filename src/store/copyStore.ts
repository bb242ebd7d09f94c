import { err, ok, type Result } from '../data/model.js';
import type { TableAccess } from './TableAccess.js';

/**
 * Copying one Podcord database into another (`npm run db:copy`), table by table, so that a bot moved from SQLite to
 * PostgreSQL (or back) keeps its whole history: the catalogue, follows and seen marks, settings, fetch state with its
 * validators, the announcement ledger (so nothing sent is sent again, nothing pending is lost) and the caches.
 *
 * Every table of the schema is either in COPIED_TABLES or in NOT_COPIED_TABLES with the reason: test/store/
 * copyStore.test.ts checks both schemas against these lists, and a source table in neither stops the copy. So:
 * - a new table goes into one of the lists (a copied one after the tables its foreign keys point to, and with rows in
 *   test/store/copyFixture.ts, whose every-row comparison then covers it);
 * - a new column needs nothing here, as long as both migrations add it: the copy takes a table's columns from the
 *   source and refuses a target whose columns differ. A PostgreSQL type other than text, integer, timestamptz and
 *   boolean needs a conversion in SqliteTables/PostgresTables first (the schema test lists the known ones), and a
 *   generated key (serial, identity) would need its sequence moved too (no copied table has one).
 */

/** The tables copied, in the order they are filled: a table after those its foreign keys point to. */
export const COPIED_TABLES: readonly string[] = [
  'podcasts',
  'episodes', // references podcasts
  'chapters_cache',
  'transcripts_cache',
  'feed_state',
  'follows',
  'seen_episodes',
  'announcement_settings',
  'announcements',
  'feed_credentials', // a private feed's login, kept apart from its address
  'guild_pauses', // a server's announcements stopped on a lost channel, with the reason /feed list shows
  'live_shows', // each server's scheduled event and "live now" post for a live item: not made twice after the move
];

/** Tables of the schema that are not copied, and why. */
export const NOT_COPIED_TABLES: Readonly<Record<string, string>> = {
  processes: 'the registry of the processes running on that database now (heartbeats, shares of the request budget); the target has its own',
  channel_info: 'a cache of what Discord says of a channel, read again over REST when it is missing',
  guild_info: "a cache of a server's locale as Discord gives it, read again over REST when it is missing",
  topic_index_generations: "the topic index the workers built (PostgreSQL only): the target's workers build their own from the copied catalogue",
  topic_index_chunks: 'the body of each saved topic index generation, as above',
  topic_index_builder: 'which process of that database builds the topic index now (a lease)',
  feed_checks:
    "SQLite's feed check times (apart from feed_state so that a 304 writes a small row): copied as feed_state's last_checked_at and next_check_at columns, as PostgreSQL keeps them (SqliteTables)",
  feed_leases:
    "SQLite's feed leases (apart from feed_state, a row only while leased): copied as feed_state's lease_owner and lease_until columns, as PostgreSQL keeps them (SqliteTables)",
  schema_migrations:
    "PostgreSQL's record of the migrations applied to that database (SQLite keeps it in user_version); each database keeps its own, and the copy requires both at the same version",
};

/** Rows read from the source and written to the target at a time: memory stays flat whatever the catalogue's size. */
export const DEFAULT_BATCH_SIZE = 1000;

export interface CopyOptions {
  /** Replace what the target holds instead of refusing a target with data. */
  force?: boolean;
  batchSize?: number;
}

export interface CopyReport {
  schemaVersion: number;
  /** Rows copied per table, in COPIED_TABLES order. */
  copied: { table: string; rows: number }[];
  /** With `force`: the rows the target held before, per table, that the copy replaced (only tables that had any). */
  replaced: { table: string; rows: number }[];
}

/** Thrown inside the target's transaction to roll it back with a message for the user. */
class CopyRefused extends Error {}

/**
 * Copies every table of `source` into `target` in one transaction of the target (all or nothing) from one snapshot of
 * the source, in batches. Refused (a value, nothing written): schemas at different versions or with different
 * tables or columns, a source table this build does not know, an empty source, a target that holds data (unless
 * `force`, which deletes it first, in the same transaction). A database error is thrown, after the target's
 * transaction rolled back.
 */
export async function copyStore(source: TableAccess, target: TableAccess, options: CopyOptions = {}): Promise<Result<CopyReport>> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) return err(`The batch size must be a positive whole number, not ${batchSize}.`);

  const [sourceVersion, targetVersion] = [await source.schemaVersion(), await target.schemaVersion()];
  if (sourceVersion !== targetVersion) {
    return err(
      `The source's schema is version ${sourceVersion} and the target's ${targetVersion}: copy only between databases this Podcord has brought to the same version.`,
    );
  }

  const known = new Set([...COPIED_TABLES, ...Object.keys(NOT_COPIED_TABLES)]);
  const columns = new Map<string, string[]>();
  for (const [side, access] of [['source', source], ['target', target]] as const) {
    const tables = await access.tableNames();
    // A source table left behind would be history lost; the target's other tables are not touched.
    const unknown = side === 'source' ? tables.filter((table) => !known.has(table)) : [];
    if (unknown.length > 0) {
      return err(`The source has tables this Podcord does not know how to copy: ${unknown.join(', ')}. Nothing was copied.`);
    }
    const missing = COPIED_TABLES.filter((table) => !tables.includes(table));
    if (missing.length > 0) return err(`The ${side} has no table ${missing.join(', ')}. Nothing was copied.`);
  }
  for (const table of COPIED_TABLES) {
    const from = await source.columnNames(table);
    const to = await target.columnNames(table);
    const differ = [...from.filter((c) => !to.includes(c)), ...to.filter((c) => !from.includes(c))];
    if (differ.length > 0) {
      return err(`The table ${table} has different columns in the source and the target (${differ.join(', ')}). Nothing was copied.`);
    }
    columns.set(table, from);
  }

  try {
    const report = await target.writeTransaction((write) =>
      source.readSnapshot(async (read) => {
        const expected = new Map<string, number>();
        for (const table of COPIED_TABLES) expected.set(table, await read.count(table));
        if ([...expected.values()].every((rows) => rows === 0)) {
          // Most likely the wrong database; with force it would only empty the target.
          throw new CopyRefused('The source holds no Podcord data (every table is empty): there is nothing to copy. Nothing was changed.');
        }
        const held: { table: string; rows: number }[] = [];
        for (const table of COPIED_TABLES) {
          const rows = await write.count(table);
          if (rows > 0) held.push({ table, rows });
        }
        if (held.length > 0 && options.force !== true) {
          throw new CopyRefused(
            `The target already holds data (${held.map((h) => `${h.table}: ${h.rows}`).join(', ')}). Nothing was copied. ` +
              'Use --force to delete it and replace it with the source.',
          );
        }
        const replaced: { table: string; rows: number }[] = [];
        for (const table of [...COPIED_TABLES].reverse()) {
          if (!held.some((h) => h.table === table)) continue;
          replaced.unshift({ table, rows: await write.clear(table) });
        }
        const copied: { table: string; rows: number }[] = [];
        for (const table of COPIED_TABLES) {
          const names = columns.get(table) ?? [];
          let rows = 0;
          for await (const batch of read.rows(table, names, batchSize)) {
            await write.insert(table, names, batch);
            rows += batch.length;
          }
          // One snapshot: what was read is what was counted. Anything else is a bug, and rolls the copy back.
          if (rows !== expected.get(table)) throw new Error(`read ${rows} rows of ${table} where the source counted ${expected.get(table)}`);
          copied.push({ table, rows });
        }
        return { schemaVersion: sourceVersion, copied, replaced };
      }),
    );
    return ok(report);
  } catch (error) {
    if (error instanceof CopyRefused) return err(error.message);
    throw error;
  }
}
