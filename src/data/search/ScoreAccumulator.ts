/**
 * Postings into scores: the walks over a query word's postings that add BM25 contributions to per-passage
 * accumulators, and the scratch those accumulators live in (typed arrays sized to the passages, reused between
 * queries and cleared as they are read). SearchIndex decides which postings each word reads (all, champions, probes);
 * this adds them up. These loops are the hot path of every query: each is one closure-free method with everything in
 * locals.
 *
 * Per passage: `total` is the score so far, `mask` the query words it matched (bit w: word w), `wordBest` the best
 * expansion of the current word (a word scores its best expansion, not their sum). `touched` lists the passages with
 * a mask, `wordTouched` those with a wordBest, so clearing costs what was found, not the index size. (scanKnownBest
 * adds a word's best to the passages already found without wordBest: one table by passage id less to read for each.)
 */
import { LENGTH_BITS, popcount } from './bm25.js';
import { gallop, stepTo } from './gallop.js';
import { TopK } from './TopK.js';

/** Which postings scanCompact reads: all, only passages not yet found, only passages already found. */
export const ALL = 0;
export const ONLY_NEW = 1;
export const ONLY_KNOWN = 2;

/** The mutable segment's postings: linked lists through these parallel arrays (see SearchIndex.appendMutablePosting). */
export interface MutablePostingList {
  doc: Uint32Array;
  tf: Uint8Array;
  next: Int32Array;
}

/** What a query reads about each passage; the index's arrays, handed over at the start of every query. */
export interface DocView {
  docDeleted: Uint8Array;
  /** A passage's BM25 factors are read by its field and length (bm25ImpactTables). */
  docField: Uint8Array;
  docLength: Uint16Array;
  impactByLength: Float32Array;
  normByLength: Float32Array;
  docEpisode: Uint32Array;
  episodePodcast: Uint32Array;
}

/** A word left to `collect` (ScoreAccumulator.defer), with its cursors while collect walks its lists. */
interface DeferredWord {
  ranges: Int32Array;
  heads: Int32Array;
  idf: Float64Array;
  bit: number;
  single: boolean;
  maxIdf: number;
  maxTf: Uint8Array;
  cursors: Int32Array;
  mutableCursors: Int32Array;
  last: number;
}

export class ScoreAccumulator {
  total: Float32Array = new Float32Array(0);
  wordBest: Float32Array = new Float32Array(0);
  mask: Uint8Array = new Uint8Array(0);
  touched: Int32Array = new Int32Array(0);
  wordTouched: Int32Array = new Int32Array(0);
  /** A bit per passage: held by a later query word (markLater), for scanShared; all 0 between queries. */
  later: Int32Array = new Int32Array(0);
  /** touchedCount when SearchIndex.readShared had read the first word's prefix in full. */
  prefixTouched = 0;
  /** Fill counts of touched / wordTouched while a query runs. */
  touchedCount = 0;
  wordTouchedCount = 0;

  /**
   * The last query words' postings for the passages already found, read by `collect` (and collectFirst) as it takes each
   * passage (defer), in the order the words were read; empty: none. Their lists are in `deferredDocs`/`deferredTfs`
   * (the compact segment's postings) and `deferredMutable`.
   */
  private deferred: DeferredWord[] = [];
  private deferredDocs: Uint32Array = new Uint32Array(0);
  private deferredTfs: Uint8Array = new Uint8Array(0);
  private deferredMutable: MutablePostingList = { doc: new Uint32Array(0), tf: new Uint8Array(0), next: new Int32Array(0) };

  private docDeleted: Uint8Array = new Uint8Array(0);
  private docField: Uint8Array = new Uint8Array(0);
  private docLength: Uint16Array = new Uint16Array(0);
  private impact1: Float32Array = new Float32Array(0);
  private norm: Float32Array = new Float32Array(0);
  private docEpisode: Uint32Array = new Uint32Array(0);
  private episodePodcast: Uint32Array = new Uint32Array(0);

  /** Points the walks at the index's current arrays (they are replaced as the index grows and compacts). */
  view(docs: DocView): void {
    this.docDeleted = docs.docDeleted;
    this.docField = docs.docField;
    this.docLength = docs.docLength;
    this.impact1 = docs.impactByLength;
    this.norm = docs.normByLength;
    this.docEpisode = docs.docEpisode;
    this.episodePodcast = docs.episodePodcast;
  }

  /** Drops the scratch (after a compaction; the next query sizes it again) and the arrays it viewed. */
  release(): void {
    this.total = new Float32Array(0);
    this.wordBest = new Float32Array(0);
    this.mask = new Uint8Array(0);
    this.touched = new Int32Array(0);
    this.wordTouched = new Int32Array(0);
    this.later = new Int32Array(0);
    this.view({
      docDeleted: new Uint8Array(0),
      docField: new Uint8Array(0),
      docLength: new Uint16Array(0),
      impactByLength: new Float32Array(0),
      normByLength: new Float32Array(0),
      docEpisode: new Uint32Array(0),
      episodePodcast: new Uint32Array(0),
    });
  }

