import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { loadConfig } from '../config.js';
import { err, ok, type Result } from '../data/model.js';
import { databaseKind } from '../store/databaseUrl.js';
import { parseSqliteUrl } from '../store/SqliteStore.js';

/**
 * `npm run db:backup -- <file> [--force]`: a consistent copy of the SQLite database DATABASE_URL names, taken while the
 * bot runs, with SQLite's online backup API (better-sqlite3's `db.backup`).
 */

const USAGE = `Usage: npm run db:backup -- <file> [--force]

Copies the SQLite database DATABASE_URL names (the environment or .env, as npm start reads it) into <file>, while the
bot runs: SQLite's online backup reads one consistent snapshot of it, so the copy holds every change saved before
that moment and none after, and the bot goes on answering and saving meanwhile (a reader never blocks SQLite's
writer in WAL mode). The copy is checked (PRAGMA integrity_check) and written under another name first, so <file>
is either a whole backup or left as it was. To restore it, see README, Backups.

  --force      replace <file> if it exists (without it an existing file is refused)
  -h, --help   show this text

Relative paths are from the working directory. For PostgreSQL use pg_dump, or npm run db:copy -- --to sqlite:<file>.`;

/** How long the backup's connection waits for a lock inside SQLite: nothing here answers anyone meanwhile. */
const BUSY_TIMEOUT_MS = 10_000;

export interface BackupReport {
  source: string;
  target: string;
  bytes: number;
  podcasts: number;
  episodes: number;
  follows: number;
  ms: number;
}

/** The database file DATABASE_URL names, or why there is none to back up. */
function sourceFile(url: string): Result<string> {
  const kind = databaseKind(url);
  if (kind === 'postgres') {
    return err('DATABASE_URL names a PostgreSQL database: back it up with pg_dump, or copy it into a SQLite file with npm run db:copy -- --to sqlite:<file>.');
  }
  const location = parseSqliteUrl(url);
  if (!location.ok) return location;
  if (location.value === ':memory:') return err('DATABASE_URL is sqlite::memory:, a database that lives only inside one process: there is no file to back up.');
  let isFile: boolean;
  try {
    isFile = statSync(location.value).isFile();
  } catch {
    return err(`There is no database file ${location.value} (DATABASE_URL). Relative paths are from ${process.cwd()}.`);
  }
  return isFile ? ok(location.value) : err(`${location.value} (DATABASE_URL) is not a file.`);
}

/**
 * Backs `source` up into `target` (replaced only with `force`). The pages are copied in as few steps as SQLite allows:
 * each step reads one snapshot, and a write by the bot between two steps would make SQLite start the copy over.
 */
export async function backupDatabase(source: string, target: string, options: { force?: boolean } = {}): Promise<Result<BackupReport>> {
  const resolvedTarget = path.resolve(target);
  if (resolvedTarget === path.resolve(source)) return err(`${target} is the database itself; name another file.`);
  if (!options.force && existsSync(resolvedTarget)) return err(`${target} already exists; --force replaces it.`);
  const t0 = performance.now();
  let db: Database.Database;
  try {
    // Read-only: a backup never changes what it copies.
    db = new Database(source, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  } catch (error) {
    return err(`Could not open ${source}: ${(error as Error).message}`);
  }
  const partial = `${resolvedTarget}.partial-${process.pid}`;
  try {
    if (db.pragma('user_version', { simple: true }) === 0) return err(`${source} holds no Podcord database (its schema version is 0).`);
    // Every remaining page in the next step (better-sqlite3 would copy 100 at a time).
    await db.backup(partial, { progress: ({ remainingPages }) => Math.max(remainingPages, 100) });
  } catch (error) {
    rmSync(partial, { force: true });
    return err(`The backup of ${source} failed: ${(error as Error).message}`);
  } finally {
    db.close();
  }
  // The copy is checked before it takes the name: a bad backup is worse than none.
  let counts: { podcasts: number; episodes: number; follows: number };
  try {
    const copy = new Database(partial, { fileMustExist: true });
    try {
      const check = copy.pragma('integrity_check', { simple: true });
      if (check !== 'ok') throw new Error(`integrity_check says ${String(check)}`);
      const count = (table: string): number => (copy.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
      counts = { podcasts: count('podcasts'), episodes: count('episodes'), follows: count('follows') };
      // One self-contained file: closing the last connection folds any -wal into it.
    } finally {
      copy.close();
    }
    renameSync(partial, resolvedTarget);
  } catch (error) {
    rmSync(partial, { force: true });
    for (const suffix of ['-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true });
    return err(`The copy of ${source} could not be checked, so ${target} was not written: ${(error as Error).message}`);
  }
  return ok({ source, target, bytes: statSync(resolvedTarget).size, ...counts, ms: performance.now() - t0 });
}

export async function main(argv: readonly string[], out: NodeJS.WritableStream, errOut: NodeJS.WritableStream): Promise<number> {
  let args;
  try {
    args = parseArgs({ args: [...argv], allowPositionals: true, options: { force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    errOut.write(`db:backup: ${(error as Error).message}\n\n${USAGE}\n`);
    return 1;
  }
  if (args.values.help) {
    out.write(`${USAGE}\n`);
    return 0;
  }
  const [target, ...extra] = args.positionals;
  if (target === undefined || extra.length > 0) {
    errOut.write(`db:backup: name one file to write the backup to.\n\n${USAGE}\n`);
    return 1;
  }
  const config = loadConfig();
  if (!config.ok) {
    errOut.write(`db:backup: DATABASE_URL names the database, but the configuration is not valid: ${config.error}\n`);
    return 1;
  }
  const source = sourceFile(config.value.databaseUrl);
  if (!source.ok) {
    errOut.write(`db:backup: ${source.error}\n`);
    return 1;
  }
  const backup = await backupDatabase(source.value, target, { force: args.values.force === true });
  if (!backup.ok) {
    errOut.write(`db:backup: ${backup.error}\n`);
    return 1;
  }
  const { podcasts, episodes, follows, bytes, ms } = backup.value;
  out.write(
    `Backed up ${source.value} to ${target}: ${podcasts} podcasts, ${episodes} episodes, ${follows} follows, ` +
      `${(bytes / 1e6).toFixed(1)} MB in ${(ms / 1000).toFixed(1)} s (integrity checked).\n`,
  );
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2), process.stdout, process.stderr);
}
