/**
 * Stemming by the podcast's declared language: Snowball's algorithm for that language (Porter2 for English), applied
 * to folded words (lowercase, no diacritics). Query and passage words of one language go through the same function,
 * so the forms of a word meet (crash, crashes, crashed -> crash; bil, bilen, bilar, bilarna -> bil), and words of
 * another language are left alone ("hunter" is not an English "hunt", "water" keeps its "er").
 *
 * A language is a small number (LanguageId) so the index can keep one byte per passage; the table below is the
 * order, so it is part of ANALYZER_VERSION: an index saved with other stemming must be rebuilt, not read.
 */
import { stem as porter2 } from 'porter2';
import snowball from 'snowball-stemmers';

/** A language the index stems by: an index into LANGUAGES. 0 is "not declared or not one Snowball knows". */
export type LanguageId = number;
export const UNKNOWN_LANGUAGE: LanguageId = 0;

interface LanguageEntry {
  /** ISO 639-1 (or -2) primary subtags this language is declared with. */
  codes: readonly string[];
  /** Snowball's name for the algorithm; '' for none. */
  algorithm: string;
  /** Whether a stem always starts with the word's first letter (so the rerank may skip words by their initial). */
  keepsInitial: boolean;
}

// Order is persisted (see ANALYZER_VERSION). At most 32 entries: the index keeps a bit per language per podcast.
const LANGUAGES: readonly LanguageEntry[] = [
  { codes: [], algorithm: 'english', keepsInitial: true }, // not declared: see DEFAULT below
  { codes: ['en'], algorithm: 'english', keepsInitial: true },
  { codes: ['sv'], algorithm: 'swedish', keepsInitial: true },
  { codes: ['de'], algorithm: 'german', keepsInitial: true },
  { codes: ['fi'], algorithm: 'finnish', keepsInitial: true },
  { codes: ['no', 'nb', 'nn'], algorithm: 'norwegian', keepsInitial: true },
  { codes: ['da'], algorithm: 'danish', keepsInitial: true },
  { codes: ['nl'], algorithm: 'dutch', keepsInitial: false },
  { codes: ['fr'], algorithm: 'french', keepsInitial: true },
  { codes: ['es'], algorithm: 'spanish', keepsInitial: true },
  { codes: ['it'], algorithm: 'italian', keepsInitial: true },
  { codes: ['pt'], algorithm: 'portuguese', keepsInitial: true },
  { codes: ['ca'], algorithm: 'catalan', keepsInitial: true },
  { codes: ['ro'], algorithm: 'romanian', keepsInitial: true },
  { codes: ['ru'], algorithm: 'russian', keepsInitial: true },
  { codes: ['hu'], algorithm: 'hungarian', keepsInitial: true },
  { codes: ['tr'], algorithm: 'turkish', keepsInitial: true },
  { codes: ['cs'], algorithm: 'czech', keepsInitial: true },
  { codes: ['sl'], algorithm: 'slovene', keepsInitial: true },
  { codes: ['eu'], algorithm: 'basque', keepsInitial: true },
  { codes: ['hy'], algorithm: 'armenian', keepsInitial: true },
  { codes: ['ta'], algorithm: 'tamil', keepsInitial: false },
  // These two strip prefixes too (al-, Irish initial mutations), so a stem may start with another letter.
  { codes: ['ar'], algorithm: 'arabic', keepsInitial: false },
  { codes: ['ga'], algorithm: 'irish', keepsInitial: false },
  // Declared, but Snowball has no algorithm for it: words are kept whole.
  { codes: [], algorithm: '', keepsInitial: true },
];
export const LANGUAGE_COUNT = LANGUAGES.length;
/** A declared language Snowball has no stemmer for (ja, pl, ...): words are matched whole. */
const UNSTEMMED: LanguageId = LANGUAGES.length - 1;

/** Changes whenever a word could get another stem: the language table, the algorithms, the rules below. */
export const ANALYZER_VERSION = 'snowball-2 porter2@1.1.0 snowball-stemmers@0.6.0';

const BY_CODE = new Map<string, LanguageId>();
LANGUAGES.forEach((entry, id) => {
  for (const code of entry.codes) BY_CODE.set(code, id);
});

/**
 * The language id of a declared `<language>` ("en-us", "sv", "de-DE", "fi"): its primary subtag. Absent or empty is
 * UNKNOWN_LANGUAGE, stemmed as English (most feeds that do not say are; measured on the relevance set, see README
 * "Topic search"); one Snowball does not know is matched unstemmed.
 */
export function languageId(declared: string | undefined): LanguageId {
  const primary = declared?.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  if (primary === '') return UNKNOWN_LANGUAGE;
  return BY_CODE.get(primary) ?? UNSTEMMED;
}

/** Whether every stem of this language starts with its word's first letter. */
export function keepsInitial(language: LanguageId): boolean {
  return LANGUAGES[language]?.keepsInitial ?? false;
}

// One stemmer per language, made at import (snowball-stemmers builds its tables then anyway). English is porter2:
// the same algorithm as Snowball's English, ten times faster, and most passages are English.
const STEMMERS: readonly ((word: string) => string)[] = LANGUAGES.map(({ algorithm }) => {
  if (algorithm === 'english') return porter2;
  if (algorithm === '') return (word: string) => word;
  const s = snowball.newStemmer(algorithm);
  return (word: string) => s.stem(word);
});

function hasDigit(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

/**
 * Each language's stems are its own: a Swedish stem carries "\u0001sv" after it, so the Swedish "hunter" (hunt) is
 * not the English "hunt", and an English query meets a Swedish podcast only through the Swedish stem of its words.
 * English, undeclared (stemmed as English) and unstemmed words share the plain form. The tag goes last so a stem
 * still starts with its word's first letter and sorts beside its untagged twin.
 */
const TAGS: readonly string[] = LANGUAGES.map(({ codes, algorithm }, id) =>
  id === UNKNOWN_LANGUAGE || algorithm === '' || algorithm === 'english' ? '' : `\u0001${codes[0] ?? String(id)}`,
);

/** The matching key of a folded word in `language`. Words with digits (mp3, 2024s) and of two letters are kept whole. */
export function stem(folded: string, language: LanguageId = UNKNOWN_LANGUAGE): string {
  const tag = TAGS[language] ?? '';
  if (folded.length <= 2 || hasDigit(folded)) return folded + tag;
  const s = (STEMMERS[language] ?? (STEMMERS[UNKNOWN_LANGUAGE] as (word: string) => string))(folded);
  // A stemmer may leave nothing of a word made only of what it strips; the word is then its own key.
  return (s === '' ? folded : s) + tag;
}
