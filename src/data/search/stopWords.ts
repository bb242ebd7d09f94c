import { languageId, UNKNOWN_LANGUAGE } from './stem.js';
import type { LanguageId } from './stem.js';

/**
 * English and Swedish function words, in folded form (lowercase, diacritics stripped), so "på" is "pa".
 * Swedish words that are also English content words (man, dig, min, sin, vid, bland, hade) are left out:
 * dropping them would make English topics unsearchable.
 */
const ENGLISH = `a about above after again against all am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have having he her here
hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on
once only or other our ours ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were what when where which
while who whom why will with would you your yours yourself yourselves im ive youre dont isnt its lets thats theres
whats`;

const SWEDISH = `och det att i en jag hon som han pa den med var sig for sa till ar men ett om har inte av
ocksa nagot nagon nagra eller efter ut nar mig an vara vad kunde vi du de dem oss era ert ditt din mitt mina
dina sina hans hennes deras vars dess detta denna dessa sjalv nu upp fran hur mycket allt alla andra inom utan
vilka vilken vilket vem ni er sa skulle blev bli blir blivit ha hade haft kan kunna ska skall varit ju ej ingen
inga inget`;

const words = (list: string): string[] => list.split(/\s+/).filter((w) => w !== '');

/** Both lists: what a passage whose language is not English is cleared of (Swedish podcasts say English words too). */
export const STOP_WORDS: ReadonlySet<string> = new Set([...words(ENGLISH), ...words(SWEDISH)]);
/** An English podcast keeps "men", "era", "hur", "ska": content words in English that Swedish drops. */
const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(words(ENGLISH));
const EN = languageId('en');

/** True for a folded word that carries no topic in `language` (the, och, på...). */
export function isStopWord(folded: string, language: LanguageId = UNKNOWN_LANGUAGE): boolean {
  return (language === EN ? ENGLISH_STOP_WORDS : STOP_WORDS).has(folded);
}
