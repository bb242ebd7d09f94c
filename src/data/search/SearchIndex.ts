import { bm25ImpactTables, coordinationTable, DEFAULT_FIELD_BOOST, episodeRecency, FIELD_CODE, FIELD_COUNT, idf, RECENCY_WEIGHT, recencyDay } from './bm25.js';
import { ensure, ensureSnug, roomFor, shared, sharedLike, withRoom } from './ensure.js';
import type { NumericArray } from './ensure.js';
import { CHAMPION_MIN_DF } from './championLists.js';
import { editDistance, fuzzyScan } from './fuzzyScan.js';
import { PASSAGE_FIELDS } from './passage.js';
import type { Passage, PassageField } from './passage.js';
import { insertRanked, MAX_RERANK_FACTOR, mayGainPhraseBonus, rerank, stemInitials } from './phraseRerank.js';
import type { Reranked } from './phraseRerank.js';
import { parseQuery, WEIGHT_EXACT } from './queryExpansion.js';
import type { Expansion, QueryWord } from './queryExpansion.js';
import { ALL, ONLY_KNOWN, ONLY_NEW, ScoreAccumulator } from './ScoreAccumulator.js';
import { decodeIndex, encodeIndex, indexTableRanges, type PlacedTables, type ReadAt } from './searchIndexFormat.js';
import { compactSegments } from './compactSegments.js';
import type { CompactionJob, CompactionResult } from './compactSegments.js';
import type { IndexSnapshot } from './serializeSnapshot.js';
import type { Compactor } from './Compactor.js';
import { MutablePostings } from './MutablePostings.js';
import type { MutableSurface } from './MutablePostings.js';
import { lowerBound, sortedPrefixRange } from './sortedPrefixRange.js';
import { keepsInitial, languageId, LANGUAGE_COUNT, stem, stemWord } from './stem.js';
import type { LanguageId } from './stem.js';
import { completeQuery, suggestQueries } from './suggestions.js';
import type { CompletionSource } from './suggestions.js';
import { isStopWord } from './stopWords.js';
import { TopK } from './TopK.js';
import { tokenize } from './tokenize.js';
import type { SearchHit, SearchOptions, TopicSearch } from './TopicSearch.js';

/**
 * A BM25 inverted index over time-coded passages, held in typed arrays.
 *
 * Where things are (read in this order):
 * - SearchIndex.ts (this file): the tables (documents, episodes, both segments), add / removeEpisode / compact, the
 *   dictionary lookups, and `search` as named steps: parseQuery -> planWords -> readWords (readWord per word) ->
 *   collectPool, or readInOrder for both -> rerankPool -> pickHits; then the public suggest/complete, stats,
 *   serialize/load.
 * - queryExpansion.ts: query text -> words -> the stems each may match (exact, prefix, typo) with their weights.
 * - bm25.ts: field boosts, BM25 per-passage factors, idf, recency, coordination.
 * - ScoreAccumulator.ts: the hot posting walks (scan, probe) adding BM25 into reusable typed-array scratch.
 * - phraseRerank.ts: the phrase/proximity bonus and highlights for the best few, from their text.
 * - Postings: MutablePostings.ts (the mutable segment's linked lists), compactSegments.ts (compaction as a pure
 *   function of a job, on this thread or a worker's), mergeSegments.ts (both segments into new CSR postings and
 *   dictionaries), championLists.ts (each common stem's best postings), Compactor.ts (where a compaction runs).
 * - suggestions.ts: "did you mean" and word completion.
 * - searchIndexFormat.ts: the serialized byte layout (header + raw typed-array sections).
 * - TopK.ts (bounded heap, result order), gallop.ts (probing sorted postings), ensure.ts (growable typed arrays).
 * Text analysis (tokenize, stem, stop words, analyze) and fuzzyScan/sortedPrefixRange are shared with the rest of
 * src/data/search.
 *
 * Two segments share one document table:
 * - the compact segment: a sorted stem dictionary with CSR postings (offsets, doc ids, term frequencies) and a
 *   sorted dictionary of surface words (folded, unstemmed) for prefix and typo matching; passage texts as one
 *   UTF-8 blob. It is what `serialize` writes raw and `load` maps back.
 * - the mutable segment: passages added since the last compaction, with linked-list postings and UTF-8 texts in
 *   growable arrays. When it grows past a quarter of the compact segment (or `mutableLimit`), the two are merged; no
 *   text is re-analysed. With a compactor (the bot's is a worker thread) the merge is computed elsewhere while the
 *   index keeps answering and changing, then swapped in (beginCompaction / finishCompaction).
 * Removed passages are tombstoned until the next merge. Document frequencies still count them until then (as in
 * Lucene); N and the average lengths do not.
 *
 * A query: each word expands to stems (exact; prefix for the last word; 1-2 typos), weighted exact > prefix >
 * typo, a word scoring its best expansion. BM25 per passage with per-field average lengths and field boosts,
 * times coordination squared (share of query words matched), times a small recency factor; accumulated in
 * reusable typed-array scratch. To stay in milliseconds with words in 20 % of all passages: words run rarest
 * first; a one-word query reads only the champion lists of its common stems (top 256 postings by impact); a
 * later word probes the passages already found (galloping, or one pass that skips unknown passages) and takes
 * passages new to the query from its champions only (exact for two words, the textbook approximation beyond).
 * The first of several words reads in full only a prefix of its postings, then only passages a later word holds too
 * (their doc ids in a bitmap), when the pool proves that changed nothing (readShared, collectPool; else it is read in
 * full after all). Of two words, the second's postings are walked beside the first's instead (readPair): the passages
 * both hold are scored for both at once, and the second word then reads only its champions. A later word of several
 * expansions, none probed, reads them all in one pass over the passages found, each getting its best
 * expansion there (scanKnownBest), rather than through a per-passage best and endWord. The last word is read for the
 * passages found as collectPool takes them (ScoreAccumulator.defer), and not looked up where even its most (its
 * largest idf and term frequency in the passage's field, at the passage's field and length) could not take the
 * passage into the pool. Where the first word has one expansion in 4,096 passages or more and no later word a big
 * expansion without champions, all of that is one pass instead (readInOrder): the pool is collected as the first
 * word's postings are read, each later word looked up beside them (cursors walking its lists) only where the bound
 * lets the passage in, in the order a full read takes them, so the same pool, ties at its edge included; readShared
 * and readPair are then not used. The best 40 are then reranked with a phrase/proximity bonus from their text, and
 * grouped per episode.
 */

/** A later word probes the passages found so far only if they are fewer than 1/PROBE_RATIO of its postings. */
const PROBE_RATIO = 8;
/** scanKnownBest walks this many lists side by side at most (a linear pick of the least passage per step). */
const MERGED_MAX_EXPANSIONS = 8;
/** The first of several words reads only passages a later word holds too (readShared) from this many postings. */
const SHARED_MIN_POSTINGS = 4096;
/** ... and up to this many, in an index of at least SHARED_MIN_PASSAGES (see mayReadShared, mayReadPair). */
const SHARED_MIN_PASSAGES = 2_000_000;
const SHARED_MAX_POSTINGS = 400_000;
/** readShared reads at least this many of the first word's postings in full (or a sixteenth of them), for the heap to fill on. */
const SHARED_PREFIX = 4096;
/** Several words are read in order (readInOrder) from a first word of this many postings. */
const IN_ORDER_MIN_POSTINGS = 4096;
/** readShared gallops through a later word's list instead of marking it when it is this many times longer. */
const GALLOP_RATIO = 32;

export interface SearchIndexOptions {
  /** BM25 term-frequency saturation (default 1.2). */
  k1?: number;
  /** BM25 length normalisation (default 0.75). */
  b?: number;
  /** Merge the mutable segment into the compact one when it holds more passages than this and than a quarter of the compact segment (default 20 000). */
  mutableLimit?: number;
  fieldBoost?: Partial<Record<PassageField, number>>;
  /**
   * Where a compaction that comes due as passages are added is computed: absent, on this thread during that `add`;
   * given, handed to it (a worker thread, src/search-runtime) while the index keeps answering (beginCompaction).
   */
  compactor?: Compactor;
  /**
   * Whether the first of several words may read only the passages a later word holds too (readShared; default
   * true). false reads them all: the reference the pruning is tested against (the results are the same). An object
   * prunes from a first word of `minPostings` postings (default 4,096), after a prefix of `prefix` read in full
   * (default 4,096, or a sixteenth of its postings), in an index of at least `minPassages` live passages (default
   * 2,000,000): smaller values let a test prune a small corpus.
   */
  pruning?: boolean | { minPostings?: number; prefix?: number; minPassages?: number };
}

/** What a save snapshot (saveSnapshot) needs to read the tombstones in place: the passages removed since, below its docCount. */
interface SaveLog {
  docCount: number;
  removed: number[];
}

/** What the index remembers of the compaction in flight, to re-apply what changed meanwhile when it finishes. */
interface InFlight {
  id: number;
  docCount: number;
  compactDocs: number;
  episodeCount: number;
  /** Mutable stems then, and each one's last posting then: later postings (passages added meanwhile) follow it. */
  mutableStems: number;
  mutableTail: Int32Array;
  /** Counts of the compact and mutable surface words then (the job's copies). */
  surfaceCount: Uint32Array;
  mutableSurfaceAt: Map<string, number>;
  mutableSurfaceCount: Uint32Array;
  /** Doc ids below docCount removed meanwhile, and the episodes they were removed with. */
  removedDocs: number[];
  removedEpisodes: number[];
}

export interface SearchIndexStats {
  passages: number;
  deletedPassages: number;
  episodes: number;
  podcasts: number;
  stems: number;
  surfaces: number;
  compactPassages: number;
  mutablePassages: number;
}

export class SearchIndex implements TopicSearch {
  private readonly k1: number;
  private readonly b: number;
  private readonly mutableLimit: number;
  /** Pruning (SearchIndexOptions.pruning): the least postings of a first word to prune, the prefix read in full. */
  private readonly pruneFrom: number;
  private readonly prunePrefix: number;
  private readonly pruneMinPassages: number;
  /** false (pruning: false): every word read plainly (no merged pass, none deferred), the reference tests compare with. */
  private readonly shortcuts: boolean;
  private readonly compactor: Compactor | undefined;
  /** The compaction being computed by the compactor, and its promise (see `compaction`). */
  private inFlight: InFlight | undefined;
  private running: Promise<void> | undefined;
  private jobs = 0;
  private readonly fieldBoost: Float64Array = new Float64Array(FIELD_COUNT);

  // --- Documents (both segments): global id = position.
  private docCount = 0;
  private docEpisode: Uint32Array = new Uint32Array(0);
  /**
   * Where each passage starts: in whole milliseconds while every start is one (chapters and transcript cues are; half
   * the bytes of a Float64), else the seconds as given (the table turns into a Float64Array at the first that is not).
   */
  private docStart: Uint32Array | Float64Array = new Uint32Array(0);
  private docField: Uint8Array = new Uint8Array(0);
  private docLength: Uint16Array = new Uint16Array(0);
  private docDeleted: Uint8Array = new Uint8Array(0);
  /** The LanguageId each passage was stemmed in (its podcast's declared language), for the rerank to stem alike. */
  private docLanguage: Uint8Array = new Uint8Array(0);
  private liveDocs = 0;
  private deletedDocs = 0;
  private readonly fieldDocs: Float64Array = new Float64Array(FIELD_COUNT);
  private readonly fieldLength: Float64Array = new Float64Array(FIELD_COUNT);

  // --- Episodes and podcasts.
  private episodeCount = 0;
  private episodeIds: string[] = [];
  private episodePodcast: Uint32Array = new Uint32Array(0);
  /** As the passages gave it; '' where there was none or where it is `new Date(episodePublishedMs).toISOString()` (episodePublishedIso). */
  private episodePublished: string[] = [];
  /** 1 where the date is that ISO form of episodePublishedMs (nearly every one): no string kept per episode. */
  private episodePublishedIso: Uint8Array = new Uint8Array(0);
  private episodePublishedMs: Float64Array = new Float64Array(0);
  /** Doc id range that holds an episode's passages, so removal scans only that range. */
  private episodeFirstDoc: Uint32Array = new Uint32Array(0);
  private episodeEndDoc: Uint32Array = new Uint32Array(0);
  /** Episode id -> its number, for the first podcast that used the id: keyed by the id string episodeIds holds, no second string. */
  private episodeIndex = new Map<string, number>();
  /** The same for an id some other podcast used first, keyed by podcast number and id. */
  private episodeIndexShared = new Map<string, number>();
  /**
   * A load's episodes from `rememberedUpTo` up to `loadedEpisodes` (of its first `loadedPodcasts` podcasts) are not in
   * the maps above yet: a million of them were 0.6 s of a start before the first /topic, which needs none. Put there
   * in slices once the index answers (rememberLoadedSteps), or all at once when an episode of those podcasts is looked
   * for first (a podcast added since has none of them).
   */
  private rememberedUpTo = 0;
  private loadedEpisodes = 0;
  private loadedPodcasts = 0;
  private podcastIds: string[] = [];
  private podcastIndex = new Map<string, number>();
  /** Per podcast: a bit per LanguageId its passages were stemmed in (what a query in its scope is stemmed in). */
  private podcastLanguages: Uint32Array = new Uint32Array(0);
  /** Per podcast: the `<language>` its passages last declared, as written ('' for none), handed back with its hits. */
  private podcastDeclared: string[] = [];

