/**
 * Search speed A/B in one process: this tree's SearchIndex against another copy of it (e.g. `git archive` of the
 * commit before a change, unpacked elsewhere), both built on the same generated corpus, the bench query mix run
 * alternately query by query (7 rounds, order flipped every round) and timed in CPU time. On a shared, noisy machine
 * this compares like with like far better than two bench runs minutes apart.
 *
 *   npx tsx bench/searchAB.ts /path/to/old/src/data/search/SearchIndex.ts [chapters, default 100000]
 */
import { pathToFileURL } from 'node:url';
import { SearchIndex as New } from '../src/data/search/SearchIndex.js';
import { generateCorpus, generateQueries } from './generateCorpus.js';

const oldPath = process.argv[2];
if (oldPath === undefined) throw new Error('usage: npx tsx bench/searchAB.ts /path/to/old/SearchIndex.ts [chapters]');
const { SearchIndex: Old } = (await import(pathToFileURL(oldPath).href)) as { SearchIndex: typeof New };
const size = Number(process.argv[3] ?? 100000);
const corpus = generateCorpus(size);
const queries = generateQueries(corpus).map((q) => q.text);
const a = Old.build(corpus.passages);
const b = New.build(corpus.passages);
const engines: [string, New][] = [
  ['old', a],
  ['new', b],
];
for (const [, e] of engines) for (let r = 0; r < 3; r++) for (const q of queries) e.search(q);
const times: Record<string, number[]> = { old: [], new: [] };
for (let round = 0; round < 7; round++) {
  for (const q of queries) {
    const order = round % 2 === 0 ? engines : [...engines].reverse();
    for (const [name, e] of order) {
      const t0 = process.cpuUsage();
      e.search(q);
      const c = process.cpuUsage(t0);
      (times[name] as number[]).push(c.user + c.system);
    }
  }
}
const pct = (xs: number[], p: number): number => [...xs].sort((x, y) => x - y)[Math.floor((xs.length - 1) * p / 100)] ?? 0;
for (const name of ['old', 'new']) {
  const xs = times[name] as number[];
  const sum = xs.reduce((s, x) => s + x, 0);
  console.log(size, 'chapters', name, 'CPU µs/query: mean', (sum / xs.length).toFixed(1), 'p50', pct(xs, 50), 'p90', pct(xs, 90), 'p99', pct(xs, 99));
}
