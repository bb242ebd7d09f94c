import { forEachTerm } from './analyze.js';
import { editDistance, fuzzyScan } from './fuzzyScan.js';
import { PASSAGE_FIELDS } from './passage.js';
import type { Passage, PassageField } from './passage.js';
import { lowerBound, sortedPrefixRange } from './sortedPrefixRange.js';
import { stem } from './stem.js';
import { isStopWord } from './stopWords.js';
import { tokenize } from './tokenize.js';
import type { MatchRange, SearchHit, SearchOptions, TopicSearch } from './TopicSearch.js';

/**
 * A BM25 inverted index over time-coded passages, held in typed arrays.
 *
 * Two segments share one document table:
 * - the compact segment: a sorted stem dictionary with CSR postings (offsets, doc ids, term frequencies) and a
 *   sorted dictionary of surface words (folded, unstemmed) for prefix and typo matching; passage texts as one
 *   UTF-8 blob. It is what `serialize` writes raw and `load` maps back.
 * - the mutable segment: passages added since the last compaction, with linked-list postings in growable arrays.
 *   When it grows past a quarter of the compact segment (or `mutableLimit`), the two are merged; no text is
 *   re-analysed.
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
 * The best 40 are then reranked with a phrase/proximity bonus from their text, and grouped per episode.
 */

type NumericArray = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

/** Grows a typed array to hold at least `size` elements (doubling, so appends are amortised O(1)). */
function ensure<T extends NumericArray>(array: T, size: number): T {
  if (size <= array.length) return array;
  const Ctor = array.constructor as new (length: number) => T;
  const next = new Ctor(Math.max(size, array.length * 2, 64));
  (next as Uint8Array).set(array as unknown as ArrayLike<number>);
  return next;
}

const FIELD_CODE: Record<PassageField, number> = {
  chapterTitle: 0,
  chapterDescription: 1,
  episodeTitle: 2,
  notes: 3,
  transcript: 4,
};
/** chapterTitle > episodeTitle > chapterDescription > transcript > notes: a chapter title names the topic at that second. */
const DEFAULT_FIELD_BOOST: Record<PassageField, number> = {
  chapterTitle: 3,
  chapterDescription: 1.6,
  episodeTitle: 2,
  notes: 1,
  transcript: 1.3,
};
const FIELD_COUNT = PASSAGE_FIELDS.length;

/** Weights of a query word's expansions: exact > prefix > typo. */
const WEIGHT_EXACT = 1;
const WEIGHT_PREFIX = 0.6;
const WEIGHT_FUZZY = [1, 0.4, 0.25] as const;
const MAX_PREFIX_EXPANSIONS = 24;
const MAX_FUZZY_EXPANSIONS = 16;
const MIN_PREFIX_LENGTH = 2;
const MAX_QUERY_WORDS = 8;
/**
 * Champion lists: a stem in at least CHAMPION_MIN_DF passages also keeps its CHAMPIONS best postings by BM25 impact.
 * A one-word query takes its top candidates from those instead of walking 200k postings: the best passages for
 * max-over-expansions are within the union of each expansion's own best (exact up to recency, which can move a
 * score by 2 %, and field averages drifting since the last compaction).
 */
const CHAMPION_MIN_DF = 1024;
/** Slots in a block of a stem's mutable postings: the stem's postings so far, within these bounds. */
const MUTABLE_BLOCK_MIN = 2;
const MUTABLE_BLOCK_MAX = 1024;
const CHAMPIONS = 256;
/** Which postings scanCompact reads: all, only passages not yet found, only passages already found. */
const ALL = 0;
const ONLY_NEW = 1;
const ONLY_KNOWN = 2;
/** A later word probes the passages found so far only if they are fewer than 1/PROBE_RATIO of its postings. */
const PROBE_RATIO = 8;
/** Adjacent query words in order multiply the score by up to 1 + PHRASE_BONUS; near ones (<= 3 words) by less. */
const PHRASE_BONUS = 0.5;
const NEAR_BONUS = 0.2;
const NEAR_WINDOW = 3;
/** The most the phrase rerank can multiply a score by (with a hair for rounding). */
const MAX_RERANK_FACTOR = (1 + Math.max(PHRASE_BONUS, NEAR_BONUS)) * (1 + 1e-9);
/** Recency: at most +2 %, halving every year: it only separates near-equal scores. */
const RECENCY_WEIGHT = 0.02;
const RECENCY_HALF_LIFE_DAYS = 365;
const DAY_MS = 86_400_000;

const FORMAT_MAGIC = 0x49534350; // "PCSI" little-endian
const FORMAT_VERSION = 1;

export interface SearchIndexOptions {
  /** BM25 term-frequency saturation (default 1.2). */
  k1?: number;
  /** BM25 length normalisation (default 0.75). */
  b?: number;
  /** Merge the mutable segment into the compact one when it holds more passages than this and than a quarter of the compact segment (default 20 000). */
  mutableLimit?: number;
  fieldBoost?: Partial<Record<PassageField, number>>;
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

/** One way a query word matches a stem in the dictionary. */
interface Expansion {
  stem: string;
  compact: number; // index in the compact stems, or -1
  mutable: number; // index in the mutable stems, or -1
  weight: number;
}

interface QueryWord {
  folded: string;
  expansions: Expansion[];
}

interface MutableSurface {
  stem: string;
  count: number;
  /** The word as first written, lowercased with its diacritics (what completion shows). */
  display: string;
}

export class SearchIndex implements TopicSearch {
  private readonly k1: number;
  private readonly b: number;
  private readonly mutableLimit: number;
  private readonly fieldBoost: Float64Array = new Float64Array(FIELD_COUNT);

  // --- Documents (both segments): global id = position.
  private docCount = 0;
  private docEpisode: Uint32Array = new Uint32Array(0);
  private docStart: Float64Array = new Float64Array(0);
  private docField: Uint8Array = new Uint8Array(0);
  private docLength: Uint16Array = new Uint16Array(0);
  private docDeleted: Uint8Array = new Uint8Array(0);
  private liveDocs = 0;
  private deletedDocs = 0;
  private readonly fieldDocs: Float64Array = new Float64Array(FIELD_COUNT);
  private readonly fieldLength: Float64Array = new Float64Array(FIELD_COUNT);

  // --- Episodes and podcasts.
  private episodeCount = 0;
  private episodeIds: string[] = [];
  private episodePodcast: Uint32Array = new Uint32Array(0);
  private episodePublished: string[] = [];
  private episodePublishedMs: Float64Array = new Float64Array(0);
  /** Doc id range that holds an episode's passages, so removal scans only that range. */
  private episodeFirstDoc: Uint32Array = new Uint32Array(0);
  private episodeEndDoc: Uint32Array = new Uint32Array(0);
  private episodeIndex = new Map<string, number>();
  private podcastIds: string[] = [];
  private podcastIndex = new Map<string, number>();

  // --- Compact segment.
  private compactDocs = 0;
  private textBytes: Uint8Array = new Uint8Array(0);
  private textOffsets: Uint32Array = new Uint32Array(1);
  private stems: string[] = [];
  private postingOffsets: Uint32Array = new Uint32Array(1);
  private postingDocs: Uint32Array = new Uint32Array(0);
  private postingTfs: Uint8Array = new Uint8Array(0);
  private surfaces: string[] = [];
  private surfaceStem: Uint32Array = new Uint32Array(0);
  private surfaceCount: Uint32Array = new Uint32Array(0);
  /** '' when the display form equals the folded surface (most words), to save memory. */
  private surfaceDisplay: string[] = [];

  /** Per compact stem: its champion postings (empty below CHAMPION_MIN_DF), best BM25 impact first. */
  private championOffsets: Uint32Array = new Uint32Array(1);
  private championDocs: Uint32Array = new Uint32Array(0);
  private championTfs: Uint8Array = new Uint8Array(0);

  // --- Mutable segment.
  private mutableTexts: string[] = [];
  private mutableStemIndex = new Map<string, number>();
  private mutableStems: string[] = [];
  private mutableHead: Int32Array = new Int32Array(0);
  private mutableTail: Int32Array = new Int32Array(0);
  private mutableDf: Uint32Array = new Uint32Array(0);
  /** Per stem: the end of the block of slots its next posting goes into (see appendMutablePosting). */
  private mutableBlockEnd: Int32Array = new Int32Array(0);
  private mutablePostingCount = 0;
  /** Slots handed out to blocks, used or not. */
  private mutableSlotCount = 0;
  private mutablePostingDoc: Uint32Array = new Uint32Array(0);
  private mutablePostingTf: Uint8Array = new Uint8Array(0);
  private mutablePostingNext: Int32Array = new Int32Array(0);
  /** Only words the compact dictionary lacks. */
  private mutableSurfaces = new Map<string, MutableSurface>();

  // --- BM25 factors per passage, recomputed when the field averages change (tf = 1 is the common case):
  // impact1 = boost * (k1 + 1) / (1 + norm), norm = k1 * (1 - b + b * length / average length of its field).
  private docImpact1: Float32Array = new Float32Array(0);
  private docNorm: Float32Array = new Float32Array(0);
  /** No term can add more than idf * maxImpact to one passage (tf -> infinity, shortest passage). */
  private maxImpact = 0;
  private impactKey = '';
  private recencyCache: Float32Array = new Float32Array(0);
  private recencyKey = '';

