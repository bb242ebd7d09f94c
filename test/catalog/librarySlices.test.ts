import { describe, expect, it } from 'vitest';
import { EVERY_PODCAST } from '../../src/data/catalog.js';
import { Library } from '../../src/data/library.js';
import type { Episode, Podcast } from '../../src/data/model.js';
import type { TranscriptSegment } from '../../src/data/search/passage.js';
import { prng } from '../support/prng.js';

/**
 * A big podcast indexed in slices (issue 16): the thread that answers gets the event loop back between slices, a
 * search meanwhile sees each episode whole (as it was or as it is), and the result answers as an index made at once.
 */
const WORDS = 'tesla crash autopilot battery election climate economy zeppelin harbour rocket mars ocean forest storm energy solar nuclear'.split(' ');
const podcast: Podcast = { id: 'big', title: 'Big', categories: [], language: 'en' };

/** `count` episodes with long notes, chapters and (every fifth) a transcript; `version` is a word in every passage. */
function feed(count: number, version: string): { episodes: Episode[]; transcripts: Map<string, TranscriptSegment[]> } {
  const r = prng(count);
  const words = (n: number): string => Array.from({ length: n }, () => WORDS[Math.floor(r() * WORDS.length)]).join(' ');
  const episodes: Episode[] = [];
  const transcripts = new Map<string, TranscriptSegment[]>();
  for (let n = 0; n < count; n++) {
    const id = `e${n}`;
    episodes.push({
      id,
      title: `${words(4)} ${version} mark${n}`,
      publishedAt: new Date(Date.UTC(2020, 0, 1 + n)).toISOString(),
      description: `${words(60)} ${version} mark${n}.`,
      transcripts: [],
      chapters: Array.from({ length: 5 }, (_, c) => ({ startSeconds: c * 300, title: `${words(3)} ${version} mark${n}`, source: 'json' as const })),
    });
    if (n % 5 === 0) transcripts.set(id, Array.from({ length: 40 }, (_, i) => ({ startSeconds: i * 6, text: `${words(10)} ${version} mark${n}.` })));
  }
  return { episodes, transcripts };
}

const answers = (library: Library): unknown =>
  ['tesla', 'zeppelin harbour', 'autopilt', 'mark7', 'mark123', 'vtwo', 'vone', 'sola'].map((q) => ({
    hits: library.topics.search(q, { limit: 20, now: Date.parse('2021-06-01T00:00:00Z') }),
    complete: library.scopedTopics.complete(q, 5, EVERY_PODCAST),
    suggest: library.scopedTopics.suggest(q, EVERY_PODCAST),
  }));

