/**
 * A deterministic corpus of podcast chapter titles for the search benchmark: a seeded PRNG, word lists drawn with
 * Zipf-like frequencies (a few words everywhere, a long tail of rare ones), about 5 in 6 podcasts English and 1 in 6
 * Swedish, and a long tail of generated names so the dictionary grows with the corpus as real ones do.
 * The same (size, seed) always gives the same passages and the same query mix.
 */
import type { Passage } from '../src/data/search/passage.js';
import { prng } from '../test/support/prng.js';

const words = (s: string): string[] => s.trim().split(/\s+/);

const EN_NOUNS = words(`
tesla crash autopilot car battery election climate economy inflation bitcoin market startup founder interview
podcast history science space rocket mars moon planet ocean forest weather storm energy solar nuclear oil gas
politics president senate congress parliament war peace army border refugee immigration health vaccine virus
pandemic hospital doctor nurse medicine brain sleep diet exercise running marathon football soccer basketball
tennis golf olympics music album guitar concert festival movie film director actor series episode season book
novel author writer poetry language school teacher student university research professor lab experiment data
privacy security hacker password software hardware computer phone app internet website cloud server database
algorithm robot automation machine learning model chatbot search engine advertising media journalism newspaper
radio television streaming netflix spotify apple google microsoft amazon facebook twitter youtube tiktok crypto
blockchain bank loan mortgage housing rent city village farm food cooking recipe restaurant coffee wine beer
travel flight airport train bicycle road bridge tunnel construction architecture design fashion art museum
painting photography camera family parenting child marriage divorce friendship love dating relationship career
job salary office remote work productivity habit meditation therapy anxiety depression happiness philosophy
religion ethics law court trial judge lawyer police crime murder mystery detective investigation fraud scandal
comedy joke story legend myth dinosaur evolution genetics dna cancer heart disease surgery pharmacy insurance
tax budget debt pension retirement investing stock dividend fund strategy leadership management team culture
community volunteer charity protest revolution empire kingdom castle medieval renaissance ancient rome greece
egypt china india japan russia ukraine europe africa america brazil canada australia sweden norway finland
`);
const EN_ADJECTIVES = words(`
new old big small best worst future modern ancient hidden secret strange true false real global local digital
electric green dark bright quiet loud fast slow early late final first last great little young wild free open
`);
const EN_VERBS = words(`
changed failed works matters happened started ended won lost broke grew fell rose moved learned built collapsed
`);
const SV_NOUNS = words(`
bilen bilar bilarna hasten hastarna huset husen skolan skolor valet valen ekonomin klimatet politiken regeringen
riksdagen kriget freden staden stader landet skogen havet vadret stormen energin maten kaffet resan tagen flyget
musiken boken bockerna filmen serien avsnittet historien vetenskapen forskningen barnen familjen karleken jobbet
lonen skatten pengarna banken bostaden hyran kommunen polisen brottet mordet rattegangen domaren sjukhuset
vaccinet viruset halsan somnen traningen fotbollen hockeyn musikern artisten podden lyssnarna fragorna svaren
`);
const SV_ADJECTIVES = words(`ny nya gamla stora sma basta svenska hemliga morka snabba langsamma`);
const SV_VERBS = words(`kraschade forandrades vann forlorade borjade slutade vaxte foll`);
/** Swedish diacritics restored for some words, so display text has å ä ö and folding has work to do. */
const SV_DISPLAY: Record<string, string> = {
  hasten: 'hästen',
  hastarna: 'hästarna',
  stader: 'städer',
  vadret: 'vädret',
  tagen: 'tågen',
  bockerna: 'böckerna',
  karleken: 'kärleken',
  lonen: 'lönen',
  rattegangen: 'rättegången',
  halsan: 'hälsan',
  somnen: 'sömnen',
  traningen: 'träningen',
  fragorna: 'frågorna',
  svaren: 'svaren',
  sma: 'små',
  basta: 'bästa',
  morka: 'mörka',
  langsamma: 'långsamma',
  forandrades: 'förändrades',
  forlorade: 'förlorade',
  borjade: 'började',
  vaxte: 'växte',
  foll: 'föll',
};

const SYLLABLES = words(`ka lo mi ra ven tor sa li mar den bel ro fa ne sto vik ul an ber gu han ti no el ja kri sol`);

