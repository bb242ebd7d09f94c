import { describe, expect, it } from 'vitest';
import { EVERY_PODCAST } from '../../src/data/catalog.js';
import { Library } from '../../src/data/library.js';
import type { Episode, Podcast } from '../../src/data/model.js';
import type { TranscriptSegment } from '../../src/data/search/passage.js';

const podcast: Podcast = { id: 'pod', title: 'Pod', categories: [] };
const episode = (id: string, description = 'Notes.'): Episode => ({
  id,
  title: `Episode ${id}`,
  publishedAt: '2024-01-01T00:00:00Z',
  description,
  transcripts: [{ url: `https://example.com/${id}.vtt`, type: 'text/vtt' }],
  chapters: [
    { startSeconds: 0, title: 'Hello', source: 'json' },
    { startSeconds: 300, title: 'Trains', source: 'json' },
  ],
});
const transcript: TranscriptSegment[] = [
  { startSeconds: 100, text: 'We start with the weather today.' },
  { startSeconds: 104, text: 'Rain all week.' },
  { startSeconds: 111, text: 'Then a long story about a zeppelin over the harbour.' },
  { startSeconds: 125, text: 'It was huge.' },
];

const top = (library: Library, query: string) => library.topics.search(query, { limit: 1 })[0]?.passage;
const other: Podcast = { id: 'other', title: 'Other', categories: [] };

