/**
 * Feed parsing benchmark: Podcord's parseFeed against rss-parser and fast-xml-parser, on the largest real
 * feed we have (bench/fixtures, YLE, 4.1 MB) and a generated 5,000-item feed (bench/generateFeed.ts).
 *
 *   npx tsx bench/feeds.ts            (or runFeedBench() from the bench runner)
 *   FEED_BENCH_ITERATIONS=3 FEED_BENCH_ROUNDS=2 npx tsx bench/feeds.ts
 *
 * Every (parser, input) pair runs in its own child process, so one parser's garbage or retained heap
 * cannot bill another. Each child: loads its parser, warms it up on a 20-item feed (30 parses, so its hot code is
 * optimised before anything is measured), reads the input bytes, forces GC, notes RSS, then
 * parses once and keeps the result alive. "Peak extra memory" is the process's max RSS after that parse
 * minus the RSS just before it: what parsing one feed really costs the OS, result included (the bytes
 * themselves were already in the baseline). Then it runs N timed iterations; the table shows the median
 * wall time and the median CPU time (user+system, which includes V8's GC helper threads; on a busy
 * machine it is the steadier of the two). The children run in rounds, every parser once per round, so a burst of
 * other work on the machine slows all parsers alike instead of one; the medians are over every round's runs.
 *
 * Peak extra memory is shown twice. With V8's defaults, most of it is the young generation growing towards its
 * 3 x 16 MB cap because the parse result survives, whatever the parser (garbage V8 would give back, sized by V8's
 * policy rather than by the parse). So each parser also runs once with the young generation held at its 1 MB
 * starting size (`--max-semi-space-size=1`): that peak is what the parse itself needs, result included.
 * Every parser starts from bytes: the string decoding rss-parser and fast-xml-parser need is timed too.
 *
 * Podcord's figure is its whole pipeline (parse, chapters, a link for every chapter), not the parse alone. The cold
 * table is the first parse in a fresh process (`FEED_BENCH_COLD_RUNS` processes per parser, Podcord's and
 * rss-parser's taking turns), as `inspect` and a newly started worker meet it: no warm-up, the parser's modules
 * imported just before (that load is shown apart). Its ratio is set beside the warm one from the table above.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateFeed } from './generateFeed.js';
import { median } from './measure.js';

type ParserName = 'podcord' | 'rss-parser' | 'fast-xml-parser';
const PARSERS: ParserName[] = ['podcord', 'rss-parser', 'fast-xml-parser'];

interface ChildResult {
  parser: ParserName;
  items: number;
  medianMs: number;
  /** Median user+system CPU time: steadier than wall time on a busy machine. */
  medianCpuMs: number;
  timesMs: number[];
  peakExtraBytes: number;
  /** Heap still used by the parse result after a full GC: what a caller holding the result pays. */
  retainedBytes: number;
  /** True when max RSS did not rise during the parse: the peak is then at most the figure shown. */
  peakHidden: boolean;
}

const thisFile = fileURLToPath(import.meta.url);
const projectRoot = fileURLToPath(new URL('..', import.meta.url));

type Parse = (bytes: Buffer) => Promise<number>;

/**
 * Loads one parser; returns a function from bytes to the number of items it found. Podcord's is its whole pipeline as
 * the bot and `inspect` run it: the feed parsed (notes to text, chapters from psc or notes) and every chapter's link.
 */
async function loadParser(name: ParserName): Promise<Parse> {
  if (name === 'podcord') {
    const { parseFeed } = await import('../src/data/feed/parseFeed.js');
    const { chapterLinker } = await import('../src/data/links.js');
    return async (bytes) => {
      const result = parseFeed(bytes);
      if (!result.ok) throw new Error(result.error);
      const { podcast, episodes } = result.value;
      const links: (string | undefined)[] = [];
      for (const episode of episodes) {
        const link = chapterLinker(podcast, episode);
        for (const chapter of episode.chapters) links.push(link(chapter.startSeconds));
      }
      keep = [result.value, links];
      return episodes.length;
    };
  }
  if (name === 'rss-parser') {
    const { default: RssParser } = await import('rss-parser');
    const parser = new RssParser();
    return async (bytes) => {
      const feed = await parser.parseString(bytes.toString('utf8'));
      keep = feed;
      return feed.items.length;
    };
  }
  const { XMLParser } = await import('fast-xml-parser');
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' });
  return async (bytes) => {
    const doc = parser.parse(bytes.toString('utf8')) as { rss?: { channel?: { item?: unknown[] | unknown } } };
    keep = doc;
    const items = doc.rss?.channel?.item;
    return Array.isArray(items) ? items.length : items === undefined ? 0 : 1;
  };
}

/** Holds the last result so the parse cannot be optimised away and its memory counts. */
let keep: unknown;
const WARM_UP_PARSES = 30;

