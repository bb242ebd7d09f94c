import { describe, expect, it } from 'vitest';
import type { Passage, PassageField } from '../../src/data/search/passage.js';
import { SearchIndex } from '../../src/data/search/SearchIndex.js';
import { sortedInSlices } from '../../src/data/search/mergeSegments.js';
import { planSnapshot } from '../../src/data/search/planSnapshot.js';
import { writeSnapshot } from '../../src/data/search/writeSnapshot.js';
import { prng } from '../support/prng.js';

/**
 * Saving without compacting (issue 16: a save must not hold a second index): the image written a piece at a time from
 * a snapshot of the index as it is (compact segment, tombstones, mutable segment) is serialize's, byte for byte, and
 * stays that of the moment the snapshot was taken while the index goes on changing.
 */
const WORDS = 'tesla crash autopilot battery election climate economy inflation bitcoin rocket mars ocean kärlek hästen Straße Fußball café zeppelin guitar'.split(' ');
const FIELDS: PassageField[] = ['episodeTitle', 'chapterTitle', 'notes', 'transcript', 'chapterDescription', 'person'];

function corpus(episodes: number, seed: number, tag = '', startMs = true): Passage[] {
  const r = prng(seed);
  const words = (n: number): string => Array.from({ length: n }, () => WORDS[Math.floor(r() * r() * WORDS.length)]).join(' ');
  const out: Passage[] = [];
  for (let e = 0; e < episodes; e++) {
    const podcast = e % 7;
    const language = ['', 'sv', 'de'][podcast % 3];
    const published = e % 5 === 0 ? 'Tue, 01 Mar 2022 10:00:00 GMT' : new Date(Date.UTC(2020, 0, 1 + (e % 700))).toISOString();
    for (let i = 0; i < 2 + Math.floor(r() * 5); i++) {
      const text = `${words(2 + Math.floor(r() * 10))} rare${tag}${seed}x${e}`;
      const p: Passage = { podcastId: `pod${podcast}`, episodeId: `${tag}ep${seed}-${e}`, startSeconds: startMs ? i * 60 : i * 60 + 0.0001, field: FIELDS[(e + i) % FIELDS.length]!, text, publishedAt: published };
      if (language) p.language = language;
      out.push(p);
    }
  }
  return out;
}

function streamed(index: SearchIndex, chunkBytes?: number): Buffer {
  const plan = drain(planSnapshot(index.saveSnapshot()));
  const chunks = Array.from(writeSnapshot(plan, chunkBytes), (chunk) => chunk.slice());
  const bytes = Buffer.concat(chunks);
  expect(bytes.byteLength).toBe(plan.byteLength);
  return bytes;
}

function drain<T>(steps: Generator<void, T, void>): T {
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
}

/** An index with a compact segment, removals in it, and a mutable segment holding new stems and words. */
function changedIndex(startMs = true, episodes = 3000): SearchIndex {
  const index = new SearchIndex({ mutableLimit: 1_000_000 });
  index.add(corpus(episodes, 1, '', startMs));
  index.compact();
  for (let e = 0; e < episodes; e += 7) index.removeEpisode(`pod${e % 7}`, `ep1-${e}`);
  index.add(corpus(400, 2, 'new', startMs));
  index.add([{ podcastId: 'pod9', episodeId: 'x', startSeconds: 0, field: 'notes', text: 'quetzalcoatl aardvark zebra', language: 'sv' }]);
  for (let e = 0; e < 400; e += 11) index.removeEpisode(`pod${e % 7}`, `newep2-${e}`);
  return index;
}

describe('serializeSnapshot', () => {
  it('writes what serialize writes, byte for byte: compact and mutable segments, tombstones, champions', () => {
    const index = changedIndex();
    expect(index.stats().mutablePassages).toBeGreaterThan(0);
    expect(index.stats().deletedPassages).toBeGreaterThan(0);
    const image = streamed(index, 4096);
    expect(image.equals(Buffer.from(index.serialize()))).toBe(true);
  });

  it('the same for starts in seconds, for an index with nothing to merge, and for an empty one', () => {
    const seconds = changedIndex(false);
    expect(streamed(seconds).equals(Buffer.from(seconds.serialize()))).toBe(true);
    const clean = new SearchIndex();
    clean.add(corpus(500, 3));
    clean.compact();
    expect(streamed(clean, 64).equals(Buffer.from(clean.serialize()))).toBe(true);
    const empty = new SearchIndex();
    expect(streamed(empty).equals(Buffer.from(empty.serialize()))).toBe(true);
  });

  it('is the index as it was when the snapshot was taken, whatever changes while it is written', () => {
    const index = changedIndex();
    const reference = SearchIndex.load(index.serialize());
    const before = Buffer.from(reference.serialize());
    const snapshot = index.saveSnapshot();
    // Between the snapshot and its plan too: new episodes (their ids and dates pushed onto the lists it reads).
    index.add(corpus(50, 5, 'between'));
    const plan = drain(planSnapshot(snapshot));
    const chunks: Uint8Array[] = [];
    let n = 0;
    for (const chunk of writeSnapshot(plan, 2048)) {
      chunks.push(chunk.slice());
      // Polls meanwhile: passages added (the mutable segment grows), episodes removed, a compaction swapped in.
      if (n === 3) index.add(corpus(300, 4, 'later'));
      if (n === 5) index.removeEpisode('pod1', 'ep1-1');
      if (n === 8) index.compact();
      n++;
    }
    expect(n).toBeGreaterThan(8);
    expect(Buffer.concat(chunks).equals(before)).toBe(true);
    // And it loads into an index that answers as the one it was taken of.
    const loaded = SearchIndex.load(new Uint8Array(Buffer.concat(chunks)));
    for (const q of ['tesla crash', 'hästen', 'strasse', 'zepp', 'quetzalcoatl']) expect(loaded.search(q, { limit: 20 })).toEqual(reference.search(q, { limit: 20 }));
  });
});

