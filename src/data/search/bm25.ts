/**
 * Scoring, first stage: the BM25 parts of a passage's score that do not depend on the query (field boosts, per-field
 * length normalisation, recency), and the idf and coordination a query multiplies them by. The posting walks that add
 * them up are in ScoreAccumulator.ts; the phrase rerank of the best few is in phraseRerank.ts.
 */
import { PASSAGE_FIELDS } from './passage.js';
import type { PassageField } from './passage.js';

export const FIELD_CODE: Record<PassageField, number> = {
  chapterTitle: 0,
  chapterDescription: 1,
  episodeTitle: 2,
  notes: 3,
  transcript: 4,
  person: 5,
  soundbite: 6,
};
/**
 * chapterTitle > episodeTitle > chapterDescription > transcript > notes: a chapter title names the topic at that second.
 * A person's name is what a search for them means, above a mention in the notes; a soundbite's title names its moment
 * as a chapter's does.
 */
export const DEFAULT_FIELD_BOOST: Record<PassageField, number> = {
  chapterTitle: 3,
  chapterDescription: 1.6,
  episodeTitle: 2,
  notes: 1,
  transcript: 1.3,
  person: 3,
  soundbite: 2.5,
};
export const FIELD_COUNT = PASSAGE_FIELDS.length;

/** Recency: at most +2 %, halving every year: it only separates near-equal scores. */
export const RECENCY_WEIGHT = 0.02;
const RECENCY_HALF_LIFE_DAYS = 365;
const DAY_MS = 86_400_000;

/** BM25 idf over `liveDocs` passages, floored so a word in nearly every passage still counts a little. */
export function idf(liveDocs: number, df: number): number {
  return Math.max(Math.log(1 + (liveDocs - df + 0.5) / (df + 0.5)), 0.01);
}

export interface BM25Averages {
  k1: number;
  b: number;
  fieldBoost: Float64Array;
  /** Per field: live passages and their summed lengths (words, stop words left out). */
  fieldDocs: Float64Array;
  fieldLength: Float64Array;
}

/** Passage lengths are kept in 16 bits (SearchIndex caps them), so a table slot is `field << 16 | length`. */
export const LENGTH_BITS = 16;

/**
 * A passage's BM25 factors depend only on its field and its length (and the field averages): per (field, length) slot,
 * `impact` = boost * (k1 + 1) / (1 + norm) and `norm` = k1 * (1 - b + b * length / average length of the field).
 * Tables of FIELD_COUNT << 16 slots (3.7 MB), recomputed in a few milliseconds when the averages change, where a factor
 * per passage took a pass over every passage (424 ms at a million episodes, 13.8 M passages) and 8 bytes each. A query
 * reads a passage's factors at `(docField[doc] << 16) | docLength[doc]`; a posting with term frequency tf adds
 * idf * impact * tf * (1 + norm) / (tf + norm) (tf = 1, the common case: idf * impact). `maxImpact`: the most one term
 * can add to one passage per unit of idf (tf -> infinity, shortest passage).
 */
export function bm25ImpactTables(d: BM25Averages): { impact: Float32Array; norm: Float32Array; maxImpact: number } {
  const slots = FIELD_COUNT << LENGTH_BITS;
  const impact = new Float32Array(slots);
  const norm = new Float32Array(slots);
  let maxBoost = 0;
  for (let f = 0; f < FIELD_COUNT; f++) maxBoost = Math.max(maxBoost, bm25ImpactField(d, f, impact, norm));
  return { impact, norm, maxImpact: maxBoost * (d.k1 + 1) };
}

/** Field `f`'s slots of bm25ImpactTables' tables (a caller that must not hold the thread fills one field at a time); returns its boost. */
export function bm25ImpactField(d: BM25Averages, f: number, impact: Float32Array, norm: Float32Array): number {
  const k1p1 = d.k1 + 1;
  // Per-field average lengths: a 6-word chapter title is not "short" next to 80-word transcript windows.
  const docs = d.fieldDocs[f] as number;
  const avg = docs > 0 ? Math.max((d.fieldLength[f] as number) / docs, 1) : 1;
  const normA = d.k1 * (1 - d.b);
  const normB = (d.k1 * d.b) / avg;
  const boost = d.fieldBoost[f] as number;
  for (let length = 0, slot = f << LENGTH_BITS; length < 1 << LENGTH_BITS; length++, slot++) {
    const n = normA + normB * length;
    norm[slot] = n;
    impact[slot] = (boost * k1p1) / (1 + n);
  }
  return boost;
}

/** Which day `now` falls on: recency factors are computed once a day. */
export function recencyDay(now: number): number {
  return Math.floor(now / DAY_MS);
}

/** Per episode: 1 + up to 2 %, halving every year of age (NaN publication date: no bonus). */
export function episodeRecency(now: number, publishedMs: Float64Array, episodeCount: number): Float32Array {
  const today = recencyDay(now) * DAY_MS;
  const out = new Float32Array(episodeCount);
  for (let e = 0; e < episodeCount; e++) {
    const published = publishedMs[e] as number;
    const ageDays = Number.isNaN(published) ? Infinity : Math.max(0, (today - published) / DAY_MS);
    out[e] = 1 + RECENCY_WEIGHT * Math.pow(2, -ageDays / RECENCY_HALF_LIFE_DAYS);
  }
  return out;
}

/** Coordination squared per set of matched words (bit w: word w of `words`), looked up rather than counted per passage. */
export function coordinationTable(words: number): Float64Array {
  const coordination = new Float64Array(1 << words);
  for (let bits = 1; bits < 1 << words; bits++) {
    const matched = popcount(bits) / words;
    coordination[bits] = matched * matched;
  }
  return coordination;
}

export function popcount(bits: number): number {
  let n = 0;
  for (let b = bits; b !== 0; b &= b - 1) n++;
  return n;
}
