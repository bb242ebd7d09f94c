/**
 * A relevance set for /topic: queries written by hand over real fixture feeds (and three small hand-written
 * transcripts for real episodes), each with the moment a listener should land on. Another ranker can be measured
 * against it the same way:
 *
 *   const library = buildRelevanceLibrary();
 *   const result = evaluate(myTopicSearch ?? library.topics);   // recall@5 and MRR, overall and per kind
 *
 * Moments are judged within TOLERANCE_SECONDS; `also` lists other moments that answer the query just as well (the
 * same notes published twice, a transcript cue inside the chapter the query names).
 */
import { readFileSync } from 'node:fs';
import { topicMoments } from '../../../src/commands/topic.js';
import { parseFeed } from '../../../src/data/feed/parseFeed.js';
import { Library, type LibraryOptions } from '../../../src/data/library.js';
import type { Episode, Podcast } from '../../../src/data/model.js';
import { parseEpisodePage } from '../../../src/data/page/parseEpisodePage.js';
import type { TranscriptSegment } from '../../../src/data/search/passage.js';
import type { SearchHit, TopicSearch } from '../../../src/data/search/TopicSearch.js';
import { parseTranscript } from '../../../src/data/transcripts/parseTranscript.js';

/** `person`: a guest's or host's name (podcast:person), `soundbite`: a soundbite's words (podcast:soundbite). */
export type QueryKind = 'exact' | 'typo' | 'prefix' | 'paraphrase' | 'swedish' | 'person' | 'soundbite';
export const QUERY_KINDS: readonly QueryKind[] = ['exact', 'typo', 'prefix', 'paraphrase', 'swedish', 'person', 'soundbite'];

export interface Moment {
  podcastId: string;
  episodeId: string;
  seconds: number;
}

export interface RelevanceQuery {
  query: string;
  kind: QueryKind;
  expected: Moment;
  also?: readonly Moment[];
  /** What the query is about, where the words differ. */
  note?: string;
}

/** A hit this close to an expected second counts (links are whole seconds; a window may start a cue early). */
export const TOLERANCE_SECONDS = 5;
/** The clock the searches run at (recency is a small tie-breaker; a fixed clock keeps the measurement fixed). */
export const RELEVANCE_NOW = Date.UTC(2026, 5, 1);

// ---- the corpus -------------------------------------------------------------------------------------------------

const root = new URL('../../../', import.meta.url);
const read = (path: string): Buffer => readFileSync(new URL(path, root));

const AI = 'sample:the-most-interesting-thing-in-ai';
const DD = 'sample:design-details';
const ABS = 'fixture:absradio';
const SR = 'fixture:sr-studio-ett';
const HGH = 'fixture:homegrown-hits';
const P20 = 'fixture:podcast-namespace-example';
const MN = 'fixture:themnshow';

const FEEDS: readonly { id: string; file: string }[] = [
  { id: DD, file: 'src/data/samples/design-details.xml' },
  { id: ABS, file: 'test/fixtures/feeds/podlove_absradio.xml' },
  { id: SR, file: 'test/fixtures/feeds/sr-studio-ett_150-items.xml' },
  { id: HGH, file: 'test/fixtures/feeds/homegrown-hits.xml' },
  { id: P20, file: 'test/fixtures/feeds/podcast-namespace_example.xml' },
  { id: MN, file: 'test/fixtures/feeds/themnshow.xml' },
];

const AI_EPISODE = 'page:the-case-for-open-source-ai-with-nicholas-thompson-and-raffi-krikorian-2026-05-06';
const DD80 = '00434eef-4dd7-46d9-9145-dcddf6c9b18e';
const SR_HEARTBLEED = 'http://sverigesradio.se/p1_studioett_20140411_1600_3e4fa54.mp3';

/** OURS: hand-written transcripts placed in real episodes (test/fixtures/transcripts). */
export const TRANSCRIPTS: readonly { podcastId: string; episodeId: string; file: string; type: string }[] = [
  { podcastId: AI, episodeId: AI_EPISODE, file: 'test/fixtures/transcripts/ours_ai-open-source.vtt', type: 'text/vtt' },
  { podcastId: DD, episodeId: DD80, file: 'test/fixtures/transcripts/ours_design-details-80.srt', type: 'application/srt' },
  { podcastId: SR, episodeId: SR_HEARTBLEED, file: 'test/fixtures/transcripts/ours_sr-studio-ett-20140411.json', type: 'application/json' },
];

/**
 * The index as the bot builds it: feeds and the sample page parsed, transcripts parsed, everything through
 * Library.upsert. `options.semantic` adds a semantic ranker, merged into `library.topics` as the bot would.
 */
