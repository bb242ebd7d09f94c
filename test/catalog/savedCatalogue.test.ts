import { describe, expect, it } from 'vitest';
import { Catalog, decodeSavedCatalogue, EVERY_PODCAST, type EpisodeSummary } from '../../src/data/catalog.js';
import type { Podcast } from '../../src/data/model.js';

/**
 * The catalogue's columns saved (Catalog.serialize) and restored one podcast at a time (decodeSavedCatalogue,
 * Catalog.restore): a restored catalogue answers every lookup exactly as the one that was saved, whatever its strings
 * hold, and bytes that do not hold together are refused.
 */
const podcast = (id: string, title: string, extra: Partial<Podcast> = {}): Podcast => ({ id, title, categories: ['Tech'], ...extra });

function built(): Catalog {
  const catalog = new Catalog();
  catalog.upsert(podcast('https://a.example/feed', 'Mälardalens Röster', { language: 'sv', author: 'Åsa' }), [
    { id: 'a1', title: 'Öppna frågor om AI', publishedAt: '2026-05-06T00:00:00.000Z', episodeNumber: 12 },
    // A date as the feed gave it (not what toISOString writes), one with none, number 0, a title with NUL and emoji.
    { id: 'a2', title: 'Robots \u0000 in the 🍳 kitchen', publishedAt: '2026-04-01T10:00:00+02:00', episodeNumber: 0 },
    { id: 'a3', title: '' },
    { id: 'a\u00004', title: 'Same day', publishedAt: '2026-04-01T08:00:00.000Z' },
  ]);
  catalog.upsert(podcast('https://b.example/feed', 'Design Details'), [
    { id: 'b1', title: 'Open Sourcing Design Systems', publishedAt: '2026-01-01T00:00:00.000Z', episodeNumber: 200 },
    { id: 'b2', title: 'Open Sourcing, again', publishedAt: '2026-01-01T00:00:00.000Z', episodeNumber: 201 },
  ]);
  catalog.upsert(podcast('https://c.example/empty', 'Nothing Yet'), []);
  return catalog;
}

/** What a catalogue answers: every podcast and episode (with its key), lists, lookups by number, key and words. */
function answers(catalog: Catalog): unknown {
  const podcasts = catalog.podcasts(EVERY_PODCAST).map((p) => p.id).sort();
  return {
    size: catalog.size,
    podcasts: podcasts.map((id) => ({ podcast: catalog.podcast(id), episodes: catalog.episodes(id), key: catalog.podcastKey(id) })),
    byKey: podcasts.flatMap((id) => catalog.episodes(id).map((e) => catalog.byKey(e.key, EVERY_PODCAST))),
    latest: catalog.latest(10, undefined, EVERY_PODCAST),
    choices: ['', 'open', 'öppna', 'robots kitchen', '12', '#0', '200', 'same'].map((q) => catalog.autocompleteEpisodes(q, undefined, EVERY_PODCAST)),
    inPodcast: catalog.autocompleteEpisodes('', 'design', EVERY_PODCAST),
    resolved: ['42', '201', 'kitchen'].map((q) => catalog.resolveEpisode(q, undefined, EVERY_PODCAST)),
    podcastChoices: catalog.autocompletePodcasts('mälar', EVERY_PODCAST),
  };
}

function restored(bytes: Uint8Array, into = new Catalog()): Catalog {
  const saved = decodeSavedCatalogue(bytes);
  saved.podcastIds.forEach((_, p) => into.restore(saved, p));
  return into;
}

