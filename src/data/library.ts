import { Catalog, decodeSavedCatalogue, EVERY_PODCAST, inScope, type EpisodeDetail, type EpisodeRef, type EpisodeSummary, type SavedCatalogue, type Scope } from './catalog.js';
import { err, ok, type Episode, type Podcast, type Result } from './model.js';
import { episodePassages, passageBase, transcriptWindows } from './search/episodePassages.js';
import type { TranscriptSegment } from './search/passage.js';
import { jsonStringArrayPieces } from './jsonStringArrayPieces.js';
import { SearchIndex } from './search/SearchIndex.js';
import { planSnapshot } from './search/planSnapshot.js';
import type { SnapshotPlan } from './search/serializeSnapshot.js';
import { writeSnapshot } from './search/writeSnapshot.js';
import { ChunkWriter } from './ChunkWriter.js';
import type { PlacedTables, ReadAt } from './search/searchIndexFormat.js';
import type { SearchIndexOptions } from './search/SearchIndex.js';
import { withoutListLead } from './search/queryLead.js';
import { languageId } from './search/stem.js';
import { HybridSearch } from './search/semantic/HybridSearch.js';
import type { SearchHit, SearchOptions, TopicSearch } from './search/TopicSearch.js';

/**
 * Reads the stored episodes of one podcast by id (any order; ids it does not hold are left out): where the details
 * of a library whose catalogue keeps only summaries come from.
 */
/** What indexing needs of a podcast: its id, and its declared language (passages are stemmed by it). */
export type PodcastKey = Pick<Podcast, 'id' | 'language'>;

export type EpisodeLoader = (podcastId: string, episodeIds: readonly string[]) => Promise<Episode[]>;

/** Episodes whose details are kept once read (all podcasts together): the few a conversation keeps coming back to. */
const DETAILS_CACHED = 256;

export interface LibraryOptions {
  /**
   * A semantic ranker (e.g. a SemanticIndex over word vectors) kept in step with the lexical index; `topics` then
   * merges both with HybridSearch (exact hits first). Absent: lexical search only.
   */
  semantic?: TopicSearch;
  /** The lexical index's compactor (a worker thread in the bot) and how big its mutable segment grows (tests). */
  index?: Pick<SearchIndexOptions, 'compactor' | 'mutableLimit'>;
  /**
   * How indexing in slices (`indexInSlices`) lets the event loop run between slices. Default: until the next turn
   * (setImmediate), so timers, I/O and interactions waiting get in.
   */
  pause?: () => Promise<void>;
}

/**
 * Indexing in slices yields after analysing about this much text (UTF-16 units; well under a millisecond of tokenizing and stemming
 * on one core). An episode is never split: its passages go in in one step.
 */
const SLICE_CHARS = 4_000;

/** Loading a saved index in slices (loadIndexInSlices) pauses after about this many episodes and bytes of ids parsed. */
const LOAD_SLICE_EPISODES = 8_192;
const LOAD_SLICE_BYTES = 128 * 1024;

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

/**
 * What indexing reads from an episode, hashed: an edit anywhere in it (even one of the same length) re-indexes. The
 * language its passages are stemmed in (its podcast's declared one, by the stemmer it picks) is read too: a feed that
 * changes its `<language>` is stemmed again, not left with the stems of the old one.
 */
const fingerprintOf = (e: Episode, language: string | undefined): number =>
  hash32(
    `${languageId(language)}\n` +
      `${e.title}\n${e.publishedAt ?? ''}\n${e.description}\n${e.chapters.map((c) => `${c.startSeconds} ${c.source} ${c.title}`).join('\n')}` +
      `\n${(e.soundbites ?? []).map((b) => `${b.startSeconds} ${b.title ?? ''}`).join('\n')}\n${(e.persons ?? []).map((p) => p.name).join('\n')}`,
  );

/**
 * 32-bit FNV-1a, as a signed integer: V8 keeps it unboxed in arrays and maps (a string fingerprint cost ~30 bytes an
 * episode). Two different texts of one episode share a value once in ~4 billion edits.
 */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h | 0;
}

/** What each indexed episode of a podcast looked like: parallel arrays, not an object per episode. */
interface IndexedEpisodes {
  /** For a podcast of a loaded index, parsed from the saved bytes when first read (see SavedIndexed). */
  readonly ids: string[];
  readonly fingerprints: Int32Array;
  /** Transcript cues each was indexed with; undefined when none had any (most podcasts). */
  readonly cues: Uint32Array | undefined;
  /** The saved JSON its ids are still to be parsed from (their strings, comma-separated): what a save writes of them. */
  readonly savedIds?: Uint8Array | undefined;
}

/**
 * A loaded podcast's record, its ids left as the saved JSON (`json`: its strings, comma-separated, checked by
 * jsonStringEnd to be `count` strings JSON.parse reads) until first read: only the podcasts a poll or a catch-up
 * indexes again, or a save writes, need them. A start parsed all of them (a million ids: 0.65 s of the thread that
 * answers, before the first /topic, and a million strings for the collector), and the ids the catalogue and the topic
 * index hold are their own strings anyway. A class, so its getters are shared, not two closures per podcast.
 */
class SavedIndexed implements IndexedEpisodes {
  #json: Uint8Array | undefined;
  #ids: string[] | undefined;
  constructor(
    json: Uint8Array | undefined,
    private readonly count: number,
    readonly fingerprints: Int32Array,
    readonly cues: Uint32Array | undefined,
  ) {
    this.#json = json;
    if (json === undefined) this.#ids = [];
  }

  get ids(): string[] {
    if (this.#ids === undefined) {
      const ids = JSON.parse(`[${ID_DECODER.decode(this.#json)}]`) as string[];
      if (ids.length !== this.count) throw new Error('episode ids: not as many as saved');
      this.#ids = ids;
      this.#json = undefined;
    }
    return this.#ids;
  }

  get savedIds(): Uint8Array | undefined {
    return this.#json;
  }
}