export function buildRelevanceLibrary(options: LibraryOptions = {}): Library {
  const transcripts = new Map<string, Map<string, TranscriptSegment[]>>();
  for (const t of TRANSCRIPTS) {
    const parsed = parseTranscript(read(t.file).toString('utf8'), t.type);
    if (!parsed.ok) throw new Error(`${t.file}: ${parsed.error}`);
    const byEpisode = transcripts.get(t.podcastId) ?? new Map<string, TranscriptSegment[]>();
    byEpisode.set(t.episodeId, parsed.value);
    transcripts.set(t.podcastId, byEpisode);
  }
  const library = new Library(options);
  const page = parseEpisodePage(read('src/data/samples/the-most-interesting-thing-in-ai.txt').toString('utf8'));
  if (!page.ok) throw new Error(page.error);
  const episode: Episode = page.value.episode;
  library.upsert({ id: AI, title: page.value.podcastTitle ?? episode.title, categories: [] }, [episode], transcripts.get(AI));
  for (const { id, file } of FEEDS) {
    const feed = parseFeed(read(file));
    if (!feed.ok) throw new Error(`${file}: ${feed.error}`);
    const podcast: Podcast = { ...feed.value.podcast, id };
    library.upsert(podcast, feed.value.episodes, transcripts.get(id));
  }
  return library;
}

// ---- the queries ------------------------------------------------------------------------------------------------

const at = (podcastId: string, episodeId: string, time: string | number): Moment => ({
  podcastId,
  episodeId,
  seconds: typeof time === 'number' ? time : time.split(':').reduce((s, part) => s * 60 + Number(part), 0),
});
const ai = (time: string | number) => at(AI, AI_EPISODE, time);
const dd = (episodeId: string, time: string | number) => at(DD, episodeId, time);
const abs = (episodeId: string, time: string | number) => at(ABS, `podlove-${episodeId}`, time);
const sr = (file: string) => at(SR, `http://sverigesradio.se/p1_studioett_${file}.mp3`, 0);

const DD_FREEDOM_JUICE = '99efa572-d502-42cc-8c73-d982e039836d';
const DD_NEOPETS = '3260fa89-7aa8-4f23-b6d9-5041c7163be5';
const DD_BETA = '8da1ad76-de0d-4df4-9806-5e934a3743d1';
const ABS_SNOWDEN = '2013-11-18t13:57:05+00:00-055aac941036aa3';
const ABS_WAHL = '2013-09-28t11:15:55+00:00-655f75a660f3e6f';
const ABS_UBUNTU = '2013-08-26t08:12:56+00:00-c86f5136df4289e';
const ABS_HACKATHON = '2014-01-29t09:49:55+00:00-34cd79c61b8a40f';
const ABS_VEGAN = '2013-05-29t08:45:18+00:00-5bbdd76fee08cb6';
const SR_VARPROP = [sr('20140409_1600_22562e4'), sr('20140410_1600_3de6416')] as const;
const SR_STOLTENBERG = [sr('20140328_1600_3fa6b95'), sr('20140328_1600_280c0bd')] as const;
const SR_APBERGET = [sr('20140221_1600_3dac53f'), sr('20140212_1500_3f779c3')] as const;
const srHeartbleed = (seconds: number) => at(SR, SR_HEARTBLEED, seconds);
const p20 = (n: number) => at(P20, `https://example.com/ep000${n}`, 0);
const MN_COMMUNITY = '32b8f150-5771-47d6-9f89-9177761f0f4e';
const MN_CULTURE = 'cd298d35-fc2c-4704-83a9-b392a65aa24c';
const MN_GUILTY = 'themnshow029';

