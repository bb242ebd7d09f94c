/**
 * A light suffix stripper for English and Swedish, applied to folded words (lowercase, no diacritics).
 * Passages do not say their language, so one function serves both: English inflection first, then Swedish
 * definite/plural endings. Query and passage words go through the same function, so what matters is that the
 * forms of one word meet (crash, crashes, crashed, crashing -> crash; bil, bilen, bilar, bilarna -> bil),
 * not that the stem is a dictionary word.
 */

// Longest first; each needs a stem of at least MIN_STEM letters left over.
const SWEDISH_SUFFIXES = [
  'heterna',
  'heten',
  'arnas',
  'ernas',
  'ornas',
  'arna',
  'erna',
  'orna',
  'ande',
  'ende',
  'het',
  'ens',
  'ets',
  'na',
  'en',
  'et',
  'er',
  'ar',
  'or',
];
const MIN_STEM = 3;

function hasDigit(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

/** running -> run, but falling -> fall (as Porter: l, s and z stay doubled). */
function undouble(word: string): string {
  const n = word.length;
  if (n < 2) return word;
  const last = word[n - 1];
  if (last === word[n - 2] && last !== 'l' && last !== 's' && last !== 'z' && /[bcdfghjkmnpqrtvwx]/.test(last ?? '')) {
    return word.slice(0, -1);
  }
  return word;
}

function stripEnglish(w: string): string {
  // Plurals and the Swedish/English genitive s.
  if (w.endsWith('ies') && w.length > 4) w = w.slice(0, -3) + 'y';
  else if (/(?:ch|sh|x|z|ss)es$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is') && w.length > MIN_STEM + 1) {
    w = w.slice(0, -1);
  }
  if (w.endsWith('ing') && w.length - 3 >= MIN_STEM) return undouble(w.slice(0, -3));
  if (w.endsWith('ed') && w.length - 2 >= MIN_STEM) return undouble(w.slice(0, -2));
  if (w.endsWith('ly') && w.length - 2 >= MIN_STEM) return w.slice(0, -2);
  return w;
}

function stripSwedish(w: string): string {
  for (const suffix of SWEDISH_SUFFIXES) {
    if (w.endsWith(suffix) && w.length - suffix.length >= MIN_STEM) return w.slice(0, -suffix.length);
  }
  return w;
}

/** The matching key of a folded word. Words of three letters or fewer and words with digits are kept whole. */
export function stem(folded: string): string {
  if (folded.length <= MIN_STEM || hasDigit(folded)) return folded;
  let w = stripEnglish(folded);
  w = stripSwedish(w);
  // drive/driving/driven meet at driv; tesla/teslas at tesl. Single letters need a longer stem left over.
  if ((w.endsWith('e') && w.length - 1 >= MIN_STEM) || (w.endsWith('a') && w.length - 1 >= MIN_STEM + 1)) {
    w = w.slice(0, -1);
  }
  return w;
}
