/**
 * Topic search benchmark: Podcord's SearchIndex (BM25 on typed arrays) against MiniSearch on the same generated
 * corpus of chapter titles (bench/generateCorpus.ts, seeded), at 10k, 100k and 1M chapters.
 *
 *   npx tsx bench/search.ts                              (or runSearchBench() from the bench runner)
 *   npx tsx bench/search.ts --sizes 10000,100000 --minisearch-max 1000000
 *   SEARCH_BENCH_SIZES=10000,100000 SEARCH_BENCH_MINISEARCH_MAX=1000000 npm run bench
 *
 * Both engines do comparable work: the last query word is a prefix, words of 5+ letters allow 1 edit and 9+
 * letters 2 (MiniSearch: Levenshtein; Podcord: Damerau), diacritics fold for both. Podcord also stems, drops
 * stop words, stores the passage texts and returns the top 5 with phrase bonus, highlights and at most 2 per
 * episode; MiniSearch returns every match scored (its API), of which the top 5 are taken.
 *
 * MiniSearch is measured up to 100k chapters by default: at 1M it needs minutes and gigabytes. Pass
 * --minisearch-max 1000000 to include it (expect several minutes). Ratios are shown where both ran.
 *
 * Every (engine, size) runs in its own child process started with --expose-gc, so one engine's garbage cannot
 * bill the other. In the child: generate the corpus and query mix, full GC, note heapUsed + arrayBuffers, build,
 * full GC again: "memory" is that difference (V8 heap plus typed-array backing stores, which heapUsed alone
 * misses), with the corpus itself in the baseline. Queries run once untimed (JIT warm-up), then 3 times each;
 * a query's time is the median of its 3 (so one preemption by another process does not count, a slow query
 * does), and p50/p99 are over the whole mix (500 queries: exact, prefix, typo, multi-word, Swedish), in wall time
 * and in CPU time (user + system of the process, so GC and JIT threads count).
 *
 * Podcord is also timed as a guild that sees only some podcasts asks (a server sees the samples, FEEDS and its own
 * follows): the same queries limited to half of the podcasts and to three of them, and /topic's word completion
 * (`complete(prefix, 25)`, the first 60% of each query as typed so far) for every podcast, half and three.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import MiniSearch from 'minisearch';
import { SearchIndex } from '../src/data/search/SearchIndex.js';
import { generateCorpus, generateQueries } from './generateCorpus.js';
import type { BenchQuery, QueryKind } from './generateCorpus.js';
import { measuredMemory, median, percentile } from './measure.js';

type Engine = 'podcord' | 'minisearch';

interface ChildResult {
  engine: Engine;
  size: number;
  buildMs: number;
  memoryBytes: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Per-query CPU time (user + system): what the query costs, without the waits of a busy machine. */
  cpuP50Ms: number;
  cpuP99Ms: number;
  byKind: Record<string, { p50Ms: number; p99Ms: number; answered: number; queries: number }>;
  /** Share of queries with at least one hit. */
  answered: number;
  serializeMs?: number;
  serializedBytes?: number;
  loadMs?: number;
  loadedSame?: boolean;
  estimatedBytes?: number;
  stems?: number;
  surfaces?: number;
  /** Podcord only: search and word completion per scope (all podcasts, half of them, three). */
  scoped?: { what: string; scope: string; p50Ms: number; p99Ms: number; cpuP99Ms: number; answered: number }[];
}

const thisFile = fileURLToPath(import.meta.url);
const projectRoot = fileURLToPath(new URL('..', import.meta.url));


const REPEATS = 3;



