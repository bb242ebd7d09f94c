import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../src/data/feed/parseFeed.js';
import { Library } from '../../src/data/library.js';
import type { Episode, Podcast } from '../../src/data/model.js';
import type { Passage } from '../../src/data/search/passage.js';
import { SearchIndex } from '../../src/data/search/SearchIndex.js';
import type { SearchHit } from '../../src/data/search/TopicSearch.js';
import { tokenize } from '../../src/data/search/tokenize.js';

/**
 * Issue 15 item 7: each passage is stemmed by its podcast's declared <language>, and a query by the languages of the
 * podcasts it searches. Through Library.upsert, as the bot indexes a parsed feed.
 */

const root = new URL('../../', import.meta.url);
const read = (path: string): Buffer => readFileSync(new URL(path, root));

function episode(id: string, title: string, description = ''): Episode {
  return { id, title, description, transcripts: [], chapters: [] };
}

function podcast(id: string, language?: string): Podcast {
  return language === undefined ? { id, title: id, categories: [] } : { id, title: id, language, categories: [] };
}

const texts = (hits: readonly SearchHit[]): string[] => hits.map((h) => h.passage.text);
const words = (text: string): Set<string> => new Set(tokenize(text).map((t) => t.folded));

/** An English show, as a feed declaring <language>en-us</language> gives it. */
const ENGLISH: readonly Episode[] = [
  episode('e1', 'The hunt for the lost city'),
  episode('e2', 'Hunters in the snow'),
  episode('e3', 'A list of tools we use'),
  episode('e4', 'Listening to old radio'),
  episode('e5', 'Visiting Wat Arun in Bangkok'),
  episode('e6', 'Waters of the Baltic'),
];

describe('English is stemmed as English (issue 15: hunter, listen, water)', () => {
  const library = new Library();
  library.upsert(podcast('english', 'en-us'), ENGLISH);
  const search = (query: string): string[] => texts(library.topics.search(query, { limit: 10 }));

  it('"hunter" finds hunters, not a hunt', () => {
    expect(search('hunter')).toEqual(['Hunters in the snow']);
  });

  it('"listen" finds listening, not a list', () => {
    expect(search('listen')).toEqual(['Listening to old radio']);
  });

  it('"water" finds waters, not Wat Arun', () => {
    expect(search('water')).toEqual(['Waters of the Baltic']);
  });

  it('a podcast without a declared language is stemmed as English', () => {
    const undeclared = new Library();
    undeclared.upsert(podcast('plain'), ENGLISH);
    expect(texts(undeclared.topics.search('hunter', { limit: 10 }))).toEqual(['Hunters in the snow']);
    expect(texts(undeclared.topics.search('hunt', { limit: 10, prefix: false, fuzzy: false }))).toEqual(['The hunt for the lost city']);
  });
});

describe('a query over podcasts of several languages', () => {
  const library = new Library();
  library.upsert(podcast('english', 'en'), ENGLISH);
  library.upsert(podcast('svensk', 'sv-SE'), [episode('s1', 'Jakten på the hunter'), episode('s2', 'Bilarna och hunten')]);

  it('is stemmed in each language, and meets each podcast only through its own language', () => {
    // Swedish "hunter" and "hunten" are one word; the English hunt is not the Swedish stem of "hunter".
    expect(texts(library.topics.search('hunter', { limit: 10, prefix: false, fuzzy: false })).sort()).toEqual(
      ['Bilarna och hunten', 'Hunters in the snow', 'Jakten på the hunter'].sort(),
    );
  });

  it('is stemmed only in the languages of the podcasts it searches', () => {
    const englishOnly = library.topics.search('hunter', { limit: 10, prefix: false, fuzzy: false, podcastIds: ['english'] });
    expect(texts(englishOnly)).toEqual(['Hunters in the snow']);
    const swedishOnly = library.topics.search('bil', { limit: 10, prefix: false, fuzzy: false, podcastIds: ['svensk'] });
    expect(texts(swedishOnly)).toEqual(['Bilarna och hunten']);
  });

  it('counts a written word once across languages, so the smaller language does not win by being rarer', () => {
    const index = new SearchIndex();
    const p = (podcastId: string, episodeId: string, text: string, language: string): Passage => ({ podcastId, episodeId, startSeconds: 0, field: 'chapterTitle', text, language });
    index.add([
      p('en', 'e1', 'Interview with Marbelven Marbelven about ethics', 'en'),
      p('en', 'e2', 'How Marbelven changed the album', 'en'),
      p('en', 'e3', 'How Marbelven built the tunnel', 'en'),
      p('en', 'e4', 'Weekly news roundup', 'en'),
      p('sv', 's1', 'Om gamla hästen i Marbelven', 'sv'),
    ]);
    // "marbelven" is marbelven in English and marbelv in Swedish: one word, one idf over the four passages.
    expect(texts(index.search('marbelven', { limit: 1 }))).toEqual(['Interview with Marbelven Marbelven about ethics']);
    expect(texts(index.search('marbe', { limit: 1 }))).toEqual(['Interview with Marbelven Marbelven about ethics']);
  });

  it('hands back the passage with its podcast\'s declared language', () => {
    expect(library.topics.search('bilarna', { limit: 1 })[0]?.passage.language).toBe('sv-SE');
  });
});

