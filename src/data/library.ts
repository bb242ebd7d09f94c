import { Catalog } from './catalog.js';
import type { Episode, Podcast } from './model.js';
import { episodePassages } from './search/episodePassages.js';
import type { TranscriptSegment } from './search/passage.js';
import { SearchIndex } from './search/SearchIndex.js';

/**
 * The catalog (lookups) and the topic index (search) kept in step: one call adds or replaces a podcast in both.
 * Only changed episodes are re-indexed, so a poll that finds one new episode costs one episode of indexing.
 */
export class Library {
  readonly catalog = new Catalog();
  readonly search = new SearchIndex();
  /** What each indexed episode looked like, to skip re-indexing unchanged ones. */
  readonly #indexed = new Map<string, Map<string, string>>();

  upsert(podcast: Podcast, episodes: readonly Episode[], transcripts?: ReadonlyMap<string, readonly TranscriptSegment[]>): void {
    this.catalog.upsert(podcast, episodes);
    const before = this.#indexed.get(podcast.id) ?? new Map<string, string>();
    const after = new Map<string, string>();
    for (const episode of episodes) {
      const transcript = transcripts?.get(episode.id);
      const fingerprint = `${episode.title}\n${episode.publishedAt ?? ''}\n${episode.description.length}\n${episode.chapters.length}:${episode.chapters[0]?.source ?? ''}\n${transcript?.length ?? 0}`;
      after.set(episode.id, fingerprint);
      if (before.get(episode.id) === fingerprint) continue;
      if (before.has(episode.id)) this.search.removeEpisode(podcast.id, episode.id);
      this.search.add(episodePassages(podcast.id, episode, transcript ? { transcript } : {}));
    }
    for (const id of before.keys()) if (!after.has(id)) this.search.removeEpisode(podcast.id, id);
    this.#indexed.set(podcast.id, after);
  }

  remove(podcastId: string): void {
    this.catalog.remove(podcastId);
    for (const id of this.#indexed.get(podcastId)?.keys() ?? []) this.search.removeEpisode(podcastId, id);
    this.#indexed.delete(podcastId);
  }
}
