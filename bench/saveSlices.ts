/**
 * Diagnosis: the topic index's save from the library (Library.saveIndexStream) timed inside, step by step: the
 * snapshot, every step of its plan and every chunk it hands over (an empty one: a pause), wall and CPU time, and the
 * collections meanwhile. Usage: `node --import tsx --expose-gc bench/saveSlices.ts <db> [changes]` (the db and its
 * .topics are read, not written: the changes go into the library only; the file is written to TMPDIR).
 */
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Library } from '../src/data/library.js';
import { createLogger } from '../src/logger.js';
import { WorkerCompactor } from '../src/search-runtime/WorkerCompactor.js';
import { loadLibrary } from '../src/store/loadLibrary.js';
import { openSqliteStore } from '../src/store/SqliteStore.js';
import { storedTranscripts } from '../src/store/storedTranscripts.js';
import { writeTopicIndexStream } from '../src/store/topicIndexFile.js';

const [file, changesArg] = process.argv.slice(2) as [string, string | undefined];
const changes = Number(changesArg ?? 500);
const log = createLogger({ level: 'warn' });
const opened = openSqliteStore(`sqlite:${file}`);
if (!opened.ok) throw new Error(opened.error);
const store = opened.value;
const compactor = new WorkerCompactor();
const library = new Library({ index: { compactor } });
library.readDetailsFrom((podcastId, ids) => store.loadEpisodes(podcastId, ids));
const loaded = await loadLibrary(store, library, log, { indexFile: `${file}.topics` });
if (!loaded.savedIndex.used) throw new Error(`the saved index was not used: ${loaded.savedIndex.reason}`);
const tag = `savebench${Date.now().toString(36)}`;
const ids = [...(await store.catalogVersions()).keys()].sort();
const step = Math.max(1, Math.floor(ids.length / Math.max(1, changes)));
let changed = 0;
for (let i = 0; i < ids.length && changed < changes; i += step) {
  const entry = await store.loadPodcast(ids[i]!);
  if (entry === undefined || entry.episodes.length === 0) continue;
  const episodes = entry.episodes.map((e, n) => (n === 0 ? { ...e, description: `${e.description ?? ''} ${tag}` } : e));
  await library.upsertInSlices(entry.podcast, episodes, await storedTranscripts(store, entry.podcast.id, episodes));
  changed++;
}
(globalThis as { gc?: () => void }).gc?.();
const steps: { ms: number; phase: string; at?: number; cpu?: number }[] = [];
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
{
  const s = library.search.stats();
  console.log(JSON.stringify(s));
  for (let r = 0; r < 3; r++) {
    let a = performance.now();
    library.search.saveSnapshot();
    const snap = performance.now() - a;
    a = performance.now();
    library.catalog.serializeStream(library.indexedPodcasts());
    const cat = performance.now() - a;
    a = performance.now();
    library.indexedPodcasts();
    console.log(`saveSnapshot ${snap.toFixed(1)} ms, catalogue entries ${cat.toFixed(1)} ms, indexedPodcasts ${(performance.now() - a).toFixed(1)}`);
  }
}
const gcs: { start: number; ms: number; kind: number }[] = [];
const { PerformanceObserver } = await import('node:perf_hooks');
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcs.push({ start: e.startTime, ms: e.duration, kind: ((e as unknown as { detail?: { kind: number } }).detail)?.kind ?? 0 });
});
obs.observe({ entryTypes: ['gc'] });
const t0 = performance.now();
const stream = library.saveIndexStream()!;
steps.push({ ms: performance.now() - t0, phase: 'snapshot' });
const plan = stream.plan();
let bytes = 0;
for (;;) {
  const s0 = performance.now();
  const c0 = process.cpuUsage();
  const r = plan.next();
  const c1 = process.cpuUsage(c0);
  steps.push({ ms: performance.now() - s0, phase: 'plan', at: s0, cpu: (c1.user + c1.system) / 1000 });
  if (r.done === true) {
    bytes = r.value;
    break;
  }
  await new Promise<void>((resolve) => setImmediate(resolve));
}
function* timed(chunks: Iterable<Uint8Array>): Generator<Uint8Array, void, void> {
  const it = chunks[Symbol.iterator]();
  for (;;) {
    const s0 = performance.now();
    const c0 = process.cpuUsage();
    const r = it.next();
    const c1 = process.cpuUsage(c0);
    steps.push({ ms: performance.now() - s0, phase: 'chunk (or pause)', at: s0, cpu: (c1.user + c1.system) / 1000 });
    if (r.done === true) return;
    yield r.value;
  }
}
await writeTopicIndexStream(path.join(os.tmpdir(), 'saveSlices.topics'), new Map(), bytes, timed(stream.chunks()));
const total = performance.now() - t0;
ticking = false;
const byPhase = new Map<string, { n: number; max: number; sum: number; cpu: number }>();
for (const s of steps) {
  const p = byPhase.get(s.phase) ?? { n: 0, max: 0, sum: 0, cpu: 0 };
  p.n++;
  p.max = Math.max(p.max, s.ms);
  p.cpu = Math.max(p.cpu, s.cpu ?? 0);
  p.sum += s.ms;
  byPhase.set(s.phase, p);
}
console.log(`${changed} changed; save ${Math.round(total)} ms, ${steps.length} steps, longest hold ${Math.round(maxHold)} ms, ${Math.round(bytes / 1e6)} MB`);
for (const st of [...steps].sort((a, b) => (b.cpu ?? b.ms) - (a.cpu ?? a.ms)).slice(0, 12)) {
  const inGc = gcs.filter((x) => st.at !== undefined && x.start >= st.at && x.start < st.at + st.ms).reduce((n, x) => n + x.ms, 0);
  console.log(`  step ${st.phase} ${st.ms.toFixed(1)} ms (cpu ${(st.cpu ?? 0).toFixed(1)}, gc ${inGc.toFixed(1)})`);
}
for (const [phase, p] of [...byPhase].sort((a, b) => b[1].max - a[1].max).slice(0, 25)) console.log(`  ${phase.padEnd(40)} n ${String(p.n).padStart(6)} max ${p.max.toFixed(1).padStart(7)} cpu max ${p.cpu.toFixed(1).padStart(6)} sum ${p.sum.toFixed(0).padStart(7)}`);
const bigGc = gcs.filter((x) => x.ms > 5);
console.log(`GC: ${gcs.length} events, ${gcs.reduce((n, x) => n + x.ms, 0).toFixed(0)} ms; over 5 ms: ${bigGc.map((x) => `${x.ms.toFixed(0)}(k${x.kind})`).join(' ')}`);
obs.disconnect();
await compactor.close();
await store.close();
