/**
 * How long loading a saved topic index holds the event loop (the thread that answers interactions), and how long it
 * takes, the way a start did it before against the way it does now, each in a fresh process, taking turns:
 *
 * - whole (before): the file read whole into one Buffer (readFile), its CRC-32 over the whole, then Library.loadIndex
 *   at once: every section copied onto a SharedArrayBuffer of its own, the per-episode maps, the ids' JSON.
 * - sliced (now): readTopicIndex (the body read in chunks, each table straight into a SharedArrayBuffer of its own,
 *   the CRC as it comes), then Library.loadIndexInSlices: the index uses those buffers as they are, the per-episode
 *   and per-passage work in slices with the event loop turning between them.
 * - one buffer: the same, the whole body read into one SharedArrayBuffer and the tables views on it (how
 *   PostgreSQL's generation is read): that buffer lives, ids and strings and all, until no table is a view on it.
 *
 * All load the same file and must answer the same (a digest of a few searches' results is compared). `floor`: the
 * machine's noise, a process doing only 1 ms slices of busy work, measured the same way in the same run.
 *
 *   npm run bench -- indexload        (INDEX_LOAD_FILE=<a .topics file>; default: the library bench's 100,000-episode
 *                                       index in os.tmpdir(), which `npm run bench -- library` makes; INDEX_LOAD_ROUNDS)
 *
 * A 1 ms interval timer runs throughout (stallDuring); its longest gap is the longest an interaction arriving during
 * the load would have waited before the bot could read it.
 */
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Library } from '../src/data/library.js';
import { EVERY_PODCAST } from '../src/data/catalog.js';
import { checkTopicIndex, readTopicIndex } from '../src/store/topicIndexFile.js';
import { median } from './measure.js';
import { stallDuring } from './stallDuring.js';

const thisFile = fileURLToPath(import.meta.url);
const ROUNDS = Number(process.env['INDEX_LOAD_ROUNDS'] ?? 2);
const MODES = (process.env['INDEX_LOAD_MODES'] ?? 'whole,sliced,one buffer,floor').split(',') as Mode[];
const QUERIES = ['tesla crash', 'climate policy', 'evolution', 'ma', 'interview with the founder', 'kärnkraft'];

type Mode = 'whole' | 'sliced' | 'one buffer' | 'floor';
interface Run {
  mode: Mode;
  wallMs: number;
  stallMs: number;
  episodes: number;
  maxRssMb: number;
  rssAfterMb: number;
  digest: string;
}

/** The noise floor: this thread doing only 1 ms slices of busy work for 3 s (what the machine alone holds it for). */
async function floor(): Promise<Run> {
  const { wallMs, stallMs } = await stallDuring(async () => {
    const end = performance.now() + 3_000;
    while (performance.now() < end) {
      const slice = performance.now() + 1;
      while (performance.now() < slice);
      await new Promise((resolve) => setImmediate(resolve));
    }
  });
  return { mode: 'floor', wallMs, stallMs, episodes: 0, maxRssMb: process.resourceUsage().maxRSS / 1024, rssAfterMb: process.memoryUsage().rss / 2 ** 20, digest: '' };
}

async function loadOnce(file: string, mode: Mode): Promise<Run> {
  if (mode === 'floor') return floor();
  const library = new Library();
  const { result, wallMs, stallMs } = await stallDuring(async () => {
    if (mode === 'whole') {
      const saved = checkTopicIndex(await readFile(file));
      if (!saved.ok) throw new Error(saved.error);
      return library.loadIndex(saved.value.body);
    }
    // 'one buffer': the whole body read into one SharedArrayBuffer and the tables views on it (PostgreSQL's way).
    const saved = await readTopicIndex(file, undefined, mode === 'one buffer' ? null : undefined);
    if (!saved.ok) throw new Error(saved.error);
    return library.loadIndexInSlices(saved.value.body, saved.value.tables);
  });
  if (!result.ok) throw new Error(result.error);
  const hash = createHash('sha256');
  for (const q of QUERIES) {
    for (const hit of library.scopedTopics.search(q, EVERY_PODCAST, { limit: 30 })) {
      hash.update(`${q}\t${hit.passage.podcastId}\t${hit.passage.episodeId}\t${hit.passage.startSeconds}\t${hit.score.toFixed(6)}\n`);
    }
  }
  (globalThis as { gc?: () => void }).gc?.();
  (globalThis as { gc?: () => void }).gc?.();
  return {
    mode,
    wallMs,
    stallMs,
    episodes: result.value.episodes,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    rssAfterMb: process.memoryUsage().rss / 2 ** 20,
    digest: hash.digest('hex').slice(0, 16),
  };
}

