import { ChunkWriter } from './ChunkWriter.js';
import { err, ok, type Episode, type Podcast, type Result } from './model.js';
import type { LookupProblem } from './problems.js';
import { AscendingMerge } from './search/AscendingMerge.js';
import { lowerBound, sortedPrefixRange } from './search/sortedPrefixRange.js';
import { shortKey } from './shortKey.js';
import { clip } from './text/clip.js';

/**
 * Every podcast and episode the bot serves, in memory, indexed for the lookups a slash command needs:
 * by short key, by episode number, by title words, newest first. Pure: the caller loads and saves.
 *
 * Only what autocomplete, /latest's list and search results name an episode by is kept (EpisodeSummary): notes,
 * chapters, links and transcripts stay in the store and are read when a command shows them (Library.details), so
 * memory follows what is asked, not what is stored.
 */

/** What the catalogue keeps of an episode: what an autocomplete choice or a list line shows and sorts by. */
export type EpisodeSummary = Pick<Episode, 'id' | 'title' | 'episodeNumber' | 'publishedAt'>;

export interface EpisodeRef {
  podcast: Podcast;
  episode: EpisodeSummary;
  /** Stable short key (see shortKey): goes into autocomplete values and button ids. */
  key: string;
}

/** An episode with everything the feed said of it: what a command that shows notes, chapters or links reads. */
export interface EpisodeDetail {
  podcast: Podcast;
  episode: Episode;
  key: string;
}

/** Only the summary's fields, copied, so the full episode given is not kept alive by the catalogue. */
export function summarize(e: EpisodeSummary): EpisodeSummary {
  const out: EpisodeSummary = { id: e.id, title: e.title };
  if (e.episodeNumber !== undefined) out.episodeNumber = e.episodeNumber;
  if (e.publishedAt !== undefined) out.publishedAt = e.publishedAt;
  return out;
}

/** Shared by every answer of a cached list: read only. */
export interface Choice {
  readonly name: string;
  readonly value: string;
}

/** An entry's string columns (see PodcastEntry). */
interface EntryStrings {
  ids: string[];
  titles: string[];
  /** Each title folded for lookup: its words are this split at spaces. */
  foldedTitles: string[];
  /** publishedAt as given; null where it is `new Date(time).toISOString()` (most), undefined where there is none. */
  published: (string | null | undefined)[];
}

/**
 * A podcast restored from a saved catalogue before its strings are read: its JSON array as saved and how each
 * episode's date is kept (views on the copies decodeSavedCatalogue made of the file's bytes). Made into its columns the
 * first time one is read.
 */
interface SavedStrings {
  readonly text: Uint8Array;
  readonly kinds: Uint8Array;
}

class PodcastEntry {
  /**
   * Its episodes newest first, a column per field rather than an object per episode (with its key, words and date
   * that was ~800 bytes an episode; a million of them did not fit). EpisodeRefs are made when asked for. The string
   * columns of a podcast restored from a saved catalogue are made when first read (`ids`, `titles`, ...): a start at a
   * million episodes spent 1.4 s of its 2 s restore parsing 3 million strings few of which a command reads soon.
   */
  #strings: EntryStrings | undefined;
  #saved: SavedStrings | undefined;
  /** How many episodes: every column's length (the string columns' too, once made). */
  readonly count: number;

  constructor(
    readonly podcast: Podcast,
    readonly key: string,
    readonly folded: string,
    strings: EntryStrings | SavedStrings,
    /** Date.parse(publishedAt), 0 without one. */
    public times: Float64Array,
    /** episodeNumber, NaN without one. */
    public numbers: Float64Array,
    /** Each episode's key as its two 32-bit lanes (2i, 2i + 1; see keyLanes): found and written without a string each. */
    public keyLanes: Int32Array,
  ) {
    this.count = times.length;
    if ('text' in strings) this.#saved = strings;
    else this.#strings = strings;
  }