async function child(name: ParserName, inputPath: string, iterations: number): Promise<void> {
  const parse = await loadParser(name);
  // A small feed first, parsed WARM_UP_PARSES times by every parser: its code is then loaded and its hot functions
  // optimised, as in a bot that has polled feeds before, and the peak below is the memory of parsing this input rather
  // than of starting up. (After one warm-up parse, the optimising compiler's own memory, spent during the measured
  // parse, put up to 2 MB of noise on the figure.)
  const warmUp = Buffer.from(generateFeed(20));
  for (let i = 0; i < WARM_UP_PARSES; i++) await parse(warmUp);
  keep = undefined;
  const bytes = readFileSync(inputPath);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run the child with --expose-gc');
  gc();
  gc();
  const before = process.memoryUsage().rss;
  const heapBefore = process.memoryUsage().heapUsed;
  const maxBefore = process.resourceUsage().maxRSS * 1024;
  const items = await parse(bytes);
  const maxAfter = process.resourceUsage().maxRSS * 1024;
  gc();
  const retainedBytes = Math.max(0, process.memoryUsage().heapUsed - heapBefore);
  keep = undefined;
  const timesMs: number[] = [];
  const cpuMs: number[] = [];
  for (let i = 0; i < iterations; i++) {
    gc();
    const start = performance.now();
    const cpu = process.cpuUsage();
    await parse(bytes);
    const used = process.cpuUsage(cpu);
    timesMs.push(performance.now() - start);
    cpuMs.push((used.user + used.system) / 1000);
    keep = undefined;
  }
  const result: ChildResult = {
    parser: name,
    items,
    medianMs: median(timesMs),
    medianCpuMs: median(cpuMs),
    timesMs,
    peakExtraBytes: Math.max(0, maxAfter - before),
    retainedBytes,
    peakHidden: maxAfter <= maxBefore,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

interface ColdResult {
  parser: ParserName;
  items: number;
  /** Importing the parser's modules (and, under tsx, compiling them): before the parse, not in it. */
  loadMs: number;
  /** The first parse of the process, from bytes, nothing of the parser run before it. */
  firstMs: number;
  firstCpuMs: number;
}

/** One fresh process, one parse: what `inspect`, a new worker or a just-started bot pays for its first big feed. */
async function coldChild(name: ParserName, inputPath: string): Promise<void> {
  const bytes = readFileSync(inputPath);
  const loadStart = performance.now();
  const parse = await loadParser(name);
  const loadMs = performance.now() - loadStart;
  const start = performance.now();
  const cpu = process.cpuUsage();
  const items = await parse(bytes);
  const used = process.cpuUsage(cpu);
  const firstMs = performance.now() - start;
  const result: ColdResult = { parser: name, items, loadMs, firstMs, firstCpuMs: (used.user + used.system) / 1000 };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function runColdChild(name: ParserName, inputPath: string): ColdResult {
  const run = spawnSync(process.execPath, ['--import', 'tsx', thisFile, '--cold', name, inputPath], {
    cwd: projectRoot,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (run.status !== 0) throw new Error(`${name} cold child failed: ${run.stderr}`);
  const line = run.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as ColdResult;
}

function runChild(name: ParserName, inputPath: string, iterations: number, v8Flags: string[] = []): ChildResult {
  const run = spawnSync(
    process.execPath,
    ['--expose-gc', ...v8Flags, '--import', 'tsx', thisFile, '--child', name, inputPath, String(iterations)],
    { cwd: projectRoot, encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  if (run.status !== 0) throw new Error(`${name} child failed: ${run.stderr}`);
  const line = run.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as ChildResult;
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

export async function runFeedBench(): Promise<void> {
  const iterations = Number(process.env['FEED_BENCH_ITERATIONS'] ?? 3);
  const rounds = Number(process.env['FEED_BENCH_ROUNDS'] ?? 3);
  const coldRuns = Number(process.env['FEED_BENCH_COLD_RUNS'] ?? 5);
  const generatedPath = join(tmpdir(), `podcord-bench-feed-${process.pid}.xml`);
  writeFileSync(generatedPath, generateFeed(5_000));
  const inputs = [
    { label: 'YLE Ajantasa (real, 1,342 items)', path: fileURLToPath(new URL('fixtures/yle-ajantasa_1342-items.xml', import.meta.url)) },
    { label: 'generated (5,000 items)', path: generatedPath },
  ];
  try {
    for (const input of inputs) {
      const size = readFileSync(input.path).length;
      console.log(
        `\n${input.label}: ${mb(size)}, ${rounds} rounds of ${iterations} timed iterations per parser, each parser in its own process`,
      );
      const runs = new Map<ParserName, ChildResult[]>(PARSERS.map((name) => [name, []]));
      for (let round = 0; round < rounds; round++) {
        for (const name of PARSERS) runs.get(name)?.push(runChild(name, input.path, iterations));
      }
      const results = PARSERS.map((name) => {
        const all = runs.get(name) ?? [];
        const first = all[0];
        if (first === undefined) throw new Error(`no run of ${name}`);
        return {
          ...first,
          medianMs: median(all.flatMap((r) => r.timesMs)),
          medianCpuMs: median(all.map((r) => r.medianCpuMs)),
          peakExtraBytes: median(all.map((r) => r.peakExtraBytes)),
          // Max RSS moves by a few MB run to run (JIT code, page reuse): the median of three.
          nurseryPeakBytes: median(
            [0, 1, 2].map(() => runChild(name, input.path, 0, ['--max-semi-space-size=1']).peakExtraBytes),
          ),
        };
      });
      const podcord = results.find((r) => r.parser === 'podcord');
      const rows = results.map((r) => ({
        parser: r.parser,
        items: r.items,
        'median ms': r.medianMs.toFixed(0),
        'vs podcord': podcord === undefined ? '' : `${(r.medianMs / podcord.medianMs).toFixed(1)}x`,
        'median CPU ms': r.medianCpuMs.toFixed(0),
        'CPU vs podcord': podcord === undefined ? '' : `${(r.medianCpuMs / podcord.medianCpuMs).toFixed(1)}x`,
        'peak extra memory': `${r.peakHidden ? '<= ' : ''}${mb(r.peakExtraBytes)}`,
        'with 1 MB nursery': mb(r.nurseryPeakBytes),
        '/ feed size': `${(r.nurseryPeakBytes / size).toFixed(2)}x`,
        'vs podcord ': podcord === undefined ? '' : `${(r.nurseryPeakBytes / podcord.nurseryPeakBytes).toFixed(1)}x`,
        'result heap': mb(r.retainedBytes),
      }));
      console.table(rows);

      // Cold: a fresh process per parse, podcord and rss-parser taking turns so a busy moment slows both alike.
      const cold = new Map<ParserName, ColdResult[]>([['podcord', []], ['rss-parser', []]]);
      for (let run = 0; run < coldRuns; run++) for (const [name, list] of cold) list.push(runColdChild(name, input.path));
      const coldOf = (name: ParserName) => {
        const list = cold.get(name) ?? [];
        return { wall: median(list.map((r) => r.firstMs)), cpu: median(list.map((r) => r.firstCpuMs)), load: median(list.map((r) => r.loadMs)) };
      };
      const podcordCold = coldOf('podcord');
      const rssCold = coldOf('rss-parser');
      const warmOf = (name: ParserName) => results.find((r) => r.parser === name);
      console.log(`cold: first parse in a fresh process, median of ${coldRuns} processes each`);
      console.table(
        (['podcord', 'rss-parser'] as const).map((name) => {
          const c = name === 'podcord' ? podcordCold : rssCold;
          const warm = warmOf(name);
          return {
            parser: name,
            'cold ms': c.wall.toFixed(0),
            'cold vs podcord': `${(c.wall / podcordCold.wall).toFixed(1)}x`,
            'cold CPU ms': c.cpu.toFixed(0),
            'CPU vs podcord': `${(c.cpu / podcordCold.cpu).toFixed(1)}x`,
            'warm ms': warm === undefined ? '' : warm.medianMs.toFixed(0),
            'cold / warm': warm === undefined ? '' : `${(c.wall / warm.medianMs).toFixed(1)}x`,
            'load ms (not in cold)': c.load.toFixed(0),
          };
        }),
      );
      const warmPodcord = warmOf('podcord');
      const warmRss = warmOf('rss-parser');
      console.log(
        `ratios, rss-parser / podcord: cold ${(rssCold.wall / podcordCold.wall).toFixed(2)}x (CPU ${(rssCold.cpu / podcordCold.cpu).toFixed(2)}x), ` +
          `warm ${warmPodcord && warmRss ? (warmRss.medianMs / warmPodcord.medianMs).toFixed(2) : '?'}x`,
      );
    }
    console.log(
      '\nPeak extra memory = max RSS after one parse (result kept) minus RSS before it, after GC; "with 1 MB nursery":' +
        '\nthe same with V8\'s young generation held at its starting size (--max-semi-space-size=1), for every parser.' +
        '\nResult heap = V8 heap still used after a full GC with the result kept (the part of the peak that is output, not garbage).' +
        '\nrss-parser and fast-xml-parser do less (no HTML-to-text, no chapters, no dates, no links); fast-xml-parser only builds a generic tree.' +
        '\nPodcord is its whole pipeline: the feed parsed (notes to text, chapters) and a link made for every chapter.' +
        '\nCold = the first parse of a fresh process (modules loaded before it; their load time is shown apart), without warm-up.',
    );
  } finally {
    rmSync(generatedPath, { force: true });
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  if (process.argv[2] === '--cold') {
    await coldChild(process.argv[3] as ParserName, process.argv[4] ?? '');
  } else if (process.argv[2] === '--child') {
    await child(process.argv[3] as ParserName, process.argv[4] ?? '', Number(process.argv[5] ?? 5));
  } else {
    await runFeedBench();
  }
}