  // --- Compact segment.
  private compactDocs = 0;
  private textBytes: Uint8Array = new Uint8Array(0);
  private textOffsets: Uint32Array = new Uint32Array(1);
  private stems: string[] = [];
  private postingOffsets: Uint32Array = new Uint32Array(1);
  private postingDocs: Uint32Array = new Uint32Array(0);
  private postingTfs: Uint8Array = new Uint8Array(0);
  private surfaces: string[] = [];
  /** Each surface's LanguageId: the same word in two languages is two entries (sorted by word, then language). */
  private surfaceLanguage: Uint8Array = new Uint8Array(0);
  private surfaceStem: Uint32Array = new Uint32Array(0);
  private surfaceCount: Uint32Array = new Uint32Array(0);
  /** '' when the display form equals the folded surface (most words), to save memory. */
  private surfaceDisplay: string[] = [];

  /** Per compact stem: its champion postings (empty below CHAMPION_MIN_DF), best BM25 impact first. */
  private championOffsets: Uint32Array = new Uint32Array(1);
  private championDocs: Uint32Array = new Uint32Array(0);
  private championTfs: Uint8Array = new Uint8Array(0);
  /** Per compact stem and field: the largest term frequency in its postings, 0 until asked (see maxTf); emptied by a compaction. */
  private stemMaxTf: Uint8Array = new Uint8Array(0);

  // --- Mutable segment.
  /** Its passages' texts as UTF-8: passage compactDocs + i is mutableTextBytes[mutableTextOffsets[i], [i + 1]). */
  private mutableTextBytes: Uint8Array = new Uint8Array(0);
  private mutableTextOffsets: Uint32Array = new Uint32Array(1);
  private mutable = new MutablePostings();
  /** Only words the compact dictionary lacks in that language; keyed by surfaceKey. */
  private mutableSurfaces = new Map<string, MutableSurface>();

  // --- BM25 factors per passage, recomputed when the field averages change (tf = 1 is the common case):
  // Each passage's BM25 factors, by its field and length (bm25ImpactTables), for the current field averages.
  private impactByLength: Float32Array = new Float32Array(0);
  private normByLength: Float32Array = new Float32Array(0);
  /** No term can add more than idf * maxImpact to one passage (tf -> infinity, shortest passage). */
  private maxImpact = 0;
  private impactKey = '';
  private recencyCache: Float32Array = new Float32Array(0);
  /** The day (recencyDay) recencyCache is for, and how many episodes it covers (NaN: none yet). */
  private recencyDay = Number.NaN;
  private recencyCount = 0;

  /** Query scratch, reused between queries (sized to docCount), and the posting walks that fill it. */
  private readonly scores = new ScoreAccumulator();
  /** The dictionary and postings as queryExpansion.ts and suggestions.ts read them. */
  private readonly lexicon: CompletionSource = {
    languages: (allowed) => this.languages(allowed),
    expansionFor: (s, weight) => this.expansionFor(s, weight),
    occursIn: (e, allowed) => this.occursIn(e, allowed),
    stemDf: (s) => this.stemDf(s),
    forEachSurfaceWithPrefix: (prefix, visit) => this.forEachSurfaceWithPrefix(prefix, visit),
    forEachSurfaceNear: (word, maxDistance, visit) => this.forEachSurfaceNear(word, maxDistance, visit),
    df: (e) => this.df(e),
    countTogether: (words, candidates, allowed) => this.countTogether(words, candidates, allowed),
  };

  private readonly decoder = new TextDecoder();
  private readonly encoder = new TextEncoder();

  constructor(options: SearchIndexOptions = {}) {
    this.k1 = options.k1 ?? 1.2;
    this.b = options.b ?? 0.75;
    this.mutableLimit = options.mutableLimit ?? 20_000;
    this.compactor = options.compactor;
    const pruning = options.pruning ?? true;
    this.pruneFrom = pruning === false ? Infinity : pruning === true ? SHARED_MIN_POSTINGS : (pruning.minPostings ?? SHARED_MIN_POSTINGS);
    this.prunePrefix = typeof pruning === 'object' ? (pruning.prefix ?? SHARED_PREFIX) : SHARED_PREFIX;
    this.shortcuts = pruning !== false;
    this.pruneMinPassages = typeof pruning === 'object' ? (pruning.minPassages ?? SHARED_MIN_PASSAGES) : SHARED_MIN_PASSAGES;
    for (const field of PASSAGE_FIELDS) {
      this.fieldBoost[FIELD_CODE[field]] = options.fieldBoost?.[field] ?? DEFAULT_FIELD_BOOST[field];
    }
  }

  /** Builds a compact index in one go. */
  static build(passages: readonly Passage[], options: SearchIndexOptions = {}): SearchIndex {
    const index = new SearchIndex(options);
    index.add(passages);
    index.compact();
    return index;
  }

  // ------------------------------------------------------------------ updates

  add(passages: readonly Passage[]): void {
    const docTf = new Map<string, number>();
    for (const passage of passages) {
      const episode = this.episodeFor(passage);
      const field = FIELD_CODE[passage.field];
      if (field === undefined) throw new Error(`unknown passage field: ${String(passage.field)}`);
      const doc = this.docCount;
      const language = languageId(passage.language);
      const podcast = this.episodePodcast[episode] as number;
      this.podcastLanguages[podcast] = (this.podcastLanguages[podcast] as number) | (1 << language);
      // Kept NUL-free: serialize stores string lists NUL-joined.
      this.podcastDeclared[podcast] = (passage.language ?? '').replaceAll('\u0000', '');

      docTf.clear();
      let length = 0;
      for (const token of tokenize(passage.text)) {
        if (isStopWord(token.folded, language)) continue;
        length++;
        const s = this.stemOfNewToken(token.folded, language, passage.text, token.start, token.end);
        docTf.set(s, (docTf.get(s) ?? 0) + 1);
      }
      for (const [s, tf] of docTf) this.mutable.append(s, doc, tf);

      this.docEpisode = ensureSnug(this.docEpisode, doc + 1);
      this.docStart = ensureSnug(this.docStart, doc + 1);
      this.docField = ensureSnug(this.docField, doc + 1);
      this.docLength = ensureSnug(this.docLength, doc + 1);
      this.docDeleted = ensureSnug(this.docDeleted, doc + 1);
      this.docLanguage = ensureSnug(this.docLanguage, doc + 1);
      this.docEpisode[doc] = episode;
      this.docLanguage[doc] = language;
      this.setStart(doc, passage.startSeconds);
      this.docField[doc] = field;
      this.docLength[doc] = Math.min(length, 0xffff);
      this.docDeleted[doc] = 0;
      this.appendMutableText(doc - this.compactDocs, passage.text);
      this.docCount++;
      this.liveDocs++;
      this.fieldDocs[field] = (this.fieldDocs[field] as number) + 1;
      this.fieldLength[field] = (this.fieldLength[field] as number) + length;

      if (this.episodeEndDoc[episode] === 0 && this.episodeFirstDoc[episode] === 0) this.episodeFirstDoc[episode] = doc;
      this.episodeEndDoc[episode] = doc + 1;
    }
    if (this.compactionDue()) this.compactWhenDue();
  }

  private appendMutableText(i: number, text: string): void {
    const at = this.mutableTextOffsets[i] as number;
    this.mutableTextOffsets = ensure(this.mutableTextOffsets, i + 2);
    this.mutableTextBytes = ensure(this.mutableTextBytes, at + text.length * 3);
    this.mutableTextOffsets[i + 1] = at + this.encoder.encodeInto(text, this.mutableTextBytes.subarray(at)).written;
  }

  private compactionDue(): boolean {
    const mutableDocs = this.docCount - this.compactDocs;
    return mutableDocs > this.mutableLimit && mutableDocs * 4 > this.compactDocs;
  }

  /** A due compaction: on this thread now, or handed to the compactor unless one is already in flight. */
  private compactWhenDue(): void {
    if (this.compactor === undefined) this.compact();
    else if (this.inFlight === undefined) void this.compactInBackground();
  }

  /**
   * The background compaction in flight (undefined: none). It settles once the result is swapped in (or the
   * compactor failed: then the index stays as it was, uncompacted, and the next due compaction runs on this thread).
   */
  get compaction(): Promise<void> | undefined {
    return this.running;
  }

  /**
   * Starts a compaction through the compactor (given at construction) now, even if none is due; resolves when it is
   * swapped in. Meanwhile the index answers and takes adds and removals as usual.
   */
  compactInBackground(): Promise<void> {
    if (this.running !== undefined) return this.running;
    const compactor = this.compactor;
    if (compactor === undefined) {
      this.compact();
      return Promise.resolve();
    }
    const job = this.beginCompaction({ shared: compactor.shares });
    if (job === undefined) return Promise.resolve();
    const running = compactor
      .compact(job)
      .then(
        (result) => void this.finishCompaction(result),
        () => {
          // The old segments are intact: drop the job, and compact here next time (a worker that failed once may again).
          if (this.inFlight?.id === job.id) this.inFlight = undefined;
          this.compactorFailed = true;
        },
      )
      .finally(() => {
        if (this.running === running) this.running = undefined;
        // Passages added meanwhile may have made the next one due already.
        if (this.compactionDue()) {
          if (this.compactorFailed) this.compact();
          else void this.compactInBackground();
        }
      });
    this.running = running;
    return running;
  }

  private compactorFailed = false;

  removeEpisode(podcastId: string, episodeId: string): number {
    const podcast = this.podcastIndex.get(podcastId);
    if (podcast === undefined) return 0;
    const episode = this.findEpisode(podcast, episodeId);
    if (episode === undefined) return 0;
    let removed = 0;
    const end = this.episodeEndDoc[episode] as number;
    for (let doc = this.episodeFirstDoc[episode] as number; doc < end; doc++) {
      if (this.docEpisode[doc] !== episode || this.docDeleted[doc] === 1) continue;
      this.docDeleted[doc] = 1;
      if (this.inFlight !== undefined && doc < this.inFlight.docCount) this.inFlight.removedDocs.push(doc);
      for (const log of this.saveLogs) if (doc < log.docCount) log.removed.push(doc);
      const field = this.docField[doc] as number;
      this.fieldDocs[field] = (this.fieldDocs[field] as number) - 1;
      this.fieldLength[field] = (this.fieldLength[field] as number) - (this.docLength[doc] as number);
      removed++;
    }
    this.liveDocs -= removed;
    this.deletedDocs += removed;
    this.episodeFirstDoc[episode] = 0;
    this.episodeEndDoc[episode] = 0;
    if (this.inFlight !== undefined && episode < this.inFlight.episodeCount) this.inFlight.removedEpisodes.push(episode);
    return removed;
  }

  /**
   * Merges the mutable segment into the compact one and drops removed passages, on this thread, now. A background
   * compaction still in flight is abandoned (its result will not be swapped in).
   */
  compact(): void {
    this.inFlight = undefined;
    const job = this.beginCompaction();
    if (job !== undefined) this.finishCompaction(compactSegments(job));
  }

  /**
   * Step 1 of a compaction: what the index holds now, as plain data for `compactSegments` (compactSegments.ts), which
   * may run on another thread meanwhile; undefined when there is nothing to merge or one is already in flight. The
   * index keeps answering and changing as usual: passages added meanwhile go on into the mutable segment, and
   * removals tombstone as ever. `shared`: the arrays the job reads are moved onto SharedArrayBuffers first (a copy
   * the first time only: they then stay and grow there), so posting the job to a worker copies none of them.
   */
  beginCompaction(options: { shared?: boolean } = {}): CompactionJob | undefined {
    if (this.inFlight !== undefined) return undefined;
    if (this.docCount === this.compactDocs && this.deletedDocs === 0) return undefined;
    if (options.shared === true) this.shareArrays();
    const { job, mutableStems, surfaceCount, mutableSurfaceAt, mutableSurfaces } = this.compactionJob(options.shared === true);
    this.inFlight = {
      id: job.id,
      docCount: this.docCount,
      compactDocs: this.compactDocs,
      episodeCount: this.episodeCount,
      mutableStems,
      mutableTail: this.mutable.tail.slice(0, mutableStems),
      surfaceCount,
      mutableSurfaceAt,
      mutableSurfaceCount: Uint32Array.from(mutableSurfaces, (entry) => entry.count),
      removedDocs: [],
      removedEpisodes: [],
    };
    return job;
  }

  /**
   * What the index holds now, as a compaction reads it (beginCompaction) and as `serialize` would write it once
   * compacted, taken without compacting or copying a table: planSnapshot.ts and writeSnapshot.ts write the compacted
   * form from it a piece at a time. The index answers and changes meanwhile as usual; what the snapshot reads is not
   * written after it is taken (passages and episodes are appended past its counts, a compaction swaps in new tables)
   * but for the tombstones, which are read in place: a passage removed meanwhile is listed for it (`removedSince`).
   */
  saveSnapshot(): IndexSnapshot {
    const { job } = this.compactionJob(false, true);
    // The tombstones are read in place, not copied in this turn: what is removed meanwhile is listed for the snapshot
    // until its plan has read them (release), or until a compaction swaps in a table of other numbers (this one is
    // then no longer written).
    const log: SaveLog = { docCount: this.docCount, removed: [] };
    this.saveLogs.add(log);
    const episodes = this.episodeCount;
    // Not copied (a million strings' slots): an episode's id and date are pushed once and never written again, so the
    // first `episodes` of each list stay as they are.
    const published = this.episodePublished;
    const iso = this.episodePublishedIso;
    const ms = this.episodePublishedMs;
    return {
      job,
      mutableLimit: this.mutableLimit,
      episodePodcast: this.episodePodcast.subarray(0, episodes),
      episodeIds: this.episodeIds,
      // publishedOf, over the snapshot's arrays (an ISO date is kept as its time).
      publishedOf: (e) => (iso[e] === 1 ? new Date(ms[e] as number).toISOString() : (published[e] as string)),
      podcastIds: this.podcastIds.slice(),
      podcastDeclared: this.podcastDeclared.slice(),
      removedSince: log.removed,
      release: () => void this.saveLogs.delete(log),
    };
  }

