/**
 * Paraphrase evaluation data for the semantic part of /topic (bench/semantic.ts and test/search/semantic/).
 *
 * PARAPHRASES: for nouns of the generated corpus (bench/generateCorpus.ts), what a listener might type instead:
 * a different word or two of the same meaning, never sharing the stem, so only a semantic ranker can connect them.
 * Written by hand.
 */
import { analyze } from '../src/data/search/analyze.js';
import type { Passage } from '../src/data/search/passage.js';
import type { Corpus } from './generateCorpus.js';
import { prng } from '../test/support/prng.js';

export const PARAPHRASES: Readonly<Record<string, string>> = {
  crash: 'collision',
  car: 'automobile',
  battery: 'lithium cells',
  election: 'vote ballot',
  climate: 'global warming',
  economy: 'economic growth',
  inflation: 'rising prices',
  bitcoin: 'cryptocurrency',
  market: 'traders',
  startup: 'entrepreneurs',
  founder: 'entrepreneur',
  interview: 'conversation',
  history: 'historical past',
  science: 'scientific',
  space: 'outer cosmos',
  rocket: 'launch spacecraft',
  mars: 'red planet',
  planet: 'celestial',
  ocean: 'sea',
  forest: 'woods trees',
  weather: 'forecast',
  storm: 'hurricane',
  energy: 'electricity power',
  solar: 'sunlight panels',
  nuclear: 'atomic reactor',
  oil: 'petroleum',
  politics: 'political',
  president: 'white house',
  senate: 'senators',
  parliament: 'lawmakers',
  war: 'conflict fighting',
  army: 'troops soldiers',
  border: 'frontier',
  refugee: 'asylum seekers',
  immigration: 'migrants',
  health: 'wellbeing',
  vaccine: 'immunization',
  virus: 'infection',
  pandemic: 'epidemic',
  hospital: 'clinic',
  doctor: 'physician',
  nurse: 'caregiver',
  medicine: 'drugs',
  brain: 'neuroscience',
  sleep: 'insomnia',
  diet: 'nutrition',
  exercise: 'workout',
  running: 'jogging',
  football: 'quarterback',
  soccer: 'goalkeeper',
  basketball: 'nba',
  music: 'songs',
  album: 'record songs',
  guitar: 'guitarist',
  concert: 'gig',
  movie: 'cinema',
  film: 'cinema',
  director: 'filmmaker',
  actor: 'actress',
  book: 'novel',
  novel: 'fiction',
  author: 'novelist',
  writer: 'novelist',
  poetry: 'poems',
  school: 'classroom',
  teacher: 'educator',
  student: 'pupils',
  university: 'college campus',
  research: 'study',
  professor: 'academic',
  privacy: 'surveillance',
  security: 'cybersecurity',
  hacker: 'cyberattack',
  password: 'login',
  software: 'programs code',
  computer: 'pc',
  phone: 'smartphone',
  internet: 'online web',
  website: 'webpage',
  robot: 'robotic',
  automation: 'automated',
  algorithm: 'computation',
  advertising: 'ads marketing',
  journalism: 'reporters',
  newspaper: 'tabloid',
  radio: 'broadcaster',
  television: 'tv',
  bank: 'lender',
  loan: 'borrowing credit',
  mortgage: 'home loan',
  housing: 'homes real estate',
  rent: 'tenants landlord',
  city: 'urban',
  village: 'rural town',
  farm: 'agriculture',
  food: 'eating meals',
  cooking: 'chef',
  recipe: 'dish ingredients',
  restaurant: 'dining',
  coffee: 'espresso',
  wine: 'vineyard',
  beer: 'brewery',
  travel: 'tourism',
  flight: 'airline',
  airport: 'terminal runway',
  train: 'railway',
  bicycle: 'cycling',
  construction: 'builders',
  architecture: 'architects',
  fashion: 'clothing',
  museum: 'gallery exhibits',
  painting: 'painter',
  photography: 'photographer',
  parenting: 'parents',
  child: 'kids',
  marriage: 'wedding spouse',
  divorce: 'separation',
  dating: 'romance',
  career: 'profession',
  job: 'employment',
  salary: 'wages pay',
  office: 'workplace',
  meditation: 'mindfulness',
  therapy: 'counseling',
  anxiety: 'worry stress',
  depression: 'mental illness',
  happiness: 'joy',
  religion: 'faith',
  law: 'legal',
  court: 'judicial',
  trial: 'jury',
  judge: 'justices',
  lawyer: 'attorney',
  police: 'officers cops',
  crime: 'criminals',
  murder: 'homicide killing',
  fraud: 'scam',
  scandal: 'controversy',
  comedy: 'humor',
  joke: 'humor',
  myth: 'folklore',
  dinosaur: 'fossils',
  evolution: 'darwin',
  genetics: 'genes',
  cancer: 'tumor',
  surgery: 'operation surgeon',
  insurance: 'insurer',
  tax: 'taxation',
  budget: 'spending',
  debt: 'deficit',
  pension: 'retirees',
  retirement: 'retirees',
  investing: 'investors',
  stock: 'shares equities',
  leadership: 'leaders',
  protest: 'demonstrators',
  revolution: 'uprising',
  empire: 'imperial',
  castle: 'fortress',
  medieval: 'middle ages',
  ancient: 'antiquity',
};

