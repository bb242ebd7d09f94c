import { describe, expect, it } from 'vitest';
import type { Passage, PassageField } from '../../src/data/search/passage.js';
import { SearchIndex } from '../../src/data/search/SearchIndex.js';
import type { SearchHit } from '../../src/data/search/TopicSearch.js';

function passage(podcastId: string, episodeId: string, startSeconds: number, field: PassageField, text: string, publishedAt?: string): Passage {
  return publishedAt === undefined ? { podcastId, episodeId, startSeconds, field, text } : { podcastId, episodeId, startSeconds, field, text, publishedAt };
}

const CORPUS: Passage[] = [
  passage('cars', 'ep1', 0, 'episodeTitle', 'Electric cars, one year on', '2024-03-01T00:00:00Z'),
  passage('cars', 'ep1', 95, 'chapterTitle', 'The Tesla crash investigation', '2024-03-01T00:00:00Z'),
  passage('cars', 'ep1', 640, 'chapterTitle', 'Charging networks in Europe', '2024-03-01T00:00:00Z'),
  passage('cars', 'ep2', 0, 'episodeTitle', 'Self-driving software', '2024-04-01T00:00:00Z'),
  passage('cars', 'ep2', 300, 'chapterTitle', 'Open-source autopilot projects', '2024-04-01T00:00:00Z'),
  passage('cars', 'ep2', 300, 'notes', 'We talk about comma.ai and openpilot, an open-source driver assistance system.', '2024-04-01T00:00:00Z'),
  passage('tech', 'ep3', 0, 'episodeTitle', 'Weekly tech roundup', '2024-05-01T00:00:00Z'),
  passage('tech', 'ep3', 1200, 'chapterTitle', 'Microsoft earnings', '2024-05-01T00:00:00Z'),
  passage('tech', 'ep3', 1500, 'notes', 'Also: a Tesla owner filmed a crash on the highway.', '2024-05-01T00:00:00Z'),
  // A Swedish podcast: its words are stemmed by Swedish rules.
  { ...passage('svensk', 'ep4', 0, 'episodeTitle', 'Hästarna på Gotland', '2023-06-01T00:00:00Z'), language: 'sv' },
  { ...passage('svensk', 'ep4', 410, 'chapterTitle', 'Bilarna som kraschade i Stockholm', '2023-06-01T00:00:00Z'), language: 'sv' },
  { ...passage('svensk', 'ep4', 900, 'transcript', 'Och sen pratade vi om hästen som sprang iväg över ängen.', '2023-06-01T00:00:00Z'), language: 'sv' },
];

const texts = (hits: SearchHit[]): string[] => hits.map((h) => h.passage.text);

describe('SearchIndex matching', () => {
  const index = SearchIndex.build(CORPUS);

  it('finds passages by exact words, across inflections', () => {
    expect(texts(index.search('investigations', { prefix: false }))).toEqual(['The Tesla crash investigation']);
    expect(texts(index.search('charge', { prefix: false }))).toEqual(['Charging networks in Europe']);
  });

  it('matches folded Swedish words and their inflections', () => {
    expect(texts(index.search('hast'))).toContain('Hästarna på Gotland');
    expect(texts(index.search('hästen'))).toEqual(expect.arrayContaining(['Hästarna på Gotland', 'Och sen pratade vi om hästen som sprang iväg över ängen.']));
    expect(texts(index.search('bilen'))).toEqual(['Bilarna som kraschade i Stockholm']);
  });

  it('completes the last word as a prefix', () => {
    expect(texts(index.search('micro'))).toEqual(['Microsoft earnings']);
    expect(texts(index.search('micro', { prefix: false }))).toEqual([]);
  });

  it('only treats the last word as a prefix while it is being typed', () => {
    expect(texts(index.search('micro '))).toEqual([]);
  });

  it('tolerates one typo in a word of five letters or more', () => {
    expect(texts(index.search('tesal crash')).slice(0, 1)).toEqual(['The Tesla crash investigation']);
    expect(texts(index.search('microsfot'))).toEqual(['Microsoft earnings']);
    expect(texts(index.search('microsfot', { fuzzy: false, prefix: false }))).toEqual([]);
  });

  it('tolerates two typos only from nine letters', () => {
    expect(texts(index.search('invsetigaton', { prefix: false }))).toEqual(['The Tesla crash investigation']);
    expect(texts(index.search('eurpoe', { prefix: false }))).toEqual(['Charging networks in Europe']);
    expect(texts(index.search('eruopa', { prefix: false }))).toEqual([]);
  });

  it('ranks an exact match above a prefix match above a typo match', () => {
    const local = SearchIndex.build([
      passage('p', 'a', 0, 'chapterTitle', 'crush'),
      passage('p', 'b', 0, 'chapterTitle', 'crashworthy'),
      passage('p', 'c', 0, 'chapterTitle', 'crash'),
    ]);
    expect(texts(local.search('crash'))).toEqual(['crash', 'crashworthy', 'crush']);
  });

  it('returns the matched words and where they are, for bolding', () => {
    const [hit] = index.search('tesla crash');
    expect(hit?.terms).toEqual(['Tesla', 'crash']);
    expect(hit?.matches.map((m) => hit.passage.text.slice(m.start, m.end))).toEqual(['Tesla', 'crash']);
  });

  it('returns nothing for stop words alone or an empty query', () => {
    expect(index.search('the and of ')).toEqual([]);
    expect(index.search('   ')).toEqual([]);
  });
});