  /** Save snapshots reading the tombstones in place (saveSnapshot): each listing what is removed since it was taken. */
  private readonly saveLogs = new Set<SaveLog>();

  /** A compaction job of what the index holds now (beginCompaction, saveSnapshot), with what beginCompaction keeps of it. */
  private compactionJob(
    shared: boolean,
    forSave = false,
  ): {
    job: CompactionJob;
    mutableStems: number;
    surfaceCount: Uint32Array;
    mutableSurfaceAt: Map<string, number>;
    mutableSurfaces: MutableSurface[];
  } {
    const mutable = this.mutable;
    const mutableStems = mutable.stems.length;
    const mutableSurfaces = [...this.mutableSurfaces.values()].map((entry) => ({ ...entry }));
    // What finishCompaction looks words up by; a save (forSave) has no use for it, nor for a copy of the tombstones.
    const mutableSurfaceAt = new Map<string, number>();
    if (!forSave) mutableSurfaces.forEach((entry, i) => mutableSurfaceAt.set(surfaceKey(entry.surface, entry.language as LanguageId), i));
    const surfaceCount = this.surfaceCount.slice();
    const job: CompactionJob = {
      id: ++this.jobs,
      docCount: this.docCount,
      compactDocs: this.compactDocs,
      episodeCount: this.episodeCount,
      k1: this.k1,
      b: this.b,
      fieldBoost: this.fieldBoost.slice(),
      fieldDocs: this.fieldDocs.slice(),
      fieldLength: this.fieldLength.slice(),
      deleted: forSave ? this.docDeleted : this.docDeleted.slice(0, this.docCount),
      docs: { episode: this.docEpisode, start: this.docStart, field: this.docField, length: this.docLength, language: this.docLanguage },
      episodePublishedMs: this.episodePublishedMs,
      compact: {
        postings: { stems: this.stems, offsets: this.postingOffsets, docs: this.postingDocs, tfs: this.postingTfs },
        surfaces: { surfaces: this.surfaces, language: this.surfaceLanguage, display: this.surfaceDisplay, stem: this.surfaceStem, count: surfaceCount },
        textBytes: this.textBytes,
        textOffsets: this.textOffsets,
      },
      mutable: {
        postings: {
          stems: mutable.stems.slice(),
          head: mutable.head.slice(0, mutableStems),
          df: mutable.df.slice(0, mutableStems),
          doc: mutable.doc,
          tf: mutable.tf,
          next: mutable.next,
          postingCount: mutable.postingCount,
        },
        surfaces: mutableSurfaces,
        textBytes: this.mutableTextBytes,
        textOffsets: this.mutableTextOffsets,
      },
      // As many passages may come in while it runs as the mutable segment holds now (it came due by growing so far).
      headroom: shared ? Math.max(1024, this.docCount - this.compactDocs) : 0,
    };
    return { job, mutableStems, surfaceCount, mutableSurfaceAt, mutableSurfaces };
  }

  /**
   * Step 2: swaps in what `compactSegments` made of the job in flight; false (and nothing changes) for any other
   * result (a job abandoned by `compact`, or of another index). What happened meanwhile is re-applied: passages
   * removed from the merged ones are tombstoned under their new ids, and the passages added meanwhile become the new
   * mutable segment (their postings and words moved over, not analysed again). Costs what was added meanwhile, plus
   * one pass over the compact words (their counts), not the merged segment's size.
   */
  finishCompaction(result: CompactionResult): boolean {
    const job = this.inFlight;
    if (job === undefined || result.id !== job.id) return false;
    this.inFlight = undefined;
    const live = result.live;
    const from = job.docCount;
    const added = this.docCount - from;
    const docCount = live + added;

    // Document table: the merged rows, then those added meanwhile; tombstones for what was removed meanwhile.
    const docEpisode = ensureSnug(result.docs.episode, docCount);
    // The merged starts are in the unit the job's were; a start added meanwhile that is not whole milliseconds has
    // turned this index's table into seconds (Float64) since: the merged ones follow (exact, see setStart).
    const docStart = ensureSnug(
      result.docs.start instanceof Uint32Array && this.docStart instanceof Float64Array ? msToSeconds(result.docs.start) : result.docs.start,
      docCount,
    );
    const docField = ensureSnug(result.docs.field, docCount);
    const docLength = ensureSnug(result.docs.length, docCount);
    const docLanguage = ensureSnug(result.docs.language, docCount);
    const docDeleted = new Uint8Array(docEpisode.length);
    let deleted = 0;
    for (const doc of job.removedDocs) {
      const to = result.remap[doc] as number;
      if (to >= 0 && docDeleted[to] === 0) {
        docDeleted[to] = 1;
        deleted++;
      }
    }
    for (let doc = from, to = live; doc < this.docCount; doc++, to++) {
      docEpisode[to] = this.docEpisode[doc] as number;
      docStart[to] = this.docStart[doc] as number;
      docField[to] = this.docField[doc] as number;
      docLength[to] = this.docLength[doc] as number;
      docLanguage[to] = this.docLanguage[doc] as number;
      if (this.docDeleted[doc] === 1) {
        docDeleted[to] = 1;
        deleted++;
      }
    }

    // The new mutable segment: postings after each stem's last one counted by the job, renumbered.
    const old = this.mutable;
    const mutable = new MutablePostings(old.doc.buffer instanceof SharedArrayBuffer);
    for (let m = 0; m < old.stems.length; m++) {
      let p = m < job.mutableStems ? (old.next[job.mutableTail[m] as number] as number) : (old.head[m] as number);
      if (p < 0) continue;
      const s = old.stems[m] as string;
      for (; p >= 0; p = old.next[p] as number) mutable.append(s, (old.doc[p] as number) - from + live, old.tf[p] as number);
    }
    const firstText = this.mutableTextOffsets[from - job.compactDocs] as number;
    const endText = this.mutableTextOffsets[this.docCount - job.compactDocs] as number;
    const mutableTextBytes = this.mutableTextBytes.slice(firstText, Math.max(endText, firstText + 64));
    const mutableTextOffsets = new Uint32Array(added + 1);
    for (let i = 0; i <= added; i++) mutableTextOffsets[i] = (this.mutableTextOffsets[from - job.compactDocs + i] as number) - firstText;

    // Word counts added meanwhile, moved to where each word went; a word whose stem was dropped stays mutable.
    const count = result.surfaces.count;
    const mutableSurfaces = new Map<string, MutableSurface>();
    for (let i = 0; i < job.surfaceCount.length; i++) {
      const more = (this.surfaceCount[i] as number) - (job.surfaceCount[i] as number);
      if (more <= 0) continue;
      const to = result.compactSurfaceTo[i] as number;
      if (to >= 0) count[to] = (count[to] as number) + more;
      else {
        const surface = this.surfaces[i] as string;
        const language = this.surfaceLanguage[i] as LanguageId;
        const display = this.surfaceDisplay[i] as string;
        const stem = this.stems[this.surfaceStem[i] as number] as string;
        mutableSurfaces.set(surfaceKey(surface, language), { surface, language, stem, count: more, display: display === '' ? surface : display });
      }
    }
    for (const [key, entry] of this.mutableSurfaces) {
      const at = job.mutableSurfaceAt.get(key);
      if (at === undefined) {
        mutableSurfaces.set(key, entry);
        continue;
      }
      const more = entry.count - (job.mutableSurfaceCount[at] as number);
      if (more <= 0) continue;
      const to = result.mutableSurfaceTo[at] as number;
      if (to >= 0) count[to] = (count[to] as number) + more;
      else mutableSurfaces.set(key, { ...entry, count: more });
    }

    // Episode ranges: the merged ones, emptied for episodes removed meanwhile, grown by the passages added meanwhile.
    this.episodeFirstDoc.set(result.episodeFirstDoc);
    this.episodeEndDoc.set(result.episodeEndDoc);
    this.episodeFirstDoc.fill(0, job.episodeCount, this.episodeCount);
    this.episodeEndDoc.fill(0, job.episodeCount, this.episodeCount);
    for (const e of job.removedEpisodes) {
      this.episodeFirstDoc[e] = 0;
      this.episodeEndDoc[e] = 0;
    }
    for (let doc = live; doc < docCount; doc++) {
      const e = docEpisode[doc] as number;
      if (this.episodeEndDoc[e] === 0 && this.episodeFirstDoc[e] === 0) this.episodeFirstDoc[e] = doc;
      this.episodeEndDoc[e] = doc + 1;
    }

    this.docEpisode = docEpisode;
    this.docStart = docStart;
    this.docField = docField;
    this.docLength = docLength;
    this.docLanguage = docLanguage;
    this.docDeleted = docDeleted;
    // The table the save snapshots read is no longer written (removals now go to this one, by other numbers).
    this.saveLogs.clear();
    this.docCount = docCount;
    this.compactDocs = live;
    this.deletedDocs = deleted;
    this.textBytes = result.textBytes;
    this.textOffsets = result.textOffsets;
    this.stems = result.postings.stems;
    this.postingOffsets = result.postings.offsets;
    this.postingDocs = result.postings.docs;
    this.postingTfs = result.postings.tfs;
    this.surfaces = result.surfaces.surfaces;
    this.surfaceLanguage = result.surfaces.language;
    this.surfaceDisplay = result.surfaces.display;
    this.surfaceStem = result.surfaces.stem;
    this.surfaceCount = count;
    this.championOffsets = result.champions.offsets;
    this.championDocs = result.champions.docs;
    this.championTfs = result.champions.tfs;
    this.stemMaxTf = new Uint8Array(0);
    this.mutable = mutable;
    this.mutableSurfaces = mutableSurfaces;
    this.mutableTextBytes = mutableTextBytes;
    this.mutableTextOffsets = mutableTextOffsets;
    this.impactKey = '';
    this.scores.release();
    return true;
  }

  /** The arrays a compaction job reads, onto SharedArrayBuffers (see beginCompaction). */
  private shareArrays(): void {
    this.docEpisode = shared(this.docEpisode);
    this.docStart = shared(this.docStart);
    this.docField = shared(this.docField);
    this.docLength = shared(this.docLength);
    this.docLanguage = shared(this.docLanguage);
    this.episodePublishedMs = shared(this.episodePublishedMs);
    this.textBytes = shared(this.textBytes);
    this.textOffsets = shared(this.textOffsets);
    this.postingOffsets = shared(this.postingOffsets);
    this.postingDocs = shared(this.postingDocs);
    this.postingTfs = shared(this.postingTfs);
    this.surfaceLanguage = shared(this.surfaceLanguage);
    this.surfaceStem = shared(this.surfaceStem);
    this.mutableTextBytes = shared(this.mutableTextBytes);
    this.mutableTextOffsets = shared(this.mutableTextOffsets);
    const m = this.mutable;
    m.head = shared(m.head);
    m.tail = shared(m.tail);
    m.df = shared(m.df);
    m.blockEnd = shared(m.blockEnd);
    m.doc = shared(m.doc);
    m.tf = shared(m.tf);
    m.next = shared(m.next);
  }

  private episodeFor(passage: Passage): number {
    if (passage.podcastId.includes('\u0000') || passage.episodeId.includes('\u0000')) {
      throw new Error('podcastId and episodeId must not contain NUL');
    }
    let podcast = this.podcastIndex.get(passage.podcastId);
    if (podcast === undefined) {
      podcast = this.podcastIds.length;
      this.podcastIds.push(passage.podcastId);
      this.podcastIndex.set(passage.podcastId, podcast);
      this.podcastLanguages = ensure(this.podcastLanguages, podcast + 1);
      this.podcastLanguages[podcast] = 0;
      this.podcastDeclared.push('');
    }
    let episode = this.findEpisode(podcast, passage.episodeId);
    if (episode === undefined) {
      episode = this.episodeCount++;
      this.episodeIds.push(passage.episodeId);
      this.rememberEpisode(podcast, passage.episodeId, episode);
      this.episodePublishedIso = ensureSnug(this.episodePublishedIso, episode + 1);
      const publishedMs = passage.publishedAt === undefined ? Number.NaN : Date.parse(passage.publishedAt);
      const iso = isoForm(passage.publishedAt ?? '', publishedMs);
      this.episodePublished.push(iso ? '' : (passage.publishedAt ?? ''));
      this.episodePublishedIso[episode] = iso ? 1 : 0;
      this.episodePodcast = ensureSnug(this.episodePodcast, episode + 1);
      this.episodePublishedMs = ensureSnug(this.episodePublishedMs, episode + 1);
      this.episodeFirstDoc = ensureSnug(this.episodeFirstDoc, episode + 1);
      this.episodeEndDoc = ensureSnug(this.episodeEndDoc, episode + 1);
      this.episodePodcast[episode] = podcast;
      this.episodePublishedMs[episode] = publishedMs;
      this.episodeFirstDoc[episode] = 0;
      this.episodeEndDoc[episode] = 0;
    }
    return episode;
  }

