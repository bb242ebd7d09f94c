/**
 * Postings of the mutable segment: passages added since the last compaction. Per stem a linked list of
 * (doc, tf) postings through growable parallel arrays, appended to as passages are added; `compact` (SearchIndex)
 * merges them into the compact segment's CSR postings and starts a new, empty MutablePostings.
 */
import { ensure, sharedLike } from './ensure.js';
import type { NumericArray } from './ensure.js';
import type { MutablePostingList } from './ScoreAccumulator.js';

/** A surface word first seen in the mutable segment (the compact dictionary lacks it). */
export interface MutableSurface {
  /** The folded word (the map's key also holds the language). */
  surface: string;
  language: number;
  stem: string;
  count: number;
  /** The word as first written, lowercased with its diacritics (what completion shows). */
  display: string;
}

/** Slots in a block of a stem's postings: the stem's postings so far, within these bounds. */
const BLOCK_MIN = 2;
const BLOCK_MAX = 1024;

export class MutablePostings implements MutablePostingList {
  /** Stem -> its number here (the order stems first came in). */
  readonly stemIndex = new Map<string, number>();
  readonly stems: string[] = [];
  /** Per stem: first and last posting slot (-1: none), postings so far, and the end of the block its next posting goes into. */
  head: Int32Array = new Int32Array(0);
  tail: Int32Array = new Int32Array(0);
  df: Uint32Array = new Uint32Array(0);
  blockEnd: Int32Array = new Int32Array(0);
  /** Postings held. */
  postingCount = 0;
  /** Slots handed out to blocks, used or not. */
  slotCount = 0;
  /** Per slot: the passage, its term frequency (capped at 255), the next slot of the stem's list (-1: last). */
  doc: Uint32Array = new Uint32Array(0);
  tf: Uint8Array = new Uint8Array(0);
  next: Int32Array = new Int32Array(0);

  /** `shared`: the arrays live (and grow) on SharedArrayBuffers, for a compaction worker to read without a copy. */
  constructor(shared = false) {
    if (!shared) return;
    this.head = sharedLike(this.head, 0);
    this.tail = sharedLike(this.tail, 0);
    this.df = sharedLike(this.df, 0);
    this.blockEnd = sharedLike(this.blockEnd, 0);
    this.doc = sharedLike(this.doc, 0);
    this.tf = sharedLike(this.tf, 0);
    this.next = sharedLike(this.next, 0);
  }

  /**
   * A stem's postings are a linked list, in blocks of consecutive slots: a new block is as big as the stem's postings
   * so far (BLOCK_MIN to BLOCK_MAX), so at most about half its slots go unused, and a query walks a common stem's
   * postings through memory in order instead of hopping between every other stem's (one posting a slot, added as
   * passages came, made every step of the walk a cache miss).
   */
  append(s: string, doc: number, tf: number): void {
    let m = this.stemIndex.get(s);
    if (m === undefined) {
      m = this.stems.length;
      this.stems.push(s);
      this.stemIndex.set(s, m);
      this.head = ensure(this.head, m + 1);
      this.tail = ensure(this.tail, m + 1);
      this.df = ensure(this.df, m + 1);
      this.blockEnd = ensure(this.blockEnd, m + 1);
      this.head[m] = -1;
      this.tail[m] = -1;
      this.df[m] = 0;
      this.blockEnd[m] = 0;
    }
    const tail = this.tail[m] as number;
    let p = tail + 1;
    if (tail < 0 || p >= (this.blockEnd[m] as number)) {
      p = this.slotCount;
      this.slotCount += Math.min(Math.max(this.df[m] as number, BLOCK_MIN), BLOCK_MAX);
      this.blockEnd[m] = this.slotCount;
      this.doc = ensure(this.doc, this.slotCount);
      this.tf = ensure(this.tf, this.slotCount);
      this.next = ensure(this.next, this.slotCount);
    }
    this.postingCount++;
    this.doc[p] = doc;
    this.tf[p] = Math.min(tf, 255);
    this.next[p] = -1;
    if (tail < 0) this.head[m] = p;
    else this.next[tail] = p;
    this.tail[m] = p;
    this.df[m] = (this.df[m] as number) + 1;
  }

  /** The typed arrays held, for memory accounting. */
  arrays(): NumericArray[] {
    return [this.head, this.tail, this.df, this.blockEnd, this.doc, this.tf, this.next];
  }
}
