import { expect } from 'vitest';
import { EVERY_PODCAST } from '../../src/data/catalog.js';
import { parseFeed } from '../../src/data/feed/parseFeed.js';
import { Library } from '../../src/data/library.js';
import type { Logger } from '../../src/logger.js';
import { loadLibrary } from '../../src/store/loadLibrary.js';
import type { Store } from '../../src/store/Store.js';
import { rss, type FixtureEpisode } from '../integration/support.js';
import { prng } from './prng.js';

/**
 * A store filled through the project's own path (RSS rendered, parsed by parseFeed, saved with savePodcast, some
 * transcripts saved as the poller saves them): `podcasts` feeds of `episodes` episodes, seeded, with chapters in the
 * notes and a transcript on one episode in ten; every third declares Swedish, every third German.
 */
const WORDS = (
  'tesla crash autopilot battery election climate economy inflation bitcoin startup founder interview history science ' +
  'rocket mars ocean forest storm energy solar nuclear politics senate border vaccine virus hospital sleep diet marathon ' +
  'football tennis album guitar concert festival novel poetry school privacy hacker password robot database zeppelin ' +
  'kärlek hästen rättegången växte'
).split(' ');

export const TOPIC_QUERIES = ['tesla', 'tesla crash', 'autopilt', 'zepp', 'climate economy', 'hästen', 'hasten', 'interview with', 'rocket mars ocean', 'nothingmatches'];

export async function fillTopicStore(store: Store, podcasts: number, episodes: number, seed = 1): Promise<string[]> {
  const ids: string[] = [];
  for (let p = 0; p < podcasts; p++) {
    const r = prng(seed * 1000 + p);
    const words = (n: number): string => Array.from({ length: n }, () => WORDS[Math.floor(r() * WORDS.length)]).join(' ');
    const list: FixtureEpisode[] = [];
    for (let n = 1; n <= episodes; n++) {
      const chapters = Array.from({ length: 4 }, (_, c) => `${c * 7}:00 ${words(3)}`).join('\n');
      list.push({
        guid: `p${p}-e${n}`,
        title: `${words(4)} ${n}`,
        published: new Date(Date.UTC(2020, 0, n, p)).toISOString(),
        description: `${words(12)}.\n\n${chapters}`,
        ...(n % 10 === 0 && { transcripts: [{ url: `https://topics.example/t/${p}/${n}.srt`, type: 'application/srt' }] }),
      });
    }
    const url = `https://topics.example/feed-${p}.xml`;
    const parsed = parseFeed(Buffer.from(rss({ title: `Show ${p} ${words(2)}`, episodes: list }, 'https://topics.example')), { feedUrl: url });
    if (!parsed.ok) throw new Error(parsed.error);
    // Some podcasts declare a language (as <language> would): their passages are stemmed by it, and a saved index
    // must answer for them exactly as a rebuilt one does.
    const language = ['', 'sv', 'de'][p % 3];
    const podcast = language ? { ...parsed.value.podcast, language } : parsed.value.podcast;
    await store.savePodcast(podcast, parsed.value.episodes);
    for (const e of parsed.value.episodes) {
      if (e.transcripts.length === 0) continue;
      const segments = Array.from({ length: 20 }, (_, i) => ({ startSeconds: i * 5, text: `${words(6)}.` }));
      await store.saveTranscript(url, e.id, { sourceUrl: e.transcripts[0]!.url, type: 'application/srt', segments, fetchedAt: new Date() });
    }
    ids.push(url);
  }
  return ids;
}

/** A library that reads episode details from `store`, as the bot's does. */
export function libraryReading(store: Store): Library {
  const library = new Library();
  library.readDetailsFrom((podcastId, ids) => store.loadEpisodes(podcastId, ids));
  return library;
}

/** Everything /topic reads, for every query: hits (with their passages, seconds and bold ranges), suggestions, completions. */
export function topicAnswers(library: Library, now: number): string {
  return JSON.stringify(
    TOPIC_QUERIES.map((q) => ({
      hits: library.scopedTopics.search(q, EVERY_PODCAST, { limit: 25, now }),
      suggest: library.scopedTopics.suggest(q, EVERY_PODCAST),
      complete: library.scopedTopics.complete(q.slice(0, 3), 10, EVERY_PODCAST),
    })),
  );
}

/** What a start without a saved index serves: every podcast indexed from the store, compacted as a saved one is. */
export async function rebuiltLibrary(store: Store, log: Logger): Promise<Library> {
  const library = libraryReading(store);
  const result = await loadLibrary(store, library, log);
  expect(result.savedIndex.used).toBe(false);
  library.search.compact();
  return library;
}