  get ids(): string[] {
    return (this.#strings ?? this.strings()).ids;
  }

  get titles(): string[] {
    return (this.#strings ?? this.strings()).titles;
  }

  get foldedTitles(): string[] {
    return (this.#strings ?? this.strings()).foldedTitles;
  }

  get published(): (string | null | undefined)[] {
    return (this.#strings ?? this.strings()).published;
  }

  /** The saved bytes its strings are still to be read from (undefined once read, or when it was not restored). */
  get saved(): SavedStrings | undefined {
    return this.#saved;
  }

  /**
   * Its string columns: the first time for a restored podcast, read from its saved bytes, and its numeric columns
   * (views on the saved catalogue's, shared with every podcast restored with it) copied, so once every podcast restored
   * has been read nothing keeps the saved catalogue alive. Throws when the saved strings do not hold together.
   */
  strings(): EntryStrings {
    if (this.#strings !== undefined) return this.#strings;
    const saved = this.#saved!;
    const strings = JSON.parse(SAVED_TEXT.decode(saved.text)) as unknown[];
    if (!Array.isArray(strings) || (strings[0] as Podcast | undefined)?.id !== this.podcast.id) throw new Error('the saved catalogue does not hold together');
    let k = 1;
    const next = (): string => {
      const value = strings[k++];
      if (typeof value !== 'string') throw new Error('the saved catalogue does not hold together');
      return value;
    };
    const count = this.count;
    const column = (): string[] => {
      const out = new Array<string>(count);
      for (let i = 0; i < count; i++) out[i] = next();
      return out;
    };
    const ids = column();
    const titles = column();
    const foldedTitles = column();
    const published = new Array<string | null | undefined>(count);
    for (let i = 0; i < count; i++) {
      const kind = saved.kinds[i];
      published[i] = kind === NO_DATE ? undefined : kind === DATE_FROM_TIME ? null : next();
    }
    if (k !== strings.length) throw new Error('the saved catalogue does not hold together');
    this.times = this.times.slice();
    this.numbers = this.numbers.slice();
    this.keyLanes = this.keyLanes.slice();
    this.#saved = undefined;
    return (this.#strings = { ids, titles, foldedTitles, published });
  }
}

/** The scope that sees every podcast: the operator's console, and a guild from which nothing is hidden. */
export const EVERY_PODCAST: unique symbol = Symbol('every podcast');

/**
 * Which podcasts a read may see: the ids a guild sees (GuildFollows.scopeFor), or EVERY_PODCAST. Every read that can
 * answer a person takes one, and not as an option, so a forgotten scope does not compile. A set is never changed
 * once used: answers are kept per set object, so a different scope comes as a new set.
 */
export type Scope = ReadonlySet<string> | typeof EVERY_PODCAST;

const MAX_CHOICES = 25;
const MAX_CHOICE_LENGTH = 100;
/** Episode choice lists remembered, all scopes together (see #choiceCache). */
const CACHED_CHOICE_LISTS = 1_000;

export function foldForLookup(text: string): string {
  // Most titles are plain ASCII: the same result without Unicode normalisation and property classes (a catalogue of
  // a million episodes folds every title at start).
  if (PLAIN_ASCII.test(text)) return text.toLowerCase().replace(NOT_ALNUM_ASCII, ' ').trim();
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const PLAIN_ASCII = /^[\x20-\x7e]*$/;
const NOT_ALNUM_ASCII = /[^a-z0-9]+/g;

export function episodeKey(podcastId: string, episodeId: string): string {
  return shortKey(`${podcastId}\n${episodeId}`);
}

export class Catalog {
  readonly #podcasts = new Map<string, PodcastEntry>();
  /** serializeStream's planned now: each keeps the entries replaced or removed since it began, as they were. */
  readonly #streams = new Set<Map<string, PodcastEntry | undefined>>();

  /** What a podcast's entry is before it is replaced or removed, for each stream that has not looked it up yet. */
  #keepForStreams(podcastId: string): void {
    for (const kept of this.#streams) if (!kept.has(podcastId)) kept.set(podcastId, this.#podcasts.get(podcastId));
  }
  /** Episode key's first lane -> the podcast(s) holding an episode with it (checked against the whole key). */
  readonly #byKeyLane = new Map<number, PodcastEntry | PodcastEntry[]>();
  /**
   * Podcasts restored from a saved catalogue whose episodes are not in #byKeyLane yet (a key is looked for in their
   * lanes directly: ~1 ms for a million episodes): a million map entries were 0.2 s of a start's restore. Put there by
   * readSavedSteps.
   */
  readonly #unkeyed = new Set<PodcastEntry>();
  #episodeCount = 0;
  readonly #podcastsByKey = new Map<string, PodcastEntry>();
  #index: WordIndex | undefined;
  #generation = 0;
  /**
   * Episode choice lists already answered, by scope, podcast option and query, least recently used first: people type
   * the same first letters over and over, and a fresh list reads 25 episodes from all over the heap. One bound for all
   * scopes, so many guilds cannot make it grow. Emptied by any change.
   */
  readonly #choiceCache = new Map<string, readonly Choice[]>();
  /** A number for each scope set seen (0: no scope), to key the lists by. */
  readonly #scopeNumbers = new WeakMap<ReadonlySet<string>, number>();
  #scopesNumbered = 0;

  /** Adds or replaces a podcast and its episodes (only their summaries are kept). */
  upsert(podcast: Podcast, episodes: readonly EpisodeSummary[]): void {
    this.remove(podcast.id);
    const count = episodes.length;
    const unsorted = new Float64Array(count);
    episodes.forEach((e, i) => (unsorted[i] = e.publishedAt ? Date.parse(e.publishedAt) : 0));
    // Newest first; equal dates keep the order given (as a stable sort of the episodes did).
    const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => unsorted[b]! - unsorted[a]! || a - b);
    const strings: EntryStrings = {
      ids: new Array<string>(count),
      titles: new Array<string>(count),
      foldedTitles: new Array<string>(count),
      published: new Array<string | null | undefined>(count),
    };
    const times = new Float64Array(count);
    const numbers = new Float64Array(count);
    const lanes = new Int32Array(2 * count);
    order.forEach((from, i) => {
      const e = episodes[from]!;
      const time = unsorted[from]!;
      strings.ids[i] = e.id;
      strings.titles[i] = e.title;
      strings.foldedTitles[i] = foldForLookup(e.title);
      strings.published[i] = e.publishedAt === undefined ? undefined : Number.isFinite(time) && new Date(time).toISOString() === e.publishedAt ? null : e.publishedAt;
      times[i] = time;
      numbers[i] = e.episodeNumber ?? Number.NaN;
      const [a, b] = keyLanes(episodeKey(podcast.id, e.id));
      lanes[2 * i] = a;
      lanes[2 * i + 1] = b;
    });
    this.#put(new PodcastEntry(podcast, shortKey(podcast.id), foldForLookup(podcast.title), strings, times, numbers, lanes));
  }

  /**
   * An entry (its podcast removed before) into the lookups by id, podcast key and episode key lane; `unkeyed`: into
   * the episode key lanes later (#unkeyed).
   */
  #put(entry: PodcastEntry, unkeyed = false): void {
    this.#keepForStreams(entry.podcast.id);
    this.#podcasts.set(entry.podcast.id, entry);
    this.#podcastsByKey.set(entry.key, entry);
    if (unkeyed) this.#unkeyed.add(entry);
    else this.#key(entry);
    this.#episodeCount += entry.count;
    this.#changed();
  }

  #key(entry: PodcastEntry): void {
    const count = entry.count;
    for (let i = 0; i < count; i++) {
      const lane = entry.keyLanes[2 * i]!;
      const held = this.#byKeyLane.get(lane);
      if (held === undefined) this.#byKeyLane.set(lane, entry);
      else if (held !== entry && !(Array.isArray(held) && held.includes(entry))) this.#byKeyLane.set(lane, Array.isArray(held) ? [...held, entry] : [held, entry]);
    }
  }

  /**
   * The entries of these podcasts (those the catalogue holds; others are left out) as bytes: what a start restores
   * instead of reading every row from the store and folding, sorting and hashing every episode again (see
   * decodeSavedCatalogue, restore). Each podcast's strings are one JSON array in UTF-8 (any character may occur, NUL
   * too; JSON.parse makes each a string of its own, where slices of one decoded text would keep all of it alive and
   * cost more per string); the numeric columns are written raw, the episodes in the order the catalogue holds them
   * (newest first).
   */
  serialize(wanted: Iterable<string>): Uint8Array {
    const entries: PodcastEntry[] = [];
    for (const id of wanted) {
      const entry = this.#podcasts.get(id);
      if (entry !== undefined) entries.push(entry);
    }
    const episodes = entries.reduce((n, e) => n + e.ids.length, 0);
    const counts = new Uint32Array(entries.length);
    const textEnds = new Uint32Array(entries.length);
    const kinds = new Uint8Array(episodes);
    const times = new Float64Array(episodes);
    const numbers = new Float64Array(episodes);
    const lanes = new Int32Array(2 * episodes);
    const texts: Uint8Array[] = [];
    const encoder = new TextEncoder();
    let textBytes = 0;
    let at = 0;
    entries.forEach((entry, p) => {
      const count = entry.ids.length;
      const strings: unknown[] = [entry.podcast, ...entry.ids, ...entry.titles, ...entry.foldedTitles];
      for (let i = 0; i < count; i++) {
        const published = entry.published[i];
        kinds[at + i] = published === undefined ? NO_DATE : published === null ? DATE_FROM_TIME : DATE_AS_GIVEN;
        if (typeof published === 'string') strings.push(published);
      }
      const text = encoder.encode(JSON.stringify(strings));
      texts.push(text);
      textBytes += text.byteLength;
      counts[p] = count;
      textEnds[p] = textBytes;
      times.set(entry.times, at);
      numbers.set(entry.numbers, at);
      lanes.set(entry.keyLanes, 2 * at);
      at += count;
    });
    const podcastIds = encoder.encode(entries.map((e) => e.podcast.id).join(''));
    const sections: ArrayBufferView[] = [
      Uint32Array.of(SAVED_CATALOGUE_FORMAT, entries.length, episodes, textBytes, podcastIds.byteLength),
      counts,
      textEnds,
      Uint32Array.from(entries, (e) => e.podcast.id.length),
      times,
      numbers,
      lanes,
      kinds,
      podcastIds,
      ...texts,
    ];
    const align8 = (n: number): number => (n + 7) & ~7;
    // Typed sections start 8-aligned; the texts follow one another unpadded.
    let size = 0;
    sections.forEach((s, i) => (size = i < SAVED_TYPED_SECTIONS ? align8(size) + s.byteLength : size + s.byteLength));
    const out = new Uint8Array(size);
    let offset = 0;
    sections.forEach((s, i) => {
      if (i < SAVED_TYPED_SECTIONS) offset = align8(offset);
      out.set(new Uint8Array(s.buffer, s.byteOffset, s.byteLength), offset);
      offset += s.byteLength;
    });
    return out;
  }

  /**
   * What `serialize` writes, planned and then handed over a piece at a time (the catalogue of a topic index saved as it
   * is: Library.saveIndexStream), neither the texts nor the columns held whole (~100 MB at a million episodes): the
   * entries are taken now (an upsert meanwhile makes a new one, so the bytes are this moment's), each podcast's JSON
   * is measured when planned and made again when written. `plan` yields between slices and returns the length;
   * `chunks` (each valid until the next is asked for) throws if a text came out other than planned.
   */
  serializeStream(wanted: Iterable<string>): { plan(): Generator<void, number, void>; chunks(): Generator<Uint8Array, void, void> } {
    // The entries are looked up as the plan goes (a lookup per podcast in one turn took 4-20 ms at ten thousand
    // podcasts), each as it was now: an entry replaced or removed meanwhile is kept for this stream until then.
    const ids = [...wanted];
    const kept = new Map<string, PodcastEntry | undefined>();
    const streams = this.#streams;
    streams.add(kept);
    const entries: PodcastEntry[] = [];
    const encoder = new TextEncoder();
    // A podcast's JSON array a few thousand strings at a time (JSON.stringify's bytes, cut between elements): one of
    // tens of thousands of episodes in one JSON.stringify held the thread for tens of milliseconds.
    const textOf = function* (entry: PodcastEntry): Generator<Uint8Array, void, void> {
      const strings: unknown[] = [entry.podcast, ...entry.ids, ...entry.titles, ...entry.foldedTitles];
      for (let i = 0; i < entry.ids.length; i++) {
        const published = entry.published[i];
        if (typeof published === 'string') strings.push(published);
      }
      for (let from = 0; from < strings.length; from += STREAM_STRINGS) {
        const json = JSON.stringify(strings.slice(from, from + STREAM_STRINGS));
        const to = from + STREAM_STRINGS >= strings.length ? json.length : json.length - 1;
        yield encoder.encode(from === 0 ? json.slice(0, to) : `,${json.slice(1, to)}`);
      }
    };
    /** Bytes made since the last pause (ENTRY_WORK more for each podcast or piece). */
    let work = 0;
    let counts = new Uint32Array(0);
    let episodes = 0;
    let textEnds = new Uint32Array(0);
    const podcasts = this.#podcasts;
    let podcastIds = new Uint8Array(0);
    const align8 = (n: number): number => (n + 7) & ~7;
    return {
      *plan() {
        try {
          for (let i = 0; i < ids.length; i++) {
            const id = ids[i]!;
            const entry = kept.has(id) ? kept.get(id) : podcasts.get(id);
            if (entry !== undefined) entries.push(entry);
            if ((work += ENTRY_WORK) >= SLICE_BYTES) {
              work = 0;
              yield;
            }
          }
        } finally {
          streams.delete(kept);
        }
        counts = new Uint32Array(entries.length);
        for (let p = 0; p < entries.length; p++) episodes += counts[p] = entries[p]!.ids.length;
        textEnds = new Uint32Array(entries.length);
        let textBytes = 0;
        for (let p = 0; p < entries.length; p++) {
          for (const piece of textOf(entries[p]!)) {
            textBytes += piece.byteLength;
            if ((work += piece.byteLength + ENTRY_WORK) >= SLICE_BYTES) {
              work = 0;
              yield;
            }
          }
          textEnds[p] = textBytes;
        }
        podcastIds = encoder.encode(entries.map((e) => e.podcast.id).join(''));
        let size = 0;
        for (const bytes of [20, 4 * entries.length, 4 * entries.length, 4 * entries.length, 8 * episodes, 8 * episodes, 8 * episodes, episodes]) size = align8(size) + bytes;
        return size + podcastIds.byteLength + textBytes;
      },
      *chunks() {
        const out = new ChunkWriter(1 << 20);
        const textBytes = entries.length === 0 ? 0 : (textEnds[entries.length - 1] as number);
        const head = Uint32Array.of(SAVED_CATALOGUE_FORMAT, entries.length, episodes, textBytes, podcastIds.byteLength);
        const typed = function* (bytesOf: (entry: PodcastEntry) => Uint8Array): Generator<Uint8Array, void, void> {
          out.align();
          for (const entry of entries) {
            out.bytes(bytesOf(entry));
            if ((work += 8 * entry.ids.length + ENTRY_WORK) >= SLICE_BYTES) {
              work = 0;
              yield* out.pause();
            }
          }
        };
        const raw = (a: Float64Array | Int32Array, count: number): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, count * a.BYTES_PER_ELEMENT);
        out.bytes(new Uint8Array(head.buffer));
        // Plain loops, not TypedArray.from with a function (~1 µs an element, tens of ms for the podcasts of a million episodes).
        const idLengths = new Uint32Array(entries.length);
        for (let p = 0; p < entries.length; p++) idLengths[p] = entries[p]!.podcast.id.length;
        for (const column of [counts, textEnds, idLengths]) {
          out.align();
          out.bytes(new Uint8Array(column.buffer));
          yield* out.full();
        }
        yield* typed((e) => raw(e.times, e.ids.length));
        yield* typed((e) => raw(e.numbers, e.ids.length));
        yield* typed((e) => raw(e.keyLanes, 2 * e.ids.length));
        yield* typed((e) => {
          const kinds = new Uint8Array(e.ids.length);
          for (let i = 0; i < kinds.length; i++) kinds[i] = e.published[i] === undefined ? NO_DATE : e.published[i] === null ? DATE_FROM_TIME : DATE_AS_GIVEN;
          return kinds;
        });
        out.bytes(podcastIds);
        let textAt = 0;
        for (let p = 0; p < entries.length; p++) {
          for (const piece of textOf(entries[p]!)) {
            textAt += piece.byteLength;
            out.bytes(piece);
            if ((work += piece.byteLength + ENTRY_WORK) >= SLICE_BYTES) {
              work = 0;
              yield* out.pause();
            }
          }
          if (textAt !== textEnds[p]) throw new Error('a podcast of the catalogue came out other than planned');
        }
        yield* out.end();
      },
    };
  }

  /**
   * Podcast `p` of a saved catalogue (decodeSavedCatalogue) into this one, replacing what it held of it: its entry as
   * saved, nothing folded, sorted or hashed again. One podcast at a time, so a caller can let the event loop turn
   * between podcasts.
   */
  restore(saved: SavedCatalogue, p: number): Podcast {
    const entry = saved.entry(p);
    this.remove(entry.podcast.id);
    this.#put(entry, true);
    return entry.podcast;
  }

  /**
   * What `restore` left for later done now, a podcast a step (a caller lets the event loop turn between steps): each
   * restored podcast's episode keys put into the lookup by key, and its strings read from its saved bytes (as the first
   * read of one does), so the first autocomplete, which reads every title, or a save does not read them all in one go.
   * Podcasts replaced meanwhile are left alone. One whose saved strings do not hold together is taken out and its id
   * yielded (to be read from the store); otherwise each step yields undefined.
   */
  *readSavedSteps(): Generator<string | undefined, void, void> {
    for (const entry of [...this.#podcasts.values()]) {
      if (this.#podcasts.get(entry.podcast.id) !== entry || (entry.saved === undefined && !this.#unkeyed.has(entry))) continue;
      try {
        entry.strings();
      } catch {
        this.remove(entry.podcast.id);
        yield entry.podcast.id;
        continue;
      }
      if (this.#unkeyed.delete(entry)) this.#key(entry);
      yield undefined;
    }
  }

  remove(podcastId: string): void {
    const old = this.#podcasts.get(podcastId);
    if (!old) return;
    this.#keepForStreams(podcastId);
    // Not in the lookup by key yet: nothing to take out of it.
    const keyed = !this.#unkeyed.delete(old);
    for (let i = 0; i < (keyed ? old.count : 0); i++) {
      const lane = old.keyLanes[2 * i]!;
      const held = this.#byKeyLane.get(lane);
      if (held === old) this.#byKeyLane.delete(lane);
      else if (Array.isArray(held)) {
        const rest = held.filter((e) => e !== old);
        this.#byKeyLane.set(lane, rest.length === 1 ? rest[0]! : rest);
      }
    }
    this.#episodeCount -= old.count;
    this.#changed();
    this.#podcastsByKey.delete(old.key);
    this.#podcasts.delete(podcastId);
  }

  /** The episode with this key: its podcast and place in it. */
  #lookupKey(key: string): [PodcastEntry, number] | undefined {
    if (!SHORT_KEY.test(key)) return undefined;
    const [a, b] = keyLanes(key);
    const held = this.#byKeyLane.get(a);
    for (const entry of held === undefined ? this.#unkeyed : Array.isArray(held) ? [...held, ...this.#unkeyed] : [held, ...this.#unkeyed]) {
      for (let i = entry.count - 1; i >= 0; i--) if (entry.keyLanes[2 * i] === a && entry.keyLanes[2 * i + 1] === b) return [entry, i];
    }
    return undefined;
  }

  #changed(): void {
    this.#index = undefined;
    this.#choiceCache.clear();
    this.#generation++;
  }

  /** Changes with every upsert and remove: what a caller worked out from the catalog holds while this stays the same. */
  get generation(): number {
    return this.#generation;
  }

  get size(): { podcasts: number; episodes: number } {
    return { podcasts: this.#podcasts.size, episodes: this.#episodeCount };
  }

  /**
   * An estimate of the bytes the catalogue holds (the bench prints it): its typed arrays exactly, strings and map
   * entries by V8's usual sizes (a one-byte string ~24 bytes plus its characters, a pointer 8), podcasts' own fields
   * left out.
   */
  memoryBytes(): number {
    const string = (s: string | null | undefined): number => (typeof s === 'string' ? 24 + s.length : 0);
    let bytes = this.#byKeyLane.size * 40;
    for (const entry of this.#podcasts.values()) {
      bytes += 200 + string(entry.key) + string(entry.folded) + entry.times.byteLength + entry.numbers.byteLength + entry.keyLanes.byteLength;
      // Strings not read yet: their saved bytes (read as they are, to measure, not made into strings).
      const saved = entry.saved;
      if (saved !== undefined) {
        bytes += 2 * 64 + saved.text.byteLength + saved.kinds.byteLength;
        continue;
      }
      for (let i = 0; i < entry.count; i++) {
        bytes += 32 + string(entry.ids[i]) + string(entry.titles[i]) + string(entry.foldedTitles[i]) + string(entry.published[i]);
      }
    }
    const index = this.#index;
    if (index !== undefined) {
      bytes += index.offsets.byteLength + index.positions.byteLength + index.order.podcast.byteLength + index.order.episode.byteLength + index.stamp.byteLength;
      for (const word of index.vocabulary) bytes += 8 + string(word);
      for (const list of index.numbers.values()) bytes += 40 + 16 + 8 * list.length;
    }
    return bytes;
  }

  podcasts(scope: Scope): Podcast[] {
    return this.#entries(scope).map((e) => e.podcast);
  }

  podcastKey(podcastId: string): string {
    return shortKey(podcastId);
  }

  /**
   * By id, unscoped: only for ids the bot holds itself (its store, follows, search hits already scoped). Anything a
   * person sent (a key, a number, words) is looked up with a scope: byKey, resolvePodcast, resolveEpisode.
   */
  podcast(podcastId: string): Podcast | undefined {
    return this.#podcasts.get(podcastId)?.podcast;
  }

  /** By id, unscoped, as `podcast`. */
  episodes(podcastId: string): EpisodeRef[] {
    const entry = this.#podcasts.get(podcastId);
    return entry === undefined ? [] : entry.ids.map((_, i) => refAt(entry, i));
  }

  /** An episode by its short key (from a button or an autocomplete value), if its podcast is in scope. */
  byKey(key: string, scope: Scope): EpisodeRef | undefined {
    const found = this.#lookupKey(key);
    return found && inScope(scope, found[0].podcast.id) ? refAt(...found) : undefined;
  }

  /** By id, unscoped, as `podcast`. */
  find(podcastId: string, episodeId: string): EpisodeRef | undefined {
    const entry = this.#podcasts.get(podcastId);
    if (entry === undefined) return undefined;
    const [a] = keyLanes(episodeKey(podcastId, episodeId));
    for (let i = entry.count - 1; i >= 0; i--) if (entry.keyLanes[2 * i] === a && entry.ids[i] === episodeId) return refAt(entry, i);
    return undefined;
  }

  /** How many episodes a podcast has (0 for one not held), its ids not read. */
  episodeCount(podcastId: string): number {
    return this.#podcasts.get(podcastId)?.count ?? 0;
  }

  /** A podcast's episode ids, newest first (as `episodes` lists them), without making a ref for each. */
  episodeIds(podcastId: string): string[] {
    return this.#podcasts.get(podcastId)?.ids.slice() ?? [];
  }

  /** Newest episodes first, across the podcasts in scope (or of one of them; none when it is not in scope). */
  latest(limit: number, podcastId: string | undefined, scope: Scope): EpisodeRef[] {
    return this.#latest(limit, podcastId, scope).map(([entry, i]) => refAt(entry, i));
  }

  #latest(limit: number, podcastId: string | undefined, scope: Scope): [PodcastEntry, number][] {
    if (podcastId !== undefined && !inScope(scope, podcastId)) return [];
    const entries = podcastId ? [this.#podcasts.get(podcastId)].filter((e) => e !== undefined) : this.#entries(scope);
    const out: [PodcastEntry, number][] = [];
    for (const entry of entries) for (let i = 0; i < Math.min(limit, entry.count); i++) out.push([entry, i]);
    return out.sort(([a, i], [b, j]) => b.times[j]! - a.times[i]!).slice(0, limit);
  }

  /** A podcast from an autocomplete value (its key) or typed text (title words). */
  resolvePodcast(query: string, scope: Scope): Result<Podcast, LookupProblem> {
    const byKey = this.#podcastsByKey.get(query);
    if (byKey && inScope(scope, byKey.podcast.id)) return ok(byKey.podcast);
    const best = this.#rankPodcasts(query, scope)[0];
    if (best) return ok(best.podcast);
    return err({ code: 'noPodcast', query });
  }

  /** The id of the podcast a command's optional `podcast` option names; undefined when the option was left out. */
  resolvePodcastOption(query: string | undefined, scope: Scope): Result<string | undefined, LookupProblem> {
    if (query === undefined) return ok(undefined);
    const podcast = this.resolvePodcast(query, scope);
    return podcast.ok ? ok(podcast.value.id) : podcast;
  }

  /**
   * An episode from an autocomplete value (its key), a number ("42", "#42", "e42") or title words;
   * no query means the newest episode.
   */
  resolveEpisode(query: string | undefined, podcastQuery: string | undefined, scope: Scope): Result<EpisodeRef, LookupProblem> {
    const podcast = this.resolvePodcastOption(podcastQuery, scope);
    if (!podcast.ok) return podcast;
    const podcastId = podcast.value;
    if (query === undefined || query.trim() === '') {
      const newest = this.latest(1, podcastId, scope)[0];
      return newest ? ok(newest) : err({ code: 'noEpisodesYet' });
    }
    const byKey = this.#lookupKey(query);
    if (byKey && (podcastId === undefined || byKey[0].podcast.id === podcastId) && inScope(scope, byKey[0].podcast.id)) {
      return ok(refAt(...byKey));
    }
    const best = this.#rankEpisodes(query, podcastId, scope, 1)[0];
    if (best) return ok(best);
    return err({ code: 'noEpisode', query });
  }

  /** Up to 25 autocomplete choices: episode number, then title words, then recency. */
  autocompleteEpisodes(query: string, podcastQuery: string | undefined, scope: Scope): readonly Choice[] {
    const cache = this.#choiceCache;
    const key = `${this.#scopeNumber(scope)}\n${podcastQuery ?? ''}\n${query}`;
    const cached = cache.get(key);
    // Taken out and put back: a Map iterates in insertion order, so its first key is the least recently used.
    if (cached) cache.delete(key);
    const choices = cached ?? Object.freeze(this.#episodeChoices(query, podcastQuery, scope));
    cache.set(key, choices);
    if (cache.size > CACHED_CHOICE_LISTS) cache.delete(cache.keys().next().value!);
    return choices;
  }

  #scopeNumber(scope: Scope): number {
    if (scope === EVERY_PODCAST) return 0;
    let n = this.#scopeNumbers.get(scope);
    if (n === undefined) this.#scopeNumbers.set(scope, (n = ++this.#scopesNumbered));
    return n;
  }

  #episodeChoices(query: string, podcastQuery: string | undefined, scope: Scope): Choice[] {
    let podcastId: string | undefined;
    if (podcastQuery) {
      const podcast = this.resolvePodcast(podcastQuery, scope);
      if (podcast.ok) podcastId = podcast.value.id;
    }
    const multiple = podcastId === undefined && this.#countInScope(scope) > 1;
    return this.#rankEpisodes(query, podcastId, scope, MAX_CHOICES).map((e) => ({
      name: choiceName(e, multiple),
      value: e.key,
    }));
  }

  /** One episode as an autocomplete choice, named as autocompleteEpisodes names it (`podcastId`: the podcast asked for). */
  episodeChoice(ref: EpisodeRef, scope: Scope, podcastId: string | undefined): Choice {
    const multiple = podcastId === undefined && this.#countInScope(scope) > 1;
    return { name: choiceName(ref, multiple), value: ref.key };
  }

  autocompletePodcasts(query: string, scope: Scope): Choice[] {
    return this.#rankPodcasts(query, scope)
      .slice(0, MAX_CHOICES)
      .map((e) => ({ name: clip(e.podcast.title, MAX_CHOICE_LENGTH), value: e.key }));
  }

  #entries(scope: Scope): PodcastEntry[] {
    const out: PodcastEntry[] = [];
    for (const entry of this.#podcasts.values()) if (inScope(scope, entry.podcast.id)) out.push(entry);
    return out;
  }

  #countInScope(scope: Scope): number {
    if (scope === EVERY_PODCAST) return this.#podcasts.size;
    let n = 0;
    for (const id of this.#podcasts.keys()) if (scope.has(id)) n++;
    return n;
  }

  #rankPodcasts(query: string, scope: Scope): PodcastEntry[] {
    const q = foldForLookup(query);
    const entries = this.#entries(scope);
    if (q === '') return entries.sort((a, b) => a.podcast.title.localeCompare(b.podcast.title));
    const scored: [PodcastEntry, number][] = [];
    for (const e of entries) {
      const score = e.folded === q ? 3 : e.folded.startsWith(q) ? 2 : e.folded.includes(q) ? 1 : 0;
      if (score > 0) scored.push([e, score]);
    }
    return scored.sort((a, b) => b[1] - a[1]).map(([e]) => e);
  }