describe('SearchIndex ranking', () => {
  it('ranks a chapter title above show notes with the same words', () => {
    const index = SearchIndex.build([
      passage('p', 'notes', 12, 'notes', 'Tesla crash'),
      passage('p', 'title', 40, 'chapterTitle', 'Tesla crash'),
      passage('p', 'episode', 0, 'episodeTitle', 'Tesla crash'),
      passage('p', 'transcript', 80, 'transcript', 'Tesla crash'),
    ]);
    expect(index.search('tesla crash').map((h) => h.passage.field)).toEqual(['chapterTitle', 'episodeTitle', 'transcript', 'notes']);
  });

  it('gives a bonus when the query words are adjacent, in order', () => {
    const index = SearchIndex.build([
      passage('p', 'apart', 0, 'chapterTitle', 'crash course on buying a used tesla'),
      passage('p', 'phrase', 0, 'chapterTitle', 'the tesla crash and buying a used car'),
    ]);
    expect(index.search('tesla crash').map((h) => h.passage.episodeId)).toEqual(['phrase', 'apart']);
  });

  it('still lifts a phrase above better-scored passages when it sits deep in the candidates', () => {
    // 30 short passages hold both words far apart; 5 longer ones hold them as a phrase. Before the phrase bonus the
    // short ones lead, so the phrases are found only if reranking goes on past the first hits.
    const passages = [
      ...Array.from({ length: 30 }, (_, i) => passage('p', `apart${i}`, 0, 'chapterTitle', `tesla alpha beta gamma delta crash ${i}`)),
      ...Array.from({ length: 5 }, (_, i) => passage('p', `phrase${i}`, 0, 'chapterTitle', `tesla crash alpha beta gamma delta epsilon zeta eta ${i}`)),
    ];
    const index = SearchIndex.build(passages);
    expect(index.search('tesla', { limit: 30, prefix: false }).slice(0, 30).every((h) => h.passage.episodeId.startsWith('apart'))).toBe(true);
    expect(index.search('tesla crash', { limit: 5 }).map((h) => h.passage.episodeId).sort()).toEqual(['phrase0', 'phrase1', 'phrase2', 'phrase3', 'phrase4']);
  });

  it('shows a hit holding only one of the query words with its matches, where the phrase rerank leaves it', () => {
    // Only passages holding two adjacent query words can gain a bonus; the others are analysed only when shown.
    const index = SearchIndex.build([
      passage('p', 'phrase', 0, 'chapterTitle', 'what the tesla crash taught us about sensors'),
      passage('p', 'tesla', 0, 'chapterTitle', 'Tesla'),
      passage('p', 'crash', 0, 'chapterTitle', 'Crash!'),
      passage('p', 'apart', 0, 'chapterTitle', 'crash course on buying a used tesla, then more'),
    ]);
    const hits = index.search('tesla crash', { limit: 4 });
    expect(hits.map((h) => h.passage.episodeId)).toEqual(['phrase', 'apart', 'tesla', 'crash']);
    const tesla = hits.find((h) => h.passage.episodeId === 'tesla');
    expect(tesla?.terms).toEqual(['Tesla']);
    expect(tesla?.matches).toEqual([{ start: 0, end: 5 }]);
    const crash = hits.find((h) => h.passage.episodeId === 'crash');
    expect(crash?.matches).toEqual([{ start: 0, end: 5 }]);
    // Of three words, two adjacent ones without the rarest still earn the bonus.
    const three = SearchIndex.build([
      passage('p', 'rare', 0, 'chapterTitle', 'zebra'),
      passage('p', 'far', 0, 'chapterTitle', 'crash in a long report on sensors, radar and tesla'),
      passage('p', 'near', 0, 'chapterTitle', 'tesla crash in a long report on sensors and radar'),
    ]);
    const order = three.search('zebra tesla crash', { limit: 3, prefix: false, fuzzy: false }).map((h) => h.passage.episodeId);
    expect(order).toEqual(['near', 'far', 'rare']);
  });

  it('prefers passages that match every query word', () => {
    const index = SearchIndex.build([
      passage('p', 'one', 0, 'chapterTitle', 'tesla tesla tesla'),
      passage('p', 'both', 0, 'chapterTitle', 'a long chapter title about a tesla and a crash on the road'),
    ]);
    expect(index.search('tesla crash')[0]?.passage.episodeId).toBe('both');
  });

  it('uses recency only to break ties', () => {
    const index = SearchIndex.build([
      passage('p', 'old', 0, 'chapterTitle', 'tesla crash', '2020-01-01T00:00:00Z'),
      passage('p', 'new', 0, 'chapterTitle', 'tesla crash', '2024-01-01T00:00:00Z'),
      passage('p', 'better', 0, 'chapterTitle', 'tesla crash tesla crash', '2010-01-01T00:00:00Z'),
    ]);
    const now = Date.parse('2024-06-01T00:00:00Z');
    expect(index.search('tesla crash', { now }).map((h) => h.passage.episodeId)).toEqual(['better', 'new', 'old']);
  });

  it('returns at most two passages per episode by default', () => {
    const index = SearchIndex.build([
      ...[10, 20, 30, 40].map((s) => passage('p', 'busy', s, 'chapterTitle', `tesla crash part ${s}`)),
      passage('p', 'other', 0, 'notes', 'a tesla crash mentioned in passing'),
    ]);
    const hits = index.search('tesla crash');
    expect(hits.filter((h) => h.passage.episodeId === 'busy')).toHaveLength(2);
    expect(hits.map((h) => h.passage.episodeId)).toContain('other');
    expect(index.search('tesla crash', { maxPerEpisode: 4 }).filter((h) => h.passage.episodeId === 'busy')).toHaveLength(4);
  });

  it('filters by podcast', () => {
    const index = SearchIndex.build(CORPUS);
    expect(new Set(index.search('tesla', { podcastIds: ['tech'] }).map((h) => h.passage.podcastId))).toEqual(new Set(['tech']));
    expect(index.search('tesla', { podcastIds: ['nope'] })).toEqual([]);
    expect(index.search('tesla', { podcastIds: ['cars', 'tech'] }).length).toBeGreaterThan(1);
  });

  it('returns the passage as it was added, display text untouched', () => {
    const index = SearchIndex.build(CORPUS);
    expect(index.search('bilarna')[0]?.passage).toEqual(CORPUS[10]);
  });
});

