import { describe, expect, it } from 'vitest';
import { analyze, forEachTerm, queryStems } from '../../src/data/search/analyze.js';
import { keepsInitial, LANGUAGE_COUNT, languageId, stem, UNKNOWN_LANGUAGE } from '../../src/data/search/stem.js';
import { isStopWord } from '../../src/data/search/stopWords.js';
import { foldWord, forEachToken, tokenize } from '../../src/data/search/tokenize.js';

const stems = (text: string, language = UNKNOWN_LANGUAGE): string[] => analyze(text, language).map((t) => t.stem);
const EN = languageId('en-us');
const SV = languageId('sv');
const DE = languageId('de-DE');
const FI = languageId('fi');
/** The stems of these words in one language. */
const stemsIn = (language: number, words: readonly string[]): Set<string> => new Set(words.map((w) => stem(w, language)));

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
    expect(stemsIn(EN, ['crash', 'crashes', 'crashed', 'crashing'])).toEqual(new Set(['crash']));
    expect(stemsIn(EN, ['drive', 'driving', 'drives']).size).toBe(1);
    expect(stem('running', EN)).toBe(stem('run', EN));
    expect(stem('quickly', EN)).toBe('quick');
    expect(stem('stories', EN)).toBe(stem('story', EN));
    expect(stemsIn(EN, ['job', 'jobs'])).toEqual(new Set(['job']));
  });

  it('does not take English words for Swedish ones (issue 15: hunter, listen, water)', () => {
    expect(stem('hunter', EN)).not.toBe(stem('hunt', EN));
    expect(stem('listen', EN)).not.toBe(stem('list', EN));
    expect(stem('listening', EN)).toBe(stem('listen', EN));
    expect(stem('water', EN)).toBe('water');
    expect(stem('waters', EN)).toBe('water');
  });

  it('stems a podcast without a declared language as English', () => {
    expect(languageId(undefined)).toBe(UNKNOWN_LANGUAGE);
    expect(languageId(' ')).toBe(UNKNOWN_LANGUAGE);
    expect(stem('crashes')).toBe(stem('crash', EN));
    expect(stem('hunter')).toBe('hunter');
  });

  it('brings Swedish definite and plural forms together', () => {
    expect(stemsIn(SV, ['bil', 'bilen', 'bilar', 'bilarna']).size).toBe(1);
    expect(stemsIn(SV, ['hast', 'hasten', 'hastar', 'hastarna']).size).toBe(1);
    expect(stemsIn(SV, ['flickor', 'flickorna']).size).toBe(1);
    expect(stemsIn(SV, ['barn', 'barnen']).size).toBe(1);
    expect(stem('husen', SV)).toBe(stem('hus', SV));
  });

  it('brings German and Finnish inflections together', () => {
    expect(stemsIn(DE, ['kind', 'kinder', 'kindern']).size).toBe(1);
    expect(stemsIn(DE, ['haus', 'hauser', 'hauses']).size).toBe(1); // Häuser, folded
    expect(stemsIn(FI, ['talo', 'talossa', 'talon', 'taloissa']).size).toBe(1);
    expect(stemsIn(FI, ['kirja', 'kirjasta', 'kirjoja']).size).toBe(1);
  });

  it('keeps each language to its own stems, so a Swedish stem never matches an English word', () => {
    expect(stem('hunter', SV)).not.toBe(stem('hunt', EN));
    expect(stem('hunter', SV)).toBe(stem('hunt', SV));
    expect(stem('tesla', DE)).not.toBe(stem('tesla', EN));
  });

  it('reads the primary subtag of a declared language, and keeps words whole in one Snowball lacks', () => {
    expect(languageId('en-US')).toBe(EN);
    expect(languageId('EN')).toBe(EN);
    expect(languageId('sv-SE')).toBe(SV);
    expect(languageId('de-de')).toBe(DE);
    expect(languageId('nb')).toBe(languageId('no'));
    const ja = languageId('ja');
    expect(ja).not.toBe(UNKNOWN_LANGUAGE);
    expect(stem('running', ja)).toBe('running');
  });

  it('leaves short words and words with digits alone', () => {
    expect(stem('bus', EN)).toBe('bus');
    expect(stem('covid19s', EN)).toBe('covid19s');
    expect(stem('covid19s', SV).startsWith('covid19s')).toBe(true);
  });
});

describe('queryStems', () => {
  it('gives a query word its stem in each language in scope, each once, none where it is a stop word', () => {
    expect(queryStems('hunter', [EN, SV])).toEqual([stem('hunter', EN), stem('hunter', SV)]);
    expect(queryStems('crashes', [UNKNOWN_LANGUAGE, EN])).toEqual(['crash']);
    expect(queryStems('men', [EN, SV])).toEqual(['men']); // an English word, a Swedish stop word
    expect(queryStems('the', [EN, SV])).toEqual([]);
  });
});

describe('stop words', () => {
  it('drops English and Swedish function words, matched after folding', () => {
    expect(isStopWord('the')).toBe(true);
    expect(isStopWord('och')).toBe(true);
    expect(isStopWord('pa')).toBe(true); // på
    expect(stems('The crash på vägen och the autopilot', SV)).toEqual(['crash', 'vag', 'autopilot'].map((w) => stem(w, SV)));
    expect(stems('The crash och the autopilot')).toEqual(['crash', 'autopilot']);
  });

  it('keeps English words that are Swedish function words in an English podcast', () => {
    expect(isStopWord('men', EN)).toBe(false);
    expect(isStopWord('men', SV)).toBe(true);
    expect(stems('Men of an era', EN)).toEqual(['men', 'era']);
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
  // The search's rerank stems only words starting with the first letter of a query stem: sound only in a language
  // whose every stem starts with its word's first letter (keepsInitial).
  it('relies on a word starting with its stem\'s first letter, in every language said to keep it', () => {
    const words = ['flies', 'supplies', 'running', 'falling', 'crashes', 'yelling', 'bilarna', 'hastarna', 'friheten', 'day',
      'quickly', 'teslas', 'x', 'ai', 'gpt4', 'kindern', 'gespielt', 'taloissa', 'kirjoja', 'ueberall', 'yhteiskunnassa',
      'enfants', 'nationalisation', 'hablaremos', 'arbeidet', 'uudistuksia', 'ystavallisyys'];
    const checked: number[] = [];
    for (let language = 0; language < LANGUAGE_COUNT; language++) {
      if (!keepsInitial(language)) continue;
      checked.push(language);
      for (const word of words) expect(stem(word, language)[0], `${word} in ${language} -> ${stem(word, language)}`).toBe(word[0]);
    }
    expect(checked).toEqual(expect.arrayContaining([EN, SV, DE, FI]));
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