  // --- Query scratch, reused between queries (sized to docCount).
  private scratchTotal: Float32Array = new Float32Array(0);
  private scratchWord: Float32Array = new Float32Array(0);
  private scratchMask: Uint8Array = new Uint8Array(0);
  private scratchTouched: Int32Array = new Int32Array(0);
  private scratchWordTouched: Int32Array = new Int32Array(0);
  /** Fill counts of scratchTouched / scratchWordTouched while a query runs. */
  private queryTouched = 0;
  private queryWordTouched = 0;

  private readonly decoder = new TextDecoder();
  private readonly encoder = new TextEncoder();

  constructor(options: SearchIndexOptions = {}) {
    this.k1 = options.k1 ?? 1.2;
    this.b = options.b ?? 0.75;
    this.mutableLimit = options.mutableLimit ?? 20_000;
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

      docTf.clear();
      let length = 0;
      for (const token of tokenize(passage.text)) {
        if (isStopWord(token.folded)) continue;
        length++;
        const s = this.stemOfNewToken(token.folded, passage.text, token.start, token.end);
        docTf.set(s, (docTf.get(s) ?? 0) + 1);
      }
      for (const [s, tf] of docTf) this.appendMutablePosting(s, doc, tf);

      this.docEpisode = ensure(this.docEpisode, doc + 1);
      this.docStart = ensure(this.docStart, doc + 1);
      this.docField = ensure(this.docField, doc + 1);
      this.docLength = ensure(this.docLength, doc + 1);
      this.docDeleted = ensure(this.docDeleted, doc + 1);
      this.docEpisode[doc] = episode;
      this.docStart[doc] = passage.startSeconds;
      this.docField[doc] = field;
      this.docLength[doc] = Math.min(length, 0xffff);
      this.docDeleted[doc] = 0;
      this.mutableTexts.push(passage.text);
      this.docCount++;
      this.liveDocs++;
      this.fieldDocs[field] = (this.fieldDocs[field] as number) + 1;
      this.fieldLength[field] = (this.fieldLength[field] as number) + length;

      if (this.episodeEndDoc[episode] === 0 && this.episodeFirstDoc[episode] === 0) this.episodeFirstDoc[episode] = doc;
      this.episodeEndDoc[episode] = doc + 1;
    }
    const mutableDocs = this.docCount - this.compactDocs;
    if (mutableDocs > this.mutableLimit && mutableDocs * 4 > this.compactDocs) this.compact();
  }

  removeEpisode(podcastId: string, episodeId: string): number {
    const podcast = this.podcastIndex.get(podcastId);
    if (podcast === undefined) return 0;
    const episode = this.episodeIndex.get(`${podcast}\u0000${episodeId}`);
    if (episode === undefined) return 0;
    let removed = 0;
    const end = this.episodeEndDoc[episode] as number;
    for (let doc = this.episodeFirstDoc[episode] as number; doc < end; doc++) {
      if (this.docEpisode[doc] !== episode || this.docDeleted[doc] === 1) continue;
      this.docDeleted[doc] = 1;
      const field = this.docField[doc] as number;
      this.fieldDocs[field] = (this.fieldDocs[field] as number) - 1;
      this.fieldLength[field] = (this.fieldLength[field] as number) - (this.docLength[doc] as number);
      removed++;
    }
    this.liveDocs -= removed;
    this.deletedDocs += removed;
    this.episodeFirstDoc[episode] = 0;
    this.episodeEndDoc[episode] = 0;
    return removed;
  }

  /** Merges the mutable segment into the compact one and drops removed passages. */
  compact(): void {
    if (this.docCount === this.compactDocs && this.deletedDocs === 0) return;

    // 1. New doc ids: live docs keep their order, so postings stay sorted.
    const remap = new Int32Array(this.docCount);
    let live = 0;
    for (let doc = 0; doc < this.docCount; doc++) remap[doc] = this.docDeleted[doc] === 1 ? -1 : live++;

    // 2. Stems: merge the sorted compact dictionary with the mutable stems it lacks.
    const mutableForCompact = new Int32Array(this.stems.length).fill(-1);
    const newMutableStems: number[] = [];
    for (let m = 0; m < this.mutableStems.length; m++) {
      const s = this.mutableStems[m] as string;
      const at = this.findCompactStem(s);
      if (at >= 0) mutableForCompact[at] = m;
      else newMutableStems.push(m);
    }
    newMutableStems.sort((x, y) => {
      const a = this.mutableStems[x] as string;
      const c = this.mutableStems[y] as string;
      return a < c ? -1 : a > c ? 1 : 0;
    });

    const totalPostings = (this.postingOffsets[this.stems.length] as number) + this.mutablePostingCount;
    const docs = new Uint32Array(totalPostings);
    const tfs = new Uint8Array(totalPostings);
    const offsets: number[] = [0];
    const stems: string[] = [];
    const compactStemTo = new Int32Array(this.stems.length).fill(-1);
    const mutableStemTo = new Int32Array(this.mutableStems.length).fill(-1);
    let written = 0;
    const writeCompact = (t: number): void => {
      for (let p = this.postingOffsets[t] as number, end = this.postingOffsets[t + 1] as number; p < end; p++) {
        const to = remap[this.postingDocs[p] as number] as number;
        if (to < 0) continue;
        docs[written] = to;
        tfs[written++] = this.postingTfs[p] as number;
      }
    };
    const writeMutable = (m: number): void => {
      for (let p = this.mutableHead[m] as number; p >= 0; p = this.mutablePostingNext[p] as number) {
        const to = remap[this.mutablePostingDoc[p] as number] as number;
        if (to < 0) continue;
        docs[written] = to;
        tfs[written++] = this.mutablePostingTf[p] as number;
      }
    };
    const finishStem = (s: string): number => {
      if (written === offsets[offsets.length - 1]) return -1; // every posting was removed: drop the stem
      stems.push(s);
      offsets.push(written);
      return stems.length - 1;
    };
    let ci = 0;
    let mi = 0;
    while (ci < this.stems.length || mi < newMutableStems.length) {
      const cs = this.stems[ci];
      const mIndex = newMutableStems[mi];
      const ms = mIndex === undefined ? undefined : this.mutableStems[mIndex];
      if (cs !== undefined && (ms === undefined || cs < ms)) {
        writeCompact(ci);
        const both = mutableForCompact[ci] as number;
        if (both >= 0) writeMutable(both);
        const id = finishStem(cs);
        compactStemTo[ci] = id;
        if (both >= 0) mutableStemTo[both] = id;
        ci++;
      } else if (ms !== undefined && mIndex !== undefined) {
        writeMutable(mIndex);
        mutableStemTo[mIndex] = finishStem(ms);
        mi++;
      }
    }

    // 3. Surfaces: the compact ones whose stem survived, plus the new ones, in sorted order.
    const newSurfaces = [...this.mutableSurfaces.entries()].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
    const surfaces: string[] = [];
    const surfaceDisplay: string[] = [];
    const surfaceStem: number[] = [];
    const surfaceCount: number[] = [];
    const stemId = (s: string): number => {
      const at = lowerBound(stems, s);
      return stems[at] === s ? at : -1;
    };
    let si = 0;
    let ni = 0;
    while (si < this.surfaces.length || ni < newSurfaces.length) {
      const cs = this.surfaces[si];
      const ns = newSurfaces[ni];
      if (cs !== undefined && (ns === undefined || cs < ns[0])) {
        const id = compactStemTo[this.surfaceStem[si] as number] as number;
        if (id >= 0) {
          surfaces.push(cs);
          surfaceDisplay.push(this.surfaceDisplay[si] as string);
          surfaceStem.push(id);
          surfaceCount.push(this.surfaceCount[si] as number);
        }
        si++;
      } else if (ns !== undefined) {
        const id = stemId(ns[1].stem);
        if (id >= 0) {
          surfaces.push(ns[0]);
          surfaceDisplay.push(ns[1].display === ns[0] ? '' : ns[1].display);
          surfaceStem.push(id);
          surfaceCount.push(ns[1].count);
        }
        ni++;
      }
    }

    // 4. Texts: live compact bytes copied, mutable strings encoded once.
    const textOffsets = new Uint32Array(live + 1);
    let textBytes = new Uint8Array(this.textBytes.length + this.mutableTexts.length * 64);
    let textLength = 0;
    for (let doc = 0; doc < this.docCount; doc++) {
      const to = remap[doc] as number;
      if (to < 0) continue;
      if (doc < this.compactDocs) {
        const bytes = this.textBytes.subarray(this.textOffsets[doc], this.textOffsets[doc + 1]);
        textBytes = ensure(textBytes, textLength + bytes.length);
        textBytes.set(bytes, textLength);
        textLength += bytes.length;
      } else {
        const text = this.mutableTexts[doc - this.compactDocs] as string;
        textBytes = ensure(textBytes, textLength + text.length * 3);
        textLength += this.encoder.encodeInto(text, textBytes.subarray(textLength)).written;
      }
      textOffsets[to + 1] = textLength;
    }

    // 5. Document table, compacted in place (to <= from, so a forward copy is safe).
    for (let doc = 0; doc < this.docCount; doc++) {
      const to = remap[doc] as number;
      if (to < 0 || to === doc) continue;
      this.docEpisode[to] = this.docEpisode[doc] as number;
      this.docStart[to] = this.docStart[doc] as number;
      this.docField[to] = this.docField[doc] as number;
      this.docLength[to] = this.docLength[doc] as number;
    }
    this.docEpisode = this.docEpisode.slice(0, live);
    this.docStart = this.docStart.slice(0, live);
    this.docField = this.docField.slice(0, live);
    this.docLength = this.docLength.slice(0, live);
    this.docDeleted = new Uint8Array(live);
    this.docCount = live;
    this.compactDocs = live;
    this.liveDocs = live;
    this.deletedDocs = 0;
    this.rebuildEpisodeRanges();

    this.textBytes = textBytes.slice(0, textLength);
    this.textOffsets = textOffsets;
    this.stems = stems;
    this.postingOffsets = Uint32Array.from(offsets);
    this.postingDocs = docs.slice(0, written);
    this.postingTfs = tfs.slice(0, written);
    this.surfaces = surfaces;
    this.surfaceDisplay = surfaceDisplay;
    this.surfaceStem = Uint32Array.from(surfaceStem);
    this.surfaceCount = Uint32Array.from(surfaceCount);

    this.mutableTexts = [];
    this.mutableStemIndex = new Map();
    this.mutableStems = [];
    this.mutableHead = new Int32Array(0);
    this.mutableTail = new Int32Array(0);
    this.mutableDf = new Uint32Array(0);
    this.mutableBlockEnd = new Int32Array(0);
    this.mutablePostingCount = 0;
    this.mutableSlotCount = 0;
    this.mutablePostingDoc = new Uint32Array(0);
    this.mutablePostingTf = new Uint8Array(0);
    this.mutablePostingNext = new Int32Array(0);
    this.mutableSurfaces = new Map();
    this.scratchTotal = new Float32Array(0);
    this.scratchWord = new Float32Array(0);
    this.scratchMask = new Uint8Array(0);
    this.scratchTouched = new Int32Array(0);
    this.scratchWordTouched = new Int32Array(0);
    this.buildChampions();
  }