describe('SearchIndex on very common words', () => {
  // 1,500 passages hold "news": enough for the index to keep a short list of its best postings (champions).
  const common = (): Passage[] => {
    const out: Passage[] = [];
    for (let i = 0; i < 1500; i++) {
      const day = String(1 + (i % 28)).padStart(2, '0');
      const month = String(1 + Math.floor(i / 28) % 12).padStart(2, '0');
      const year = 2000 + Math.floor(i / 336);
      out.push(passage('p', `ep${i}`, 0, 'chapterTitle', `news ${'and more filler words '.repeat(1 + (i % 4))}${i}`, `${year}-${month}-${day}T00:00:00Z`));
    }
    out.push(passage('q', 'short-a', 0, 'chapterTitle', 'News', '2001-01-01T00:00:00Z'));
    out.push(passage('q', 'short-b', 0, 'chapterTitle', 'News', '2003-01-01T00:00:00Z'));
    out.push(passage('q', 'short-c', 0, 'notes', 'News', '2003-01-01T00:00:00Z'));
    return out;
  };

  it('finds the best passages of a word that is in thousands of them', () => {
    const index = SearchIndex.build(common());
    const ids = index.search('news', { limit: 4 }).map((h) => h.passage.episodeId);
    expect(new Set(ids.slice(0, 2))).toEqual(new Set(['short-a', 'short-b']));
    // Next the shortest filler titles (one "and more filler words"), which is every fourth passage.
    expect(ids.slice(2).every((id) => Number(id.slice(2)) % 4 === 0)).toBe(true);
  });

  it('breaks ties between equally good passages by recency', () => {
    const index = SearchIndex.build(common());
    const now = Date.parse('2005-01-01T00:00:00Z');
    expect(index.search('news', { limit: 2, now }).map((h) => h.passage.episodeId)).toEqual(['short-b', 'short-a']);
    // Among the 1,500 equal-length ties, the newest episodes come first.
    const filler = index.search('news', { limit: 3, now, podcastIds: ['p'] });
    expect(filler.map((h) => h.passage.publishedAt)).toEqual([...filler.map((h) => h.passage.publishedAt)].sort().reverse());
    expect(filler[0]?.passage.publishedAt?.startsWith('2004')).toBe(true);
  });

  it('gives the same results as reading every posting, for one and two common words', () => {
    const vocabulary = ['news', 'climate', 'election', 'football', 'music', 'science', 'money', 'health'];
    let seed = 42;
    const next = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
    const passages: Passage[] = [];
    for (let i = 0; i < 4000; i++) {
      const words = Array.from({ length: 2 + Math.floor(next() * 6) }, () => vocabulary[Math.floor(next() * next() * vocabulary.length)]);
      const field: PassageField = next() < 0.7 ? 'chapterTitle' : 'notes';
      passages.push(passage(`p${i % 7}`, `e${Math.floor(i / 10)}`, i % 10, field, words.join(' '), `2020-01-${String(1 + (i % 28)).padStart(2, '0')}T00:00:00Z`));
    }
    const compacted = SearchIndex.build(passages);
    const everyPosting = new SearchIndex({ mutableLimit: Number.MAX_SAFE_INTEGER });
    everyPosting.add(passages);
    expect(everyPosting.stats().compactPassages).toBe(0);
    const now = Date.parse('2020-02-01T00:00:00Z');
    for (const q of ['news', 'climate', 'news climate', 'football money', 'health science', 'musi', 'election news']) {
      expect(compacted.search(q, { limit: 10, now })).toEqual(everyPosting.search(q, { limit: 10, now }));
    }
  });

  it('scores a passage that holds only a later, common word once, whether that word is probed or scanned', () => {
    // "zebra" is in 300 long notes without "news": so many found that "news" (1,503 passages, with champions) is
    // scanned rather than probed, and the short "News" titles come in new from its champions. Short notes about
    // anything else keep the notes' average length down, so the zebra notes score below them.
    const passages = common();
    for (let i = 0; i < 300; i++) passages.push(passage('z', `zebra${i}`, 0, 'notes', `zebra ${'striped '.repeat(30 + (i % 5))}${i}`, '2002-01-01T00:00:00Z'));
    for (let i = 0; i < 3000; i++) passages.push(passage('o', `o${i}`, 0, 'notes', `other ${i}`, '2002-01-01T00:00:00Z'));
    const compacted = SearchIndex.build(passages);
    const everyPosting = new SearchIndex({ mutableLimit: Number.MAX_SAFE_INTEGER });
    everyPosting.add(passages);
    const now = Date.parse('2005-01-01T00:00:00Z');
    const alone = compacted.search('news', { limit: 10, now }).find((h) => h.passage.episodeId === 'short-b');
    for (const q of ['zebra news', 'news zebra']) {
      const hits = compacted.search(q, { limit: 10, now });
      // One word of two: a quarter of what the word scores alone (coordination squared), not half.
      expect(hits.find((h) => h.passage.episodeId === 'short-b')?.score).toBeCloseTo(alone!.score / 4, 6);
      expect(hits).toEqual(everyPosting.search(q, { limit: 10, now }));
    }
  });

  it('scores a later word of several common expansions by its best one for the passages found, as reading every posting does', () => {
    // "news" typed as a prefix is "news" and "newsletter", each in over 1,024 passages (champion lists), and "zebra"
    // is in so many that both are scanned for the passages it found rather than probed: read in one merged pass.
    // "newsreel", in few passages (no champions), is read in full. Some passages hold two expansions (the better one
    // counts, not their sum), some one, some "zebra" alone.
    const passages: Passage[] = [];
    for (let i = 0; i < 2400; i++) {
      const word = i % 2 === 0 ? 'news' : 'newsletter';
      passages.push(passage(`p${i % 5}`, `n${i}`, 0, i % 3 === 0 ? 'chapterTitle' : 'notes', `${word} ${'filler '.repeat(i % 9)}${i}`, '2002-01-01T00:00:00Z'));
    }
    for (let i = 0; i < 500; i++) {
      const words = ['zebra', ...(i % 4 === 0 ? ['news'] : []), ...(i % 3 === 0 ? ['newsletter', 'newsletter'] : []), ...(i % 7 === 0 ? ['news', 'news'] : []), ...(i % 5 === 1 ? ['newsreel'] : [])];
      passages.push(passage(`z${i % 3}`, `z${i}`, 0, i % 5 === 0 ? 'chapterTitle' : 'notes', `${words.join(' ')} ${'striped '.repeat(i % 11)}${i}`, '2002-01-01T00:00:00Z'));
    }
    for (let i = 0; i < 60; i++) passages.push(passage('r', `r${i}`, 0, 'chapterTitle', `newsreel ${i}`, '2002-01-01T00:00:00Z'));
    const compacted = SearchIndex.build(passages);
    const everyPosting = new SearchIndex({ mutableLimit: Number.MAX_SAFE_INTEGER });
    everyPosting.add(passages);
    const now = Date.parse('2005-01-01T00:00:00Z');
    for (const q of ['zebra news', 'news zebra', 'zebra newslet']) {
      for (const options of [{ limit: 10, now }, { limit: 40, maxPerEpisode: 1 }, { limit: 10, podcastIds: ['z0', 'z2', 'p1'] }, { limit: 120, maxPerEpisode: 1 }]) {
        expect(compacted.search(q, options), `${q} ${JSON.stringify(options)}`).toEqual(everyPosting.search(q, options));
      }
    }
    const hits = compacted.search('zebra news', { limit: 10, now });
    expect(hits.some((h) => h.terms.includes('newsletter') && h.terms.includes('news'))).toBe(true);
  });

  it('still finds the rest when most of the best passages were removed', () => {
    const index = SearchIndex.build(common());
    index.removeEpisode('q', 'short-a');
    index.removeEpisode('q', 'short-b');
    for (let i = 0; i < 1500; i += 4) index.removeEpisode('p', `ep${i}`);
    const hits = index.search('news', { limit: 5 });
    expect(hits).toHaveLength(5);
    // Every shortest title was removed; the next best are the two-filler titles (i % 4 === 1).
    expect(hits.every((h) => Number(h.passage.episodeId.slice(2)) % 4 === 1)).toBe(true);
    expect(index.search('news', { limit: 1, podcastIds: ['q'] }).map((h) => h.passage.episodeId)).toEqual(['short-c']);
  });
});