function inChild(file: string, mode: Mode): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = fork(thisFile, ['--load', mode, file], { execArgv: ['--import', 'tsx', '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let run: Run | undefined;
    child.once('message', (message) => (run = message as Run));
    child.once('error', reject);
    child.once('exit', (code) => (run !== undefined ? resolve(run) : reject(new Error(`the load child exited with ${code}`))));
  });
}

export async function runIndexLoadBench(): Promise<void> {
  const file = process.env['INDEX_LOAD_FILE'] ?? path.join(tmpdir(), 'podcord-bench-library-v1-100000.db.topics');
  if (!existsSync(file)) {
    console.log(`no saved index at ${file}: run \`npm run bench -- library\` first (it makes one), or set INDEX_LOAD_FILE`);
    return;
  }
  console.log(`loading ${file} (${(statSync(file).size / 2 ** 20).toFixed(0)} MB), ${ROUNDS} rounds, each in a fresh process, taking turns`);
  const runs: Run[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of MODES) {
      const run = await inChild(file, mode);
      runs.push(run);
      console.log(
        `  ${mode.padEnd(10)} wall ${run.wallMs.toFixed(0).padStart(6)} ms, longest hold ${run.stallMs.toFixed(1).padStart(7)} ms, ` +
          `peak RSS ${run.maxRssMb.toFixed(0)} MB, RSS after ${run.rssAfterMb.toFixed(0)} MB, ${run.episodes} episodes, answers ${run.digest}`,
      );
    }
  }
  const of = (mode: Mode, pick: (r: Run) => number): number => median(runs.filter((r) => r.mode === mode).map(pick));
  const line = (what: string, pick: (r: Run) => number, unit: string): void => {
    const before = of('whole', pick);
    const after = of('sliced', pick);
    console.log(`  ${what.padEnd(22)} before ${before.toFixed(1)} ${unit}, now ${after.toFixed(1)} ${unit} (${(after / before).toFixed(2)}x)`);
  };
  console.log('medians:');
  line('longest hold', (r) => r.stallMs, 'ms');
  line('wall time', (r) => r.wallMs, 'ms');
  line('peak RSS', (r) => r.maxRssMb, 'MB');
  line('RSS after (2 GCs)', (r) => r.rssAfterMb, 'MB');
  if (MODES.includes('floor')) console.log(`  noise floor (1 ms slices of busy work for 3 s): longest hold ${of('floor', (r) => r.stallMs).toFixed(1)} ms`);
  if (MODES.includes('one buffer')) {
    const oneBuffer = of('one buffer', (r) => r.rssAfterMb);
    console.log(`  one buffer: longest hold ${of('one buffer', (r) => r.stallMs).toFixed(1)} ms, wall ${of('one buffer', (r) => r.wallMs).toFixed(0)} ms, RSS after ${oneBuffer.toFixed(0)} MB`);
  }
  const digests = new Set(runs.filter((r) => r.mode !== 'floor').map((r) => r.digest));
  console.log(digests.size === 1 ? '  both answer the same' : `  ANSWERS DIFFER: ${[...digests].join(', ')}`);
}

if (process.argv[2] === '--load') {
  const run = await loadOnce(process.argv[4]!, process.argv[3] as Mode);
  process.send?.(run);
} else if (process.argv[1] === thisFile) {
  await runIndexLoadBench();
}
