/**
 * Search speed A/B on the library bench's saved topic index (`<database>.topics`, e.g. 1,000,000 episodes, 13.7 M
 * passages): this tree's SearchIndex against another copy (see searchAB.ts), both loaded from the same bytes in one
 * process; queries of the library bench's kinds (generateQueries, 60 per kind, over titles from the bench's vocabulary),
 * 5 rounds taking turns, CPU time. Checks first that both give the same result lists. Reads the file, never writes it.
 *
 *   node --import tsx --max-old-space-size=8000 bench/searchABSaved.ts /tmp/old/src/data/search/SearchIndex.ts /tmp/podcord-bench-library-v1-1000000.db.topics
 */
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';
import type { Passage } from '../src/data/search/passage.js';
import { SearchIndex as New } from '../src/data/search/SearchIndex.js';
import { englishTitle, generateQueries, swedishTitle, vocabulary } from './generateCorpus.js';
const { SearchIndex: Old } = (await import(pathToFileURL(process.argv[2]!).href)) as { SearchIndex: typeof New };
const file = process.argv[3]!;
const buf = readFileSync(file);
const headerLength = buf.readUInt32LE(8);
const body = new Uint8Array(buf.buffer, buf.byteOffset + 16 + headerLength, buf.byteLength - 16 - headerLength);
const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
const PARTS = 5;
const align8 = (n: number) => (n + 7) & ~7;
let at = align8(8 + PARTS * 4);
const ranges: [number, number][] = [];
for (let i = 0; i < PARTS; i++) { const len = dv.getUint32(8 + i * 4, true); ranges.push([at, at + len]); at = align8(at + len); }
const [s, e] = ranges[4]!;
// The topic index's part of the body (Library's format: 5 parts, the last the SearchIndex), copied 8-aligned.
const searchBytes = new Uint8Array(e - s); searchBytes.set(body.subarray(s, e));
const a = Old.load(searchBytes);
const b = New.load(searchBytes);
console.log('passages', b.stats());
import { prng } from '../test/support/prng.js';
const v = vocabulary(600_000);
const sample: Passage[] = [];
for (let i = 0; i < 200; i++) { const r = prng(i * 50 + 1); const sw = (i * 50) % 6 === 5; for (let n = 0; n < 2; n++) sample.push({ podcastId: '', episodeId: '', startSeconds: 0, field: 'episodeTitle', text: sw ? swedishTitle(v, r) : englishTitle(v, r) }); }
const bq = generateQueries({ passages: sample, vocabulary: v }, 60);
const queries = bq.map((q) => q.text);
// identical results check
let same = 0; for (const q of queries) { if (JSON.stringify(a.search(q)) === JSON.stringify(b.search(q))) same++; }
console.log('identical result lists', same, 'of', queries.length);
const engines: [string, New][] = [['old', a], ['new', b]];
for (const [, en] of engines) for (const q of queries) en.search(q);
const per: Record<string, number[][]> = { old: queries.map(() => []), new: queries.map(() => []) };
for (let round = 0; round < 5; round++) for (const [qi, q] of queries.entries()) {
  const order = round % 2 === 0 ? engines : [...engines].reverse();
  for (const [name, en] of order) { const t0 = process.cpuUsage(); en.search(q); const c = process.cpuUsage(t0); per[name]![qi]!.push((c.user + c.system) / 1000); }
}
const pct = (xs: number[], p: number) => [...xs].sort((x, y) => x - y)[Math.floor((xs.length - 1) * p / 100)] ?? 0;
for (const name of ['old', 'new']) { const xs = per[name]!.flat(); console.log(name, 'all ms p50', pct(xs, 50).toFixed(2), 'p90', pct(xs, 90).toFixed(2), 'p99', pct(xs, 99).toFixed(2), 'max', pct(xs, 100).toFixed(2)); }
for (const kind of [...new Set(bq.map((q) => q.kind))]) console.log(kind.padEnd(10), ['old', 'new'].map((name) => { const xs = per[name]!.flatMap((t, qi) => (bq[qi]!.kind === kind ? t : [])); return `${name} p50 ${pct(xs, 50).toFixed(2)} p99 ${pct(xs, 99).toFixed(2)}`; }).join(' | '));
const med = (xs: number[]) => pct(xs, 50);
const slow = queries.map((q, qi) => ({ q, old: med(per.old![qi]!), new: med(per.new![qi]!) })).sort((x, y) => y.old - x.old);
for (const x of slow.slice(0, 10)) console.log('slow', JSON.stringify(x.q), 'old', x.old.toFixed(1), 'new', x.new.toFixed(1), 'ms (median of 5)');