  private setStart(doc: number, seconds: number): void {
    if (this.docStart instanceof Uint32Array) {
      const ms = Math.round(seconds * 1000);
      if (ms >= 0 && ms <= 0xffffffff && ms / 1000 === seconds && !Object.is(seconds, -0)) {
        this.docStart[doc] = ms;
        return;
      }
      // Exact: every start held so far is its milliseconds / 1000.
      this.docStart = msToSeconds(this.docStart);
    }
    this.docStart[doc] = seconds;
  }

  private startOf(doc: number): number {
    const start = this.docStart[doc] as number;
    return this.docStart instanceof Uint32Array ? start / 1000 : start;
  }

  private findEpisode(podcast: number, episodeId: string): number | undefined {
    if (this.rememberedUpTo < this.loadedEpisodes && podcast < this.loadedPodcasts) for (const _ of this.rememberLoadedSteps());
    const first = this.episodeIndex.get(episodeId);
    if (first !== undefined && this.episodePodcast[first] === podcast) return first;
    return this.episodeIndexShared.size === 0 ? undefined : this.episodeIndexShared.get(`${podcast}\u0000${episodeId}`);
  }

  /**
   * The loaded episodes not yet in the episode maps put there, a slice of them a step (see rememberedUpTo): what a
   * start does once the index answers, the event loop turning between steps.
   */
  *rememberLoadedSteps(): Generator<void, void, void> {
    while (this.rememberedUpTo < this.loadedEpisodes) {
      const end = Math.min(this.loadedEpisodes, this.rememberedUpTo + LOAD_SLICE_EPISODES);
      for (let e = this.rememberedUpTo; e < end; e++) this.rememberEpisode(this.episodePodcast[e] as number, this.episodeIds[e] as string, e);
      this.rememberedUpTo = end;
      yield;
    }
  }

  private rememberEpisode(podcast: number, episodeId: string, episode: number): void {
    if (this.episodeIndex.has(episodeId)) this.episodeIndexShared.set(`${podcast}\u0000${episodeId}`, episode);
    else this.episodeIndex.set(episodeId, episode);
  }

  /** An episode's date as the passages gave it ('' for none). */
  private publishedOf(episode: number): string {
    return this.episodePublishedIso[episode] === 1 ? new Date(this.episodePublishedMs[episode] as number).toISOString() : (this.episodePublished[episode] as string);
  }

  /** Records a surface word of a language and returns its stem (looked up, not recomputed, for known words). */
  private stemOfNewToken(folded: string, language: LanguageId, text: string, start: number, end: number): string {
    const key = surfaceKey(folded, language);
    const known = this.mutableSurfaces.get(key);
    if (known !== undefined) {
      known.count++;
      return known.stem;
    }
    if (this.surfaces.length > 0) {
      for (let at = lowerBound(this.surfaces, folded); this.surfaces[at] === folded; at++) {
        if (this.surfaceLanguage[at] !== language) continue;
        this.surfaceCount[at] = (this.surfaceCount[at] as number) + 1;
        return this.stems[this.surfaceStem[at] as number] as string;
      }
    }
    const s = stem(folded, language);
    this.mutableSurfaces.set(key, { surface: folded, language, stem: s, count: 1, display: text.slice(start, end).toLowerCase() });
    return s;
  }

  /** The languages of the allowed podcasts' passages (undefined: of all), each once, in LanguageId order. */
  private languages(allowed: Uint8Array | undefined): LanguageId[] {
    let bits = 0;
    for (let p = 0; p < this.podcastIds.length; p++) if (allowed === undefined || allowed[p] === 1) bits |= this.podcastLanguages[p] as number;
    const out: LanguageId[] = [];
    for (let language = 0; language < LANGUAGE_COUNT; language++) if (bits & (1 << language)) out.push(language);
    return out;
  }

  // ------------------------------------------------------------------ dictionary lookups

  private findCompactStem(s: string): number {
    const at = lowerBound(this.stems, s);
    return this.stems[at] === s ? at : -1;
  }

  private expansionFor(s: string, weight: number): Expansion | undefined {
    const compact = this.findCompactStem(s);
    const mutable = this.mutable.stemIndex.get(s) ?? -1;
    if (compact < 0 && mutable < 0) return undefined;
    return { stem: s, compact, mutable, weight };
  }

  private df(e: Expansion): number {
    let df = 0;
    if (e.compact >= 0) df += (this.postingOffsets[e.compact + 1] as number) - (this.postingOffsets[e.compact] as number);
    if (e.mutable >= 0) df += this.mutable.df[e.mutable] as number;
    return df;
  }

  private stemDf(s: string): number {
    const e = this.expansionFor(s, 1);
    return e === undefined ? 0 : this.df(e);
  }

  /**
   * A flag per podcast number for the podcasts a read may see (see SearchOptions.podcastIds); undefined when none of
   * them is indexed.
   */
  private podcastFilter(podcastIds: readonly string[]): Uint8Array | undefined {
    const allowed = new Uint8Array(this.podcastIds.length);
    let any = false;
    for (const id of podcastIds) {
      const p = this.podcastIndex.get(id);
      if (p !== undefined) {
        allowed[p] = 1;
        any = true;
      }
    }
    return any ? allowed : undefined;
  }

  /**
   * Whether a stem occurs in a live passage of an allowed podcast (undefined: of any podcast), so a dictionary word is
   * offered only to a reader who can find it: not one only another guild's podcasts hold, nor one left behind by
   * removed passages until the next compaction. The postings are read only up to the first such passage, which for a
   * word the reader can see is usually the first one; a word only others have costs its postings once.
   */
  private occursIn(e: Expansion, allowed: Uint8Array | undefined): boolean {
    const deleted = this.docDeleted;
    const docEpisode = this.docEpisode;
    const episodePodcast = this.episodePodcast;
    if (e.compact >= 0) {
      const docs = this.postingDocs;
      for (let p = this.postingOffsets[e.compact] as number, end = this.postingOffsets[e.compact + 1] as number; p < end; p++) {
        const doc = docs[p] as number;
        if (deleted[doc] === 0 && (allowed === undefined || allowed[episodePodcast[docEpisode[doc] as number] as number] === 1)) return true;
      }
    }
    if (e.mutable >= 0) {
      for (let p = this.mutable.head[e.mutable] as number; p >= 0; p = this.mutable.next[p] as number) {
        const doc = this.mutable.doc[p] as number;
        if (deleted[doc] === 0 && (allowed === undefined || allowed[episodePodcast[docEpisode[doc] as number] as number] === 1)) return true;
      }
    }
    return false;
  }

  /** Calls `visit(surface, stem, count, display)` for every dictionary word starting with `prefix`. */
  private forEachSurfaceWithPrefix(prefix: string, visit: (surface: string, stem: string, count: number, display: string) => void): void {
    const [from, to] = sortedPrefixRange(this.surfaces, prefix);
    for (let i = from; i < to; i++) {
      const surface = this.surfaces[i] as string;
      visit(surface, this.stems[this.surfaceStem[i] as number] as string, this.surfaceCount[i] as number, this.surfaceDisplay[i] || surface);
    }
    for (const entry of this.mutableSurfaces.values()) {
      if (entry.surface.startsWith(prefix)) visit(entry.surface, entry.stem, entry.count, entry.display);
    }
  }

  /** Calls `visit` for every dictionary word within `maxDistance` edits of `word`. */
  private forEachSurfaceNear(
    word: string,
    maxDistance: number,
    visit: (surface: string, stem: string, distance: number, count: number, display: string) => void,
  ): void {
    fuzzyScan(this.surfaces, word, maxDistance, (i, distance) => {
      const surface = this.surfaces[i] as string;
      visit(surface, this.stems[this.surfaceStem[i] as number] as string, distance, this.surfaceCount[i] as number, this.surfaceDisplay[i] || surface);
    });
    for (const entry of this.mutableSurfaces.values()) {
      const distance = editDistance(word, entry.surface, maxDistance);
      if (distance <= maxDistance) visit(entry.surface, entry.stem, distance, entry.count, entry.display);
    }
  }

  // ------------------------------------------------------------------ search

  /**
   * The best passages for `query`, best first. In steps: parseQuery (queryExpansion.ts) -> planWords -> readWords ->
   * collectPool -> rerankPool (several words) -> pickHits, the shown hits' text analysed for highlights.
   */
  search(query: string, options: SearchOptions = {}): SearchHit[] {
    const limit = options.limit ?? 5;
    const maxPerEpisode = options.maxPerEpisode ?? 2;
    if (limit <= 0 || this.liveDocs === 0) return [];
    const allowed = options.podcastIds === undefined ? undefined : this.podcastFilter(options.podcastIds);
    if (options.podcastIds !== undefined && allowed === undefined) return [];
    const words = parseQuery(query, options.prefix ?? true, options.fuzzy ?? true, allowed, this.lexicon);
    if (words.length === 0) return [];

    this.scores.ensureSize(this.docCount);
    this.ensureImpacts();
    this.scores.view({
      docDeleted: this.docDeleted,
      docField: this.docField,
      docLength: this.docLength,
      impactByLength: this.impactByLength,
      normByLength: this.normByLength,
      docEpisode: this.docEpisode,
      episodePodcast: this.episodePodcast,
    });
    const q: QueryRun = {
      words,
      n: words.length,
      limit,
      maxPerEpisode,
      poolSize: Math.max(limit * maxPerEpisode * 4, 40),
      // The most any passage can gain beyond its BM25 sum before the phrase rerank: recency.
      maxRecency: options.now === undefined ? 1 : 1 + RECENCY_WEIGHT,
      allowed,
    };
    const plans = this.planWords(words);
    let pool: { doc: number; score: number }[];
    let poolWords: Uint8Array;
    if (this.mayReadInOrder(q, plans)) ({ pool, poolWords } = this.readInOrder(q, plans, options.now));
    else {
      const pruned = this.readWords(q, plans, true);
      // After a pruned read, the pool stands only if no passage left out could have changed it (collectPool's `exact`).
      const aloneBound = pruned ? this.firstWordAlone(q, plans[0]!) : undefined;
      let exact: boolean;
      ({ pool, poolWords, exact } = this.collectPool(q, options.now, aloneBound));
      if (!exact) {
        this.readWords(q, plans, false);
        ({ pool, poolWords } = this.collectPool(q, options.now, undefined));
      }
    }
    const stemWords = new Map<string, number>();
    words.forEach((word, w) => {
      for (const e of word.expansions) stemWords.set(e.stem, (stemWords.get(e.stem) ?? 0) | (1 << w));
    });
    const initials = stemInitials(stemWords.keys());
    const candidates: readonly Candidate[] = q.n > 1 ? this.rerankPool(q, pool, poolWords, 1 << plans[0]!.w, stemWords, initials) : pool;
    return this.pickHits(candidates, limit, maxPerEpisode).map((c) => {
      const shown = c.text === undefined ? this.rerank(c.doc, c.score, q.n, stemWords, initials) : c;
      return { passage: this.passageOf(c.doc, shown.text), score: c.score, terms: shown.terms, matches: shown.matches };
    });
  }

  /**
   * Search step 1. Per word: its expansions with their weighted idf, an upper bound on what it can add to one
   * passage, and how many postings it would walk. Rare words first.
   */
  private planWords(words: readonly QueryWord[]): WordPlan[] {
    const N = this.liveDocs;
    const plans = words.map((word, w) => {
      // One written word's stems in several languages (the typed "marbelven": English marbelven, Swedish marbelv) are
      // one word to BM25: its idf counts the passages of all of them, as when the languages shared a stem, so the
      // podcasts of a language with fewer passages do not rank above the rest for being fewer.
      const groupOf = (e: Expansion): string => (e.weight === WEIGHT_EXACT ? '' : (e.group ?? stemWord(e.stem)));
      const dfOfWord = new Map<string, number>();
      for (const e of word.expansions) dfOfWord.set(groupOf(e), (dfOfWord.get(groupOf(e)) ?? 0) + this.df(e));
      const idfOf = (e: Expansion): number => idf(N, dfOfWord.get(groupOf(e)) ?? 0);
      // A prefix or typo expansion never counts as rarer than the word typed, so "crash" is not beaten by "crush".
      const exact = word.expansions.find((e) => e.weight === WEIGHT_EXACT);
      const idfCap = exact === undefined ? Infinity : idfOf(exact);
      let postings = 0;
      let upper = 0;
      const expansions = word.expansions.map((e) => {
        postings += this.df(e);
        const weightedIdf = e.weight * Math.min(idfOf(e), idfCap);
        upper = Math.max(upper, weightedIdf * this.maxImpact);
        return { e, weightedIdf };
      });
      return { w, expansions, postings, upper };
    });
    plans.sort((a, b) => a.postings - b.postings);
    return plans;
  }