  private buildChampions(): void {
    this.ensureImpacts();
    const offsets = new Uint32Array(this.stems.length + 1);
    const docs: number[] = [];
    const tfs: number[] = [];
    let minPublished = Infinity;
    let maxPublished = -Infinity;
    for (let e = 0; e < this.episodeCount; e++) {
      const t = this.episodePublishedMs[e] as number;
      if (Number.isNaN(t)) continue;
      minPublished = Math.min(minPublished, t);
      maxPublished = Math.max(maxPublished, t);
    }
    const span = maxPublished > minPublished ? maxPublished - minPublished : 1;
    for (let t = 0; t < this.stems.length; t++) {
      const from = this.postingOffsets[t] as number;
      const end = this.postingOffsets[t + 1] as number;
      if (end - from >= CHAMPION_MIN_DF) {
        const heap = new TopK(CHAMPIONS);
        for (let p = from; p < end; p++) {
          const doc = this.postingDocs[p] as number;
          const tf = this.postingTfs[p] as number;
          const norm = this.docNorm[doc] as number;
          const impact = ((this.docImpact1[doc] as number) * tf * (1 + norm)) / (tf + norm);
          // Equal impacts (common among short titles) go to the newer episode, as recency would at query time.
          const published = this.episodePublishedMs[this.docEpisode[doc] as number] as number;
          const newer = Number.isNaN(published) ? 0 : (published - minPublished) / span;
          heap.push(p, impact + newer * 1e-4);
        }
        const chosen = heap
          .drain()
          .map((c) => c.doc)
          .sort((a, b) => a - b);
        for (const p of chosen) {
          docs.push(this.postingDocs[p] as number);
          tfs.push(this.postingTfs[p] as number);
        }
      }
      offsets[t + 1] = docs.length;
    }
    this.championOffsets = offsets;
    this.championDocs = Uint32Array.from(docs);
    this.championTfs = Uint8Array.from(tfs);
  }