export const RELEVANCE_QUERIES: readonly RelevanceQuery[] = [
  // Exact: the words of a chapter title, a notes line or a transcript cue.
  { kind: 'exact', query: 'tesla crash', expected: ai('39:17') },
  { kind: 'exact', query: 'Google funds Firefox', expected: ai('14:21'), also: [ai('14:25')] },
  { kind: 'exact', query: 'nuclear weapons', expected: ai('35:56') },
  { kind: 'exact', query: 'default search engine', expected: ai('14:31') },
  { kind: 'exact', query: 'wet road', expected: ai('39:25') },
  { kind: 'exact', query: 'unsolicited redesigns', expected: dd('1a9b8a4f-3f81-400b-ae36-212df7180615', 600) },
  { kind: 'exact', query: 'functional CSS', expected: dd(DD_FREEDOM_JUICE, 1080) },
  { kind: 'exact', query: 'error pages', expected: dd('16493d91-653f-4003-b811-2b73c1ae2f49', 2760) },
  { kind: 'exact', query: 'new Google logo', expected: dd('8acf52c0-6e81-4cb9-b33f-c15b584a0645', 840) },
  { kind: 'exact', query: 'hyphens vs underscores', expected: dd('f245bc89-7051-4bc1-a6ae-af07bd2231ce', 720) },
  { kind: 'exact', query: 'kerning logo', expected: dd(DD80, '41:10') },
  { kind: 'exact', query: 'Edward Snowden', expected: abs(ABS_SNOWDEN, 3124) },
  { kind: 'exact', query: 'Hackathon', expected: abs(ABS_HACKATHON, 2038) },
  { kind: 'exact', query: 'Macintosh feiert Geburtstag', expected: abs('2014-01-14t08:41:59+00:00-247da96392c6020', 2061) },
  { kind: 'exact', query: 'harvest moon', expected: at(HGH, '0f47d504-adac-4ccb-8071-97b3a369d541', 0) },
  { kind: 'exact', query: 'phone jingle', expected: at(HGH, '30e6c103-908e-48d0-a3f1-f4bc1ab4a425', 0) },
  { kind: 'exact', query: 'current challenges podcasting', expected: at(P20, 'https://example.com/ep0002', 0) },

  // Typos: one or two letters wrong, swapped or missing.
  { kind: 'typo', query: 'tesla chrash', expected: ai('39:17') },
  { kind: 'typo', query: 'nucelar weapons', expected: ai('35:56') },
  { kind: 'typo', query: 'google funds firefx', expected: ai('14:21'), also: [ai('14:25')] },
  { kind: 'typo', query: 'helvetika', expected: dd(DD80, 0) },
  { kind: 'typo', query: 'skeuomorphsm', expected: dd(DD_FREEDOM_JUICE, 2460) },
  { kind: 'typo', query: 'photograpy', expected: dd(DD_NEOPETS, 1200) },
  { kind: 'typo', query: 'snowdon', expected: abs(ABS_SNOWDEN, 3124) },
  { kind: 'typo', query: 'hackaton', expected: abs(ABS_HACKATHON, 2038) },
  { kind: 'typo', query: 'autopilott', expected: ai('40:05') },
  { kind: 'typo', query: 'burnuot', expected: dd(DD_BETA, 2400) },

  // Prefixes: the last word cut short, as autocomplete sends it.
  { kind: 'prefix', query: 'tesla cra', expected: ai('39:17') },
  { kind: 'prefix', query: 'nuclear weap', expected: ai('35:56') },
  { kind: 'prefix', query: 'skeuomor', expected: dd(DD_FREEDOM_JUICE, 2460) },
  { kind: 'prefix', query: 'Ubuntuph', expected: abs(ABS_UBUNTU, 4784) },
  { kind: 'prefix', query: 'Bundestag', expected: abs(ABS_WAHL, 5264) },
  { kind: 'prefix', query: 'unsolicited rede', expected: dd('1a9b8a4f-3f81-400b-ae36-212df7180615', 600) },
  { kind: 'prefix', query: 'Edward Snow', expected: abs(ABS_SNOWDEN, 3124) },
  { kind: 'prefix', query: 'optical spac', expected: dd(DD80, '41:18') },
  { kind: 'prefix', query: 'Heartbl', expected: sr('20140411_1600_3e4fa54'), also: [srHeartbleed(1510)] },

  // Paraphrases: the topic in other words.
  { kind: 'paraphrase', query: 'self-driving car accident', expected: ai('39:17'), also: [ai('39:19'), ai('39:25')], note: 'chapter says "Tesla crash"' },
  { kind: 'paraphrase', query: 'car accident', expected: ai('39:17'), also: [ai('39:19')], note: 'chapter says "Tesla crash"' },
  { kind: 'paraphrase', query: 'driverless cars', expected: ai('39:17'), also: [ai('39:25')], note: 'transcript says "Full Self-Driving"' },
  { kind: 'paraphrase', query: 'complacent drivers', expected: ai('39:17'), also: [ai('39:52')], note: '"automated complacency"' },
  {
    kind: 'paraphrase',
    query: 'job interviews',
    expected: dd('3d9aae81-4e42-47c5-89fd-5f6f843cefbb', 660),
    also: [dd('854773e9-7462-4713-ad3e-820590dcf724', 120), dd('tag:soundcloud,2010:tracks/191390704', 3120)],
    note: 'chapters "Getting hired", "Tim\'s past interview experiences", "challenges of hiring designers"',
  },
  { kind: 'paraphrase', query: 'growing a team of designers', expected: dd('948e96fd-3385-4e70-a8d1-7ad07402d810', 555), also: [dd('893f80b3-a09d-44ba-b58e-4593009cbde8', 2100)], note: '"scaling a design team", "Growing a design team"' },
  {
    kind: 'paraphrase',
    query: 'should designers learn to code',
    expected: dd('470a541f-233d-497f-817a-2d65abe53e76', 900),
    also: [dd('f64cb4cb-dc85-48b6-8028-94c2ef1e9b3f', 420)],
    note: '"Should designers write production code?", "Should designers code?"',
  },
  { kind: 'paraphrase', query: 'where training data comes from', expected: ai('22:20'), note: '"Data ethics and provenance"' },
  { kind: 'paraphrase', query: 'vegan lifestyle', expected: abs(ABS_VEGAN, 5409), note: 'German chapter "Vegan leben"' },
  { kind: 'paraphrase', query: 'German federal election', expected: abs(ABS_WAHL, 5264), note: 'German chapter "Bundestagswahl"' },

  // Swedish, with and without å ä ö, and in other inflections.
  { kind: 'swedish', query: 'byta lösenord', expected: srHeartbleed(1526) },
  { kind: 'swedish', query: 'byta losenord', expected: srHeartbleed(1526) },
  { kind: 'swedish', query: 'OpenSSL', expected: srHeartbleed(1518.5) },
  { kind: 'swedish', query: 'certifikat webbläsare', expected: srHeartbleed(1547), note: 'transcript says "certifikatet i webbläsaren"' },
  { kind: 'swedish', query: 'vårpropositionen', expected: SR_VARPROP[0], also: [SR_VARPROP[1]] },
  { kind: 'swedish', query: 'varpropositionen', expected: SR_VARPROP[0], also: [SR_VARPROP[1]] },
  { kind: 'swedish', query: 'jordbävning San Francisco', expected: sr('20140507_1600_21eef7b') },
  { kind: 'swedish', query: 'jordbavning', expected: sr('20140507_1600_21eef7b') },
  { kind: 'swedish', query: 'sjuksköterskor', expected: sr('20140424_1600_3d773d7') },
  { kind: 'swedish', query: 'sjukskoterska', expected: sr('20140424_1600_3d773d7'), note: 'singular, no ö' },
  { kind: 'swedish', query: 'luftföroreningar i Kina', expected: sr('20140408_1600_3e0fa67') },
  { kind: 'swedish', query: 'grönfläckiga grodor', expected: sr('20140429_1600_3db017b') },
  { kind: 'swedish', query: 'gronflackig groda', expected: sr('20140429_1600_3db017b') },
  { kind: 'swedish', query: 'Stoltenberg Nato', expected: SR_STOLTENBERG[0], also: [SR_STOLTENBERG[1]] },
  { kind: 'swedish', query: 'fotbollslegenden Zico', expected: sr('20140505_1600_3fbe0e6') },
  { kind: 'swedish', query: 'bilolycka', expected: sr('20140226_1600_3d9bc81'), note: 'notes say "Bilolyckan"' },
  { kind: 'swedish', query: 'Apberget Umeå', expected: SR_APBERGET[0], also: [SR_APBERGET[1]] },
  { kind: 'swedish', query: 'Svalbard kol', expected: sr('20140508_1500_3ee0d10') },
  // Persons (podcast:person): a guest's or host's name, alone or asked for as a list ("episodes with ...").
  { kind: 'person', query: 'episodes with Raffi Krikorian', expected: ai(0), note: 'named in the title; the sample page has no podcast:person' },
  { kind: 'person', query: 'Becky Smith', expected: p20(3) },
  { kind: 'person', query: 'episodes with Marcus Brown', expected: p20(2) },
  { kind: 'person', query: 'avsnitt med Jebick Morton', expected: p20(1) },
  { kind: 'person', query: 'Dave Jones', expected: p20(3), also: [p20(2), p20(1)] },
  { kind: 'person', query: 'episodes with Adam Curry', expected: p20(3), also: [p20(2), p20(1)] },
  { kind: 'person', query: 'Marcus Bronw', expected: p20(2), note: 'typo' },
  { kind: 'person', query: 'episodes with Jebick Mor', expected: p20(1), note: 'prefix' },
  // Soundbites (podcast:soundbite): the words of a soundbite's title land on its start.
  { kind: 'soundbite', query: 'Mike triggers Tim', expected: at(MN, MN_COMMUNITY, 104) },
  { kind: 'soundbite', query: 'ever talked about advertising', expected: at(MN, MN_COMMUNITY, 230) },
  { kind: 'soundbite', query: 'triggers advertising', expected: at(MN, MN_COMMUNITY, 104) },
  { kind: 'soundbite', query: 'random testing soundbite', expected: at(MN, MN_CULTURE, 104) },
  { kind: 'soundbite', query: 'sndbite numero dos', expected: at(MN, MN_CULTURE, 333) },
  { kind: 'soundbite', query: 'nobody has stopped us', expected: at(MN, MN_GUILTY, 27) },
  { kind: 'soundbite', query: 'nobody stoped us yet', expected: at(MN, MN_GUILTY, 27), note: 'typo' },
  { kind: 'soundbite', query: 'talked about advertisin', expected: at(MN, MN_COMMUNITY, 230), note: 'prefix' },
];