describe('Library.indexInSlices', () => {
  it('yields between slices, never shows half an episode, and answers as an index made at once', async () => {
    const first = feed(200, 'vone');
    const second = feed(200, 'vtwo');
    // Half the episodes change (new text), the last 25 are dropped.
    const changed = second.episodes.map((e, n) => (n % 2 === 0 ? e : first.episodes[n]!)).slice(0, 175);

    const atOnce = new Library();
    atOnce.index(podcast, first.episodes, first.transcripts);
    atOnce.index(podcast, changed, second.transcripts);

    let pauses = 0;
    // Checked at the first pause of each run and every 8th after (searching at every pause makes the test slow).
    let sinceCheck = 0;
    const seen: string[] = [];
    const sliced: Library = new Library({
      pause: async () => {
        pauses++;
        // Between slices, each episode is all old or all new: every passage of it holds its version word.
        for (const n of sinceCheck++ % 8 === 0 ? [0, 2, 3, 100, 198] : []) {
          const hits = sliced.topics.search(`mark${n}`, { limit: 500, maxPerEpisode: 500, prefix: false, fuzzy: false });
          const versions = new Set(hits.map((h) => (/\bvone\b/.test(h.passage.text) ? 'vone' : /\bvtwo\b/.test(h.passage.text) ? 'vtwo' : '?')));
          seen.push(`${n}:${[...versions].join('+')}`);
          expect(versions.size).toBeLessThanOrEqual(1);
        }
        await new Promise<void>((resolve) => setImmediate(resolve));
      },
    });
    await sliced.indexInSlices(podcast, first.episodes, first.transcripts);
    const firstPauses = pauses;
    expect(firstPauses).toBeGreaterThan(10);
    sinceCheck = 0;
    await sliced.indexInSlices(podcast, changed, second.transcripts);
    expect(pauses).toBeGreaterThan(firstPauses + 5);
    // Some pause saw episode 2 old and a later one saw it new.
    expect(seen).toContain('2:vone');
    expect(seen).toContain('2:vtwo');

    expect(answers(sliced)).toEqual(answers(atOnce));
    expect(sliced.search.stats()).toEqual(atOnce.search.stats());
    expect(sliced.serializeIndex()).toEqual(atOnce.serializeIndex());
  }, 60_000);

  it('a later indexing of the same podcast takes over: the older run stops at its next pause', async () => {
    const first = feed(300, 'vone');
    const second = feed(300, 'vtwo');
    const library: Library = new Library({ pause: () => new Promise<void>((resolve) => setImmediate(resolve)) });
    const older = library.indexInSlices(podcast, first.episodes, first.transcripts);
    const newer = library.indexInSlices(podcast, second.episodes.slice(0, 100), second.transcripts);
    await Promise.all([older, newer]);
    const reference = new Library();
    reference.index(podcast, second.episodes.slice(0, 100), second.transcripts);
    // The same passages found (scores differ: the older run's passages are tombstones until a compaction).
    const found = (l: Library, q: string): string[] => l.topics.search(q, { limit: 5000, maxPerEpisode: 100 }).map((h) => `${h.passage.episodeId} ${h.passage.text}`).sort();
    for (const q of ['tesla', 'mark7', 'vtwo', 'zeppelin']) expect(found(library, q)).toEqual(found(reference, q));
    expect(library.topics.search('vone', { limit: 5 })).toEqual([]);

    // A removal while a run is in slices: nothing of the podcast is left afterwards.
    const removing = library.indexInSlices(podcast, first.episodes, first.transcripts);
    library.remove(podcast.id);
    await removing;
    expect(library.isIndexed(podcast.id)).toBe(false);
    expect(library.topics.search('tesla', { limit: 5 })).toEqual([]);
  }, 60_000);

  it('while a run is in flight, what is indexed so far is what needsIndexing and a save read; after it, the fingerprints are packed again', async () => {
    const first = feed(120, 'vone');
    const second = feed(120, 'vtwo');
    const changed = second.episodes.map((e, n) => (n % 2 === 0 ? e : first.episodes[n]!)).slice(0, 100);
    const stale = second.episodes.filter((_, n) => n % 2 === 0 && n < 100).map((e) => e.id);
    let during: { pending: string[]; saved: Uint8Array | undefined; indexed: boolean } | undefined;
    let pauses = 0;
    const library: Library = new Library({
      pause: async () => {
        // Halfway through the second run: some changed episodes are in, others not yet.
        if (++pauses === firstPauses + 4) during = { pending: library.needsIndexing(podcast, changed), saved: library.serializeIndex(), indexed: library.isIndexed(podcast.id) };
        await new Promise<void>((resolve) => setImmediate(resolve));
      },
    });
    let firstPauses = Number.MAX_SAFE_INTEGER;
    await library.indexInSlices(podcast, first.episodes, first.transcripts);
    firstPauses = pauses;
    expect(library.needsIndexing(podcast, changed)).toEqual(stale);
    await library.indexInSlices(podcast, changed, second.transcripts);

    expect(during?.indexed).toBe(true);
    expect(during!.pending.length).toBeGreaterThan(0);
    expect(during!.pending.length).toBeLessThan(stale.length);
    // A save made mid-run holds the fingerprints of exactly what its lexical index holds.
    const reloaded = new Library();
    expect(reloaded.loadIndex(during!.saved!).ok).toBe(true);
    expect(reloaded.needsIndexing(podcast, changed)).toEqual(during!.pending);
    for (const id of changed.map((e) => e.id).filter((id) => !during!.pending.includes(id))) {
      expect(reloaded.topics.search(`mark${id.slice(1)}`, { limit: 1, prefix: false, fuzzy: false })[0]?.passage.text, id).toMatch(Number(id.slice(1)) % 2 === 0 ? /vtwo/ : /vone/);
    }

    // After the run: nothing pending, and the bookkeeping as small as a library that loaded the save (packed arrays).
    expect(library.needsIndexing(podcast, changed)).toEqual([]);
    const loaded = new Library();
    expect(loaded.loadIndex(library.serializeIndex()!).ok).toBe(true);
    // A load leaves the episodes' ids as saved until they are read: less than parsed, and as much once they are (a
    // save reads every podcast's).
    const unread = loaded.memoryBytes().bookkeeping;
    expect(unread).toBeLessThan(library.memoryBytes().bookkeeping);
    loaded.serializeIndex();
    expect(loaded.memoryBytes().bookkeeping).toBe(library.memoryBytes().bookkeeping);
    expect(loaded.needsIndexing(podcast, changed)).toEqual([]);
    // A re-run of the same episodes indexes nothing again.
    const generation = library.indexGeneration;
    library.index(podcast, changed, second.transcripts);
    expect(library.search.stats()).toEqual(loaded.search.stats());
    expect(library.indexGeneration).toBe(generation + 1);
  }, 60_000);
});