  private rebuildEpisodeRanges(): void {
    this.episodeFirstDoc.fill(0);
    this.episodeEndDoc.fill(0);
    for (let doc = this.docCount - 1; doc >= 0; doc--) {
      const e = this.docEpisode[doc] as number;
      if (this.episodeEndDoc[e] === 0) this.episodeEndDoc[e] = doc + 1;
      this.episodeFirstDoc[e] = doc;
    }
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
    }
    const key = `${podcast}\u0000${passage.episodeId}`;
    let episode = this.episodeIndex.get(key);
    if (episode === undefined) {
      episode = this.episodeCount++;
      this.episodeIndex.set(key, episode);
      this.episodeIds.push(passage.episodeId);
      this.episodePublished.push(passage.publishedAt ?? '');
      this.episodePodcast = ensure(this.episodePodcast, episode + 1);
      this.episodePublishedMs = ensure(this.episodePublishedMs, episode + 1);
      this.episodeFirstDoc = ensure(this.episodeFirstDoc, episode + 1);
      this.episodeEndDoc = ensure(this.episodeEndDoc, episode + 1);
      this.episodePodcast[episode] = podcast;
      this.episodePublishedMs[episode] = passage.publishedAt === undefined ? Number.NaN : Date.parse(passage.publishedAt);
      this.episodeFirstDoc[episode] = 0;
      this.episodeEndDoc[episode] = 0;
    }
    return episode;
  }

  /** Records a surface word and returns its stem (looked up, not recomputed, for known words). */
  private stemOfNewToken(folded: string, text: string, start: number, end: number): string {
    const known = this.mutableSurfaces.get(folded);
    if (known !== undefined) {
      known.count++;
      return known.stem;
    }
    if (this.surfaces.length > 0) {
      const at = lowerBound(this.surfaces, folded);
      if (this.surfaces[at] === folded) {
        this.surfaceCount[at] = (this.surfaceCount[at] as number) + 1;
        return this.stems[this.surfaceStem[at] as number] as string;
      }
    }
    const s = stem(folded);
    this.mutableSurfaces.set(folded, { stem: s, count: 1, display: text.slice(start, end).toLowerCase() });
    return s;
  }

  /**
   * A stem's postings are a linked list, in blocks of consecutive slots: a new block is as big as the stem's postings
   * so far (MUTABLE_BLOCK_MIN to MUTABLE_BLOCK_MAX), so at most about half its slots go unused, and a query walks a
   * common stem's postings through memory in order instead of hopping between every other stem's (one posting a
   * slot, added as passages came, made every step of the walk a cache miss).
   */
  private appendMutablePosting(s: string, doc: number, tf: number): void {
    let m = this.mutableStemIndex.get(s);
    if (m === undefined) {
      m = this.mutableStems.length;
      this.mutableStems.push(s);
      this.mutableStemIndex.set(s, m);
      this.mutableHead = ensure(this.mutableHead, m + 1);
      this.mutableTail = ensure(this.mutableTail, m + 1);
      this.mutableDf = ensure(this.mutableDf, m + 1);
      this.mutableBlockEnd = ensure(this.mutableBlockEnd, m + 1);
      this.mutableHead[m] = -1;
      this.mutableTail[m] = -1;
      this.mutableDf[m] = 0;
      this.mutableBlockEnd[m] = 0;
    }
    const tail = this.mutableTail[m] as number;
    let p = tail + 1;
    if (tail < 0 || p >= (this.mutableBlockEnd[m] as number)) {
      p = this.mutableSlotCount;
      this.mutableSlotCount += Math.min(Math.max(this.mutableDf[m] as number, MUTABLE_BLOCK_MIN), MUTABLE_BLOCK_MAX);
      this.mutableBlockEnd[m] = this.mutableSlotCount;
      this.mutablePostingDoc = ensure(this.mutablePostingDoc, this.mutableSlotCount);
      this.mutablePostingTf = ensure(this.mutablePostingTf, this.mutableSlotCount);
      this.mutablePostingNext = ensure(this.mutablePostingNext, this.mutableSlotCount);
    }
    this.mutablePostingCount++;
    this.mutablePostingDoc[p] = doc;
    this.mutablePostingTf[p] = Math.min(tf, 255);
    this.mutablePostingNext[p] = -1;
    if (tail < 0) this.mutableHead[m] = p;
    else this.mutablePostingNext[tail] = p;
    this.mutableTail[m] = p;
    this.mutableDf[m] = (this.mutableDf[m] as number) + 1;
  }

  // ------------------------------------------------------------------ dictionary lookups

  private findCompactStem(s: string): number {
    const at = lowerBound(this.stems, s);
    return this.stems[at] === s ? at : -1;
  }

  private expansionFor(s: string, weight: number): Expansion | undefined {
    const compact = this.findCompactStem(s);
    const mutable = this.mutableStemIndex.get(s) ?? -1;
    if (compact < 0 && mutable < 0) return undefined;
    return { stem: s, compact, mutable, weight };
  }

  private df(e: Expansion): number {
    let df = 0;
    if (e.compact >= 0) df += (this.postingOffsets[e.compact + 1] as number) - (this.postingOffsets[e.compact] as number);
    if (e.mutable >= 0) df += this.mutableDf[e.mutable] as number;
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
      for (let p = this.mutableHead[e.mutable] as number; p >= 0; p = this.mutablePostingNext[p] as number) {
        const doc = this.mutablePostingDoc[p] as number;
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
    for (const [surface, entry] of this.mutableSurfaces) {
      if (surface.startsWith(prefix)) visit(surface, entry.stem, entry.count, entry.display);
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
    for (const [surface, entry] of this.mutableSurfaces) {
      const distance = editDistance(word, surface, maxDistance);
      if (distance <= maxDistance) visit(surface, entry.stem, distance, entry.count, entry.display);
    }
  }

  /**
   * Query text -> content words with every stem they may match (exact, prefix for the last word, typos). With
   * `allowed`, prefix and typo expansions are taken only among stems those podcasts hold, so a guild's prefix is not
   * spent on words only other guilds' podcasts have.
   */
  private parseQuery(query: string, prefix: boolean, fuzzy: boolean, allowed: Uint8Array | undefined): QueryWord[] {
    const tokens = tokenize(query);
    // The last word is still being typed only if nothing follows it.
    const lastIsOpen = tokens.length > 0 && (tokens[tokens.length - 1] as { end: number }).end === query.length;
    const words: QueryWord[] = [];
    tokens.forEach((token, i) => {
      const isLast = i === tokens.length - 1;
      const wantPrefix = prefix && isLast && lastIsOpen && token.folded.length >= MIN_PREFIX_LENGTH;
      // A stop word carries no topic; only when it is all the user has typed so far may it start one ("the" -> "theory").
      if (isStopWord(token.folded) && !(wantPrefix && tokens.length === 1)) return;
      if (words.length >= MAX_QUERY_WORDS) return;
      // "experiment experiment" asks for one thing once.
      if (words.some((w) => w.folded === token.folded)) return;
      const expansions = new Map<string, Expansion>();
      const put = (s: string, weight: number): void => {
        const seen = expansions.get(s);
        if (seen !== undefined) {
          if (weight > seen.weight) seen.weight = weight;
          return;
        }
        const e = this.expansionFor(s, weight);
        if (e !== undefined) expansions.set(s, e);
      };
      // The first `max` of these stems (best first) that the allowed podcasts hold.
      const putFirst = (stems: readonly string[], max: number, weightOf: (s: string) => number): void => {
        let taken = 0;
        for (const s of stems) {
          if (taken >= max) break;
          if (allowed !== undefined) {
            const e = this.expansionFor(s, 1);
            if (e === undefined || !this.occursIn(e, allowed)) continue;
          }
          put(s, weightOf(s));
          taken++;
        }
      };
      if (!isStopWord(token.folded)) put(stem(token.folded), WEIGHT_EXACT);

      if (wantPrefix) {
        const best = new Map<string, number>();
        this.forEachSurfaceWithPrefix(token.folded, (_surface, s) => {
          if (!best.has(s)) best.set(s, this.stemDf(s));
        });
        const byDf = [...best.entries()].sort((a, b) => b[1] - a[1]).map(([s]) => s);
        putFirst(byDf, MAX_PREFIX_EXPANSIONS, () => WEIGHT_PREFIX);
      }
      const maxDistance = !fuzzy ? 0 : token.folded.length >= 9 ? 2 : token.folded.length >= 5 ? 1 : 0;
      if (maxDistance > 0) {
        const best = new Map<string, number>();
        this.forEachSurfaceNear(token.folded, maxDistance, (_surface, s, distance) => {
          if (distance === 0) return;
          const seen = best.get(s);
          if (seen === undefined || distance < seen) best.set(s, distance);
        });
        const nearest = [...best.entries()].sort((a, b) => a[1] - b[1] || this.stemDf(b[0]) - this.stemDf(a[0])).map(([s]) => s);
        putFirst(nearest, MAX_FUZZY_EXPANSIONS, (s) => WEIGHT_FUZZY[best.get(s) as number] ?? 0);
      }
      if (expansions.size > 0 || !isStopWord(token.folded)) words.push({ folded: token.folded, expansions: [...expansions.values()] });
    });
    return words;
  }

  // ------------------------------------------------------------------ search

  search(query: string, options: SearchOptions = {}): SearchHit[] {
    const limit = options.limit ?? 5;
    const maxPerEpisode = options.maxPerEpisode ?? 2;
    if (limit <= 0 || this.liveDocs === 0) return [];
    const allowedPodcast = options.podcastIds === undefined ? undefined : this.podcastFilter(options.podcastIds);
    if (options.podcastIds !== undefined && allowedPodcast === undefined) return [];
    const words = this.parseQuery(query, options.prefix ?? true, options.fuzzy ?? true, allowedPodcast);
    if (words.length === 0) return [];

    this.ensureScratch();
    this.ensureImpacts();
    const total = this.scratchTotal;
    const wordBest = this.scratchWord;
    const mask = this.scratchMask;
    const touched = this.scratchTouched;
    const wordTouched = this.scratchWordTouched;
    let touchedCount = 0;

    const docEpisode = this.docEpisode;
    const N = this.liveDocs;
    const idfOf = (df: number): number => Math.max(Math.log(1 + (N - df + 0.5) / (df + 0.5)), 0.01);
    const n = words.length;
    const poolSize = Math.max(limit * maxPerEpisode * 4, 40);
    // The most any passage can gain beyond its BM25 sum before the phrase rerank: recency.
    const maxRecency = options.now === undefined ? 1 : 1 + RECENCY_WEIGHT;

    // Per word: its expansions with their weighted idf, an upper bound on what it can add to one passage, and
    // how many postings it would walk. Rare words go first.
    const plans = words.map((word, w) => {
      // A prefix or typo expansion never counts as rarer than the word typed, so "crash" is not beaten by "crush".
      const exact = word.expansions.find((e) => e.weight === WEIGHT_EXACT);
      const idfCap = exact === undefined ? Infinity : idfOf(this.df(exact));
      let postings = 0;
      let upper = 0;
      const expansions = word.expansions.map((e) => {
        const df = this.df(e);
        postings += df;
        const weightedIdf = e.weight * Math.min(idfOf(df), idfCap);
        upper = Math.max(upper, weightedIdf * this.maxImpact);
        return { e, weightedIdf };
      });
      return { w, expansions, postings, upper };
    });
    plans.sort((a, b) => a.postings - b.postings);
    let upperRest = plans.reduce((sum, plan) => sum + plan.upper, 0);

    plans.forEach((plan, order) => {
      const bit = 1 << plan.w;
      // MaxScore: a passage that holds none of the words processed so far can score at most upperRest, times the
      // coordination of the words left. If the pool's weakest sure score already beats that, this word only needs
      // to update passages already found, which galloping through its doc-ordered postings does without a scan.
      const coordRest = (n - order) / n;
      const newDocBound = upperRest * coordRest * coordRest * maxRecency;
      upperRest -= plan.upper;
      const single = plan.expansions.length === 1;
      this.queryTouched = touchedCount;
      this.queryWordTouched = 0;
      // How each expansion is read:
      // - the first (rarest) word of several: every posting, so passages holding all words are all found;
      // - a one-word query: a big expansion's champions alone;
      // - a later word: passages already found are probed in its postings (galloping, no scan), and passages new
      //   to the query come only from its champions. For two words this is exact (a passage with only the second
      //   word ranks by that word's impact alone); for three or more it is the usual champion-list approximation.
      // - a later word whose expansions lack champions: probed only, if no passage holding just the remaining
      //   words could reach the pool (MaxScore), else read in full.
      // Probing pays only when the passages found are few next to the postings; else one read is cheaper.
      const probeCheap = (e: Expansion): boolean => touchedCount * PROBE_RATIO < this.df(e);
      const useChampions = (e: Expansion): [number, number] | undefined => {
        if (e.compact < 0 || (n > 1 && order === 0)) return undefined;
        const from = this.championOffsets[e.compact] as number;
        const end = this.championOffsets[e.compact + 1] as number;
        return end > from && this.liveChampions(from, end, allowedPodcast) >= poolSize ? [from, end] : undefined;
      };
      const champions = plan.expansions.map(({ e }) => useChampions(e));
      const bigWithoutChampions = plan.expansions.some(({ e }, i) => champions[i] === undefined && this.df(e) >= CHAMPION_MIN_DF);
      const probeOnly =
        order > 0 && bigWithoutChampions && touchedCount * PROBE_RATIO < plan.postings && this.poolFloor(touchedCount, n, poolSize) > newDocBound;
      const needSnapshot = probeOnly || (order > 0 && plan.expansions.some(({ e }, i) => champions[i] !== undefined && probeCheap(e)));
      const snapshot = needSnapshot ? this.sortedTouched(touchedCount) : undefined;
      plan.expansions.forEach(({ e, weightedIdf }, i) => {
        const chosen = champions[i];
        if (e.compact >= 0) {
          const from = this.postingOffsets[e.compact] as number;
          const end = this.postingOffsets[e.compact + 1] as number;
          if (chosen !== undefined) {
            this.scanCompact(this.championDocs, this.championTfs, chosen[0], chosen[1], weightedIdf, bit, single, allowedPodcast, order > 0 ? ONLY_NEW : ALL);
            if (order > 0) {
              // The passages found before this word: galloped to when few, else one pass that skips the rest.
              if (snapshot !== undefined && probeCheap(e)) this.probeCompact(snapshot, from, end, weightedIdf, bit, single, allowedPodcast);
              else this.scanCompact(this.postingDocs, this.postingTfs, from, end, weightedIdf, bit, single, allowedPodcast, ONLY_KNOWN);
            }
          } else if (probeOnly && snapshot !== undefined && end - from >= CHAMPION_MIN_DF) {
            this.probeCompact(snapshot, from, end, weightedIdf, bit, single, allowedPodcast);
          } else {
            this.scanCompact(this.postingDocs, this.postingTfs, from, end, weightedIdf, bit, single, allowedPodcast, ALL);
          }
        }
        if (e.mutable >= 0) this.scanMutable(e.mutable, weightedIdf, bit, single, probeOnly, allowedPodcast);
      });
      touchedCount = this.queryTouched;
      const wordTouchedCount = this.queryWordTouched;
      for (let i = 0; i < wordTouchedCount; i++) {
        const doc = wordTouched[i] as number;
        if (mask[doc] === 0) touched[touchedCount++] = doc;
        mask[doc] = (mask[doc] as number) | bit;
        total[doc] = (total[doc] as number) + (wordBest[doc] as number);
        wordBest[doc] = 0;
      }
    });

    // Keep the best few, then rerank them with what needs the text (phrase bonus, highlights).
    const heap = new TopK(poolSize);
    // Coordination squared per set of matched words, looked up rather than counted per passage.
    const coordination = new Float64Array(1 << n);
    for (let bits = 1; bits < 1 << n; bits++) {
      const matched = popcount(bits) / n;
      coordination[bits] = matched * matched;
    }
    const recency = options.now === undefined ? undefined : this.episodeRecency(options.now);
    // The scratch is cleared as it is read, saving a second pass over every passage found: only passages offered to
    // the pool keep their mask (read below for the rerank), listed at the front of `touched` (never past the read
    // position) to be cleared after.
    let pushed = 0;
    for (let i = 0; i < touchedCount; i++) {
      const doc = touched[i] as number;
      const bits = mask[doc] as number;
      let score = total[doc] as number;
      total[doc] = 0;
      // Passages that match every word come first: coordination squared.
      score *= coordination[bits] as number;
      if (score * maxRecency <= heap.min()) {
        mask[doc] = 0;
        continue;
      }
      if (recency !== undefined) score *= recency[docEpisode[doc] as number] as number;
      heap.push(doc, score);
      touched[pushed++] = doc;
    }

    const stemWords = new Map<string, number>();
    words.forEach((word, w) => {
      for (const e of word.expansions) stemWords.set(e.stem, (stemWords.get(e.stem) ?? 0) | (1 << w));
    });
    const initials = stemInitials(stemWords.keys());
    const pool = heap.drainSorted();
    // A typed array, as mask is: an Array from pool.map comes out packed or holey depending on how V8 ran the map,
    // and the optimized search bailed out to the interpreter on the kind it had not seen, about one two-word query in ten.
    const poolWords = new Uint8Array(pool.length);
    for (let i = 0; i < pool.length; i++) poolWords[i] = mask[pool[i]!.doc] as number;
    for (let i = 0; i < pushed; i++) mask[touched[i] as number] = 0;
    // One word: no phrase to reward, so only the hits shown need their text analysed. Several: candidates are
    // reranked best first until the next one, even with the largest phrase bonus, could not displace a hit; a
    // candidate that cannot get a bonus keeps its score as it is, and is analysed only if it is shown.
    let candidates: (Reranked | { doc: number; score: number; text?: undefined })[] = pool;
    if (n > 1) {
      // Kept in order (byScoreThenDoc) as they come, rather than sorted again at every check.
      const ranked: typeof candidates = [];
      const rarestBit = 1 << plans[0]!.w;
      for (let i = 0; i < pool.length; i++) {
        const { doc, score } = pool[i]!;
        if (i >= limit && i % limit === 0 && score * MAX_RERANK_FACTOR < this.lastHitScore(ranked, limit, maxPerEpisode)) break;
        insertRanked(ranked, mayGainPhraseBonus(poolWords[i] as number, n, rarestBit) ? this.rerank(doc, score, n, stemWords, initials) : pool[i]!);
      }
      candidates = ranked;
    }

    return this.pickHits(candidates, limit, maxPerEpisode).map((c) => {
      const shown = c.text === undefined ? this.rerank(c.doc, c.score, n, stemWords, initials) : c;
      return { passage: this.passageOf(c.doc, shown.text), score: c.score, terms: shown.terms, matches: shown.matches };
    });
  }

  /** The first `limit` of these candidates (best first), at most `maxPerEpisode` from one episode: the hits shown. */
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

  /** Phrase/proximity bonus and highlight ranges, from the passage text analysed again (only for the top few). */
  private rerank(doc: number, score: number, wordCount: number, stemWords: Map<string, number>, initials: ReadonlySet<number> | undefined): Reranked {
    const text = this.textOf(doc);
    // A plain loop: Array.from with a callback showed up in profiles at a few dozen passages a query.
    const positions: number[][] = [];
    for (let w = 0; w < wordCount; w++) positions.push([]);
    const matches: MatchRange[] = [];
    const terms: string[] = [];
    const seenTerms = new Set<string>();
    forEachTerm(text, (termStem, start, end, position) => {
      const bits = stemWords.get(termStem);
      if (bits === undefined) return;
      for (let w = 0; w < wordCount; w++) if (bits & (1 << w)) positions[w]?.push(position);
      const last = matches[matches.length - 1];
      if (last === undefined || last.start !== start) matches.push({ start, end });
      const written = text.slice(start, end);
      const key = written.toLowerCase();
      if (!seenTerms.has(key)) {
        seenTerms.add(key);
        terms.push(written);
      }
    }, initials);
    if (wordCount > 1) {
      let bonus = 0;
      for (let w = 0; w + 1 < wordCount; w++) {
        const left = positions[w] ?? [];
        const right = positions[w + 1] ?? [];
        let best = 0;
        for (const a of left) {
          for (const c of right) {
            if (c - a === 1) best = PHRASE_BONUS;
            else if (Math.abs(c - a) <= NEAR_WINDOW && best < NEAR_BONUS) best = NEAR_BONUS;
          }
        }
        bonus += best;
      }
      score *= 1 + bonus / (wordCount - 1);
    }
    return { doc, score, text, terms, matches };
  }

  private textOf(doc: number): string {
    if (doc >= this.compactDocs) return this.mutableTexts[doc - this.compactDocs] as string;
    return this.decoder.decode(this.textBytes.subarray(this.textOffsets[doc], this.textOffsets[doc + 1]));
  }

  private passageOf(doc: number, text: string): Passage {
    const episode = this.docEpisode[doc] as number;
    const passage: Passage = {
      podcastId: this.podcastIds[this.episodePodcast[episode] as number] as string,
      episodeId: this.episodeIds[episode] as string,
      startSeconds: this.docStart[doc] as number,
      field: PASSAGE_FIELDS[this.docField[doc] as number] as PassageField,
      text,
    };
    const published = this.episodePublished[episode];
    if (published) passage.publishedAt = published;
    return passage;
  }

  /**
   * Adds the postings [from, end) of one expansion to the accumulators: `total` directly when the word has a single
   * expansion, else the word's best-of-expansions in `scratchWord`. The hot loop of every query, so it is one
   * closure-free method with everything in locals. scanMutable repeats its per-posting body for the linked list of
   * the mutable segment (a shared method called per posting cost more than the copy): a change here goes there too.
   */
  private scanCompact(
    postingDocs: Uint32Array,
    postingTfs: Uint8Array,
    from: number,
    end: number,
    weightedIdf: number,
    bit: number,
    single: boolean,
    allowed: Uint8Array | undefined,
    which: typeof ALL | typeof ONLY_NEW | typeof ONLY_KNOWN,
  ): void {
    const deleted = this.docDeleted;
    const impact1 = this.docImpact1;
    const docNorm = this.docNorm;
    const mask = this.scratchMask;
    const total = this.scratchTotal;
    const wordBest = this.scratchWord;
    const touched = this.scratchTouched;
    const wordTouched = this.scratchWordTouched;
    const docEpisode = this.docEpisode;
    const episodePodcast = this.episodePodcast;
    let touchedCount = this.queryTouched;
    let wordTouchedCount = this.queryWordTouched;
    for (let p = from; p < end; p++) {
      const doc = postingDocs[p] as number;
      const m = mask[doc] as number;
      if (which === ONLY_KNOWN ? m === 0 : which === ONLY_NEW && m !== 0) continue;
      if (deleted[doc] === 1) continue;
      if (allowed !== undefined && allowed[episodePodcast[docEpisode[doc] as number] as number] !== 1) continue;
      const tf = postingTfs[p] as number;
      let s = weightedIdf * (impact1[doc] as number);
      if (tf !== 1) {
        const norm = docNorm[doc] as number;
        s = (s * tf * (1 + norm)) / (tf + norm);
      }
      if (single) {
        if (m === 0) touched[touchedCount++] = doc;
        mask[doc] = m | bit;
        total[doc] = (total[doc] as number) + s;
      } else {
        const before = wordBest[doc] as number;
        if (before === 0) wordTouched[wordTouchedCount++] = doc;
        if (s > before) wordBest[doc] = s;
      }
    }
    this.queryTouched = touchedCount;
    this.queryWordTouched = wordTouchedCount;
  }

  /**
   * scanCompact for a stem's mutable postings (a linked list): all of them, or with `onlyKnown` only passages already
   * found. Since the mutable segment holds thousands of a common word's postings, it too is one closure-free loop.
   */
  private scanMutable(m: number, weightedIdf: number, bit: number, single: boolean, onlyKnown: boolean, allowed: Uint8Array | undefined): void {
    const postingDoc = this.mutablePostingDoc;
    const postingTf = this.mutablePostingTf;
    const next = this.mutablePostingNext;
    const deleted = this.docDeleted;
    const impact1 = this.docImpact1;
    const docNorm = this.docNorm;
    const mask = this.scratchMask;
    const total = this.scratchTotal;
    const wordBest = this.scratchWord;
    const touched = this.scratchTouched;
    const wordTouched = this.scratchWordTouched;
    const docEpisode = this.docEpisode;
    const episodePodcast = this.episodePodcast;
    let touchedCount = this.queryTouched;
    let wordTouchedCount = this.queryWordTouched;
    for (let p = this.mutableHead[m] as number; p >= 0; p = next[p] as number) {
      const doc = postingDoc[p] as number;
      if (deleted[doc] === 1) continue;
      if (allowed !== undefined && allowed[episodePodcast[docEpisode[doc] as number] as number] !== 1) continue;
      const mk = mask[doc] as number;
      if (onlyKnown && mk === 0) continue;
      const tf = postingTf[p] as number;
      let s = weightedIdf * (impact1[doc] as number);
      if (tf !== 1) {
        const norm = docNorm[doc] as number;
        s = (s * tf * (1 + norm)) / (tf + norm);
      }
      if (single) {
        if (mk === 0) touched[touchedCount++] = doc;
        mask[doc] = mk | bit;
        total[doc] = (total[doc] as number) + s;
      } else {
        const before = wordBest[doc] as number;
        if (before === 0) wordTouched[wordTouchedCount++] = doc;
        if (s > before) wordBest[doc] = s;
      }
    }
    this.queryTouched = touchedCount;
    this.queryWordTouched = wordTouchedCount;
  }

  /** The passages found so far in ascending order, for galloping (already sorted after one full read). */
  private sortedTouched(count: number): Int32Array {
    const touched = this.scratchTouched;
    let sorted = true;
    for (let i = 1; i < count && sorted; i++) sorted = (touched[i - 1] as number) < (touched[i] as number);
    if (sorted) return touched.slice(0, count);
    if (count * 64 < this.docCount) return touched.slice(0, count).sort();
    const out = new Int32Array(count);
    let k = 0;
    for (let doc = 0; doc < this.docCount; doc++) if (this.scratchMask[doc] !== 0) out[k++] = doc;
    return out;
  }

  /** How many champions are still live and pass the podcast filter: below the pool size, walk all postings. */
  private liveChampions(from: number, end: number, allowed: Uint8Array | undefined): number {
    let live = 0;
    for (let p = from; p < end; p++) {
      const doc = this.championDocs[p] as number;
      if (this.docDeleted[doc] === 1) continue;
      if (allowed !== undefined && allowed[this.episodePodcast[this.docEpisode[doc] as number] as number] !== 1) continue;
      live++;
    }
    return live;
  }

  /** Like scanCompact, but only for passages already found (`docs`, ascending): gallops instead of scanning. */
  private probeCompact(docs: Int32Array, from: number, end: number, weightedIdf: number, bit: number, single: boolean, allowed: Uint8Array | undefined): void {
    const postingDocs = this.postingDocs;
    let p = from;
    for (let i = 0; i < docs.length && p < end; i++) {
      const doc = docs[i] as number;
      p = gallop(postingDocs, doc, p, end);
      if (p < end && postingDocs[p] === doc) this.accumulate(doc, this.postingTfs[p] as number, weightedIdf, bit, single, true, allowed);
    }
  }

  /** One posting into the accumulators (the mutable segment and probes: few postings, so a call each is fine). */
  private accumulate(doc: number, tf: number, weightedIdf: number, bit: number, single: boolean, onlyKnown: boolean, allowed: Uint8Array | undefined): void {
    if (this.docDeleted[doc] === 1) return;
    if (allowed !== undefined && allowed[this.episodePodcast[this.docEpisode[doc] as number] as number] !== 1) return;
    const m = this.scratchMask[doc] as number;
    if (onlyKnown && m === 0) return;
    let s = weightedIdf * (this.docImpact1[doc] as number);
    if (tf !== 1) {
      const norm = this.docNorm[doc] as number;
      s = (s * tf * (1 + norm)) / (tf + norm);
    }
    if (single) {
      if (m === 0) this.scratchTouched[this.queryTouched++] = doc;
      this.scratchMask[doc] = m | bit;
      this.scratchTotal[doc] = (this.scratchTotal[doc] as number) + s;
    } else {
      const before = this.scratchWord[doc] as number;
      if (before === 0) this.scratchWordTouched[this.queryWordTouched++] = doc;
      if (s > before) this.scratchWord[doc] = s;
    }
  }

  private ensureImpacts(): void {
    const key = `${this.docCount}|${this.fieldDocs.join(',')}|${this.fieldLength.join(',')}`;
    if (key === this.impactKey) return;
    const normA = new Float64Array(FIELD_COUNT);
    const normB = new Float64Array(FIELD_COUNT);
    let maxBoost = 0;
    for (let f = 0; f < FIELD_COUNT; f++) {
      // Per-field average lengths: a 6-word chapter title is not "short" next to 80-word transcript windows.
      const docs = this.fieldDocs[f] as number;
      const avg = docs > 0 ? Math.max((this.fieldLength[f] as number) / docs, 1) : 1;
      normA[f] = this.k1 * (1 - this.b);
      normB[f] = (this.k1 * this.b) / avg;
      maxBoost = Math.max(maxBoost, this.fieldBoost[f] as number);
    }
    const k1p1 = this.k1 + 1;
    if (this.docImpact1.length < this.docCount) {
      this.docImpact1 = new Float32Array(this.docEpisode.length);
      this.docNorm = new Float32Array(this.docEpisode.length);
    }
    for (let doc = 0; doc < this.docCount; doc++) {
      const f = this.docField[doc] as number;
      const norm = (normA[f] as number) + (normB[f] as number) * (this.docLength[doc] as number);
      this.docNorm[doc] = norm;
      this.docImpact1[doc] = ((this.fieldBoost[f] as number) * k1p1) / (1 + norm);
    }
    this.maxImpact = maxBoost * k1p1;
    this.impactKey = key;
  }

  /** Per episode: 1 + up to 2 %, halving every year of age. Cached per day of `now`. */
  private episodeRecency(now: number): Float32Array {
    const key = `${Math.floor(now / DAY_MS)}|${this.episodeCount}`;
    if (key !== this.recencyKey) {
      const today = Math.floor(now / DAY_MS) * DAY_MS;
      this.recencyCache = new Float32Array(this.episodeCount);
      for (let e = 0; e < this.episodeCount; e++) {
        const published = this.episodePublishedMs[e] as number;
        const ageDays = Number.isNaN(published) ? Infinity : Math.max(0, (today - published) / DAY_MS);
        this.recencyCache[e] = 1 + RECENCY_WEIGHT * Math.pow(2, -ageDays / RECENCY_HALF_LIFE_DAYS);
      }
      this.recencyKey = key;
    }
    return this.recencyCache;
  }

  /** The weakest score the candidate pool is already sure of (0 while it is not full). */
  private poolFloor(touchedCount: number, words: number, poolSize: number): number {
    if (touchedCount < poolSize) return 0;
    const heap = new TopK(poolSize);
    for (let i = 0; i < touchedCount; i++) {
      const doc = this.scratchTouched[i] as number;
      const matched = popcount(this.scratchMask[doc] as number) / words;
      heap.push(doc, (this.scratchTotal[doc] as number) * matched * matched);
    }
    return heap.min();
  }

  private ensureScratch(): void {
    if (this.scratchTotal.length >= this.docCount) return;
    const size = Math.max(this.docCount, Math.ceil(this.scratchTotal.length * 1.5));
    this.scratchTotal = new Float32Array(size);
    this.scratchWord = new Float32Array(size);
    this.scratchMask = new Uint8Array(size);
    this.scratchTouched = new Int32Array(size);
    this.scratchWordTouched = new Int32Array(size);
  }

  // ------------------------------------------------------------------ suggestions

  /**
   * "Did you mean": the query with each word the index does not know replaced by its closest dictionary words
   * (fewest edits, then most frequent). Empty when every word is known. With `podcastIds`, known and suggested
   * words are those of these podcasts only.
   */
  suggest(query: string, limit = 3, podcastIds?: readonly string[]): string[] {
    const allowed = podcastIds === undefined ? undefined : this.podcastFilter(podcastIds);
    if (podcastIds !== undefined && allowed === undefined) return [];
    const occurs = (s: string): boolean => {
      const e = this.expansionFor(s, 1);
      return e !== undefined && this.occursIn(e, allowed);
    };
    const tokens = tokenize(query);
    const replacements: { start: number; end: number; candidates: string[] }[] = [];
    for (const token of tokens) {
      if (isStopWord(token.folded) || occurs(stem(token.folded))) continue;
      const maxDistance = token.folded.length >= 5 ? 2 : token.folded.length >= 3 ? 1 : 0;
      if (maxDistance === 0) continue;
      const byStem = new Map<string, { display: string; distance: number; count: number; df: number }>();
      this.forEachSurfaceNear(token.folded, maxDistance, (_surface, s, distance, count, display) => {
        const seen = byStem.get(s);
        if (seen === undefined || distance < seen.distance || (distance === seen.distance && count > seen.count)) {
          byStem.set(s, { display, distance, count, df: seen?.df ?? this.stemDf(s) });
        }
      });
      const candidates = [...byStem.entries()]
        .filter(([s]) => occurs(s))
        .map(([, c]) => c)
        .sort((a, b) => a.distance - b.distance || b.df - a.df || b.count - a.count)
        .slice(0, limit)
        .map((c) => c.display);
      if (candidates.length > 0) replacements.push({ start: token.start, end: token.end, candidates });
    }
    if (replacements.length === 0) return [];
    const out: string[] = [];
    // The i-th suggestion takes the i-th candidate for the first unknown word and the best for the rest.
    const first = replacements[0] as { candidates: string[] };
    for (let i = 0; i < first.candidates.length && out.length < limit; i++) {
      let text = query;
      for (let r = replacements.length - 1; r >= 0; r--) {
        const rep = replacements[r] as { start: number; end: number; candidates: string[] };
        const word = r === 0 ? rep.candidates[i] : rep.candidates[0];
        text = text.slice(0, rep.start) + word + text.slice(rep.end);
      }
      if (!out.includes(text)) out.push(text);
    }
    return out;
  }

  /**
   * Autocomplete: the query with its last (partial) word completed, best first. Completions that occur together
   * with the earlier words rank by how many passages hold them all; otherwise by how common the word is. With
   * `podcastIds`, only words these podcasts hold are offered, and only their passages count as together.
   */
  complete(prefix: string, limit = 5, podcastIds?: readonly string[]): string[] {
    const allowed = podcastIds === undefined ? undefined : this.podcastFilter(podcastIds);
    if (podcastIds !== undefined && allowed === undefined) return [];
    const tokens = tokenize(prefix);
    const last = tokens[tokens.length - 1];
    if (last === undefined || last.end !== prefix.length) return [];
    const byStem = new Map<string, { display: string; count: number }>();
    this.forEachSurfaceWithPrefix(last.folded, (_surface, s, count, display) => {
      const seen = byStem.get(s);
      if (seen === undefined || count > seen.count) byStem.set(s, { display, count });
    });
    if (byStem.size === 0) return [];
    const ranked = [...byStem.entries()]
      .flatMap(([s, c]) => {
        const expansion = this.expansionFor(s, 1);
        return expansion === undefined ? [] : [{ expansion, display: c.display, df: this.df(expansion), together: 0 }];
      })
      .sort((a, b) => b.df - a.df || (a.display < b.display ? -1 : 1));
    // The 50 most common that the reader can find (global document frequencies order them, as they do BM25's idf).
    let candidates: typeof ranked = [];
    for (const c of ranked) {
      if (candidates.length >= 50) break;
      if (this.occursIn(c.expansion, allowed)) candidates.push(c);
    }

    const previous = tokens
      .slice(0, -1)
      .filter((t) => !isStopWord(t.folded))
      .map((t) => this.expansionFor(stem(t.folded), 1))
      .filter((e): e is Expansion => e !== undefined);
    if (previous.length > 0 && previous.length < 8) {
      this.ensureScratch();
      const mask = this.scratchMask;
      const touched = this.scratchTouched;
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
      for (const c of candidates) {
        this.forEachPosting(c.expansion, (doc) => {
          if (mask[doc] === previous.length && this.docDeleted[doc] === 0) c.together++;
        });
      }
      for (let i = 0; i < touchedCount; i++) mask[touched[i] as number] = 0;
      if (candidates.some((c) => c.together > 0)) {
        candidates = candidates.filter((c) => c.together > 0).sort((a, b) => b.together - a.together || b.df - a.df);
      }
    }
    const head = prefix.slice(0, last.start);
    return candidates.slice(0, limit).map((c) => head + c.display);
  }

  private forEachPosting(e: Expansion, visit: (doc: number) => void): void {
    if (e.compact >= 0) {
      const end = this.postingOffsets[e.compact + 1] as number;
      for (let p = this.postingOffsets[e.compact] as number; p < end; p++) visit(this.postingDocs[p] as number);
    }
    if (e.mutable >= 0) {
      for (let p = this.mutableHead[e.mutable] as number; p >= 0; p = this.mutablePostingNext[p] as number) visit(this.mutablePostingDoc[p] as number);
    }
  }

  // ------------------------------------------------------------------ persistence and accounting

  stats(): SearchIndexStats {
    return {
      passages: this.liveDocs,
      deletedPassages: this.deletedDocs,
      episodes: this.episodeCount,
      podcasts: this.podcastIds.length,
      stems: this.stems.length + this.mutableStems.filter((s) => this.findCompactStem(s) < 0).length,
      surfaces: this.surfaces.length + this.mutableSurfaces.size,
      compactPassages: this.compactDocs,
      mutablePassages: this.docCount - this.compactDocs,
    };
  }

  /** An estimate of the bytes this index holds: typed arrays exactly, strings and maps by V8's usual sizes. */
  memoryBytes(): number {
    const typed: NumericArray[] = [
      this.docEpisode, this.docStart, this.docField, this.docLength, this.docDeleted,
      this.episodePodcast, this.episodePublishedMs, this.episodeFirstDoc, this.episodeEndDoc,
      this.textBytes, this.textOffsets, this.postingOffsets, this.postingDocs, this.postingTfs,
      this.surfaceStem, this.surfaceCount,
      this.mutableHead, this.mutableTail, this.mutableDf, this.mutableBlockEnd, this.mutablePostingDoc, this.mutablePostingTf, this.mutablePostingNext,
      this.scratchTotal, this.scratchWord, this.scratchMask, this.scratchTouched, this.scratchWordTouched,
      this.docImpact1, this.docNorm, this.recencyCache, this.championOffsets, this.championDocs, this.championTfs,
    ];
    let bytes = 0;
    for (const a of typed) bytes += a.byteLength;
    // A one-byte V8 string: ~16 bytes of header plus its characters (rounded), plus the 8-byte slot pointing to it.
    const strings = (list: readonly string[]): number => {
      let sum = 0;
      for (const s of list) sum += 24 + s.length;
      return sum;
    };
    bytes += strings(this.stems) + strings(this.surfaces) + strings(this.surfaceDisplay);
    bytes += strings(this.episodeIds) + strings(this.episodePublished) + strings(this.podcastIds);
    bytes += strings(this.mutableTexts) + strings(this.mutableStems);
    // Map entries: ~3 slots in the hash table plus the key string (already counted or short).
    bytes += (this.episodeIndex.size + this.podcastIndex.size + this.mutableStemIndex.size) * 40;
    bytes += this.episodeIndex.size * 24;
    bytes += this.mutableSurfaces.size * (40 + 56 + 24);
    return bytes;
  }

  /** Writes the index (compacted first) as one buffer: a JSON header, then typed arrays written raw, 8-byte aligned. */
  serialize(): Uint8Array {
    this.compact();
    const joined = (list: readonly string[]): Uint8Array => this.encoder.encode(list.join('\u0000'));
    const sections: [string, NumericArray][] = [
      ['docEpisode', this.docEpisode.subarray(0, this.docCount)],
      ['docStart', this.docStart.subarray(0, this.docCount)],
      ['docField', this.docField.subarray(0, this.docCount)],
      ['docLength', this.docLength.subarray(0, this.docCount)],
      ['episodePodcast', this.episodePodcast.subarray(0, this.episodeCount)],
      ['episodePublishedMs', this.episodePublishedMs.subarray(0, this.episodeCount)],
      ['textOffsets', this.textOffsets],
      ['textBytes', this.textBytes],
      ['postingOffsets', this.postingOffsets],
      ['postingDocs', this.postingDocs],
      ['postingTfs', this.postingTfs],
      ['surfaceStem', this.surfaceStem],
      ['surfaceCount', this.surfaceCount],
      ['championOffsets', this.championOffsets],
      ['championDocs', this.championDocs],
      ['championTfs', this.championTfs],
      ['stems', joined(this.stems)],
      ['surfaces', joined(this.surfaces)],
      ['surfaceDisplay', joined(this.surfaceDisplay)],
      ['episodeIds', joined(this.episodeIds)],
      ['episodePublished', joined(this.episodePublished)],
      ['podcastIds', joined(this.podcastIds)],
    ];
    const header = this.encoder.encode(
      JSON.stringify({
        version: FORMAT_VERSION,
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
        sections: sections.map(([name, a]) => [name, a.constructor.name, a.length]),
      }),
    );
    const align = (n: number): number => (n + 7) & ~7;
    let size = align(8 + header.length);
    for (const [, a] of sections) size = align(size + a.byteLength);
    const out = new Uint8Array(size);
    const view = new DataView(out.buffer);
    view.setUint32(0, FORMAT_MAGIC, true);
    view.setUint32(4, header.length, true);
    out.set(header, 8);
    let at = align(8 + header.length);
    for (const [, a] of sections) {
      out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
      at = align(at + a.byteLength);
    }
    return out;
  }

  /** Reads what `serialize` wrote. Copies the bytes once (so the caller's buffer can be reused), then maps arrays onto them. */
  static load(bytes: Uint8Array): SearchIndex {
    const own = bytes.slice();
    const view = new DataView(own.buffer);
    if (own.length < 8 || view.getUint32(0, true) !== FORMAT_MAGIC) throw new Error('not a Podcord search index');
    const headerLength = view.getUint32(4, true);
    const header = JSON.parse(new TextDecoder().decode(own.subarray(8, 8 + headerLength))) as {
      version: number;
      k1: number;
      b: number;
      mutableLimit: number;
      fieldBoost: number[];
      docCount: number;
      episodeCount: number;
      counts: { stems: number; surfaces: number; episodes: number; podcasts: number };
      fieldDocs: number[];
      fieldLength: number[];
      sections: [string, string, number][];
    };
    if (header.version !== FORMAT_VERSION) throw new Error(`search index format ${header.version}, expected ${FORMAT_VERSION}`);
    const ctors: Record<string, new (buffer: ArrayBuffer, offset: number, length: number) => NumericArray> = {
      Uint8Array,
      Uint16Array,
      Uint32Array,
      Int32Array,
      Float32Array,
      Float64Array,
    };
    const arrays = new Map<string, NumericArray>();
    let at = (8 + headerLength + 7) & ~7;
    for (const [name, type, length] of header.sections) {
      const Ctor = ctors[type];
      if (Ctor === undefined) throw new Error(`unknown array type ${type}`);
      const a = new Ctor(own.buffer, at, length);
      arrays.set(name, a);
      at = (at + a.byteLength + 7) & ~7;
    }
    const get = <T extends NumericArray>(name: string): T => {
      const a = arrays.get(name);
      if (a === undefined) throw new Error(`search index lacks ${name}`);
      return a as T;
    };
    const decoder = new TextDecoder();
    const strings = (name: string, count: number): string[] => {
      if (count === 0) return [];
      return decoder.decode(get<Uint8Array>(name)).split('\u0000');
    };

    const fieldBoost: Partial<Record<PassageField, number>> = {};
    PASSAGE_FIELDS.forEach((field, i) => (fieldBoost[field] = header.fieldBoost[i] ?? DEFAULT_FIELD_BOOST[field]));
    const index = new SearchIndex({ k1: header.k1, b: header.b, mutableLimit: header.mutableLimit, fieldBoost });
    index.docCount = header.docCount;
    index.compactDocs = header.docCount;
    index.liveDocs = header.docCount;
    index.docEpisode = get<Uint32Array>('docEpisode');
    index.docStart = get<Float64Array>('docStart');
    index.docField = get<Uint8Array>('docField');
    index.docLength = get<Uint16Array>('docLength');
    index.docDeleted = new Uint8Array(header.docCount);
    index.fieldDocs.set(header.fieldDocs);
    index.fieldLength.set(header.fieldLength);
    index.episodeCount = header.episodeCount;
    index.episodePodcast = get<Uint32Array>('episodePodcast');
    index.episodePublishedMs = get<Float64Array>('episodePublishedMs');
    index.episodeIds = strings('episodeIds', header.counts.episodes);
    index.episodePublished = strings('episodePublished', header.counts.episodes);
    index.podcastIds = strings('podcastIds', header.counts.podcasts);
    index.podcastIds.forEach((id, i) => index.podcastIndex.set(id, i));
    index.episodeIds.forEach((id, i) => index.episodeIndex.set(`${index.episodePodcast[i] as number}\u0000${id}`, i));
    index.episodeFirstDoc = new Uint32Array(header.episodeCount);
    index.episodeEndDoc = new Uint32Array(header.episodeCount);
    index.rebuildEpisodeRanges();
    index.textOffsets = get<Uint32Array>('textOffsets');
    index.textBytes = get<Uint8Array>('textBytes');
    index.stems = strings('stems', header.counts.stems);
    index.postingOffsets = get<Uint32Array>('postingOffsets');
    index.postingDocs = get<Uint32Array>('postingDocs');
    index.postingTfs = get<Uint8Array>('postingTfs');
    index.surfaces = strings('surfaces', header.counts.surfaces);
    index.surfaceDisplay = strings('surfaceDisplay', header.counts.surfaces);
    index.surfaceStem = get<Uint32Array>('surfaceStem');
    index.surfaceCount = get<Uint32Array>('surfaceCount');
    index.championOffsets = get<Uint32Array>('championOffsets');
    index.championDocs = get<Uint32Array>('championDocs');
    index.championTfs = get<Uint8Array>('championTfs');
    return index;
  }
}

/** First position in sorted `docs[from, end)` holding a value >= target: doubling steps, then binary search. */
function gallop(docs: Uint32Array, target: number, from: number, end: number): number {
  if (from >= end || (docs[from] as number) >= target) return from;
  let step = 1;
  let lo = from;
  let hi = from + 1;
  while (hi < end && (docs[hi] as number) < target) {
    lo = hi;
    step *= 2;
    hi = lo + step;
  }
  if (hi > end) hi = end;
  // docs[lo] < target; docs[hi] >= target or hi === end
  while (lo + 1 < hi) {
    const mid = (lo + hi) >>> 1;
    if ((docs[mid] as number) < target) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * The first letters of the words that can stem to one of `stems`, for forEachTerm: stem() only strips suffixes (and
 * turns "ies" into "y"), so a word starts with its stem less a final y. Undefined when a stem leaves nothing to test.
 */
function stemInitials(stems: Iterable<string>): Set<number> | undefined {
  const initials = new Set<number>();
  for (const s of stems) {
    const base = s.endsWith('y') ? s.slice(0, -1) : s;
    if (base === '') return undefined;
    initials.add(base.charCodeAt(0));
  }
  return initials;
}

function popcount(bits: number): number {
  let n = 0;
  for (let b = bits; b !== 0; b &= b - 1) n++;
  return n;
}

interface Reranked {
  doc: number;
  score: number;
  text: string;
  terms: string[];
  matches: MatchRange[];
}

/**
 * Whether the phrase rerank could raise the score of a passage whose matched query words are `bits` (bit w: word w):
 * only two adjacent query words both in the passage earn a bonus. The bits are exact for a passage holding the rarest
 * word (`rarestBit`; its postings are read in full, and every later word looks up every passage found before it), and
 * for every passage of a two-word query (one without the rarest word holds only the other). Beyond two words a later
 * word's new passages come from its champions alone, so a passage without the rarest word may hold more words than
 * its bits say: it is reranked to be sure.
 */
function mayGainPhraseBonus(bits: number, words: number, rarestBit: number): boolean {
  if (words > 2 && (bits & rarestBit) === 0) return true;
  for (let w = 0; w + 1 < words; w++) if ((bits >> w) & 1 && (bits >> (w + 1)) & 1) return true;
  return false;
}

/** Inserts `c` into `ranked`, kept in byScoreThenDoc order (a candidate mostly lands at or near the end). */
function insertRanked<C extends { doc: number; score: number }>(ranked: C[], c: C): void {
  let lo = 0;
  let hi = ranked.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (byScoreThenDoc(ranked[mid]!, c) < 0) lo = mid + 1;
    else hi = mid;
  }
  ranked.splice(lo, 0, c);
}

function byScoreThenDoc(a: { doc: number; score: number }, b: { doc: number; score: number }): number {
  return b.score - a.score || a.doc - b.doc;
}

/** A bounded min-heap keeping the k best (doc, score) pairs. */
class TopK {
  private readonly docs: Int32Array;
  private readonly scores: Float64Array;
  private size = 0;

  constructor(private readonly k: number) {
    this.docs = new Int32Array(k);
    this.scores = new Float64Array(k);
  }

  push(doc: number, score: number): void {
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if ((this.scores[parent] as number) <= score) break;
        this.docs[i] = this.docs[parent] as number;
        this.scores[i] = this.scores[parent] as number;
        i = parent;
      }
      this.docs[i] = doc;
      this.scores[i] = score;
      return;
    }
    if (score <= (this.scores[0] as number)) return;
    this.replaceMin(doc, score);
  }

  /** Puts (doc, score) in place of the root (the minimum) and sifts it down. */
  private replaceMin(doc: number, score: number): void {
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.size) break;
      const right = left + 1;
      const child = right < this.size && (this.scores[right] as number) < (this.scores[left] as number) ? right : left;
      if ((this.scores[child] as number) >= score) break;
      this.docs[i] = this.docs[child] as number;
      this.scores[i] = this.scores[child] as number;
      i = child;
    }
    this.docs[i] = doc;
    this.scores[i] = score;
  }

  /** The k-th best score (0 while fewer than k were pushed). */
  min(): number {
    return this.size < this.k ? 0 : (this.scores[0] as number);
  }

  drain(): { doc: number; score: number }[] {
    const out: { doc: number; score: number }[] = [];
    for (let i = 0; i < this.size; i++) out.push({ doc: this.docs[i] as number, score: this.scores[i] as number });
    return out;
  }

  /**
   * The kept pairs in byScoreThenDoc order, emptying the heap. Popping the minimum leaves only equal scores out of
   * doc order, which the insertion sort then fixes in a pass: several times faster than Array#sort with a comparator
   * (the pool of 180 cost ~20 µs a query).
   */
  drainSorted(): { doc: number; score: number }[] {
    const out: { doc: number; score: number }[] = new Array(this.size);
    while (this.size > 0) {
      const last = --this.size;
      out[last] = { doc: this.docs[0] as number, score: this.scores[0] as number };
      if (last > 0) this.replaceMin(this.docs[last] as number, this.scores[last] as number);
    }
    for (let i = 1; i < out.length; i++) {
      const c = out[i]!;
      let j = i - 1;
      for (; j >= 0 && byScoreThenDoc(out[j]!, c) > 0; j--) out[j + 1] = out[j]!;
      out[j + 1] = c;
    }
    return out;
  }
}
