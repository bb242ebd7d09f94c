import { Catalog, EVERY_PODCAST, inScope, type Scope } from './catalog.js';
import type { Episode, Podcast } from './model.js';
import { shortKey } from './shortKey.js';
import { episodePassages, passageBase, transcriptWindows } from './search/episodePassages.js';
import type { TranscriptSegment } from './search/passage.js';
import { SearchIndex } from './search/SearchIndex.js';
import { withoutListLead } from './search/queryLead.js';
import { HybridSearch } from './search/semantic/HybridSearch.js';
import type { SearchHit, SearchOptions, TopicSearch } from './search/TopicSearch.js';

export interface LibraryOptions {
  /**
   * A semantic ranker (e.g. a SemanticIndex over word vectors) kept in step with the lexical index; `topics` then
   * merges both with HybridSearch (exact hits first). Absent: lexical search only.
   */
  semantic?: TopicSearch;
}

/**
 * What a command reads from the topic index. Every read names the podcasts the asker sees (a Scope, required, so a
 * forgotten one does not compile), and the index keeps to them: hits, "did you mean" and completed words come only
 * from those podcasts.
 */
export interface ScopedTopics {
  /** `options.podcastIds` narrows the scope further (the one podcast a command was asked about); it never widens it. */
  search(query: string, scope: Scope, options?: SearchOptions): SearchHit[];
  suggest(query: string, scope: Scope): string[];
  complete(prefix: string, limit: number, scope: Scope): string[];
}

/** Where each cue of an episode's transcript windows starts, so a hit lands on the cue that holds its words. */
interface CueTable {
  /** Per window (ascending): its start, and its first cue's index (plus one end entry). */
  windowStarts: Float64Array;
  firstCue: Uint32Array;
  cueSeconds: Float64Array;
  cueOffsets: Uint32Array;
}

const episodeKey = (podcastId: string, episodeId: string): string => `${podcastId}\n${episodeId}`;

/** Everything but the transcript that decides an episode's passages. */
/** What indexing reads from an episode, hashed: an edit anywhere in it (even one of the same length) re-indexes. */
const fingerprintOf = (e: Episode): string =>
  shortKey(
    `${e.title}\n${e.publishedAt ?? ''}\n${e.description}\n${e.chapters.map((c) => `${c.startSeconds} ${c.source} ${c.title}`).join('\n')}` +
      `\n${(e.soundbites ?? []).map((b) => `${b.startSeconds} ${b.title ?? ''}`).join('\n')}\n${(e.persons ?? []).map((p) => p.name).join('\n')}`,
  );

/**
 * The catalog (lookups) and the topic index (search) kept in step: one call adds or replaces a podcast in both.
 * Only changed episodes are re-indexed, so a poll that finds one new episode costs one episode of indexing.
 */
export class Library {
  readonly catalog = new Catalog();
  readonly search = new SearchIndex();
  /** The semantic ranker, when the library was given one. */
  readonly semantic: TopicSearch | undefined;
  readonly #ranker: HybridSearch | SearchIndex;
  /** What each indexed episode looked like (and how many transcript cues it had), to skip re-indexing unchanged ones. */
  readonly #indexed = new Map<string, Map<string, { fingerprint: string; cues: number }>>();
  readonly #cues = new Map<string, CueTable>();

  /**
   * The topic search over every podcast (what the relevance set measures): the index (merged with the semantic ranker
   * when there is one) asked for the query without an "episodes with" lead (see queryLead), with a transcript hit moved from its window's start to the second of the cue that holds most
   * of the query's words.
   */
  readonly topics: TopicSearch = {
    search: (query: string, options?: SearchOptions) => this.#ranker.search(withoutListLead(query), options).map((hit) => this.#atCue(hit)),
    add: (passages) => this.#ranker.add(passages),
    removeEpisode: (podcastId, episodeId) => this.#ranker.removeEpisode(podcastId, episodeId),
  };

  /** The same search, its suggestions and word completion, for a reader who sees only some podcasts: what /topic reads. */
  readonly scopedTopics: ScopedTopics = {
    search: (query, scope, options = {}) => {
      const { podcastIds: narrowed, ...rest } = options;
      const podcastIds = podcastIdsWithin(scope, narrowed);
      return this.topics.search(query, podcastIds === undefined ? rest : { ...rest, podcastIds });
    },
    suggest: (query, scope) => this.search.suggest(query, 3, podcastIdsWithin(scope, undefined)),
    complete: (prefix, limit, scope) => this.search.complete(prefix, limit, podcastIdsWithin(scope, undefined)),
  };

  constructor(options: LibraryOptions = {}) {
    this.semantic = options.semantic;
    this.#ranker = options.semantic === undefined ? this.search : new HybridSearch(this.search, options.semantic);
  }