  byteLength(): number {
    return (
      this.total.byteLength + this.wordBest.byteLength + this.mask.byteLength + this.touched.byteLength + this.wordTouched.byteLength + this.later.byteLength
    );
  }

  /**
   * Ends a word: adds each passage's best expansion of it (from a multi-expansion word's walks) to its total and
   * marks the word in its mask.
   */
  endWord(bit: number): void {
    const mask = this.mask;
    const total = this.total;
    const wordBest = this.wordBest;
    const touched = this.touched;
    const wordTouched = this.wordTouched;
    let touchedCount = this.touchedCount;
    const wordTouchedCount = this.wordTouchedCount;
    for (let i = 0; i < wordTouchedCount; i++) {
      const doc = wordTouched[i] as number;
      if (mask[doc] === 0) touched[touchedCount++] = doc;
      mask[doc] = (mask[doc] as number) | bit;
      total[doc] = (total[doc] as number) + (wordBest[doc] as number);
      wordBest[doc] = 0;
    }
    this.touchedCount = touchedCount;
    this.wordTouchedCount = 0;
  }

  /**
   * Adds the postings [from, end) of one expansion to the accumulators: `total` directly when the word has a single
   * expansion, else the word's best-of-expansions in `scratchWord`. The hot loop of every query, so it is one
   * closure-free method with everything in locals. scanMutable repeats its per-posting body for the linked list of
   * the mutable segment (a shared method called per posting cost more than the copy): a change here goes there too.
   */
  scanCompact(
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
    const docField = this.docField;
    const docLength = this.docLength;
    const impact1 = this.impact1;
    const docNorm = this.norm;
    const mask = this.mask;
    const total = this.total;
    const wordBest = this.wordBest;
    const touched = this.touched;
    const wordTouched = this.wordTouched;
    const docEpisode = this.docEpisode;
    const episodePodcast = this.episodePodcast;
    let touchedCount = this.touchedCount;
    let wordTouchedCount = this.wordTouchedCount;
    for (let p = from; p < end; p++) {
      const doc = postingDocs[p] as number;
      const m = mask[doc] as number;
      // Known: found by an earlier word. A passage this word's champions just brought in already holds this word's
      // bit (a single expansion scores at once) and is not scored for it again.
      if (which === ONLY_KNOWN) {
        // A known passage is live and allowed (every way into `touched` checks both): its tables are not read for that.
        if (m === 0 || (m & bit) !== 0) continue;
      } else {
        if (which === ONLY_NEW && m !== 0) continue;
        if (deleted[doc] === 1) continue;
        if (allowed !== undefined && allowed[episodePodcast[docEpisode[doc] as number] as number] !== 1) continue;
      }
      const tf = postingTfs[p] as number;
      const slot = ((docField[doc] as number) << LENGTH_BITS) | (docLength[doc] as number);
      let s = weightedIdf * (impact1[slot] as number);
      if (tf !== 1) {
        const norm = docNorm[slot] as number;
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
    this.touchedCount = touchedCount;
    this.wordTouchedCount = wordTouchedCount;
  }

  /**
   * scanCompact (ONLY_KNOWN) of all of a word's expansions at once, for a word of several whose every expansion is
   * read that way (and has no mutable postings): their compact lists are the ranges [ranges[2i], ranges[2i + 1]) of
   * `postingDocs` (each ascending). Each passage found gets its best expansion added to `total` and its bit in `mask`
   * right there, as endWord would, instead of through `wordBest` and `wordTouched`: at 13.7 M passages that saves a
   * cache miss in `wordBest` per passage in the scan and two in endWord. The longest list is walked as scanCompact
   * walks it, the others galloped to for each passage found there; then the passages only the others hold, merged.
   * The best is kept as `wordBest` would hold it (Float32, replaced only when above), so the sums are the same.
   */
  scanKnownBest(postingDocs: Uint32Array, postingTfs: Uint8Array, ranges: Int32Array, rangeIdf: Float64Array, bit: number): void {
    const docField = this.docField;
    const docLength = this.docLength;
    const impact1 = this.impact1;
    const docNorm = this.norm;
    const mask = this.mask;
    const total = this.total;
    const rangeCount = ranges.length >>> 1;
    let longest = 0;
    for (let r = 1; r < rangeCount; r++) {
      if ((ranges[2 * r + 1] as number) - (ranges[2 * r] as number) > (ranges[2 * longest + 1] as number) - (ranges[2 * longest] as number)) longest = r;
    }
    // The other lists: cursors, ends and weighted idfs.
    const restCount = rangeCount - 1;
    const cursors = new Int32Array(restCount);
    const ends = new Int32Array(restCount);
    const idfs = new Float64Array(restCount);
    for (let r = 0, k = 0; r < rangeCount; r++) {
      if (r === longest) continue;
      cursors[k] = ranges[2 * r] as number;
      ends[k] = ranges[2 * r + 1] as number;
      idfs[k++] = rangeIdf[r] as number;
    }
    const longestIdf = rangeIdf[longest] as number;
    const end = ranges[2 * longest + 1] as number;
    for (let p = ranges[2 * longest] as number; p < end; p++) {
      const doc = postingDocs[p] as number;
      const m = mask[doc] as number;
      // Known, and not yet holding this word's bit (a word of several expansions' champions leave mask at 0).
      if (m === 0 || (m & bit) !== 0) continue;
      const slot = ((docField[doc] as number) << LENGTH_BITS) | (docLength[doc] as number);
      const tf = postingTfs[p] as number;
      let s = longestIdf * (impact1[slot] as number);
      if (tf !== 1) {
        const norm = docNorm[slot] as number;
        s = (s * tf * (1 + norm)) / (tf + norm);
      }
      // As wordBest, starting at 0.
      let best = s > 0 ? Math.fround(s) : 0;
      for (let k = 0; k < restCount; k++) {
        const c = gallop(postingDocs, doc, cursors[k] as number, ends[k] as number);
        cursors[k] = c;
        if (c >= (ends[k] as number) || postingDocs[c] !== doc) continue;
        const tfOther = postingTfs[c] as number;
        let o = (idfs[k] as number) * (impact1[slot] as number);
        if (tfOther !== 1) {
          const norm = docNorm[slot] as number;
          o = (o * tfOther * (1 + norm)) / (tfOther + norm);
        }
        if (o > best) best = Math.fround(o);
      }
      mask[doc] = m | bit;
      total[doc] = (total[doc] as number) + best;
    }
    // The passages the longest list does not hold (those it holds now have the bit): the others merged by passage.
    for (let k = 0; k < restCount; k++) cursors[k] = ranges[2 * (k < longest ? k : k + 1)] as number;
    for (;;) {
      // The least passage at any cursor (passage ids fit in 32 bits, so 2^32 means none left).
      let doc = 4294967296;
      for (let k = 0; k < restCount; k++) {
        const c = cursors[k] as number;
        if (c < (ends[k] as number)) {
          const d = postingDocs[c] as number;
          if (d < doc) doc = d;
        }
      }
      if (doc === 4294967296) break;
      const m = mask[doc] as number;
      const known = m !== 0 && (m & bit) === 0;
      let slot = -1;
      let best = 0;
      let held = false;
      for (let k = 0; k < restCount; k++) {
        const c = cursors[k] as number;
        if (c >= (ends[k] as number) || postingDocs[c] !== doc) continue;
        cursors[k] = c + 1;
        if (!known) continue;
        if (slot < 0) slot = ((docField[doc] as number) << LENGTH_BITS) | (docLength[doc] as number);
        const tf = postingTfs[c] as number;
        let s = (idfs[k] as number) * (impact1[slot] as number);
        if (tf !== 1) {
          const norm = docNorm[slot] as number;
          s = (s * tf * (1 + norm)) / (tf + norm);
        }
        held = true;
        if (s > best) best = Math.fround(s);
      }
      if (!held) continue;
      mask[doc] = m | bit;
      total[doc] = (total[doc] as number) + best;
    }
  }

  /**
   * Leaves a later query word's postings, for the passages already found (those in `touched` without its bit), to
   * `collect`, which scores each as it takes it: what scanCompact (ONLY_KNOWN), probeCompact or scanKnownBest would have
   * added to it, computed alike (a single expansion's score added as it is, else the best of them kept as Float32).
   * Words deferred so are added in the order they were deferred (as they would have been read). The passages found are
   * read once, not once per word and once more for the pool: at 13.7 M passages their `mask` and `total` are cache
   * misses, and the words' lists (millions of postings for a common word) are walked beside them in order rather than
   * each posting's passage looked up; where even the most the words could add would not take a passage into the pool,
   * none is looked up at all. Expansion i's lists are the compact range [ranges[2i], ranges[2i + 1]) of `postingDocs`
   * (empty: none) and the mutable list from heads[i] (-1: none), each ascending; `maxTf` per field the largest term
   * frequency (at least 1) in any of them. The passages new to the query must have been read already (its champions, or
   * ONLY_NEW).
   */
  defer(
    postingDocs: Uint32Array,
    postingTfs: Uint8Array,
    ranges: Int32Array,
    mutable: MutablePostingList,
    heads: Int32Array,
    rangeIdf: Float64Array,
    bit: number,
    single: boolean,
    maxTf: Uint8Array,
  ): void {
    this.deferredDocs = postingDocs;
    this.deferredTfs = postingTfs;
    this.deferredMutable = mutable;
    let maxIdf = 0;
    for (const idf of rangeIdf) maxIdf = Math.max(maxIdf, idf);
    this.deferred.push({ ranges, heads, idf: rangeIdf, bit, single, maxIdf, maxTf, cursors: new Int32Array(0), mutableCursors: new Int32Array(0), last: -1 });
  }

  /**
   * The most the deferred words a passage lacks (not in `bits`) could add to it, at its table `slot`: each one's largest
   * weighted idf at its largest term frequency in the passage's field.
   */
  private deferredMost(bits: number, slot: number): number {
    const impact = this.impact1[slot] as number;
    const norm = this.norm[slot] as number;
    const field = slot >>> LENGTH_BITS;
    let most = 0;
    for (const d of this.deferred) {
      if ((bits & d.bit) !== 0) continue;
      const tf = d.maxTf[field] as number;
      most += tf === 1 ? d.maxIdf * impact : (d.maxIdf * impact * tf * (1 + norm)) / (tf + norm);
    }
    return most;
  }

  /**
   * The best passages found into `heap` (coordination x recency, see SearchIndex.collectPool), in `touched` order,
   * clearing `total` and `mask` as it reads them but for the passages offered to the heap: those are listed at the
   * front of `touched` (their count returned as `pushed`), `mask` kept for the caller to read and clear. With words
   * deferred (defer), each passage found without their bits gets their scores first. Then the deferred words are
   * dropped. `prefixEnd`, `aloneBound`: whether the heap's least reached `aloneBound` by the time the passage at
   * `prefixEnd` was taken (`exact`; -1: not asked).
   */
  collect(
    heap: TopK,
    coordination: Float64Array,
    maxRecency: number,
    recency: Float32Array | undefined,
    docEpisode: Uint32Array,
    prefixEnd: number,
    aloneBound: number,
  ): { pushed: number; exact: boolean } {
    const { total, mask, touched } = this;
    const touchedCount = this.touchedCount;
    this.startCollecting(heap, coordination, maxRecency, recency, docEpisode);
    let deferredBits = 0;
    for (const d of this.deferred) deferredBits |= d.bit;
    const docField = this.docField;
    const docLength = this.docLength;
    let exact = true;
    let pushed = 0;
    for (let i = 0; i < touchedCount; i++) {
      if (i === prefixEnd && heap.min() < aloneBound) exact = false;
      const doc = touched[i] as number;
      const bits = mask[doc] as number;
      let score = total[doc] as number;
      total[doc] = 0;
      if ((deferredBits & ~bits) !== 0) {
        // take's first check, here where it costs no call: most passages end at it.
        const slot = ((docField[doc] as number) << LENGTH_BITS) | (docLength[doc] as number);
        if ((score + this.deferredMost(bits, slot)) * (coordination[bits | deferredBits] as number) * maxRecency * (1 + 1e-5) <= heap.min()) {
          mask[doc] = 0;
          continue;
        }
        if (this.take(doc, bits, score, slot)) touched[pushed++] = doc;
        continue;
      }
      // As take does it, for a passage with no word left to add (most of them, in most queries), without the call.
      score *= coordination[bits] as number;
      if (score * maxRecency <= heap.min()) {
        mask[doc] = 0;
        continue;
      }
      if (recency !== undefined) score *= recency[docEpisode[doc] as number] as number;
      heap.push(doc, score);
      touched[pushed++] = doc;
    }
    if (prefixEnd === touchedCount && heap.min() < aloneBound) exact = false;
    this.deferred = [];
    return { pushed, exact };
  }

  /**
   * The first of several words read in order into `heap` with the others (deferred, defer) looked up beside it, each
   * passage as `collect` would take it after scanCompact (ALL) and scanMutable of this word: its compact postings
   * [from, end) then its mutable list from `head` (-1: none). Nothing is written for a passage but `mask` (`bit`, so the
   * later words' new passages are read as new only where they are, ONLY_NEW), or with the later words' bits too where
   * it was offered to the heap; `clearFirst` clears them after.
   */
  collectFirst(
    postingDocs: Uint32Array,
    postingTfs: Uint8Array,
    from: number,
    end: number,
    mutable: MutablePostingList,
    head: number,
    weightedIdf: number,
    bit: number,
    allowed: Uint8Array | undefined,
    heap: TopK,
    coordination: Float64Array,
    maxRecency: number,
    recency: Float32Array | undefined,
  ): void {
    const deleted = this.docDeleted;
    const docField = this.docField;
    const docLength = this.docLength;
    const impact1 = this.impact1;
    const docNorm = this.norm;
    const mask = this.mask;
    const docEpisode = this.docEpisode;
    const episodePodcast = this.episodePodcast;
    this.startCollecting(heap, coordination, maxRecency, recency, docEpisode);
    let all = bit;
    for (const d of this.deferred) all |= d.bit;
    // The coordination of a passage holding every word: the most this word's passages can have.
    const every = coordination[all] as number;
    for (let p = from; ; p++) {
      // The compact postings, then the mutable list's (their passages come after).
      let doc: number;
      let tf: number;
      if (p < end) {
        doc = postingDocs[p] as number;
        tf = postingTfs[p] as number;
      } else {
        if (head < 0) break;
        doc = mutable.doc[head] as number;
        tf = mutable.tf[head] as number;
        head = mutable.next[head] as number;
      }
      if (deleted[doc] === 1) continue;
      if (allowed !== undefined && allowed[episodePodcast[docEpisode[doc] as number] as number] !== 1) continue;
      const slot = ((docField[doc] as number) << LENGTH_BITS) | (docLength[doc] as number);
      let s = weightedIdf * (impact1[slot] as number);
      if (tf !== 1) {
        const norm = docNorm[slot] as number;
        s = (s * tf * (1 + norm)) / (tf + norm);
      }
      mask[doc] = bit;
      // As `total` would hold it. take's first check here, where it costs no call: most passages end at it.
      const score = Math.fround(s);
      if ((score + this.deferredMost(bit, slot)) * every * maxRecency * (1 + 1e-5) <= heap.min()) continue;
      // Not offered: still known to the later words (its mask cleared by take).
      if (!this.take(doc, bit, score, slot)) mask[doc] = bit;
    }
  }

  /** Clears `mask` for the first word's passages (collectFirst), the same postings. */
  clearFirst(postingDocs: Uint32Array, from: number, end: number, mutable: MutablePostingList, head: number): void {
    const mask = this.mask;
    for (let p = from; p < end; p++) mask[postingDocs[p] as number] = 0;
    for (let m = head; m >= 0; m = mutable.next[m] as number) mask[mutable.doc[m] as number] = 0;
  }

  // What `take` reads while collect or collectFirst runs (set by startCollecting).
  private heap = new TopK(1);
  private coordination: Float64Array = new Float64Array(0);
  private maxRecency = 1;
  private recency: Float32Array | undefined = undefined;

  private startCollecting(heap: TopK, coordination: Float64Array, maxRecency: number, recency: Float32Array | undefined, docEpisode: Uint32Array): void {
    this.heap = heap;
    this.coordination = coordination;
    this.maxRecency = maxRecency;
    this.recency = recency;
    this.docEpisode = docEpisode;
    for (const d of this.deferred) {
      const rangeCount = d.ranges.length >>> 1;
      d.cursors = new Int32Array(rangeCount);
      for (let r = 0; r < rangeCount; r++) d.cursors[r] = d.ranges[2 * r] as number;
      d.mutableCursors = d.heads.slice();
      d.last = -1;
    }
  }

  /**
   * One passage found, its `mask` bits and `score` so far (`slot`: its BM25 table slot), offered to the heap: the
   * deferred words' scores added first (each it has not the bit of, in their order), then coordination and recency.
   * Returns whether it was offered (its mask then kept, with the deferred words' bits it holds); else its mask is
   * cleared. Callers have checked that the deferred words' most (deferredMost) could take it in.
   */
  private take(doc: number, bits: number, score: number, slot: number): boolean {
    const mask = this.mask;
    const heap = this.heap;
    const postingDocs = this.deferredDocs;
    const postingTfs = this.deferredTfs;
    const mutableDoc = this.deferredMutable.doc;
    const mutableNext = this.deferredMutable.next;
    const impact = this.impact1[slot] as number;
    const norm = this.norm[slot] as number;
    for (const d of this.deferred) {
      if ((bits & d.bit) !== 0) continue;
      const ranges = d.ranges;
      const rangeCount = ranges.length >>> 1;
      const cursors = d.cursors;
      const mutableCursors = d.mutableCursors;
      // The passages found come in ascending runs (a full read of the first word; then a few more, later words'
      // new ones): the cursors follow each run, and go back to their lists' starts where a new one begins. Between
      // two passages looked up they gallop past the rest.
      if (doc < d.last) {
        for (let r = 0; r < rangeCount; r++) cursors[r] = ranges[2 * r] as number;
        mutableCursors.set(d.heads);
      }
      d.last = doc;
      let best = 0;
      let held = false;
      for (let r = 0; r < rangeCount; r++) {
        const rangeEnd = ranges[2 * r + 1] as number;
        // A step or two, else gallop (a list of like length).
        const c = stepTo(postingDocs, doc, cursors[r] as number, rangeEnd);
        cursors[r] = c;
        let tf: number;
        if (c < rangeEnd && postingDocs[c] === doc) tf = postingTfs[c] as number;
        else {
          // The mutable segment's passages come after the compact one's: its lists are walked for those.
          let m = mutableCursors[r] as number;
          if (m < 0) continue;
          while (m >= 0 && (mutableDoc[m] as number) < doc) m = mutableNext[m] as number;
          mutableCursors[r] = m;
          if (m < 0 || mutableDoc[m] !== doc) continue;
          tf = this.deferredMutable.tf[m] as number;
        }
        let s = (d.idf[r] as number) * impact;
        if (tf !== 1) s = (s * tf * (1 + norm)) / (tf + norm);
        held = true;
        // As `total` (single) or `wordBest` (several) would hold it.
        if (d.single) best = s;
        else if (s > best) best = Math.fround(s);
      }
      if (held) {
        bits |= d.bit;
        score = Math.fround(score + best);
      }
    }
    // Passages that match every word come first: coordination squared.
    score *= this.coordination[bits] as number;
    if (score * this.maxRecency <= heap.min()) {
      mask[doc] = 0;
      return false;
    }
    if (this.recency !== undefined) score *= this.recency[this.docEpisode[doc] as number] as number;
    heap.push(doc, score);
    mask[doc] = bits;
    return true;
  }

  /** Drops the words deferred (a query that ended without collect). */
  clearDeferred(): void {
    this.deferred = [];
  }

  /** Sets `later` for the passages of postings [from, end) of the compact segment. */
  markLater(postingDocs: Uint32Array, from: number, end: number): void {
    const later = this.later;
    for (let p = from; p < end; p++) {
      const doc = postingDocs[p] as number;
      later[doc >>> 5] = (later[doc >>> 5] as number) | (1 << (doc & 31));
    }
  }

  /** Clears what markLater set (whole words: every bit in `later` is cleared after each query). */
  clearLater(postingDocs: Uint32Array, from: number, end: number): void {
    const later = this.later;
    for (let p = from; p < end; p++) later[(postingDocs[p] as number) >>> 5] = 0;
  }

  /** markLater (or with `clear`, clearLater) for a stem's mutable postings (a linked list). */
  markLaterMutable(postings: MutablePostingList, head: number, clear: boolean): void {
    const later = this.later;
    const postingDoc = postings.doc;
    const next = postings.next;
    for (let p = head; p >= 0; p = next[p] as number) {
      const doc = postingDoc[p] as number;
      later[doc >>> 5] = clear ? 0 : (later[doc >>> 5] as number) | (1 << (doc & 31));
    }
  }

  /**
   * scanCompact (ALL) of the first of several query words, but only for the passages that some later word's postings
   * hold too: those set in `later` (markLater), or found by galloping in the far longer lists, the compact ranges
   * [ranges[2i], ranges[2i + 1]) of `postingDocs` (ascending like these postings, so each keeps a cursor). `later` is
   * a bit per passage (1.7 MB at 14 million), so it stays in cache where scoring a posting costs random reads of five
   * per-passage arrays that miss it. The passages left out hold this word alone, and SearchIndex checks that none of
   * them could have reached the pool (else it reads the word in full).
   */
  scanShared(
    postingDocs: Uint32Array,
    postingTfs: Uint8Array,
    from: number,
    end: number,
    weightedIdf: number,
    bit: number,
    single: boolean,
    allowed: Uint8Array | undefined,
    ranges: Int32Array,
  ): void {
    const deleted = this.docDeleted;
    const docField = this.docField;
    const docLength = this.docLength;
    const impact1 = this.impact1;
    const docNorm = this.norm;
    const mask = this.mask;
    const total = this.total;
    const wordBest = this.wordBest;
    const touched = this.touched;
    const wordTouched = this.wordTouched;
    const docEpisode = this.docEpisode;
    const episodePodcast = this.episodePodcast;
    const later = this.later;
    const cursors = ranges.slice();
    let touchedCount = this.touchedCount;
    let wordTouchedCount = this.wordTouchedCount;
    for (let p = from; p < end; p++) {
      const doc = postingDocs[p] as number;
      let shared = (((later[doc >>> 5] as number) >>> (doc & 31)) & 1) === 1;
      for (let r = 0; r < ranges.length && !shared; r += 2) {
        const rangeEnd = ranges[r + 1] as number;
        const c = gallop(postingDocs, doc, cursors[r] as number, rangeEnd);
        cursors[r] = c;
        shared = c < rangeEnd && postingDocs[c] === doc;
      }
      // Left out unread: a passage's own tables are read only for those scored (they miss the cache at 13.7 M).
      if (!shared) continue;
      const m = mask[doc] as number;
      if (deleted[doc] === 1) continue;
      if (allowed !== undefined && allowed[episodePodcast[docEpisode[doc] as number] as number] !== 1) continue;
      const tf = postingTfs[p] as number;
      const slot = ((docField[doc] as number) << LENGTH_BITS) | (docLength[doc] as number);
      let s = weightedIdf * (impact1[slot] as number);
      if (tf !== 1) {
        const norm = docNorm[slot] as number;
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
    this.touchedCount = touchedCount;
    this.wordTouchedCount = wordTouchedCount;
  }

  /**
   * scanCompact (ALL) of the first of two query words, scoring at once the second word's compact postings for the
   * passages it finds: what the second word's probe or scan of known passages would add to them, computed alike (the
   * second word then reads only its champions and the rest, SearchIndex.readWord). The second word's lists are the
   * ranges [ranges[2i], ranges[2i + 1]) of `postingDocs`, ascending like these postings, each walked with a cursor beside
   * this one; `rangeIdf[i]` is range i's weighted idf, 0 for a range only looked at for which passages it holds (read
   * in full later). A passage's own tables (field, length) are then read once for both words: at 13.7 M passages each
   * is a cache miss, and the second word's postings are read once, in order, instead of marked in a bitmap and probed.
   * From posting `prefixEnd` on, only passages the second word holds are scored (readShared's pruning; `end`: none left
   * out). A single-expansion second word's score goes into `total` and `mask` at once; a word of several expansions'
   * into `wordBest` and `wordTouched`, whose count is returned for the second word to take up after this one's endWord.
   */
  scanPair(
    postingDocs: Uint32Array,
    postingTfs: Uint8Array,
    from: number,
    end: number,
    prefixEnd: number,
    weightedIdf: number,
    bit: number,
    allowed: Uint8Array | undefined,
    ranges: Int32Array,
    rangeIdf: Float64Array,
    secondBit: number,
    secondSingle: boolean,
  ): number {
    const deleted = this.docDeleted;
    const docField = this.docField;
    const docLength = this.docLength;
    const impact1 = this.impact1;
    const docNorm = this.norm;
    const mask = this.mask;
    const total = this.total;
    const wordBest = this.wordBest;
    const touched = this.touched;
    const wordTouched = this.wordTouched;
    const docEpisode = this.docEpisode;
    const episodePodcast = this.episodePodcast;
    const rangeCount = ranges.length >>> 1;
    const cursors = new Int32Array(rangeCount);
    const at = new Int32Array(rangeCount);
    for (let r = 0; r < rangeCount; r++) cursors[r] = ranges[2 * r] as number;
    let touchedCount = this.touchedCount;
    let secondCount = 0;
    this.prefixTouched = touchedCount;
    for (let p = from; p < end; p++) {
      if (p === prefixEnd) this.prefixTouched = touchedCount;
      const doc = postingDocs[p] as number;
      let held = false;
      for (let r = 0; r < rangeCount; r++) {
        const rangeEnd = ranges[2 * r + 1] as number;
        // A step or two, else gallop (lists of like length, and a short list's cursor already past).
        const c = stepTo(postingDocs, doc, cursors[r] as number, rangeEnd);
        cursors[r] = c;
        if (c < rangeEnd && postingDocs[c] === doc) {
          at[r] = c;
          held = true;
        } else at[r] = -1;
      }
      if (!held && p >= prefixEnd) continue;
      if (deleted[doc] === 1) continue;
      if (allowed !== undefined && allowed[episodePodcast[docEpisode[doc] as number] as number] !== 1) continue;
      const m = mask[doc] as number;
      const slot = ((docField[doc] as number) << LENGTH_BITS) | (docLength[doc] as number);
      const impact = impact1[slot] as number;
      const tf = postingTfs[p] as number;
      let s = weightedIdf * impact;
      if (tf !== 1) {
        const norm = docNorm[slot] as number;
        s = (s * tf * (1 + norm)) / (tf + norm);
      }
      if (m === 0) touched[touchedCount++] = doc;
      mask[doc] = m | bit;
      total[doc] = (total[doc] as number) + s;
      if (!held) continue;
      for (let r = 0; r < rangeCount; r++) {
        const c = at[r] as number;
        const idf = rangeIdf[r] as number;
        if (c < 0 || idf === 0) continue;
        const tfSecond = postingTfs[c] as number;
        let s2 = idf * impact;
        if (tfSecond !== 1) {
          const norm = docNorm[slot] as number;
          s2 = (s2 * tfSecond * (1 + norm)) / (tfSecond + norm);
        }
        if (secondSingle) {
          mask[doc] = (mask[doc] as number) | secondBit;
          total[doc] = (total[doc] as number) + s2;
        } else {
          const before = wordBest[doc] as number;
          if (before === 0) wordTouched[secondCount++] = doc;
          if (s2 > before) wordBest[doc] = s2;
        }
      }
    }
    if (prefixEnd >= end) this.prefixTouched = touchedCount;
    this.touchedCount = touchedCount;
    return secondCount;
  }

  /**
   * scanCompact for a stem's mutable postings (a linked list): all of them, or only passages not yet found, or only
   * those already found. Since the mutable segment holds thousands of a common word's postings, it too is one
   * closure-free loop.
   */
  scanMutable(
    postings: MutablePostingList,
    head: number,
    weightedIdf: number,
    bit: number,
    single: boolean,
    which: typeof ALL | typeof ONLY_NEW | typeof ONLY_KNOWN,
    allowed: Uint8Array | undefined,
  ): void {
    const postingDoc = postings.doc;
    const postingTf = postings.tf;
    const next = postings.next;
    const deleted = this.docDeleted;
    const docField = this.docField;
    const docLength = this.docLength;
    const impact1 = this.impact1;
    const docNorm = this.norm;
    const mask = this.mask;
    const total = this.total;
    const wordBest = this.wordBest;
    const touched = this.touched;
    const wordTouched = this.wordTouched;
    const docEpisode = this.docEpisode;
    const episodePodcast = this.episodePodcast;
    let touchedCount = this.touchedCount;
    let wordTouchedCount = this.wordTouchedCount;
    for (let p = head; p >= 0; p = next[p] as number) {
      const doc = postingDoc[p] as number;
      if (deleted[doc] === 1) continue;
      if (allowed !== undefined && allowed[episodePodcast[docEpisode[doc] as number] as number] !== 1) continue;
      const mk = mask[doc] as number;
      if (which === ONLY_KNOWN ? mk === 0 : which === ONLY_NEW && mk !== 0) continue;
      const tf = postingTf[p] as number;
      const slot = ((docField[doc] as number) << LENGTH_BITS) | (docLength[doc] as number);
      let s = weightedIdf * (impact1[slot] as number);
      if (tf !== 1) {
        const norm = docNorm[slot] as number;
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
    this.touchedCount = touchedCount;
    this.wordTouchedCount = wordTouchedCount;
  }

  /** The passages found so far in ascending order, for galloping (already sorted after one full read). */
  sortedTouched(count: number, docCount: number): Int32Array {
    const touched = this.touched;
    let sorted = true;
    for (let i = 1; i < count && sorted; i++) sorted = (touched[i - 1] as number) < (touched[i] as number);
    if (sorted) return touched.slice(0, count);
    if (count * 64 < docCount) return touched.slice(0, count).sort();
    const out = new Int32Array(count);
    let k = 0;
    for (let doc = 0; doc < docCount; doc++) if (this.mask[doc] !== 0) out[k++] = doc;
    return out;
  }

  /** How many champions are still live and pass the podcast filter: below the pool size, walk all postings. */
  liveChampions(championDocs: Uint32Array, from: number, end: number, allowed: Uint8Array | undefined): number {
    let live = 0;
    for (let p = from; p < end; p++) {
      const doc = championDocs[p] as number;
      if (this.docDeleted[doc] === 1) continue;
      if (allowed !== undefined && allowed[this.episodePodcast[this.docEpisode[doc] as number] as number] !== 1) continue;
      live++;
    }
    return live;
  }

  /**
   * Like scanCompact (ONLY_KNOWN), but only for passages already found (`docs`, ascending: sortedTouched before this
   * word): gallops instead of scanning. They are live and allowed (every way into `touched` checks both), so only their
   * BM25 factors and accumulators are read: at 13.7 M passages each of those tables is a cache miss per passage.
   */
  probeCompact(
    docs: Int32Array,
    postingDocs: Uint32Array,
    postingTfs: Uint8Array,
    from: number,
    end: number,
    weightedIdf: number,
    bit: number,
    single: boolean,
  ): void {
    const docField = this.docField;
    const docLength = this.docLength;
    const impact1 = this.impact1;
    const docNorm = this.norm;
    const mask = this.mask;
    const total = this.total;
    const wordBest = this.wordBest;
    const wordTouched = this.wordTouched;
    let wordTouchedCount = this.wordTouchedCount;
    let p = from;
    for (let i = 0; i < docs.length && p < end; i++) {
      const doc = docs[i] as number;
      p = gallop(postingDocs, doc, p, end);
      if (p >= end || postingDocs[p] !== doc) continue;
      const tf = postingTfs[p] as number;
      const slot = ((docField[doc] as number) << LENGTH_BITS) | (docLength[doc] as number);
      let s = weightedIdf * (impact1[slot] as number);
      if (tf !== 1) {
        const norm = docNorm[slot] as number;
        s = (s * tf * (1 + norm)) / (tf + norm);
      }
      if (single) {
        mask[doc] = (mask[doc] as number) | bit;
        total[doc] = (total[doc] as number) + s;
      } else {
        const before = wordBest[doc] as number;
        if (before === 0) wordTouched[wordTouchedCount++] = doc;
        if (s > before) wordBest[doc] = s;
      }
    }
    this.wordTouchedCount = wordTouchedCount;
  }

  /** The weakest score the candidate pool is already sure of (0 while it is not full). */
  poolFloor(touchedCount: number, words: number, poolSize: number): number {
    if (touchedCount < poolSize) return 0;
    const heap = new TopK(poolSize);
    for (let i = 0; i < touchedCount; i++) {
      const doc = this.touched[i] as number;
      const matched = popcount(this.mask[doc] as number) / words;
      heap.push(doc, (this.total[doc] as number) * matched * matched);
    }
    return heap.min();
  }

  /** Sizes the scratch for `docCount` passages (growing by half, so a growing index does not reallocate every query). */
  ensureSize(docCount: number): void {
    if (this.total.length >= docCount) return;
    const size = Math.max(docCount, Math.ceil(this.total.length * 1.5));
    this.total = new Float32Array(size);
    this.wordBest = new Float32Array(size);
    this.mask = new Uint8Array(size);
    this.touched = new Int32Array(size);
    this.wordTouched = new Int32Array(size);
    this.later = new Int32Array((size + 31) >>> 5);
  }
}
