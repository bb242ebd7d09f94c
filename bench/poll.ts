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
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseFeed } from '../src/data/feed/parseFeed.js';
import { Library } from '../src/data/library.js';
import { createLogger } from '../src/logger.js';
import { FeedPoller } from '../src/sources/feedPoller.js';
import { ParsePool } from '../src/sources/ParsePool.js';
import { PollSchedule } from '../src/sources/PollSchedule.js';
import { openSqliteStore } from '../src/store/SqliteStore.js';
import { episode, episodes, rss, type FixtureFeed } from '../test/integration/support.js';

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
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runPollBench().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