  /**
   * Search step 2: each word's postings into the scores, rarest word first. With `prune` (and mayReadShared, or for two
   * words mayReadPair), the first of several words reads in full only its first postings, then only the passages a
   * later word also holds (readShared, readPair); collectPool then tells whether that gave the full read's pool (the
   * return value says whether it must). Two words are read together where mayReadPair allows, pruned or not.
   */
  private readWords(q: QueryRun, plans: readonly WordPlan[], prune: boolean): boolean {
    this.scores.clearDeferred();
    this.scores.touchedCount = 0;
    this.scores.wordTouchedCount = 0;
    if (this.mayReadPair(q, plans)) {
      const [first, second] = plans as [WordPlan, WordPlan];
      const { pruned, secondCount } = this.readPair(q, first, second, prune);
      this.scores.endWord(1 << first.w);
      // The second word's bests readPair made (several expansions), taken up after the first word's endWord.
      this.scores.wordTouchedCount = secondCount;
      // No new-passage bound: mayReadPair made sure none is read by the pool's floor.
      this.readWord(q, second, 1, 0, true);
      this.scores.endWord(1 << second.w);
      return pruned;
    }
    const shared = prune && this.mayReadShared(q, plans);
    let upperRest = plans.reduce((sum, plan) => sum + plan.upper, 0);
    plans.forEach((plan, order) => {
      // MaxScore: a passage that holds none of the words processed so far can score at most upperRest, times the
      // coordination of the words left. If the pool's weakest sure score already beats that, this word only needs
      // to update passages already found, which galloping through its doc-ordered postings does without a scan.
      const coordRest = (q.n - order) / q.n;
      const newDocBound = upperRest * coordRest * coordRest * q.maxRecency;
      upperRest -= plan.upper;
      if (order === 0 && shared) this.readShared(q, plan, plans.slice(1));
      else this.readWord(q, plan, order, newDocBound);
      this.scores.endWord(1 << plan.w);
    });
    return shared;
  }

  /**
   * Whether the first word may be read for shared passages only. A passage holding the first word and no other gets
   * no later word's score and is in no later word's champions; a later word probing or scanning the passages found
   * scores them alike (only fewer found may make it probe where a full read scans), and none reads by the pool's floor
   * (probeOnly, which needs a big expansion without champions); so leaving it out changes nothing but what collectPool's
   * heap sees, which collectPool then checks. Worth it only for a first word with many postings.
   */
  private mayReadShared(q: QueryRun, plans: readonly WordPlan[]): boolean {
    const first = plans[0];
    // One expansion only: with several, a passage in one's prefix (read in full) and past another's would miss the
    // other's score when it holds the first word alone.
    if (q.n < 2 || first === undefined || first.postings < this.pruneFrom || first.expansions.length !== 1) return false;
    // Measured at 13.7 M passages: a first word in 500,000 passages or more pruned 10-25 % slower (its later words'
    // millions of postings cost more to mark than its left-out passages to score); up to 360,000, 1.2-4x faster. Still
    // so with the later words probing the passages found (not counting those left out): 7-14 % slower from 490,000.
    if (first.postings > SHARED_MAX_POSTINGS) return false;
    // And only in a big index: at 1,000,000 passages the per-passage arrays stay in cache, scoring is cheap, and the
    // bitmap did not pay (the slowest two-word queries 10-15 % slower); at 13.7 M scoring misses the cache and it does.
    if (this.liveDocs < this.pruneMinPassages) return false;
    return plans.slice(1).every((plan) => !plan.expansions.some(({ e }) => this.championRange(e, q, 1) === undefined && this.df(e) >= CHAMPION_MIN_DF));
  }

  /**
   * Whether the two words of a query may be read together (readPair): the first with one expansion, in the compact
   * segment, of at least as many postings as pruning starts from, in an index as big; the second without a big
   * expansion lacking champions, so readWord would read each of its champion expansions' postings only for the passages
   * found (probing or scanning, which readPair does instead) and none by the pool's floor (probeOnly).
   */
  private mayReadPair(q: QueryRun, plans: readonly WordPlan[]): boolean {
    const [first, second] = plans;
    if (q.n !== 2 || first === undefined || second === undefined || first.expansions.length !== 1) return false;
    if (first.expansions[0]!.e.compact < 0 || first.postings < this.pruneFrom || this.liveDocs < this.pruneMinPassages) return false;
    // Measured at 13.7 M passages: from 490,000 postings read together (pruned or not) was no faster than apart (CPU
    // time 0.9-1.1x, the slowest up to 1.3x): scoring such a word's passages is cheap next to walking both lists.
    if (first.postings > SHARED_MAX_POSTINGS) return false;
    return !second.expansions.some(({ e }) => this.championRange(e, q, 1) === undefined && this.df(e) >= CHAMPION_MIN_DF);
  }

  /**
   * The first of two words read with the second's compact postings beside it (ScoreAccumulator.scanPair): the second
   * word's expansions with champions scored for the passages found as readWord would (it then reads only their
   * champions), the others only looked at; with `prune`, past a prefix (as readShared's), only passages the second word
   * holds. Returns whether any were left out (then collectPool checks the pool) and the count of the second word's
   * wordTouched entries made (several expansions), for readWords.
   */
  private readPair(q: QueryRun, first: WordPlan, second: WordPlan, prune: boolean): { pruned: boolean; secondCount: number } {
    const scores = this.scores;
    const ranges: number[] = [];
    const rangeIdf: number[] = [];
    for (const { e, weightedIdf } of second.expansions) {
      if (e.compact < 0) continue;
      ranges.push(this.postingOffsets[e.compact] as number, this.postingOffsets[e.compact + 1] as number);
      rangeIdf.push(this.championRange(e, q, 1) === undefined ? 0 : weightedIdf);
    }
    const { e, weightedIdf } = first.expansions[0]!;
    const from = this.postingOffsets[e.compact] as number;
    const end = this.postingOffsets[e.compact + 1] as number;
    const prefixEnd = prune ? Math.min(end, from + Math.max(this.prunePrefix, (end - from) >>> 4)) : end;
    const secondSingle = second.expansions.length === 1;
    const secondCount = scores.scanPair(
      this.postingDocs,
      this.postingTfs,
      from,
      end,
      prefixEnd,
      weightedIdf,
      1 << first.w,
      q.allowed,
      Int32Array.from(ranges),
      Float64Array.from(rangeIdf),
      1 << second.w,
      secondSingle,
    );
    if (e.mutable >= 0) scores.scanMutable(this.mutable, this.mutable.head[e.mutable] as number, weightedIdf, 1 << first.w, true, ALL, q.allowed);
    return { pruned: prefixEnd < end, secondCount };
  }

  /**
   * The first word's postings, only for passages some later word holds too (ScoreAccumulator.scanShared): the later
   * words' passages are set in a bitmap, but for lists so long next to this word's that galloping through them is
   * cheaper.
   */
  private readShared(q: QueryRun, plan: WordPlan, laterPlans: readonly WordPlan[]): void {
    const scores = this.scores;
    const mutable = this.mutable;
    const postingDocs = this.postingDocs;
    const bigRanges: number[] = [];
    const marked: [number, number][] = [];
    const markedMutable: number[] = [];
    for (const later of laterPlans) {
      for (const { e } of later.expansions) {
        if (e.compact >= 0) {
          const from = this.postingOffsets[e.compact] as number;
          const end = this.postingOffsets[e.compact + 1] as number;
          if (end - from > GALLOP_RATIO * plan.postings) bigRanges.push(from, end);
          else marked.push([from, end]);
        }
        if (e.mutable >= 0) markedMutable.push(mutable.head[e.mutable] as number);
      }
    }
    for (const [from, end] of marked) scores.markLater(postingDocs, from, end);
    for (const head of markedMutable) scores.markLaterMutable(mutable, head, false);
    const ranges = Int32Array.from(bigRanges);
    const bit = 1 << plan.w;
    const single = plan.expansions.length === 1;
    for (const { e, weightedIdf } of plan.expansions) {
      if (e.compact >= 0) {
        const from = this.postingOffsets[e.compact] as number;
        const end = this.postingOffsets[e.compact + 1] as number;
        // The first postings in full (collectPool's heap fills on them as on a full read's), then the shared ones.
        const prefixEnd = Math.min(end, from + Math.max(this.prunePrefix, (end - from) >>> 4));
        scores.scanCompact(postingDocs, this.postingTfs, from, prefixEnd, weightedIdf, bit, single, q.allowed, ALL);
        scores.prefixTouched = scores.touchedCount;
        scores.scanShared(postingDocs, this.postingTfs, prefixEnd, end, weightedIdf, bit, single, q.allowed, ranges);
      }
      if (e.mutable >= 0) scores.scanMutable(mutable, mutable.head[e.mutable] as number, weightedIdf, bit, single, ALL, q.allowed);
    }
    // Cleared list by list when they are short, else all at once (a memset of docCount / 8 bytes).
    let markedPostings = 0;
    for (const [from, end] of marked) markedPostings += end - from;
    for (const { e } of laterPlans.flatMap((later) => later.expansions)) if (e.mutable >= 0) markedPostings += mutable.df[e.mutable] as number;
    if (markedPostings > scores.later.length) scores.later.fill(0);
    else {
      for (const [from, end] of marked) scores.clearLater(postingDocs, from, end);
      for (const head of markedMutable) scores.markLaterMutable(mutable, head, true);
    }
  }

  /**
   * The most a passage holding only the first word can weigh in collectPool's heap before recency (its bound, times
   * that coordination and the largest recency), with room for Float32 rounding.
   */
  private firstWordAlone(q: QueryRun, first: WordPlan): number {
    return first.upper * (1 / q.n) * (1 / q.n) * q.maxRecency * (1 + 1e-5);
  }

  /**
   * A later word's lists as scanKnownBest and defer read them: per expansion its compact range of postingDocs
   * (empty: none) and its mutable list's head (-1: none), its weighted idf, and the largest term frequency in any.
   */
  private laterLists(plan: WordPlan): { ranges: Int32Array; heads: Int32Array; rangeIdf: Float64Array; maxTf: Uint8Array } {
    const mutable = this.mutable;
    const ranges = new Int32Array(2 * plan.expansions.length);
    const heads = new Int32Array(plan.expansions.length).fill(-1);
    const rangeIdf = new Float64Array(plan.expansions.length);
    const maxTf = new Uint8Array(FIELD_COUNT).fill(1);
    const docField = this.docField;
    plan.expansions.forEach(({ e, weightedIdf }, i) => {
      rangeIdf[i] = weightedIdf;
      if (e.compact >= 0) {
        ranges[2 * i] = this.postingOffsets[e.compact] as number;
        ranges[2 * i + 1] = this.postingOffsets[e.compact + 1] as number;
        const stemMost = this.maxTf(e.compact);
        for (let f = 0; f < FIELD_COUNT; f++) maxTf[f] = Math.max(maxTf[f] as number, stemMost[f] as number);
      }
      if (e.mutable >= 0) {
        const head = mutable.head[e.mutable] as number;
        heads[i] = head;
        for (let p = head; p >= 0; p = mutable.next[p] as number) {
          const tf = mutable.tf[p] as number;
          const f = docField[mutable.doc[p] as number] as number;
          if (tf > (maxTf[f] as number)) maxTf[f] = tf;
        }
      }
    });
    return { ranges, heads, rangeIdf, maxTf };
  }

  /**
   * What a later word brings in new, expansion by expansion: its champions (all its compact postings for one without),
   * then its mutable postings, for passages not found yet (ONLY_NEW): as a full read of it would, but for the passages
   * found before it, which scanKnownBest or defer read.
   */
  private readNew(q: QueryRun, plan: WordPlan, champions: readonly ([number, number] | undefined)[]): void {
    const scores = this.scores;
    const mutable = this.mutable;
    const bit = 1 << plan.w;
    const single = plan.expansions.length === 1;
    plan.expansions.forEach(({ e, weightedIdf }, i) => {
      if (e.compact >= 0) {
        const chosen = champions[i];
        if (chosen !== undefined) scores.scanCompact(this.championDocs, this.championTfs, chosen[0], chosen[1], weightedIdf, bit, single, q.allowed, ONLY_NEW);
        else scores.scanCompact(this.postingDocs, this.postingTfs, this.postingOffsets[e.compact] as number, this.postingOffsets[e.compact + 1] as number, weightedIdf, bit, single, q.allowed, ONLY_NEW);
      }
      if (e.mutable >= 0) scores.scanMutable(mutable, mutable.head[e.mutable] as number, weightedIdf, bit, single, ONLY_NEW, q.allowed);
    });
  }

  /**
   * Whether several words may be read in order (readInOrder): the first with one expansion, in many passages; no later
   * one with a big expansion lacking champions (readWord would then probe by the pool's floor, probeOnly).
   */
  private mayReadInOrder(q: QueryRun, plans: readonly WordPlan[]): boolean {
    const first = plans[0];
    if (!this.shortcuts || q.n < 2 || first === undefined || first.expansions.length !== 1 || first.postings < IN_ORDER_MIN_POSTINGS) return false;
    return plans
      .slice(1)
      .every((plan) => !plan.expansions.some(({ e }) => this.championRange(e, q, 1) === undefined && this.df(e) >= CHAMPION_MIN_DF));
  }

