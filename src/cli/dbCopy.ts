import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { err, ok, type Result } from '../data/model.js';
import { copyStore, type CopyReport } from '../store/copyStore.js';
import { databaseKind, databaseScheme, databaseUrlSecrets, maskDatabaseUrl } from '../store/databaseUrl.js';
import { openPostgresStore } from '../store/PostgresStore.js';
import { openSqliteStore, parseSqliteUrl } from '../store/SqliteStore.js';
import type { TableAccess } from '../store/TableAccess.js';

/**
 * `npm run db:copy -- [--from <URL>] [--to <URL>] [--force]`: copies a Podcord database into another, e.g. from SQLite
 * to PostgreSQL when the bot outgrows one process (see copyStore.ts for what moves and how).
 */

const USAGE = `Usage: npm run db:copy -- --from <database URL> [--to <database URL>] [--force]
       npm run db:copy -- [--from <database URL>] --to <database URL> [--force]

Copies everything a Podcord database holds into another: podcasts and episodes, follows and the episodes each server
has seen, announcement settings, feed fetch state (validators, backoff, pauses), the announcement ledger (sent,
pending and given-up posts) and the cached chapters and transcripts. A bot started on the copy keeps its history and
announces nothing twice. Stop every Podcord process using either database first: what they write meanwhile is not
copied.

  --from URL   the Podcord database to copy (never created, nor its schema): sqlite:<path> of an existing file,
               or postgres://user:password@host:port/database
  --to URL     the database to fill: postgres://... (the database must exist) or sqlite:<path> (created if missing)
               Either one left out is DATABASE_URL, read from the environment or .env as npm start reads it.
  --force      the target may hold data: DELETE every podcast, episode, follow, setting, fetch state, ledger row and
               cached file it has and replace them with the source's. Without --force a target holding any of those
               is refused and left as it was.
  -h, --help   show this text

Both databases are first brought to the schema this Podcord writes, as starting it on them would; a database written
by a newer Podcord is refused. The copy is one transaction of the target: it completes, or the target keeps none of
it. Relative sqlite: paths are from the working directory. Passwords are never shown; but a URL given on the command
line can be seen by other users of the machine (ps) and npm prints the command it runs, so name a database that
needs a password in DATABASE_URL (.env) and leave its option out.

Example, with DATABASE_URL=postgres://podcord:secret@db.internal:5432/podcord in .env:
  npm run db:copy -- --from sqlite:data/podcord.db`;

interface OpenedSide {
  /** As shown in messages: without a password. */
  shown: string;
  tables: TableAccess;
  close(): Promise<void>;
}

type Side = 'source' | 'target';

/** Opens one side of the copy: a source must already exist; an in-memory database is never either side. */
async function openSide(url: string, side: Side): Promise<Result<OpenedSide>> {
  const option = side === 'source' ? '--from' : '--to';
  const shown = maskDatabaseUrl(url);
  switch (databaseKind(url)) {
    case 'sqlite': {
      const location = parseSqliteUrl(url);
      if (!location.ok) return err(`${option}: ${location.error.replace(/^DATABASE_URL /, '')}`);
      if (location.value === ':memory:') {
        return err(`${option} sqlite::memory: is a database that lives only inside one process: ${side === 'source' ? 'there is nothing to copy from it' : 'the copy would be lost'}.`);
      }
      if (side === 'source') {
        const file = location.value;
        let isFile: boolean;
        try {
          isFile = statSync(file).isFile();
        } catch {
          return err(`The source ${shown} does not exist (no file ${file}); db:copy never creates the database it copies from. Relative paths are from ${process.cwd()}.`);
        }
        if (!isFile) return err(`The source ${shown} is not a file (${file}).`);
      }
      const opened = openSqliteStore(url, { mustExist: side === 'source' });
      if (!opened.ok) return err(`The ${side}: ${opened.error}`);
      const store = opened.value;
      return ok({ shown, tables: store.tables(), close: () => store.close() });
    }
    case 'postgres': {
      // A failure here is a value whose message shows the URL without its password.
      const opened = await openPostgresStore(url, { maxConnections: 2, mustExist: side === 'source' });
      if (!opened.ok) return err(`The ${side}: ${opened.error.replace(/^DATABASE_URL /, '')}`);
      const store = opened.value;
      return ok({ shown, tables: store.tables(), close: () => store.close() });
    }
    case undefined: {
      // Only the scheme is echoed: the rest of a database URL may hold a password.
      const scheme = databaseScheme(url);
      return err(
        `${option} is ${scheme === undefined ? 'a value without a scheme' : `a ${scheme}: URL`}; use sqlite:<path> or postgres://user:password@host:port/database.`,
      );
    }
  }
}

