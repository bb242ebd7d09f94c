/**
 * A big library served by one process (issue 16): 100,000 and 1,000,000 generated episodes over 10,000 feeds, stored
 * through the project's own paths (each feed rendered as RSS, parsed by parseFeed, saved with savePodcast and its fetch
 * state with recordFetchSuccess; 1 episode in 100 has a stored transcript; the fake Discord guild follows every feed,
 * its back catalogue seen), then the bot started on that SQLite file the way `npm start` starts it.
 *
 *   npm run bench -- library                                  (100,000; add 1,000,000 with LIBRARY_BENCH_SIZES)
 *   LIBRARY_BENCH_SIZES=100000,1000000 npm run bench -- library
 *
 * Printed per size:
 * - start → serving: from spawning the bot's process to the first /topic answered with hits (sent through the fake
 *   Discord every 100 ms from spawn), to the first /latest answered with episodes (the catalogue in), and to
 *   everything loaded (the catalogue and the topic index);
 * - RSS and V8 heap (+ array buffers) after two full collections, in total and per episode;
 * - /topic p50/p99: 300 queries (exact, prefix, typo, multi-word, Swedish) sent one after the other through the fake
 *   Discord, timed from dispatch to the answer (so the gateway and REST hop of the fake are in it);
 * - a poll cycle in which 5% of the 10,000 feeds have a new episode (the rest answer 304): its time, and the longest
 *   the bot's event loop was held during it (a 1 ms timer's largest lateness).
 * The databases are kept in the temp directory between runs (`podcord-bench-library-<version>-<size>.db`): preparing
 * 1,000,000 episodes takes minutes.
 */
import Database from 'better-sqlite3';
import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, renameSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startPodcordBot } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import { parseFeed } from '../src/data/feed/parseFeed.js';
import type { Passage } from '../src/data/search/passage.js';
import { createLogger } from '../src/logger.js';
import { openSqliteStore } from '../src/store/SqliteStore.js';
import { FAKE_IDS, startFakeDiscord, type FakeDiscord } from '../test/support/fakeDiscord.js';
import { chatInput } from '../test/support/interactions.js';
import { prng } from '../test/support/prng.js';
import { noIdentifyThrottle, rss, type FixtureEpisode, type FixtureFeed } from '../test/integration/support.js';
import { childMessages } from './childMessages.js';
import { englishTitle, generateQueries, swedishTitle, vocabulary, type BenchQuery, type Vocabulary } from './generateCorpus.js';
import { percentile } from './measure.js';

const FEEDS = 10_000;
const HOSTS = 100;
const CHANGED = 0.05;
/** Bump when the generated data changes, so an old database is not reused. */
const DATA_VERSION = 1;
/** The feeds' URLs are their identity in the store, so the port is fixed (change it if it is taken). */
const PORT = Number(process.env['LIBRARY_BENCH_PORT'] ?? 47311);
const thisFile = fileURLToPath(import.meta.url);

const pad = (n: number): string => String(n).padStart(2, '0');
const clock = (s: number): string => `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
const originOf = (i: number): string => `http://host-${i % HOSTS}.bench.test:${PORT}`;
const feedUrl = (i: number): string => `${originOf(i)}/feed-${i}.xml`;

/**
 * Feed `i` with `count` episodes, the same every time, so a refetch changes only what is new; with `newTag`, one
 * newer episode named by it (each bench run its own, so every run's poll finds a new episode to save and index).
 */