  /**
   * Several words, the pool collected as the first word's postings are read (ScoreAccumulator.collectFirst), the later
   * words' scores looked up beside each passage only where they could take it into the pool (defer); then what each
   * later word brings in new (readNew), in turn, collected after with the words after it deferred: as collectPool takes
   * the passages a full read of the words finds, in the same order, so the same pool, ties at its edge included.
   * Nothing is written per passage of the first word but its mask (cleared after), where a full read writes its score
   * and lists it, every later word reads it again, and the pool once more.
   */
  private readInOrder(q: QueryRun, plans: readonly WordPlan[], now: number | undefined): { pool: { doc: number; score: number }[]; poolWords: Uint8Array } {
    const first = plans[0]!;
    const later = plans.slice(1);
    const scores = this.scores;
    const mutable = this.mutable;
    scores.clearDeferred();
    scores.touchedCount = 0;
    scores.wordTouchedCount = 0;
    const heap = new TopK(q.poolSize);
    const coordination = coordinationTable(q.n);
    const recency = now === undefined ? undefined : this.episodeRecency(now);
    const lists = later.map((plan) => this.laterLists(plan));
    const defer = (plan: WordPlan, i: number): void => {
      const l = lists[i]!;
      scores.defer(this.postingDocs, this.postingTfs, l.ranges, mutable, l.heads, l.rangeIdf, 1 << plan.w, plan.expansions.length === 1, l.maxTf);
    };
    later.forEach(defer);
    const { e, weightedIdf } = first.expansions[0]!;
    const from = e.compact >= 0 ? (this.postingOffsets[e.compact] as number) : 0;
    const end = e.compact >= 0 ? (this.postingOffsets[e.compact + 1] as number) : 0;
    const head = e.mutable >= 0 ? (mutable.head[e.mutable] as number) : -1;
    scores.collectFirst(this.postingDocs, this.postingTfs, from, end, mutable, head, weightedIdf, 1 << first.w, q.allowed, heap, coordination, q.maxRecency, recency);
    scores.clearDeferred();
    for (const plan of later) {
      this.readNew(q, plan, plan.expansions.map(({ e: x }) => this.championRange(x, q, 1)));
      scores.endWord(1 << plan.w);
    }
    // The passages new to the query: each later word's score for those an earlier one brought in.
    later.forEach((plan, i) => i > 0 && defer(plan, i));
    const { pushed } = scores.collect(heap, coordination, q.maxRecency, recency, this.docEpisode, -1, 0);
    const pool = heap.drainSorted();
    const mask = scores.mask;
    const poolWords = new Uint8Array(pool.length);
    for (let i = 0; i < pool.length; i++) poolWords[i] = mask[pool[i]!.doc] as number;
    for (let i = 0; i < pushed; i++) mask[scores.touched[i] as number] = 0;
    scores.clearFirst(this.postingDocs, from, end, mutable, head);
    return { pool, poolWords };
  }

  /**
   * Per field, the largest term frequency in a compact stem's postings of passages of that field (at least 1), looked up
   * once per compaction (kept in stemMaxTf): only postings of a frequency above 1 have their passage's field read.
   */
  private maxTf(stem: number): Uint8Array {
    if (this.stemMaxTf.length !== this.stems.length * FIELD_COUNT) this.stemMaxTf = new Uint8Array(this.stems.length * FIELD_COUNT);
    const most = this.stemMaxTf.subarray(stem * FIELD_COUNT, (stem + 1) * FIELD_COUNT);
    if (most[0] === 0) {
      most.fill(1);
      const tfs = this.postingTfs;
      const docs = this.postingDocs;
      const docField = this.docField;
      for (let p = this.postingOffsets[stem] as number, end = this.postingOffsets[stem + 1] as number; p < end; p++) {
        const tf = tfs[p] as number;
        if (tf === 1) continue;
        const f = docField[docs[p] as number] as number;
        if (tf > (most[f] as number)) most[f] = tf;
      }
    }
    return most;
  }

  /** An expansion's champion postings, if a later word (order > 0) or a one-word query reads new passages from them. */
  private championRange(e: Expansion, q: QueryRun, order: number): [number, number] | undefined {
    if (e.compact < 0 || (q.n > 1 && order === 0)) return undefined;
    const from = this.championOffsets[e.compact] as number;
    const end = this.championOffsets[e.compact + 1] as number;
    return end > from && this.scores.liveChampions(this.championDocs, from, end, q.allowed) >= q.poolSize ? [from, end] : undefined;
  }

  /**
   * One word's postings into the scores. How each expansion is read:
   * - the first (rarest) word of several: every posting, so passages holding all words are all found;
   * - a one-word query: a big expansion's champions alone;
   * - a later word: passages already found are probed in its postings (galloping, no scan), and passages new
   *   to the query come only from its champions. For two words this is exact (a passage with only the second
   *   word ranks by that word's impact alone); for three or more it is the usual champion-list approximation.
   * - a later word whose expansions lack champions: probed only, if no passage holding just the remaining
   *   words could reach the pool (MaxScore), else read in full.
   * Probing pays only when the passages found are few next to the postings; else one read is cheaper.
   */
  private readWord(q: QueryRun, plan: WordPlan, order: number, newDocBound: number, paired = false): void {
    const scores = this.scores;
    const { n, poolSize, allowed } = q;
    const bit = 1 << plan.w;
    const single = plan.expansions.length === 1;
    const touchedCount = scores.touchedCount;
    const probeCheap = (e: Expansion): boolean => touchedCount * PROBE_RATIO < this.df(e);
    const champions = plan.expansions.map(({ e }) => this.championRange(e, q, order));
    const bigWithoutChampions = plan.expansions.some(({ e }, i) => champions[i] === undefined && this.df(e) >= CHAMPION_MIN_DF);
    const probeOnly =
      order > 0 && bigWithoutChampions && touchedCount * PROBE_RATIO < plan.postings && scores.poolFloor(touchedCount, n, poolSize) > newDocBound;
    // The last of several words, read where it can be for the passages found as collectPool takes them (defer):
    // what each expansion brings in new is read now, as the merged pass reads it.
    const deferred =
      this.shortcuts &&
      order > 0 &&
      order === n - 1 &&
      !paired &&
      !probeOnly &&
      plan.postings >= touchedCount &&
      plan.expansions.length <= MERGED_MAX_EXPANSIONS;
    const needSnapshot = !deferred && (probeOnly || (order > 0 && !paired && plan.expansions.some(({ e }, i) => champions[i] !== undefined && probeCheap(e))));
    const snapshot = needSnapshot ? scores.sortedTouched(touchedCount, this.docCount) : undefined;
    const postingDocs = this.postingDocs;
    const postingTfs = this.postingTfs;
    const mutable = this.mutable;
    // A later word of several expansions, all in the compact segment, none probed: the passages found are read for all
    // of them in one merged pass (scanKnownBest), after what each brings in new (its champions; all its postings for
    // one without, as a full read of it would: the passages found are live and allowed, so only the new are checked).
    const merged =
      this.shortcuts &&
      order > 0 &&
      !paired &&
      !probeOnly &&
      plan.expansions.length > 1 &&
      plan.expansions.length <= MERGED_MAX_EXPANSIONS &&
      plan.expansions.every(({ e }, i) => e.compact >= 0 && e.mutable < 0 && !(champions[i] !== undefined && snapshot !== undefined && probeCheap(e)));
    if (merged || deferred) {
      const lists = this.laterLists(plan);
      this.readNew(q, plan, champions);
      if (deferred) scores.defer(postingDocs, postingTfs, lists.ranges, mutable, lists.heads, lists.rangeIdf, bit, single, lists.maxTf);
      else scores.scanKnownBest(postingDocs, postingTfs, lists.ranges, lists.rangeIdf, bit);
      return;
    }
    plan.expansions.forEach(({ e, weightedIdf }, i) => {
      const chosen = champions[i];
      if (e.compact >= 0) {
        const from = this.postingOffsets[e.compact] as number;
        const end = this.postingOffsets[e.compact + 1] as number;
        if (chosen !== undefined) {
          scores.scanCompact(this.championDocs, this.championTfs, chosen[0], chosen[1], weightedIdf, bit, single, allowed, order > 0 ? ONLY_NEW : ALL);
          // paired: readPair scored the passages found already.
          if (order > 0 && !paired) {
            // The passages found before this word: galloped to when few, else one pass that skips the rest.
            if (snapshot !== undefined && probeCheap(e)) scores.probeCompact(snapshot, postingDocs, postingTfs, from, end, weightedIdf, bit, single);
            else scores.scanCompact(postingDocs, postingTfs, from, end, weightedIdf, bit, single, allowed, ONLY_KNOWN);
          }
        } else if (probeOnly && snapshot !== undefined && end - from >= CHAMPION_MIN_DF) {
          scores.probeCompact(snapshot, postingDocs, postingTfs, from, end, weightedIdf, bit, single);
        } else {
          scores.scanCompact(postingDocs, postingTfs, from, end, weightedIdf, bit, single, allowed, ALL);
        }
      }
      if (e.mutable >= 0) scores.scanMutable(mutable, mutable.head[e.mutable] as number, weightedIdf, bit, single, probeOnly ? ONLY_KNOWN : ALL, allowed);
    });
  }

  /**
   * Search step 3: the best `poolSize` passages by BM25 x coordination squared x recency, best first, with the query
   * words each matched (`poolWords`, parallel to `pool`). Clears the scratch for the next query.
   */
  private collectPool(
    q: QueryRun,
    now: number | undefined,
    aloneBound: number | undefined,
  ): { pool: { doc: number; score: number }[]; poolWords: Uint8Array; exact: boolean } {
    const mask = this.scores.mask;
    const touched = this.scores.touched;
    const heap = new TopK(q.poolSize);
    const coordination = coordinationTable(q.n);
    const recency = now === undefined ? undefined : this.episodeRecency(now);
    // After a pruned read (readShared), the passages come as on a full read but for those the first word's postings
    // past its prefix hold alone. Each of those would meet collect's check (score * maxRecency <= heap.min(): never
    // pushed, the heap unchanged) once the heap's least is at least aloneBound; so if it is by the first passage past
    // the prefix, the heap ends as the full read's, ties at its edge included. Else the caller reads in full.
    const prefixEnd = aloneBound === undefined ? -1 : this.scores.prefixTouched;
    // The scratch is cleared as it is read, saving a second pass over every passage found: only passages offered to
    // the pool keep their mask (read below for the rerank), listed at the front of `touched` (never past the read
    // position) to be cleared after.
    const { pushed, exact } = this.scores.collect(heap, coordination, q.maxRecency, recency, this.docEpisode, prefixEnd, aloneBound ?? 0);
    const pool = heap.drainSorted();
    // A typed array, as mask is: an Array from pool.map comes out packed or holey depending on how V8 ran the map,
    // and the optimized search bailed out to the interpreter on the kind it had not seen, about one two-word query in ten.
    const poolWords = new Uint8Array(pool.length);
    for (let i = 0; i < pool.length; i++) poolWords[i] = mask[pool[i]!.doc] as number;
    for (let i = 0; i < pushed; i++) mask[touched[i] as number] = 0;
    return { pool, poolWords, exact };
  }

  /**
   * Search step 4 (several words): candidates are reranked with the phrase bonus best first until the next one, even
   * with the largest bonus, could not displace a hit; a candidate that cannot get a bonus keeps its score as it is,
   * and is analysed only if it is shown. (One word has no phrase to reward: only the hits shown are analysed.)
   */
  private rerankPool(
    q: QueryRun,
    pool: readonly { doc: number; score: number }[],
    poolWords: Uint8Array,
    rarestBit: number,
    stemWords: ReadonlyMap<string, number>,
    initials: ReadonlySet<number> | undefined,
  ): Candidate[] {
    const { n, limit, maxPerEpisode } = q;
    // Kept in order (byScoreThenDoc) as they come, rather than sorted again at every check.
    const ranked: Candidate[] = [];
    for (let i = 0; i < pool.length; i++) {
      const { doc, score } = pool[i]!;
      if (i >= limit && i % limit === 0 && score * MAX_RERANK_FACTOR < this.lastHitScore(ranked, limit, maxPerEpisode)) break;
      insertRanked(ranked, mayGainPhraseBonus(poolWords[i] as number, n, rarestBit) ? this.rerank(doc, score, n, stemWords, initials) : pool[i]!);
    }
    return ranked;
  }

  /** phraseRerank.rerank on a passage's text, stemmed in its own language (words skipped by initial only where that is safe). */
  private rerank(doc: number, score: number, n: number, stemWords: ReadonlyMap<string, number>, initials: ReadonlySet<number> | undefined): Reranked {
    const language = this.docLanguage[doc] as number;
    return rerank(doc, this.textOf(doc), score, n, stemWords, keepsInitial(language) ? initials : undefined, language);
  }

  /** Search step 5: the first `limit` of these candidates (best first), at most `maxPerEpisode` from one episode: the hits shown. */
  private pickHits<C extends { doc: number }>(candidates: readonly C[], limit: number, maxPerEpisode: number): C[] {
    const perEpisode = new Map<number, number>();
    const picked: C[] = [];
    for (const c of candidates) {
      const episode = this.docEpisode[c.doc] as number;
      const used = perEpisode.get(episode) ?? 0;
      if (used >= maxPerEpisode) continue;
      perEpisode.set(episode, used + 1);
      picked.push(c);
      if (picked.length >= limit) break;
    }
    return picked;
  }

  /** The score of the last of `limit` hits picked from these candidates (in byScoreThenDoc order) as `search` picks them; 0 if too few. */
  private lastHitScore(ranked: readonly { doc: number; score: number }[], limit: number, maxPerEpisode: number): number {
    const picked = this.pickHits(ranked, limit, maxPerEpisode);
    return picked.length === limit ? (picked[limit - 1]?.score ?? 0) : 0;
  }

