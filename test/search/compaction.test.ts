import { threadId } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { inThreadCompactor } from '../../src/data/search/Compactor.js';
import type { Compactor } from '../../src/data/search/Compactor.js';
import type { Passage, PassageField } from '../../src/data/search/passage.js';
import { SearchIndex } from '../../src/data/search/SearchIndex.js';
import { WorkerCompactor } from '../../src/search-runtime/WorkerCompactor.js';
import { prng } from '../support/prng.js';

/**
 * Compaction off the thread that answers (issue 16): SearchIndex.beginCompaction hands out a job, a compactor
 * computes it (here on this thread, or on a worker thread), finishCompaction swaps it in with what changed meanwhile.
 */
const WORDS = (
  'tesla crash autopilot battery election climate economy inflation bitcoin startup founder interview history science ' +
  'rocket mars ocean forest storm energy solar nuclear politics senate border vaccine virus hospital sleep diet marathon ' +
  'football tennis album guitar concert festival novel poetry school privacy hacker password robot database zeppelin ' +
  'kärlek hästen rättegången växte Straße Fußball café'
).split(' ');
const FIELDS: PassageField[] = ['episodeTitle', 'chapterTitle', 'notes', 'transcript', 'chapterDescription', 'person'];

/** `episodes` episodes of a few passages each over 12 podcasts (some Swedish, some German), each with a rare word of its own. */
function corpus(episodes: number, seed: number, tag = ''): Passage[] {
  const r = prng(seed);
  const words = (n: number): string => Array.from({ length: n }, () => WORDS[Math.floor(r() * r() * WORDS.length)]).join(' ');
  const out: Passage[] = [];
  for (let e = 0; e < episodes; e++) {
    const podcast = e % 12;
    const language = ['', 'sv', 'de'][podcast % 3];
    const published = new Date(Date.UTC(2020, 0, 1 + (e % 700))).toISOString();
    const passages = 2 + Math.floor(r() * 5);
    for (let i = 0; i < passages; i++) {
      const text = `${words(2 + Math.floor(r() * 10))} rare${tag}${seed}x${e} ${i === 0 ? `Title${e}` : ''}`.trim();
      const p: Passage = { podcastId: `pod${podcast}`, episodeId: `${tag}ep${seed}-${e}`, startSeconds: i * 60, field: FIELDS[(e + i) % FIELDS.length]!, text, publishedAt: published };
      if (language) p.language = language;
      out.push(p);
    }
  }
  return out;
}

const QUERIES = ['tesla', 'tesla crash', 'autopilt', 'zepp', 'climate economy', 'hästen', 'hasten', 'strasse', 'fussball', 'cafe', 'rocket mars ocean', 'rare1x3', 'rare2x', 'title1', 'nothingmatches', 'guitar con'];
const NOW = Date.parse('2022-06-01T00:00:00Z');

/** Everything a reader can ask: hits (all and one podcast's), "did you mean", completions, and the counts. */
function answers(index: SearchIndex): unknown {
  return {
    stats: index.stats(),
    queries: QUERIES.map((q) => ({
      hits: index.search(q, { limit: 25, now: NOW }),
      scoped: index.search(q, { limit: 10, now: NOW, podcastIds: ['pod1', 'pod4'] }),
      suggest: index.suggest(q),
      complete: index.complete(q, 8),
      completeScoped: index.complete(q, 5, ['pod2']),
    })),
  };
}

const worker = new WorkerCompactor();
afterAll(() => worker.close());