/** `table` counting the elements read from it (`reads.n`); its methods and properties work as the table's own. */
function counted<T extends Uint8Array | Uint32Array>(table: T, reads: { n: number }): T {
  return new Proxy(table, {
    get(target, key) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads.n++;
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe('serializeSnapshot in slices', () => {
  it('reads a bounded number of postings and passages between two pauses of the plan or the writer, however big a chunk', () => {
    const index = changedIndex(true, 8000);
    const snapshot = index.saveSnapshot();
    const postings = { n: 0 };
    const tombstones = { n: 0 };
    snapshot.job.compact.postings.docs = counted(snapshot.job.compact.postings.docs, postings);
    snapshot.job.deleted = counted(snapshot.job.deleted, tombstones);
    // Read most between two steps: a step of the plan, or a chunk (an empty one is a pause) of the writer.
    let most = { postings: 0, tombstones: 0 };
    const step = (): void => {
      most = { postings: Math.max(most.postings, postings.n), tombstones: Math.max(most.tombstones, tombstones.n) };
      postings.n = 0;
      tombstones.n = 0;
    };
    const steps = planSnapshot(snapshot);
    let planned = steps.next();
    for (; planned.done !== true; planned = steps.next()) step();
    step();
    const plan = planned.value;
    // One chunk could hold the whole image: the writer pauses all the same.
    const chunks: Buffer[] = [];
    for (const chunk of writeSnapshot(plan, plan.byteLength + 1024)) {
      chunks.push(Buffer.from(chunk));
      step();
    }
    step();
    const compactPostings = snapshot.job.compact.postings.offsets[snapshot.job.compact.postings.stems.length]!;
    // The index is big enough for the bound to tell: its postings are read several times over (counted, ranked,
    // picked, written twice), its tombstones once.
    expect(compactPostings).toBeGreaterThan(120_000);
    expect(snapshot.job.docCount).toBeGreaterThan(25_000);
    expect(most.postings).toBeLessThanOrEqual(40_000);
    expect(most.tombstones).toBeLessThanOrEqual(40_000);
    expect(Buffer.concat(chunks).equals(Buffer.from(index.serialize()))).toBe(true);
  });

  it('reads the tombstones in place: passages removed while it plans (and a compaction meanwhile) are written as they were', () => {
    const index = changedIndex();
    const before = Buffer.from(SearchIndex.load(index.serialize()).serialize());
    const snapshot = index.saveSnapshot();
    // Removed between the snapshot and its plan, and while it plans: live in the snapshot.
    index.removeEpisode('pod2', 'ep1-2');
    index.removeEpisode('pod3', 'newep2-3');
    const steps = planSnapshot(snapshot);
    let planned = steps.next();
    for (let n = 0; planned.done !== true; planned = steps.next(), n++) {
      if (n === 1) index.removeEpisode('pod4', 'ep1-4');
      if (n === 3) index.compact();
      if (n === 5) index.removeEpisode('pod5', 'ep1-5');
    }
    const image = Buffer.concat(Array.from(writeSnapshot(planned.value), (chunk) => Buffer.from(chunk)));
    expect(image.equals(before)).toBe(true);
  });
});

describe('sortedInSlices', () => {
  it('sorts as Array.prototype.sort does (stably), a bounded number of comparisons between yields', () => {
    const r = prng(9);
    for (const n of [0, 1, 2, 3, 31, 1000, 4097]) {
      const keys = Array.from({ length: n }, () => Math.floor(r() * 50));
      const compare = (x: number, y: number): number => (keys[x] as number) - (keys[y] as number);
      let since = 0;
      let most = 0;
      const counting = (x: number, y: number): number => {
        since++;
        return compare(x, y);
      };
      const steps = sortedInSlices(n, counting, 100);
      let step = steps.next();
      for (; step.done !== true; step = steps.next()) {
        most = Math.max(most, since);
        since = 0;
      }
      expect(Array.from(step.value)).toEqual(Array.from({ length: n }, (_, i) => i).sort(compare));
      expect(Math.max(most, since)).toBeLessThanOrEqual(100);
    }
  });
});
