import type { Passage, PassageField } from '../passage.js';
import { PASSAGE_FIELDS } from '../passage.js';
import type { SearchHit, SearchOptions, TopicSearch } from '../TopicSearch.js';
import type { PassageEncoder } from './PassageEncoder.js';

/**
 * Nearest passages by meaning: each passage's vector (from a PassageEncoder) stored as int8 + a float scale, a
 * query's vector compared with every live passage by dot product (brute force: ~100 multiply-adds a passage; see
 * bench/semantic.ts for what that costs per size). Passages whose text the encoder cannot place get no vector and
 * are never returned. Removal tombstones; `compact` (run automatically when a quarter is dead) reclaims.
 *
 * Hits carry no matched terms: the words differ, which is the point.
 */
/**
 * What is embedded by default: titles and chapter descriptions. Show notes are often link lists and sponsor reads,
 * and a 30-second transcript window averages into a vague direction; embedded, both crowded better answers out of
 * the fused list (test/search/relevance: paraphrase recall@5 0.70 lexical -> 0.50 with every field, 0.80 with these).
 */
export const DEFAULT_SEMANTIC_FIELDS: readonly PassageField[] = ['chapterTitle', 'episodeTitle', 'chapterDescription'];

export interface SemanticIndexOptions {
  /** Which passages get a vector; the others are left to the lexical index (default DEFAULT_SEMANTIC_FIELDS). */
  fields?: readonly PassageField[];
  /**
   * Hits below this cosine similarity are dropped (default 0.45). Averaged word vectors do not separate related
   * from unrelated sharply (bench/semantic.ts: relevant hits 0.47-0.81, best hits for unrelated queries up to
   * 0.85), so this only cuts the tail.
   */
  minSimilarity?: number;
}

interface Episode {
  podcast: number;
  episodeId: string;
  publishedAt: string | undefined;
  live: number;
  /** Its passages lie in [firstDoc, endDoc) (with others' between them when added in several calls). */
  firstDoc: number;
  endDoc: number;
}

type Grow = Int8Array | Float32Array | Float64Array | Uint32Array | Uint8Array;
function ensure<T extends Grow>(array: T, size: number): T {
  if (size <= array.length) return array;
  const Ctor = array.constructor as new (length: number) => T;
  const next = new Ctor(Math.max(size, array.length * 2, 256));
  (next as Uint8Array).set(array as unknown as ArrayLike<number>);
  return next;
}

const FIELD_CODE = new Map<PassageField, number>(PASSAGE_FIELDS.map((f, i) => [f, i]));

export class SemanticIndex implements TopicSearch {
  readonly encoder: PassageEncoder;
  readonly #dims: number;
  readonly #minSimilarity: number;
  readonly #fields: ReadonlySet<PassageField>;
  #count = 0;
  #dead = 0;
  #vectors = new Int8Array(0);
  #scales = new Float32Array(0);
  #episode = new Uint32Array(0);
  #start = new Float64Array(0);
  #field = new Uint8Array(0);
  #texts: (string | undefined)[] = [];
  #episodes: Episode[] = [];
  #episodeIndex = new Map<string, number>();
  #podcastIds: string[] = [];
  #podcastIndex = new Map<string, number>();
  /** Passages the encoder could not place (counted, not stored). */
  #unplaced = 0;
  readonly #row: Float32Array;

  constructor(encoder: PassageEncoder, options: SemanticIndexOptions = {}) {
    this.encoder = encoder;
    this.#dims = encoder.dims;
    this.#minSimilarity = options.minSimilarity ?? 0.45;
    this.#fields = new Set(options.fields ?? DEFAULT_SEMANTIC_FIELDS);
    this.#row = new Float32Array(encoder.dims);
  }

  get size(): number {
    return this.#count - this.#dead;
  }

