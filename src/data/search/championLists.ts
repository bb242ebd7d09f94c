/**
 * Postings, champion lists: for each common stem of the compact segment, its best postings by BM25 impact, so a query
 * can take its top candidates from a few hundred postings instead of walking hundreds of thousands (see SearchIndex's
 * header for when that is exact). Built at every compaction.
 *
 * A stem in at least CHAMPION_MIN_DF passages keeps its CHAMPIONS best postings. The best passages for
 * max-over-expansions are within the union of each expansion's own best (exact up to recency, which can move a
 * score by 2 %, and field averages drifting since the last compaction).
 */
import type { CompactPostings } from './mergeSegments.js';
import { LENGTH_BITS } from './bm25.js';
import { TopK } from './TopK.js';

export const CHAMPION_MIN_DF = 1024;
const CHAMPIONS = 256;

/** Per compact stem t: its champion postings docs/tfs[offsets[t], offsets[t + 1]) (empty below CHAMPION_MIN_DF), doc ids ascending. */
export interface ChampionLists {
  offsets: Uint32Array;
  docs: Uint32Array;
  tfs: Uint8Array;
}

/** What ranks a posting: its passage's BM25 factors (bm25.ts), and its episode's publication time for ties. */
export interface ChampionDocs {
  docField: Uint8Array;
  docLength: Uint16Array;
  /** bm25ImpactTables, by (field, length) slot. */
  impactByLength: Float32Array;
  normByLength: Float32Array;
  docEpisode: Uint32Array;
  episodePublishedMs: Float64Array;
  episodeCount: number;
}

export function championLists(postings: CompactPostings, docs: ChampionDocs): ChampionLists {
  const offsets = new Uint32Array(postings.stems.length + 1);
  const championDocs: number[] = [];
  const tfs: number[] = [];
  let minPublished = Infinity;
  let maxPublished = -Infinity;
  for (let e = 0; e < docs.episodeCount; e++) {
    const t = docs.episodePublishedMs[e] as number;
    if (Number.isNaN(t)) continue;
    minPublished = Math.min(minPublished, t);
    maxPublished = Math.max(maxPublished, t);
  }
  const span = maxPublished > minPublished ? maxPublished - minPublished : 1;
  for (let t = 0; t < postings.stems.length; t++) {
    const from = postings.offsets[t] as number;
    const end = postings.offsets[t + 1] as number;
    if (end - from >= CHAMPION_MIN_DF) {
      const heap = new TopK(CHAMPIONS);
      for (let p = from; p < end; p++) {
        const doc = postings.docs[p] as number;
        const tf = postings.tfs[p] as number;
        const slot = ((docs.docField[doc] as number) << LENGTH_BITS) | (docs.docLength[doc] as number);
        const norm = docs.normByLength[slot] as number;
        const impact = ((docs.impactByLength[slot] as number) * tf * (1 + norm)) / (tf + norm);
        // Equal impacts (common among short titles) go to the newer episode, as recency would at query time.
        const published = docs.episodePublishedMs[docs.docEpisode[doc] as number] as number;
        const newer = Number.isNaN(published) ? 0 : (published - minPublished) / span;
        heap.push(p, impact + newer * 1e-4);
      }
      const chosen = heap
        .drain()
        .map((c) => c.doc)
        .sort((a, b) => a - b);
      for (const p of chosen) {
        championDocs.push(postings.docs[p] as number);
        tfs.push(postings.tfs[p] as number);
      }
    }
    offsets[t + 1] = championDocs.length;
  }
  return { offsets, docs: Uint32Array.from(championDocs), tfs: Uint8Array.from(tfs) };
}
