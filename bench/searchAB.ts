/**
 * Search speed A/B in one process: this tree's SearchIndex against another copy of it (e.g. `git archive` of the
 * commit before a change, unpacked elsewhere), both built on the same generated corpus, the bench query mix run
 * alternately query by query (7 rounds, order flipped every round) and timed in CPU time. On a shared, noisy machine
 * this compares like with like far better than two bench runs minutes apart.
 *
 *   npx tsx bench/searchAB.ts /path/to/old/src/data/search/SearchIndex.ts [chapters, default 100000]
 *
 * Prints CPU time per query overall and per query kind, and the slowest queries (by the old copy's median). Mind its
 * bias: with the same code on both sides, 1,000,000 chapters measured the second copy ('new') 7-11 % slower.
 */
import { pathToFileURL } from 'node:url';
import { SearchIndex as New } from '../src/data/search/SearchIndex.js';
import { generateCorpus, generateQueries } from './generateCorpus.js';

const oldPath = process.argv[2];
if (oldPath === undefined) throw new Error('usage: npx tsx bench/searchAB.ts /path/to/old/SearchIndex.ts [chapters]');
const { SearchIndex: Old } = (await import(pathToFileURL(oldPath).href)) as { SearchIndex: typeof New };
const size = Number(process.argv[3] ?? 100000);
const corpus = generateCorpus(size);
const benchQueries = generateQueries(corpus);
const queries = benchQueries.map((q) => q.text);
const a = Old.build(corpus.passages);
const b = New.build(corpus.passages);
const engines: [string, New][] = [
  ['old', a],
  ['new', b],
];
for (const [, e] of engines) for (let r = 0; r < 3; r++) for (const q of queries) e.search(q);
const times: Record<string, number[]> = { old: [], new: [] };
// Per engine and query (index into `queries`): its CPU times over the rounds, for the per-kind rows and slowest queries.
const perQuery: Record<string, number[][]> = { old: queries.map(() => []), new: queries.map(() => []) };
for (let round = 0; round < 7; round++) {
  for (const [qi, q] of queries.entries()) {
    const order = round % 2 === 0 ? engines : [...engines].reverse();
    for (const [name, e] of order) {
      const t0 = process.cpuUsage();
      e.search(q);
      const c = process.cpuUsage(t0);
      (times[name] as number[]).push(c.user + c.system);
      (perQuery[name] as number[][])[qi]!.push(c.user + c.system);
    }
  }
}
const pct = (xs: number[], p: number): number => [...xs].sort((x, y) => x - y)[Math.floor((xs.length - 1) * p / 100)] ?? 0;
for (const name of ['old', 'new']) {
  const xs = times[name] as number[];
  const sum = xs.reduce((s, x) => s + x, 0);
  console.log(size, 'chapters', name, 'CPU µs/query: mean', (sum / xs.length).toFixed(1), 'p50', pct(xs, 50), 'p90', pct(xs, 90), 'p99', pct(xs, 99));
}
const median = (xs: number[]): number => pct(xs, 50);
for (const kind of [...new Set(benchQueries.map((q) => q.kind))]) {
  const row = ['old', 'new'].map((name) => {
    const xs = (perQuery[name] as number[][]).flatMap((t, qi) => (benchQueries[qi]!.kind === kind ? t : []));
    return `${name} p50 ${pct(xs, 50)} p99 ${pct(xs, 99)}`;
  });
  console.log(size, 'chapters', kind.padEnd(10), 'CPU µs/query:', row.join(' | '));
}
// The slowest queries by old's median over the rounds, beside new's median.
const slowest = queries.map((q, qi) => ({ q, old: median(perQuery.old![qi]!), new: median(perQuery.new![qi]!) })).sort((x, y) => y.old - x.old);
for (const s of slowest.slice(0, 8)) console.log(size, 'chapters', 'slow:', JSON.stringify(s.q), 'old', s.old, 'new', s.new, 'µs (median of 7)');
