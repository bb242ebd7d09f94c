/**
 * A poll cycle over 1,000 followed feeds served by a local HTTP server: the first cycle loads them all (200s, parse,
 * save, index), then a steady-state cycle where most answer 304 and 5% have a new episode (200 -> parse -> save ->
 * library). Feeds are spread over 100 host names (all resolving to 127.0.0.1) so the per-host limit (2) and the overall
 * limit (8) both apply, as they would against real hosts.
 *
 *   npx tsx bench/poll.ts      (or runPollBench() from the bench runner)
 *
 * Peer: a naive loop that fetches the same feeds one after the other with a conditional GET and parses each 200
 * (what a simple RSS bot does), without saving anything. Printed: cycle time, requests/s, peak RSS growth.
 *
 * Then the stores (runStoreBench): the same two cycles over BENCH_STORE_FEEDS feeds (default 10,000) on SQLite with one
 * poller process, and on PostgreSQL (started here as the tests start theirs, and removed after) with one and with two
 * worker processes: cycle time, ms and database ms per feed, requests, RSS, and ratios to SQLite and to one worker
 * (BENCH_STORES=sqlite or =postgres runs only those).
 * A third cycle where nothing changed (every feed a 304) shows what a poll costs: bytes the database wrote to its
 * write-ahead log per feed (goal: under 1 KB) and TCP connections the feed server accepted (reused, not one a feed).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { parseFeed } from '../src/data/feed/parseFeed.js';
import { Library } from '../src/data/library.js';
import { createLogger } from '../src/logger.js';
import { FeedPoller } from '../src/sources/feedPoller.js';
import { ParsePool } from '../src/sources/ParsePool.js';
import { PollSchedule } from '../src/sources/PollSchedule.js';
import { openStore } from '../src/store/openStore.js';
import { openSqliteStore } from '../src/store/SqliteStore.js';
import { episode, episodes, rss, type FixtureFeed } from '../test/integration/support.js';
import { startPostgresProcess } from '../test/support/startPostgresProcess.js';
import type { CycleReport, WorkerReply, WorkerRequest } from './pollWorker.js';

const FEEDS = Number(process.env['BENCH_FEEDS'] ?? 1000);
const EPISODES = 20;
const HOSTS = 100;
const CHANGED = 0.05;

interface Served {
  feed: FixtureFeed;
  body: string;
  etag: string;
}

function serve(feed: FixtureFeed, origin: string): Served {
  const body = rss(feed, origin);
  return { feed, body, etag: `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"` };
}

async function measure<T>(fn: () => Promise<T>): Promise<{ ms: number; peakRssMb: number; value: T }> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { ms, peakRssMb: (peak - base) / 1024 / 1024, value };
}

export async function runPollBench(): Promise<void> {
  const served = new Map<string, Served>();
  let requests = 0;
  let notModified = 0;
  const server = http.createServer((req, res) => {
    requests++;
    const entry = served.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (!entry) return void res.writeHead(404).end();
    if (req.headers['if-none-match'] === entry.etag) {
      notModified++;
      return void res.writeHead(304, { etag: entry.etag }).end();
    }
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag: entry.etag }).end(entry.body);
  });
  server.keepAliveTimeout = 1;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const urls: string[] = [];
  for (let i = 0; i < FEEDS; i++) {
    const path = `/feed-${i}.xml`;
    const origin = `http://host-${i % HOSTS}.bench.test:${port}`;
    served.set(path, serve({ title: `Bench Show ${i}`, episodes: episodes(`s${i}`, EPISODES) }, origin));
    urls.push(`${origin}${path}`);
  }
  const change = (): void => {
    for (let i = 0; i < FEEDS * CHANGED; i++) {
      const path = `/feed-${Math.floor((i / (FEEDS * CHANGED)) * FEEDS)}.xml`;
      const entry = served.get(path)!;
      const next = { ...entry.feed, episodes: [...entry.feed.episodes, episode(entry.feed.episodes[0]!.guid.split('-')[0]!, entry.feed.episodes.length + 1)] };
      served.set(path, serve(next, `http://${new URL(urls[0]!).host}`));
    }
  };

  const store = openSqliteStore('sqlite::memory:');
  if (!store.ok) throw new Error(store.error);
  const library = new Library();
  let time = Date.now();
  const parsers = new ParsePool();
  const poller = new FeedPoller({
    store: store.value,
    library,
    log: createLogger({ level: 'silent' }),
    schedule: new PollSchedule({ intervalSeconds: 600 }),
    parsers,
    allowPrivateNetwork: true,
    fetchOptions: { lookup: async () => [{ address: '127.0.0.1', family: 4 }] },
    now: () => new Date(time),
  });
  for (const url of urls) await store.value.trackFeed(url);

  const rows: string[][] = [];
  const row = (name: string, r: { ms: number; peakRssMb: number }, count: number, note: string): void => {
    rows.push([name, `${r.ms.toFixed(0)} ms`, `${((count / r.ms) * 1000).toFixed(0)}`, `${r.peakRssMb.toFixed(1)} MB`, note]);
  };

  requests = 0;
  const first = await measure(() => poller.pollOnce());
  row('Podcord, first cycle (all 200)', first, requests, `${first.value.filter((o) => o.status === 'updated').length} saved`);

  change();
  time += 700_000;
  requests = 0;
  notModified = 0;
  const steady = await measure(() => poller.pollOnce());
  const updated = steady.value.filter((o) => o.status === 'updated').length;
  row('Podcord, steady cycle', steady, requests, `${notModified} × 304, ${updated} × 200 saved`);

  // Peer: sequential conditional GETs with the validators from the previous cycle, parse on 200, nothing saved.
  const etags = new Map<string, string>();
  for (const url of urls) etags.set(url, served.get(new URL(url).pathname)!.etag);
  change();
  requests = 0;
  notModified = 0;
  const naive = await measure(async () => {
    let parsed = 0;
    for (const url of urls) {
      const path = new URL(url).pathname;
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { 'if-none-match': etags.get(url)! } });
      if (res.status === 200) {
        const bytes = new Uint8Array(await res.arrayBuffer());
        if (parseFeed(bytes, { feedUrl: url }).ok) parsed++;
        etags.set(url, res.headers.get('etag') ?? '');
      } else {
        await res.arrayBuffer();
      }
    }
    return parsed;
  });
  row('naive sequential loop (peer)', naive, requests, `${notModified} × 304, ${naive.value} × 200 parsed, not saved`);

  // The same steady cycle again for Podcord, after the same change, for a like-for-like comparison.
  time += 700_000;
  requests = 0;
  notModified = 0;
  const again = await measure(() => poller.pollOnce());
  row('Podcord, steady cycle (same change)', again, requests, `${notModified} × 304, ${again.value.filter((o) => o.status === 'updated').length} × 200 saved`);

  process.stdout.write(`\nPoll cycle: ${FEEDS} feeds of ${EPISODES}+ episodes on ${HOSTS} hosts (127.0.0.1), limits ${poller.limits.total} overall / ${poller.limits.perHost} per host\n`);
  const header = ['', 'cycle', 'requests/s', 'peak RSS +', ''];
  const widths = header.map((_, c) => Math.max(...[header, ...rows].map((r) => r[c]!.length)));
  for (const r of [header, ...rows]) process.stdout.write(`  ${r.map((cell, c) => (c === 0 || c === 4 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')}\n`);
  process.stdout.write(`  Podcord / naive (steady cycle time): ${(again.ms / naive.ms).toFixed(2)}×\n`);

  await poller.stop();
  await parsers.close();
  await store.value.close();
  await new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

  await runStoreBench();
}

/** Feeds in the store bench (SQLite, PostgreSQL with 1 and 2 workers). */
const STORE_FEEDS = Number(process.env['BENCH_STORE_FEEDS'] ?? 10_000);
/** Which of the store bench's scenarios run (`sqlite`, `postgres`: both PostgreSQL rows); all of them by default. */
const STORE_KINDS = (process.env['BENCH_STORES'] ?? 'sqlite,postgres').split(',').map((kind) => kind.trim());