const ID_DECODER = new TextDecoder();

/**
 * Where the JSON string that starts at `at` (its opening quote) in `bytes` ends (just past its closing quote); throws
 * where JSON.parse would refuse it (a control character, an unknown escape) or where it is cut short, so ids left to
 * be parsed later (SavedIndexed) are known good now.
 */
function jsonStringEnd(bytes: Uint8Array, at: number): number {
  if (bytes[at] !== 0x22) throw new Error('episode ids: a string expected');
  for (let i = at + 1; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x22) return i + 1;
    if (b < 0x20) throw new Error('episode ids: a control character in a string');
    if (b !== 0x5c) continue;
    const escaped = bytes[++i];
    if (escaped === 0x75) {
      for (let k = 0; k < 4; k++) {
        const h = bytes[++i] ?? 0;
        if (!((h >= 0x30 && h <= 0x39) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66))) throw new Error('episode ids: a bad \\u escape');
      }
    } else if (escaped === undefined || !JSON_ESCAPES.has(escaped)) throw new Error('episode ids: a bad escape');
  }
  throw new Error('episode ids: cut short');
}

/** The characters after a backslash JSON reads (\" \\ \/ \b \f \n \r \t; \u apart). */
const JSON_ESCAPES = new Set([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]);

function packIndexed(episodes: ReadonlyMap<string, { fingerprint: number; cues: number }>): IndexedEpisodes {
  const ids = [...episodes.keys()];
  const fingerprints = new Int32Array(ids.length);
  let cues: Uint32Array | undefined;
  let i = 0;
  for (const e of episodes.values()) {
    fingerprints[i] = e.fingerprint;
    if (e.cues > 0) (cues ??= new Uint32Array(ids.length))[i] = e.cues;
    i++;
  }
  return { ids, fingerprints, cues };
}

function unpackIndexed(record: IndexedEpisodes | undefined): Map<string, { fingerprint: number; cues: number }> {
  const out = new Map<string, { fingerprint: number; cues: number }>();
  record?.ids.forEach((id, i) => out.set(id, { fingerprint: record.fingerprints[i]!, cues: record.cues?.[i] ?? 0 }));
  return out;
}

/**
 * The catalog (lookups) and the topic index (search) kept in step: one call adds or replaces a podcast in both.
 * Only changed episodes are re-indexed, so a poll that finds one new episode costs one episode of indexing.
 */
export class Library {
  readonly catalog = new Catalog();
  #search: SearchIndex;
  readonly #indexOptions: Pick<SearchIndexOptions, 'compactor' | 'mutableLimit'>;
  readonly #pause: () => Promise<void>;
  /** Per podcast: the latest indexing run (a number unique to it); an older run in slices stops where it is. */
  readonly #runs = new Map<string, number>();
  #runCount = 0;
  /** While loadIndexInSlices runs: podcasts whose index changed meanwhile (left unindexed by its swap, see there). */
  #touchedWhileLoading: Set<string> | undefined;
  /** The semantic ranker, when the library was given one. */
  readonly semantic: TopicSearch | undefined;
  #ranker: HybridSearch | SearchIndex;
  /** What each indexed episode looked like (and how many transcript cues it had), to skip re-indexing unchanged ones. */
  readonly #indexed = new Map<string, IndexedEpisodes>();
  /** The same, unpacked, for a podcast whose indexing run is in flight (see #working); such a podcast's #indexed is stale. */
  readonly #unpacked = new Map<string, Map<string, { fingerprint: number; cues: number }>>();
  readonly #cues = new Map<string, CueTable>();
  /** Where details are read from; until one is set, upserted podcasts keep theirs in memory (#pinned). */
  #loader: EpisodeLoader | undefined;
  /** Details of podcasts that live only in memory (the bundled samples, a library built without a store), by podcast. */
  readonly #pinned = new Map<string, Map<string, Episode>>();
  /** Details read from the loader, least recently used first (a Map iterates in insertion order). */
  readonly #recent = new Map<string, Episode>();
  /**
   * True while a start is still reading the catalogue or the topic index from the store: a command that needs what is
   * not there yet says so instead of answering from half of it. Set by whoever loads (app.ts).
   */
  readonly loading = { catalogue: false, topics: false };

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

  /** The lexical topic index (replaced whole when a saved one is loaded, see loadIndex). */
  get search(): SearchIndex {
    return this.#search;
  }

  /** Changes with every change to the topic index: a saved index is written again when this moved since. */
  get indexGeneration(): number {
    return this.#indexGeneration;
  }
  #indexGeneration = 0;

  /**
   * Passages this library analysed itself (stemmed and added to the index) since it was made; a loaded index adds
   * none. What shows that a process loaded a saved index rather than building it (GET /metrics).
   */
  get passagesAnalysed(): number {
    return this.#passagesAnalysed;
  }
  #passagesAnalysed = 0;

  constructor(options: LibraryOptions = {}) {
    this.#indexOptions = options.index ?? {};
    this.#pause = options.pause ?? (() => new Promise<void>((resolve) => setImmediate(resolve)));
    this.#search = new SearchIndex(this.#indexOptions);
    this.semantic = options.semantic;
    this.#ranker = options.semantic === undefined ? this.search : new HybridSearch(this.search, options.semantic);
  }

  /**
   * Adds or replaces a podcast. `transcripts` holds parsed transcripts by episode id; an episode missing from it keeps
   * the transcript it was indexed with while nothing else about it changed (see `needsIndexing`).
   */
  upsert(podcast: Podcast, episodes: readonly Episode[], transcripts?: ReadonlyMap<string, readonly TranscriptSegment[]>): void {
    this.catalog.upsert(podcast, episodes);
    this.#keepDetails(podcast.id, episodes);
    this.index(podcast, episodes, transcripts);
  }