describe('SearchIndex updates', () => {
  it('finds passages added after the build without a rebuild', () => {
    const index = SearchIndex.build(CORPUS);
    index.add([passage('tech', 'ep9', 60, 'chapterTitle', 'Quantum computing explained')]);
    expect(index.stats().mutablePassages).toBe(1);
    expect(texts(index.search('quantum'))).toEqual(['Quantum computing explained']);
    expect(texts(index.search('quantun', { prefix: false }))).toEqual(['Quantum computing explained']);
    expect(texts(index.search('quan'))).toEqual(['Quantum computing explained']);
  });

  it('forgets a removed episode at once and after compaction', () => {
    const index = SearchIndex.build(CORPUS);
    expect(index.removeEpisode('cars', 'ep1')).toBe(3);
    expect(index.search('tesla').map((h) => h.passage.episodeId)).toEqual(['ep3']);
    index.compact();
    expect(index.stats()).toMatchObject({ passages: CORPUS.length - 3, deletedPassages: 0 });
    expect(index.search('tesla').map((h) => h.passage.episodeId)).toEqual(['ep3']);
    expect(index.search('investigation')).toEqual([]);
    expect(index.removeEpisode('cars', 'ep1')).toBe(0);
  });

  it('finds every posting of a word added one passage at a time among others, before and after compaction', () => {
    // Added passage by passage, a word's postings fill blocks of growing size interleaved with other words' blocks.
    const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
    const passages = Array.from({ length: 3000 }, (_, i) =>
      passage(`p${i % 3}`, `e${i}`, 0, 'chapterTitle', `${words[i % 5]} ${words[(i * 7) % 5]} ${i % 11 === 0 ? 'rare' : 'common'} w${i % 97}`),
    );
    const incremental = new SearchIndex({ mutableLimit: Number.MAX_SAFE_INTEGER });
    for (const p of passages) incremental.add([p]);
    expect(incremental.stats().compactPassages).toBe(0);
    const built = SearchIndex.build(passages);
    const all = { limit: 3000, maxPerEpisode: 1 };
    for (const q of ['alpha', 'rare', 'gamma rare', 'w13', 'common delta']) {
      const expected = passages.filter((p) => q.split(' ').every((w) => p.text.split(' ').includes(w))).length;
      expect(incremental.search(q, { ...all, prefix: false, fuzzy: false }).filter((h) => q.split(' ').every((w) => h.terms.includes(w))).length).toBe(expected);
      expect(incremental.search(q, { limit: 10 })).toEqual(built.search(q, { limit: 10 }));
    }
    incremental.removeEpisode('p1', 'e4');
    incremental.compact();
    expect(incremental.search('rare', { ...all, prefix: false }).length).toBe(passages.filter((p) => p.text.includes('rare')).length - (passages[4]!.text.includes('rare') ? 1 : 0));
  });

  it('re-indexes an episode: remove, then add its new passages', () => {
    const index = SearchIndex.build(CORPUS);
    index.removeEpisode('cars', 'ep1');
    index.add([passage('cars', 'ep1', 95, 'chapterTitle', 'The Tesla recall')]);
    expect(texts(index.search('tesla', { podcastIds: ['cars'] }))).toEqual(['The Tesla recall']);
  });

  it('gives the same results whether passages arrived in one build or in small batches', () => {
    const built = SearchIndex.build(CORPUS);
    const grown = new SearchIndex({ mutableLimit: 2 });
    for (let i = 0; i < CORPUS.length; i += 3) grown.add(CORPUS.slice(i, i + 3));
    for (const q of ['tesla crash', 'hast', 'open source', 'microsfot', 'bil']) {
      expect(grown.search(q)).toEqual(built.search(q));
    }
  });

  it('reports its memory', () => {
    const index = SearchIndex.build(CORPUS);
    expect(index.memoryBytes()).toBeGreaterThan(0);
  });
});