  /** Title words -> episodes, newest first; rebuilt lazily after a change (changes come with polls, lookups with every keystroke). */
  #wordIndex(): WordIndex {
    if (this.#index) return this.#index;
    const entries = [...this.#podcasts.values()];
    const total = this.#episodeCount;
    const podcastOf = new Uint32Array(total);
    const episodeOf = new Uint32Array(total);
    let at = 0;
    entries.forEach((entry, p) => {
      for (let i = 0; i < entry.count; i++, at++) {
        podcastOf[at] = p;
        episodeOf[at] = i;
      }
    });
    const time = (k: number): number => entries[podcastOf[k]!]!.times[episodeOf[k]!]!;
    // Newest first; equal dates in the order the podcasts and their episodes are held (a stable sort).
    const sorted = Array.from({ length: total }, (_, k) => k).sort((a, b) => time(b) - time(a) || a - b);
    const order = { podcast: new Uint32Array(total), episode: new Uint32Array(total) };
    sorted.forEach((k, position) => {
      order.podcast[position] = podcastOf[k]!;
      order.episode[position] = episodeOf[k]!;
    });
    const lists = new Map<string, number[]>();
    const numbers = new Map<number, number[]>();
    for (let position = 0; position < total; position++) {
      const entry = entries[order.podcast[position]!]!;
      const i = order.episode[position]!;
      const folded = entry.foldedTitles[i]!;
      for (const word of new Set(folded === '' ? [] : folded.split(' '))) {
        const list = lists.get(word);
        if (list) list.push(position);
        else lists.set(word, [position]);
      }
      const n = entry.numbers[i]!;
      if (!Number.isNaN(n)) {
        const list = numbers.get(n);
        if (list) list.push(position);
        else numbers.set(n, [position]);
      }
    }
    const vocabulary = [...lists.keys()].sort();
    // Postings in one array (each word's positions ascending from offsets[w]): the offsets are running totals, so the
    // size of a prefix's postings is one subtraction.
    const offsets = new Int32Array(vocabulary.length + 1);
    vocabulary.forEach((w, i) => (offsets[i + 1] = offsets[i]! + lists.get(w)!.length));
    const positions = new Uint32Array(offsets[vocabulary.length]!);
    vocabulary.forEach((w, i) => positions.set(lists.get(w)!, offsets[i]!));
    this.#index = { entries, order, vocabulary, offsets, positions, numbers, stamp: new Int32Array(total), generation: 0 };
    return this.#index;
  }

  #rankEpisodes(query: string, podcastId: string | undefined, scope: Scope, limit: number): EpisodeRef[] {
    if (podcastId !== undefined && !inScope(scope, podcastId)) return [];
    const q = foldForLookup(query);
    if (q === '') return this.latest(limit, podcastId, scope);
    const terms = [...new Set(q.split(' '))];
    const number = /^(?:#|e|ep|episode|avsnitt)?\s*(\d{1,5})$/.exec(q.replace(/\s+/g, ''))?.[1];
    const index = this.#wordIndex();
    const accept = (id: string): boolean => (podcastId === undefined ? inScope(scope, id) : id === podcastId);
    const top = new TopEpisodes(limit);
    const stamp = ++index.generation;
    const postings = (w: number): Uint32Array => index.positions.subarray(index.offsets[w], index.offsets[w + 1]);
    // `known`: the score a posting already proves (one term, found whole or as a prefix), so the episode's title, which
    // sits elsewhere in the heap, need not be read.
    const consider = (position: number, bonus: number, known: number): void => {
      if (index.stamp[position] === stamp) return;
      index.stamp[position] = stamp;
      const entry = index.entries[index.order.podcast[position]!]!;
      if (!accept(entry.podcast.id)) return;
      const score = bonus + (known > 0 ? known : matchWords(terms, entry.foldedTitles[index.order.episode[position]!]!));
      if (score > 0) top.offer(score, position);
    };
    const single = terms.length === 1;

    if (number !== undefined) for (const position of index.numbers.get(Number(number)) ?? []) consider(position, 100, 0);

    // Candidates come from the term with the fewest postings (whole or prefix); the others are checked per episode.
    const ranges = terms.map((term) => sortedPrefixRange(index.vocabulary, term));
    const sizes = ranges.map(([from, to]) => index.offsets[to]! - index.offsets[from]!);
    const rarest = sizes.indexOf(Math.min(...sizes));
    // They are visited newest first, so the walk stops once the list is full of scores nothing later can beat. A
    // whole-word match (4 a term) can sit far behind thousands of prefix matches (3), so while they are fewer than the
    // candidates, the episodes that hold a term whole go first; after them no unseen one scores more than 3 a term.
    const whole: number[] = [];
    let wholePostings = 0;
    for (const term of terms) {
      const w = lowerBound(index.vocabulary, term);
      if (index.vocabulary[w] !== term) continue;
      whole.push(w);
      wholePostings += index.offsets[w + 1]! - index.offsets[w]!;
    }
    let best = 3 * terms.length + whole.length;
    if (whole.length > 0 && wholePostings <= sizes[rarest]!) {
      const merge = new AscendingMerge(whole.map(postings), whole.map((_, i) => i));
      for (let position = merge.next(); position >= 0 && !top.fullAt(best); position = merge.next()) consider(position, 0, single ? 4 : 0);
      best = 3 * terms.length;
    }
    // When every term is common, walking all episodes is cheaper than merging their postings.
    const [from, to] = ranges[rarest]!;
    if (sizes[rarest]! <= SCAN_AFTER_POSTINGS) {
      const merge = new AscendingMerge(Array.from({ length: to - from }, (_, i) => postings(from + i)), Array.from({ length: to - from }, (_, i) => i));
      // One term: the episodes holding it whole were all seen above (or the list filled up there), so the rest score 3.
      for (let position = merge.next(); position >= 0 && !top.fullAt(best); position = merge.next()) consider(position, 0, single ? 3 : 0);
    } else {
      for (let i = 0; i < index.stamp.length && !top.fullAt(best); i++) consider(i, 0, 0);
    }
    return top.positions().map((position) => refAt(index.entries[index.order.podcast[position]!]!, index.order.episode[position]!));
  }
}

/**
 * Bump when what Catalog.serialize writes changes (a saved catalogue of another format is read from the store instead).
 * 2: each podcast's strings as a JSON array (1, never released: one run sliced by lengths).
 */
const SAVED_CATALOGUE_FORMAT = 2;
/** serializeStream: a podcast's strings are made into JSON this many at a time. */
const STREAM_STRINGS = 2048;
/** serializeStream pauses after about this many bytes made (JSON made and encoded, columns copied): a millisecond or so. */
const SLICE_BYTES = 1 << 17;
/** What taking up a podcast (or a piece of one) costs, in bytes made. */
const ENTRY_WORK = 512;
/** Sections before the texts (8-aligned): the head, counts, text ends, podcast id lengths, times, numbers, lanes, kinds. */
const SAVED_TYPED_SECTIONS = 8;
/** How an episode's publishedAt is kept (see PodcastEntry.published). */
const NO_DATE = 0;
const DATE_FROM_TIME = 1;
const DATE_AS_GIVEN = 2;

/** A catalogue Catalog.serialize wrote, decoded up to its podcasts: each is made into an entry when restored. */
export interface SavedCatalogue {
  /** The podcasts' ids, in the order saved (restore takes their position). */
  readonly podcastIds: readonly string[];
  readonly episodes: number;
  /** @internal Catalog.restore's: podcast p's entry. Throws when the bytes do not hold together. */
  entry(p: number): PodcastEntry;
}

/**
 * Reads what Catalog.serialize wrote, up to each podcast's id (its entry is made when restored). Throws on bytes of
 * another format or that do not hold together. The columns and the texts are copied out once, so no entry keeps the
 * saved bytes alive; a restored entry's are views on those copies until its strings are first read (PodcastEntry).
 */
export function decodeSavedCatalogue(bytes: Uint8Array): SavedCatalogue {
  const copy = (from: number, byteLength: number): ArrayBuffer => {
    if (from + byteLength > bytes.byteLength) throw new Error('the saved catalogue is cut short');
    return bytes.slice(from, from + byteLength).buffer;
  };
  const align8 = (n: number): number => (n + 7) & ~7;
  const head = new Uint32Array(copy(0, 20));
  const [format, podcasts, episodes, textBytes, idBytes] = [...head] as [number, number, number, number, number];
  if (format !== SAVED_CATALOGUE_FORMAT) throw new Error(`saved catalogue of format ${format}, expected ${SAVED_CATALOGUE_FORMAT}`);
  let at = 20;
  const take = <T>(Ctor: { new (buffer: ArrayBuffer): T; BYTES_PER_ELEMENT: number }, length: number): T => {
    at = align8(at);
    const out = new Ctor(copy(at, length * Ctor.BYTES_PER_ELEMENT));
    at += length * Ctor.BYTES_PER_ELEMENT;
    return out;
  };
  const counts = take(Uint32Array, podcasts);
  const textEnds = take(Uint32Array, podcasts);
  const idLengths = take(Uint32Array, podcasts);
  const times = take(Float64Array, episodes);
  const numbers = take(Float64Array, episodes);
  const lanes = take(Int32Array, 2 * episodes);
  at = align8(at);
  if (at + episodes + idBytes + textBytes !== bytes.byteLength) throw new Error('the saved catalogue is cut short or too long');
  // Copied out (restored podcasts read their strings and dates' kinds from views on the copies until first read).
  const kinds = bytes.slice(at, at + episodes);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const idText = decoder.decode(bytes.subarray(at + episodes, at + episodes + idBytes));
  const savedTexts = bytes.subarray(at + episodes + idBytes);
  // Each podcast's copied in here as it is restored (100 MB at a million episodes: copied at once, one 50 ms hold).
  const texts = new Uint8Array(savedTexts.byteLength);
  // Where each podcast's episodes start (running totals of the counts), and its ids.
  const firsts = new Uint32Array(podcasts + 1);
  const podcastIds = new Array<string>(podcasts);
  let offset = 0;
  for (let p = 0; p < podcasts; p++) {
    firsts[p + 1] = firsts[p]! + counts[p]!;
    podcastIds[p] = idText.slice(offset, (offset += idLengths[p]!));
  }
  if (firsts[podcasts] !== episodes || offset !== idText.length || (podcasts > 0 && textEnds[podcasts - 1] !== textBytes)) {
    throw new Error('the saved catalogue does not hold together');
  }
  return {
    podcastIds,
    episodes,
    entry(p: number): PodcastEntry {
      if (p < 0 || p >= podcasts) throw new Error(`the saved catalogue holds no podcast ${p}`);
      const textFrom = p === 0 ? 0 : textEnds[p - 1]!;
      texts.set(savedTexts.subarray(textFrom, textEnds[p]), textFrom);
      const text = texts.subarray(textFrom, textEnds[p]);
      // Only the podcast (its JSON array's first element) is read now; the episodes' strings when first asked for
      // (PodcastEntry.strings), from the texts copied out above, so the saved body is not kept alive.
      const podcastEnd = text[0] === 0x5b && text[text.byteLength - 1] === 0x5d ? jsonObjectEnd(text, 1) : -1;
      if (podcastEnd < 0 || (text[podcastEnd] !== 0x2c && podcastEnd !== text.byteLength - 1)) throw new Error('the saved catalogue does not hold together');
      const podcast = JSON.parse(decoder.decode(text.subarray(1, podcastEnd))) as Podcast;
      if (podcast?.id !== podcastIds[p]) throw new Error('the saved catalogue does not hold together');
      const from = firsts[p]!;
      const count = counts[p]!;
      return new PodcastEntry(
        podcast,
        shortKey(podcast.id),
        foldForLookup(podcast.title),
        { text, kinds: kinds.subarray(from, from + count) },
        times.subarray(from, from + count),
        numbers.subarray(from, from + count),
        lanes.subarray(2 * from, 2 * (from + count)),
      );
    },
  };
}

/** Decodes a saved podcast's strings (PodcastEntry): refuses bytes that are not UTF-8. */
const SAVED_TEXT = new TextDecoder('utf-8', { fatal: true });

/**
 * Just past the JSON object that starts at `at` (its closing brace), -1 when none does or it is cut short: strings
 * skipped (a quote or bracket inside one is text; UTF-8's multi-byte characters hold no ASCII bytes).
 */
function jsonObjectEnd(bytes: Uint8Array, at: number): number {
  if (bytes[at] !== 0x7b) return -1;
  let depth = 0;
  for (let i = at; i < bytes.byteLength; i++) {
    const c = bytes[i];
    if (c === 0x22) {
      for (i++; i < bytes.byteLength && bytes[i] !== 0x22; i++) if (bytes[i] === 0x5c) i++;
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if ((c === 0x7d || c === 0x5d) && --depth === 0) return i + 1;
  }
  return -1;
}

/** Above this many candidate postings walking every episode newest first is cheaper than merging them. */
const SCAN_AFTER_POSTINGS = 3000;

interface WordIndex {
  /** The podcasts as held when it was built; `order` refers to them by number. */
  entries: PodcastEntry[];
  /** Every episode, newest first (its podcast's number and its place in it); postings hold positions in it, so ascending positions mean newest first. */
  order: { podcast: Uint32Array; episode: Uint32Array };
  vocabulary: string[];
  /** Word w's positions are positions[offsets[w]] up to positions[offsets[w + 1]]. */
  offsets: Int32Array;
  positions: Uint32Array;
  numbers: Map<number, number[]>;
  /** Visited marks for one query (a generation counter instead of clearing). */
  stamp: Int32Array;
  generation: number;
}

/** The best `limit` positions by score, ties to the newer one; insertion into a short sorted array. */
class TopEpisodes {
  readonly #items: { score: number; position: number }[] = [];
  constructor(readonly limit: number) {}

  offer(score: number, position: number): void {
    const items = this.#items;
    if (items.length === this.limit && !ranksBelow(items[items.length - 1]!, score, position)) return;
    let at = items.length;
    while (at > 0 && ranksBelow(items[at - 1]!, score, position)) at--;
    items.splice(at, 0, { score, position });
    if (items.length > this.limit) items.pop();
  }

  /** Full, and even the last entry has the best score possible: nothing later (older) can get in. */
  fullAt(best: number): boolean {
    return this.#items.length === this.limit && this.#items[this.#items.length - 1]!.score >= best;
  }

  positions(): number[] {
    return this.#items.map((i) => i.position);
  }
}

/** Whether `a` ranks below an episode with this score at this position (ties go to the newer, lower position). */
function ranksBelow(a: { score: number; position: number }, score: number, position: number): boolean {
  return a.score < score || (a.score === score && a.position > position);
}

/**
 * Every query term must match a title word, whole (4) or as its start (3); returns 0 when one does not. `folded` is
 * the title folded for lookup (words joined by single spaces), read in place rather than split.
 */
function matchWords(terms: readonly string[], folded: string): number {
  let total = 0;
  for (const term of terms) {
    let best = 0;
    for (let at = folded.indexOf(term); at >= 0; at = folded.indexOf(term, at + 1)) {
      if (at > 0 && folded.charCodeAt(at - 1) !== SPACE) continue;
      const end = at + term.length;
      best = end === folded.length || folded.charCodeAt(end) === SPACE ? 4 : 3;
      if (best === 4) break;
    }
    if (best === 0) return 0;
    total += best;
  }
  return total;
}

const SPACE = 0x20;

/** A short key's two 32-bit lanes (shortKey.ts: two 7-character base-36 numbers), as signed integers V8 keeps unboxed. */
function keyLanes(key: string): [number, number] {
  return [Number.parseInt(key.slice(0, 7), 36) | 0, Number.parseInt(key.slice(7), 36) | 0];
}

/** The short key written back from its lanes, as shortKey writes it (no hashing again). */
function keyOf(entry: PodcastEntry, i: number): string {
  return (entry.keyLanes[2 * i]! >>> 0).toString(36).padStart(7, '0') + (entry.keyLanes[2 * i + 1]! >>> 0).toString(36).padStart(7, '0');
}

const SHORT_KEY = /^[0-9a-z]{14}$/;

/** An episode of a podcast entry as callers see it, made when asked for. */
function refAt(entry: PodcastEntry, i: number): EpisodeRef {
  const episode: EpisodeSummary = { id: entry.ids[i]!, title: entry.titles[i]! };
  const number = entry.numbers[i]!;
  if (!Number.isNaN(number)) episode.episodeNumber = number;
  const published = entry.published[i];
  if (published !== undefined) episode.publishedAt = published ?? new Date(entry.times[i]!).toISOString();
  return { podcast: entry.podcast, episode, key: keyOf(entry, i) };
}

export function inScope(scope: Scope, podcastId: string): boolean {
  return scope === EVERY_PODCAST || scope.has(podcastId);
}

function choiceName(e: Pick<EpisodeRef, 'podcast' | 'episode'>, withPodcast: boolean): string {
  const number = e.episode.episodeNumber !== undefined ? `#${e.episode.episodeNumber} ` : '';
  const date = e.episode.publishedAt ? ` (${e.episode.publishedAt.slice(0, 10)})` : '';
  const podcast = withPodcast ? ` · ${clip(e.podcast.title, 40)}` : '';
  const tail = `${date}${podcast}`;
  return clip(`${number}${e.episode.title}`, MAX_CHOICE_LENGTH - tail.length) + tail;
}

