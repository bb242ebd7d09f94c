import { describe, expect, it } from 'vitest';
import { analyze, forEachTerm } from '../../src/data/search/analyze.js';
import { stem } from '../../src/data/search/stem.js';
import { isStopWord } from '../../src/data/search/stopWords.js';
import { foldWord, forEachToken, tokenize } from '../../src/data/search/tokenize.js';

const stems = (text: string): string[] => analyze(text).map((t) => t.stem);

describe('tokenize', () => {
  it('folds case and diacritics, so Swedish å ä ö match their plain letters', () => {
    expect(tokenize('Hästarna ÅKER över Öresund').map((t) => t.folded)).toEqual(['hastarna', 'aker', 'over', 'oresund']);
    expect(foldWord('Café')).toEqual(['cafe']);
  });

  it('splits on punctuation and hyphens but keeps digits', () => {
    expect(tokenize('self-driving, open-source: GPT-4 in 2024!').map((t) => t.folded)).toEqual([
      'self',
      'driving',
      'open',
      'source',
      'gpt',
      '4',
      'in',
      '2024',
    ]);
  });

  it("joins apostrophes into the word so Tesla's is one word", () => {
    expect(tokenize("Tesla's don’t").map((t) => t.folded)).toEqual(['teslas', 'dont']);
  });

  it('keeps offsets into the original text, for highlighting', () => {
    const text = 'Om hästarna';
    const [, horse] = tokenize(text);
    expect(horse && text.slice(horse.start, horse.end)).toBe('hästarna');
  });
});

describe('stem', () => {
  it('brings English inflections together', () => {
    expect(new Set(['crash', 'crashes', 'crashed', 'crashing'].map(stem))).toEqual(new Set(['crash']));
    expect(new Set(['drive', 'driving', 'driven'].map(stem)).size).toBe(1);
    expect(stem('running')).toBe(stem('run'));
    expect(stem('quickly')).toBe('quick');
    expect(stem('stories')).toBe(stem('story'));
  });

  it('brings Swedish definite and plural forms together', () => {
    expect(new Set(['bil', 'bilen', 'bilar', 'bilarna'].map(stem))).toEqual(new Set(['bil']));
    expect(new Set(['hast', 'hasten', 'hastar', 'hastarna'].map(stem))).toEqual(new Set(['hast']));
    expect(new Set(['flickor', 'flickorna'].map(stem)).size).toBe(1);
    expect(new Set(['barn', 'barnen'].map(stem)).size).toBe(1);
    expect(stem('valet')).toBe('val');
  });

  it('leaves short words and words with digits alone', () => {
    expect(stem('bus')).toBe('bus');
    expect(stem('covid19s')).toBe('covid19s');
  });
});

describe('stop words', () => {
  it('drops English and Swedish function words, matched after folding', () => {
    expect(isStopWord('the')).toBe(true);
    expect(isStopWord('och')).toBe(true);
    expect(isStopWord('pa')).toBe(true); // på
    expect(stems('The crash på vägen och the autopilot')).toEqual(['crash', 'vag', 'autopilot']);
  });

  it('keeps Swedish function words that are English topics', () => {
    expect(isStopWord('man')).toBe(false);
    expect(isStopWord('min')).toBe(false);
  });

  it('numbers content-word positions without the stop words, so "crash of the tesla" stays near', () => {
    expect(analyze('crash of the tesla').map((t) => t.position)).toEqual([0, 1]);
  });
});

describe('forEachToken and forEachTerm', () => {
  const texts = [
    'Hästarna ÅKER över Öresund',
    "self-driving, open-source: GPT-4 in 2024! Tesla's don’t",
    'The ½ and ﬁ ligature, Ǆ, İstanbul, naïve café, 東京 and the end',
    '',
    '  ...  ',
    'and the of to',
    '00:12:30 Intro — we talk about the crash (again) and #42',
  ];

  it('hand over exactly what tokenize and analyze list', () => {
    for (const text of texts) {
      const tokens: { folded: string; start: number; end: number }[] = [];
      forEachToken(text, (folded, start, end) => tokens.push({ folded, start, end }));
      expect(tokens).toEqual(tokenize(text));
      const terms: { stem: string; start: number; end: number; position: number }[] = [];
      forEachTerm(text, (s, start, end, position) => terms.push({ stem: s, start, end, position }));
      expect(terms).toEqual(analyze(text).map(({ stem: s, start, end, position }) => ({ stem: s, start, end, position })));
    }
  });

  it('keep their place when the visitor tokenizes too', () => {
    const outer: string[] = [];
    forEachToken('one two three', (folded) => {
      outer.push(folded);
      tokenize('inner words here');
      forEachToken('more', () => {});
    });
    expect(outer).toEqual(['one', 'two', 'three']);
  });
});

describe('forEachTerm with initials', () => {
  // The search's rerank stems only words starting with the first letter of a query stem (less a final y): sound only
  // while a word always starts with its stem, less a final y.
  it('relies on a word starting with its stem, less a final y', () => {
    const words = ['flies', 'supplies', 'running', 'falling', 'crashes', 'bilarna', 'hastarna', 'friheten', 'day', 'quickly', 'teslas', 'x', 'ai', 'gpt4'];
    for (const word of words) {
      const s = stem(word);
      expect(word.startsWith(s.endsWith('y') ? s.slice(0, -1) : s), `${word} -> ${s}`).toBe(true);
    }
  });

  it('visits only words with those initials, at the positions it gives without them', () => {
    const text = 'The Tesla crashes, and Teslas crash: a crash course in batteries';
    const all: [string, number][] = [];
    forEachTerm(text, (s, _start, _end, position) => all.push([s, position]));
    const some: [string, number][] = [];
    forEachTerm(text, (s, _start, _end, position) => some.push([s, position]), new Set(['c'.charCodeAt(0)]));
    expect(some).toEqual(all.filter(([s]) => s.startsWith('c')));
    expect(some.length).toBeGreaterThan(0);
  });
});