function benchFeed(i: number, count: number, v: Vocabulary, newTag?: string): FixtureFeed {
  const extra = newTag === undefined ? 0 : 1;
  const r = prng(i + 1);
  const swedish = i % 6 === 5;
  const title = (): string => (swedish ? swedishTitle(v, r) : englishTitle(v, r));
  const base = Date.parse('2015-01-05T06:00:00Z') + i * 60_000;
  const episodes: FixtureEpisode[] = [];
  for (let n = 1; n <= count + extra; n++) {
    const lines: string[] = [];
    let at = 0;
    const chapters = 4 + Math.floor(r() * 5);
    for (let c = 0; c < chapters; c++) {
      lines.push(`${clock(at)} ${c === 0 ? (swedish ? 'Inledning' : 'Intro') : title()}`);
      at += 120 + Math.floor(r() * 600);
    }
    const description = `${title()}. ${title()}. ${title()}.\n\n${lines.join('\n')}`;
    const withTranscript = (i * count + n) % 100 === 0 && n <= count;
    episodes.push({
      guid: n > count ? `f${i}-new-${newTag}` : `f${i}-e${n}`,
      title: title(),
      published: new Date(base + n * 7 * 86_400_000).toISOString(),
      description,
      ...(withTranscript && { transcripts: [{ url: `${originOf(i)}/t/${i}/${n}.srt`, type: 'application/srt' }] }),
    });
  }
  return { title: `${swedish ? 'Podden' : 'The Show'} ${i} ${title()}`, episodes };
}

function transcriptOf(i: number, n: number, v: Vocabulary): { startSeconds: number; text: string }[] {
  const r = prng(1_000_003 * (i + 1) + n);
  return Array.from({ length: 100 }, (_, c) => ({ startSeconds: c * 6, text: `${englishTitle(v, r)}, ${englishTitle(v, r).toLowerCase()}.` }));
}

/** One vocabulary for every size (its tail of names is bounded by the syllables it combines: about 20,000). */
const benchVocabulary = (): Vocabulary => vocabulary(600_000);

/**
 * The /topic queries the bench times: the search bench's mix (60 of each kind) over titles of the bench's feeds.
 * Exported for bench/searchABSaved.ts, which times the same queries on the saved index alone.
 */
export function topicBenchQueries(v: Vocabulary = benchVocabulary()): BenchQuery[] {
  const sample: Passage[] = [];
  for (let i = 0; i < 200; i++) for (const e of benchFeed(i * 50, 2, v).episodes) sample.push({ podcastId: '', episodeId: '', startSeconds: 0, field: 'episodeTitle', text: e.title });
  return generateQueries({ passages: sample, vocabulary: v }, 60);
}