function fold(term: string): string {
  return term.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

function timeQueries(
  queries: readonly BenchQuery[],
  run: (q: string) => number,
): Pick<ChildResult, 'p50Ms' | 'p99Ms' | 'maxMs' | 'cpuP50Ms' | 'cpuP99Ms' | 'byKind' | 'answered'> {
  for (const q of queries) run(q.text); // warm-up: JIT, scratch buffers
  const times: number[] = [];
  const cpuTimes: number[] = [];
  const kinds = new Map<QueryKind, { times: number[]; answered: number }>();
  let answered = 0;
  for (const q of queries) {
    // Median of REPEATS runs: a one-off preemption on a shared machine is not the engine's cost; a slow query stays slow.
    const walls: number[] = [];
    const cpus: number[] = [];
    let hits = 0;
    for (let i = 0; i < REPEATS; i++) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      hits = run(q.text);
      walls.push(performance.now() - t0);
      const cpu = process.cpuUsage(cpu0);
      cpus.push((cpu.user + cpu.system) / 1000);
    }
    const ms = median(walls);
    times.push(ms);
    cpuTimes.push(median(cpus));
    const k = kinds.get(q.kind) ?? { times: [], answered: 0 };
    k.times.push(ms);
    if (hits > 0) {
      k.answered++;
      answered++;
    }
    kinds.set(q.kind, k);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const byKind: ChildResult['byKind'] = {};
  for (const [kind, k] of kinds) {
    const s = k.times.sort((a, b) => a - b);
    byKind[kind] = { p50Ms: percentile(s, 50), p99Ms: percentile(s, 99), answered: k.answered, queries: s.length };
  }
  const cpuSorted = cpuTimes.sort((a, b) => a - b);
  return {
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted[sorted.length - 1] ?? 0,
    cpuP50Ms: percentile(cpuSorted, 50),
    cpuP99Ms: percentile(cpuSorted, 99),
    byKind,
    answered: answered / queries.length,
  };
}

async function child(engine: Engine, size: number): Promise<void> {
  const corpus = generateCorpus(size);
  const queries = generateQueries(corpus, 100);
  if (engine === 'podcord') {
    const before = measuredMemory();
    const t0 = performance.now();
    const index = SearchIndex.build(corpus.passages);
    const buildMs = performance.now() - t0;
    const memoryBytes = measuredMemory() - before;
    const timing = timeQueries(queries, (q) => index.search(q, { limit: 5 }).length);
    const t1 = performance.now();
    const bytes = index.serialize();
    const serializeMs = performance.now() - t1;
    const t2 = performance.now();
    const loaded = SearchIndex.load(bytes);
    const loadMs = performance.now() - t2;
    const sample = queries.slice(0, 50).map((q) => q.text);
    const loadedSame = sample.every((q) => JSON.stringify(loaded.search(q)) === JSON.stringify(index.search(q)));
    const stats = index.stats();
    const scoped = scopedTimings(index, corpus.passages, queries);
    const result: ChildResult = {
      engine,
      size,
      buildMs,
      memoryBytes,
      ...timing,
      serializeMs,
      serializedBytes: bytes.length,
      loadMs,
      loadedSame,
      estimatedBytes: index.memoryBytes(),
      stems: stats.stems,
      surfaces: stats.surfaces,
      scoped,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const docs = corpus.passages.map((p, id) => ({ id, text: p.text }));
  const before = measuredMemory();
  const t0 = performance.now();
  const mini = new MiniSearch<{ id: number; text: string }>({
    fields: ['text'],
    processTerm: fold,
    searchOptions: {
      prefix: (_term, i, terms) => i === terms.length - 1,
      fuzzy: (term) => (term.length >= 9 ? 2 : term.length >= 5 ? 1 : false),
    },
  });
  mini.addAll(docs);
  const buildMs = performance.now() - t0;
  const memoryBytes = measuredMemory() - before;
  const timing = timeQueries(queries, (q) => mini.search(q).slice(0, 5).length);
  const result: ChildResult = { engine, size, buildMs, memoryBytes, ...timing };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** A guild's view: every podcast, half of them (two of every four, so Swedish ones too), or three (one Swedish), as podcastIds. */
function benchScopes(passages: readonly { podcastId: string }[]): [string, string[] | undefined][] {
  const podcasts = [...new Set(passages.map((p) => p.podcastId))];
  const half = podcasts.filter((_, i) => Math.floor(i / 2) % 2 === 0);
  return [
    ['all', undefined],
    [`half (${half.length})`, half],
    ['three', [podcasts[0]!, podcasts[1]!, podcasts[Math.floor(podcasts.length / 2)]!]],
  ];
}

function scopedTimings(index: SearchIndex, passages: readonly { podcastId: string }[], queries: readonly BenchQuery[]): NonNullable<ChildResult['scoped']> {
  // What /topic autocomplete is asked while a query is typed: its first 60% (at least 2 characters).
  const typed = queries.map((q) => ({ ...q, text: q.text.slice(0, Math.max(2, Math.ceil(q.text.length * 0.6))) }));
  const out: NonNullable<ChildResult['scoped']> = [];
  for (const [scope, podcastIds] of benchScopes(passages)) {
    if (podcastIds !== undefined) {
      const t = timeQueries(queries, (q) => index.search(q, { limit: 5, podcastIds }).length);
      out.push({ what: 'search', scope, p50Ms: t.p50Ms, p99Ms: t.p99Ms, cpuP99Ms: t.cpuP99Ms, answered: t.answered });
    }
    const c = timeQueries(typed, (q) => index.complete(q, 25, podcastIds).length);
    out.push({ what: 'complete', scope, p50Ms: c.p50Ms, p99Ms: c.p99Ms, cpuP99Ms: c.cpuP99Ms, answered: c.answered });
  }
  return out;
}

function runChild(engine: Engine, size: number): ChildResult {
  const run = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=12288', '--import', 'tsx', thisFile, '--child', engine, String(size)], {
    cwd: projectRoot,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (run.status !== 0) throw new Error(`${engine} at ${size} failed: ${run.stderr}`);
  const line = run.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as ChildResult;
}

const mb = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MB`;
const ms = (t: number): string => (t < 1 ? t.toFixed(3) : t < 100 ? t.toFixed(2) : t.toFixed(0));

export interface SearchBenchOptions {
  sizes?: number[];
  /** Largest corpus MiniSearch is run on (default 100 000). */
  miniSearchMax?: number;
}

function parseList(value: string | undefined): number[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value.split(',').map((s) => Number(s.replace(/_/g, '')));
}

export async function runSearchBench(options: SearchBenchOptions = {}): Promise<void> {
  const sizes = options.sizes ?? parseList(process.env['SEARCH_BENCH_SIZES']) ?? [10_000, 100_000, 1_000_000];
  const miniSearchMax = options.miniSearchMax ?? Number(process.env['SEARCH_BENCH_MINISEARCH_MAX'] ?? 100_000);
  console.log(
    `\nTopic search: Podcord SearchIndex vs MiniSearch ${'7'} on generated chapter titles; 500 queries (exact, prefix, typo, multi-word, Swedish).` +
      `\nMiniSearch runs up to ${miniSearchMax.toLocaleString('en')} chapters (--minisearch-max to change). Each engine and size in its own process.`,
  );
  const rows: Record<string, string>[] = [];
  const kindRows: Record<string, string>[] = [];
  const results: ChildResult[] = [];
  for (const size of sizes) {
    const podcord = runChild('podcord', size);
    results.push(podcord);
    const mini = size <= miniSearchMax ? runChild('minisearch', size) : undefined;
    if (mini) results.push(mini);
    for (const r of [podcord, mini]) {
      if (r === undefined) continue;
      rows.push({
        chapters: size.toLocaleString('en'),
        engine: r.engine,
        'build s': (r.buildMs / 1000).toFixed(2),
        memory: mb(r.memoryBytes),
        'p50 ms': ms(r.p50Ms),
        'p99 ms': ms(r.p99Ms),
        'max ms': ms(r.maxMs),
        'CPU p50 / p99 ms': `${ms(r.cpuP50Ms)} / ${ms(r.cpuP99Ms)}`,
        answered: `${(r.answered * 100).toFixed(0)}%`,
        'save / load s': r.serializeMs === undefined ? '' : `${(r.serializeMs / 1000).toFixed(2)} / ${((r.loadMs ?? 0) / 1000).toFixed(2)}`,
        'file size': r.serializedBytes === undefined ? '' : mb(r.serializedBytes),
      });
      for (const [kind, k] of Object.entries(r.byKind)) {
        kindRows.push({ chapters: size.toLocaleString('en'), engine: r.engine, kind, 'p50 ms': ms(k.p50Ms), 'p99 ms': ms(k.p99Ms), answered: `${k.answered}/${k.queries}` });
      }
    }
    if (mini) {
      rows.push({
        chapters: size.toLocaleString('en'),
        engine: 'MiniSearch / Podcord',
        'build s': `${(mini.buildMs / podcord.buildMs).toFixed(1)}x`,
        memory: `${(mini.memoryBytes / podcord.memoryBytes).toFixed(1)}x`,
        'p50 ms': `${(mini.p50Ms / podcord.p50Ms).toFixed(0)}x`,
        'p99 ms': `${(mini.p99Ms / podcord.p99Ms).toFixed(0)}x`,
        'max ms': `${(mini.maxMs / podcord.maxMs).toFixed(0)}x`,
        'CPU p50 / p99 ms': `${(mini.cpuP50Ms / Math.max(podcord.cpuP50Ms, 0.001)).toFixed(0)}x / ${(mini.cpuP99Ms / Math.max(podcord.cpuP99Ms, 0.001)).toFixed(0)}x`,
        answered: '',
        'save / load s': '',
        'file size': '',
      });
    } else {
      rows.push({ chapters: size.toLocaleString('en'), engine: 'minisearch', 'build s': 'not run (size > --minisearch-max)', memory: '', 'p50 ms': '', 'p99 ms': '', 'max ms': '', 'CPU p50 / p99 ms': '', answered: '', 'save / load s': '', 'file size': '' });
    }
    if (!podcord.loadedSame) console.warn(`!! Podcord at ${size}: results after load differ from before save`);
  }
  console.table(rows);
  console.table(kindRows);
  const scopedRows = results.flatMap((r) =>
    (r.scoped ?? []).map((s) => ({
      chapters: r.size.toLocaleString('en'),
      what: s.what,
      'podcasts seen': s.scope,
      'p50 ms': ms(s.p50Ms),
      'p99 ms': ms(s.p99Ms),
      'CPU p99 ms': ms(s.cpuP99Ms),
      answered: `${(s.answered * 100).toFixed(0)}%`,
    })),
  );
  if (scopedRows.length > 0) {
    console.log('Podcord as a guild that sees some podcasts asks: search (same 500 queries) and /topic word completion (25 choices).');
    console.table(scopedRows);
  }
  const largest = results.filter((r) => r.engine === 'podcord').pop();
  if (largest) {
    console.log(
      `Podcord at ${largest.size.toLocaleString('en')}: ${largest.stems} stems, ${largest.surfaces} dictionary words; ` +
        `memoryBytes() estimate ${mb(largest.estimatedBytes ?? 0)} vs measured ${mb(largest.memoryBytes)}. ` +
        `Goals: p99 < 5 ms (wall ${ms(largest.p99Ms)}, CPU ${ms(largest.cpuP99Ms)}), memory < 200 MB (${mb(largest.memoryBytes)}).`,
    );
  }
  console.log(
    'memory = heapUsed + arrayBuffers after full GC, after build minus before (corpus in the baseline).' +
      '\nanswered = queries with at least one hit (typo and prefix queries can legitimately differ between engines).' +
      '\nA query\'s time is the median of 3 runs. Wall times include waiting for a CPU on a busy machine; CPU times' +
      '\n(user + system, 1 µs resolution, GC and JIT threads included) do not.' +
      `\nLoad average when done: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} cores.`,
  );
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  if (process.argv[2] === '--child') {
    await child(process.argv[3] as Engine, Number(process.argv[4]));
  } else {
    const arg = (name: string): string | undefined => {
      const i = process.argv.indexOf(name);
      return i >= 0 ? process.argv[i + 1] : undefined;
    };
    const sizes = parseList(arg('--sizes'));
    const miniMax = arg('--minisearch-max');
    await runSearchBench({ ...(sizes ? { sizes } : {}), ...(miniMax ? { miniSearchMax: Number(miniMax) } : {}) });
  }
}