interface FeedServerCounts {
  requests: number;
  notModified: number;
  /** TCP connections the feed server accepted. */
  connections: number;
}

/** A local feed server for STORE_FEEDS feeds, each changeable; bodies are made once per state and reused. */
async function feedServer(count: number): Promise<{ urls: string[]; reset(): void; change(): void; counts: FeedServerCounts; close(): Promise<void> }> {
  const served = new Map<string, Served>();
  const counts: FeedServerCounts = { requests: 0, notModified: 0, connections: 0 };
  const server = http.createServer((req, res) => {
    counts.requests++;
    const entry = served.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (!entry) return void res.writeHead(404).end();
    if (req.headers['if-none-match'] === entry.etag) {
      counts.notModified++;
      return void res.writeHead(304, { etag: entry.etag }).end();
    }
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag: entry.etag }).end(entry.body);
  });
  // Node's default keep-alive (5 s, announced in a Keep-Alive header), as a feed host would keep it: a poller that
  // reuses connections can, one that does not opens one per request. Every TCP connection accepted is counted.
  server.on('connection', () => counts.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const urls = Array.from({ length: count }, (_, i) => `http://host-${i % HOSTS}.bench.test:${port}/feed-${i}.xml`);
  const initial = new Map(urls.map((url, i) => [new URL(url).pathname, serve({ title: `Bench Show ${i}`, episodes: episodes(`s${i}`, EPISODES) }, new URL(url).origin)]));
  return {
    urls,
    counts,
    reset: () => {
      served.clear();
      for (const [key, value] of initial) served.set(key, value);
    },
    change: () => {
      for (let i = 0; i < count * CHANGED; i++) {
        const url = urls[Math.floor((i / (count * CHANGED)) * count)]!;
        const entry = served.get(new URL(url).pathname)!;
        const next = { ...entry.feed, episodes: [...entry.feed.episodes, episode(entry.feed.episodes[0]!.guid.split('-')[0]!, entry.feed.episodes.length + 1)] };
        served.set(new URL(url).pathname, serve(next, new URL(url).origin));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}


/** A poller process (bench/pollWorker.ts) and a way to ask it things one at a time. */
async function startPollWorker(databaseUrl: string): Promise<{ ask(request: WorkerRequest): Promise<WorkerReply>; stop(): Promise<void> }> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./pollWorker.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ask = (request: WorkerRequest): Promise<WorkerReply> =>
    new Promise((resolve, reject) => {
      const gone = (): void => reject(new Error('a bench poller process exited'));
      child.once('exit', gone);
      child.once('message', (m) => {
        child.off('exit', gone);
        const message = m as WorkerReply;
        if (message.kind === 'error') reject(new Error(message.error));
        else resolve(message);
      });
      child.send(request);
    });
  await ask({ kind: 'open', databaseUrl });
  return {
    ask,
    async stop() {
      if (child.connected) child.send({ kind: 'stop' } satisfies WorkerRequest);
      await exited;
    },
  };
}

interface CycleFigures {
  ms: number;
  checked: number;
  updated: number;
  notModified: number;
  dbMs: number;
  dbCalls: number;
  requests: number;
  /** Peak RSS of the biggest poller process. */
  rssMb: number;
  /** CPU time of the poller processes together. */
  cpuMs: number;
  /** Feeds checked by each process. */
  split: number[];
  /** PostgreSQL only: the server's own time executing statements in the database (pg_stat_database.active_time). */
  serverMs?: number;
  /** TCP connections the feed server accepted during the cycle. */
  connections: number;
  /** Bytes the database wrote to its write-ahead log during the cycle (see walMeter). */
  walBytes: number;
}

/**
 * Bytes written to the database's write-ahead log over a stretch of work: what a cycle costs the disk.
 * SQLite: the WAL is emptied (a TRUNCATE checkpoint) and a read transaction is held open on it from another connection
 * until the end, so no checkpoint can copy frames back and start the WAL over: its growth is every frame appended.
 * PostgreSQL: the distance the WAL insert position moved (the server's whole WAL, full-page images after a checkpoint
 * included; nothing else runs on the bench's server).
 */
interface WalMeter {
  start(): Promise<void>;
  /** Bytes since start(). */
  stop(): Promise<number>;
}

function sqliteWalMeter(file: string): WalMeter {
  const db = new Database(file);
  db.pragma('busy_timeout = 10000');
  return {
    async start() {
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.exec('BEGIN');
      db.prepare('SELECT count(*) FROM sqlite_master').pluck().get();
    },
    async stop() {
      const wal = `${file}-wal`;
      const bytes = existsSync(wal) ? statSync(wal).size : 0;
      db.exec('COMMIT');
      return bytes;
    },
  };
}

function postgresWalMeter(admin: pg.Client): WalMeter {
  let from = '';
  return {
    async start() {
      from = (await admin.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn() AS lsn')).rows[0]!.lsn;
    },
    async stop() {
      const found = await admin.query<{ bytes: string }>('SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), $1) AS bytes', [from]);
      return Number(found.rows[0]?.bytes ?? 0);
    },
  };
}

/** One cycle on every process at once, timed from the go to the last one done. */
async function cycleAll(
  workers: Awaited<ReturnType<typeof startPollWorker>>[],
  clockOffsetMs: number,
  counts: FeedServerCounts,
  wal: WalMeter,
  serverTime?: () => Promise<number>,
): Promise<CycleFigures> {
  const serverBefore = await serverTime?.();
  counts.requests = 0;
  counts.notModified = 0;
  counts.connections = 0;
  await wal.start();
  const t0 = performance.now();
  const reports = (await Promise.all(workers.map((w) => w.ask({ kind: 'cycle', clockOffsetMs })))) as (CycleReport & { kind: 'cycled' })[];
  const ms = performance.now() - t0;
  const walBytes = await wal.stop();
  const connections = counts.connections;
  const sum = (f: (r: CycleReport) => number): number => reports.reduce((total, r) => total + f(r), 0);
  const checkedBy = (r: CycleReport): number => Object.values(r.outcomes).reduce((a, b) => a + b, 0);
  const serverAfter = await serverTime?.();
  return {
    ...(serverBefore !== undefined && serverAfter !== undefined && { serverMs: serverAfter - serverBefore }),
    ms,
    connections,
    walBytes,
    checked: sum(checkedBy),
    updated: sum((r) => r.outcomes['updated'] ?? 0),
    notModified: sum((r) => r.outcomes['not-modified'] ?? 0),
    dbMs: sum((r) => r.dbMs),
    dbCalls: sum((r) => r.dbCalls),
    requests: counts.requests,
    rssMb: Math.max(...reports.map((r) => r.peakRssMb)),
    cpuMs: sum((r) => r.cpuMs),
    split: reports.map(checkedBy),
  };
}

/**
 * The same two cycles (first: every feed a 200; steady: mostly 304, 5% with a new episode) over STORE_FEEDS feeds on
 * SQLite with one poller process, and on PostgreSQL with one and with two, each on a fresh database. Every poller is a
 * child process composed like `--role worker` (bench/pollWorker.ts); the feed server runs in this process. On a
 * 2-core machine the feed server, PostgreSQL and the pollers share the cores, so two workers cannot show two
 * machines' worth of speed: what the 2-worker row shows is that the feeds are split between them without overlap and
 * what the leases and the change feed cost, as a ratio to one worker.
 */
export async function runStoreBench(): Promise<void> {
  const feeds = await feedServer(STORE_FEEDS);
  const postgres = STORE_KINDS.includes('postgres') ? await startPostgresProcess("The bench's") : undefined;
  const scratch = await mkdtemp(path.join(tmpdir(), 'podcord-bench-'));
  const admin = postgres === undefined ? undefined : new pg.Client({ connectionString: postgres.adminUrl });
  await admin?.connect();
  const results: { name: string; workers: number; first: CycleFigures; steady: CycleFigures; quiet: CycleFigures }[] = [];
  try {
    const scenarios = [
      { name: 'SQLite, 1 process', kind: 'sqlite', workers: 1 },
      { name: 'PostgreSQL, 1 worker', kind: 'postgres', workers: 1 },
      { name: 'PostgreSQL, 2 workers', kind: 'postgres', workers: 2 },
    ] as const;
    for (const [index, scenario] of scenarios.entries()) {
      if (!STORE_KINDS.includes(scenario.kind)) continue;
      let databaseUrl: string;
      let serverTime: (() => Promise<number>) | undefined;
      let wal: WalMeter | undefined;
      if (scenario.kind === 'sqlite') {
        databaseUrl = `sqlite:${path.join(scratch, `bench-${index}.db`)}`;
      } else if (postgres !== undefined && admin !== undefined) {
        wal = postgresWalMeter(admin);
        const url = new URL(postgres.adminUrl);
        url.pathname = `/podcord_bench_${index}`;
        await admin.query(`CREATE DATABASE podcord_bench_${index}`);
        databaseUrl = url.href;
        const name = `podcord_bench_${index}`;
        serverTime = async () => {
          // A backend sends its statistics when idle for a second: wait for them, then read a fresh snapshot.
          await new Promise((resolve) => setTimeout(resolve, 2000));
          await admin.query('SELECT pg_stat_clear_snapshot()');
          const found = await admin.query<{ ms: number }>('SELECT active_time AS ms FROM pg_stat_database WHERE datname = $1', [name]);
          return Number(found.rows[0]?.ms ?? 0);
        };
      } else {
        continue;
      }
      const seeded = await openStore(databaseUrl);
      if (!seeded.ok) throw new Error(seeded.error);
      for (let i = 0; i < feeds.urls.length; i += 100) await Promise.all(feeds.urls.slice(i, i + 100).map((url) => seeded.value.trackFeed(url)));
      await seeded.value.close();
      wal ??= sqliteWalMeter(databaseUrl.slice('sqlite:'.length));
      feeds.reset();
      const workers = await Promise.all(Array.from({ length: scenario.workers }, () => startPollWorker(databaseUrl)));
      try {
        const first = await cycleAll(workers, 0, feeds.counts, wal, serverTime);
        feeds.change();
        // Past the poll interval (600 s, jittered by 10%): every feed is due again.
        const steady = await cycleAll(workers, 700_000, feeds.counts, wal, serverTime);
        // Nothing changed: every feed answers 304.
        const quiet = await cycleAll(workers, 1_400_000, feeds.counts, wal, serverTime);
        results.push({ name: scenario.name, workers: scenario.workers, first, steady, quiet });
        process.stdout.write(
          `  ${scenario.name}: done (feeds per process ${first.split.join(' + ')} first, ${steady.split.join(' + ')} steady, ${quiet.split.join(' + ')} all 304)\n`,
        );
      } finally {
        await Promise.all(workers.map((w) => w.stop()));
      }
    }
  } finally {
    await admin?.end();
    await postgres?.stop();
    await rm(scratch, { recursive: true, force: true });
    await feeds.close();
  }

  // Ratios to the SQLite row and to one worker, where those ran (BENCH_STORES).
  const sqlite = results.find((r) => r.name.startsWith('SQLite')) ?? results[0]!;
  const one = results.find((r) => r.name === 'PostgreSQL, 1 worker') ?? results[0]!;
  const perFeed = (c: CycleFigures, ms: number): string => (c.checked === 0 ? '-' : (ms / c.checked).toFixed(2));
  const header = ['', 'first cycle', 'steady cycle', 'ms/feed', 'DB ms/feed', 'server ms/feed', 'poller CPU ms/feed', 'requests', 'peak RSS', 'vs SQLite', 'vs 1 worker'];
  const rows = results.map((r) => [
    r.name,
    `${(r.first.ms / 1000).toFixed(1)} s`,
    `${(r.steady.ms / 1000).toFixed(1)} s`,
    perFeed(r.steady, r.steady.ms),
    perFeed(r.steady, r.steady.dbMs),
    r.steady.serverMs === undefined ? '-' : perFeed(r.steady, r.steady.serverMs),
    perFeed(r.steady, r.steady.cpuMs),
    `${r.steady.requests}`,
    `${r.steady.rssMb.toFixed(0)} MB`,
    `${(r.steady.ms / sqlite.steady.ms).toFixed(2)}×`,
    r === sqlite ? '' : `${(r.steady.ms / one.steady.ms).toFixed(2)}×`,
  ]);
  process.stdout.write(
    `\nStores: ${STORE_FEEDS} feeds (BENCH_STORE_FEEDS) of ${EPISODES}+ episodes on ${HOSTS} hosts; each poller a child process composed like --role worker\n` +
      `  (steady cycle: ${sqlite.steady.notModified} × 304, ${sqlite.steady.updated} × 200 saved; per-feed columns and ratios are of the steady cycle)\n`,
  );
  const widths = header.map((_, c) => Math.max(...[header, ...rows].map((r) => r[c]!.length)));
  for (const r of [header, ...rows]) process.stdout.write(`  ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')}\n`);
  process.stdout.write(
    `  first cycle, DB ms/feed (server ms/feed; poller CPU ms/feed): ${results.map((r) => `${r.name} ${perFeed(r.first, r.first.dbMs)} (${r.first.serverMs === undefined ? '-' : perFeed(r.first, r.first.serverMs)}; ${perFeed(r.first, r.first.cpuMs)})`).join(', ')}\n` +
      `  first cycle vs SQLite: ${results.slice(1).map((r) => `${r.name} ${(r.first.ms / sqlite.first.ms).toFixed(2)}×`).join(', ')}\n` +
      '  DB ms/feed: time inside store calls, as a poller sees it (a timing proxy round the Store), summed over calls / feeds\n' +
      '  checked. Calls overlap: a poller leases 64 feeds at a time and each check awaits its store calls, so with\n' +
      '  PostgreSQL the sum includes waiting for one of the pool\'s 10 connections and for the busy event loop. Server\n' +
      '  ms/feed: PostgreSQL\'s own time executing statements (pg_stat_database.active_time) / feeds checked. Poller CPU\n' +
      '  ms/feed: CPU time of the poller processes together (event loop and parse threads) / feeds checked.\n' +
      '  Peak RSS: the biggest poller process. The 2 cores are shared by the feed server,\n' +
      '  PostgreSQL and the pollers: read the 2-worker row as a ratio to 1 worker, not as a second machine.\n',
  );

  const kb = (bytes: number, count: number): string => (count === 0 ? '-' : `${(bytes / count / 1024).toFixed(2)} KB`);
  const quietHeader = ['', 'all-304 cycle', '304s', 'WAL/feed', 'connections', 'steady WAL/feed', 'steady connections', 'first WAL/feed', 'first connections'];
  const quietRows = results.map((r) => [
    r.name,
    `${(r.quiet.ms / 1000).toFixed(1)} s`,
    `${r.quiet.notModified}`,
    kb(r.quiet.walBytes, r.quiet.checked),
    `${r.quiet.connections}`,
    kb(r.steady.walBytes, r.steady.checked),
    `${r.steady.connections}`,
    kb(r.first.walBytes, r.first.checked),
    `${r.first.connections}`,
  ]);
  process.stdout.write(`\nA cheap poll: a third cycle where nothing changed (every feed a 304); goal: under 1 KB written per feed, connections reused\n`);
  const quietWidths = quietHeader.map((_, c) => Math.max(...[quietHeader, ...quietRows].map((r) => r[c]!.length)));
  for (const r of [quietHeader, ...quietRows]) process.stdout.write(`  ${r.map((cell, c) => (c === 0 ? cell.padEnd(quietWidths[c]!) : cell.padStart(quietWidths[c]!))).join('  ')}\n`);
  process.stdout.write(
    '  WAL/feed: bytes the database appended to its write-ahead log in the cycle / feeds checked (SQLite: WAL growth with\n' +
      '  checkpoints held off; PostgreSQL: pg_current_wal_insert_lsn() moved, full-page images included). Connections: TCP\n' +
      `  connections the feed server accepted in the cycle (${HOSTS} host names, all 127.0.0.1; Node's default 5 s keep-alive).\n`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runPollBench().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
