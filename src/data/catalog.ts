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

interface PodcastEntry {
  podcast: Podcast;
  key: string;
  folded: string;
  /** Newest first. */
  episodes: IndexedEpisode[];
}

interface IndexedEpisode extends EpisodeRef {
  words: string[];
  time: number;
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
  readonly #byKey = new Map<string, IndexedEpisode>();
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
    const indexed = episodes
      .map((full): IndexedEpisode => {
        const episode = summarize(full);
        const folded = foldForLookup(episode.title);
        return {
          podcast,
          episode,
          key: episodeKey(podcast.id, episode.id),
          words: folded.split(' ').filter(Boolean),
          time: episode.publishedAt ? Date.parse(episode.publishedAt) : 0,
        };
      })
      .sort((a, b) => b.time - a.time);
    const entry: PodcastEntry = { podcast, key: shortKey(podcast.id), folded: foldForLookup(podcast.title), episodes: indexed };
    this.#podcasts.set(podcast.id, entry);
    this.#podcastsByKey.set(entry.key, entry);
    for (const e of indexed) this.#byKey.set(e.key, e);
    this.#changed();
  }

  remove(podcastId: string): void {
    const old = this.#podcasts.get(podcastId);
    if (!old) return;
    for (const e of old.episodes) this.#byKey.delete(e.key);
    this.#changed();
    this.#podcastsByKey.delete(old.key);
    this.#podcasts.delete(podcastId);
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
    return { podcasts: this.#podcasts.size, episodes: this.#byKey.size };
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
    return this.#podcasts.get(podcastId)?.episodes ?? [];
  }

  /** An episode by its short key (from a button or an autocomplete value), if its podcast is in scope. */
  byKey(key: string, scope: Scope): EpisodeRef | undefined {
    const ref = this.#byKey.get(key);
    return ref && inScope(scope, ref.podcast.id) ? ref : undefined;
  }

  /** By id, unscoped, as `podcast`. */
  find(podcastId: string, episodeId: string): EpisodeRef | undefined {
    return this.#byKey.get(episodeKey(podcastId, episodeId));
  }

  /** Newest episodes first, across the podcasts in scope (or of one of them; none when it is not in scope). */
  latest(limit: number, podcastId: string | undefined, scope: Scope): EpisodeRef[] {
    if (podcastId !== undefined && !inScope(scope, podcastId)) return [];
    const lists = podcastId ? [this.#podcasts.get(podcastId)?.episodes ?? []] : this.#entries(scope).map((e) => e.episodes);
    const out: IndexedEpisode[] = [];
    for (const list of lists) out.push(...list.slice(0, limit));
    return out.sort((a, b) => b.time - a.time).slice(0, limit);
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
    const byKey = this.#byKey.get(query);
    if (byKey && (podcastId === undefined || byKey.podcast.id === podcastId) && inScope(scope, byKey.podcast.id)) {
      return ok(byKey);
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
    const order = [...this.#byKey.values()].sort((a, b) => b.time - a.time);
    const lists = new Map<string, number[]>();
    const numbers = new Map<number, number[]>();
    order.forEach((e, position) => {
      for (const word of new Set(e.words)) {
        const list = lists.get(word);
        if (list) list.push(position);
        else lists.set(word, [position]);
      }
      const n = e.episode.episodeNumber;
      if (n !== undefined) numbers.set(n, [...(numbers.get(n) ?? []), position]);
    });
    const vocabulary = [...lists.keys()].sort();
    const postings = vocabulary.map((w) => lists.get(w)!);
    // Running totals, so the size of a prefix's postings is one subtraction.
    const cumulative = new Int32Array(postings.length + 1);
    postings.forEach((p, i) => (cumulative[i + 1] = cumulative[i]! + p.length));
    this.#index = { order, vocabulary, postings, cumulative, numbers, stamp: new Int32Array(order.length), generation: 0 };
    return this.#index;
  }

  #rankEpisodes(query: string, podcastId: string | undefined, scope: Scope, limit: number): IndexedEpisode[] {
    if (podcastId !== undefined && !inScope(scope, podcastId)) return [];
    const q = foldForLookup(query);
    if (q === '') return this.latest(limit, podcastId, scope) as IndexedEpisode[];
    const terms = [...new Set(q.split(' '))];
    const number = /^(?:#|e|ep|episode|avsnitt)?\s*(\d{1,5})$/.exec(q.replace(/\s+/g, ''))?.[1];
    const index = this.#wordIndex();
    const accept = (e: IndexedEpisode): boolean => (podcastId === undefined ? inScope(scope, e.podcast.id) : e.podcast.id === podcastId);
    const top = new TopEpisodes(limit);
    const stamp = ++index.generation;
    // `known`: the score a posting already proves (one term, found whole or as a prefix), so the episode's words, which
    // sit all over the heap, need not be read.
    const consider = (position: number, bonus: number, known: number): void => {
      if (index.stamp[position] === stamp) return;
      index.stamp[position] = stamp;
      const e = index.order[position]!;
      if (!accept(e)) return;
      const score = bonus + (known > 0 ? known : matchWords(terms, e.words));
      if (score > 0) top.offer(e, score, position);
    };
    const single = terms.length === 1;

    if (number !== undefined) for (const position of index.numbers.get(Number(number)) ?? []) consider(position, 100, 0);

    // Candidates come from the term with the fewest postings (whole or prefix); the others are checked per episode.
    const ranges = terms.map((term) => sortedPrefixRange(index.vocabulary, term));
    const sizes = ranges.map(([from, to]) => index.cumulative[to]! - index.cumulative[from]!);
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
      wholePostings += index.postings[w]!.length;
    }
    let best = 3 * terms.length + whole.length;
    if (whole.length > 0 && wholePostings <= sizes[rarest]!) {
      const merge = new AscendingMerge(index.postings, whole);
      for (let position = merge.next(); position >= 0 && !top.fullAt(best); position = merge.next()) consider(position, 0, single ? 4 : 0);
      best = 3 * terms.length;
    }
    // When every term is common, walking all episodes is cheaper than merging their postings.
    const [from, to] = ranges[rarest]!;
    if (sizes[rarest]! <= SCAN_AFTER_POSTINGS) {
      const merge = new AscendingMerge(index.postings, Array.from({ length: to - from }, (_, i) => from + i));
      // One term: the episodes holding it whole were all seen above (or the list filled up there), so the rest score 3.
      for (let position = merge.next(); position >= 0 && !top.fullAt(best); position = merge.next()) consider(position, 0, single ? 3 : 0);
    } else {
      for (let i = 0; i < index.order.length && !top.fullAt(best); i++) consider(i, 0, 0);
    }
    return top.episodes();
  }
}

/** Above this many candidate postings walking every episode newest first is cheaper than merging them. */
const SCAN_AFTER_POSTINGS = 3000;

interface WordIndex {
  /** Every episode, newest first; postings hold positions in it, so ascending positions mean newest first. */
  order: IndexedEpisode[];
  vocabulary: string[];
  postings: number[][];
  cumulative: Int32Array;
  numbers: Map<number, number[]>;
  /** Visited marks for one query (a generation counter instead of clearing). */
  stamp: Int32Array;
  generation: number;
}

/** The best `limit` episodes by score, ties to the newer one; insertion into a short sorted array. */
class TopEpisodes {
  readonly #items: { e: IndexedEpisode; score: number; position: number }[] = [];
  constructor(readonly limit: number) {}

  offer(e: IndexedEpisode, score: number, position: number): void {
    const items = this.#items;
    if (items.length === this.limit && !ranksBelow(items[items.length - 1]!, score, position)) return;
    let at = items.length;
    while (at > 0 && ranksBelow(items[at - 1]!, score, position)) at--;
    items.splice(at, 0, { e, score, position });
    if (items.length > this.limit) items.pop();
  }

  /** Full, and even the last entry has the best score possible: nothing later (older) can get in. */
  fullAt(best: number): boolean {
    return this.#items.length === this.limit && this.#items[this.#items.length - 1]!.score >= best;
  }

  episodes(): IndexedEpisode[] {
    return this.#items.map((i) => i.e);
  }
}

/** Whether `a` ranks below an episode with this score at this position (ties go to the newer, lower position). */
function ranksBelow(a: { score: number; position: number }, score: number, position: number): boolean {
  return a.score < score || (a.score === score && a.position > position);
}

/** Every query term must match a title word, whole (4) or as its start (3); returns 0 when one does not. */
function matchWords(terms: readonly string[], words: readonly string[]): number {
  let total = 0;
  for (const term of terms) {
    let best = 0;
    for (const word of words) {
      const s = word === term ? 4 : word.startsWith(term) ? 3 : 0;
      if (s > best) best = s;
      if (best === 4) break;
    }
    if (best === 0) return 0;
    total += best;
  }
  return total;
}

export function inScope(scope: Scope, podcastId: string): boolean {
  return scope === EVERY_PODCAST || scope.has(podcastId);
}

function choiceName(e: Pick<IndexedEpisode, 'podcast' | 'episode'>, withPodcast: boolean): string {
  const number = e.episode.episodeNumber !== undefined ? `#${e.episode.episodeNumber} ` : '';
  const date = e.episode.publishedAt ? ` (${e.episode.publishedAt.slice(0, 10)})` : '';
  const podcast = withPodcast ? ` · ${clip(e.podcast.title, 40)}` : '';
  const tail = `${date}${podcast}`;
  return clip(`${number}${e.episode.title}`, MAX_CHOICE_LENGTH - tail.length) + tail;
}

