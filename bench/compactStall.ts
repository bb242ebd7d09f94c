/**
 * How long the topic index's heavy work holds up the event loop, the thread that answers interactions (issue 16,
 * "nothing heavy on the thread that answers"), in the same run:
 *
 * 1. A compaction of an index of 100,000 generated episodes (generateCorpus: ~10 chapter passages an episode, some
 *    Swedish) after 5,000 more were added and 2,000 removed: SearchIndex.compact on this thread (what every due
 *    compaction did) against compactInBackground through the WorkerCompactor (what the bot does now).
 * 2. Indexing one podcast of 5,000 episodes (generateFeed, parsed by parseFeed): Library.index in one go (what a poll
 *    did) against Library.indexInSlices (what it does now).
 *
 *   npm run bench -- compaction          (or npx tsx bench/compactStall.ts; COMPACT_STALL_EPISODES=20000 for a quick run)
 *
 * A 1 ms interval timer runs throughout; the longest gap between two of its runs while the work is in flight is the
 * longest any interaction arriving then would have waited before the bot could even read it.
 */
import { pathToFileURL } from 'node:url';
import { Library } from '../src/data/library.js';
import { parseFeed } from '../src/data/feed/parseFeed.js';
import type { Passage } from '../src/data/search/passage.js';
import { SearchIndex } from '../src/data/search/SearchIndex.js';
import { WorkerCompactor } from '../src/search-runtime/WorkerCompactor.js';
import { generateCorpus } from './generateCorpus.js';
import { generateFeed } from './generateFeed.js';
import { median } from './measure.js';
import { stallDuring } from './stallDuring.js';

const EPISODES = Number(process.env['COMPACT_STALL_EPISODES'] ?? 100_000);
const ROUNDS = Number(process.env['COMPACT_STALL_ROUNDS'] ?? 3);

/** Generated chapter passages of about `episodes` episodes, ids prefixed by `tag` so two sets do not meet. */
function passagesOf(episodes: number, seed: number, tag: string): Passage[] {
  const passages = generateCorpus(episodes * 10, seed).passages;
  return tag === '' ? passages : passages.map((p) => ({ ...p, podcastId: `${p.podcastId}#${tag}`, episodeId: `${p.episodeId}#${tag}` }));
}

