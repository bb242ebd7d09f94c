/**
 * Stemming by the podcast's declared language: Snowball's algorithm for that language (Porter2 for English), applied
 * to folded words (lowercase, no diacritics). Query and passage words of one language go through the same function,
 * so the forms of a word meet (crash, crashes, crashed -> crash; bil, bilen, bilar, bilarna -> bil), and words of
 * another language are left alone ("hunter" is not an English "hunt", "water" keeps its "er").
 *
 * A language is a small number (LanguageId) so the index can keep one byte per passage; the table below is the
 * order, so it is part of ANALYZER_VERSION: an index saved with other stemming must be rebuilt, not read.
 */
import { stemmer as arabic } from '@orama/stemmers/arabic';
import { stemmer as armenian } from '@orama/stemmers/armenian';
import { stemmer as danish } from '@orama/stemmers/danish';
import { stemmer as dutch } from '@orama/stemmers/dutch';
import { stemmer as finnish } from '@orama/stemmers/finnish';
import { stemmer as french } from '@orama/stemmers/french';
import { stemmer as german } from '@orama/stemmers/german';
import { stemmer as greek } from '@orama/stemmers/greek';
import { stemmer as hindi } from '@orama/stemmers/indian';
import { stemmer as hungarian } from '@orama/stemmers/hungarian';
import { stemmer as indonesian } from '@orama/stemmers/indonesian';
import { stemmer as irish } from '@orama/stemmers/irish';
import { stemmer as italian } from '@orama/stemmers/italian';
import { stemmer as lithuanian } from '@orama/stemmers/lithuanian';
import { stemmer as nepali } from '@orama/stemmers/nepali';
import { stemmer as norwegian } from '@orama/stemmers/norwegian';
import { stemmer as portuguese } from '@orama/stemmers/portuguese';
import { stemmer as romanian } from '@orama/stemmers/romanian';
import { stemmer as russian } from '@orama/stemmers/russian';
import { stemmer as serbian } from '@orama/stemmers/serbian';
import { stemmer as spanish } from '@orama/stemmers/spanish';
import { stemmer as swedish } from '@orama/stemmers/swedish';
import { stemmer as tamil } from '@orama/stemmers/tamil';
import { stemmer as turkish } from '@orama/stemmers/turkish';
import { stem as porter2 } from 'porter2';
import snowball from 'snowball-stemmers';

/** A language the index stems by: an index into LANGUAGES. 0 is "not declared". */
export type LanguageId = number;
export const UNKNOWN_LANGUAGE: LanguageId = 0;

type Stemmer = (word: string) => string;

interface LanguageEntry {
  /** ISO 639-1 primary subtags this language is declared with. */
  codes: readonly string[];
  /** Snowball's algorithm for it; undefined: words are kept whole. */
  stemmer: Stemmer | undefined;
  /** Whether a stem always starts with the word's first letter (so the rerank may skip words by their initial). */
  keepsInitial: boolean;
}

/** Snowball's own JavaScript, one algorithm per call (snowball-stemmers, for the languages @orama/stemmers lacks). */
function snowballStemmer(algorithm: string): Stemmer {
  const s = snowball.newStemmer(algorithm);
  return (word) => s.stem(word);
}

/**
 * Every stemmer here is Snowball's algorithm: English is porter2 (Snowball's English, "Porter2"), most others the
 * Snowball-generated code in @orama/stemmers (the same stems as snowball-stemmers on every word of the Finnish,
 * German and Swedish fixture feeds, 6 to 12 times faster), and four more from snowball-stemmers. Order is persisted
 * (see ANALYZER_VERSION); at most 31 entries, the index keeps a bit per language per podcast.
 * keepsInitial is false where the algorithm strips prefixes (Arabic al-, Irish mutations, Indonesian me-/di-, Dutch
 * ge-) or where it was not checked (scripts whose words the tokenizer's folding already changes).
 */
