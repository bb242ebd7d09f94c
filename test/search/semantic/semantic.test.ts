import { describe, expect, it } from 'vitest';
import type { Passage } from '../../../src/data/search/passage.js';
import { SearchIndex } from '../../../src/data/search/SearchIndex.js';
import { HybridSearch } from '../../../src/data/search/semantic/HybridSearch.js';
import { WordVectorEncoder, type PassageEncoder } from '../../../src/data/search/semantic/PassageEncoder.js';
import { SemanticIndex } from '../../../src/data/search/semantic/SemanticIndex.js';
import { WordVectors } from '../../../src/data/search/semantic/WordVectors.js';
import { handMadeVectors } from './handMadeVectors.js';

const chapter = (podcastId: string, episodeId: string, startSeconds: number, text: string): Passage => ({
  podcastId,
  episodeId,
  startSeconds,
  field: 'chapterTitle',
  text,
});

const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * (b[i] as number), 0);

describe('WordVectors', () => {
  it('round-trips through its binary form with every word, scale and norm', () => {
    const vectors = handMadeVectors();
    const back = WordVectors.deserialize(vectors.serialize());
    expect(back.words).toEqual(vectors.words);
    expect(back.dims).toBe(5);
    expect([...back.data]).toEqual([...vectors.data]);
    expect([...back.scales]).toEqual([...vectors.scales]);
    expect(back.lookup('crash')).toBe(4);
    expect(back.lookup('unknown')).toBe(-1);
  });

  it('stores unit vectors: a word is closest to itself and near words are closer than far ones', () => {
    const v = handMadeVectors();
    const car = v.vector(v.lookup('car'));
    expect(dot(car, car)).toBeCloseTo(1, 2);
    expect(dot(car, v.vector(v.lookup('automobile')))).toBeGreaterThan(dot(car, v.vector(v.lookup('banana'))));
  });

  it('refuses bytes that are not a word-vector file, and a truncated one', () => {
    expect(() => WordVectors.deserialize(new TextEncoder().encode('{"vectors": {"the": [0.1]}}'))).toThrow(/not a Podcord word-vector file/);
    const bytes = handMadeVectors().serialize();
    expect(() => WordVectors.deserialize(bytes.subarray(0, 40))).toThrow(/truncated/);
  });
});

describe('WordVectorEncoder', () => {
  const encoder = new WordVectorEncoder(handMadeVectors(), { synonyms: { robotaxi: 'driverless taxi', 'self driving': 'driverless' } });

  it('places a text at the average of its known words, ignoring stop words and unknown words', () => {
    const a = encoder.encode('The car crash') as Float32Array;
    const b = encoder.encode('an automobile accident, qwzx') as Float32Array;
    const far = encoder.encode('banana smoothie') as Float32Array;
    expect(dot(a, b)).toBeGreaterThan(0.9);
    expect(dot(a, far)).toBeLessThan(0.3);
  });

  it('has no vector for a text without a known word', () => {
    expect(encoder.encode('the of and')).toBeUndefined();
    expect(encoder.encode('qwzx plonk')).toBeUndefined();
  });

  it('stands hand-kept synonyms in for words the vectors lack, phrases included', () => {
    const robotaxi = encoder.encode('robotaxi') as Float32Array;
    expect(robotaxi).toBeDefined();
    expect(dot(robotaxi, encoder.encode('driverless taxi') as Float32Array)).toBeCloseTo(1, 3);
    const selfDriving = encoder.encode('self-driving crash') as Float32Array;
    expect(dot(selfDriving, encoder.encode('driverless crash') as Float32Array)).toBeCloseTo(1, 3);
  });
});