export async function runCompactStallBench(): Promise<void> {
  // ------------------------------------------------------------ 1. compaction
  // Only the saved index and the episodes' ids are kept: a heap holding a million passage objects would make every
  // full collection meanwhile a long pause of its own, whoever compacts.
  const { saved, episodeIds, passages: basePassages } = (() => {
    const base = passagesOf(EPISODES, 1, '');
    const built = new SearchIndex({ mutableLimit: Number.MAX_SAFE_INTEGER });
    built.add(base);
    built.compact();
    const ids = new Map(base.map((p) => [`${p.podcastId}\n${p.episodeId}`, { podcastId: p.podcastId, episodeId: p.episodeId }]));
    return { saved: built.serialize(), episodeIds: [...ids.values()], passages: built.stats().passages };
  })();
  const more = passagesOf(Math.round(EPISODES / 20), 2, 'more');
  console.log(
    `\nIndex: ${episodeIds.length.toLocaleString('en')} episodes, ${basePassages.toLocaleString('en')} passages (${(saved.byteLength / 1048576).toFixed(0)} MB saved); ` +
      `then ${more.length.toLocaleString('en')} passages added and ${Math.round(episodeIds.length / 50).toLocaleString('en')} episodes removed before each compaction`,
  );
  /** The saved index loaded (as a start does), with the same changes made: a compaction is due. */
  const changed = (index: SearchIndex): SearchIndex => {
    index.add(more);
    for (let i = 0; i < episodeIds.length; i += 50) index.removeEpisode(episodeIds[i]!.podcastId, episodeIds[i]!.episodeId);
    return index;
  };
  const compactor = new WorkerCompactor();
  // The bot's worker lives as long as the bot: started (and its code warmed) by one small compaction first.
  const warm = new SearchIndex({ compactor, mutableLimit: Number.MAX_SAFE_INTEGER });
  warm.add(passagesOf(500, 3, 'warm'));
  await warm.compactInBackground();
  const inThread: { wallMs: number; stallMs: number }[] = [];
  const onWorker: { wallMs: number; stallMs: number }[] = [];
  const steps = { begin: 0, finish: 0 };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const here = changed(SearchIndex.load(saved, { mutableLimit: Number.MAX_SAFE_INTEGER }));
      inThread.push(await stallDuring(() => here.compact()));
      const there = changed(SearchIndex.load(saved, { compactor, mutableLimit: Number.MAX_SAFE_INTEGER }));
      onWorker.push(await stallDuring(() => there.compactInBackground()));
      // The same index either way.
      if (JSON.stringify(here.stats()) !== JSON.stringify(there.stats())) throw new Error('the two compactions differ');
    }
    // What this thread itself does for a worker compaction (the steps compactInBackground takes), timed apart from
    // the machine's noise: handing out the job, and swapping the result in.
    const again = changed(SearchIndex.load(saved, { compactor, mutableLimit: Number.MAX_SAFE_INTEGER }));
    let at = performance.now();
    const job = again.beginCompaction({ shared: true });
    steps.begin = performance.now() - at;
    const result = await compactor.compact(job!);
    at = performance.now();
    again.finishCompaction(result);
    steps.finish = performance.now() - at;
  } finally {
    await compactor.close();
  }

  // ------------------------------------------------------------ 2. one big podcast indexed
  // Before: Library.index in one go, a compaction that came due in it run there too (as a poll did). After: in slices,
  // with the bot's compactor (a worker thread), as a poll does now.
  const podcastCompactor = new WorkerCompactor();
  const parsed = parseFeed(Buffer.from(generateFeed(5_000)), { feedUrl: 'https://bench.example/big.xml' });
  if (!parsed.ok) throw new Error(String(parsed.error));
  const { podcast, episodes } = parsed.value;
  const atOnce: { wallMs: number; stallMs: number }[] = [];
  const sliced: { wallMs: number; stallMs: number }[] = [];
  let passages = 0;
  const runs = {
    atOnce: async (): Promise<number> => {
      const library = new Library();
      atOnce.push(await stallDuring(() => library.index(podcast, episodes)));
      return library.search.stats().passages;
    },
    sliced: async (): Promise<number> => {
      const library = new Library({ index: { compactor: podcastCompactor } });
      sliced.push(
        await stallDuring(async () => {
          await library.indexInSlices(podcast, episodes);
          while (library.search.compaction !== undefined) await library.search.compaction;
        }),
      );
      return library.search.stats().passages;
    },
  };
  for (let round = 0; round < ROUNDS; round++) {
    // Taking turns, each library dropped before the next is made: neither inherits the other's heap.
    const first = round % 2 === 0 ? await runs.atOnce() : await runs.sliced();
    passages = round % 2 === 0 ? await runs.sliced() : await runs.atOnce();
    if (passages !== first) throw new Error('the two indexings differ');
  }
  await podcastCompactor.close();

  // The noise floor: this thread doing nothing but 1 ms slices of busy work for as long, yielding between them. On a
  // shared machine the longest gap is mostly other processes holding the cores, whatever this thread does.
  const floor: { wallMs: number; stallMs: number }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    floor.push(
      await stallDuring(async () => {
        const end = performance.now() + 2000;
        while (performance.now() < end) {
          const slice = performance.now() + 1;
          while (performance.now() < slice);
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }),
    );
  }

  const row = (name: string, before: typeof inThread, after: typeof inThread, labels: [string, string]): Record<string, string> => {
    const b = median(before.map((r) => r.stallMs));
    const a = median(after.map((r) => r.stallMs));
    return {
      work: name,
      [`${labels[0]}: wall / stall`]: `${median(before.map((r) => r.wallMs)).toFixed(0)} / ${b.toFixed(0)} ms`,
      [`${labels[1]}: wall / stall`]: `${median(after.map((r) => r.wallMs)).toFixed(0)} / ${a.toFixed(1)} ms`,
      'stall ratio, before / after': `${(b / a).toFixed(0)}x`,
    };
  };
  console.log(`\nLongest event-loop stall (median of ${ROUNDS} rounds; longest gap of a 1 ms timer while the work is in flight)`);
  console.log(`Noise floor (1 ms slices of busy work for 2 s, yielding between them): longest gap ${median(floor.map((r) => r.stallMs)).toFixed(1)} ms`);
  console.table([
    row(`compaction, ${episodeIds.length.toLocaleString('en')} episodes`, inThread, onWorker, ['before', 'after']),
    row(`indexing one podcast of ${episodes.length.toLocaleString('en')} episodes (${passages.toLocaleString('en')} passages)`, atOnce, sliced, ['before', 'after']),
  ]);
  console.log(
    `This thread's own part of a worker compaction, timed alone: beginCompaction ${steps.begin.toFixed(1)} ms (the first of a loaded index, which moves` +
      ` the mutable segment onto SharedArrayBuffers), finishCompaction ${steps.finish.toFixed(1)} ms.`,
  );
  console.log(
    'Compaction before: SearchIndex.compact on this thread. After: beginCompaction here, compactSegments on the WorkerCompactor' +
      "'s thread (arrays on SharedArrayBuffers, not copied), finishCompaction here." +
      '\nIndexing before: Library.index in one go (a compaction coming due in it ran there too). After: Library.indexInSlices' +
      ' (yields every ~4,000 characters analysed; an episode is never split) with compactions on the worker; wall until both are done.',
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runCompactStallBench();
}