describe('SearchIndex persistence', () => {
  const queries = ['tesla crash', 'tesal', 'hästen', 'micro', 'open source', 'bilarna', 'eurpoe'];

  it('gives identical results after serialize and load', () => {
    const index = SearchIndex.build(CORPUS);
    const loaded = SearchIndex.load(index.serialize());
    for (const q of queries) expect(loaded.search(q)).toEqual(index.search(q));
    expect(loaded.suggest('tezla')).toEqual(index.suggest('tezla'));
    expect(loaded.complete('te')).toEqual(index.complete('te'));
    expect(loaded.stats()).toEqual(index.stats());
  });

  it('folds in pending additions and removals before writing', () => {
    const index = SearchIndex.build(CORPUS);
    index.add([passage('tech', 'ep9', 60, 'chapterTitle', 'Quantum computing explained')]);
    index.removeEpisode('svensk', 'ep4');
    const loaded = SearchIndex.load(index.serialize());
    expect(texts(loaded.search('quantum'))).toEqual(['Quantum computing explained']);
    expect(loaded.search('hastarna')).toEqual([]);
  });

  it('keeps working after load: add and remove', () => {
    const loaded = SearchIndex.load(SearchIndex.build(CORPUS).serialize());
    loaded.add([passage('tech', 'ep9', 60, 'chapterTitle', 'Tesla quarterly numbers')]);
    expect(loaded.removeEpisode('cars', 'ep1')).toBe(3);
    expect(texts(loaded.search('tesla'))).toEqual(expect.arrayContaining(['Tesla quarterly numbers']));
    expect(texts(loaded.search('tesla'))).not.toContain('The Tesla crash investigation');
  });

  it('fills a loaded index’s map of episodes by id later, in slices, and finds a loaded episode at once all the same', () => {
    // 600 episodes of 30 podcasts, and one id two podcasts use (kept apart by podcast).
    const many = [
      ...Array.from({ length: 3000 }, (_, i) => passage(`p${i % 30}`, `e${i % 600}`, i, 'chapterTitle', `Chapter ${i} about trains`)),
      passage('p1', 'e0', 5, 'notes', 'The same id in another podcast, about boats'),
    ];
    const bytes = SearchIndex.build(many).serialize();
    const full = SearchIndex.load(bytes);
    // Looking for an episode of a loaded podcast fills the map whole first.
    expect(full.removeEpisode('p0', 'not there')).toBe(0);
    const later = SearchIndex.load(bytes);
    // Nothing in the map yet: a map entry an episode less (~40 bytes each).
    expect(later.memoryBytes()).toBeLessThan(full.memoryBytes() - 600 * 30);
    // Filled in slices: the same map.
    const sliced = SearchIndex.load(bytes);
    expect([...sliced.rememberLoadedSteps()].length).toBeGreaterThan(0);
    expect(sliced.memoryBytes()).toBe(full.memoryBytes());
    // A podcast added since has none of the loaded episodes: adding to it leaves the map to be filled later.
    const changes = (index: SearchIndex): unknown[] => {
      index.add([passage('new', 'e7', 0, 'episodeTitle', 'A new podcast about trains and boats')]);
      const before = index.memoryBytes();
      return [
        before,
        index.removeEpisode('p1', 'e0'),
        index.removeEpisode('p0', 'e0'),
        index.add([passage('p7', 'e7', 9, 'notes', 'More about trains')]),
        index.removeEpisode('p7', 'e7'),
        index.removeEpisode('new', 'e7'),
        index.search('trains', { limit: 50 }),
        index.search('boats'),
        index.stats(),
        index.memoryBytes(),
      ];
    };
    const [lazyBefore, ...lazyAfter] = changes(later);
    const [fullBefore, ...fullAfter] = changes(full);
    expect(lazyBefore).toBeLessThan((fullBefore as number) - 600 * 30);
    // Found as in an index loaded whole (the loaded podcasts' episodes looked for made the map whole first).
    expect(lazyAfter).toEqual(fullAfter);
  });

  it('loads from a buffer that does not start on an aligned offset', () => {
    const bytes = SearchIndex.build(CORPUS).serialize();
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(texts(SearchIndex.load(shifted.subarray(3)).search('tesla crash'))[0]).toBe('The Tesla crash investigation');
  });

  // The index's tables are private: read here through a cast, as the memory they hold is what these tests are about.
  const tables = (index: SearchIndex): [string, ArrayBufferView][] =>
    Object.entries(index as unknown as Record<string, unknown>).filter((e): e is [string, ArrayBufferView] => ArrayBuffer.isView(e[1]));

  it('holds each loaded table in a buffer of its own, exactly its size: the bytes it was loaded from are not kept', () => {
    const bytes = SearchIndex.build(CORPUS).serialize();
    const loaded = SearchIndex.load(bytes);
    expect(tables(loaded).length).toBeGreaterThan(15);
    for (const [name, table] of tables(loaded)) {
      expect(table.buffer, name).not.toBe(bytes.buffer);
      expect(table.buffer.byteLength, name).toBe(table.byteLength);
    }
    expect(texts(loaded.search('tesla crash'))[0]).toBe('The Tesla crash investigation');
  });

  it('grows a loaded index’s passage and episode tables by an eighth, not double, when passages are added', () => {
    const many = Array.from({ length: 4000 }, (_, i) => passage(`p${i % 40}`, `e${i % 800}`, i, 'chapterTitle', `Chapter ${i} about trains`));
    const loaded = SearchIndex.load(SearchIndex.build(many).serialize());
    loaded.add([passage('p0', 'new', 0, 'episodeTitle', 'One more episode')]);
    const sizes = Object.fromEntries(tables(loaded).map(([name, table]) => [name, (table as Uint8Array).length]));
    for (const name of ['docEpisode', 'docStart', 'docField', 'docLength', 'docLanguage', 'docDeleted']) {
      expect(sizes[name], name).toBeGreaterThanOrEqual(4001);
      expect(sizes[name], name).toBeLessThanOrEqual(4000 + 4000 / 8);
    }
    for (const name of ['episodePodcast', 'episodePublishedMs', 'episodeFirstDoc', 'episodeEndDoc']) expect(sizes[name], name).toBeLessThanOrEqual(801 + 100);
    expect(texts(loaded.search('one more episode'))[0]).toBe('One more episode');
  });

  it('hands back each episode’s date as given and tells apart one episode id used by two podcasts, before and after load', () => {
    const dated = [
      passage('a', 'same', 0, 'episodeTitle', 'Zeppelins over the harbour', '2024-03-01T10:00:00.000Z'),
      passage('b', 'same', 0, 'episodeTitle', 'Zeppelins in the museum', 'Sun, 03 Mar 2024 10:00:00 GMT'),
      passage('b', 'short', 0, 'episodeTitle', 'Zeppelins at night', '2024-03-02T10:00:00Z'),
      passage('c', 'undated', 0, 'episodeTitle', 'Zeppelins undated'),
    ];
    const built = SearchIndex.build(dated);
    const asGiven = (index: SearchIndex) =>
      Object.fromEntries(index.search('zeppelins', { limit: 10 }).map((h) => [`${h.passage.podcastId}/${h.passage.episodeId}`, h.passage.publishedAt ?? 'none']));
    const expected = { 'a/same': '2024-03-01T10:00:00.000Z', 'b/same': 'Sun, 03 Mar 2024 10:00:00 GMT', 'b/short': '2024-03-02T10:00:00Z', 'c/undated': 'none' };
    expect(asGiven(built)).toEqual(expected);
    const loaded = SearchIndex.load(built.serialize());
    expect(asGiven(loaded)).toEqual(expected);
    for (const index of [built, loaded]) {
      expect(index.removeEpisode('b', 'same')).toBe(1);
      expect(Object.keys(asGiven(index)).sort()).toEqual(['a/same', 'b/short', 'c/undated']);
      index.add([passage('b', 'same', 5, 'chapterTitle', 'Zeppelins again', 'Sun, 03 Mar 2024 10:00:00 GMT')]);
      expect(asGiven(index)['b/same']).toBe('Sun, 03 Mar 2024 10:00:00 GMT');
      expect(index.stats().episodes).toBe(4);
    }
  });

  it('hands back as given a date that looks like toISOString’s but is not what it writes (kept as a string, not as its time)', () => {
    // Each reads as a time, but toISOString writes that time otherwise (a day past the month's end, hour 24, a year
    // of six digits), or exactly so (a year before 100, a leap day); 24 bytes of UTF-8 that are not 24 characters, and
    // a digit that is not ASCII (a load reads the saved dates' bytes, not strings).
    const given = ['2023-02-29T10:00:00.000Z', '2024-04-31T10:00:00.000Z', '2024-03-01T24:00:00.000Z', '+002024-03-01T10:00:00.000Z', '0050-03-01T10:00:00.000Z', '2024-02-29T23:59:59.999Z', '2024-03-01T10:00:00.000Z', '2024-03-01T10:00:00.0ÅZ', '2024-03-01T10:00:00.00٣Z'];
    const dated = given.map((date, i) => passage('p', `e${i}`, 0, 'episodeTitle', `Zeppelin number ${i}`, date));
    const built = SearchIndex.build(dated);
    const asGiven = (index: SearchIndex) => Object.fromEntries(index.search('zeppelin', { limit: 20 }).map((h) => [h.passage.episodeId, h.passage.publishedAt]));
    const expected = Object.fromEntries(given.map((date, i) => [`e${i}`, date]));
    expect(asGiven(built)).toEqual(expected);
    expect(asGiven(SearchIndex.load(built.serialize()))).toEqual(expected);
  });

  it('keeps every passage start exact: in milliseconds while each start is whole milliseconds, as given once one is not', () => {
    const starts = [0, 95, 12.345, 3600.5, 86399.999];
    const timed = starts.map((start, i) => passage('p', `e${i}`, start, 'chapterTitle', `Zeppelin chapter ${i}`));
    const startsOf = (index: SearchIndex) => index.search('zeppelin', { limit: 20, maxPerEpisode: 5 }).map((h) => h.passage.startSeconds).sort((a, b) => a - b);
    const built = SearchIndex.build(timed);
    expect(tables(built).find(([name]) => name === 'docStart')?.[1]).toBeInstanceOf(Uint32Array);
    const loaded = SearchIndex.load(built.serialize());
    expect(tables(loaded).find(([name]) => name === 'docStart')?.[1]).toBeInstanceOf(Uint32Array);
    for (const index of [built, loaded]) {
      expect(startsOf(index)).toEqual([...starts].sort((a, b) => a - b));
      index.add([passage('p', 'odd', 1.23456789, 'chapterTitle', 'Zeppelin at an odd second')]);
      expect(startsOf(index)).toEqual([...starts, 1.23456789].sort((a, b) => a - b));
      expect(startsOf(SearchIndex.load(index.serialize()))).toEqual([...starts, 1.23456789].sort((a, b) => a - b));
    }
  });

  it('rejects bytes that are not an index', () => {
    expect(() => SearchIndex.load(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]))).toThrow(/not a Podcord search index/);
  });
});