const etagOf = (body: string): string => `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;

function databaseFile(size: number): string {
  return path.join(tmpdir(), `podcord-bench-library-v${DATA_VERSION}-${size}.db`);
}

// ---------------------------------------------------------------- preparing a database (child process)

async function prepare(size: number, file: string): Promise<void> {
  const v = benchVocabulary();
  const perFeed = size / FEEDS;
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  const opened = openSqliteStore(`sqlite:${partial}`);
  if (!opened.ok) throw new Error(opened.error);
  const store = opened.value;
  const now = new Date();
  const t0 = performance.now();
  for (let i = 0; i < FEEDS; i++) {
    const feed = benchFeed(i, perFeed, v);
    const body = rss(feed, originOf(i));
    const parsed = parseFeed(Buffer.from(body), { feedUrl: feedUrl(i) });
    if (!parsed.ok) throw new Error(`feed ${i}: ${parsed.error}`);
    const { podcast, episodes } = parsed.value;
    await store.savePodcast(podcast, episodes);
    for (const e of episodes) {
      if (e.transcripts.length === 0) continue;
      const n = Number(e.id.split('-e')[1]);
      await store.saveTranscript(podcast.id, e.id, { sourceUrl: e.transcripts[0]!.url, type: 'application/srt', segments: transcriptOf(i, n, v), fetchedAt: now });
    }
    await store.follow(FAKE_IDS.guildId, podcast.id, { seenEpisodeIds: episodes.map((e) => e.id), now });
    // Checked once, due again now: the bench's poll cycle checks every feed with its validator.
    await store.recordFetchSuccess(podcast.id, { etag: etagOf(body), checkedAt: now, nextCheckAt: new Date(now.getTime() - 1000) });
    if (i % 1000 === 999) process.stdout.write(`  prepared ${i + 1} feeds (${Math.round((performance.now() - t0) / 1000)} s)\n`);
  }
  await store.close();
  renameSync(partial, file);
}

// ---------------------------------------------------------------- the bot (child process)

interface ChildMessage {
  kind: 'started' | 'loaded' | 'memory' | 'polled' | 'saved';
  saved?: boolean;
  atMs?: number;
  memory?: NodeJS.MemoryUsage;
  parts?: { catalogue: number; topicIndex: number; bookkeeping: number };
  poll?: { ms: number; maxStallMs: number; stallCpuMs: number; updated: number; notModified: number; failed: number };
  episodes?: number;
}

async function serveBot(file: string, apiUrl: string, token: string): Promise<void> {
  const send = (m: ChildMessage): void => void process.send?.(m);
  const parsed = parseConfig({
    DISCORD_TOKEN: token,
    DISCORD_API_URL: apiUrl,
    DISCORD_GUILD_ID: FAKE_IDS.guildId,
    DATABASE_URL: `sqlite:${file}`,
    POLL_INTERVAL_SECONDS: '600',
    ALLOW_PRIVATE_NETWORK: 'true',
    INTERACTIONS_PORT: '0',
    LOG_LEVEL: process.env['LIBRARY_BENCH_LOG'] ?? 'warn',
  });
  if (!parsed.ok || parsed.value.discordToken === undefined) throw new Error(parsed.ok ? 'no token' : parsed.error);
  const log = createLogger({ level: parsed.value.logLevel });
  const running = await startPodcordBot({ ...parsed.value, discordToken: parsed.value.discordToken }, log, {
    clientOptions: noIdentifyThrottle,
    autoPoll: false,
    announceSpacingMs: 0,
    fetchOptions: { lookup: async () => [{ address: '127.0.0.1', family: 4 }] },
  });
  send({ kind: 'started', atMs: performance.now() });
  // A build that serves while it loads says when it is done; one that loads first is done by now.
  const loading = (running.services as { loaded?: Promise<unknown> }).loaded;
  if (loading !== undefined) await loading;
  send({ kind: 'loaded', atMs: performance.now(), episodes: running.library.catalog.size.episodes });
  process.on('message', (message: { kind: string }) => {
    if (message.kind === 'memory') {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      gc?.();
      send({ kind: 'memory', memory: process.memoryUsage(), parts: running.library.memoryBytes(), episodes: running.library.catalog.size.episodes });
    } else if (message.kind === 'poll') {
      void (async () => {
        // The event loop's longest hold: how late a 1 ms timer fires, tick after tick, while the cycle runs.
        // With the CPU this process used meanwhile (all its threads): on a busy machine a gap can be the process
        // waiting for a core rather than holding the loop.
        let maxStallMs = 0;
        let stallCpuMs = 0;
        let last = performance.now();
        let lastCpu = process.cpuUsage();
        let ticking = true;
        const tick = (): void => {
          const at = performance.now();
          const cpu = process.cpuUsage(lastCpu);
          if (at - last - 1 > maxStallMs) {
            maxStallMs = at - last - 1;
            stallCpuMs = (cpu.user + cpu.system) / 1000;
          }
          last = at;
          lastCpu = process.cpuUsage();
          if (ticking) setTimeout(tick, 1);
        };
        setTimeout(tick, 1);
        // Every feed due now, whatever earlier runs on this database left (the poll interval has not passed since).
        const db = new Database(file);
        db.prepare(`UPDATE feed_checks SET next_check_at = 0`).run();
        db.close();
        const t0 = performance.now();
        const outcomes = await running.services.poller.pollOnce();
        await running.services.announcer?.idle();
        const ms = performance.now() - t0;
        ticking = false;
        send({
          kind: 'polled',
          poll: {
            ms,
            maxStallMs,
            stallCpuMs,
            updated: outcomes.filter((o) => o.status === 'updated').length,
            notModified: outcomes.filter((o) => o.status === 'not-modified').length,
            failed: outcomes.filter((o) => o.status === 'failed').length,
          },
        });
      })();
    } else if (message.kind === 'save') {
      // A build that keeps a topic index file saves it now; one that does not has nothing to save.
      const saver = (running.services as { topicIndex?: { saveNow(): Promise<void> } }).topicIndex;
      void (saver?.saveNow() ?? Promise.resolve()).then(
        () => send({ kind: 'saved', saved: saver !== undefined }),
        () => send({ kind: 'saved', saved: false }),
      );
    } else if (message.kind === 'stop') {
      void running.stop().then(() => process.exit(0));
    }
  });
}

// ---------------------------------------------------------------- the parent: feeds, fake Discord, measurements

interface SizeResult {
  size: number;
  /** The first start, without a saved topic index (when there was none). */
  cold?: { firstAnswerMs: number; firstTopicMs: number; loadedMs: number; saved: boolean };
  startedMs: number;
  firstAnswerMs: number;
  firstTopicMs: number;
  /** Spawn to the first /latest with episodes: the catalogue in. */
  catalogueMs: number;
  loadedMs: number;
  episodes: number;
  memory: NodeJS.MemoryUsage;
  parts: { catalogue: number; topicIndex: number; bookkeeping: number } | undefined;
  topicP50: number;
  topicP99: number;
  answered: number;
  poll: NonNullable<ChildMessage['poll']>;
}

async function feedServer(size: number, v: Vocabulary): Promise<{ change(): void; close(): Promise<void>; counts: { requests: number; notModified: number } }> {
  const perFeed = size / FEEDS;
  const changed = new Set<number>();
  const bodies = new Map<number, { body: string; etag: string }>();
  const counts = { requests: 0, notModified: 0 };
  const runTag = Date.now().toString(36);
  const bodyOf = (i: number): { body: string; etag: string } => {
    let entry = bodies.get(i);
    if (entry === undefined) {
      const body = rss(benchFeed(i, perFeed, v, changed.has(i) ? runTag : undefined), originOf(i));
      entry = { body, etag: etagOf(body) };
      bodies.set(i, entry);
    }
    return entry;
  };
  const server = http.createServer((req, res) => {
    counts.requests++;
    const m = /^\/feed-(\d+)\.xml$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
    if (m === null) return void res.writeHead(404).end();
    const i = Number(m[1]);
    // Unchanged feeds answer 304 without rendering: the etag the store holds is that of the unchanged body.
    if (!changed.has(i)) {
      counts.notModified++;
      return void res.writeHead(304).end();
    }
    const { body, etag } = bodyOf(i);
    if (req.headers['if-none-match'] === etag) {
      counts.notModified++;
      return void res.writeHead(304, { etag }).end();
    }
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag }).end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(PORT, '127.0.0.1', resolve);
  });
  return {
    counts,
    change() {
      for (let k = 0; k < FEEDS * CHANGED; k++) changed.add(Math.floor(k / CHANGED));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function topicText(reply: { content?: string; embeds?: { fields?: unknown[]; title?: string; description?: string }[] } | undefined): string {
  return JSON.stringify(reply ?? {});
}

/** The /topic answer for a query, and how long it took from dispatch; undefined when the bot did not answer in time. */
async function topic(fake: FakeDiscord, query: string, timeoutMs: number): Promise<{ ms: number; hits: boolean; text: string } | undefined> {
  const t0 = performance.now();
  try {
    const callback = await fake.sendInteraction(chatInput('topic', { query }), timeoutMs);
    let body: unknown = 'data' in callback ? callback.data : undefined;
    if (callback.type === 5) body = (await fake.waitForRequest((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original'), 30_000)).body;
    const ms = performance.now() - t0;
    const reply = body as { embeds?: { fields?: unknown[] }[]; flags?: number } | undefined;
    const hits = (reply?.embeds?.[0]?.fields?.length ?? 0) > 0;
    return { ms, hits, text: topicText(reply as never) };
  } catch {
    return undefined;
  }
}

/**
 * Whether /latest was answered with episodes ("still loading" while the catalogue loads; false without an answer in
 * time). A command, not an autocomplete: both builds refuse it the same cheap way while loading.
 */
async function latestListed(fake: FakeDiscord, timeoutMs: number): Promise<boolean> {
  try {
    const callback = await fake.sendInteraction(chatInput('latest'), timeoutMs);
    let body: unknown = 'data' in callback ? callback.data : undefined;
    if (callback.type === 5) body = (await fake.waitForRequest((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original'), 30_000)).body;
    return ((body as { embeds?: unknown[] } | undefined)?.embeds?.length ?? 0) > 0;
  } catch {
    return false;
  }
}

interface Started {
  child: ChildProcess;
  next(kind: ChildMessage['kind'], ms: number): Promise<ChildMessage>;
  exited(): string | undefined;
  /** Spawn to the first answer of any kind (a "still loading" one counts): when the bot serves. */
  firstAnswerMs: number;
  /** Spawn to the first /topic answer with hits. */
  firstTopicMs: number;
  /** Spawn to the first /latest answered with episodes (the catalogue is in). */
  firstChoicesMs: number;
}

/** Spawns the bot on `file` and asks /topic every 100 ms from the spawn until one is answered with hits. */
async function startChild(file: string, fake: FakeDiscord, timeoutMs: number): Promise<Started | string> {
  const spawnedAt = performance.now();
  const child = fork(thisFile, ['--serve', file, fake.apiUrl, fake.token], { execArgv: ['--import', 'tsx', '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { next, exited } = childMessages<ChildMessage>(child, 'the bot');
  const deadline = spawnedAt + timeoutMs;
  let firstAnswerMs = -1;
  let firstTopicMs = -1;
  try {
    // Interactions go over the gateway: none can be sent before the bot has identified.
    await fake.waitForGateway((frame) => frame.op === 2, timeoutMs);
  } catch {
    child.kill('SIGKILL');
    return exited() ?? `the bot did not connect within ${timeoutMs / 1000} s`;
  }
  let firstChoicesMs = -1;
  while (performance.now() < deadline && exited() === undefined) {
    const t0 = performance.now();
    if (firstChoicesMs < 0 && (await latestListed(fake, 1_000))) firstChoicesMs = performance.now() - spawnedAt;
    const answer = firstTopicMs < 0 ? await topic(fake, 'interview', 1_000) : undefined;
    if (answer !== undefined && firstAnswerMs < 0) firstAnswerMs = performance.now() - spawnedAt;
    if (answer?.hits) firstTopicMs = performance.now() - spawnedAt;
    if (firstTopicMs >= 0 && firstChoicesMs >= 0) break;
    if (performance.now() - t0 < 100) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (firstTopicMs < 0) {
    child.kill('SIGKILL');
    return exited() ?? `no /topic answer with hits within ${timeoutMs / 1000} s`;
  }
  return { child, next, exited, firstAnswerMs, firstTopicMs, firstChoicesMs };
}

async function stopChild(started: Started): Promise<void> {
  if (started.exited() !== undefined) return;
  const gone = new Promise((resolve) => started.child.once('exit', resolve));
  started.child.send({ kind: 'stop' });
  await gone;
}

async function measureSize(size: number, timeoutMs: number): Promise<SizeResult | string> {
  const file = databaseFile(size);
  if (!existsSync(file)) {
    process.stdout.write(`  preparing ${size.toLocaleString('en')} episodes in ${file} (once; kept for later runs)\n`);
    const prep = fork(thisFile, ['--prepare', String(size), file], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
    const code = await new Promise<number | null>((resolve) => prep.on('exit', resolve));
    if (code !== 0) return `preparing failed (exit ${code})`;
  }
  const v = benchVocabulary();
  const feeds = await feedServer(size, v);
  const fake = await startFakeDiscord();
  let running: Started | undefined;
  try {
    // A first start has no saved topic index: it serves at once and builds the index in the background. Measured
    // once (LIBRARY_BENCH_COLD=1 measures it again, =0 never), then the index is saved and every later start loads it.
    let cold: SizeResult['cold'];
    const indexFile = `${file}.topics`;
    if (process.env['LIBRARY_BENCH_COLD'] === '1') rmSync(indexFile, { force: true });
    if (!existsSync(indexFile) && process.env['LIBRARY_BENCH_COLD'] !== '0') {
      const first = await startChild(file, fake, timeoutMs);
      if (typeof first === 'string') return first;
      running = first;
      const loaded = await first.next('loaded', timeoutMs);
      first.child.send({ kind: 'save' });
      const saved = await first.next('saved', timeoutMs);
      cold = { firstAnswerMs: first.firstAnswerMs, firstTopicMs: first.firstTopicMs, loadedMs: loaded.atMs!, saved: saved.saved ?? false };
      await stopChild(first);
      running = undefined;
    }

    const started = await startChild(file, fake, timeoutMs);
    if (typeof started === 'string') return started;
    running = started;
    const connected = await started.next('started', timeoutMs);
    const loaded = await started.next('loaded', timeoutMs);

    // /topic latency through the fake Discord: the query mix of the search bench over these titles.
    const queries = topicBenchQueries(v);
    for (const q of queries.slice(0, 20)) await topic(fake, q.text, 30_000); // warm-up
    const times: number[] = [];
    let answered = 0;
    for (const q of queries) {
      const answer = await topic(fake, q.text, 30_000);
      if (answer === undefined) continue;
      times.push(answer.ms);
      if (answer.hits) answered++;
    }
    times.sort((a, b) => a - b);

    started.child.send({ kind: 'memory' });
    const memory = await started.next('memory', 120_000);

    feeds.change();
    started.child.send({ kind: 'poll' });
    const polled = await started.next('polled', 30 * 60_000);
    await stopChild(started);
    running = undefined;
    return {
      size,
      ...(cold !== undefined && { cold }),
      startedMs: connected.atMs!,
      firstAnswerMs: started.firstAnswerMs,
      firstTopicMs: started.firstTopicMs,
      catalogueMs: started.firstChoicesMs,
      loadedMs: loaded.atMs!,
      episodes: loaded.episodes ?? 0,
      memory: memory.memory!,
      parts: memory.parts,
      topicP50: percentile(times, 50),
      topicP99: percentile(times, 99),
      answered: answered / queries.length,
      poll: polled.poll!,
    };
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    running?.child.kill('SIGKILL');
    await fake.close();
    await feeds.close();
  }
}

export async function runLibraryBench(): Promise<void> {
  const sizes = (process.env['LIBRARY_BENCH_SIZES'] ?? '100000').split(',').map(Number);
  const timeoutMs = Number(process.env['LIBRARY_BENCH_TIMEOUT_S'] ?? 600) * 1000;
  const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
  for (const size of sizes) {
    process.stdout.write(`\nLibrary of ${size.toLocaleString('en')} episodes in ${FEEDS.toLocaleString('en')} feeds (SQLite), one process\n`);
    const r = await measureSize(size, timeoutMs);
    if (typeof r === 'string') {
      process.stdout.write(`  not served: ${r}\n`);
      continue;
    }
    const goal = size >= 1_000_000 ? { readyS: 10, rssMb: 2048 } : { readyS: 5, rssMb: 600 };
    const heap = r.memory.heapUsed + r.memory.arrayBuffers;
    const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
    const lines: [string, string, string][] = [];
    if (r.cold !== undefined) {
      lines.push(
        ['first start (no saved index): answers', s(r.cold.firstAnswerMs), '"still loading" counts: the bot serves'],
        ['first start: first /topic with hits', s(r.cold.firstTopicMs), 'the topic index built in the background'],
        ['first start: everything loaded', s(r.cold.loadedMs), r.cold.saved ? 'then the index was saved' : 'this build keeps no saved index'],
      );
    }
    lines.push(
      ['start → first answer', s(r.firstAnswerMs), '"still loading" counts'],
      ['start → connected to Discord', s(r.startedMs), 'startPodcordBot resolved'],
      ['start → first /topic with hits', s(r.firstTopicMs), `goal < ${goal.readyS} s`],
      ['start → first /latest with episodes', s(r.catalogueMs), 'the catalogue in: autocomplete, /latest and lookups answer'],
      ['start → everything loaded', `${(r.loadedMs / 1000).toFixed(1)} s`, `${r.episodes.toLocaleString('en')} episodes in the catalogue`],
      ['RSS', mb(r.memory.rss), `goal < ${goal.rssMb} MB; ${((r.memory.rss / size) / 1024).toFixed(2)} KB per episode`],
      ['heap + array buffers', mb(heap), `${(heap / size / 1024).toFixed(2)} KB per episode (heap ${mb(r.memory.heapUsed)}, buffers ${mb(r.memory.arrayBuffers)})`],
      ...(r.parts === undefined
        ? []
        : ([
            [
              'of which (estimated)',
              mb(r.parts.catalogue + r.parts.topicIndex + r.parts.bookkeeping),
              `catalogue ${mb(r.parts.catalogue)} (${(r.parts.catalogue / size).toFixed(0)} B/episode), topic index ${mb(r.parts.topicIndex)} (${(r.parts.topicIndex / size).toFixed(0)} B/episode, query scratch included), ` +
                `re-indexing bookkeeping ${mb(r.parts.bookkeeping)} (${(r.parts.bookkeeping / size).toFixed(0)} B/episode); the rest is code, modules, discord.js, SQLite's cache`,
            ],
          ] as [string, string, string][])),
      ['/topic p50 / p99', `${r.topicP50.toFixed(1)} / ${r.topicP99.toFixed(1)} ms`, `goal p99 < 50 ms; ${(r.answered * 100).toFixed(0)}% with hits, through the fake Discord`],
      [
        'poll cycle, 5% of feeds changed',
        `${(r.poll.ms / 1000).toFixed(1)} s`,
        `${r.poll.updated} updated, ${r.poll.notModified} × 304, ${r.poll.failed} failed; longest event-loop stall ${r.poll.maxStallMs.toFixed(0)} ms (${r.poll.stallCpuMs.toFixed(0)} ms of this process's CPU in it; goal < 100 ms)`,
      ],
    );
    const w0 = Math.max(...lines.map((l) => l[0].length));
    const w1 = Math.max(...lines.map((l) => l[1].length));
    for (const [a, b, c] of lines) process.stdout.write(`  ${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}\n`);
  }
}

