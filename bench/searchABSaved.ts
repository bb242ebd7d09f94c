/**
 * Search speed A/B on the library bench's saved topic index (`<database>.topics`, e.g. 1,000,000 episodes, 13.7 M
 * passages): this tree's SearchIndex against another copy (see searchAB.ts), both loaded from the same bytes in one
 * process; the library bench's own /topic queries (topicBenchQueries: 60 of each kind) asked as /topic asks them
 * (topicMoments' options for the first page: 15 hits, 3 an episode, `now`), 5 rounds taking turns, CPU time. Checks
 * first that both give the same result lists (passages, order, scores, highlights) and suggestions. Reads the file,
 * never writes it.
 *
 *   node --import tsx --max-old-space-size=8000 bench/searchABSaved.ts /tmp/old/src/data/search/SearchIndex.ts /tmp/podcord-bench-library-v1-1000000.db.topics [rounds] [podcasts]
 *
 * `podcasts` (default 0): first index that many podcasts' episodes again in both, as the bot's catch-up after a start
 * does for the podcasts changed since the save (the library bench: 500), so the searches run as the bot's do then: with
 * a mutable segment holding their passages, and their old ones removed.
 */
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';
import { SearchIndex as New } from '../src/data/search/SearchIndex.js';
import type { SearchOptions } from '../src/data/search/TopicSearch.js';
import type { Passage } from '../src/data/search/passage.js';
import { topicBenchQueries } from './library.js';
import { INDEX_FORMAT, SEARCH_PART } from '../src/data/library.js';

const { SearchIndex: Old } = (await import(pathToFileURL(process.argv[2]!).href)) as { SearchIndex: typeof New };
const file = process.argv[3]!;
const rounds = Number(process.argv[4] ?? 5);
const reindexed = Number(process.argv[5] ?? 0);

// The file (src/store/topicIndexFile.ts): 16 bytes (magic, header length at 8, ...), a JSON header, then the body
// Library.serializeIndex wrote: its format, the count of parts, each part's length, then the parts, each 8-aligned.
const buf = readFileSync(file);
const headerLength = buf.readUInt32LE(8);
const body = new Uint8Array(buf.buffer, buf.byteOffset + 16 + headerLength, buf.byteLength - 16 - headerLength);
const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
if (dv.getUint32(0, true) !== INDEX_FORMAT) throw new Error(`${file}: body of format ${dv.getUint32(0, true).toString(16)}, this bench reads ${INDEX_FORMAT.toString(16)}`);
const parts = dv.getUint32(4, true);
const align8 = (n: number) => (n + 7) & ~7;
let at = align8(8 + parts * 4);
const ranges: [number, number][] = [];
for (let i = 0; i < parts; i++) {
  const len = dv.getUint32(8 + i * 4, true);
  ranges.push([at, at + len]);
  at = align8(at + len);
}
const [s, e] = ranges[SEARCH_PART]!;
// The topic index's part of the body, copied 8-aligned (load copies each table into a buffer of its own).
const searchBytes = new Uint8Array(e - s);
searchBytes.set(body.subarray(s, e));
const a = Old.load(searchBytes);
const b = New.load(searchBytes);
// Passages taken back out of the index (its own tables, as the store would give them again), removed and added anew.
interface Internals {
  episodeCount: number;
  episodeIds: string[];
  podcastIds: string[];
  episodePodcast: Uint32Array;
  episodeFirstDoc: Uint32Array;
  episodeEndDoc: Uint32Array;
  docEpisode: Uint32Array;
  passageOf(doc: number, text: string): Passage;
  textOf(doc: number): string;
}
function reindex(index: New, podcasts: number): void {
  const x = index as unknown as Internals;
  const byPodcast = new Map<number, Passage[][]>();
  for (let e = 0; e < x.episodeCount; e++) {
    const p = x.episodePodcast[e] as number;
    if (p >= podcasts) continue;
    const passages: Passage[] = [];
    for (let doc = x.episodeFirstDoc[e] as number; doc < (x.episodeEndDoc[e] as number); doc++) if (x.docEpisode[doc] === e) passages.push(x.passageOf(doc, x.textOf(doc)));
    byPodcast.set(p, [...(byPodcast.get(p) ?? []), passages]);
  }
  for (const [p, episodes] of byPodcast) {
    for (const passages of episodes) {
      const first = passages[0];
      if (first === undefined) continue;
      index.removeEpisode(x.podcastIds[p] as string, first.episodeId);
      index.add(passages);
    }
  }
}
if (reindexed > 0) {
  const t0 = performance.now();
  reindex(a, reindexed);
  reindex(b, reindexed);
  console.log(`${reindexed} podcasts indexed again in each (${Math.round(performance.now() - t0)} ms)`);
}
console.log('index', b.stats());