const LANGUAGES: readonly LanguageEntry[] = [
  { codes: [], stemmer: porter2, keepsInitial: true }, // not declared: stemmed as English (see languageId)
  { codes: ['en'], stemmer: porter2, keepsInitial: true },
  { codes: ['sv'], stemmer: swedish, keepsInitial: true },
  { codes: ['de'], stemmer: german, keepsInitial: true },
  { codes: ['fi'], stemmer: finnish, keepsInitial: true },
  { codes: ['no', 'nb', 'nn'], stemmer: norwegian, keepsInitial: true },
  { codes: ['da'], stemmer: danish, keepsInitial: true },
  { codes: ['nl'], stemmer: dutch, keepsInitial: false },
  { codes: ['fr'], stemmer: french, keepsInitial: true },
  { codes: ['es'], stemmer: spanish, keepsInitial: true },
  { codes: ['it'], stemmer: italian, keepsInitial: true },
  { codes: ['pt'], stemmer: portuguese, keepsInitial: true },
  { codes: ['ca'], stemmer: snowballStemmer('catalan'), keepsInitial: true },
  { codes: ['ro'], stemmer: romanian, keepsInitial: true },
  { codes: ['ru'], stemmer: russian, keepsInitial: true },
  { codes: ['hu'], stemmer: hungarian, keepsInitial: true },
  { codes: ['tr'], stemmer: turkish, keepsInitial: true },
  { codes: ['cs'], stemmer: snowballStemmer('czech'), keepsInitial: true },
  { codes: ['sl'], stemmer: snowballStemmer('slovene'), keepsInitial: true },
  { codes: ['eu'], stemmer: snowballStemmer('basque'), keepsInitial: true },
  { codes: ['lt'], stemmer: lithuanian, keepsInitial: true },
  { codes: ['ar'], stemmer: arabic, keepsInitial: false },
  { codes: ['ga'], stemmer: irish, keepsInitial: false },
  { codes: ['id'], stemmer: indonesian, keepsInitial: false },
  { codes: ['el'], stemmer: greek, keepsInitial: false },
  { codes: ['hy'], stemmer: armenian, keepsInitial: false },
  { codes: ['sr'], stemmer: serbian, keepsInitial: false },
  { codes: ['hi'], stemmer: hindi, keepsInitial: false },
  { codes: ['ne'], stemmer: nepali, keepsInitial: false },
  { codes: ['ta'], stemmer: tamil, keepsInitial: false },
  // Declared, but Snowball has no algorithm for it (ja, pl, ...): words are kept whole.
  { codes: [], stemmer: undefined, keepsInitial: true },
];
export const LANGUAGE_COUNT = LANGUAGES.length;
/** A declared language Snowball has no stemmer for: words are matched whole. */
const UNSTEMMED: LanguageId = LANGUAGES.length - 1;

/** Changes whenever a word could get another stem: the language table, the algorithms, the rules below. */
export const ANALYZER_VERSION = 'snowball-3 porter2@1.1.0 @orama/stemmers@3.1.18 snowball-stemmers@0.6.0';

const BY_CODE = new Map<string, LanguageId>();
LANGUAGES.forEach((entry, id) => {
  for (const code of entry.codes) BY_CODE.set(code, id);
});

/**
 * The language id of a declared `<language>` ("en-us", "sv", "de-DE", "fi"): its primary subtag. Absent or empty is
 * UNKNOWN_LANGUAGE, stemmed as English: most feeds that say nothing are English, and unstemmed their "crashes" would
 * not meet "crash" (the relevance set, whose one undeclared podcast is English, scores the same either way). One
 * Snowball does not know is matched unstemmed.
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
const TAGS: readonly string[] = LANGUAGES.map(({ codes, stemmer }, id) =>
  id === UNKNOWN_LANGUAGE || stemmer === undefined || stemmer === porter2 ? '' : `\u0001${codes[0] ?? String(id)}`,
);

/** The matching key of a folded word in `language`. Words with digits (mp3, 2024s) and of two letters are kept whole. */
export function stem(folded: string, language: LanguageId = UNKNOWN_LANGUAGE): string {
  const tag = TAGS[language] ?? '';
  if (folded.length <= 2 || hasDigit(folded)) return folded + tag;
  const entry = LANGUAGES[language] ?? (LANGUAGES[UNKNOWN_LANGUAGE] as LanguageEntry);
  const s = entry.stemmer === undefined ? folded : entry.stemmer(folded);
  // A stemmer may leave nothing of a word made only of what it strips; the word is then its own key.
  return (s === '' ? folded : s) + tag;
}

/** A stem without its language tag: the same text in two languages is the same word to count (see SearchIndex.planWords). */
export function stemWord(s: string): string {
  const at = s.indexOf('\u0001');
  return at < 0 ? s : s.slice(0, at);
}