/**
 * A first start's background work alone (loadLibrary without a saved index, then the saver), for the largest size
 * where a whole bot run would take too long to repeat: prints how long the index took to build and to save.
 */
async function buildIndex(file: string): Promise<void> {
  const { Library } = await import('../src/data/library.js');
  const { loadLibrary } = await import('../src/store/loadLibrary.js');
  const { TopicIndexSaver } = await import('../src/store/topicIndexFile.js');
  const opened = openSqliteStore(`sqlite:${file}`);
  if (!opened.ok) throw new Error(opened.error);
  const library = new Library();
  library.readDetailsFrom((podcastId, ids) => opened.value.loadEpisodes(podcastId, ids));
  const log = createLogger({ level: 'info' });
  const t0 = performance.now();
  const result = await loadLibrary(opened.value, library, log);
  const t1 = performance.now();
  await new TopicIndexSaver({ store: opened.value, library, file: `${file}.topics`, log }).saveNow();
  process.stdout.write(
    `  index built in the background of a first start: catalogue ${(result.catalogueMs / 1000).toFixed(1)} s, index ${(result.topicsMs / 1000).toFixed(1)} s` +
      ` (${result.indexed} podcasts), saved in ${((performance.now() - t1) / 1000).toFixed(1)} s; total ${((t1 - t0) / 1000).toFixed(1)} s, RSS ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB\n`,
  );
  await opened.value.close();
}

const role = process.argv[2];
if (role === '--build-index') {
  await buildIndex(process.argv[3]!);
} else if (role === '--prepare') {
  await prepare(Number(process.argv[3]), process.argv[4]!);
} else if (role === '--serve') {
  await serveBot(process.argv[3]!, process.argv[4]!, process.argv[5]!);
} else if (process.argv[1] === thisFile) {
  await runLibraryBench();
}