export interface ParaphraseCase {
  /** The corpus words the query stands for ("tesla crash"). */
  exact: string;
  /** The same need in other words ("electric automobile collision"). */
  paraphrase: string;
  /** Passages (by index in the corpus) whose words include every exact word: the relevant ones. */
  relevant: Set<number>;
}

/**
 * `count` cases over a generated corpus: a random English chapter with two or more paraphrasable nouns; the exact
 * query is those nouns, the paraphrase their PARAPHRASES; relevant = every chapter containing all of the nouns.
 */
export function paraphraseCases(corpus: Corpus, count: number, seed = 11): ParaphraseCase[] {
  const r = prng(seed);
  const stemsOf = (text: string): Set<string> => new Set(analyze(text).map((t) => t.stem));
  const passageStems = corpus.passages.map((p) => stemsOf(p.text));
  const paraphrasable = new Map<string, string>();
  for (const [word, paraphrase] of Object.entries(PARAPHRASES)) {
    const stem = analyze(word)[0]?.stem;
    if (stem !== undefined) paraphrasable.set(stem, word);
  }
  const cases: ParaphraseCase[] = [];
  const seen = new Set<string>();
  for (let tries = 0; cases.length < count && tries < count * 200; tries++) {
    const index = Math.floor(r() * corpus.passages.length);
    const passage = corpus.passages[index] as Passage;
    const words = analyze(passage.text)
      .map((t) => paraphrasable.get(t.stem))
      .filter((w): w is string => w !== undefined);
    const distinct = [...new Set(words)].slice(0, 3);
    if (distinct.length < 2) continue;
    const exact = distinct.join(' ');
    if (seen.has(exact)) continue;
    seen.add(exact);
    const want = distinct.map((w) => analyze(w)[0]?.stem as string);
    const relevant = new Set<number>();
    passageStems.forEach((stems, i) => {
      if (want.every((s) => stems.has(s))) relevant.add(i);
    });
    cases.push({ exact, paraphrase: distinct.map((w) => PARAPHRASES[w]).join(' '), relevant });
  }
  return cases;
}

/**
 * Hand-written queries over real feeds (test/fixtures/feeds and the seed page in src/data/samples): `exact` uses the
 * episode's own words, `paraphrase` says the same with other words. `episode` is a piece of the target episode's
 * title; a hit anywhere in that episode counts (the episode is what a listener is looking for).
 */
export interface RealCase {
  feed: string;
  episode: string;
  exact: string;
  paraphrase: string;
}