  private textOf(doc: number): string {
    if (doc >= this.compactDocs) {
      const i = doc - this.compactDocs;
      return this.decoder.decode(this.mutableTextBytes.subarray(this.mutableTextOffsets[i], this.mutableTextOffsets[i + 1]));
    }
    return this.decoder.decode(this.textBytes.subarray(this.textOffsets[doc], this.textOffsets[doc + 1]));
  }

  private passageOf(doc: number, text: string): Passage {
    const episode = this.docEpisode[doc] as number;
    const passage: Passage = {
      podcastId: this.podcastIds[this.episodePodcast[episode] as number] as string,
      episodeId: this.episodeIds[episode] as string,
      startSeconds: this.startOf(doc),
      field: PASSAGE_FIELDS[this.docField[doc] as number] as PassageField,
      text,
    };
    const published = this.publishedOf(episode);
    if (published) passage.publishedAt = published;
    const language = this.podcastDeclared[this.episodePodcast[episode] as number];
    if (language) passage.language = language;
    return passage;
  }

  /** The BM25 factors by (field, length) slot (bm25ImpactTables), recomputed only when the field averages changed. */
  private ensureImpacts(): void {
    const key = `${this.fieldDocs.join(',')}|${this.fieldLength.join(',')}`;
    if (key === this.impactKey) return;
    const factors = bm25ImpactTables({ k1: this.k1, b: this.b, fieldBoost: this.fieldBoost, fieldDocs: this.fieldDocs, fieldLength: this.fieldLength });
    this.impactByLength = factors.impact;
    this.normByLength = factors.norm;
    this.maxImpact = factors.maxImpact;
    this.impactKey = key;
  }

  /**
   * Per episode: its recency factor (bm25.ts episodeRecency). Cached per day of `now`; episodes added since are computed
   * alone (an episode's date never changes under its number), not every episode again: at a million episodes that
   * was 0.15 s on the first query after every poll or podcast indexed, and on the first after a start.
   */
  private episodeRecency(now: number): Float32Array {
    this.recencySteps(now, Infinity).next();
    return this.recencyCache;
  }

  /**
   * Brings the recency cache up to `now`'s day and every episode, yielding after every `slice` episodes computed (a
   * start does it before the first query, in slices: see Library.loadIndexInSlices). The factors are the same either way.
   */
  *recencySteps(now: number, slice = RECENCY_SLICE_EPISODES): Generator<void, void, void> {
    const day = recencyDay(now);
    const count = this.episodeCount;
    let from = day === this.recencyDay && count >= this.recencyCount ? this.recencyCount : 0;
    if (from === count) return;
    let out = from === 0 ? new Float32Array(count) : this.recencyCache;
    if (out.length < count) {
      // By an eighth, as the episode tables grow.
      const grown = new Float32Array(Math.max(count, out.length + (out.length >>> 3), 64));
      grown.set(out.subarray(0, from));
      out = grown;
    }
    this.recencyDay = Number.NaN;
    while (from < count) {
      const to = Math.min(count, from + slice);
      out.set(episodeRecency(now, this.episodePublishedMs.subarray(from, to), to - from), from);
      from = to;
      // Kept as far as computed: a query meanwhile (this index answering) goes on from there.
      this.recencyCache = out;
      this.recencyDay = day;
      this.recencyCount = from;
      if (from < count) yield;
    }
  }

  // ------------------------------------------------------------------ suggestions (suggestions.ts)

  /**
   * "Did you mean": the query with each word the index does not know replaced by its closest dictionary words
   * (fewest edits, then most frequent). Empty when every word is known. With `podcastIds`, known and suggested
   * words are those of these podcasts only.
   */
  suggest(query: string, limit = 3, podcastIds?: readonly string[]): string[] {
    const allowed = podcastIds === undefined ? undefined : this.podcastFilter(podcastIds);
    if (podcastIds !== undefined && allowed === undefined) return [];
    return suggestQueries(query, limit, allowed, this.lexicon);
  }

  /**
   * Autocomplete: the query with its last (partial) word completed, best first. Completions that occur together
   * with the earlier words rank by how many passages hold them all; otherwise by how common the word is. With
   * `podcastIds`, only words these podcasts hold are offered, and only their passages count as together.
   */
  complete(prefix: string, limit = 5, podcastIds?: readonly string[]): string[] {
    const allowed = podcastIds === undefined ? undefined : this.podcastFilter(podcastIds);
    if (podcastIds !== undefined && allowed === undefined) return [];
    return completeQuery(prefix, limit, allowed, this.lexicon);
  }

  /** See CompletionSource.countTogether (suggestions.ts). */
  private countTogether(previous: readonly Expansion[], candidates: readonly Expansion[], allowed: Uint8Array | undefined): number[] {
    const counts = candidates.map(() => 0);
    this.scores.ensureSize(this.docCount);
    const mask = this.scores.mask;
    const touched = this.scores.touched;
    let touchedCount = 0;
    // mask[doc] counts how many earlier words the passage holds, in order, so only full matches reach the end.
    // Passages of podcasts out of reach never start, so they are never counted.
    const podcastOf = (doc: number): number => this.episodePodcast[this.docEpisode[doc] as number] as number;
    previous.forEach((e, i) => {
      this.forEachPosting(e, (doc) => {
        if (mask[doc] !== i) return;
        if (i === 0) {
          if (allowed !== undefined && allowed[podcastOf(doc)] !== 1) return;
          touched[touchedCount++] = doc;
        }
        mask[doc] = i + 1;
      });
    });
    candidates.forEach((c, i) => {
      this.forEachPosting(c, (doc) => {
        if (mask[doc] === previous.length && this.docDeleted[doc] === 0) counts[i] = (counts[i] as number) + 1;
      });
    });
    for (let i = 0; i < touchedCount; i++) mask[touched[i] as number] = 0;
    return counts;
  }

  private forEachPosting(e: Expansion, visit: (doc: number) => void): void {
    if (e.compact >= 0) {
      const end = this.postingOffsets[e.compact + 1] as number;
      for (let p = this.postingOffsets[e.compact] as number; p < end; p++) visit(this.postingDocs[p] as number);
    }
    if (e.mutable >= 0) {
      for (let p = this.mutable.head[e.mutable] as number; p >= 0; p = this.mutable.next[p] as number) visit(this.mutable.doc[p] as number);
    }
  }

  // ------------------------------------------------------------------ persistence and accounting

  stats(): SearchIndexStats {
    return {
      passages: this.liveDocs,
      deletedPassages: this.deletedDocs,
      episodes: this.episodeCount,
      podcasts: this.podcastIds.length,
      stems: this.stems.length + this.mutable.stems.filter((s) => this.findCompactStem(s) < 0).length,
      surfaces: this.surfaces.length + this.mutableSurfaces.size,
      compactPassages: this.compactDocs,
      mutablePassages: this.docCount - this.compactDocs,
    };
  }

  /** An estimate of the bytes this index holds: typed arrays exactly, strings and maps by V8's usual sizes. */
  memoryBytes(): number {
    const typed: NumericArray[] = [
      this.docEpisode, this.docStart, this.docField, this.docLength, this.docDeleted,
      this.docLanguage, this.podcastLanguages, this.surfaceLanguage,
      this.episodePodcast, this.episodePublishedMs, this.episodePublishedIso, this.episodeFirstDoc, this.episodeEndDoc,
      this.textBytes, this.textOffsets, this.postingOffsets, this.postingDocs, this.postingTfs,
      this.surfaceStem, this.surfaceCount,
      ...this.mutable.arrays(), this.mutableTextBytes, this.mutableTextOffsets,
      this.impactByLength, this.normByLength, this.recencyCache, this.championOffsets, this.championDocs, this.championTfs,
    ];
    let bytes = this.scores.byteLength();
    // By buffer, each once: a loaded index's arrays are views on the saved body, which lives whole (its string
    // sections and the library's parts with it) while any of them does.
    const buffers = new Set<ArrayBufferLike>();
    for (const a of typed) buffers.add(a.buffer);
    for (const buffer of buffers) bytes += buffer.byteLength;
    // A one-byte V8 string: ~16 bytes of header plus its characters (rounded), plus the 8-byte slot pointing to it.
    const strings = (list: readonly string[]): number => {
      let sum = 0;
      for (const s of list) sum += 24 + s.length;
      return sum;
    };
    bytes += strings(this.stems) + strings(this.surfaces) + strings(this.surfaceDisplay);
    bytes += strings(this.episodeIds) + strings(this.episodePublished) + strings(this.podcastIds) + strings(this.podcastDeclared);
    bytes += strings(this.mutable.stems);
    // Map entries: ~3 slots in the hash table plus the key string (already counted or short).
    bytes += (this.episodeIndex.size + this.episodeIndexShared.size + this.podcastIndex.size + this.mutable.stemIndex.size) * 40;
    bytes += this.episodeIndexShared.size * 24;
    bytes += this.mutableSurfaces.size * (40 + 56 + 24);
    return bytes;
  }

  /** Writes the index (compacted first) as one buffer (layout: searchIndexFormat.ts). */
  serialize(): Uint8Array {
    this.compact();
    return encodeIndex(
      {
        k1: this.k1,
        b: this.b,
        mutableLimit: this.mutableLimit,
        fieldBoost: Array.from(this.fieldBoost),
        docCount: this.docCount,
        episodeCount: this.episodeCount,
        counts: {
          stems: this.stems.length,
          surfaces: this.surfaces.length,
          episodes: this.episodeIds.length,
          podcasts: this.podcastIds.length,
        },
        fieldDocs: Array.from(this.fieldDocs),
        fieldLength: Array.from(this.fieldLength),
      },
      [
        ['docEpisode', this.docEpisode.subarray(0, this.docCount)],
        ['docStart', this.docStart.subarray(0, this.docCount)],
        ['docField', this.docField.subarray(0, this.docCount)],
        ['docLength', this.docLength.subarray(0, this.docCount)],
        ['docLanguage', this.docLanguage.subarray(0, this.docCount)],
        ['episodePodcast', this.episodePodcast.subarray(0, this.episodeCount)],
        ['episodePublishedMs', this.episodePublishedMs.subarray(0, this.episodeCount)],
        ['textOffsets', this.textOffsets],
        ['textBytes', this.textBytes],
        ['postingOffsets', this.postingOffsets],
        ['postingDocs', this.postingDocs],
        ['postingTfs', this.postingTfs],
        ['surfaceLanguage', this.surfaceLanguage],
        ['surfaceStem', this.surfaceStem],
        ['surfaceCount', this.surfaceCount],
        ['championOffsets', this.championOffsets],
        ['championDocs', this.championDocs],
        ['championTfs', this.championTfs],
        ['stems', this.stems],
        ['surfaces', this.surfaces],
        ['surfaceDisplay', this.surfaceDisplay],
        ['episodeIds', this.episodeIds],
        ['episodePublished', this.episodePublished.map((_, e) => this.publishedOf(e))],
        ['podcastIds', this.podcastIds],
        ['podcastDeclared', this.podcastDeclared],
      ],
    );
  }

  /**
   * Reads what `serialize` wrote. Bytes on a SharedArrayBuffer (a saved file read into one): the arrays are views on
   * them, nothing copied; other bytes: each array copied into a SharedArrayBuffer of its own, exactly its size (the
   * caller's bytes are not kept). Either way a compaction worker reads the arrays where they are. `runtime`: a
   * compactor, and a mutableLimit other than the saved one (the other options are the saved ones). All at once: see
   * `loadInSlices` for the thread that answers.
   */
  static load(bytes: Uint8Array, runtime: Pick<SearchIndexOptions, 'compactor' | 'mutableLimit'> = {}): SearchIndex {
    const steps = SearchIndex.loadSteps(bytes, runtime);
    for (;;) {
      const step = steps.next();
      if (step.done === true) return step.value;
    }
  }

  /**
   * As `load`, awaiting `pause` between slices of its per-episode and per-passage work (each a few milliseconds at
   * most), so the event loop turns meanwhile. The index is the caller's only when whole.
   */
  static async loadInSlices(
    bytes: Uint8Array,
    runtime: Pick<SearchIndexOptions, 'compactor' | 'mutableLimit'>,
    pause: () => Promise<void>,
    tables?: PlacedTables,
  ): Promise<SearchIndex> {
    const steps = SearchIndex.loadSteps(bytes, runtime, tables);
    for (;;) {
      const step = steps.next();
      if (step.done === true) return step.value;
      await pause();
    }
  }

  /**
   * Where the tables of a saved image lie in it, read from its header alone (`readAt`): a reader can then put each in a
   * SharedArrayBuffer of its own and hand them to loadSteps as `tables` (by where each starts), used as they are.
   */
  static tableRanges(readAt: ReadAt, length: number): Promise<[number, number, number][]> {
    // The third: room to leave after a table the next passages added grow (see withRoom).
    return indexTableRanges(readAt, length, (name) => !STRING_SECTIONS.has(name), (name, byteLength) => (GROWING_SECTIONS.has(name) ? roomFor(byteLength) : 0));
  }