describe('the saved catalogue', () => {
  it('restores every podcast so that the catalogue answers exactly as the one saved', () => {
    const catalog = built();
    const ids = catalog.podcasts(EVERY_PODCAST).map((p) => p.id);
    const bytes = catalog.serialize(ids);
    const saved = decodeSavedCatalogue(bytes);
    expect([...saved.podcastIds].sort()).toEqual([...ids].sort());
    expect(saved.episodes).toBe(6);
    expect(answers(restored(bytes))).toEqual(answers(catalog));
    // Bytes that survive a copy into another buffer at an odd offset read the same.
    const shifted = new Uint8Array(bytes.byteLength + 3);
    shifted.set(bytes, 3);
    expect(answers(restored(shifted.subarray(3)))).toEqual(answers(catalog));
  });

  it('keeps only the podcasts asked for, and a restored podcast replaces what the catalogue held of it', () => {
    const catalog = built();
    const bytes = catalog.serialize(['https://b.example/feed', 'https://not.held/feed']);
    expect(decodeSavedCatalogue(bytes).podcastIds).toEqual(['https://b.example/feed']);
    const other = new Catalog();
    other.upsert(podcast('https://b.example/feed', 'Old title'), [{ id: 'old', title: 'Gone since' } satisfies EpisodeSummary]);
    restored(bytes, other);
    expect(other.size).toEqual({ podcasts: 1, episodes: 2 });
    expect(other.episodes('https://b.example/feed').map((e) => e.episode.id)).toEqual(catalog.episodes('https://b.example/feed').map((e) => e.episode.id));
    expect(other.autocompleteEpisodes('gone', undefined, EVERY_PODCAST)).toEqual([]);
    expect(other.resolvePodcast('design', EVERY_PODCAST).ok).toBe(true);
  });

  it('reads a restored podcast\'s strings only when asked for, answering and saving meanwhile exactly as the catalogue saved', () => {
    const catalog = built();
    const ids = catalog.podcasts(EVERY_PODCAST).map((p) => p.id);
    const bytes = catalog.serialize(ids);
    // Nothing read yet: the saved bytes are held, not three strings and a key map entry an episode (podcasts of
    // episodes as feeds have them: the few above are mostly the podcast's own bytes).
    const bigger = new Catalog();
    for (let p = 0; p < 4; p++) {
      bigger.upsert(
        podcast(`https://big.example/${p}`, `Show ${p}`),
        Array.from({ length: 60 }, (_, i) => ({ id: `https://big.example/${p}/episode-${i}`, title: `Episode ${i}: a conversation about design systems`, publishedAt: new Date(Date.UTC(2025, 0, 1 + i)).toISOString(), episodeNumber: i })),
      );
    }
    const biggerIds = bigger.podcasts(EVERY_PODCAST).map((p) => p.id);
    const biggerBytes = bigger.serialize(biggerIds);
    expect(restored(biggerBytes).memoryBytes()).toBeLessThan(0.6 * bigger.memoryBytes());
    const biggerRead = restored(biggerBytes);
    for (const _ of biggerRead.readSavedSteps());
    expect(biggerRead.memoryBytes()).toBe(bigger.memoryBytes());
    expect(answers(biggerRead)).toEqual(answers(bigger));
    const lazy = restored(bytes);
    // Saved again before anything is read: the same bytes.
    expect(Buffer.from(lazy.serialize(ids)).equals(Buffer.from(bytes))).toBe(true);
    const fresh = restored(bytes);
    // An episode found by its key before its podcast's keys are in the key map; lists by date read no strings.
    for (const id of ids) for (const e of catalog.episodes(id)) expect(fresh.byKey(e.key, EVERY_PODCAST)).toEqual(e);
    expect(fresh.latest(10, undefined, EVERY_PODCAST)).toEqual(catalog.latest(10, undefined, EVERY_PODCAST));
    expect(answers(fresh)).toEqual(answers(catalog));
    // Read in the background (a step a podcast): then it holds what the catalogue saved held, by the same measure.
    const background = restored(bytes);
    expect([...background.readSavedSteps()]).toEqual(ids.map(() => undefined));
    // (Against one that built no title-word index: answering builds one.)
    expect(background.memoryBytes()).toBe(built().memoryBytes());
    expect(answers(background)).toEqual(answers(catalog));
    // A podcast replaced or removed before it was read is replaced or removed, keys included.
    const changed = restored(bytes);
    changed.upsert(podcast('https://b.example/feed', 'Design Details'), [{ id: 'b9', title: 'Only this' }]);
    changed.remove('https://a.example/feed');
    expect(changed.byKey(catalog.episodes('https://b.example/feed')[0]!.key, EVERY_PODCAST)).toBeUndefined();
    expect(changed.byKey(catalog.episodes('https://a.example/feed')[0]!.key, EVERY_PODCAST)).toBeUndefined();
    expect([...changed.readSavedSteps()]).toEqual([undefined]);
    expect(changed.size).toEqual({ podcasts: 2, episodes: 1 });
  });

  it('takes out, and names, a restored podcast whose saved strings do not hold together when it is read', () => {
    const catalog = built();
    const ids = catalog.podcasts(EVERY_PODCAST).map((p) => p.id);
    const bytes = catalog.serialize(ids);
    // An episode id made a number of the same length: the JSON still parses, the podcast still reads.
    const at = Buffer.from(bytes).indexOf('"b1"');
    const bad = bytes.slice();
    bad.set(Buffer.from('1234'), at);
    const lazy = restored(bad);
    expect(lazy.podcast('https://b.example/feed')?.title).toBe('Design Details');
    expect([...lazy.readSavedSteps()].filter((id) => id !== undefined)).toEqual(['https://b.example/feed']);
    expect(lazy.podcast('https://b.example/feed')).toBeUndefined();
    expect(lazy.episodes('https://a.example/feed')).toEqual(catalog.episodes('https://a.example/feed'));
  });

  it('refuses bytes cut short, too long or of another format', () => {
    const catalog = built();
    const bytes = catalog.serialize(catalog.podcasts(EVERY_PODCAST).map((p) => p.id));
    expect(() => decodeSavedCatalogue(bytes.subarray(0, bytes.byteLength - 1))).toThrow();
    const longer = new Uint8Array(bytes.byteLength + 8);
    longer.set(bytes);
    expect(() => decodeSavedCatalogue(longer)).toThrow();
    const other = bytes.slice();
    other[0] = 99;
    expect(() => decodeSavedCatalogue(other)).toThrow(/format/);
  });
});

