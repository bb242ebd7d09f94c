/**
 * Static word vectors (GloVe and the like) held compactly: one int8 row per word plus a float scale, so a row is
 * `scale * int8[]`. Rows are stored unit-length (the original L2 norm is kept apart), which is what averaging
 * wants and what lets int8 use its whole range per word. 150k words x 100 dimensions is ~15 MB.
 *
 * Pure: bytes in, bytes out. Reading the file is src/sources/loadWordVectors.ts's job.
 */

const MAGIC = 0x56574350; // "PCWV" little-endian
const VERSION = 1;
const HEADER_BYTES = 16;

export class WordVectors {
  readonly dims: number;
  /** Words in rank order (most frequent first, as the source listed them). */
  readonly words: readonly string[];
  /** count * dims, row-major. */
  readonly data: Int8Array;
  /** Per word: the row's int8 value times this is the unit vector's component. */
  readonly scales: Float32Array;
  /** Per word: the original vector's L2 norm (before normalisation). */
  readonly norms: Float32Array;
  readonly #index: Map<string, number>;

  constructor(dims: number, words: readonly string[], data: Int8Array, scales: Float32Array, norms: Float32Array) {
    if (data.length !== words.length * dims) throw new Error(`word vectors: ${data.length} values for ${words.length} words of ${dims}`);
    if (scales.length !== words.length || norms.length !== words.length) throw new Error('word vectors: one scale and norm per word');
    this.dims = dims;
    this.words = words;
    this.data = data;
    this.scales = scales;
    this.norms = norms;
    this.#index = new Map();
    words.forEach((w, i) => {
      if (!this.#index.has(w)) this.#index.set(w, i);
    });
  }

  get size(): number {
    return this.words.length;
  }

  /** The word's row, or -1. Words are looked up as the tokenizer folds them (lowercase, no diacritics). */
  lookup(word: string): number {
    return this.#index.get(word) ?? -1;
  }

  /** Adds `weight` times the word's unit vector to `into`. */
  addTo(row: number, weight: number, into: Float32Array): void {
    const dims = this.dims;
    const w = weight * (this.scales[row] as number);
    const base = row * dims;
    for (let d = 0; d < dims; d++) into[d] = (into[d] as number) + w * (this.data[base + d] as number);
  }

  /** The word's unit vector as floats (for tests and tools). */
  vector(row: number): Float32Array {
    const out = new Float32Array(this.dims);
    this.addTo(row, 1, out);
    return out;
  }

  /** Quantises float rows (any length; normalised here) into int8 + scale. */
  static fromFloatRows(words: readonly string[], rows: readonly ArrayLike<number>[], dims: number): WordVectors {
    const data = new Int8Array(words.length * dims);
    const scales = new Float32Array(words.length);
    const norms = new Float32Array(words.length);
    rows.forEach((row, i) => quantizeRow(row, dims, data, i, scales, norms));
    return new WordVectors(dims, words, data, scales, norms);
  }

  /** The binary form: header, scales, norms, int8 rows, then the words as UTF-8 separated by "\n". */
  serialize(): Uint8Array {
    const wordBytes = new TextEncoder().encode(this.words.join('\n'));
    const count = this.words.length;
    const total = HEADER_BYTES + count * 8 + this.data.length + wordBytes.length;
    const out = new Uint8Array(total);
    const view = new DataView(out.buffer);
    view.setUint32(0, MAGIC, true);
    view.setUint32(4, VERSION, true);
    view.setUint32(8, this.dims, true);
    view.setUint32(12, count, true);
    let at = HEADER_BYTES;
    out.set(new Uint8Array(this.scales.buffer, this.scales.byteOffset, count * 4), at);
    at += count * 4;
    out.set(new Uint8Array(this.norms.buffer, this.norms.byteOffset, count * 4), at);
    at += count * 4;
    out.set(new Uint8Array(this.data.buffer, this.data.byteOffset, this.data.length), at);
    at += this.data.length;
    out.set(wordBytes, at);
    return out;
  }

  /** Reads `serialize`'s output; throws on anything else (a truncated or foreign file). */
  static deserialize(bytes: Uint8Array): WordVectors {
    if (bytes.length < HEADER_BYTES) throw new Error('word vectors: file too short');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.getUint32(0, true) !== MAGIC) throw new Error('word vectors: not a Podcord word-vector file');
    if (view.getUint32(4, true) !== VERSION) throw new Error(`word vectors: unsupported version ${view.getUint32(4, true)}`);
    const dims = view.getUint32(8, true);
    const count = view.getUint32(12, true);
    const dataStart = HEADER_BYTES + count * 8;
    const wordsStart = dataStart + count * dims;
    if (dims === 0 || bytes.length < wordsStart) throw new Error('word vectors: file truncated');
    // Copies, so the arrays are aligned and the caller's buffer can go (a Node Buffer's slice would share it).
    const scales = new Float32Array(count);
    new Uint8Array(scales.buffer).set(bytes.subarray(HEADER_BYTES, HEADER_BYTES + count * 4));
    const norms = new Float32Array(count);
    new Uint8Array(norms.buffer).set(bytes.subarray(HEADER_BYTES + count * 4, dataStart));
    const data = new Int8Array(count * dims);
    new Uint8Array(data.buffer).set(bytes.subarray(dataStart, wordsStart));
    const text = new TextDecoder().decode(bytes.subarray(wordsStart));
    const words = count === 0 ? [] : text.split('\n');
    if (words.length !== count) throw new Error(`word vectors: ${words.length} words for ${count} rows`);
    return new WordVectors(dims, words, data, scales, norms);
  }
}

/** Normalises `row` and writes it as int8 at `index`, with its scale and original norm. */
export function quantizeRow(row: ArrayLike<number>, dims: number, data: Int8Array, index: number, scales: Float32Array, norms: Float32Array): void {
  let sum = 0;
  for (let d = 0; d < dims; d++) sum += (row[d] as number) ** 2;
  const norm = Math.sqrt(sum);
  norms[index] = norm;
  if (norm === 0) {
    scales[index] = 0;
    return;
  }
  let max = 0;
  for (let d = 0; d < dims; d++) max = Math.max(max, Math.abs(row[d] as number) / norm);
  const scale = max / 127;
  scales[index] = scale;
  const base = index * dims;
  for (let d = 0; d < dims; d++) data[base + d] = Math.round((row[d] as number) / norm / scale);
}
