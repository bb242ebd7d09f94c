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

export interface DocLengths {
  k1: number;
  b: number;
  fieldBoost: Float64Array;
  /** Per field: live passages and their summed lengths (words, stop words left out). */
  fieldDocs: Float64Array;
  fieldLength: Float64Array;
  docCount: number;
  docField: Uint8Array;
  docLength: Uint16Array;
}

/**
 * The BM25 factors of every passage, into `impact1` and `norm` (tf = 1 is the common case):
 * impact1 = boost * (k1 + 1) / (1 + norm), norm = k1 * (1 - b + b * length / average length of its field).
 * A posting with term frequency tf adds idf * impact1 * tf * (1 + norm) / (tf + norm). Returns the most one term can
 * add to one passage per unit of idf (tf -> infinity, shortest passage).
 */
export function bm25Impacts(d: DocLengths, impact1: Float32Array, norm: Float32Array): number {
  const normA = new Float64Array(FIELD_COUNT);
  const normB = new Float64Array(FIELD_COUNT);
  let maxBoost = 0;
  for (let f = 0; f < FIELD_COUNT; f++) {
    // Per-field average lengths: a 6-word chapter title is not "short" next to 80-word transcript windows.
    const docs = d.fieldDocs[f] as number;
    const avg = docs > 0 ? Math.max((d.fieldLength[f] as number) / docs, 1) : 1;
    normA[f] = d.k1 * (1 - d.b);
    normB[f] = (d.k1 * d.b) / avg;
    maxBoost = Math.max(maxBoost, d.fieldBoost[f] as number);
  }
  const k1p1 = d.k1 + 1;
  for (let doc = 0; doc < d.docCount; doc++) {
    const f = d.docField[doc] as number;
    const n = (normA[f] as number) + (normB[f] as number) * (d.docLength[doc] as number);
    norm[doc] = n;
    impact1[doc] = ((d.fieldBoost[f] as number) * k1p1) / (1 + n);
  }
  return maxBoost * k1p1;
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
