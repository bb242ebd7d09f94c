import { isStopWord } from '../stopWords.js';
import { tokenize } from '../tokenize.js';
import { SYNONYMS } from './synonyms.js';
import type { WordVectors } from './WordVectors.js';

/**
 * Text -> one unit vector, such that texts about the same thing land close together (dot product). Averaged word
 * vectors fill it today; a sentence-embedding model can fill it later without touching the index or the fusion.
 */
export interface PassageEncoder {
  readonly dims: number;
  /** A unit vector, or undefined when nothing in the text is known to the encoder. */
  encode(text: string): Float32Array | undefined;
}

export type WordWeighting = 'uniform' | 'sif' | 'idf';

export interface WordVectorEncoderOptions {
  /** Folded word or phrase -> words the vectors know (default: SYNONYMS). */
  synonyms?: Readonly<Record<string, string>>;
  /**
   * How much each word counts, from its frequency rank in the vectors' source (no corpus statistics, so adding a
   * passage never changes another's vector): 'sif' a / (a + p(w)) with Zipf p(w) (Arora et al. 2017), 'idf'
   * log(rank), 'uniform' 1. Default 'uniform': on bench/semantic.ts's paraphrases it found the most (the titles
   * are short, and the stop-word list already drops the words SIF would weigh down).
   */
  weighting?: WordWeighting;
  /** Subtract the vocabulary's mean direction, which every averaged vector shares (default true). */
  center?: boolean;
}

const SIF_A = 1e-4;
const MAX_PHRASE = 3;

/**
 * Averaged static word vectors: stop words dropped, hand-kept synonyms for words the vectors lack, hyphenated
 * compounds the vectors know used whole ("long-term"), each word weighted by rarity, the sum normalised.
 */
export class WordVectorEncoder implements PassageEncoder {
  readonly dims: number;
  readonly #vectors: WordVectors;
  readonly #weights: Float32Array;
  readonly #center: Float32Array | undefined;
  /** Phrase -> rows of its replacement words. */
  readonly #synonyms = new Map<string, number[]>();

  constructor(vectors: WordVectors, options: WordVectorEncoderOptions = {}) {
    this.dims = vectors.dims;
    this.#vectors = vectors;
    const weighting = options.weighting ?? 'uniform';
    const n = vectors.size;
    this.#weights = new Float32Array(n);
    // Zipf: p(rank r) ~ 1 / ((r + 1) * H), H the harmonic number of a 400k vocabulary.
    const harmonic = Math.log(400_000) + 0.5772;
    for (let r = 0; r < n; r++) {
      this.#weights[r] =
        weighting === 'uniform' ? 1 : weighting === 'idf' ? Math.log(r + 2) / Math.log(n + 2) : SIF_A / (SIF_A + 1 / ((r + 1) * harmonic));
    }
    for (const [phrase, replacement] of Object.entries(options.synonyms ?? SYNONYMS)) {
      const rows = replacement
        .split(/\s+/)
        .map((w) => vectors.lookup(w))
        .filter((r) => r >= 0);
      if (rows.length > 0) this.#synonyms.set(phrase, rows);
    }
    if (options.center ?? true) {
      // The weighted mean of the 20k most common content words: the direction every average leans towards.
      const mean = new Float32Array(this.dims);
      let total = 0;
      for (let r = 0; r < Math.min(n, 20_000); r++) {
        const w = this.#weights[r] as number;
        vectors.addTo(r, w, mean);
        total += w;
      }
      for (let d = 0; d < this.dims; d++) mean[d] = (mean[d] as number) / Math.max(total, 1e-9);
      this.#center = mean;
    }
  }

  encode(text: string): Float32Array | undefined {
    const tokens = tokenize(text);
    const out = new Float32Array(this.dims);
    let totalWeight = 0;
    const vectors = this.#vectors;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      // The longest hand-kept phrase starting here ("full self driving", "self driving", "llm").
      let matched = 0;
      for (let len = Math.min(MAX_PHRASE, tokens.length - i); len >= 1 && matched === 0; len--) {
        let phrase = token.folded;
        for (let j = 1; j < len; j++) phrase += ` ${tokens[i + j]!.folded}`;
        const rows = this.#synonyms.get(phrase);
        if (rows === undefined) continue;
        const own = len === 1 ? vectors.lookup(phrase) : -1;
        // A known word keeps half its own meaning; an unknown one is its synonyms.
        const share = own >= 0 ? 0.5 : 1;
        if (own >= 0) {
          vectors.addTo(own, 0.5 * (this.#weights[own] as number), out);
          totalWeight += 0.5 * (this.#weights[own] as number);
        }
        for (const row of rows) {
          const w = (share * (this.#weights[row] as number)) / Math.sqrt(rows.length);
          vectors.addTo(row, w, out);
          totalWeight += w;
        }
        matched = len;
      }
      if (matched > 0) {
        i += matched - 1;
        continue;
      }
      if (isStopWord(token.folded)) continue;
      // "long-term": the compound when the vectors know it, else its parts.
      const next = tokens[i + 1];
      if (next !== undefined && next.start === token.end + 1 && text[token.end] === '-') {
        const compound = vectors.lookup(`${token.folded}-${next.folded}`);
        if (compound >= 0) {
          const w = this.#weights[compound] as number;
          vectors.addTo(compound, w, out);
          totalWeight += w;
          i++;
          continue;
        }
      }
      const row = vectors.lookup(token.folded);
      if (row < 0) continue;
      const w = this.#weights[row] as number;
      vectors.addTo(row, w, out);
      totalWeight += w;
    }
    if (totalWeight === 0) return undefined;
    if (this.#center) for (let d = 0; d < this.dims; d++) out[d] = (out[d] as number) / totalWeight - (this.#center[d] as number);
    return normalise(out);
  }
}

/** Scales `v` to unit length in place; undefined for the zero vector. */
export function normalise(v: Float32Array): Float32Array | undefined {
  let sum = 0;
  for (let d = 0; d < v.length; d++) sum += (v[d] as number) ** 2;
  if (sum === 0 || !Number.isFinite(sum)) return undefined;
  const inv = 1 / Math.sqrt(sum);
  for (let d = 0; d < v.length; d++) v[d] = (v[d] as number) * inv;
  return v;
}