  /**
   * Adds or replaces a podcast. `transcripts` holds parsed transcripts by episode id; an episode missing from it keeps
   * the transcript it was indexed with while nothing else about it changed (see `needsIndexing`).
   */
  upsert(podcast: Podcast, episodes: readonly Episode[], transcripts?: ReadonlyMap<string, readonly TranscriptSegment[]>): void {
    this.catalog.upsert(podcast, episodes);
    const before = this.#indexed.get(podcast.id) ?? new Map<string, { fingerprint: string; cues: number }>();
    const after = new Map<string, { fingerprint: string; cues: number }>();
    for (const episode of episodes) {
      const fingerprint = fingerprintOf(episode);
      const previous = before.get(episode.id);
      const transcript = transcripts?.get(episode.id);
      const cues = transcript?.length ?? (previous?.fingerprint === fingerprint ? previous.cues : 0);
      after.set(episode.id, { fingerprint, cues });
      if (previous?.fingerprint === fingerprint && previous.cues === cues) continue;
      if (previous !== undefined) this.#removeEpisode(podcast.id, episode.id);
      // Stemmed by the podcast's declared language (see search/stem.ts).
      const passages = episodePassages(podcast.id, episode, { language: podcast.language });
      if (transcript !== undefined && transcript.length > 0) passages.push(...this.#transcriptPassages(podcast, episode, transcript));
      this.#ranker.add(passages);
    }
    for (const id of before.keys()) if (!after.has(id)) this.#removeEpisode(podcast.id, id);
    this.#indexed.set(podcast.id, after);
  }

  /** Ids of the episodes an upsert would (re)index: new or changed. Supply their transcripts, if they have any. */
  needsIndexing(podcastId: string, episodes: readonly Episode[]): string[] {
    const indexed = this.#indexed.get(podcastId);
    return episodes.filter((e) => indexed?.get(e.id)?.fingerprint !== fingerprintOf(e)).map((e) => e.id);
  }

  remove(podcastId: string): void {
    this.catalog.remove(podcastId);
    for (const id of this.#indexed.get(podcastId)?.keys() ?? []) this.#removeEpisode(podcastId, id);
    this.#indexed.delete(podcastId);
  }

  /** Bytes held for landing transcript hits on their cue (12 per cue, 12 per window, 4 per episode). */
  cueMemoryBytes(): number {
    let bytes = 0;
    for (const t of this.#cues.values()) bytes += t.windowStarts.byteLength + t.firstCue.byteLength + t.cueSeconds.byteLength + t.cueOffsets.byteLength;
    return bytes;
  }

  #removeEpisode(podcastId: string, episodeId: string): void {
    this.#ranker.removeEpisode(podcastId, episodeId);
    this.#cues.delete(episodeKey(podcastId, episodeId));
  }

  #transcriptPassages(podcast: Podcast, episode: Episode, transcript: readonly TranscriptSegment[]) {
    const podcastId = podcast.id;
    const windows = transcriptWindows(transcript);
    const cueCount = windows.reduce((n, w) => n + w.cueSeconds.length, 0);
    const table: CueTable = {
      windowStarts: new Float64Array(windows.length),
      firstCue: new Uint32Array(windows.length + 1),
      cueSeconds: new Float64Array(cueCount),
      cueOffsets: new Uint32Array(cueCount),
    };
    let cue = 0;
    windows.forEach((w, i) => {
      table.windowStarts[i] = w.startSeconds;
      table.firstCue[i] = cue;
      table.cueSeconds.set(w.cueSeconds, cue);
      table.cueOffsets.set(w.cueOffsets, cue);
      cue += w.cueSeconds.length;
    });
    table.firstCue[windows.length] = cue;
    this.#cues.set(episodeKey(podcastId, episode.id), table);
    const base = passageBase(podcastId, episode, podcast.language);
    return windows.map((w) => ({ ...base, field: 'transcript' as const, startSeconds: w.startSeconds, text: w.text }));
  }

  #atCue(hit: SearchHit): SearchHit {
    if (hit.passage.field !== 'transcript' || hit.matches.length === 0) return hit;
    const table = this.#cues.get(episodeKey(hit.passage.podcastId, hit.passage.episodeId));
    if (table === undefined) return hit;
    const window = upperBound(table.windowStarts, hit.passage.startSeconds, 0, table.windowStarts.length) - 1;
    if (window < 0 || table.windowStarts[window] !== hit.passage.startSeconds) return hit;
    // The cue that holds the most of the query's different words ("default search engine" lands on the cue that
    // says all three, not on an earlier one that says "search"); the earliest such cue on a tie.
    const from = table.firstCue[window] ?? 0;
    const to = table.firstCue[window + 1] ?? from;
    const words = new Map<number, Set<string>>();
    for (const m of hit.matches) {
      const cue = Math.max(from, upperBound(table.cueOffsets, m.start, from, to) - 1);
      const set = words.get(cue) ?? new Set<string>();
      set.add(hit.passage.text.slice(m.start, m.end).toLowerCase());
      words.set(cue, set);
    }
    let best = from;
    let most = 0;
    for (const [cue, set] of words) {
      if (set.size > most || (set.size === most && cue < best)) [best, most] = [cue, set.size];
    }
    const seconds = table.cueSeconds[best];
    return seconds === undefined || seconds === hit.passage.startSeconds ? hit : { ...hit, passage: { ...hit.passage, startSeconds: seconds } };
  }
}

/** The podcasts a scoped read may search, as the index takes them (undefined: all of them): the scope, or those of `narrowed` in it. */
function podcastIdsWithin(scope: Scope, narrowed: readonly string[] | undefined): readonly string[] | undefined {
  if (narrowed !== undefined) return narrowed.filter((id) => inScope(scope, id));
  return scope === EVERY_PODCAST ? undefined : [...scope];
}

/** The first index in [from, to) whose value is greater than `value`. */
function upperBound(values: Float64Array | Uint32Array, value: number, from: number, to: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] ?? 0) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
