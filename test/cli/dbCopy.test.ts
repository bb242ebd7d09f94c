import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { COPIED_TABLES } from '../../src/store/copyStore.js';
import { openPostgresStore, type PostgresStore } from '../../src/store/PostgresStore.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/SqliteStore.js';
import { asAdmin, createTestDatabase, type TestDatabase } from '../support/postgresDatabase.js';
import { LEDGER, everyRow, everythingTheStoreSays, fillAsTheBotDoes, longFeed } from '../store/copyFixture.js';
import { FEED, bareEpisode, fullEpisode, podcast } from '../store/storeContract.js';

/**
 * `npm run db:copy` as a user runs it: a real child process between a SQLite file the bot's own store methods filled
 * and a database on the run's PostgreSQL server, then the stores opened on the copy.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'podcord-dbcopy-'));
const databases: TestDatabase[] = [];
const stores: (SqliteStore | PostgresStore)[] = [];
let files = 0;

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});
afterAll(async () => {
  for (const database of databases.splice(0)) await database.drop();
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs db:copy in a child process: through npm as the README says, or with node and tsx as npm would. */
function dbCopy(args: readonly string[], options: { npm?: boolean; env?: Record<string, string> } = {}): Promise<Run> {
  const [command, prefix] = options.npm === true ? ['npm', ['run', 'db:copy', '--']] : [process.execPath, ['--import', 'tsx', 'src/cli/dbCopy.ts']];
  const child = spawn(command, [...prefix, ...args], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function sqlitePath(): string {
  return path.join(dir, `podcord-${++files}.db`);
}

function openSqlite(file: string): SqliteStore {
  const opened = openSqliteStore(`sqlite:${file}`);
  if (!opened.ok) throw new Error(opened.error);
  stores.push(opened.value);
  return opened.value;
}

async function openPostgres(url: string): Promise<PostgresStore> {
  const opened = await openPostgresStore(url);
  if (!opened.ok) throw new Error(opened.error);
  stores.push(opened.value);
  return opened.value;
}

async function newDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  databases.push(database);
  return database;
}

/** A SQLite file as a bot that ran on it for a while leaves it, closed. */
async function botDatabase(): Promise<string> {
  const file = sqlitePath();
  const store = openSqlite(file);
  await fillAsTheBotDoes(store);
  await store.close();
  return file;
}

const masked = (url: string): string => {
  const shown = new URL(url);
  shown.password = '***';
  return shown.href;
};

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

describe('npm run db:copy', () => {
  it('moves a bot from SQLite to PostgreSQL: every answer of the store the same, nothing announced twice', { timeout: 120_000 }, async () => {
    const file = await botDatabase();
    const database = await newDatabase();
    const password = new URL(database.url).password;

    // As the README says: the new database in DATABASE_URL, so its password is on no command line (npm echoes it).
    const run = await dbCopy(['--from', `sqlite:${file}`], { npm: true, env: { DATABASE_URL: database.url } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Copying sqlite:${file} to ${masked(database.url)} (DATABASE_URL) in one transaction...\n`);
    expect(run.stdout).toContain(`Copied sqlite:${file} to ${masked(database.url)} (schema version `);
    const source = openSqlite(file);
    const rows = await everyRow(source.tables());
    for (const table of COPIED_TABLES) expect(run.stdout).toMatch(new RegExp(`\\n  ${table} +${rows[table]?.length}\\n`));
    expect(run.stdout).toMatch(/\n {2}episodes +2503\n/);
    expect(`${run.stdout}${run.stderr}`).not.toContain(password);

    const copy = await openPostgres(database.url);
    expect(await everythingTheStoreSays(copy)).toStrictEqual(await everythingTheStoreSays(source));
    expect(await everyRow(copy.tables())).toStrictEqual(rows);

    // What a bot started on the copy goes by: the sent post stays sent, the pending and failed ones stay where they
    // were, so of the feed's episodes only the one never seen nor announced is still to announce, per guild.
    const ids = longFeed.map((e) => e.id);
    expect(await copy.wasAnnounced('guild-1', FEED, 'e2499')).toBe(true);
    expect(await copy.unannouncedEpisodes('guild-1', FEED, ids)).toEqual(['e2498']);
    expect(await copy.unannouncedEpisodes('guild-2', FEED, ids)).toEqual([]);
    expect((await copy.pendingIntents()).map((a) => [a.guildId, a.episodeId, a.nonce, a.attempts])).toEqual([
      ['guild-1', fullEpisode.id, 'nonce-pending', 0],
      ['guild-2', fullEpisode.id, 'nonce-retry', 1],
    ]);
    expect((await copy.pendingPublishes()).map((a) => a.messageId)).toEqual(['msg-publish']);
    expect(await copy.getFetchState(FEED)).toMatchObject({ etag: '"v1-abc"', lastModified: 'Wed, 01 May 2024 12:00:00 GMT' });
    for (const key of LEDGER) expect(await copy.getAnnouncement(...key)).toStrictEqual(await source.getAnnouncement(...key));
  });

  it('refuses a target that holds data, leaving it as it was; --force replaces it', { timeout: 120_000 }, async () => {
    const database = await newDatabase();
    const first = sqlitePath();
    const small = openSqlite(first);
    await small.savePodcast(podcast, [bareEpisode('only')]);
    await small.follow('guild-old', FEED, { seenEpisodeIds: ['only'], now: new Date(5) });
    await small.close();
    expect((await dbCopy(['--from', `sqlite:${first}`, '--to', database.url])).code).toBe(0);
    const target = await openPostgres(database.url);
    const before = await everyRow(target.tables());

    const file = await botDatabase();
    const refused = await dbCopy(['--from', `sqlite:${file}`, '--to', database.url]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'db:copy: The target already holds data (podcasts: 1, episodes: 1, feed_state: 1, follows: 1, seen_episodes: 1). Nothing was copied. Use --force to delete it and replace it with the source.\n',
    );
    expect(await everyRow(target.tables())).toStrictEqual(before);

    const forced = await dbCopy(['--from', `sqlite:${file}`, '--to', database.url, '--force']);
    expect(forced.stderr).toBe('');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain(
      '--force: deleted the 5 rows the target held before (podcasts: 1, episodes: 1, feed_state: 1, follows: 1, seen_episodes: 1).',
    );
    const source = openSqlite(file);
    expect(await everyRow(target.tables())).toStrictEqual(await everyRow(source.tables()));
    expect(await everythingTheStoreSays(target)).toStrictEqual(await everythingTheStoreSays(source));
    expect(await target.listFollows('guild-old')).toEqual([]);
  });

  it('copies PostgreSQL back into a new SQLite file (a backup, or a way back)', { timeout: 120_000 }, async () => {
    const database = await newDatabase();
    const original = await openPostgres(database.url);
    await fillAsTheBotDoes(original);
    const file = path.join(dir, 'backup', `podcord-${++files}.db`);

    const run = await dbCopy(['--from', database.url, '--to', `sqlite:${file}`]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Copied ${masked(database.url)} to sqlite:${file} (schema version `);
    const copy = openSqlite(file);
    expect(await everyRow(copy.tables())).toStrictEqual(await everyRow(original.tables()));
    expect(await everythingTheStoreSays(copy)).toStrictEqual(await everythingTheStoreSays(original));
  });

  it('never creates a missing source, and then creates no target either', { timeout: 120_000 }, async () => {
    const missing = path.join(dir, 'nowhere', 'podcord.db');
    const target = sqlitePath();
    const run = await dbCopy(['--from', `sqlite:${missing}`, '--to', `sqlite:${target}`]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `db:copy: The source sqlite:${missing} does not exist (no file ${missing}); db:copy never creates the database it copies from. Relative paths are from ${root.replace(/\/$/, '')}.\n`,
    );
    expect(existsSync(path.dirname(missing))).toBe(false);
    expect(existsSync(target)).toBe(false);

    const relative = await dbCopy(['--from', 'sqlite:data/does-not-exist-here.db', '--to', `sqlite:${target}`]);
    expect(relative.stderr).toContain(`(no file ${path.join(root, 'data', 'does-not-exist-here.db')})`);
    expect(existsSync(path.join(root, 'data', 'does-not-exist-here.db'))).toBe(false);

    mkdirSync(path.join(dir, 'a-directory.db'));
    const notFile = await dbCopy(['--from', `sqlite:${path.join(dir, 'a-directory.db')}`, '--to', `sqlite:${target}`]);
    expect(notFile.stderr).toBe(`db:copy: The source sqlite:${path.join(dir, 'a-directory.db')} is not a file (${path.join(dir, 'a-directory.db')}).\n`);
  });

  it('refuses a source that holds no Podcord database instead of creating one in it', { timeout: 120_000 }, async () => {
    const empty = sqlitePath();
    writeFileSync(empty, '');
    const target = sqlitePath();
    const run = await dbCopy(['--from', `sqlite:${empty}`, '--to', `sqlite:${target}`]);
    expect([run.code, run.stdout, run.stderr]).toEqual([
      1,
      '',
      `db:copy: The source: Could not open the database ${empty}: it holds no Podcord database (its schema version is 0)\n`,
    ]);
    expect(statSync(empty).size).toBe(0);
    expect(existsSync(target)).toBe(false);

    const text = sqlitePath();
    writeFileSync(text, 'not a database at all, just some text that is long enough to have a header');
    const notSqlite = await dbCopy(['--from', `sqlite:${text}`, '--to', `sqlite:${target}`]);
    expect(notSqlite.stderr).toBe(`db:copy: The source: Could not open the database ${text}: file is not a database\n`);

    const database = await newDatabase();
    const other = await dbCopy(['--from', database.url, '--to', `sqlite:${target}`]);
    expect(other.stderr).toBe(
      `db:copy: The source: Could not open the database ${masked(database.url)}: it holds no Podcord database (it has no schema_migrations table)\n`,
    );
    const tables = await asAdmin(
      async (client) => (await client.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`)).rows,
      database.name,
    );
    expect(tables).toEqual([]);
    expect(existsSync(target)).toBe(false);
  });

  it('explains the URLs it cannot use without echoing them', { timeout: 120_000 }, async () => {
    const file = await botDatabase();
    const cases: [string[], string][] = [
      [['--from', 'mysql://podcord:hunter2-secret@db.internal/podcord', '--to', `sqlite:${sqlitePath()}`], 'db:copy: --from is a mysql: URL; use sqlite:<path> or postgres://user:password@host:port/database.\n'],
      [['--from', `sqlite:${file}`, '--to', 'postgres://podcord:pa/hunter2-secret@db.internal/podcord'], 'db:copy: The target: postgres:(not a valid URL) is not a PostgreSQL URL; use postgres://user:password@host:port/database (percent-encode special characters in the password).\n'],
      [['--from', 'sqlite::memory:', '--to', `sqlite:${sqlitePath()}`], 'db:copy: --from sqlite::memory: is a database that lives only inside one process: there is nothing to copy from it.\n'],
      [['--from', `sqlite:${file}`, '--to', 'sqlite::memory:'], 'db:copy: --to sqlite::memory: is a database that lives only inside one process: the copy would be lost.\n'],
      [['--from', `sqlite:${file}`, '--to', `sqlite://${file}`], 'db:copy: --from and --to name the same database file.\n'],
      [['--from', `sqlite:${file}`, '--to', 'sqlite:'], 'db:copy: --to: sqlite: names no file; use e.g. sqlite:data/podcord.db or sqlite::memory:.\n'],
    ];
    for (const [args, expected] of cases) {
      const run = await dbCopy(args);
      expect([run.code, run.stdout, run.stderr]).toEqual([1, '', expected]);
    }
    const positional = await dbCopy(['--from', `sqlite:${file}`, 'postgres://podcord:hunter2-secret@db.internal/podcord']);
    expect(positional.code).toBe(1);
    expect(positional.stderr).toMatch(/^db:copy: Unexpected argument '…'/);
    expect(positional.stderr).not.toContain('hunter2-secret');
    const neither = await dbCopy([]);
    expect(neither.code).toBe(1);
    expect(neither.stderr).toMatch(/^db:copy: give --from, --to or both \(one left out is DATABASE_URL\)\.\n\nUsage: npm run db:copy/);
    const configured = await dbCopy(['--from', `sqlite:${file}`], { env: { DATABASE_URL: `sqlite:${file}` } });
    expect(configured.stderr).toBe('db:copy: --from and --to name the same database file (--to was left out, so DATABASE_URL names it).\n');
    const badConfig = await dbCopy(['--to', `sqlite:${sqlitePath()}`], { env: { DATABASE_URL: 'mysql://podcord:hunter2-secret@db/podcord' } });
    expect(badConfig.stderr).toMatch(/^db:copy: --from was left out, so DATABASE_URL names it, but the configuration is not valid: Invalid configuration:\n {2}DATABASE_URL: must be/);
    expect(badConfig.stderr).not.toContain('hunter2-secret');
  });

  it('reports an unreachable server and refused credentials without the password', { timeout: 120_000 }, async () => {
    const file = await botDatabase();
    const port = await closedPort();
    const unreachable = await dbCopy(['--from', `sqlite:${file}`, '--to', `postgres://podcord:hunter2-secret@127.0.0.1:${port}/podcord`]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(new RegExp(`^db:copy: The target: Could not open the database postgres://podcord:\\*\\*\\*@127\\.0\\.0\\.1:${port}/podcord: .*ECONNREFUSED`));
    expect(unreachable.stderr + unreachable.stdout).not.toContain('hunter2-secret');

    const database = await newDatabase();
    const wrong = new URL(database.url);
    wrong.password = 'not-the-password-7c1';
    const refused = await dbCopy(['--from', wrong.href, '--to', `sqlite:${sqlitePath()}`]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`db:copy: The source: Could not open the database ${masked(wrong.href)}: password authentication failed`);
    expect(refused.stderr + refused.stdout).not.toContain('not-the-password-7c1');
  });

  it('says in --help what --force deletes', async () => {
    const run = await dbCopy(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: npm run db:copy -- --from <database URL> \[--to <database URL>\] \[--force\]\n/);
    expect(run.stdout).toContain('Either one left out is DATABASE_URL');
    expect(run.stdout).toContain('--force      the target may hold data: DELETE every podcast, episode, follow, setting, fetch state, ledger row');
    expect(run.stdout).toContain('Stop every Podcord process using either database first');
  });
});