describe('compaction on a worker thread', () => {
  it('answers exactly as a compaction on this thread, round after round', async () => {
    const here = new SearchIndex({ mutableLimit: Number.MAX_SAFE_INTEGER });
    const there = new SearchIndex({ mutableLimit: Number.MAX_SAFE_INTEGER, compactor: worker });
    for (let round = 0; round < 3; round++) {
      const batch = corpus(150, round + 1);
      for (const index of [here, there]) {
        index.add(batch);
        for (let e = round; e < 150; e += 7) index.removeEpisode(`pod${e % 12}`, `ep${round}-${e}`);
      }
      here.compact();
      await there.compactInBackground();
      expect(worker.last?.threadId).toBeDefined();
      expect(worker.last?.threadId).not.toBe(threadId);
      expect(there.stats()).toMatchObject({ mutablePassages: 0, deletedPassages: 0 });
      expect(answers(there)).toEqual(answers(here));
      // The saved form too, byte for byte (serialize finds nothing left to compact).
      expect(Buffer.from(there.serialize()).equals(Buffer.from(here.serialize()))).toBe(true);
    }
  }, 60_000);

  it('compacts on the worker by itself when the mutable segment comes due, and loads and compacts a saved index', async () => {
    const here = SearchIndex.build(corpus(60, 9));
    const loaded = SearchIndex.load(here.serialize(), { compactor: worker, mutableLimit: 100 });
    const before = worker.last;
    const more = corpus(60, 10);
    here.add(more);
    here.compact();
    loaded.add(more);
    expect(loaded.compaction).toBeDefined();
    await loaded.compaction;
    expect(worker.last).not.toBe(before);
    expect(answers(loaded)).toEqual(answers(here));
  }, 60_000);
});

describe.each<[string, Compactor]>([
  ['on this thread', inThreadCompactor],
  ['on a worker thread', worker],
])('changes while a compaction is in flight (%s)', (_name, compactor) => {
  it('are all there after the swap, and nothing removed comes back', async () => {
    const base = corpus(200, 21);
    // The reference compacts at once and then takes the same changes: what the index must equal after its swap.
    const reference = new SearchIndex({ mutableLimit: Number.MAX_SAFE_INTEGER });
    const index = new SearchIndex({ mutableLimit: Number.MAX_SAFE_INTEGER, compactor });
    for (const i of [reference, index]) {
      i.add(base.slice(0, 500));
      i.compact();
      i.add(base.slice(500));
      for (let e = 0; e < 200; e += 9) i.removeEpisode(`pod${e % 12}`, `ep21-${e}`);
    }
    reference.compact();
    const flight = index.compactInBackground();
    expect(index.compaction).toBe(flight);

    // Meanwhile: new passages (new words, words of both old segments), removals from the compact segment, from the
    // old mutable segment and of what was added meanwhile, and an episode removed then added again with new text.
    const added = corpus(80, 22, 'new');
    const removed = ['ep21-1', 'ep21-2', 'ep21-190', 'ep21-199', 'newep22-5', 'newep22-6'];
    const readded: Passage[] = base.filter((p) => p.episodeId === 'ep21-3').map((p) => ({ ...p, text: `${p.text} phoenix` }));
    const changes = (i: SearchIndex): void => {
      i.add(added.slice(0, 200));
      for (const id of removed) {
        const podcast = base.find((p) => p.episodeId === id)?.podcastId ?? added.find((p) => p.episodeId === id)?.podcastId;
        i.removeEpisode(podcast!, id);
      }
      i.removeEpisode('pod3', 'ep21-3');
      i.add(readded);
      i.add(added.slice(200));
    };
    changes(index);
    changes(reference);

    // Still in flight: every live passage is found once (the old segments, plus what came meanwhile).
    expect(index.compaction).toBe(flight);
    const all = { limit: 10_000, maxPerEpisode: 1000, now: NOW };
    const key = (h: { passage: Passage }): string => `${h.passage.episodeId}@${h.passage.startSeconds}`;
    for (const q of ['tesla', 'phoenix', 'rarenew22x7', 'hästen']) {
      const during = index.search(q, all).map(key);
      expect(new Set(during).size).toBe(during.length);
      expect(new Set(during)).toEqual(new Set(reference.search(q, all).map(key)));
    }

    await flight;
    expect(index.compaction).toBeUndefined();
    expect(index.stats()).toEqual(reference.stats());
    expect(index.stats().mutablePassages).toBeGreaterThan(0);
    expect(answers(index)).toEqual(answers(reference));
    for (const id of [...removed, 'ep21-0', 'ep21-9']) {
      expect(index.search(`rare21x${id.split('-')[1]}`, all).filter((h) => h.passage.episodeId === id)).toEqual([]);
    }
    expect(index.search('phoenix', all).map((h) => h.passage.episodeId)).toEqual(readded.map(() => 'ep21-3'));
    // Removing again after the swap finds them removed; compacting once more changes no answer.
    expect(index.removeEpisode('pod1', 'ep21-1')).toBe(0);
    index.compact();
    reference.compact();
    expect(answers(index)).toEqual(answers(reference));
    expect(Buffer.from(index.serialize()).equals(Buffer.from(reference.serialize()))).toBe(true);
  }, 60_000);

  it('a compaction on this thread meanwhile (as serialize makes) wins: the background result is not swapped in', async () => {
    const index = new SearchIndex({ mutableLimit: Number.MAX_SAFE_INTEGER, compactor });
    const reference = new SearchIndex({ mutableLimit: Number.MAX_SAFE_INTEGER });
    for (const i of [index, reference]) i.add(corpus(50, 31));
    const flight = index.compactInBackground();
    for (const i of [index, reference]) {
      i.add(corpus(10, 32));
      i.removeEpisode('pod0', 'ep31-0');
    }
    // Saved while the compaction is in flight: the whole index as it is now, loadable, answering as the reference.
    const saved = index.serialize();
    expect(Buffer.from(saved).equals(Buffer.from(reference.serialize()))).toBe(true);
    await flight;
    expect(answers(index)).toEqual(answers(reference));
    expect(answers(SearchIndex.load(saved))).toEqual(answers(reference));
  }, 60_000);
});