  /**
   * A podcast that lives in memory only (the bundled samples: in no store) into the catalogue, its details kept here;
   * the topic index is left to the start's loading (`indexPinned`, or the saved index loaded, which indexes it into
   * what it loads). Upserted here too, it was analysed twice: into the index the loaded one then replaced, and again.
   */
  addPinned(podcast: Podcast, episodes: readonly Episode[]): void {
    this.catalog.upsert(podcast, episodes);
    this.#keepDetails(podcast.id, episodes);
  }

  /** The podcasts that live in memory only (`addPinned`) into the topic index, in slices; what is indexed as it is, is skipped. */
  async indexPinned(): Promise<void> {
    for (const [podcastId, pinned] of [...this.#pinned]) await this.indexInSlices(this.catalog.podcast(podcastId) ?? { id: podcastId }, [...pinned.values()]);
  }

  /**
   * A podcast into the catalogue from its stored summaries (a start reading the store): its episodes' details stay in
   * the store, and the topic index is left alone (it is loaded or built apart, see `index`).
   */
  addSummaries(podcast: Podcast, episodes: readonly EpisodeSummary[]): void {
    this.catalog.upsert(podcast, episodes);
    this.#keepDetails(podcast.id, []);
  }

  /**
   * Brings the topic index in step with these episodes of a podcast (the catalogue is not touched): only new or
   * changed ones are indexed, and indexed ones missing from the list are removed. All on this thread in one go: a
   * feed of thousands of episodes holds it for long; the bot uses `indexInSlices`.
   */
  index(podcast: PodcastKey, episodes: readonly Episode[], transcripts?: ReadonlyMap<string, readonly TranscriptSegment[]>): void {
    const run = this.#claim(podcast.id);
    for (const episode of episodes) this.#indexEpisode(podcast, episode, transcripts?.get(episode.id));
    this.#dropMissing(podcast.id, run, episodes);
  }

  /** As `upsert`, with the topic index brought in step in slices (`indexInSlices`); the catalogue changes at once. */
  async upsertInSlices(podcast: Podcast, episodes: readonly Episode[], transcripts?: ReadonlyMap<string, readonly TranscriptSegment[]>): Promise<void> {
    this.catalog.upsert(podcast, episodes);
    this.#keepDetails(podcast.id, episodes);
    await this.indexInSlices(podcast, episodes, transcripts);
  }

  /**
   * As `index`, letting the event loop run (`pause`) after every ~4,000 characters of text analysed, so a big podcast
   * never holds the thread that answers for more than a few milliseconds at a time. Each episode goes in in one step
   * (its old passages removed and its new ones added together): a search meanwhile sees every episode as it was or
   * as it is now, never half of one, though some episodes of the podcast may already be new and others not yet. A
   * later `index`, `indexInSlices`, `remove` or `unindex` of the same podcast (or `loadIndex`) takes over: this one
   * stops at its next pause, leaving the rest to it.
   */
  async indexInSlices(podcast: PodcastKey, episodes: readonly Episode[], transcripts?: ReadonlyMap<string, readonly TranscriptSegment[]>): Promise<void> {
    const run = this.#claim(podcast.id);
    let analysed = 0;
    for (const episode of episodes) {
      if (analysed >= SLICE_CHARS) {
        await this.#pause();
        if (this.#runs.get(podcast.id) !== run) return;
        analysed = 0;
      }
      analysed += this.#indexEpisode(podcast, episode, transcripts?.get(episode.id));
    }
    this.#dropMissing(podcast.id, run, episodes);
  }

  #claim(podcastId: string): number {
    this.#touchedWhileLoading?.add(podcastId);
    const run = ++this.#runCount;
    this.#runs.set(podcastId, run);
    return run;
  }

  /** One episode, if new or changed, into the index (its old passages out): returns the characters analysed. */
  #indexEpisode(podcast: PodcastKey, episode: Episode, transcript: readonly TranscriptSegment[] | undefined): number {
    const podcastId = podcast.id;
    const indexed = this.#working(podcastId);
    const fingerprint = fingerprintOf(episode, podcast.language);
    const previous = indexed.get(episode.id);
    const cues = transcript?.length ?? (previous?.fingerprint === fingerprint ? previous.cues : 0);
    if (previous?.fingerprint === fingerprint && previous.cues === cues) return 0;
    if (previous !== undefined) this.#removeEpisode(podcastId, episode.id);
    // Stemmed by the podcast's declared language (see search/stem.ts).
    const passages = episodePassages(podcastId, episode, { language: podcast.language });
    if (transcript !== undefined && transcript.length > 0) passages.push(...this.#transcriptPassages(podcast, episode, transcript));
    this.#ranker.add(passages);
    this.#passagesAnalysed += passages.length;
    indexed.set(episode.id, { fingerprint, cues });
    this.#indexGeneration++;
    let chars = 0;
    for (const p of passages) chars += p.text.length;
    return chars;
  }

  /**
   * After a run's episodes: indexed ones missing from its list are removed, and the podcast's working map is packed
   * again (a run that was overtaken leaves it to the run that overtook it).
   */
  #dropMissing(podcastId: string, run: number, episodes: readonly Episode[]): void {
    if (this.#runs.get(podcastId) !== run) return;
    const indexed = this.#working(podcastId);
    const wanted = new Set(episodes.map((e) => e.id));
    for (const id of [...indexed.keys()]) {
      if (wanted.has(id)) continue;
      this.#removeEpisode(podcastId, id);
      indexed.delete(id);
    }
    this.#indexed.set(podcastId, packIndexed(indexed));
    this.#unpacked.delete(podcastId);
    this.#indexGeneration++;
  }

  /**
   * A podcast's indexed episodes as a map to change one at a time: unpacked from #indexed when a run first touches
   * the podcast and kept in #unpacked (which then says what is indexed) until the run's #dropMissing packs it again.
   * Unpacking per episode and packing per episode would cost a podcast's size for each of its episodes.
   */
  #working(podcastId: string): Map<string, { fingerprint: number; cues: number }> {
    let map = this.#unpacked.get(podcastId);
    if (map === undefined) {
      map = unpackIndexed(this.#indexed.get(podcastId));
      this.#unpacked.set(podcastId, map);
    }
    return map;
  }

  /** A podcast's indexed episodes' ids, wherever they are held now (a run in flight's map, else the packed arrays). */
  #indexedIds(podcastId: string): Iterable<string> {
    return this.#unpacked.get(podcastId)?.keys() ?? this.#indexed.get(podcastId)?.ids ?? [];
  }

  /** Whether the topic index holds this podcast (indexed here, or in the index loaded at start). */
  isIndexed(podcastId: string): boolean {
    return this.#unpacked.has(podcastId) || this.#indexed.has(podcastId);
  }

  /** Ids of the episodes an upsert would (re)index: new or changed. Supply their transcripts, if they have any. */
  needsIndexing(podcast: PodcastKey, episodes: readonly Episode[]): string[] {
    const indexed = this.#unpacked.get(podcast.id) ?? unpackIndexed(this.#indexed.get(podcast.id));
    return episodes.filter((e) => indexed.get(e.id)?.fingerprint !== fingerprintOf(e, podcast.language)).map((e) => e.id);
  }

  remove(podcastId: string): void {
    this.catalog.remove(podcastId);
    this.#keepDetails(podcastId, []);
    this.#touchedWhileLoading?.add(podcastId);
    for (const id of this.#indexedIds(podcastId)) this.#removeEpisode(podcastId, id);
    // An indexing run in slices of it stops at its next pause.
    this.#runs.delete(podcastId);
    const had = this.#unpacked.delete(podcastId);
    if (this.#indexed.delete(podcastId) || had) this.#indexGeneration++;
  }

  /**
   * From now on details are read with `loader` (the store) when a command shows them, and only a few are kept; what
   * was upserted before stays in memory (the bundled samples are in no store).
   */
  readDetailsFrom(loader: EpisodeLoader): void {
    this.#loader = loader;
  }

  /** The episodes with their notes, chapters and links, in the order given; one that is gone is left out. */
  async details(refs: readonly EpisodeRef[]): Promise<EpisodeDetail[]> {
    const found = new Map<string, Episode>();
    const missing = new Map<string, string[]>();
    for (const ref of refs) {
      const k = episodeKey(ref.podcast.id, ref.episode.id);
      const pinned = this.#pinned.get(ref.podcast.id)?.get(ref.episode.id);
      const recent = pinned ?? this.#recent.get(k);
      if (pinned !== undefined) found.set(k, pinned);
      else if (recent !== undefined) {
        found.set(k, recent);
        this.#remember(k, recent);
      } else if (this.#loader !== undefined && !this.#pinned.has(ref.podcast.id)) {
        missing.set(ref.podcast.id, [...(missing.get(ref.podcast.id) ?? []), ref.episode.id]);
      }
    }
    for (const [podcastId, ids] of missing) {
      const generation = this.catalog.generation;
      for (const episode of await this.#loader!(podcastId, ids)) {
        const k = episodeKey(podcastId, episode.id);
        found.set(k, episode);
        // Not cached when the catalogue changed while reading: what was read may be older than what it holds now.
        if (this.catalog.generation === generation) this.#remember(k, episode);
      }
    }
    const out: EpisodeDetail[] = [];
    for (const ref of refs) {
      const episode = found.get(episodeKey(ref.podcast.id, ref.episode.id));
      if (episode !== undefined) out.push({ podcast: ref.podcast, episode, key: ref.key });
    }
    return out;
  }

  /**
   * Every episode of a podcast with its details, as the catalogue lists them (newest first), for the poller to match
   * a feed's items against: read whole and not cached.
   */
  async episodesOf(podcastId: string): Promise<Episode[]> {
    const ids = this.catalog.episodeIds(podcastId);
    const pinned = this.#pinned.get(podcastId);
    if (pinned !== undefined || this.#loader === undefined) return ids.map((id) => pinned?.get(id)).filter((e) => e !== undefined);
    const byId = new Map((await this.#loader(podcastId, ids)).map((e) => [e.id, e]));
    return ids.map((id) => byId.get(id)).filter((e) => e !== undefined);
  }

  #remember(k: string, episode: Episode): void {
    this.#recent.delete(k);
    this.#recent.set(k, episode);
    if (this.#recent.size > DETAILS_CACHED) this.#recent.delete(this.#recent.keys().next().value!);
  }

  /** After an upsert or removal: pinned details replaced (no loader yet) or cached ones of this podcast dropped. */
  #keepDetails(podcastId: string, episodes: readonly Episode[]): void {
    if (this.#loader === undefined) {
      if (episodes.length === 0) this.#pinned.delete(podcastId);
      else this.#pinned.set(podcastId, new Map(episodes.map((e) => [e.id, e])));
      return;
    }
    this.#pinned.delete(podcastId);
    const prefix = episodeKey(podcastId, '');
    for (const k of [...this.#recent.keys()]) if (k.startsWith(prefix)) this.#recent.delete(k);
  }

  /** Whether a podcast's episodes live in memory only (upserted before a store was set: the bundled samples). */
  isPinned(podcastId: string): boolean {
    return this.#pinned.has(podcastId);
  }

  /** Podcasts the topic index holds. */
  indexedPodcasts(): string[] {
    return [...new Set([...this.#indexed.keys(), ...this.#unpacked.keys()])];
  }

  /** Forgets a podcast's indexed episodes (not its catalogue entry): a saved index's podcast that left the store. */
  unindex(podcastId: string): void {
    this.#touchedWhileLoading?.add(podcastId);
    for (const id of this.#indexedIds(podcastId)) this.#removeEpisode(podcastId, id);
    // An indexing run in slices of it stops at its next pause.
    this.#runs.delete(podcastId);
    const had = this.#unpacked.delete(podcastId);
    if (this.#indexed.delete(podcastId) || had) this.#indexGeneration++;
  }

  /**
   * The topic index as bytes (see loadIndex): the lexical index, what each indexed episode looked like (its
   * fingerprint and transcript cues, so an unchanged one is not indexed again), where transcript cues start, and the
   * catalogue of the podcasts indexed (a start restores it instead of reading the store: savedCatalogue). A library
   * with a semantic ranker cannot be saved: its vectors are built from the passages (undefined).
   */
  serializeIndex(): Uint8Array | undefined {
    if (this.semantic !== undefined) return undefined;
    const strings: string[] = [];
    const numbers: number[] = [];
    for (const podcastId of this.indexedPodcasts()) {
      // A run in flight: what is indexed so far, as the lexical index holds it.
      const working = this.#unpacked.get(podcastId);
      const episodes = working === undefined ? this.#indexed.get(podcastId)! : packIndexed(working);
      strings.push(podcastId);
      numbers.push(episodes.ids.length);
      episodes.ids.forEach((id, i) => {
        strings.push(id);
        numbers.push(episodes.fingerprints[i]!, episodes.cues?.[i] ?? 0);
      });
    }
    const cueKeys: string[] = [];
    const cueArrays: Float64Array[] = [];
    for (const [key, table] of this.#cues) {
      cueKeys.push(key);
      cueArrays.push(Float64Array.of(table.windowStarts.length, table.cueSeconds.length), table.windowStarts, Float64Array.from(table.firstCue), table.cueSeconds, Float64Array.from(table.cueOffsets));
    }
    const search = this.#search.serialize();
    const encoder = new TextEncoder();
    const parts: Uint8Array[] = [
      encoder.encode(JSON.stringify(strings)),
      new Uint8Array(Float64Array.from(numbers).buffer),
      encoder.encode(JSON.stringify(cueKeys)),
      concatFloat64(cueArrays),
      search,
      // The catalogue of the podcasts indexed (those in memory only, the samples, are left out): a start restores it
      // instead of reading every row (savedCatalogue).
      this.catalog.serialize(this.indexedPodcasts().filter((id) => !this.#pinned.has(id))),
    ];
    const head = new Uint32Array([INDEX_FORMAT, parts.length, ...parts.map((p) => p.byteLength)]);
    let size = align8(head.byteLength);
    for (const p of parts) size = align8(size + p.byteLength);
    const out = new Uint8Array(size);
    out.set(new Uint8Array(head.buffer), 0);
    let at = align8(head.byteLength);
    for (const p of parts) {
      out.set(p, at);
      at = align8(at + p.byteLength);
    }
    return out;
  }

  /**
   * What `serializeIndex` writes, without compacting the index or holding it twice: a snapshot of the library taken now
   * (the index's tables are not copied: SearchIndex.saveSnapshot), planned and then written a slice at a time while
   * the library answers and changes (planSnapshot.ts, writeSnapshot.ts). The bytes are serializeIndex's at this moment.
   * `whole`: the podcasts (not those in memory only) held whole, none with an indexing run in flight (its episodes
   * partly new, partly old): the ones a saver may vouch for at the store's version. Undefined with a semantic ranker, as
   * serializeIndex.
   */
  saveIndexStream(): IndexStream | undefined {
    if (this.semantic !== undefined) return undefined;
    // In one pass over each map, in indexedPodcasts' order (a lookup per podcast in maps of ten thousand made this
    // turn tens of milliseconds at a million episodes): what each podcast indexed, those held whole, the catalogue's.
    const episodesOf: [string, IndexedEpisodes][] = [];
    const whole: string[] = [];
    const catalogued: string[] = [];
    const unpacked = this.#unpacked;
    for (const [podcastId, indexed] of this.#indexed) {
      const working = unpacked.size === 0 ? undefined : unpacked.get(podcastId);
      episodesOf.push([podcastId, working === undefined ? indexed : packIndexed(working)]);
      const pinned = this.#pinned.size > 0 && this.#pinned.has(podcastId);
      if (working === undefined && !pinned) whole.push(podcastId);
      if (!pinned) catalogued.push(podcastId);
    }
    for (const [podcastId, working] of unpacked) {
      if (this.#indexed.has(podcastId)) continue;
      episodesOf.push([podcastId, packIndexed(working)]);
      if (!this.#pinned.has(podcastId)) catalogued.push(podcastId);
    }
    const cues = [...this.#cues];
    const index = this.#search.saveSnapshot();
    // The catalogue of the podcasts indexed (those in memory only, the samples, are left out), as it is now.
    const catalogue = this.catalog.serializeStream(catalogued);
    let parts: Uint8Array[][] | undefined;
    let plan: SnapshotPlan | undefined;
    let catalogueLength = 0;
    return {
      whole,
      *plan() {
        // Part 0: the podcasts' and episodes' ids as one JSON array, encoded a batch of podcasts at a time and kept in
        // those pieces (not put together: one copy of ~35 MB at a million episodes held the thread for tens of ms).
        const encoder = new TextEncoder();
        const idPieces: Uint8Array[] = [];
        let count = 0;
        // Counted by the fingerprints: a loaded podcast's ids are not parsed for it (a million at once held the thread
        // 0.3 s at a million episodes), nor below, where they are written as they were saved.
        for (const [, e] of episodesOf) count += 1 + 2 * e.fingerprints.length;
        const numbers = new Float64Array(count);
        let n = 0;
        let batch: string[] = [];
        const flush = (): void => {
          if (batch.length === 0) return;
          const json = JSON.stringify(batch);
          idPieces.push(encoder.encode(`${idPieces.length === 0 ? '[' : ','}${json.slice(1, -1)}`));
          batch = [];
        };
        let written = 0;
        for (const [podcastId, e] of episodesOf) {
          batch.push(podcastId);
          const size = e.fingerprints.length;
          numbers[n++] = size;
          const saved = e.savedIds;
          if (saved !== undefined) {
            // The same bytes JSON.stringify makes of those ids (they were written so), without parsing them.
            flush();
            idPieces.push(COMMA, saved);
            for (let i = 0; i < size; i++) {
              numbers[n++] = e.fingerprints[i]!;
              numbers[n++] = e.cues?.[i] ?? 0;
            }
            if ((written += size) >= STREAM_BATCH) {
              written = 0;
              yield;
            }
            continue;
          }
          const ids = e.ids;
          for (let i = 0; i < size; i++) {
            batch.push(ids[i]!);
            numbers[n++] = e.fingerprints[i]!;
            numbers[n++] = e.cues?.[i] ?? 0;
            if (batch.length >= STREAM_BATCH) {
              flush();
              yield;
            }
          }
        }
        flush();
        idPieces.push(encoder.encode(idPieces.length === 0 ? '[]' : ']'));
        yield;
        // The cue tables as their numbers, a table at a time.
        const cueNumbers: Uint8Array[] = [];
        let cueWork = 0;
        for (const [, table] of cues) {
          for (const a of [Float64Array.of(table.windowStarts.length, table.cueSeconds.length), table.windowStarts, Float64Array.from(table.firstCue), table.cueSeconds, Float64Array.from(table.cueOffsets)]) {
            cueNumbers.push(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
            cueWork += a.length;
          }
          if (cueWork >= STREAM_BATCH) {
            cueWork = 0;
            yield;
          }
        }
        const cueKeys = encoder.encode(JSON.stringify(cues.map(([key]) => key)));
        yield;
        plan = yield* planSnapshot(index);
        const catalogueBytes = yield* catalogue.plan();
        parts = [idPieces, [new Uint8Array(numbers.buffer)], [cueKeys], cueNumbers];
        const bytesOf = (pieces: readonly Uint8Array[]): number => pieces.reduce((sum, piece) => sum + piece.byteLength, 0);
        const lengths = [...parts.map(bytesOf), plan.byteLength, catalogueBytes];
        catalogueLength = catalogueBytes;
        let size = align8((2 + PARTS) * 4);
        for (const length of lengths) size = align8(size + length);
        parts.unshift([new Uint8Array(new Uint32Array([INDEX_FORMAT, PARTS, ...lengths]).buffer)]);
        return size;
      },
      *chunks() {
        if (parts === undefined || plan === undefined) throw new Error('saveIndexStream: chunks before plan');
        // Each part's pieces copied into chunks (handed over as they were, a cue table's numbers were tens of thousands
        // of writes of a few bytes at a million episodes), then the part padded to 8: every part starts 8-aligned, so
        // padding what was written so far pads the part.
        const out = new ChunkWriter(STREAM_CHUNK_BYTES);
        for (const pieces of parts) {
          for (const piece of pieces) yield* out.piece(piece);
          out.align();
        }
        yield* out.end();
        // What the parts before it held is no longer needed once written.
        parts = undefined;
        yield* writeSnapshot(plan);
        yield* catalogue.chunks();
        const pad = align8(catalogueLength) - catalogueLength;
        if (pad > 0) yield new Uint8Array(pad);
      },
    };
  }

  /**
   * Replaces the topic index with one `serializeIndex` wrote: no passage is analysed again. The catalogue is not
   * touched. Podcasts held in memory only (the samples) are brought in step at once; any other podcast indexed before
   * and missing from the saved index is left unindexed (isIndexed) for the caller to index again, and one the saved
   * index holds that the caller does not want is dropped with `unindex`. An error (bytes of another format, cut short,
   * inconsistent) leaves the library as it was.
   */
  loadIndex(bytes: Uint8Array): Result<{ podcasts: number; episodes: number }> {
    if (this.semantic !== undefined) return err('a library with semantic search rebuilds its index');
    try {
      const steps = this.#loadSteps(bytes);
      for (;;) {
        const step = steps.next();
        if (step.done === true) return ok(step.value);
      }
    } catch (error) {
      return err(`the saved topic index cannot be read: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * As `loadIndex`, letting the event loop run (`pause`) between slices of its per-episode and per-passage work (a
   * few milliseconds each), so a start's loading of a big saved index never holds the thread that answers for long.
   * Searches meanwhile answer from the index as it was; the loaded one is swapped in whole at the end. A podcast
   * indexed, unindexed or removed meanwhile is left unindexed in the loaded index (isIndexed false), for the caller to
   * index again from the store (what the saved index holds of it may be older than that change).
   */
  async loadIndexInSlices(bytes: Uint8Array, tables?: PlacedTables, options: { now?: number } = {}): Promise<Result<{ podcasts: number; episodes: number }>> {
    if (this.semantic !== undefined) return err('a library with semantic search rebuilds its index');
    const touched = new Set<string>();
    this.#touchedWhileLoading = touched;
    try {
      const steps = this.#loadSteps(bytes, tables, options.now);
      for (;;) {
        const step = steps.next();
        if (step.done === true) return ok(step.value);
        await this.#pause();
      }
    } catch (error) {
      return err(`the saved topic index cannot be read: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      if (this.#touchedWhileLoading === touched) this.#touchedWhileLoading = undefined;
    }
  }

  /**
   * The catalogue a saved body (serializeIndex) holds: what the podcasts it indexed looked like when it was written,
   * restored one podcast at a time with `restoreSaved` instead of read from the store. An error for bytes of another
   * format, cut short or inconsistent (then nothing of it is to be trusted).
   */
  static savedCatalogue(bytes: Uint8Array): Result<SavedCatalogue> {
    try {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (bytes.byteLength < 8 || view.getUint32(0, true) !== INDEX_FORMAT || view.getUint32(4, true) !== PARTS) {
        return err('not a topic index of this format');
      }
      let at = align8(8 + PARTS * 4);
      for (let i = 0; i < CATALOGUE_PART; i++) at = align8(at + view.getUint32(8 + i * 4, true));
      const length = view.getUint32(8 + CATALOGUE_PART * 4, true);
      if (at + length > bytes.byteLength) return err('the saved topic index cannot be read: cut short');
      return ok(decodeSavedCatalogue(bytes.subarray(at, at + length)));
    } catch (error) {
      return err(`the saved catalogue cannot be read: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * Where the lexical index's tables lie in bytes `serializeIndex` wrote, read from their heads alone (`readAt`):
   * a reader puts each in a SharedArrayBuffer of its own and hands them to loadIndexInSlices (`tables`, by where each
   * starts in the bytes), used as they are: no copy, and no buffer holding the rest (ids, strings) alive with them.
   */
  static async savedTableRanges(readAt: ReadAt, length: number): Promise<[number, number, number][]> {
    const head = await readAt(0, 8);
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    if (view.getUint32(0, true) !== INDEX_FORMAT || view.getUint32(4, true) !== PARTS) throw new Error('not a topic index of this format');
    const lengths = await readAt(8, PARTS * 4);
    const search = partRanges(new DataView(lengths.buffer, lengths.byteOffset, lengths.byteLength), length)[SEARCH_PART]!;
    const ranges = await SearchIndex.tableRanges((at, n) => readAt(search[0] + at, n), search[1] - search[0]);
    return ranges.map(([start, end, room]) => [search[0] + start, search[0] + end, room]);
  }

  /**
   * Where the saved catalogue lies in bytes `serializeIndex` wrote, read from their head alone (`readAt`): the head
   * itself and the catalogue part, which is all `savedCatalogue` reads. A reader reads these first, so the catalogue can
   * be restored while the rest is read (see loadLibrary: nothing restored answers before the whole is checked).
   */
  static async savedCatalogueRanges(readAt: ReadAt, length: number): Promise<[number, number][]> {
    const head = await readAt(0, 8);
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    if (view.getUint32(0, true) !== INDEX_FORMAT || view.getUint32(4, true) !== PARTS) throw new Error('not a topic index of this format');
    const lengths = await readAt(8, PARTS * 4);
    const catalogue = partRanges(new DataView(lengths.buffer, lengths.byteOffset, lengths.byteLength), length)[CATALOGUE_PART]!;
    return [[0, align8(8 + PARTS * 4)], catalogue];
  }

  /** loadIndex's work, yielding between slices; the library changes only in its last step (nothing on an error). */
  *#loadSteps(bytes: Uint8Array, tables?: PlacedTables, now?: number): Generator<void, { podcasts: number; episodes: number }, void> {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.byteLength < 8 || view.getUint32(0, true) !== INDEX_FORMAT) throw new Error('not a topic index of this format');
    if (view.getUint32(4, true) !== PARTS || bytes.byteLength < 8 + PARTS * 4) throw new Error('not a topic index of this format');
    const ranges = partRanges(new DataView(bytes.buffer, bytes.byteOffset + 8, PARTS * 4), bytes.byteLength);
    const parts = ranges.map(([start, end]) => bytes.subarray(start, end));
    // The ids: each podcast's read now, its episodes' left as saved (SavedIndexed) in a copy of their own (the body
    // they came in is dropped after the load).
    const idBytes = parts[0]!.slice();
    if (idBytes.byteLength < 2 || idBytes[0] !== 0x5b || idBytes[idBytes.byteLength - 1] !== 0x5d) throw new Error('episode list: not a JSON array');
    const numbers = float64Part(parts[1]!);
    const cueKeys: string[] = [];
    for (const piece of jsonStringArrayPieces(parts[2]!, LOAD_SLICE_BYTES)) {
      for (const key of piece) cueKeys.push(key);
      yield;
    }
    const cueNumbers = float64Part(parts[3]!);
    // The tables read apart, by where each starts in the lexical index's part.
    const searchAt = ranges[SEARCH_PART]![0];
    const searchTables = tables === undefined ? undefined : new Map([...tables].map(([at, table]) => [at - searchAt, table]));
    const search = yield* SearchIndex.loadSteps(new Uint8Array(parts[4]!.buffer, parts[4]!.byteOffset, parts[4]!.byteLength), this.#indexOptions, searchTables);
    // Each episode's recency factor for today, in slices here rather than in one hold by the first query after the swap.
    if (now !== undefined) yield* search.recencySteps(now);

    const indexed = new Map<string, IndexedEpisodes>();
    let n = 0;
    let episodes = 0;
    let sinceYield = 0;
    // "[" then strings separated by commas then "]": a podcast's id, then as many of its episodes' as `numbers` says.
    const last = idBytes.byteLength - 1;
    let at = 1;
    while (at < last) {
      if (at > 1 && idBytes[at++] !== 0x2c) throw new Error('episode list: not a JSON array');
      const podcastEnd = jsonStringEnd(idBytes, at);
      const podcastId = JSON.parse(ID_DECODER.decode(idBytes.subarray(at, podcastEnd))) as string;
      at = podcastEnd;
      const size = numbers[n++];
      if (size === undefined || !Number.isSafeInteger(size) || size < 0 || n + 2 * size > numbers.length) throw new Error('episode list cut short');
      const idsFrom = at + 1;
      for (let i = 0; i < size; i++) {
        if (idBytes[at++] !== 0x2c) throw new Error('episode list cut short');
        at = jsonStringEnd(idBytes, at);
      }
      if (at > last) throw new Error('episode list cut short');
      const json = size === 0 ? undefined : idBytes.subarray(idsFrom, at);
      const fingerprints = new Int32Array(size);
      let cues: Uint32Array | undefined;
      for (let i = 0; i < size; i++) {
        fingerprints[i] = numbers[n++]!;
        const count = numbers[n++]!;
        if (count > 0) (cues ??= new Uint32Array(size))[i] = count;
      }
      episodes += size;
      indexed.set(podcastId, new SavedIndexed(json, size, fingerprints, cues));
      sinceYield += size;
      if (sinceYield >= LOAD_SLICE_EPISODES) {
        sinceYield = 0;
        yield;
      }
    }
    const cues = new Map<string, CueTable>();
    let c = 0;
    for (const key of cueKeys) {
      const windows = cueNumbers[c++]!;
      const cueCount = cueNumbers[c++]!;
      const take = (length: number): Float64Array => {
        if (c + length > cueNumbers.length) throw new Error('cue tables cut short');
        const out = cueNumbers.slice(c, c + length);
        c += length;
        return out;
      };
      cues.set(key, {
        windowStarts: take(windows),
        firstCue: Uint32Array.from(take(windows + 1)),
        cueSeconds: take(cueCount),
        cueOffsets: Uint32Array.from(take(cueCount)),
      });
      sinceYield += 2 * windows + 2 * cueCount;
      if (sinceYield >= LOAD_SLICE_EPISODES * 16) {
        sinceYield = 0;
        yield;
      }
    }
    // The swap, in one step: a search meanwhile saw the index as it was.
    this.#search = search;
    this.#ranker = search;
    this.#indexed.clear();
    this.#unpacked.clear();
    this.#runs.clear();
    for (const [id, map] of indexed) this.#indexed.set(id, map);
    for (const [key, table] of [...this.#cues]) if (!indexed.has(key.slice(0, key.indexOf('\n')))) cues.set(key, table);
    this.#cues.clear();
    for (const [key, table] of cues) this.#cues.set(key, table);
    this.#indexGeneration++;
    const touched = this.#touchedWhileLoading;
    this.#touchedWhileLoading = undefined;
    for (const podcastId of touched ?? []) if (!this.#pinned.has(podcastId)) this.unindex(podcastId);
    for (const [podcastId, pinned] of this.#pinned) this.index(this.catalog.podcast(podcastId) ?? { id: podcastId }, [...pinned.values()]);
    return { podcasts: indexed.size, episodes };
  }

  /**
   * Podcast `p` of a saved catalogue (savedCatalogue) into the catalogue, as `addSummaries` puts one read from the
   * store (its details stay in the store; the topic index is left alone). Throws when that podcast's bytes do not hold
   * together.
   */
  restoreSaved(saved: SavedCatalogue, p: number): void {
    const podcast = this.catalog.restore(saved, p);
    this.#keepDetails(podcast.id, []);
  }

  /**
   * Estimated bytes by part (the bench prints them): the catalogue's summaries and lookups, the lexical topic index
   * (with its query scratch), and what the library keeps beside them to skip re-indexing and land transcript hits.
   */
  memoryBytes(): { catalogue: number; topicIndex: number; bookkeeping: number } {
    let bookkeeping = this.cueMemoryBytes() + this.#cues.size * 120;
    for (const [podcastId, e] of this.#indexed) {
      bookkeeping += 120 + 24 + podcastId.length + e.fingerprints.byteLength + (e.cues?.byteLength ?? 0);
      // Ids not parsed yet: their saved bytes (the buffer they are in is shared by every podcast of the load).
      if (e.savedIds !== undefined) bookkeeping += e.savedIds.byteLength;
      else for (const id of e.ids) bookkeeping += 8 + 24 + id.length;
    }
    // A run in flight's map: an entry (~40 bytes), its id and its object ({ fingerprint, cues }: ~32 bytes) each.
    for (const [podcastId, map] of this.#unpacked) {
      bookkeeping += 120 + podcastId.length;
      for (const id of map.keys()) bookkeeping += 40 + 24 + id.length + 32;
    }
    return { catalogue: this.catalog.memoryBytes(), topicIndex: this.#search.memoryBytes(), bookkeeping };
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

  #transcriptPassages(podcast: PodcastKey, episode: Episode, transcript: readonly TranscriptSegment[]) {
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

/** Bump when what serializeIndex writes, the passages of an episode or the lexical index's format change. */
// 2: fingerprints are 32-bit hashes among the numbers, not strings.
// 3: a sixth part, the catalogue of the podcasts indexed (Catalog.serialize).
// 4: a fingerprint holds the language its episode was stemmed in (those of format 3 do not: they would all differ).
export const INDEX_FORMAT = 0x50434c04;
/** What serializeIndex writes: ids, their numbers, cue keys, cue numbers, the lexical index, the catalogue. */
const PARTS = 6;
/** Which part is the lexical index (SearchIndex.serialize). */
export const SEARCH_PART = 4;
/** Which part of the saved body the catalogue is. */
const CATALOGUE_PART = 5;

const align8 = (n: number): number => (n + 7) & ~7;

/** A part of Float64s (read while loading, never kept): a view where it is aligned, else copied out. */
function float64Part(part: Uint8Array): Float64Array {
  if (part.byteOffset % 8 === 0 && part.byteLength % 8 === 0) return new Float64Array(part.buffer, part.byteOffset, part.byteLength / 8);
  return new Float64Array(new Uint8Array(part).buffer);
}

/** The parts of what serializeIndex wrote ([start, end) each), from the lengths after its format and count. */
function partRanges(lengths: DataView, byteLength: number): [number, number][] {
  let at = align8(8 + PARTS * 4);
  return Array.from({ length: PARTS }, (_, i) => {
    const length = lengths.getUint32(i * 4, true);
    if (at + length > byteLength) throw new Error('cut short');
    const range: [number, number] = [at, at + length];
    at = align8(at + length);
    return range;
  });
}

/** A streamed save's parts are handed over this much at a time. */
const STREAM_CHUNK_BYTES = 1 << 20;
/** A streamed save's plan encodes this many ids (or cue numbers) between pauses: a millisecond or two. */
const STREAM_BATCH = 4096;
const COMMA = new Uint8Array([0x2c]);

/**
 * The topic index saved a piece at a time (Library.saveIndexStream): `plan` (yielding between slices) returns the
 * body's length, then `chunks` are the body, in order, each valid until the next is asked for (copy one to keep it);
 * an empty one is a pause (a slice of work done that made no bytes: ChunkWriter.pause), for the writer to let the
 * event loop turn.
 */
export interface IndexStream {
  readonly whole: readonly string[];
  plan(): Generator<void, number, void>;
  chunks(): Generator<Uint8Array, void, void>;
}

function concatFloat64(arrays: readonly Float64Array[]): Uint8Array {
  const out = new Float64Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return new Uint8Array(out.buffer);
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