// ---- the measurement --------------------------------------------------------------------------------------------

export interface Score {
  queries: number;
  recallAt5: number;
  mrr: number;
}

export interface Miss {
  query: string;
  kind: QueryKind;
  /** 1-based rank of the first right moment among the (up to 25) moments /topic lists; undefined when absent. */
  rank: number | undefined;
  expected: string;
  top: string[];
}

export interface Evaluation extends Score {
  byKind: Record<QueryKind, Score>;
  /** Queries whose right moment is not in the top 5. */
  misses: Miss[];
}

const describe = (m: { podcastId: string; episodeId: string }, seconds: number): string => `${m.podcastId} ${m.episodeId} @${seconds}`;

function matches(hit: SearchHit, q: RelevanceQuery): boolean {
  return [q.expected, ...(q.also ?? [])].some(
    (m) => hit.passage.podcastId === m.podcastId && hit.passage.episodeId === m.episodeId && Math.abs(hit.passage.startSeconds - m.seconds) <= TOLERANCE_SECONDS,
  );
}

function score(ranks: readonly (number | undefined)[]): Score {
  const n = ranks.length;
  return {
    queries: n,
    recallAt5: n === 0 ? 0 : ranks.filter((r) => r !== undefined && r <= 5).length / n,
    mrr: n === 0 ? 0 : ranks.reduce<number>((s, r) => s + (r === undefined ? 0 : 1 / r), 0) / n,
  };
}

