import { err, ok, type Episode, type Podcast, type Result } from './model.js';
import { shortKey } from './shortKey.js';

/**
 * Every podcast and episode the bot serves, in memory, indexed for the lookups a slash command needs:
 * by short key, by episode number, by title words, newest first. Pure: the caller loads and saves.
 */

export interface EpisodeRef {
  podcast: Podcast;
  episode: Episode;
  /** Stable short key (see shortKey): goes into autocomplete values and button ids. */
  key: string;
}

export interface Choice {
  name: string;
  value: string;
}

interface PodcastEntry {
  podcast: Podcast;
  key: string;
  folded: string;
  /** Newest first. */
  episodes: IndexedEpisode[];
}

interface IndexedEpisode extends EpisodeRef {
  folded: string;
  words: string[];
  time: number;
}

/** Which podcasts a query may see (a guild's follows); undefined means all. */
export type Scope = ReadonlySet<string> | undefined;

const MAX_CHOICES = 25;
const MAX_CHOICE_LENGTH = 100;

export function foldForLookup(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function episodeKey(podcastId: string, episodeId: string): string {
  return shortKey(`${podcastId}\n${episodeId}`);
}

export class Catalog {
  readonly #podcasts = new Map<string, PodcastEntry>();
  readonly #byKey = new Map<string, IndexedEpisode>();
  readonly #podcastsByKey = new Map<string, PodcastEntry>();

  /** Adds or replaces a podcast and its episodes. */
  upsert(podcast: Podcast, episodes: readonly Episode[]): void {
    this.remove(podcast.id);
    const indexed = episodes
      .map((episode): IndexedEpisode => {
        const folded = foldForLookup(episode.title);
        return {
          podcast,
          episode,
          key: episodeKey(podcast.id, episode.id),
          folded,
          words: folded.split(' ').filter(Boolean),
          time: episode.publishedAt ? Date.parse(episode.publishedAt) : 0,
        };
      })
      .sort((a, b) => b.time - a.time);
    const entry: PodcastEntry = { podcast, key: shortKey(podcast.id), folded: foldForLookup(podcast.title), episodes: indexed };
    this.#podcasts.set(podcast.id, entry);
    this.#podcastsByKey.set(entry.key, entry);
    for (const e of indexed) this.#byKey.set(e.key, e);
  }

  remove(podcastId: string): void {
    const old = this.#podcasts.get(podcastId);
    if (!old) return;
    for (const e of old.episodes) this.#byKey.delete(e.key);
    this.#podcastsByKey.delete(old.key);
    this.#podcasts.delete(podcastId);
  }

  get size(): { podcasts: number; episodes: number } {
    return { podcasts: this.#podcasts.size, episodes: this.#byKey.size };
  }

  podcasts(scope?: Scope): Podcast[] {
    return [...this.#entries(scope)].map((e) => e.podcast);
  }

  podcastKey(podcastId: string): string {
    return shortKey(podcastId);
  }

  podcast(podcastId: string): Podcast | undefined {
    return this.#podcasts.get(podcastId)?.podcast;
  }

  episodes(podcastId: string): EpisodeRef[] {
    return this.#podcasts.get(podcastId)?.episodes ?? [];
  }

  byKey(key: string): EpisodeRef | undefined {
    return this.#byKey.get(key);
  }

  find(podcastId: string, episodeId: string): EpisodeRef | undefined {
    return this.#byKey.get(episodeKey(podcastId, episodeId));
  }

  /** Newest episodes first, across the podcasts in scope. */
  latest(limit: number, podcastId?: string, scope?: Scope): EpisodeRef[] {
    const lists = podcastId ? [this.#podcasts.get(podcastId)?.episodes ?? []] : [...this.#entries(scope)].map((e) => e.episodes);
    const out: IndexedEpisode[] = [];
    for (const list of lists) out.push(...list.slice(0, limit));
    return out.sort((a, b) => b.time - a.time).slice(0, limit);
  }

  /** A podcast from an autocomplete value (its key) or typed text (title words). */
  resolvePodcast(query: string, scope?: Scope): Result<Podcast> {
    const byKey = this.#podcastsByKey.get(query);
    if (byKey && inScope(scope, byKey.podcast.id)) return ok(byKey.podcast);
    const best = this.#rankPodcasts(query, scope)[0];
    if (best) return ok(best.podcast);
    return err(`No podcast here matches "${query}". Pick one from the list as you type, or see /latest.`);
  }

  /**
   * An episode from an autocomplete value (its key), a number ("42", "#42", "e42") or title words;
   * no query means the newest episode.
   */
  resolveEpisode(query: string | undefined, podcastQuery: string | undefined, scope?: Scope): Result<EpisodeRef> {
    let podcastId: string | undefined;
    if (podcastQuery !== undefined) {
      const podcast = this.resolvePodcast(podcastQuery, scope);
      if (!podcast.ok) return podcast;
      podcastId = podcast.value.id;
    }
    if (query === undefined || query.trim() === '') {
      const newest = this.latest(1, podcastId, scope)[0];
      return newest ? ok(newest) : err('There are no episodes yet. Follow a feed with /feed add.');
    }
    const byKey = this.#byKey.get(query);
    if (byKey && (podcastId === undefined || byKey.podcast.id === podcastId) && inScope(scope, byKey.podcast.id)) {
      return ok(byKey);
    }
    const best = this.#rankEpisodes(query, podcastId, scope, 1)[0];
    if (best) return ok(best);
    return err(`No episode matches "${query}". Start typing and pick one from the list, or use /latest.`);
  }

  /** Up to 25 autocomplete choices: episode number, then title words, then recency. */
  autocompleteEpisodes(query: string, podcastQuery?: string, scope?: Scope): Choice[] {
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

  autocompletePodcasts(query: string, scope?: Scope): Choice[] {
    return this.#rankPodcasts(query, scope)
      .slice(0, MAX_CHOICES)
      .map((e) => ({ name: clip(e.podcast.title, MAX_CHOICE_LENGTH), value: e.key }));
  }

  *#entries(scope: Scope): Iterable<PodcastEntry> {
    for (const entry of this.#podcasts.values()) if (inScope(scope, entry.podcast.id)) yield entry;
  }

  #countInScope(scope: Scope): number {
    let n = 0;
    for (const _ of this.#entries(scope)) n++;
    return n;
  }

  #rankPodcasts(query: string, scope: Scope): PodcastEntry[] {
    const q = foldForLookup(query);
    const entries = [...this.#entries(scope)];
    if (q === '') return entries.sort((a, b) => a.podcast.title.localeCompare(b.podcast.title));
    const scored: [PodcastEntry, number][] = [];
    for (const e of entries) {
      const score = e.folded === q ? 3 : e.folded.startsWith(q) ? 2 : e.folded.includes(q) ? 1 : 0;
      if (score > 0) scored.push([e, score]);
    }
    return scored.sort((a, b) => b[1] - a[1]).map(([e]) => e);
  }

  #rankEpisodes(query: string, podcastId: string | undefined, scope: Scope, limit: number): IndexedEpisode[] {
    const lists: IndexedEpisode[][] = podcastId
      ? [this.#podcasts.get(podcastId)?.episodes ?? []]
      : [...this.#entries(scope)].map((e) => e.episodes);
    const q = foldForLookup(query);
    if (q === '') return this.latest(limit, podcastId, scope) as IndexedEpisode[];

    const terms = q.split(' ');
    const number = /^(?:#|e|ep|episode|avsnitt)?\s*(\d{1,5})$/.exec(q.replace(/\s+/g, ''))?.[1];
    const wanted = number === undefined ? undefined : Number(number);
    // Top-k by insertion: a one-letter query can match most of 15,000 episodes, and only `limit` are wanted.
    const top: { e: IndexedEpisode; score: number }[] = [];
    const better = (a: { e: IndexedEpisode; score: number }, b: { e: IndexedEpisode; score: number }): boolean =>
      a.score > b.score || (a.score === b.score && a.e.time > b.e.time);
    for (const list of lists) {
      for (const e of list) {
        let score = 0;
        if (wanted !== undefined && e.episode.episodeNumber === wanted) score += 100;
        const words = matchWords(terms, e.words, e.folded);
        if (words > 0) score += words;
        else if (score === 0) continue;
        const candidate = { e, score };
        if (top.length === limit && !better(candidate, top[top.length - 1]!)) continue;
        let at = top.length;
        while (at > 0 && better(candidate, top[at - 1]!)) at--;
        top.splice(at, 0, candidate);
        if (top.length > limit) top.pop();
      }
    }
    // Ties go to the newer episode: people mostly look for recent ones.
    return top.map((s) => s.e);
  }
}

/** Every query term must match a title word (whole > prefix > inside); returns 0 when one does not. */
function matchWords(terms: readonly string[], words: readonly string[], folded: string): number {
  let total = 0;
  for (const term of terms) {
    let best = 0;
    for (const word of words) {
      const s = word === term ? 4 : word.startsWith(term) ? 3 : 0;
      if (s > best) best = s;
      if (best === 4) break;
    }
    if (best === 0 && term.length >= 3 && folded.includes(term)) best = 1;
    if (best === 0) return 0;
    total += best;
  }
  return total;
}

function inScope(scope: Scope, podcastId: string): boolean {
  return scope === undefined || scope.has(podcastId);
}

function choiceName(e: IndexedEpisode, withPodcast: boolean): string {
  const number = e.episode.episodeNumber !== undefined ? `#${e.episode.episodeNumber} ` : '';
  const date = e.episode.publishedAt ? ` (${e.episode.publishedAt.slice(0, 10)})` : '';
  const podcast = withPodcast ? ` · ${clip(e.podcast.title, 40)}` : '';
  const tail = `${date}${podcast}`;
  return clip(`${number}${e.episode.title}`, MAX_CHOICE_LENGTH - tail.length) + tail;
}

export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return text.slice(0, Math.max(0, max));
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return (space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd() + '…';
}