describe('SearchIndex suggestions', () => {
  const index = SearchIndex.build(CORPUS);

  it('suggests the closest known word when nothing matches', () => {
    expect(index.search('tezla', { fuzzy: false, prefix: false })).toEqual([]);
    expect(index.suggest('tezla')).toEqual(['tesla']);
    expect(index.suggest('the tezla crasj')[0]).toBe('the tesla crash');
  });

  it('keeps the diacritics of the suggested word', () => {
    expect(index.suggest('hastarma')).toEqual(['hästarna']);
  });

  it('suggests nothing when every word is known', () => {
    expect(index.suggest('tesla crash')).toEqual([]);
  });

  it('completes the last word, keeping what was typed before it', () => {
    expect(index.complete('Open-so')).toEqual(['Open-source']);
    expect(index.complete('electric ca')).toEqual(['electric cars']);
  });

  it('ranks completions by how often they occur with the earlier words', () => {
    const local = SearchIndex.build([
      passage('p', 'a', 0, 'chapterTitle', 'climate change'),
      passage('p', 'b', 0, 'chapterTitle', 'climate change policy'),
      passage('p', 'c', 0, 'chapterTitle', 'chess champion'),
      passage('p', 'd', 0, 'chapterTitle', 'chess champions'),
      passage('p', 'e', 0, 'chapterTitle', 'chess champion'),
      passage('p', 'f', 0, 'chapterTitle', 'chess openings'),
    ]);
    expect(local.complete('ch')).toEqual(['chess', 'champion', 'change']);
    expect(local.complete('climate ch')).toEqual(['climate change']);
  });

  it('completes nothing once the last word is finished', () => {
    expect(index.complete('tesla ')).toEqual([]);
  });
});