  add(passages: readonly Passage[]): void {
    const dims = this.#dims;
    for (const passage of passages) {
      if (!this.#fields.has(passage.field)) continue;
      const vector = this.encoder.encode(passage.text);
      if (vector === undefined) {
        this.#unplaced++;
        continue;
      }
      const doc = this.#count++;
      this.#vectors = ensure(this.#vectors, (doc + 1) * dims);
      this.#scales = ensure(this.#scales, doc + 1);
      this.#episode = ensure(this.#episode, doc + 1);
      this.#start = ensure(this.#start, doc + 1);
      this.#field = ensure(this.#field, doc + 1);
      let max = 0;
      for (let d = 0; d < dims; d++) max = Math.max(max, Math.abs(vector[d] as number));
      const scale = max === 0 ? 0 : max / 127;
      for (let d = 0; d < dims; d++) this.#vectors[doc * dims + d] = scale === 0 ? 0 : Math.round((vector[d] as number) / scale);
      this.#scales[doc] = scale;
      const episode = this.#episodeFor(passage);
      this.#episode[doc] = episode;
      this.#start[doc] = passage.startSeconds;
      this.#field[doc] = FIELD_CODE.get(passage.field) ?? 0;
      this.#texts[doc] = passage.text;
      const e = this.#episodes[episode]!;
      if (e.endDoc === 0) e.firstDoc = doc;
      e.endDoc = doc + 1;
    }
  }

  removeEpisode(podcastId: string, episodeId: string): number {
    const podcast = this.#podcastIndex.get(podcastId);
    if (podcast === undefined) return 0;
    const episode = this.#episodeIndex.get(`${podcast}\u0000${episodeId}`);
    if (episode === undefined) return 0;
    let removed = 0;
    const e = this.#episodes[episode]!;
    for (let doc = e.firstDoc; doc < e.endDoc; doc++) {
      if (this.#episode[doc] !== episode || this.#texts[doc] === undefined) continue;
      this.#texts[doc] = undefined;
      this.#scales[doc] = 0;
      removed++;
    }
    this.#dead += removed;
    e.live = 0;
    e.firstDoc = 0;
    e.endDoc = 0;
    if (this.#dead > 1024 && this.#dead * 4 > this.#count) this.compact();
    return removed;
  }

  /** Drops removed passages from the arrays. */
  compact(): void {
    const dims = this.#dims;
    let to = 0;
    for (let from = 0; from < this.#count; from++) {
      if (this.#texts[from] === undefined) continue;
      if (to !== from) {
        this.#vectors.copyWithin(to * dims, from * dims, from * dims + dims);
        this.#scales[to] = this.#scales[from] as number;
        this.#episode[to] = this.#episode[from] as number;
        this.#start[to] = this.#start[from] as number;
        this.#field[to] = this.#field[from] as number;
        this.#texts[to] = this.#texts[from];
      }
      to++;
    }
    this.#texts.length = to;
    this.#count = to;
    this.#dead = 0;
    for (const e of this.#episodes) {
      e.firstDoc = 0;
      e.endDoc = 0;
    }
    for (let doc = 0; doc < to; doc++) {
      const e = this.#episodes[this.#episode[doc] as number]!;
      if (e.endDoc === 0) e.firstDoc = doc;
      e.endDoc = doc + 1;
    }
  }

  /** The query's nearest passages, best first, at most `maxPerEpisode` per episode, none below minSimilarity. */
  search(query: string, options: SearchOptions = {}): SearchHit[] {
    const limit = options.limit ?? 5;
    const maxPerEpisode = options.maxPerEpisode ?? 2;
    if (limit <= 0 || this.size === 0) return [];
    const q = this.encoder.encode(query);
    if (q === undefined) return [];
    let allowed: Uint8Array | undefined;
    if (options.podcastIds !== undefined) {
      allowed = new Uint8Array(this.#episodes.length);
      const podcasts = new Set(options.podcastIds.map((id) => this.#podcastIndex.get(id)).filter((p) => p !== undefined));
      this.#episodes.forEach((e, i) => {
        if (podcasts.has(e.podcast)) (allowed as Uint8Array)[i] = 1;
      });
    }
    // Keep the best `pool` by a min-heap, enough to fill `limit` after the per-episode cap in all but odd cases.
    const pool = Math.min(this.size, limit * (maxPerEpisode > 0 ? 4 : 1) + 16);
    const heapScore = new Float32Array(pool);
    const heapDoc = new Int32Array(pool);
    let heapSize = 0;
    const dims = this.#dims;
    const vectors = this.#vectors;
    const scales = this.#scales;
    const episodes = this.#episode;
    const threshold = this.#minSimilarity;
    // The query as int8 too: integer multiply-adds, one float multiply a passage.
    let qmax = 0;
    for (let d = 0; d < dims; d++) qmax = Math.max(qmax, Math.abs(q[d] as number));
    const qi = new Int32Array(dims);
    for (let d = 0; d < dims; d++) qi[d] = Math.round(((q[d] as number) / qmax) * 127);
    const qscale = qmax / 127;
    for (let doc = 0, base = 0; doc < this.#count; doc++, base += dims) {
      const scale = scales[doc] as number;
      if (scale === 0) continue;
      if (allowed !== undefined && allowed[episodes[doc] as number] === 0) continue;
      let dot = 0;
      for (let d = 0; d < dims; d++) dot += (qi[d] as number) * (vectors[base + d] as number);
      const score = dot * scale * qscale;
      if (score < threshold) continue;
      if (heapSize < pool) {
        let i = heapSize++;
        while (i > 0) {
          const parent = (i - 1) >> 1;
          if ((heapScore[parent] as number) <= score) break;
          heapScore[i] = heapScore[parent] as number;
          heapDoc[i] = heapDoc[parent] as number;
          i = parent;
        }
        heapScore[i] = score;
        heapDoc[i] = doc;
      } else if (score > (heapScore[0] as number)) {
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          if (l >= heapSize) break;
          const r = l + 1;
          const c = r < heapSize && (heapScore[r] as number) < (heapScore[l] as number) ? r : l;
          if ((heapScore[c] as number) >= score) break;
          heapScore[i] = heapScore[c] as number;
          heapDoc[i] = heapDoc[c] as number;
          i = c;
        }
        heapScore[i] = score;
        heapDoc[i] = doc;
      }
    }
    const order = Array.from({ length: heapSize }, (_, i) => i).sort(
      (a, b) => (heapScore[b] as number) - (heapScore[a] as number) || (heapDoc[a] as number) - (heapDoc[b] as number),
    );
    const perEpisode = new Map<number, number>();
    const hits: SearchHit[] = [];
    for (const i of order) {
      const doc = heapDoc[i] as number;
      const episode = episodes[doc] as number;
      const seen = perEpisode.get(episode) ?? 0;
      if (maxPerEpisode > 0 && seen >= maxPerEpisode) continue;
      perEpisode.set(episode, seen + 1);
      hits.push({ passage: this.#passage(doc), score: heapScore[i] as number, terms: [], matches: [] });
      if (hits.length >= limit) break;
    }
    return hits;
  }

  /** Bytes held: vectors, per-passage arrays, texts (UTF-16 estimate) and the episode table. */
  memoryBytes(): number {
    let texts = 0;
    for (let doc = 0; doc < this.#count; doc++) texts += 16 + 2 * (this.#texts[doc]?.length ?? 0);
    return this.#vectors.byteLength + this.#scales.byteLength + this.#episode.byteLength + this.#start.byteLength + this.#field.byteLength + texts + this.#texts.length * 8 + this.#episodes.length * 64;
  }

  stats(): { passages: number; unplaced: number; removed: number } {
    return { passages: this.size, unplaced: this.#unplaced, removed: this.#dead };
  }

  #passage(doc: number): Passage {
    const episode = this.#episodes[this.#episode[doc] as number]!;
    const passage: Passage = {
      podcastId: this.#podcastIds[episode.podcast] as string,
      episodeId: episode.episodeId,
      startSeconds: this.#start[doc] as number,
      field: PASSAGE_FIELDS[this.#field[doc] as number] as PassageField,
      text: this.#texts[doc] as string,
    };
    if (episode.publishedAt !== undefined) passage.publishedAt = episode.publishedAt;
    return passage;
  }

  #episodeFor(passage: Passage): number {
    let podcast = this.#podcastIndex.get(passage.podcastId);
    if (podcast === undefined) {
      podcast = this.#podcastIds.length;
      this.#podcastIds.push(passage.podcastId);
      this.#podcastIndex.set(passage.podcastId, podcast);
    }
    const key = `${podcast}\u0000${passage.episodeId}`;
    let episode = this.#episodeIndex.get(key);
    if (episode === undefined || this.#episodes[episode]!.live === 0) {
      episode = this.#episodes.length;
      this.#episodes.push({ podcast, episodeId: passage.episodeId, publishedAt: passage.publishedAt, live: 1, firstDoc: 0, endDoc: 0 });
      this.#episodeIndex.set(key, episode);
    }
    return episode;
  }
}