describe('Library.loadIndexInSlices', () => {
  const other: Podcast = { id: 'other', title: 'Other', categories: [], language: 'en' };

  it('answers as loadIndex does, and leaves a podcast indexed or removed while it ran unindexed for the caller to index again', async () => {
    const big = feed(120, 'vone');
    const small = feed(30, 'vtwo');
    const source = new Library();
    source.index(podcast, big.episodes, big.transcripts);
    source.index(other, small.episodes, small.transcripts);
    const saved = source.serializeIndex()!;

    const atOnce = new Library();
    expect(atOnce.loadIndex(saved)).toEqual({ ok: true, value: { podcasts: 2, episodes: 150 } });

    let pauses = 0;
    const sliced: Library = new Library({
      pause: async () => {
        pauses++;
        // A poll indexes the other podcast meanwhile (newer than what the save holds of it).
        if (pauses === 2) sliced.index(other, [small.episodes[0]!]);
        await new Promise((resolve) => setImmediate(resolve));
      },
    });
    expect(await sliced.loadIndexInSlices(saved)).toEqual({ ok: true, value: { podcasts: 2, episodes: 150 } });
    expect(pauses).toBeGreaterThan(2);
    expect(sliced.isIndexed(podcast.id)).toBe(true);
    // What the save held of it may be older than that change: not trusted, left for the caller (loadLibrary) to index.
    expect(sliced.isIndexed(other.id)).toBe(false);
    expect(sliced.topics.search('vtwo', { limit: 5 })).toEqual([]);
    atOnce.unindex(other.id);
    expect(answers(sliced)).toEqual(answers(atOnce));
  }, 60_000);

  it('refuses bytes cut short or of another format, and leaves the library as it was', async () => {
    const source = new Library();
    source.index(podcast, feed(20, 'vone').episodes);
    const saved = source.serializeIndex()!;
    const library = new Library();
    library.index(other, feed(5, 'vtwo').episodes);
    const before = answers(library);
    for (const bytes of [saved.subarray(0, saved.length >> 1), new Uint8Array(64), saved.subarray(0, 40)]) {
      expect((await library.loadIndexInSlices(bytes)).ok).toBe(false);
      expect(answers(library)).toEqual(before);
      expect(library.isIndexed(other.id)).toBe(true);
    }
  }, 60_000);
});

describe('a loaded index’s episode ids', () => {
  it('are read as saved when asked (odd characters included), and a list JSON.parse would refuse is refused at load, not later', () => {
    const odd = ['plain', 'quote " and \\ backslash', 'tab\tand\nnewline', 'ünïcödé ✓', 'slash / and \u0001 control', ''];
    const library = new Library();
    const { episodes } = feed(odd.length, 'vodd');
    library.upsert(podcast, episodes.map((e, i) => ({ ...e, id: odd[i]! })));
    const bytes = library.serializeIndex()!;
    const loaded = new Library();
    expect(loaded.loadIndex(bytes).ok).toBe(true);
    // Nothing indexed again for the same episodes: each id read back as it was.
    expect(loaded.needsIndexing(podcast, episodes.map((e, i) => ({ ...e, id: odd[i]! })))).toEqual([]);
    expect(answers(loaded)).toEqual(answers(library));
    // The escaped quote made into an escape JSON does not know: the load fails whole.
    const text = Buffer.from(bytes);
    const at = text.indexOf('quote \\" and');
    expect(at).toBeGreaterThan(0);
    text[at + 7] = 'q'.charCodeAt(0);
    const broken = new Library();
    const result = broken.loadIndex(new Uint8Array(text));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/episode ids: a bad escape/);
    expect(broken.isIndexed(podcast.id)).toBe(false);
  });

  it('are written by a save as they were saved, never parsed for it, the same bytes as serializeIndex', () => {
    const odd = ['plain', 'quote " and \\ backslash', 'tab\tand\nnewline', 'ünïcödé ✓', 'slash / and \u0001 control', ''];
    const library = new Library();
    const { episodes } = feed(odd.length, 'vodd');
    library.upsert(podcast, episodes.map((e, i) => ({ ...e, id: odd[i]! })));
    const second: Podcast = { id: 'second', title: 'Second', categories: [], language: 'en' };
    library.upsert(second, feed(30, 'vsecond').episodes);
    const loaded = new Library();
    expect(loaded.loadIndex(library.serializeIndex()!).ok).toBe(true);
    const unread = loaded.memoryBytes().bookkeeping;

    const stream = loaded.saveIndexStream()!;
    const plan = stream.plan();
    let step = plan.next();
    while (step.done !== true) step = plan.next();
    const streamed = Buffer.concat(Array.from(stream.chunks(), (chunk) => chunk.slice()));
    // Nothing parsed: the ids still held as saved.
    expect(loaded.memoryBytes().bookkeeping).toBe(unread);
    expect(streamed.byteLength).toBe(step.value);
    expect(streamed.equals(Buffer.from(library.serializeIndex()!))).toBe(true);
  });
});