// The index's tables are private: read here through a cast, as where they live is what these tests are about.
const table = (index: SearchIndex, name: string): ArrayBufferView => (index as unknown as Record<string, ArrayBufferView>)[name]!;

describe.each<[string, Compactor]>([
  ['on this thread', inThreadCompactor],
  ['on a worker thread', worker],
])('what the compact tables hold besides postings, across a compaction in flight (%s)', (_name, compactor) => {
  const all = { limit: 10_000, maxPerEpisode: 1000, now: NOW };
  const startsOf = (index: SearchIndex, q: string): string[] => index.search(q, all).map((h) => `${h.passage.podcastId}/${h.passage.episodeId}@${h.passage.startSeconds}`).sort();

  it('passage starts stay exact: whole milliseconds stay so, and a start added meanwhile that is not turns the merged ones into seconds', async () => {
    for (const odd of [false, true]) {
      const index = new SearchIndex({ mutableLimit: Number.MAX_SAFE_INTEGER, compactor });
      const reference = new SearchIndex({ mutableLimit: Number.MAX_SAFE_INTEGER });
      const base = corpus(120, 41).map((p, i) => ({ ...p, startSeconds: p.startSeconds + (i % 7) * 0.125 + (i % 3) * 0.001 }));
      for (const i of [index, reference]) {
        i.add(base);
        i.removeEpisode('pod0', 'ep41-0');
      }
      expect(table(index, 'docStart')).toBeInstanceOf(Uint32Array);
      // The reference compacts at once and then takes the same change: what the index must equal after its swap.
      reference.compact();
      const flight = index.compactInBackground();
      const meanwhile: Passage[] = [{ podcastId: 'pod1', episodeId: 'late', startSeconds: odd ? 1.23456789 : 61.5, field: 'chapterTitle', text: 'tesla late chapter' }];
      for (const i of [index, reference]) i.add(meanwhile);
      await flight;
      expect(table(index, 'docStart')).toBeInstanceOf(odd ? Float64Array : Uint32Array);
      for (const q of ['tesla', 'rocket mars', 'late']) expect(startsOf(index, q)).toEqual(startsOf(reference, q));
      expect(startsOf(index, 'late')).toEqual([`pod1/late@${odd ? 1.23456789 : 61.5}`]);
      expect(answers(index)).toEqual(answers(reference));
      expect(startsOf(SearchIndex.load(index.serialize()), 'tesla')).toEqual(startsOf(reference, 'tesla'));
    }
  }, 60_000);

  it('an episode id two podcasts share and a date kept as given are found as before after the swap', async () => {
    const dated = (podcastId: string, publishedAt: string | undefined, text: string): Passage => ({
      podcastId,
      episodeId: 'same',
      startSeconds: 0,
      field: 'episodeTitle',
      text,
      ...(publishedAt !== undefined && { publishedAt }),
    });
    const index = new SearchIndex({ mutableLimit: Number.MAX_SAFE_INTEGER, compactor });
    index.add(corpus(60, 51));
    index.add([dated('pod1', '2024-03-01T10:00:00.000Z', 'quetzal over the harbour'), dated('pod2', 'Sun, 03 Mar 2024 10:00:00 GMT', 'quetzal in the museum')]);
    index.removeEpisode('pod3', 'ep51-3');
    const flight = index.compactInBackground();
    index.add([dated('pod4', undefined, 'quetzal at night')]);
    await flight;
    const seen = (): Record<string, string> => Object.fromEntries(index.search('quetzal', all).map((h) => [h.passage.podcastId, h.passage.publishedAt ?? 'none']));
    expect(seen()).toEqual({ pod1: '2024-03-01T10:00:00.000Z', pod2: 'Sun, 03 Mar 2024 10:00:00 GMT', pod4: 'none' });
    // Each podcast's "same" is its own episode: removing one leaves the others.
    expect(index.removeEpisode('pod2', 'same')).toBe(1);
    expect(Object.keys(seen()).sort()).toEqual(['pod1', 'pod4']);
    expect(index.removeEpisode('pod4', 'same')).toBe(1);
    index.add([dated('pod2', 'Sun, 03 Mar 2024 10:00:00 GMT', 'quetzal again')]);
    await index.compactInBackground();
    expect(seen()).toEqual({ pod1: '2024-03-01T10:00:00.000Z', pod2: 'Sun, 03 Mar 2024 10:00:00 GMT' });
    expect(seen()).toEqual(Object.fromEntries(SearchIndex.load(index.serialize()).search('quetzal', all).map((h) => [h.passage.podcastId, h.passage.publishedAt ?? 'none'])));
  }, 60_000);
});