/**
 * Real feeds: Germany's absradio (test/fixtures/feeds/podlove_absradio.xml, <language>de-DE</language>) and YLE's
 * Finnish "Ajantasa" (bench/fixtures/yle-ajantasa_1342-items.xml, <language>fi</language>; source in
 * bench/fixtures/SOURCES.md). A query for one form finds passages that hold only other forms of the word.
 */
describe('German and Finnish podcasts match their inflections', () => {
  const library = new Library();
  for (const [id, file] of [
    ['absradio', 'test/fixtures/feeds/podlove_absradio.xml'],
    ['ajantasa', 'bench/fixtures/yle-ajantasa_1342-items.xml'],
  ] as const) {
    const feed = parseFeed(read(file));
    if (!feed.ok) throw new Error(`${file}: ${feed.error}`);
    library.upsert({ ...feed.value.podcast, id }, feed.value.episodes);
  }

  /** The hits (word-for-word search: no prefix, no typos) that do not hold the typed form but another of `forms`. */
  const byOtherForms = (podcastId: string, query: string, forms: readonly string[]): string[] =>
    texts(library.topics.search(query, { limit: 50, prefix: false, fuzzy: false, podcastIds: [podcastId] })).filter((text) => {
      const w = words(text);
      return !w.has(query.toLowerCase()) && forms.some((f) => w.has(f));
    });

  it('German: Politik finds politische and Politiker; Entwicklern finds Entwickler', () => {
    expect(library.catalog.podcast('absradio')?.language).toBe('de-DE');
    expect(byOtherForms('absradio', 'Politik', ['politische', 'politiker']).length).toBeGreaterThan(0);
    expect(byOtherForms('absradio', 'Entwicklern', ['entwickler', 'entwicklung']).length).toBeGreaterThan(0);
  });

  it('Finnish: koulussa finds koulun, koulujen and kouluihin; Suomessa finds Suomen', () => {
    expect(byOtherForms('ajantasa', 'koulussa', ['koulu', 'koulun', 'koulujen', 'kouluun', 'koulut']).length).toBeGreaterThan(0);
    expect(byOtherForms('ajantasa', 'Suomessa', ['suomen', 'suomesta', 'suomeen']).length).toBeGreaterThan(0);
  });
});

describe('a saved index', () => {
  const passages: Passage[] = [
    { podcastId: 'svensk', episodeId: 's1', startSeconds: 0, field: 'episodeTitle', text: 'Bilarna och hunten', language: 'sv' },
    { podcastId: 'english', episodeId: 'e1', startSeconds: 0, field: 'episodeTitle', text: 'The hunt for the lost city', language: 'en' },
  ];

  it('keeps each passage\'s language', () => {
    const loaded = SearchIndex.load(SearchIndex.build(passages).serialize());
    expect(texts(loaded.search('bil', { prefix: false, fuzzy: false }))).toEqual(['Bilarna och hunten']);
    expect(texts(loaded.search('hunter', { prefix: false, fuzzy: false }))).toEqual(['Bilarna och hunten']);
    loaded.add([{ podcastId: 'english', episodeId: 'e2', startSeconds: 0, field: 'episodeTitle', text: 'Hunters in the snow', language: 'en' }]);
    expect(texts(loaded.search('hunter', { prefix: false, fuzzy: false, podcastIds: ['english'] }))).toEqual(['Hunters in the snow']);
  });

  it('is refused when it was stemmed by other rules, so it is rebuilt rather than read', () => {
    const bytes = SearchIndex.build(passages).serialize();
    const text = new TextDecoder('latin1').decode(bytes);
    const at = text.indexOf('"analyzer":"') + '"analyzer":"'.length;
    expect(at).toBeGreaterThan(20);
    bytes[at] = 'x'.charCodeAt(0);
    expect(() => SearchIndex.load(bytes)).toThrow(/stemmed by/);
  });
});
