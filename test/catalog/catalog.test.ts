import { describe, expect, it } from 'vitest';
import { Catalog, episodeKey, EVERY_PODCAST, foldForLookup, type Scope } from '../../src/data/catalog.js';
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
    const ref = sampleCatalog().resolveEpisode(undefined, undefined, EVERY_PODCAST);
    expect(ref.ok && ref.value.episode.id).toBe('a1');
  });

  it('resolves the newest episode of the named podcast', () => {
    const ref = sampleCatalog().resolveEpisode(undefined, 'design', EVERY_PODCAST);
    expect(ref.ok && ref.value.episode.id).toBe('d1');
  });

  it('resolves an episode by number, with or without a hash', () => {
    const catalog = sampleCatalog();
    for (const q of ['42', '#42', 'ep 42']) {
      const ref = catalog.resolveEpisode(q, undefined, EVERY_PODCAST);
      expect(ref.ok && ref.value.episode.id).toBe('d2');
    }
  });

  it('resolves an autocomplete value (the episode key) exactly', () => {
    const catalog = sampleCatalog();
    const key = catalog.find('feed:ai', 'a3')!.key;
    const ref = catalog.resolveEpisode(key, undefined, EVERY_PODCAST);
    expect(ref.ok && ref.value.episode.id).toBe('a3');
  });

  it('answers a repeated episode query with the list it made before, until the catalog changes', () => {
    const catalog = sampleCatalog();
    const first = catalog.autocompleteEpisodes('open', undefined, EVERY_PODCAST);
    expect(catalog.autocompleteEpisodes('open', undefined, EVERY_PODCAST)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    // Another podcast option is another question.
    expect(catalog.autocompleteEpisodes('open', 'design', EVERY_PODCAST)).not.toBe(first);

    const generation = catalog.generation;
    catalog.upsert(podcast('feed:new', 'New Show'), [episode('n1', 'Open Mic Night', '2026-06-01T00:00:00.000Z', 1)]);
    expect(catalog.generation).toBeGreaterThan(generation);
    const after = catalog.autocompleteEpisodes('open', undefined, EVERY_PODCAST);
    expect(after[0]!.name).toContain('Open Mic Night');
    expect(after).toHaveLength(4);
    catalog.remove('feed:new');
    expect(catalog.autocompleteEpisodes('open', undefined, EVERY_PODCAST).map((c) => c.name)).toEqual(first.map((c) => c.name));
  });

  it('keeps the 1,000 most recently asked lists, all scopes together, and works out older ones again, the same', () => {
    const catalog = sampleCatalog();
    const first = catalog.autocompleteEpisodes('open', undefined, EVERY_PODCAST);
    const second = catalog.autocompleteEpisodes('robots', undefined, EVERY_PODCAST);
    // Half of them for other guilds' scopes: they share the one bound.
    for (let i = 0; i < 999; i++) catalog.autocompleteEpisodes(`q${i}`, undefined, i % 2 ? new Set(['feed:ai']) : EVERY_PODCAST);
    // 'robots' was asked again just now, so 'open' is the one that made room.
    expect(catalog.autocompleteEpisodes('robots', undefined, EVERY_PODCAST)).toBe(second);
    catalog.autocompleteEpisodes('one more', undefined, EVERY_PODCAST);
    const again = catalog.autocompleteEpisodes('open', undefined, EVERY_PODCAST);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });

  it('keeps lists per scope: the same scope set gets its own lists, another set (or none) other ones', () => {
    const catalog = sampleCatalog();
    const scope = new Set(['feed:design']);
    const scoped = catalog.autocompleteEpisodes('open', undefined, scope);
    expect(scoped.map((c) => c.name)).toEqual([expect.stringContaining('Open Sourcing Design Systems')]);
    expect(catalog.autocompleteEpisodes('open', undefined, scope)).toBe(scoped);
    expect(catalog.autocompleteEpisodes('open', undefined, new Set(['feed:ai'])).map((c) => c.name)).toEqual([
      expect.stringContaining('The Case for Open-Source AI'),
      expect.stringContaining('Open Questions About Safety'),
    ]);
    expect(catalog.autocompleteEpisodes('open', undefined, EVERY_PODCAST)).toHaveLength(3);
  });

  it('matches title words by prefix, ignoring case and diacritics, newest first on ties', () => {
    const catalog = sampleCatalog();
    const names = catalog.autocompleteEpisodes('open', undefined, EVERY_PODCAST).map((c) => c.name);
    expect(names[0]).toContain('The Case for Open-Source AI');
    expect(names).toHaveLength(3);
    const swedish = catalog.resolveEpisode('malardalen mandag', undefined, EVERY_PODCAST);
    expect(swedish.ok && swedish.value.episode.id).toBe('d2');
  });

  it('explains an unknown episode instead of returning nothing', () => {
    const ref = sampleCatalog().resolveEpisode('quantum gastronomy', undefined, EVERY_PODCAST);
    expect(ref.ok).toBe(false);
    // What went wrong, as data: each language words it (see strings.ts).
    expect(!ref.ok && ref.error).toEqual({ code: 'noEpisode', query: 'quantum gastronomy' });
  });

  it('keeps autocomplete within 25 choices of at most 100 characters', () => {
    const catalog = new Catalog();
    const long = 'A very long episode title that goes on and on '.repeat(5);
    catalog.upsert(
      podcast('feed:long', 'x'.repeat(300)),
      Array.from({ length: 60 }, (_, i) => episode(`e${i}`, `${long}${i}`, new Date(Date.UTC(2020, 0, i + 1)).toISOString(), i)),
    );
    catalog.upsert(podcast('feed:other', 'Other'), [episode('o', 'Other episode', '2020-01-01T00:00:00.000Z')]);
    const choices = catalog.autocompleteEpisodes('', undefined, EVERY_PODCAST);
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

  it('answers a key, a podcast or a podcast id out of scope as if it did not exist', () => {
    const catalog = sampleCatalog();
    const scope = new Set(['feed:design']);
    const hidden = catalog.find('feed:ai', 'a2')!;
    expect(catalog.byKey(hidden.key, EVERY_PODCAST)).toStrictEqual(hidden);
    expect(catalog.byKey(hidden.key, scope)).toBeUndefined();
    expect(catalog.resolveEpisode(hidden.key, undefined, scope).ok).toBe(false);
    expect(catalog.resolvePodcast(catalog.podcastKey('feed:ai'), scope).ok).toBe(false);
    expect(catalog.latest(3, 'feed:ai', scope)).toEqual([]);
    expect(catalog.latest(3, undefined, scope).map((r) => r.podcast.id)).toEqual(['feed:design', 'feed:design']);
    expect(catalog.podcasts(scope).map((p) => p.id)).toEqual(['feed:design']);
    expect(catalog.autocompletePodcasts('', scope).map((c) => c.name)).toEqual(['Design Details']);
    expect(catalog.autocompleteEpisodes(hidden.key, undefined, scope)).toEqual([]);
  });

  it('ranks as scoring every episode would, on a catalog big enough for every shortcut (early stops, whole words first, walks)', () => {
    // 8,000 episodes whose titles draw from syllable words where short words start longer ones (ka, kalo, kalomi),
    // some so common that their postings pass the walk threshold.
    const syllables = ['ka', 'lo', 'mi', 'ne', 'ro', 'sa'];
    const words = syllables.flatMap((a) => [a, ...syllables.flatMap((b) => [a + b, ...syllables.map((c) => a + b + c)])]);
    let seed = 7;
    const random = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const pick = (): string => words[Math.floor(words.length * random() ** 4)]!;
    const catalog = new Catalog();
    const podcastIds = ['feed:a', 'feed:b', 'feed:c', 'feed:d'];
    podcastIds.forEach((id, p) =>
      catalog.upsert(
        podcast(id, `Show ${id}`),
        Array.from({ length: 2000 }, (_, e) =>
          episode(`${id}-${e}`, `${pick()} ${pick()} ${pick()}`, new Date(Date.UTC(2000, 0, 1) + (e * 4 + p) * 3_600_000).toISOString(), e % 300),
        ),
      ),
    );
    const all = podcastIds.flatMap((id) => catalog.episodes(id));

    /** The ranking by definition: every episode scored, best first, then newest. */
    const expected = (query: string, limit: number, visible: (podcastId: string) => boolean): string[] => {
      const q = foldForLookup(query);
      const terms = [...new Set(q.split(' '))];
      const number = /^(?:#|e|ep|episode|avsnitt)?\s*(\d{1,5})$/.exec(q.replace(/\s+/g, ''))?.[1];
      return all
        .filter((r) => visible(r.podcast.id))
        .map((r) => {
          const titleWords = foldForLookup(r.episode.title).split(' ');
          let score = 0;
          for (const term of terms) {
            const best = Math.max(0, ...titleWords.map((w) => (w === term ? 4 : w.startsWith(term) ? 3 : 0)));
            if (best === 0) {
              score = 0;
              break;
            }
            score += best;
          }
          if (number !== undefined && r.episode.episodeNumber === Number(number)) score += 100;
          return { r, score, time: Date.parse(r.episode.publishedAt!) };
        })
        .filter((x) => x.score > 0)
        .sort((a, b) => b.score - a.score || b.time - a.time)
        .slice(0, limit)
        .map((x) => x.r.key);
    };

    const queries = [
      ...words.filter((w) => w.length <= 4),
      ...syllables.map((s) => s[0]!),
      'kaka lo', 'ka lo', 'k l', 'kalo kalo', 'sa nemi', 'ka lo mi', '42', '#7', 'ep 299', '7 ka', 'zzz', 'ka zzz',
    ];
    const scopes: [Scope, (id: string) => boolean][] = [
      [EVERY_PODCAST, () => true],
      [new Set(['feed:b', 'feed:d']), (id) => id === 'feed:b' || id === 'feed:d'],
    ];
    for (const query of queries) {
      for (const [scope, visible] of scopes) {
        expect(catalog.autocompleteEpisodes(query, undefined, scope).map((c) => c.value), `${query} ${scope === EVERY_PODCAST ? '' : 'scoped'}`).toEqual(
          expected(query, 25, visible),
        );
        const one = catalog.resolveEpisode(query, undefined, scope);
        expect(one.ok ? [one.value.key] : [], `resolve ${query}`).toEqual(expected(query, 1, visible));
      }
      expect(catalog.autocompleteEpisodes(query, 'Show feed:c', EVERY_PODCAST).map((c) => c.value), `${query} in c`).toEqual(
        expected(query, 25, (id) => id === 'feed:c'),
      );
    }
  });

  it('replaces a podcast on upsert, dropping episodes it no longer has', () => {
    const catalog = sampleCatalog();
    catalog.upsert(podcast('feed:ai', 'The Most Interesting Thing in AI'), [episode('a9', 'New', '2026-06-01T00:00:00.000Z')]);
    expect(catalog.episodes('feed:ai').map((e) => e.episode.id)).toEqual(['a9']);
    expect(catalog.size).toEqual({ podcasts: 2, episodes: 3 });
  });

  it('hands back each episode’s summary exactly as given (dates in any form, none, number 0), newest first, by key and by id', () => {
    const catalog = new Catalog();
    const given = [
      { id: 'x1', title: 'Plain ISO', publishedAt: '2024-03-01T10:00:00.000Z', episodeNumber: 0 },
      { id: 'x2', title: 'Short ISO', publishedAt: '2024-03-02T10:00:00Z' },
      { id: 'x3', title: 'RFC 822', publishedAt: 'Sun, 03 Mar 2024 10:00:00 GMT', episodeNumber: 7 },
      { id: 'x4', title: 'Undated' },
      { id: 'x5', title: 'Unreadable date', publishedAt: 'someday' },
    ];
    catalog.upsert(podcast('feed:x', 'X'), given);
    const newestFirst = ['x3', 'x2', 'x1', 'x4', 'x5'].map((id) => given.find((e) => e.id === id));
    expect(catalog.episodes('feed:x').map((r) => r.episode)).toStrictEqual(newestFirst);
    expect(catalog.episodeIds('feed:x')).toEqual(newestFirst.map((e) => e!.id));
    for (const e of given) {
      const ref = catalog.find('feed:x', e.id)!;
      expect(ref.episode).toStrictEqual(e);
      expect(ref.key).toBe(episodeKey('feed:x', e.id));
      expect(catalog.byKey(ref.key, EVERY_PODCAST)).toStrictEqual(ref);
      expect(catalog.byKey(ref.key, new Set(['feed:y']))).toBeUndefined();
    }
    expect(catalog.find('feed:x', 'x9')).toBeUndefined();
    expect(catalog.byKey('not a key', EVERY_PODCAST)).toBeUndefined();
    catalog.remove('feed:x');
    expect(catalog.size).toEqual({ podcasts: 0, episodes: 0 });
    expect(catalog.find('feed:x', 'x1')).toBeUndefined();
  });
});