/** Draws index r with weight 1 / (r + 1)^s. */
function zipf(n: number, s: number): (random: () => number) => number {
  const cumulative = new Float64Array(n);
  let sum = 0;
  for (let r = 0; r < n; r++) {
    sum += 1 / Math.pow(r + 1, s);
    cumulative[r] = sum;
  }
  return (random) => {
    const x = random() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function shuffled<T>(list: readonly T[], random: () => number): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const capitalise = (w: string): string => (w === '' ? w : (w[0] as string).toUpperCase() + w.slice(1));

/** The word lists and samplers one corpus uses; the query mix draws from the same. */
export interface Vocabulary {
  enNouns: string[];
  names: string[];
  svNouns: string[];
  pickEnNoun: (random: () => number) => string;
  pickName: (random: () => number) => string;
  pickSvNoun: (random: () => number) => string;
}

export function vocabulary(chapters: number, seed = 1): Vocabulary {
  const random = prng(seed ^ 0x5eed);
  // The name tail grows with the corpus (about one distinct name per 50 chapters), as real dictionaries do.
  const nameCount = Math.max(200, Math.round(chapters / 50));
  const names = new Set<string>();
  while (names.size < nameCount) {
    const parts = 2 + Math.floor(random() * 2);
    let name = '';
    for (let i = 0; i < parts; i++) name += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    names.add(name);
  }
  const enNouns = shuffled(EN_NOUNS, random);
  const svNouns = shuffled(SV_NOUNS, random);
  const nameList = [...names];
  const enZipf = zipf(enNouns.length, 1.0);
  const svZipf = zipf(svNouns.length, 1.0);
  const nameZipf = zipf(nameList.length, 1.1);
  return {
    enNouns,
    names: nameList,
    svNouns,
    pickEnNoun: (r) => enNouns[enZipf(r)] as string,
    pickName: (r) => nameList[nameZipf(r)] as string,
    pickSvNoun: (r) => svNouns[svZipf(r)] as string,
  };
}

export function englishTitle(v: Vocabulary, r: () => number): string {
  const noun = (): string => {
    const n = v.pickEnNoun(r);
    return r() < 0.15 ? `${n}s` : n;
  };
  const adj = (): string => EN_ADJECTIVES[Math.floor(r() * EN_ADJECTIVES.length)] as string;
  const verb = (): string => EN_VERBS[Math.floor(r() * EN_VERBS.length)] as string;
  const name = (): string => capitalise(v.pickName(r));
  switch (Math.floor(r() * 10)) {
    case 0:
      return `${capitalise(noun())} and ${noun()}`;
    case 1:
      return `Why the ${noun()} ${verb()}`;
    case 2:
      return `The ${adj()} ${noun()}`;
    case 3:
      return `${name()}'s ${noun()} ${noun()}`;
    case 4:
      return `Listener questions: ${noun()} and ${noun()}`;
    case 5:
      return `${capitalise(adj())} ${noun()} in ${capitalise(v.pickEnNoun(r))}`;
    case 6:
      return `How ${name()} ${verb()} the ${noun()}`;
    case 7:
      return `Interview with ${name()} ${name()} about ${noun()}`;
    case 8:
      return `${capitalise(noun())} ${noun()}: what ${adj()} ${noun()} means for ${noun()}`;
    default:
      return `${capitalise(noun())}-${noun()} ${noun()}`;
  }
}

export function swedishTitle(v: Vocabulary, r: () => number): string {
  const show = (w: string): string => SV_DISPLAY[w] ?? w;
  const noun = (): string => show(v.pickSvNoun(r));
  const adj = (): string => show(SV_ADJECTIVES[Math.floor(r() * SV_ADJECTIVES.length)] as string);
  const verb = (): string => show(SV_VERBS[Math.floor(r() * SV_VERBS.length)] as string);
  switch (Math.floor(r() * 5)) {
    case 0:
      return `${capitalise(noun())} och ${noun()}`;
    case 1:
      return `Varför ${noun()} ${verb()}`;
    case 2:
      return `Om ${adj()} ${noun()} i ${capitalise(v.pickName(r))}`;
    case 3:
      return `${capitalise(noun())} som ${verb()}`;
    default:
      return `Lyssnarfrågor: ${noun()}, ${noun()} och ${noun()}`;
  }
}

/**
 * A sequential copy of a string. Template literals build V8 cons-strings (trees of pieces); the first regex over
 * one flattens it, which would shift memory between the benchmark's baseline and its measurement. Text parsed from
 * a feed is flat already.
 */
function flat(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

export interface Corpus {
  passages: Passage[];
  vocabulary: Vocabulary;
}

/** `chapters` chapter-title passages: ~10 chapters an episode, 100 episodes a podcast, one episode a week. */
export function generateCorpus(chapters: number, seed = 1): Corpus {
  const v = vocabulary(chapters, seed);
  const r = prng(seed);
  const passages: Passage[] = [];
  const base = Date.parse('2015-01-05T06:00:00Z');
  let podcast = -1;
  let episodeInPodcast = 0;
  let swedish = false;
  while (passages.length < chapters) {
    if (podcast < 0 || episodeInPodcast >= 100) {
      podcast++;
      episodeInPodcast = 0;
      // Every sixth podcast is Swedish, so even the smallest corpus has some.
      swedish = podcast % 6 === 1;
    }
    const podcastId = `https://feeds.example.com/show-${podcast}.xml`;
    const episodeId = `show-${podcast}-ep-${episodeInPodcast}`;
    const publishedAt = new Date(base + (episodeInPodcast * 7 + (podcast % 7)) * 86_400_000).toISOString();
    const count = Math.min(5 + Math.floor(r() * 11), chapters - passages.length);
    let start = 0;
    for (let c = 0; c < count; c++) {
      passages.push({
        podcastId,
        episodeId,
        startSeconds: start,
        field: 'chapterTitle',
        text: flat(swedish ? swedishTitle(v, r) : englishTitle(v, r)),
        publishedAt,
        // As their feeds would declare it: passages are stemmed by their podcast's language.
        language: swedish ? 'sv' : 'en',
      });
      start += 60 + Math.floor(r() * 600);
    }
    episodeInPodcast++;
  }
  return { passages, vocabulary: v };
}

export type QueryKind = 'exact' | 'prefix' | 'typo' | 'multi-word' | 'swedish';
export interface BenchQuery {
  kind: QueryKind;
  text: string;
}

/** One edit a person might make: drop, double, swap or replace a letter (never the first). */
function typo(word: string, r: () => number): string {
  const at = 1 + Math.floor(r() * (word.length - 2));
  switch (Math.floor(r() * 4)) {
    case 0:
      return word.slice(0, at) + word.slice(at + 1);
    case 1:
      return word.slice(0, at) + (word[at] as string) + word.slice(at);
    case 2:
      return word.slice(0, at) + (word[at + 1] as string) + (word[at] as string) + word.slice(at + 2);
    default:
      return word.slice(0, at) + 'qxzkv'[Math.floor(r() * 5)] + word.slice(at + 1);
  }
}

/** A fixed query mix over a corpus: `perKind` queries of each kind, interleaved. */
export function generateQueries(corpus: Corpus, perKind = 100, seed = 7): BenchQuery[] {
  const r = prng(seed);
  const v = corpus.vocabulary;
  const longWord = (): string => {
    for (;;) {
      const w = r() < 0.3 ? v.pickName(r) : v.pickEnNoun(r);
      if (w.length >= 5) return w;
    }
  };
  const byKind: Record<QueryKind, () => string> = {
    exact: () => (r() < 0.3 ? v.pickName(r) : v.pickEnNoun(r)),
    prefix: () => {
      const w = longWord();
      return w.slice(0, 2 + Math.floor(r() * (w.length - 2)));
    },
    typo: () => typo(longWord(), r),
    'multi-word': () => {
      // Words that occur together in some title, as a listener remembering a chapter would type them.
      const title = (corpus.passages[Math.floor(r() * corpus.passages.length)] as Passage).text;
      const ws = title.split(/[^\p{L}\p{N}']+/u).filter((w) => w.length > 3);
      const from = Math.floor(r() * Math.max(1, ws.length - 1));
      return ws.slice(from, from + 2 + Math.floor(r() * 2)).join(' ').toLowerCase();
    },
    swedish: () => {
      const w = SV_DISPLAY[v.pickSvNoun(r)] ?? v.pickSvNoun(r);
      return r() < 0.5 ? w : `${w} ${SV_DISPLAY[v.pickSvNoun(r)] ?? v.pickSvNoun(r)}`;
    },
  };
  const kinds = Object.keys(byKind) as QueryKind[];
  const out: BenchQuery[] = [];
  for (let i = 0; i < perKind; i++) for (const kind of kinds) out.push({ kind, text: byKind[kind]() });
  return out;
}
