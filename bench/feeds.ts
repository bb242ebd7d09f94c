/**
 * Feed parsing benchmark: Podcord's parseFeed against rss-parser and fast-xml-parser, on the largest real
 * feed we have (bench/fixtures, YLE, 4.1 MB) and a generated 5,000-item feed (bench/generateFeed.ts).
 *
 *   npx tsx bench/feeds.ts            (or runFeedBench() from the bench runner)
 *   FEED_BENCH_ITERATIONS=3 npx tsx bench/feeds.ts
 *
 * Every (parser, input) pair runs in its own child process, so one parser's garbage or retained heap
 * cannot bill another. Each child: loads its parser, reads the input bytes, forces GC, notes RSS, then
 * parses once and keeps the result alive. "Peak extra memory" is the process's max RSS after that parse
 * minus the RSS just before it: what parsing one feed really costs the OS, result included (the bytes
 * themselves were already in the baseline). Then it runs N timed iterations; the table shows the median
 * wall time and the median CPU time (user+system, which includes V8's GC helper threads; on a busy
 * machine it is the steadier of the two).
 * Every parser starts from bytes: the string decoding rss-parser and fast-xml-parser need is timed too.
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

/** Loads one parser; returns a function from bytes to the number of items it found. */
async function loadParser(name: ParserName): Promise<Parse> {
  if (name === 'podcord') {
    const { parseFeed } = await import('../src/data/feed/parseFeed.js');
    return async (bytes) => {
      const result = parseFeed(bytes);
      if (!result.ok) throw new Error(result.error);
      keep = result.value;
      return result.value.episodes.length;
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

async function child(name: ParserName, inputPath: string, iterations: number): Promise<void> {
  const parse = await loadParser(name);
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

function runChild(name: ParserName, inputPath: string, iterations: number): ChildResult {
  const run = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', thisFile, '--child', name, inputPath, String(iterations)],
    { cwd: projectRoot, encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  if (run.status !== 0) throw new Error(`${name} child failed: ${run.stderr}`);
  const line = run.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as ChildResult;
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

export async function runFeedBench(): Promise<void> {
  const iterations = Number(process.env['FEED_BENCH_ITERATIONS'] ?? 5);
  const generatedPath = join(tmpdir(), `podcord-bench-feed-${process.pid}.xml`);
  writeFileSync(generatedPath, generateFeed(5_000));
  const inputs = [
    { label: 'YLE Ajantasa (real, 1,342 items)', path: fileURLToPath(new URL('fixtures/yle-ajantasa_1342-items.xml', import.meta.url)) },
    { label: 'generated (5,000 items)', path: generatedPath },
  ];
  try {
    for (const input of inputs) {
      const size = readFileSync(input.path).length;
      console.log(`\n${input.label}: ${mb(size)}, ${iterations} timed iterations per parser, each parser in its own process`);
      const results = PARSERS.map((name) => runChild(name, input.path, iterations));
      const podcord = results.find((r) => r.parser === 'podcord');
      const rows = results.map((r) => ({
        parser: r.parser,
        items: r.items,
        'median ms': r.medianMs.toFixed(0),
        'vs podcord': podcord === undefined ? '' : `${(r.medianMs / podcord.medianMs).toFixed(1)}x`,
        'median CPU ms': r.medianCpuMs.toFixed(0),
        'CPU vs podcord': podcord === undefined ? '' : `${(r.medianCpuMs / podcord.medianCpuMs).toFixed(1)}x`,
        'peak extra memory': `${r.peakHidden ? '<= ' : ''}${mb(r.peakExtraBytes)}`,
        'memory / feed size': `${(r.peakExtraBytes / size).toFixed(2)}x`,
        'memory vs podcord': podcord === undefined ? '' : `${(r.peakExtraBytes / podcord.peakExtraBytes).toFixed(1)}x`,
        'result heap': mb(r.retainedBytes),
      }));
      console.table(rows);
    }
    console.log(
      '\nPeak extra memory = max RSS after one parse (result kept) minus RSS before it, after GC.' +
        '\nResult heap = V8 heap still used after a full GC with the result kept (the part of the peak that is output, not garbage).' +
        '\nrss-parser and fast-xml-parser do less (no HTML-to-text, no chapters, no dates); fast-xml-parser only builds a generic tree.',
    );
  } finally {
    rmSync(generatedPath, { force: true });
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  if (process.argv[2] === '--child') {
    await child(process.argv[3] as ParserName, process.argv[4] ?? '', Number(process.argv[5] ?? 5));
  } else {
    await runFeedBench();
  }
}
