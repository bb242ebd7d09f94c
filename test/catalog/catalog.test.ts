import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/data/catalog.js';
import type { Episode, Podcast } from '../../src/data/model.js';

const podcast = (id: string, title: string): Podcast => ({ id, title, categories: [] });
const episode = (id: string, title: string, publishedAt: string, episodeNumber?: number): Episode => ({
  id,
  title,
  publishedAt,
  description: '',
  transcripts: [],
  chapters: [],
  ...(episodeNumber !== undefined && { episodeNumber }),
});

function sampleCatalog(): Catalog {
  const catalog = new Catalog();
  catalog.upsert(podcast('feed:ai', 'The Most Interesting Thing in AI'), [
    episode('a1', 'The Case for Open-Source AI', '2026-05-06T00:00:00.000Z', 12),
    episode('a2', 'Robots in the Kitchen', '2026-04-01T00:00:00.000Z', 11),
    episode('a3', 'Open Questions About Safety', '2025-01-01T00:00:00.000Z', 3),
  ]);
  catalog.upsert(podcast('feed:design', 'Design Details'), [
    episode('d1', 'Open Sourcing Design Systems', '2026-01-01T00:00:00.000Z', 200),
    episode('d2', 'Mälardalen på Måndag', '2024-01-01T00:00:00.000Z', 42),
  ]);
  return catalog;
}

describe('Catalog', () => {
  it('resolves no episode query to the newest episode across podcasts', () => {
    const ref = sampleCatalog().resolveEpisode(undefined, undefined);
    expect(ref.ok && ref.value.episode.id).toBe('a1');
  });

  it('resolves the newest episode of the named podcast', () => {
    const ref = sampleCatalog().resolveEpisode(undefined, 'design');
    expect(ref.ok && ref.value.episode.id).toBe('d1');
  });

  it('resolves an episode by number, with or without a hash', () => {
    const catalog = sampleCatalog();
    for (const q of ['42', '#42', 'ep 42']) {
      const ref = catalog.resolveEpisode(q, undefined);
      expect(ref.ok && ref.value.episode.id).toBe('d2');
    }
  });

  it('resolves an autocomplete value (the episode key) exactly', () => {
    const catalog = sampleCatalog();
    const key = catalog.find('feed:ai', 'a3')!.key;
    const ref = catalog.resolveEpisode(key, undefined);
    expect(ref.ok && ref.value.episode.id).toBe('a3');
  });

  it('matches title words by prefix, ignoring case and diacritics, newest first on ties', () => {
    const catalog = sampleCatalog();
    const names = catalog.autocompleteEpisodes('open', undefined).map((c) => c.name);
    expect(names[0]).toContain('The Case for Open-Source AI');
    expect(names).toHaveLength(3);
    const swedish = catalog.resolveEpisode('malardalen mandag', undefined);
    expect(swedish.ok && swedish.value.episode.id).toBe('d2');
  });

  it('explains an unknown episode instead of returning nothing', () => {
    const ref = sampleCatalog().resolveEpisode('quantum gastronomy', undefined);
    expect(ref.ok).toBe(false);
    expect(!ref.ok && ref.error).toMatch(/No episode matches "quantum gastronomy"/);
  });

  it('keeps autocomplete within 25 choices of at most 100 characters', () => {
    const catalog = new Catalog();
    const long = 'A very long episode title that goes on and on '.repeat(5);
    catalog.upsert(
      podcast('feed:long', 'x'.repeat(300)),
      Array.from({ length: 60 }, (_, i) => episode(`e${i}`, `${long}${i}`, new Date(Date.UTC(2020, 0, i + 1)).toISOString(), i)),
    );
    catalog.upsert(podcast('feed:other', 'Other'), [episode('o', 'Other episode', '2020-01-01T00:00:00.000Z')]);
    const choices = catalog.autocompleteEpisodes('', undefined);
    expect(choices).toHaveLength(25);
    for (const c of choices) {
      expect(c.name.length).toBeLessThanOrEqual(100);
      expect(c.value.length).toBeLessThanOrEqual(100);
    }
  });

  it('limits lookups to the podcasts in scope', () => {
    const catalog = sampleCatalog();
    const scope = new Set(['feed:design']);
    const ref = catalog.resolveEpisode(undefined, undefined, scope);
    expect(ref.ok && ref.value.podcast.id).toBe('feed:design');
    expect(catalog.resolvePodcast('interesting', scope).ok).toBe(false);
  });

  it('replaces a podcast on upsert, dropping episodes it no longer has', () => {
    const catalog = sampleCatalog();
    catalog.upsert(podcast('feed:ai', 'The Most Interesting Thing in AI'), [episode('a9', 'New', '2026-06-01T00:00:00.000Z')]);
    expect(catalog.episodes('feed:ai').map((e) => e.episode.id)).toEqual(['a9']);
    expect(catalog.size).toEqual({ podcasts: 2, episodes: 3 });
  });
});
