/**
 * `npm run bench -- topicsave`: what saving the topic index costs a process that holds the library (issue 16's memory
 * goal, RSS < 2 GB at 1,000,000 episodes, holds while it saves). A copy of the library bench's database and saved index
 * (TOPIC_SAVE_DB, default: the 100,000-episode one, copied into TMPDIR) is loaded as the bot loads it, N podcasts
 * (TOPIC_SAVE_CHANGES, default 500: a poll cycle's 5 % of 10,000 feeds) are changed as a poll changes them (saved to
 * the store, then into the library in slices), and one save runs, the process's RSS sampled every 100 ms and the
 * event loop's longest hold timed meanwhile. Each way in a fresh process, taking turns (TOPIC_SAVE_ROUNDS, default 1):
 * - `worker`: as before, a worker thread with its own connection loads the saved index and catalogue into a second
 *   library, catches up what the store saved since and writes the whole file (TopicIndexSaver's `inWorker`);
 * - `stream`: as now, from this library, a snapshot written a piece at a time (Library.saveIndexStream).
 * Both write the file the next start loads; what each wrote is checked by loading it (answers compared by a digest).
 */
import { fork } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadChangedLibrary } from './changedLibrary.js';
import { Library } from '../src/data/library.js';
import { createLogger } from '../src/logger.js';
import { loadLibrary } from '../src/store/loadLibrary.js';
import { openSqliteStore } from '../src/store/SqliteStore.js';
import { TopicIndexSaver } from '../src/store/topicIndexFile.js';

interface SaveResult {
  mode: string;
  loadedRssMb: number;
  peakRssMb: number;
  saveMs: number;
  maxHoldMs: number;
  fileMb: number;
  changed: number;
}

const mb = (bytes: number): number => Math.round(bytes / 1024 / 1024);

async function child(file: string, mode: 'worker' | 'stream', changes: number): Promise<SaveResult> {
  const log = createLogger({ level: 'warn' });
  // N podcasts changed as a poll changes them: saved to the store, then indexed in slices.
  const { store, library, compactor, changed } = await loadChangedLibrary(file, changes, true);
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const loadedRss = process.memoryUsage().rss;
  let peak = loadedRss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  let maxHold = 0;
  let last = performance.now();
  let ticking = true;
  const tick = (): void => {
    const at = performance.now();
    maxHold = Math.max(maxHold, at - last - 1);
    last = at;
    if (ticking) setTimeout(tick, 1);
  };
  setTimeout(tick, 1);
  const saver = new TopicIndexSaver({ store, library, file: `${file}.topics`, log, ...(mode === 'worker' && { inWorker: { databaseUrl: `sqlite:${file}` } }) });
  const t0 = performance.now();
  await saver.saveNow();
  const saveMs = performance.now() - t0;
  ticking = false;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  await compactor.close();
  await store.close();
  return { mode, loadedRssMb: mb(loadedRss), peakRssMb: mb(peak), saveMs: Math.round(saveMs), maxHoldMs: Math.round(maxHold), fileMb: mb(statSync(`${file}.topics`).size), changed };
}

/** The file a save wrote, loaded again as a start loads it: whether it was used, and what it answers (a digest). */
async function check(file: string): Promise<string> {
  const log = createLogger({ level: 'warn' });
  const opened = openSqliteStore(`sqlite:${file}`);
  if (!opened.ok) throw new Error(opened.error);
  const library = new Library();
  const loaded = await loadLibrary(opened.value, library, log, { indexFile: `${file}.topics` });
  const hits = ['tesla', 'climate economy', 'savebench'].map((q) => library.topics.search(q, { limit: 10, now: Date.parse('2026-01-01') }).map((h) => `${h.passage.episodeId}@${h.passage.startSeconds}`));
  await opened.value.close();
  return `used ${loaded.savedIndex.used}, indexed again ${loaded.indexed}: ${JSON.stringify(hits).length} chars of hits`;
}

export async function runTopicSaveBench(): Promise<void> {
  const source = process.env['TOPIC_SAVE_DB'] ?? path.join(os.tmpdir(), 'podcord-bench-library-v1-100000.db');
  const changes = Number(process.env['TOPIC_SAVE_CHANGES'] ?? 500);
  const rounds = Number(process.env['TOPIC_SAVE_ROUNDS'] ?? 1);
  if (!existsSync(source) || !existsSync(`${source}.topics`)) throw new Error(`${source} and its .topics are needed (npm run bench -- library makes them)`);
  // Its own copy (a save writes the file; the poll-like changes write the database), unless it is a copy already.
  const dir = path.join(os.tmpdir(), 'podcord-bench-topicsave');
  const file = process.env['TOPIC_SAVE_IN_PLACE'] === '1' ? source : path.join(dir, path.basename(source));
  if (file !== source) {
    mkdirSync(dir, { recursive: true });
    for (const suffix of ['', '.topics']) copyFileSync(`${source}${suffix}`, `${file}${suffix}`);
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
  }
  const results: SaveResult[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const mode of (process.env['TOPIC_SAVE_MODES'] ?? 'worker,stream').split(',') as ('worker' | 'stream')[]) {
      const result = await new Promise<SaveResult>((resolve, reject) => {
        const c = fork(fileURLToPath(import.meta.url), ['--child', file, mode, String(changes)], { execArgv: [...process.execArgv, '--expose-gc'] });
        c.once('message', (m) => resolve(m as SaveResult));
        c.once('exit', (code) => reject(new Error(`the ${mode} child exited with ${code}`)));
      });
      results.push(result);
      process.stdout.write(
        `  ${mode.padEnd(6)} ${result.changed} podcasts changed: RSS loaded ${result.loadedRssMb} MB, peak while saving ${result.peakRssMb} MB ` +
          `(+${result.peakRssMb - result.loadedRssMb} MB), save ${(result.saveMs / 1000).toFixed(1)} s, longest event-loop hold ${result.maxHoldMs} ms, file ${result.fileMb} MB\n`,
      );
      process.stdout.write(`         the file it wrote, loaded: ${await check(file)}\n`);
    }
  }
  if (file !== source) rmSync(dir, { recursive: true, force: true });
}

if (process.argv[2] === '--child') {
  const [file, mode, changes] = process.argv.slice(3) as [string, 'worker' | 'stream', string];
  const result = await child(file, mode, Number(changes));
  process.send?.(result, () => process.exit(0));
} else if (import.meta.url === `file://${process.argv[1]}`) {
  await runTopicSaveBench();
}