/** The file a sqlite: URL names, resolved through links when it exists; undefined for anything else. */
function sqliteFile(url: string): string | undefined {
  if (databaseKind(url) !== 'sqlite') return undefined;
  const location = parseSqliteUrl(url);
  if (!location.ok || location.value === ':memory:') return undefined;
  try {
    return realpathSync(location.value);
  } catch {
    return path.resolve(location.value);
  }
}

/** The two URLs: as given, the one left out read from DATABASE_URL (environment or .env, as `npm start` reads it). */
function chooseUrls(
  from: string | undefined,
  to: string | undefined,
): Result<{ from: string; to: string; configured?: '--from' | '--to' }> {
  if (from !== undefined && to !== undefined) return ok({ from, to });
  if (from === undefined && to === undefined) return err(`give --from, --to or both (one left out is DATABASE_URL).\n\n${USAGE}`);
  const configured = from === undefined ? '--from' : '--to';
  const config = loadConfig();
  if (!config.ok) return err(`${configured} was left out, so DATABASE_URL names it, but the configuration is not valid: ${config.error}`);
  const url = config.value.databaseUrl;
  return ok({ from: from ?? url, to: to ?? url, configured });
}

function describeReport(report: CopyReport, from: string, to: string): string {
  const width = Math.max(...report.copied.map((c) => c.table.length));
  const lines = [`Copied ${from} to ${to} (schema version ${report.schemaVersion}):`];
  for (const { table, rows } of report.copied) lines.push(`  ${table.padEnd(width)}  ${String(rows).padStart(9)}`);
  const total = report.copied.reduce((sum, c) => sum + c.rows, 0);
  lines.push(`  ${'rows in all'.padEnd(width)}  ${String(total).padStart(9)}`);
  if (report.replaced.length > 0) {
    const deleted = report.replaced.reduce((sum, r) => sum + r.rows, 0);
    lines.push(`--force: deleted the ${deleted} rows the target held before (${report.replaced.map((r) => `${r.table}: ${r.rows}`).join(', ')}).`);
  }
  return lines.join('\n');
}

export async function main(argv: readonly string[], out: NodeJS.WritableStream, errOut: NodeJS.WritableStream): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: [...argv],
      options: { from: { type: 'string' }, to: { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    // parseArgs quotes what it could not place, which may be a URL with its password.
    const message = (error as Error).message.replace(/'([^']*)'/g, (quoted, inner: string) => (/[:@]/.test(inner) ? "'…'" : quoted));
    errOut.write(`db:copy: ${message}\n\n${USAGE}\n`);
    return 1;
  }
  if (args.values.help === true) {
    out.write(`${USAGE}\n`);
    return 0;
  }
  const urls = chooseUrls(args.values.from, args.values.to);
  if (!urls.ok) {
    errOut.write(`db:copy: ${urls.error}\n`);
    return 1;
  }
  const { from, to, configured } = urls.value;
  const secrets = [...databaseUrlSecrets(from), ...databaseUrlSecrets(to)];
  const fail = (message: string): number => {
    errOut.write(`db:copy: ${secrets.reduce((text, secret) => text.split(secret).join('***'), message)}\n`);
    return 1;
  };
  const sameFile = sqliteFile(from);
  if (sameFile !== undefined && sameFile === sqliteFile(to)) {
    return fail(`--from and --to name the same database file${configured === undefined ? '' : ` (${configured} was left out, so DATABASE_URL names it)`}.`);
  }

  // The source first: a missing source must not leave an empty target file behind.
  const source = await openSide(from, 'source');
  if (!source.ok) return fail(source.error);
  const target = await openSide(to, 'target');
  if (!target.ok) {
    await source.value.close();
    return fail(target.error);
  }
  try {
    const named = (side: '--from' | '--to', shown: string): string => (side === configured ? `${shown} (DATABASE_URL)` : shown);
    out.write(`Copying ${named('--from', source.value.shown)} to ${named('--to', target.value.shown)} in one transaction...\n`);
    const copied = await copyStore(source.value.tables, target.value.tables, { force: args.values.force === true });
    if (!copied.ok) return fail(copied.error);
    out.write(`${describeReport(copied.value, source.value.shown, target.value.shown)}\n`);
    return 0;
  } catch (error) {
    return fail(`The copy failed and was rolled back: the target's data is as it was. ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await source.value.close().catch(() => undefined);
    await target.value.close().catch(() => undefined);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2), process.stdout, process.stderr);
}