describe('the saved catalogue written a piece at a time (serializeStream)', () => {
  it('is serialize, byte for byte, for a podcast of thousands of episodes too (its JSON made in pieces), pausing as it goes', () => {
    const catalog = built();
    // 3,000 episodes: 9,000+ strings, several pieces of its JSON; dates as given (kept as strings) among them.
    catalog.upsert(
      podcast('https://big.example/feed', 'A "big" one', { description: 'quotes " and \\ and 🍳' }),
      Array.from({ length: 3000 }, (_, i): EpisodeSummary => ({
        id: `big${i}`,
        title: `Episode ${i} "quoted" 🍳`,
        ...(i % 3 === 0 ? { publishedAt: `2026-01-0${1 + (i % 9)}T10:00:00+02:00` } : i % 3 === 1 ? { publishedAt: new Date(Date.UTC(2025, 0, 1 + i)).toISOString() } : {}),
        episodeNumber: i,
      })),
    );
    const ids = catalog.podcasts(EVERY_PODCAST).map((p) => p.id);
    const stream = catalog.serializeStream(ids);
    const plan = stream.plan();
    let planned = plan.next();
    let planSteps = 0;
    for (; planned.done !== true; planned = plan.next()) planSteps++;
    const chunks = Array.from(stream.chunks(), (chunk) => Buffer.from(chunk));
    const bytes = Buffer.concat(chunks);
    expect(bytes.byteLength).toBe(planned.value);
    expect(bytes.equals(Buffer.from(catalog.serialize(ids)))).toBe(true);
    // Its text (~300 KB) and columns are made over several slices, not in one.
    expect(planSteps).toBeGreaterThan(0);
    expect(chunks.length).toBeGreaterThan(2);
    expect(answers(restored(new Uint8Array(bytes)))).toEqual(answers(catalog));
  });
});

describe('the saved catalogue streamed while the catalogue changes', () => {
  it('is the catalogue as it was when serializeStream was called: podcasts upserted, removed or added before its plan looked them up are written as they were', () => {
    const catalog = built();
    const ids = catalog.podcasts(EVERY_PODCAST).map((p) => p.id);
    const before = Buffer.from(catalog.serialize(ids));
    const stream = catalog.serializeStream(ids);
    // Changed after the call, before its plan ran: a podcast replaced, one removed, one added (not wanted).
    catalog.upsert(podcast('https://a.example/feed', 'Renamed'), [{ id: 'a9', title: 'Only this one now' }]);
    catalog.remove('https://b.example/feed');
    catalog.upsert(podcast('https://d.example/feed', 'New'), [{ id: 'd1', title: 'New episode' }]);
    const plan = stream.plan();
    let planned = plan.next();
    for (; planned.done !== true; planned = plan.next());
    // After the plan: changes no longer concern it (it holds the entries it looked up).
    catalog.remove('https://c.example/empty');
    const bytes = Buffer.concat(Array.from(stream.chunks(), (chunk) => Buffer.from(chunk)));
    expect(bytes.byteLength).toBe(planned.value);
    expect(bytes.equals(before)).toBe(true);
  });
});