  /**
   * `load`'s work, yielding between slices (LOAD_SLICE_*): what load and loadInSlices drive. `tables`: sections read
   * apart (see tableRanges), each used as it is.
   */
  static *loadSteps(bytes: Uint8Array, runtime: Pick<SearchIndexOptions, 'compactor' | 'mutableLimit'> = {}, tables?: PlacedTables): Generator<void, SearchIndex, void> {
    const image = decodeIndex(bytes, tables);
    const header = image.header;
    const get = image.array;
    const fieldBoost: Partial<Record<PassageField, number>> = {};
    PASSAGE_FIELDS.forEach((field, i) => (fieldBoost[field] = header.fieldBoost[i] ?? DEFAULT_FIELD_BOOST[field]));
    const index = new SearchIndex({ k1: header.k1, b: header.b, mutableLimit: header.mutableLimit, fieldBoost, ...runtime });
    // A string list, a piece at a time (decoding and splitting a million ids is a long hold in one go).
    function* strings(name: string, count: number): Generator<void, string[], void> {
      const list: string[] = [];
      for (const piece of image.stringPieces(name, count, LOAD_SLICE_BYTES)) {
        for (const s of piece) list.push(s);
        yield;
      }
      if (list.length !== count) throw new Error(`search index: ${name} holds ${list.length} strings, expected ${count}`);
      return list;
    }
    index.docCount = header.docCount;
    index.compactDocs = header.docCount;
    index.liveDocs = header.docCount;
    index.docEpisode = get<Uint32Array>('docEpisode');
    index.docStart = get<Uint32Array | Float64Array>('docStart');
    index.docField = get<Uint8Array>('docField');
    index.docLength = get<Uint16Array>('docLength');
    index.docLanguage = get<Uint8Array>('docLanguage');
    index.docDeleted = new Uint8Array(withRoom(header.docCount, roomFor(header.docCount), false), 0, header.docCount);
    index.fieldDocs.set(header.fieldDocs);
    index.fieldLength.set(header.fieldLength);
    index.episodeCount = header.episodeCount;
    // Copies, not views (12 bytes an episode): a compaction replaces every other table, never these, and one view
    // left on the saved bytes would keep all of them alive after it.
    const own = <T extends NumericArray>(a: T): T => (a.buffer === bytes.buffer ? copyShared(a) : a);
    index.episodePodcast = own(get<Uint32Array>('episodePodcast'));
    index.episodePublishedMs = own(get<Float64Array>('episodePublishedMs'));
    if (index.docEpisode.length !== header.docCount || index.episodePodcast.length !== header.episodeCount) throw new Error('search index: tables of other sizes than its header says');
    index.episodeIds = yield* strings('episodeIds', header.counts.episodes);
    index.episodePublishedIso = new Uint8Array(withRoom(header.episodeCount, roomFor(header.episodeCount), false), 0, header.episodeCount);
    // The dates read from their bytes: one in the ISO form of its time (nearly every one) is known there, and no
    // string is made for it (a million strings made and dropped, and isoForm on each, were ~0.6 s of a start at a
    // million episodes); any other is decoded as the strings above are.
    index.episodePublished = new Array<string>(header.counts.episodes);
    const dates = image.stringBytes('episodePublished');
    const decoder = new TextDecoder();
    let from = 0;
    for (let e = 0; e < header.counts.episodes; e++) {
      if (e % LOAD_SLICE_EPISODES === LOAD_SLICE_EPISODES - 1) yield;
      if (from > dates.length) throw new Error(`search index: episodePublished holds ${e} strings, expected ${header.counts.episodes}`);
      const nul = dates.indexOf(0, from);
      const to = nul < 0 ? dates.length : nul;
      if (to - from === 24 && isoFormBytes(dates, from, index.episodePublishedMs[e] as number)) {
        index.episodePublished[e] = '';
        index.episodePublishedIso[e] = 1;
      } else {
        const date = decoder.decode(dates.subarray(from, to));
        // As isoForm reads a string (the bytes above are only ever read as ASCII).
        const iso = isoForm(date, index.episodePublishedMs[e] as number);
        index.episodePublished[e] = iso ? '' : date;
        index.episodePublishedIso[e] = iso ? 1 : 0;
      }
      from = to + 1;
    }
    if (header.counts.episodes > 0 && from !== dates.length + 1) throw new Error(`search index: episodePublished holds more strings than ${header.counts.episodes}`);
    index.podcastIds = yield* strings('podcastIds', header.counts.podcasts);
    index.podcastIds.forEach((id, i) => index.podcastIndex.set(id, i));
    index.podcastDeclared = yield* strings('podcastDeclared', header.counts.podcasts);
    index.podcastLanguages = new Uint32Array(header.counts.podcasts);
    for (let doc = 0; doc < header.docCount; doc++) {
      if (doc % LOAD_SLICE_DOCS === LOAD_SLICE_DOCS - 1) yield;
      const p = index.episodePodcast[index.docEpisode[doc] as number] as number;
      index.podcastLanguages[p] = (index.podcastLanguages[p] as number) | (1 << (index.docLanguage[doc] as number));
    }
    // The episode maps are filled later (rememberLoadedSteps).
    index.loadedEpisodes = header.episodeCount;
    index.loadedPodcasts = header.counts.podcasts;
    index.episodeFirstDoc = new Uint32Array(withRoom(4 * header.episodeCount, roomFor(4 * header.episodeCount), false), 0, header.episodeCount);
    index.episodeEndDoc = new Uint32Array(withRoom(4 * header.episodeCount, roomFor(4 * header.episodeCount), false), 0, header.episodeCount);
    // rebuildEpisodeRanges, in slices (a fresh index: the ranges start zeroed).
    for (let doc = header.docCount - 1; doc >= 0; doc--) {
      if (doc % LOAD_SLICE_DOCS === 0) yield;
      const e = index.docEpisode[doc] as number;
      if (index.episodeEndDoc[e] === 0) index.episodeEndDoc[e] = doc + 1;
      index.episodeFirstDoc[e] = doc;
    }
    index.textOffsets = get<Uint32Array>('textOffsets');
    index.textBytes = get<Uint8Array>('textBytes');
    index.stems = yield* strings('stems', header.counts.stems);
    index.postingOffsets = get<Uint32Array>('postingOffsets');
    index.postingDocs = get<Uint32Array>('postingDocs');
    index.postingTfs = get<Uint8Array>('postingTfs');
    index.surfaces = yield* strings('surfaces', header.counts.surfaces);
    index.surfaceDisplay = yield* strings('surfaceDisplay', header.counts.surfaces);
    index.surfaceLanguage = get<Uint8Array>('surfaceLanguage');
    index.surfaceStem = get<Uint32Array>('surfaceStem');
    index.surfaceCount = get<Uint32Array>('surfaceCount');
    index.championOffsets = get<Uint32Array>('championOffsets');
    index.championDocs = get<Uint32Array>('championDocs');
    index.championTfs = get<Uint8Array>('championTfs');
    return index;
  }
}

/**
 * Loading in slices (loadSteps) yields after this many episodes (a date check and a map entry each, ~1 µs), passages
 * (a table read or two each) and bytes of string lists decoded and split: each slice a few milliseconds at most.
 */
const LOAD_SLICE_EPISODES = 2_048;

/** The sections `serialize` writes as string lists (every other one is a table). */
const STRING_SECTIONS = new Set(['stems', 'surfaces', 'surfaceDisplay', 'episodeIds', 'episodePublished', 'podcastIds', 'podcastDeclared']);
const LOAD_SLICE_DOCS = 262_144;
/**
 * The saved tables a load takes at their exact size and the first passages added grow (ensureSnug): a reader leaves
 * them room (SearchIndex.tableRanges), as the load does for the tables it makes itself (docDeleted, the episode ranges).
 */
const GROWING_SECTIONS = new Set(['docEpisode', 'docStart', 'docField', 'docLength', 'docLanguage', 'episodePodcast', 'episodePublishedMs']);
/** Recency factors computed per slice before a start's first query (~0.15 µs each). */
const RECENCY_SLICE_EPISODES = 65_536;
const LOAD_SLICE_BYTES = 512 * 1024;

/** What one search carries between its steps. */
interface QueryRun {
  words: readonly QueryWord[];
  n: number;
  limit: number;
  maxPerEpisode: number;
  /** How many candidates are kept for the rerank. */
  poolSize: number;
  maxRecency: number;
  allowed: Uint8Array | undefined;
}

/** A query word ready to read: its expansions' weighted idf, its most per passage, and its postings to walk. */
interface WordPlan {
  w: number;
  expansions: { e: Expansion; weightedIdf: number }[];
  postings: number;
  upper: number;
}

/** A pool entry: reranked (with its text) or not yet (analysed only if shown). */
type Candidate = Reranked | { doc: number; score: number; text?: undefined };

/**
 * Passage starts in whole milliseconds as seconds (exact), on a SharedArrayBuffer when the given ones are (so what a
 * compaction worker reads stays shared, see ensure.ts).
 */
function msToSeconds(ms: Uint32Array): Float64Array {
  const seconds = ms.buffer instanceof SharedArrayBuffer ? sharedLike(new Float64Array(0), ms.length) : new Float64Array(ms.length);
  for (let i = 0; i < ms.length; i++) seconds[i] = (ms[i] as number) / 1000;
  return seconds;
}

/** A copy on a SharedArrayBuffer of its own (what a compaction worker reads without a copy). */
function copyShared<T extends NumericArray>(array: T): T {
  const copy = sharedLike(array, array.length);
  (copy as Uint8Array).set(array as unknown as ArrayLike<number>);
  return copy;
}

/**
 * Whether a date as given is what `new Date(ms).toISOString()` writes, so it need not be kept as a string. Read from
 * its digits rather than by writing `ms` out again: a load asks this of every episode (a million Date objects and
 * strings took ~0.5 s of a start at a million episodes, on the thread that answers).
 */
function isoForm(published: string, ms: number): boolean {
  if (published.length !== 24 || !Number.isFinite(ms)) return false;
  // YYYY-MM-DDTHH:mm:ss.sssZ (read without a closure made per call: a million of them, each also named by tsx's
  // loader, held a start 0.2-0.3 s at a million episodes)
  const p = published;
  if (p.charCodeAt(4) !== 45 || p.charCodeAt(7) !== 45 || p.charCodeAt(10) !== 84 || p.charCodeAt(13) !== 58) return false;
  if (p.charCodeAt(16) !== 58 || p.charCodeAt(19) !== 46 || p.charCodeAt(23) !== 90) return false;
  const year = digitsAt(published, 0, 4);
  const month = digitsAt(published, 5, 2);
  const day = digitsAt(published, 8, 2);
  const hour = digitsAt(published, 11, 2);
  const minute = digitsAt(published, 14, 2);
  const second = digitsAt(published, 17, 2);
  const milli = digitsAt(published, 20, 3);
  if ((year | month | day | hour | minute | second | milli) < 0) return false;
  // Date.UTC reads years 0-99 as 1900-1999.
  if (year < 100) return new Date(ms).toISOString() === published;
  return isoPartsAre(ms, year, month, day, hour, minute, second, milli);
}

/**
 * Whether the parts of an ISO time (a year of 100 or more) are the one way toISOString writes `ms`: no day 30 of
 * February, no hour 24 (which Date.UTC would read as the next day).
 */
function isoPartsAre(ms: number, year: number, month: number, day: number, hour: number, minute: number, second: number, milli: number): boolean {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  if (month < 1 || month > 12 || day < 1 || day > days || hour > 23 || minute > 59 || second > 59) return false;
  return Date.UTC(year, month - 1, day, hour, minute, second, milli) === ms;
}

/**
 * isoForm over the 24 bytes at `at` (UTF-8 as saved): true only where isoForm would be for the string they spell. Only
 * ASCII passes the checks below, so those bytes are that string's characters; a year under 100 is left to isoForm.
 */
function isoFormBytes(bytes: Uint8Array, at: number, ms: number): boolean {
  if (!Number.isFinite(ms)) return false;
  if (bytes[at + 4] !== 45 || bytes[at + 7] !== 45 || bytes[at + 10] !== 84 || bytes[at + 13] !== 58) return false;
  if (bytes[at + 16] !== 58 || bytes[at + 19] !== 46 || bytes[at + 23] !== 90) return false;
  const year = byteDigitsAt(bytes, at, 4);
  const month = byteDigitsAt(bytes, at + 5, 2);
  const day = byteDigitsAt(bytes, at + 8, 2);
  const hour = byteDigitsAt(bytes, at + 11, 2);
  const minute = byteDigitsAt(bytes, at + 14, 2);
  const second = byteDigitsAt(bytes, at + 17, 2);
  const milli = byteDigitsAt(bytes, at + 20, 3);
  if ((year | month | day | hour | minute | second | milli) < 0 || year < 100) return false;
  return isoPartsAre(ms, year, month, day, hour, minute, second, milli);
}

/** digitsAt over bytes: the number `length` ASCII digits at `from` spell; -1 when one of them is not a digit. */
function byteDigitsAt(bytes: Uint8Array, from: number, length: number): number {
  let value = 0;
  for (let i = from; i < from + length; i++) {
    const digit = (bytes[i] as number) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** The number `length` decimal digits at `from` spell; -1 when one of them is not a digit. */
function digitsAt(text: string, from: number, length: number): number {
  let value = 0;
  for (let i = from; i < from + length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** The mutable dictionary's key for a word of a language. */
function surfaceKey(folded: string, language: LanguageId): string {
  return language === 0 ? folded : `${folded}\u0000${language}`;
}