describe('a loaded index’s tables', () => {
  const SECTIONS = ['docEpisode', 'docStart', 'docField', 'docLength', 'docLanguage', 'episodePodcast', 'episodePublishedMs', 'textOffsets', 'textBytes', 'postingOffsets', 'postingDocs', 'postingTfs', 'surfaceLanguage', 'surfaceStem', 'surfaceCount', 'championOffsets', 'championDocs', 'championTfs'];

  it('are each on a SharedArrayBuffer of exactly their size, stay shared as they grow by an eighth, and a worker compacts them as this thread does', async () => {
    const built = SearchIndex.build(corpus(300, 61), { mutableLimit: Number.MAX_SAFE_INTEGER });
    const bytes = built.serialize();
    const loaded = SearchIndex.load(bytes, { compactor: worker, mutableLimit: Number.MAX_SAFE_INTEGER });
    for (const name of SECTIONS) {
      const t = table(loaded, name);
      expect(t.buffer, name).toBeInstanceOf(SharedArrayBuffer);
      expect(t.buffer.byteLength, name).toBe(t.byteLength);
      expect(t.buffer, name).not.toBe(bytes.buffer);
    }
    const docs = (table(loaded, 'docEpisode') as Uint32Array).length;
    const more = corpus(40, 62);
    loaded.add(more);
    built.add(more);
    for (const name of ['docEpisode', 'docStart', 'docField', 'docLength', 'docLanguage', 'episodePodcast', 'episodePublishedMs']) {
      expect(table(loaded, name).buffer, name).toBeInstanceOf(SharedArrayBuffer);
    }
    const grown = (table(loaded, 'docEpisode') as Uint32Array).length;
    expect(grown).toBeGreaterThan(docs);
    // Grown an eighth at a time: at most an eighth more than it holds (doubling would have made it 2 * docs).
    expect(grown).toBeLessThanOrEqual(Math.ceil((docs + more.length) * 1.125) + 1);
    expect(grown).toBeLessThan(2 * docs);
    for (let e = 0; e < 300; e += 11) for (const i of [loaded, built]) i.removeEpisode(`pod${e % 12}`, `ep61-${e}`);
    await loaded.compactInBackground();
    built.compact();
    expect(worker.last?.threadId).not.toBe(threadId);
    expect(answers(loaded)).toEqual(answers(built));
    expect(Buffer.from(loaded.serialize()).equals(Buffer.from(built.serialize()))).toBe(true);
  }, 60_000);
  it('loaded from bytes on a SharedArrayBuffer (a saved file as read) are views on those bytes, not copies; they grow onto buffers of their own, and a worker compacts them as this thread does', async () => {
    const built = SearchIndex.build(corpus(300, 71), { mutableLimit: Number.MAX_SAFE_INTEGER });
    const saved = built.serialize();
    // As readTopicIndex leaves it: one SharedArrayBuffer, the index 8-aligned somewhere inside it.
    const file = new Uint8Array(new SharedArrayBuffer(saved.byteLength + 16), 8, saved.byteLength);
    file.set(saved);
    const loaded = SearchIndex.load(file, { compactor: worker, mutableLimit: Number.MAX_SAFE_INTEGER });
    // Every table a compaction replaces is a view; the episode tables, which it never replaces, are copies (a view left
    // would keep the whole file alive).
    const episodeTables = ['episodePodcast', 'episodePublishedMs'];
    for (const name of SECTIONS) {
      if (episodeTables.includes(name)) expect(table(loaded, name).buffer, name).not.toBe(file.buffer);
      else expect(table(loaded, name).buffer, name).toBe(file.buffer);
    }
    expect(answers(loaded)).toEqual(answers(built));
    const more = corpus(40, 72);
    loaded.add(more);
    built.add(more);
    // Grown onto a buffer of its own (the file's bytes are not written past the section).
    expect(table(loaded, 'docEpisode').buffer).not.toBe(file.buffer);
    expect(table(loaded, 'docEpisode').buffer).toBeInstanceOf(SharedArrayBuffer);
    for (let e = 0; e < 300; e += 11) for (const i of [loaded, built]) i.removeEpisode(`pod${e % 12}`, `ep71-${e}`);
    await loaded.compactInBackground();
    built.compact();
    expect(worker.last?.threadId).not.toBe(threadId);
    expect(answers(loaded)).toEqual(answers(built));
    expect(Buffer.from(loaded.serialize()).equals(Buffer.from(built.serialize()))).toBe(true);
    // After the compaction no table is a view on the file any more: its buffer can go.
    for (const name of SECTIONS) expect(table(loaded, name).buffer, name).not.toBe(file.buffer);
  }, 60_000);

  it('loaded from bytes on a SharedArrayBuffer that are not aligned for a table are copied, and answer the same', () => {
    const built = SearchIndex.build(corpus(120, 81));
    const saved = built.serialize();
    const file = new Uint8Array(new SharedArrayBuffer(saved.byteLength + 8), 3, saved.byteLength);
    file.set(saved);
    const loaded = SearchIndex.load(file);
    expect(table(loaded, 'postingDocs').buffer).not.toBe(file.buffer);
    expect(table(loaded, 'docStart').buffer).not.toBe(file.buffer);
    // A table of bytes is aligned anywhere: still a view.
    expect(table(loaded, 'postingTfs').buffer).toBe(file.buffer);
    expect(answers(loaded)).toEqual(answers(built));
  });
});