describe('Library', () => {
  it('keeps every scoped read (search, suggestions, completion) to the podcasts in scope; a narrower option never widens it', () => {
    const library = new Library();
    library.upsert(podcast, [episode('a')], new Map([['a', transcript]]));
    library.upsert(other, [{ ...episode('b', 'Zeppelinarium tickets.'), id: 'b' }]);
    const mine = new Set(['pod']);
    const { scopedTopics } = library;
    expect(scopedTopics.search('zeppelin', EVERY_PODCAST, { limit: 5 }).map((h) => h.passage.podcastId)).toContain('other');
    expect(scopedTopics.search('zeppelin', mine, { limit: 5 }).map((h) => h.passage.podcastId)).toEqual(['pod']);
    expect(scopedTopics.search('zeppelin', mine, { limit: 5, podcastIds: ['other'] })).toEqual([]);
    expect(scopedTopics.search('zeppelin', new Set(['other']), { limit: 5, podcastIds: ['other', 'pod'] }).map((h) => h.passage.podcastId)).toEqual(['other']);
    expect(scopedTopics.complete('zeppelin', 5, EVERY_PODCAST)).toEqual(['zeppelin', 'zeppelinarium']);
    expect(scopedTopics.complete('zeppelin', 5, mine)).toEqual(['zeppelin']);
    expect(scopedTopics.complete('zeppelin', 5, new Set())).toEqual([]);
    expect(scopedTopics.suggest('zeppelinariun', EVERY_PODCAST)).toEqual(['zeppelinarium']);
    expect(scopedTopics.suggest('zeppelinariun', mine)).toEqual([]);
  });

  it('lands a transcript hit on the second of the cue that holds the match, not the start of its window', () => {
    const library = new Library();
    library.upsert(podcast, [episode('a')], new Map([['a', transcript]]));
    expect(top(library, 'zeppelin')).toMatchObject({ field: 'transcript', startSeconds: 111 });
    expect(top(library, 'weather')).toMatchObject({ field: 'transcript', startSeconds: 100 });
    // The index itself still holds the window, starting at its first cue.
    expect(library.search.search('zeppelin')[0]?.passage.startSeconds).toBe(100);
    expect(library.cueMemoryBytes()).toBe(4 * 12 + 8 + 2 * 4);
  });

  it('lands a query of several words on the cue that says most of them, not on an earlier cue that says one', () => {
    const library = new Library();
    library.upsert(podcast, [episode('a')], new Map([['a', transcript]]));
    expect(top(library, 'zeppelin weather')?.startSeconds).toBe(100);
    expect(top(library, 'weather long zeppelin harbour')?.startSeconds).toBe(111);
  });

  it('keeps an unchanged episode’s transcript when a later upsert does not pass it again', () => {
    const library = new Library();
    library.upsert(podcast, [episode('a')], new Map([['a', transcript]]));
    library.upsert(podcast, [episode('b'), episode('a')]);
    expect(top(library, 'zeppelin')).toMatchObject({ episodeId: 'a', startSeconds: 111 });
    expect(library.needsIndexing(podcast, [episode('c'), episode('b'), episode('a', 'Edited notes.')])).toEqual(['c', 'a']);
  });

  it('indexes an episode again when its podcast declares another language: stemmed by the new one, the old stems gone', () => {
    const library = new Library();
    const cars = episode('a', 'Vi pratar om bilarna och om crashes.');
    library.upsert({ ...podcast, language: 'en' }, [cars]);
    expect(top(library, 'crashing')?.episodeId).toBe('a');
    expect(top(library, 'bilen')).toBeUndefined();
    // Another tag for the same stemming changes nothing; another language does.
    expect(library.needsIndexing({ ...podcast, language: 'en-GB' }, [cars])).toEqual([]);
    expect(library.needsIndexing({ ...podcast, language: 'sv' }, [cars])).toEqual(['a']);
    library.upsert({ ...podcast, language: 'sv' }, [cars]);
    expect(top(library, 'bilen')?.episodeId).toBe('a');
    expect(top(library, 'crashing')).toBeUndefined();
    // What a saved index keeps says so too.
    const loaded = new Library();
    expect(loaded.loadIndex(library.serializeIndex()!).ok).toBe(true);
    expect(loaded.needsIndexing({ ...podcast, language: 'sv' }, [cars])).toEqual([]);
    expect(loaded.needsIndexing({ ...podcast, language: 'en' }, [cars])).toEqual(['a']);
  });

  it('drops the transcript of an episode that changed unless it is passed again, and of one that left the feed', () => {
    const library = new Library();
    library.upsert(podcast, [episode('a')], new Map([['a', transcript]]));
    library.upsert(podcast, [episode('a', 'Edited notes.')], new Map([['a', transcript]]));
    expect(top(library, 'zeppelin')?.startSeconds).toBe(111);
    library.upsert(podcast, [episode('a', 'Edited again, longer.')]);
    expect(top(library, 'zeppelin')).toBeUndefined();
    library.upsert(podcast, [episode('a')], new Map([['a', transcript]]));
    library.upsert(podcast, [episode('b')]);
    expect(top(library, 'zeppelin')).toBeUndefined();
    expect(library.cueMemoryBytes()).toBe(0);
  });
  it('re-indexes an episode whose notes or chapter titles changed, even to text of the same length', () => {
    const library = new Library();
    library.upsert(podcast, [episode('a', 'We talk about ferries.')]);
    expect(top(library, 'ferries')?.episodeId).toBe('a');
    library.upsert(podcast, [episode('a', 'We talk about gliders.')]);
    expect(top(library, 'ferries')).toBeUndefined();
    expect(top(library, 'gliders')?.episodeId).toBe('a');
    const renamed = episode('a', 'We talk about gliders.');
    renamed.chapters = renamed.chapters.map((c) => (c.title === 'Trains' ? { ...c, title: 'Planes' } : c));
    library.upsert(podcast, [renamed]);
    expect(top(library, 'planes')?.startSeconds).toBe(300);
  });

  it('re-indexes an episode whose guests or soundbites changed', () => {
    const library = new Library();
    const guested = { ...episode('a'), persons: [{ name: 'Grace Hopper', role: 'guest' }], soundbites: [{ startSeconds: 42, durationSeconds: 30, title: 'Nanoseconds explained' }] };
    library.upsert(podcast, [guested]);
    expect(top(library, 'Grace Hopper')).toMatchObject({ episodeId: 'a', field: 'person', startSeconds: 0 });
    expect(top(library, 'nanoseconds')).toMatchObject({ episodeId: 'a', field: 'soundbite', startSeconds: 42 });
    library.upsert(podcast, [{ ...guested, persons: [{ name: 'Alan Turing', role: 'guest' }], soundbites: [{ startSeconds: 90, durationSeconds: 30, title: 'Nanoseconds explained' }] }]);
    expect(top(library, 'Grace Hopper')).toBeUndefined();
    expect(top(library, 'Alan Turing')).toMatchObject({ episodeId: 'a', field: 'person' });
    expect(top(library, 'nanoseconds')?.startSeconds).toBe(90);
  });

  it('keeps what it indexed through a save and load: an unchanged episode (and its transcript) is not indexed again, a changed one is', () => {
    const library = new Library();
    library.upsert(podcast, [episode('a'), episode('b')], new Map([['a', transcript]]));
    const loaded = new Library();
    loaded.catalog.upsert(podcast, [episode('a'), episode('b')]);
    expect(loaded.loadIndex(library.serializeIndex()!)).toMatchObject({ ok: true, value: { podcasts: 1, episodes: 2 } });
    expect(loaded.needsIndexing(podcast, [episode('a'), episode('b', 'Other notes.')])).toEqual(['b']);
    // The transcript of the unchanged episode is kept (not passed again), the changed one re-indexed.
    loaded.index(podcast, [episode('a'), episode('b', 'We talk about ferries.')]);
    expect(top(loaded, 'zeppelin')).toMatchObject({ episodeId: 'a', field: 'transcript', startSeconds: 111 });
    expect(top(loaded, 'ferries')?.episodeId).toBe('b');
  });
});