/** Runs every query through the search /topic runs (topicMoments over `search`) and scores the moments it lists. */
export function evaluate(search: TopicSearch, queries: readonly RelevanceQuery[] = RELEVANCE_QUERIES): Evaluation {
  const ranks: (number | undefined)[] = [];
  const byKindRanks = new Map<QueryKind, (number | undefined)[]>(QUERY_KINDS.map((k) => [k, []]));
  const misses: Miss[] = [];
  for (const q of queries) {
    const hits = topicMoments(search, q.query, { now: RELEVANCE_NOW });
    const index = hits.findIndex((hit) => matches(hit, q));
    const rank = index < 0 ? undefined : index + 1;
    ranks.push(rank);
    byKindRanks.get(q.kind)?.push(rank);
    if (rank === undefined || rank > 5) {
      misses.push({
        query: q.query,
        kind: q.kind,
        rank,
        expected: describe(q.expected, q.expected.seconds),
        top: hits.slice(0, 3).map((h) => `${describe(h.passage, h.passage.startSeconds)} [${h.passage.field}] ${h.passage.text.slice(0, 60)}`),
      });
    }
  }
  const byKind = Object.fromEntries(QUERY_KINDS.map((k) => [k, score(byKindRanks.get(k) ?? [])])) as Record<QueryKind, Score>;
  return { ...score(ranks), byKind, misses };
}

/** One line per query that missed the top 5, for assertion messages. */
export function formatMisses(evaluation: Evaluation): string {
  return evaluation.misses
    .map((m) => `  [${m.kind}] "${m.query}": expected ${m.expected}, rank ${m.rank ?? '-'}; got ${m.top.length === 0 ? 'nothing' : m.top.join(' | ')}`)
    .join('\n');
}

/** The per-kind table the README shows. */
export function formatScores(evaluation: Evaluation): string {
  const row = (name: string, s: Score) => `| ${name} | ${s.queries} | ${s.recallAt5.toFixed(2)} | ${s.mrr.toFixed(2)} |`;
  return ['| kind | queries | recall@5 | MRR |', '|---|---|---|---|', ...QUERY_KINDS.map((k) => row(k, evaluation.byKind[k])), row('all', evaluation)].join('\n');
}