describe('SearchIndex for a reader who sees some podcasts only', () => {
  it('completes only words those podcasts hold, in the compact and the mutable segment', () => {
    const index = SearchIndex.build(CORPUS);
    index.add([passage('secret', 'ep9', 0, 'chapterTitle', 'Teslarium and the chargeless future')]);
    expect(index.complete('tesla')).toEqual(['tesla', 'teslarium']);
    expect(index.complete('tesla', 5, ['cars', 'tech'])).toEqual(['tesla']);
    expect(index.complete('tesla', 5, ['secret'])).toEqual(['teslarium']);
    expect(index.complete('cha', 5, ['cars'])).toEqual(['charging']);
    expect(index.complete('cha', 5, ['secret'])).toEqual(['chargeless']);
    expect(index.complete('häst', 5, ['cars'])).toEqual([]);
    // No podcast the index knows: nothing, not everything.
    expect(index.complete('tesla', 5, ['unknown'])).toEqual([]);
    expect(index.complete('tesla', 5, [])).toEqual([]);
  });

  it('counts only their passages when ranking completions by the earlier words', () => {
    const index = SearchIndex.build([
      passage('mine', 'a', 0, 'chapterTitle', 'climate change'),
      passage('theirs', 'b', 0, 'chapterTitle', 'climate chess'),
      passage('theirs', 'c', 0, 'chapterTitle', 'climate chess'),
    ]);
    expect(index.complete('climate ch')).toEqual(['climate chess', 'climate change']);
    expect(index.complete('climate ch', 5, ['mine'])).toEqual(['climate change']);
  });

  it('suggests only their words, and takes a word only others hold as unknown', () => {
    const index = SearchIndex.build([
      passage('mine', 'a', 0, 'chapterTitle', 'Telsa owners club'),
      passage('theirs', 'b', 0, 'chapterTitle', 'The Tesla crash'),
    ]);
    expect(index.suggest('teslq')).toEqual(['tesla', 'telsa']);
    expect(index.suggest('teslq', 3, ['mine'])).toEqual(['telsa']);
    expect(index.suggest('tesla', 3, ['mine'])).toEqual(['telsa']);
    expect(index.suggest('teslq', 3, ['nobody'])).toEqual([]);
  });

  it('spends a prefix on words their podcasts hold, not on common words only others have', () => {
    // 30 words starting with "ch", each far more common in another podcast than "chutney" is here.
    const theirs = Array.from({ length: 30 }, (_, w) => `ch${String.fromCharCode(97 + (w % 26))}${String.fromCharCode(97 + Math.floor(w / 26))}word`);
    const index = SearchIndex.build([
      ...theirs.flatMap((word, w) => Array.from({ length: 3 }, (_, i) => passage('theirs', `e${w}-${i}`, 0, 'chapterTitle', `${word} talk`))),
      passage('mine', 'm1', 0, 'chapterTitle', 'Mango chutney at home'),
    ]);
    expect(texts(index.search('ch', { podcastIds: ['mine'] }))).toEqual(['Mango chutney at home']);
    expect(texts(index.search('chutnye', { podcastIds: ['mine'] }))).toEqual(['Mango chutney at home']);
  });

  it('does not complete or suggest the words of removed episodes', () => {
    const index = SearchIndex.build(CORPUS);
    index.removeEpisode('tech', 'ep3');
    expect(index.complete('micro')).toEqual([]);
    expect(index.suggest('microsfot')).toEqual([]);
    expect(index.complete('tesl')).toEqual(['tesla']);
  });
});
