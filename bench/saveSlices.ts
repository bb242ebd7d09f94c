/**
 * Diagnosis: the topic index's save from the library (Library.saveIndexStream) timed inside, step by step: the
 * snapshot, every step of its plan and every chunk it hands over (an empty one: a pause), wall and CPU time, and the
 * collections meanwhile. Usage: `node --import tsx --expose-gc bench/saveSlices.ts <db> [changes]` (the db and its
 * .topics are read, the changes go into the library only and the file is written to TMPDIR; the store is opened as
 * the bot opens it, so give it a copy).
 * SAVE_SLICES_PROFILE=1 also profiles the snapshot's turn (its functions' own time).
 */
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeTopicIndexStream } from '../src/store/topicIndexFile.js';
import { loadChangedLibrary } from './changedLibrary.js';

const [file, changesArg] = process.argv.slice(2) as [string, string | undefined];
const changes = Number(changesArg ?? 500);
// The changes go into the library only: the store stays as it was.
const { store, library, compactor, changed } = await loadChangedLibrary(file, changes, false);
(globalThis as { gc?: () => void }).gc?.();
const steps: { ms: number; phase: string; at?: number; cpu?: number }[] = [];
let maxHold = 0;
let last = performance.now();
let ticking = true;
const holds: { from: number; to: number }[] = [];
const tick = (): void => {
  const at = performance.now();
  maxHold = Math.max(maxHold, at - last - 1);
  if (at - last - 1 > 15) holds.push({ from: last, to: at });
  last = at;
  if (ticking) setTimeout(tick, 1);
};
setTimeout(tick, 1);
console.log(JSON.stringify(library.search.stats()));
const gcs: { start: number; ms: number; kind: number }[] = [];
const { PerformanceObserver } = await import('node:perf_hooks');
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcs.push({ start: e.startTime, ms: e.duration, kind: ((e as unknown as { detail?: { kind: number } }).detail)?.kind ?? 0 });
});
obs.observe({ entryTypes: ['gc'] });
const t0 = performance.now();
// SAVE_SLICES_PROFILE=1: the snapshot's turn profiled (the inspector adds its own hold to that step, ~0.1-0.4 s).
const profiling = process.env['SAVE_SLICES_PROFILE'] === '1';
const { Session } = await import('node:inspector/promises');
const session = new Session();
if (profiling) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
}
const snapCpu = process.cpuUsage();
const stream = library.saveIndexStream()!;
const snapUsed = process.cpuUsage(snapCpu);
if (profiling) {
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples: number[]; timeDeltas: number[] } };
  {
    const self = new Map<number, number>();
    profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
    const byName = new Map<string, number>();
    for (const n of profile.nodes) {
      const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-1)[0]}:${n.callFrame.lineNumber}`;
      byName.set(key, (byName.get(key) ?? 0) + (self.get(n.id) ?? 0));
    }
    console.log('snapshot profile (self ms):', [...byName].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`).join(' | '));
  }
}
steps.push({ ms: performance.now() - t0, phase: 'snapshot', at: t0, cpu: (snapUsed.user + snapUsed.system) / 1000 });
const wallStart = Date.now();
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
console.log(`save from ${new Date(wallStart).toISOString()} to ${new Date().toISOString()}`);
console.log(`${changed} changed; save ${Math.round(total)} ms, ${steps.length} steps, longest hold ${Math.round(maxHold)} ms, ${Math.round(bytes / 1e6)} MB`);
for (const st of [...steps].sort((a, b) => (b.cpu ?? b.ms) - (a.cpu ?? a.ms)).slice(0, 12)) {
  const inGc = gcs.filter((x) => st.at !== undefined && x.start >= st.at && x.start < st.at + st.ms).reduce((n, x) => n + x.ms, 0);
  console.log(`  step ${st.phase} ${st.ms.toFixed(1)} ms (cpu ${(st.cpu ?? 0).toFixed(1)}, gc ${inGc.toFixed(1)})`);
}
for (const [phase, p] of [...byPhase].sort((a, b) => b[1].max - a[1].max).slice(0, 40)) console.log(`  ${phase.padEnd(40)} n ${String(p.n).padStart(6)} max ${p.max.toFixed(1).padStart(7)} cpu max ${p.cpu.toFixed(1).padStart(6)} sum ${p.sum.toFixed(0).padStart(7)}`);
for (const h of holds.sort((x, y) => y.to - y.from - (x.to - x.from)).slice(0, 8)) {
  const overlapping = steps.filter((st) => st.at !== undefined && st.at < h.to && st.at + st.ms > h.from);
  const inGc = gcs.filter((x) => x.start < h.to && x.start + x.ms > h.from);
  console.log(
    `  hold ${(h.to - h.from - 1).toFixed(0)} ms at +${(h.from - t0).toFixed(0)}: steps ${overlapping.map((st) => `${st.phase} ${st.ms.toFixed(1)}`).join(', ') || 'none'}; gc ${inGc.map((x) => `${x.ms.toFixed(0)}(k${x.kind})`).join(' ') || 'none'}`,
  );
}
const bigGc = gcs.filter((x) => x.ms > 5);
console.log(`GC: ${gcs.length} events, ${gcs.reduce((n, x) => n + x.ms, 0).toFixed(0)} ms; over 5 ms: ${bigGc.map((x) => `${x.ms.toFixed(0)}(k${x.kind})`).join(' ')}`);
obs.disconnect();
await compactor.close();
await store.close();