describe('SemanticIndex', () => {
  const passages = [
    chapter('p1', 'e1', 0, 'Automobile collision on the highway'),
    chapter('p1', 'e1', 60, 'Banana smoothie recipes'),
    chapter('p1', 'e2', 0, 'Guitar songs'),
    chapter('p2', 'e3', 0, 'Rocket to Mars'),
    chapter('p2', 'e3', 90, 'Driverless taxi accident'),
  ];
  const build = (options = {}): SemanticIndex => {
    const index = new SemanticIndex(new WordVectorEncoder(handMadeVectors(), { center: false }), options);
    index.add(passages);
    return index;
  };

  it('ranks passages by meaning when no word is shared', () => {
    const hits = build().search('car crash');
    expect(hits.map((h) => h.passage.text)).toEqual(['Automobile collision on the highway', 'Driverless taxi accident']);
    expect(hits[0]?.terms).toEqual([]);
  });

  it('drops passages below the similarity floor, so an unrelated query finds nothing', () => {
    expect(build({ minSimilarity: 0.8 }).search('apple').map((h) => h.passage.text)).toEqual(['Banana smoothie recipes']);
    expect(build().search('zzz unknown')).toEqual([]);
  });

  it('keeps to the podcasts asked for and to maxPerEpisode', () => {
    expect(build().search('car crash', { podcastIds: ['p2'] }).map((h) => h.passage.episodeId)).toEqual(['e3']);
    const index = build({ minSimilarity: -1 });
    const hits = index.search('car', { limit: 10, maxPerEpisode: 1 });
    expect(new Set(hits.map((h) => h.passage.episodeId)).size).toBe(hits.length);
  });

  it('returns the passage as added: podcast, episode, second, field and text', () => {
    const hit = build().search('rocket')[0];
    expect(hit?.passage).toEqual(passages[3]);
  });

  it('forgets a removed episode and can take it back', () => {
    const index = build();
    expect(index.removeEpisode('p2', 'e3')).toBe(2);
    expect(index.removeEpisode('p2', 'e3')).toBe(0);
    expect(index.search('car crash').map((h) => h.passage.episodeId)).toEqual(['e1']);
    index.add([chapter('p2', 'e3', 30, 'Robot car crash')]);
    expect(index.search('car crash').map((h) => `${h.passage.episodeId}@${h.passage.startSeconds}`)).toContain('e3@30');
    index.compact();
    expect(index.size).toBe(4);
    expect(index.search('car crash').map((h) => h.passage.episodeId).sort()).toEqual(['e1', 'e3']);
  });

  it('embeds titles and chapter descriptions by default, leaving show notes and transcripts to the lexical index', () => {
    const index = new SemanticIndex(new WordVectorEncoder(handMadeVectors(), { center: false }));
    index.add([{ ...chapter('p', 'e', 0, 'Automobile collision'), field: 'notes' }, { ...chapter('p', 'f', 0, 'Taxi accident'), field: 'transcript' }]);
    expect(index.size).toBe(0);
    const all = new SemanticIndex(new WordVectorEncoder(handMadeVectors(), { center: false }), { fields: ['notes'] });
    all.add([{ ...chapter('p', 'e', 0, 'Automobile collision'), field: 'notes' }]);
    expect(all.search('car crash')[0]?.passage.field).toBe('notes');
  });

  it('counts passages the encoder cannot place without storing them', () => {
    const index = build();
    index.add([chapter('p3', 'e9', 0, 'qwzx plonk')]);
    expect(index.stats()).toEqual({ passages: 5, unplaced: 1, removed: 0 });
  });

  it('takes any PassageEncoder, so a sentence-embedding model can replace the word vectors', () => {
    const byLength: PassageEncoder = { dims: 2, encode: (text) => (text.length > 12 ? new Float32Array([1, 0]) : new Float32Array([0, 1])) };
    const index = new SemanticIndex(byLength);
    index.add([chapter('p', 'e', 0, 'short'), chapter('p', 'f', 0, 'a much longer title')]);
    expect(index.search('another long query')[0]?.passage.text).toBe('a much longer title');
  });
});

describe('HybridSearch', () => {
  const passages = [
    chapter('p1', 'e1', 0, 'Tesla crash on autopilot'),
    chapter('p1', 'e2', 0, 'Car crash statistics'),
    chapter('p1', 'e3', 0, 'Automobile collision'),
    chapter('p1', 'e4', 0, 'Driverless taxi accident'),
    chapter('p1', 'e5', 0, 'Banana smoothie'),
    chapter('p1', 'e6', 0, 'The car wash'),
  ];
  const build = (): HybridSearch => {
    const hybrid = new HybridSearch(new SearchIndex(), new SemanticIndex(new WordVectorEncoder(handMadeVectors(), { center: false })));
    hybrid.add(passages);
    return hybrid;
  };

  it('finds chapters that share no word with the query', () => {
    const texts = build().search('automobile accident', { limit: 5 }).map((h) => h.passage.text);
    expect(texts).toContain('Automobile collision');
    expect(texts).toContain('Driverless taxi accident');
    expect(texts).toContain('Car crash statistics');
  });

  it('keeps hits that match every query word first, ahead of closer-sounding semantic neighbours', () => {
    const hits = build().search('car crash', { limit: 5 });
    // "Car crash statistics" is the only chapter with both words: it leads whatever the vectors say.
    expect(hits[0]?.passage.text).toBe('Car crash statistics');
    expect(hits[0]?.terms.length).toBeGreaterThan(0);
    expect(hits.map((h) => h.passage.text)).toContain('Automobile collision');
    expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((a, b) => b - a));
  });

  it('answers from the lexical side alone when it has enough exact hits', () => {
    const hybrid = build();
    const lexicalOnly = hybrid.lexical.search('crash', { limit: 2 });
    expect(hybrid.search('crash', { limit: 2 })).toEqual(lexicalOnly);
  });

  it('adds and removes episodes on both sides', () => {
    const hybrid = build();
    expect(hybrid.removeEpisode('p1', 'e3')).toBe(1);
    expect(hybrid.search('automobile accident', { limit: 10 }).map((h) => h.passage.text)).not.toContain('Automobile collision');
    hybrid.add([chapter('p1', 'e7', 12, 'Rocket to Mars')]);
    expect(hybrid.search('rocket', { limit: 1 })[0]?.passage.episodeId).toBe('e7');
    expect(hybrid.semantic.search('mars rocket', { limit: 1 })[0]?.passage.episodeId).toBe('e7');
  });

  it('suggests and completes from the lexical dictionary', () => {
    const hybrid = build();
    expect(hybrid.complete('autop', 5)).toEqual(hybrid.lexical.complete('autop', 5));
    expect(hybrid.suggest('autopilt')).toEqual(hybrid.lexical.suggest('autopilt'));
  });

  it('never shows more than maxPerEpisode hits of one episode after merging', () => {
    const hybrid = build();
    hybrid.add([chapter('p1', 'e8', 0, 'Car accident'), chapter('p1', 'e8', 60, 'Automobile crash'), chapter('p1', 'e8', 120, 'Taxi collision')]);
    const hits = hybrid.search('car accident', { limit: 10, maxPerEpisode: 2 });
    expect(hits.filter((h) => h.passage.episodeId === 'e8').length).toBeLessThanOrEqual(2);
  });
});