const bq = topicBenchQueries();
const queries = bq.map((q) => q.text);
const now = Date.now();
// What /topic asks for its first page (src/commands/topic.ts topicMoments: limit wanted + PER_PAGE, PER_EPISODE + 1).
const options: SearchOptions = { limit: 15, maxPerEpisode: 3, now };

let same = 0;
const differ: string[] = [];
for (const q of queries) {
  const left = JSON.stringify([a.search(q, options), a.suggest(q)]);
  const right = JSON.stringify([b.search(q, options), b.suggest(q)]);
  if (left === right) same++;
  else differ.push(q);
}
console.log('identical result lists and suggestions', same, 'of', queries.length, differ.length > 0 ? `(differ: ${JSON.stringify(differ.slice(0, 10))})` : '');

const engines: [string, New][] = [['old', a], ['new', b]];
for (const [, en] of engines) for (const q of queries) en.search(q, options);
const per: Record<string, number[][]> = { old: queries.map(() => []), new: queries.map(() => []) };
for (let round = 0; round < rounds; round++) {
  for (const [qi, q] of queries.entries()) {
    const order = round % 2 === 0 ? engines : [...engines].reverse();
    for (const [name, en] of order) {
      const t0 = process.cpuUsage();
      en.search(q, options);
      const c = process.cpuUsage(t0);
      per[name]![qi]!.push((c.user + c.system) / 1000);
    }
  }
}
const pct = (xs: number[], p: number) => [...xs].sort((x, y) => x - y)[Math.floor(((xs.length - 1) * p) / 100)] ?? 0;
const med = (xs: number[]) => pct(xs, 50);
// Per query its median over the rounds, then percentiles over the queries: what the library bench's p99 of 300 sees.
const byQuery = (name: string) => per[name]!.map(med);
for (const name of ['old', 'new']) {
  const xs = byQuery(name);
  console.log(name, 'per-query medians ms: p50', pct(xs, 50).toFixed(2), 'p90', pct(xs, 90).toFixed(2), 'p99', pct(xs, 99).toFixed(2), 'max', pct(xs, 100).toFixed(2));
}
const ratio = (p: number) => (pct(byQuery('new'), p) / pct(byQuery('old'), p)).toFixed(2);
console.log('new / old: p50', ratio(50), 'p90', ratio(90), 'p99', ratio(99), 'max', ratio(100));
for (const kind of [...new Set(bq.map((q) => q.kind))]) {
  console.log(
    kind.padEnd(10),
    ['old', 'new']
      .map((name) => {
        const xs = byQuery(name).filter((_, qi) => bq[qi]!.kind === kind);
        return `${name} p50 ${pct(xs, 50).toFixed(2)} p99 ${pct(xs, 99).toFixed(2)}`;
      })
      .join(' | '),
  );
}
const slow = queries.map((q, qi) => ({ q, old: med(per.old![qi]!), new: med(per.new![qi]!) })).sort((x, y) => Math.max(y.old, y.new) - Math.max(x.old, x.new));
for (const x of slow.slice(0, 12)) console.log('slow', JSON.stringify(x.q).padEnd(34), 'old', x.old.toFixed(1).padStart(6), 'new', x.new.toFixed(1).padStart(6), 'ms (median of rounds)');