export const REAL_CASES: readonly RealCase[] = [
  { feed: 'sample:the-most-interesting-thing-in-ai', episode: 'Open-Source AI', exact: 'tesla crash', paraphrase: 'self-driving car accident' },
  { feed: 'sample:the-most-interesting-thing-in-ai', episode: 'Open-Source AI', exact: 'ai nuclear weapons', paraphrase: 'limiting artificial intelligence like atomic bombs' },
  { feed: 'sample:the-most-interesting-thing-in-ai', episode: 'Open-Source AI', exact: 'google funds firefox', paraphrase: 'search giant pays for the web browser' },
  { feed: 'sample:the-most-interesting-thing-in-ai', episode: 'Open-Source AI', exact: 'raffi career history', paraphrase: 'his previous jobs at tech companies' },
  { feed: 'wordpress-feedburner_se-radio.xml', episode: 'Consensus in Distributed Systems', exact: 'consensus distributed systems', paraphrase: 'agreement between networked servers' },
  { feed: 'wordpress-feedburner_se-radio.xml', episode: 'Jez Humble on Continuous Delivery', exact: 'continuous delivery', paraphrase: 'automated software deployment pipeline releases' },
  { feed: 'wordpress-feedburner_se-radio.xml', episode: 'Marketing Yourself', exact: 'marketing yourself career', paraphrase: 'promoting your personal brand as a programmer' },
  { feed: 'wordpress-feedburner_se-radio.xml', episode: 'Systems Performance', exact: 'systems performance', paraphrase: 'making servers faster profiling latency' },
  { feed: 'wordpress-feedburner_se-radio.xml', episode: 'Apache Kafka', exact: 'kafka', paraphrase: 'message queue streaming log' },
  { feed: 'wordpress-feedburner_se-radio.xml', episode: 'CAP Theorem', exact: 'cap theorem', paraphrase: 'consistency availability partition tradeoff' },
  { feed: 'libsyn_coding-blocks.xml', episode: 'Comments Are Lies', exact: 'comments are lies', paraphrase: 'code annotations that mislead' },
  { feed: 'libsyn_coding-blocks.xml', episode: 'Writing Meaningful Names', exact: 'meaningful names', paraphrase: 'choosing good identifiers for variables' },
  { feed: 'libsyn_coding-blocks.xml', episode: 'Caching Overview', exact: 'caching hardware', paraphrase: 'storing data in fast memory close to the processor' },
  { feed: 'libsyn_coding-blocks.xml', episode: 'Understanding Complexity Theory', exact: 'complexity theory', paraphrase: 'big o notation algorithm running time' },
  { feed: 'libsyn_coding-blocks.xml', episode: 'Object Oriented Mistakes', exact: 'object oriented mistakes', paraphrase: 'errors when designing classes and inheritance' },
  { feed: 'podbean_javascript-air.xml', episode: 'Babel, the JavaScript Compiler', exact: 'babel javascript compiler', paraphrase: 'transpiler that converts new js syntax' },
  { feed: 'podbean_javascript-air.xml', episode: 'Unit Testing JavaScript', exact: 'unit testing javascript', paraphrase: 'automated tests for browser scripts' },
  { feed: 'art19_1865.xml', episode: 'American Elections', exact: 'american elections', paraphrase: 'presidential voting campaign' },
  { feed: 'acast_sentimental-garbage.xml', episode: 'Weddings with Lauren Bravo', exact: 'weddings', paraphrase: 'marriage ceremony bride' },
  { feed: 'acast_sentimental-garbage.xml', episode: 'Anne Rice', exact: 'anne rice vampires', paraphrase: 'gothic horror novels about bloodsuckers' },
  { feed: 'acast_sentimental-garbage.xml', episode: 'Dirty Dancing', exact: 'dirty dancing', paraphrase: 'patrick swayze dance film' },
  { feed: 'omny_mysterious-universe.xml', episode: 'Saber Tooth Tiger', exact: 'saber tooth tiger', paraphrase: 'prehistoric big cat' },
];
