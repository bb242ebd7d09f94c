import { threadId } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import type { CompactionJob, CompactionResult } from '../../src/data/search/compactSegments.js';
import type { Compactor } from '../../src/data/search/Compactor.js';
import { WorkerCompactor } from '../../src/search-runtime/WorkerCompactor.js';
import { command, type FixtureEpisode } from './support.js';
import { useTestRig } from './useTestRig.js';

/**
 * The bot compacts its topic index on a worker thread (issue 16, "nothing heavy on the thread that answers"): with a
 * small mutable segment a compaction comes due as a feed is indexed; the worker's job is held open here while
 * commands are answered and a poll indexes a new episode; once let go, it is swapped in and everything is still found.
 */
const rig = useTestRig();
const worker = new WorkerCompactor();
afterAll(() => worker.close());

/** The worker compactor, each job held until `release`: what a compaction that takes long looks like from the bot. */
function heldCompactor(): Compactor & { started: CompactionJob[]; finished: number[]; release(): void; firstStarted: Promise<void> } {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  let started: () => void = () => {};
  const firstStarted = new Promise<void>((resolve) => (started = resolve));
  const held = {
    shares: true,
    started: [] as CompactionJob[],
    finished: [] as number[],
    firstStarted,
    release,
    async compact(job: CompactionJob): Promise<CompactionResult> {
      held.started.push(job);
      started();
      await gate;
      const result = await worker.compact(job);
      held.finished.push(worker.last!.threadId);
      return result;
    },
  };
  return held;
}

const WORDS = 'lighthouse keeper harbour glacier expedition orchard beekeeping violin marathon'.split(' ');
function show(count: number): FixtureEpisode[] {
  return Array.from({ length: count }, (_, i) => ({
    guid: `show-${i + 1}`,
    title: `${WORDS[i % WORDS.length]} stories ${i + 1}`,
    published: new Date(Date.UTC(2024, 0, i + 1, 12)).toISOString(),
    description: `About the ${WORDS[(i * 5) % WORDS.length]} and the ${WORDS[(i * 7) % WORDS.length]}.\n\n0:00 Welcome\n5:00 The ${WORDS[(i * 3) % WORDS.length]}\n12:00 Letters`,
  }));
}

const hitCount = async (query: string): Promise<number> => {
  const reply = await command(rig.fake, 'topic', { query });
  return reply.embeds?.[0]?.fields?.length ?? 0;
};

describe('topic index compaction in the bot', () => {
  it('runs on a worker thread while commands are answered and polls index, and loses nothing', async () => {
    rig.host.feeds.set('/show.xml', { title: 'Lighthouse Show', episodes: show(60) });
    const compactor = heldCompactor();
    const bot = await rig.start({ FEEDS: rig.host.url('/show.xml') }, { searchIndex: { compactor, mutableLimit: 40 } });
    await bot.running.services.loaded;
    await compactor.firstStarted;
    const library = bot.running.library;
    // The feed's episodes came in after the index was loaded: a compaction of the index that holds them is in flight.
    expect(library.search.compaction).toBeDefined();
    expect(library.search.stats().mutablePassages).toBeGreaterThan(40);

    // Held open: commands are answered, from every passage, and a poll's new episode is found at once.
    expect(await hitCount('glacier expedition')).toBeGreaterThan(0);
    const reply = await command(rig.fake, 'latest', {});
    expect(JSON.stringify(reply)).toMatch(/Lighthouse Show|stories/);
    rig.host.addEpisode('/show.xml', { guid: 'show-61', title: 'The zeppelin over the orchard', published: new Date(Date.UTC(2024, 2, 5, 12)).toISOString() });
    await bot.poll();
    expect(await hitCount('zeppelin')).toBe(1);
    expect(compactor.finished).toEqual([]);
    const before = await Promise.all(['lighthouse keeper', 'violin', 'beekeeping marathon'].map(hitCount));

    compactor.release();
    while (library.search.compaction !== undefined) await library.search.compaction;
    expect(compactor.finished.length).toBeGreaterThan(0);
    expect(compactor.finished.every((id) => id !== threadId)).toBe(true);
    expect(library.search.stats().compactPassages).toBeGreaterThan(0);
    // Nothing lost, nothing doubled.
    expect(await hitCount('zeppelin')).toBe(1);
    expect(await Promise.all(['lighthouse keeper', 'violin', 'beekeeping marathon'].map(hitCount))).toEqual(before);
  }, 120_000);
});
