import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Episode, Podcast } from '../../src/data/model.js';
import type { Store } from '../../src/store/Store.js';

/**
 * The Store contract: what every store (SQLite, PostgreSQL) must do the same way, registered once per store by its
 * test file. A new Store method gets its tests here, so both stores are held to them.
 */

/** A database for one test; `open` opens a store on it, and again after a close (what a restart sees). */
export interface ContractDatabase {
  open(): Promise<Store>;
  /** Called after the test's stores are closed. */
  remove(): Promise<void>;
  /**
   * Counts every row inserted, updated or deleted in `table` from now on, by the database itself (a trigger, behind the
   * store's back); the schema must exist (a store opened on it). Resolves to a reader of the count.
   */
  countRowWrites(table: string): Promise<() => Promise<number>>;
  /** The episodes table's episode_number column of a podcast's episodes (id -> value), read behind the store's back. */
  episodeNumberColumn(podcastId: string): Promise<Record<string, number | null>>;
}

export interface StoreUnderTest {
  /** e.g. 'SQLite' */
  name: string;
  /** A fresh, empty database for each test. */
  freshDatabase(): Promise<ContractDatabase>;
}

export const FEED = 'https://feeds.example.com/show.xml';
const MOVED = 'https://new.example.com/show.xml';

export const podcast: Podcast = {
  id: FEED,
  feedUrl: FEED,
  title: 'The Example Show',
  link: 'https://example.com',
  description: 'A show about examples.',
  image: 'https://example.com/art.jpg',
  author: 'Ex Ample',
  language: 'en',
  categories: ['Technology', 'Education'],
  linkTemplate: 'https://example.com/{episode}#t={seconds}',
};

export const fullEpisode: Episode = {
  id: 'guid-3',
  title: 'Episode 3: Everything',
  season: 2,
  episodeNumber: 3,
  publishedAt: '2024-03-01T10:00:00.000Z',
  durationSeconds: 3600.5,
  description: 'First paragraph.\n\nSecond paragraph.',
  link: 'https://example.com/3',
  audioUrl: 'https://cdn.example.com/3.mp3',
  audioType: 'audio/mpeg',
  audioLength: 123456,
  image: 'https://example.com/3.jpg',
  chaptersUrl: 'https://example.com/3.chapters.json',
  transcripts: [
    { url: 'https://example.com/3.vtt', type: 'text/vtt', language: 'en', rel: 'captions' },
    { url: 'https://example.com/3.srt', type: 'application/srt' },
  ],
  chapters: [
    { startSeconds: 0, title: 'Intro', source: 'json' },
    { startSeconds: 90.25, endSeconds: 600, title: 'Main', url: 'https://example.com/main', img: 'https://example.com/m.jpg', source: 'json' },
  ],
};

/** Only the required fields: optional ones must come back absent, not undefined or null. */
export const bareEpisode = (id: string, title = `Episode ${id}`): Episode => ({
  id,
  title,
  description: '',
  transcripts: [],
  chapters: [],
});

/**
 * Episodes as a database from before migration 12 holds them (the number in the JSON alone), in saved order: with a
 * number, with 0, without one, with the largest a feed gives (9 digits); and the summaries the catalogue read of them
 * then (from the JSON), which it must read the same from the column after the migration.
 */
export const episodesBeforeNumberColumn: Episode[] = [
  fullEpisode,
  { ...bareEpisode('guid-0'), episodeNumber: 0 },
  bareEpisode('guid-none'),
  { ...bareEpisode('guid-big'), episodeNumber: 999_999_999, publishedAt: '2024-04-01T00:00:00.000Z' },
];
export const summariesBeforeNumberColumn = [
  { id: 'guid-3', title: 'Episode 3: Everything', episodeNumber: 3, publishedAt: '2024-03-01T10:00:00.000Z' },
  { id: 'guid-0', title: 'Episode guid-0', episodeNumber: 0 },
  { id: 'guid-none', title: 'Episode guid-none' },
  { id: 'guid-big', title: 'Episode guid-big', episodeNumber: 999_999_999, publishedAt: '2024-04-01T00:00:00.000Z' },
];
/** What migration 12 writes in the episode_number column of those episodes. */
export const numberColumnAfterMigration = { 'guid-3': 3, 'guid-0': 0, 'guid-none': null, 'guid-big': 999_999_999 };

export function storeContract(subject: StoreUnderTest): void {
  describe(`the Store contract on ${subject.name}`, () => {
    let database: ContractDatabase;
    const stores: Store[] = [];

    beforeEach(async () => {
      database = await subject.freshDatabase();
    });
    afterEach(async () => {
      for (const store of stores.splice(0)) await store.close();
      await database.remove();
    });

    async function open(): Promise<Store> {
      const store = await database.open();
      stores.push(store);
      return store;
    }

    async function reopen(store: Store): Promise<Store> {
      await store.close();
      return open();
    }

    describe('catalogue', () => {
      it('round-trips podcasts and episodes deep-equal, optional fields absent', async () => {
        let store = await open();
        const other: Podcast = { id: 'sample:tiny', title: 'A Tiny Sample', categories: [] };
        await store.savePodcast(podcast, [fullEpisode, bareEpisode('guid-2'), bareEpisode('guid-1')]);
        await store.savePodcast(other, [bareEpisode('only')]);
        store = await reopen(store);

        const catalog = await store.loadCatalog();
        expect(catalog).toStrictEqual([
          { podcast: other, episodes: [bareEpisode('only')] },
          { podcast, episodes: [fullEpisode, bareEpisode('guid-2'), bareEpisode('guid-1')] },
        ]);
        const bare = catalog[1]?.episodes[1];
        expect(bare && Object.keys(bare).sort()).toEqual(['chapters', 'description', 'id', 'title', 'transcripts']);
      });

      it('reads the catalogue in pages of summaries (id order, episodes in saved order) and episodes by id with every detail', async () => {
        const store = await open();
        const other: Podcast = { id: 'sample:tiny', title: 'A Tiny Sample', categories: [] };
        const third: Podcast = { id: 'https://z.example/feed.xml', title: 'Zed', categories: [] };
        // Saved order unlike the ids' order, so an answer in id order would show it.
        const episodes = [bareEpisode('guid-9'), fullEpisode, bareEpisode('guid-1'), bareEpisode('guid-5')];
        await store.savePodcast(podcast, episodes);
        await store.savePodcast(other, [bareEpisode('only')]);
        await store.savePodcast(third, []);
        const first = await store.loadCatalogPage(undefined, 2);
        expect(first.map((e) => e.podcast)).toStrictEqual([podcast, third]);
        expect(first[0]?.episodes).toStrictEqual([
          { id: 'guid-9', title: 'Episode guid-9' },
          { id: 'guid-3', title: 'Episode 3: Everything', episodeNumber: 3, publishedAt: '2024-03-01T10:00:00.000Z' },
          { id: 'guid-1', title: 'Episode guid-1' },
          { id: 'guid-5', title: 'Episode guid-5' },
        ]);
        expect(first[1]?.episodes).toStrictEqual([]);
        expect(first.every((e) => typeof e.version === 'number')).toBe(true);
        const rest = await store.loadCatalogPage(third.id, 2);
        expect(rest.map((e) => [e.podcast.id, e.episodes.map((x) => x.id)])).toStrictEqual([[other.id, ['only']]]);
        expect(await store.loadCatalogPage(other.id, 2)).toStrictEqual([]);
        // By id, as a start that restored the rest from the saved index reads what was saved since: the same entries.
        expect(await store.loadCatalogSummaries([other.id, 'https://gone.example/feed', podcast.id])).toStrictEqual([first[0], rest[0]]);
        expect(await store.loadCatalogSummaries([])).toStrictEqual([]);
        expect(await store.loadEpisodes(FEED, ['guid-5', 'guid-3', 'gone'])).toStrictEqual([fullEpisode, bareEpisode('guid-5')]);
        expect([...(await store.catalogVersions()).keys()].sort()).toEqual([podcast.id, third.id, other.id].sort());
      });

      it("keeps each episode's number column as its feed gives it (added, changed, removed), and reads the catalogue from it", async () => {
        const store = await open();
        const numbered = (id: string, episodeNumber?: number): Episode => ({ ...bareEpisode(id), ...(episodeNumber !== undefined && { episodeNumber }) });
        const summaries = async (): Promise<unknown> => (await store.loadCatalogPage(undefined, 10))[0]?.episodes;
        // 0 is a number like any other (no falsy slip); guid-2 has none.
        await store.savePodcast(podcast, [numbered('guid-1', 0), numbered('guid-2'), numbered('guid-3', 3)]);
        expect(await database.episodeNumberColumn(FEED)).toStrictEqual({ 'guid-1': 0, 'guid-2': null, 'guid-3': 3 });
        expect(await summaries()).toStrictEqual([
          { id: 'guid-1', title: 'Episode guid-1', episodeNumber: 0 },
          { id: 'guid-2', title: 'Episode guid-2' },
          { id: 'guid-3', title: 'Episode guid-3', episodeNumber: 3 },
        ]);
        // The feed numbers guid-2, renumbers guid-3 and drops guid-1's number; a new guid-4 comes with one.
        await store.savePodcast(podcast, [numbered('guid-4', 40), numbered('guid-1'), numbered('guid-2', 2), numbered('guid-3', 30)]);
        expect(await database.episodeNumberColumn(FEED)).toStrictEqual({ 'guid-1': null, 'guid-2': 2, 'guid-3': 30, 'guid-4': 40 });
        expect(await summaries()).toStrictEqual([
          { id: 'guid-4', title: 'Episode guid-4', episodeNumber: 40 },
          { id: 'guid-1', title: 'Episode guid-1' },
          { id: 'guid-2', title: 'Episode guid-2', episodeNumber: 2 },
          { id: 'guid-3', title: 'Episode guid-3', episodeNumber: 30 },
        ]);
        // Only the number changes (nothing else of the episode): the row is written all the same.
        await store.savePodcast(podcast, [numbered('guid-4'), numbered('guid-1'), numbered('guid-2', 2), numbered('guid-3', 30)]);
        expect(await database.episodeNumberColumn(FEED)).toStrictEqual({ 'guid-1': null, 'guid-2': 2, 'guid-3': 30, 'guid-4': null });
        expect(await store.loadEpisodes(FEED, ['guid-4'])).toStrictEqual([bareEpisode('guid-4')]);
      });

      it('keeps guests, hosts and soundbites with their episode and podcast, across a restart', async () => {
        let store = await open();
        const hosted: Podcast = { ...podcast, persons: [{ name: 'Host Person', role: 'host', group: 'cast', href: 'https://example.com/host' }] };
        const withGuests: Episode = {
          ...fullEpisode,
          soundbites: [
            { startSeconds: 73.5, durationSeconds: 60, title: 'The best “bit”' },
            { startSeconds: 600, durationSeconds: 15.25 },
          ],
          persons: [
            { name: 'Raffi Krikorian', role: 'guest', img: 'https://example.com/raffi.jpg', href: 'https://example.com/raffi' },
            { name: 'Ada Lovelace' },
          ],
        };
        await store.savePodcast(hosted, [withGuests, bareEpisode('guid-2')]);
        store = await reopen(store);
        expect(await store.loadPodcast(FEED)).toStrictEqual({ podcast: hosted, episodes: [withGuests, bareEpisode('guid-2')] });
      });

      it('is idempotent: saving the same feed twice stores it once', async () => {
        const store = await open();
        const episodes = [fullEpisode, bareEpisode('guid-2')];
        await store.savePodcast(podcast, episodes);
        await store.savePodcast(podcast, episodes);
        expect(await store.loadCatalog()).toStrictEqual([{ podcast, episodes }]);
      });

      it('makes the stored episodes exactly the latest save, in its order', async () => {
        const store = await open();
        await store.savePodcast(podcast, [bareEpisode('2'), bareEpisode('1')]);
        const renamed = { ...podcast, title: 'Renamed Show' };
        await store.savePodcast(renamed, [bareEpisode('3'), bareEpisode('2', 'Episode 2, retitled')]);
        expect(await store.getEpisodeIds(FEED)).toEqual(['3', '2']);
        expect(await store.loadCatalog()).toStrictEqual([
          { podcast: renamed, episodes: [bareEpisode('3'), bareEpisode('2', 'Episode 2, retitled')] },
        ]);
      });

      it('keeps the first of two episodes with the same id', async () => {
        const store = await open();
        await store.savePodcast(podcast, [bareEpisode('1', 'first'), bareEpisode('1', 'second')]);
        expect((await store.loadCatalog())[0]?.episodes).toStrictEqual([bareEpisode('1', 'first')]);
      });

      it('returns no episode ids for an unknown podcast', async () => {
        expect(await (await open()).getEpisodeIds('https://nowhere.example/feed')).toEqual([]);
      });

      it('orders the catalogue by title, ASCII letters case-folded, then by id; other text by code point', async () => {
        const store = await open();
        const titled = (id: string, title: string): Podcast => ({ id, title, categories: [] });
        // SQLite's NOCASE folds A-Z only and compares bytes: 'Éclair' (C3 89) before 'éclair' (C3 A9), both after 'z'.
        for (const [id, title] of [['p1', 'zebra'], ['p2', 'éclair'], ['p3', 'Alpha'], ['p4', 'Éclair'], ['p5', 'alpha'], ['p0', 'ALPHA'], ['p6', 'Beta']]) {
          await store.savePodcast(titled(id as string, title as string), []);
        }
        expect((await store.loadCatalog()).map((entry) => entry.podcast.title)).toEqual([
          'ALPHA', // p0: the three spellings of alpha are equal, so by id
          'Alpha',
          'alpha',
          'Beta',
          'zebra',
          'Éclair',
          'éclair',
        ]);
      });

      it('keeps the order of a long feed and of its next save', async () => {
        const store = await open();
        const many = Array.from({ length: 1500 }, (_, i) => bareEpisode(`e${1500 - i}`));
        await store.savePodcast(podcast, many);
        expect(await store.getEpisodeIds(FEED)).toEqual(many.map((e) => e.id));
        const next = [bareEpisode('e1501'), ...many.slice(0, 1000).reverse()];
        await store.savePodcast(podcast, next);
        expect(await store.getEpisodeIds(FEED)).toEqual(next.map((e) => e.id));
        expect((await store.loadCatalog())[0]?.episodes).toStrictEqual(next);
      });

      it('round-trips text of every kind: quotes, backslashes, emoji, a NUL inside JSON', async () => {
        let store = await open();
        const odd = `It's "quoted" \\ back\\slashed 🎙️ — ünïcödé, 100% _under_ %s $1 ?`;
        const episode = { ...bareEpisode(`id ${odd}`, odd), description: `${odd}\n\nline two` };
        await store.savePodcast({ ...podcast, title: odd }, [episode]);
        const transcript = {
          sourceUrl: 'https://example.com/t.json',
          type: 'application/json',
          segments: [{ startSeconds: 0, text: `a NUL \u0000 and ${odd}` }],
          fetchedAt: new Date('2024-03-02T00:00:00.123Z'),
        };
        await store.saveTranscript(FEED, episode.id, transcript);
        store = await reopen(store);
        expect(await store.loadCatalog()).toStrictEqual([{ podcast: { ...podcast, title: odd }, episodes: [episode] }]);
        expect(await store.getTranscript(FEED, episode.id)).toStrictEqual(transcript);
      });

      it('deletes a podcast and its episodes, keeping its ledger', async () => {
        const store = await open();
        await store.savePodcast(podcast, [bareEpisode('1'), bareEpisode('2')]);
        await store.recordIntent('guild-1', FEED, '1', 'chan', 'n1');
        await store.markSent('guild-1', FEED, '1', 'msg-1');
        expect(await store.deletePodcast(FEED)).toBe(true);
        expect(await store.deletePodcast(FEED)).toBe(false);
        expect(await store.getEpisodeIds(FEED)).toEqual([]);
        expect(await store.loadCatalog()).toEqual([]);
        expect(await store.wasAnnounced('guild-1', FEED, '1')).toBe(true);
        // Saved again, it starts from what is saved now, not from the deleted episodes.
        await store.savePodcast(podcast, [bareEpisode('3')]);
        expect(await store.getEpisodeIds(FEED)).toEqual(['3']);
      });

      it('loads one podcast alone, as the catalogue has it; undefined when it is not stored', async () => {
        let store = await open();
        const other: Podcast = { id: 'sample:tiny', title: 'A Tiny Sample', categories: [] };
        await store.savePodcast(podcast, [fullEpisode, bareEpisode('guid-2'), bareEpisode('guid-1')]);
        await store.savePodcast(other, []);
        store = await reopen(store);
        expect(await store.loadPodcast(FEED)).toStrictEqual({ podcast, episodes: [fullEpisode, bareEpisode('guid-2'), bareEpisode('guid-1')] });
        expect(await store.loadPodcast('sample:tiny')).toStrictEqual({ podcast: other, episodes: [] });
        expect(await store.loadPodcast(FEED)).toStrictEqual((await store.loadCatalog()).find((entry) => entry.podcast.id === FEED));
        expect(await store.loadPodcast('https://nowhere.example/feed')).toBeUndefined();
        await store.deletePodcast('sample:tiny');
        expect(await store.loadPodcast('sample:tiny')).toBeUndefined();
        await store.renameFeed(FEED, MOVED);
        expect(await store.loadPodcast(FEED)).toBeUndefined();
        expect((await store.loadPodcast(MOVED))?.episodes.map((e) => e.id)).toEqual(['guid-3', 'guid-2', 'guid-1']);
      });

      it('keeps every change of a save that differs in one thing only: an order, an episode text, a podcast field', async () => {
        const store = await open();
        await store.savePodcast(podcast, [bareEpisode('2'), bareEpisode('1')]);
        await store.savePodcast(podcast, [bareEpisode('1'), bareEpisode('2')]);
        expect(await store.loadPodcast(FEED)).toStrictEqual({ podcast, episodes: [bareEpisode('1'), bareEpisode('2')] });
        const edited = { ...bareEpisode('2'), description: 'Now with notes.' };
        await store.savePodcast(podcast, [bareEpisode('1'), edited]);
        expect((await store.loadPodcast(FEED))?.episodes).toStrictEqual([bareEpisode('1'), edited]);
        const described = { ...podcast, description: 'A show about other examples.' };
        await store.savePodcast(described, [bareEpisode('1'), edited]);
        expect(await store.loadPodcast(FEED)).toStrictEqual({ podcast: described, episodes: [bareEpisode('1'), edited] });
        await store.savePodcast(described, [edited]);
        expect((await store.loadPodcast(FEED))?.episodes).toStrictEqual([edited]);
      });

      it('writes only the episodes that changed: a new one at the top, one edited, one gone', async () => {
        const store = await open();
        const feed = Array.from({ length: 30 }, (_, i) => bareEpisode(`${30 - i}`));
        await store.savePodcast(podcast, feed);
        const episodeWrites = await database.countRowWrites('episodes');
        const podcastWrites = await database.countRowWrites('podcasts');

        await store.savePodcast(podcast, feed);
        expect(await episodeWrites()).toBe(0);
        expect(await podcastWrites()).toBe(0);

        // The usual update: a new episode on top, the oldest gone, one text corrected.
        const edited = { ...bareEpisode('20'), description: 'Corrected notes.' };
        const next = [bareEpisode('31'), ...feed.slice(0, -1).map((e) => (e.id === '20' ? edited : e))];
        await store.savePodcast(podcast, next);
        expect(await episodeWrites()).toBe(3);
        expect((await store.loadPodcast(FEED))?.episodes).toStrictEqual(next);
        expect(await store.getEpisodeIds(FEED)).toEqual(next.map((e) => e.id));

        // Two more on top and one at the end: three rows; the order of all of them as given.
        const more = [bareEpisode('33'), bareEpisode('32'), ...next, bareEpisode('0')];
        await store.savePodcast(podcast, more);
        expect(await episodeWrites()).toBe(6);
        expect(await store.getEpisodeIds(FEED)).toEqual(more.map((e) => e.id));
        // Reordered: every position is written again, and the order is the one given.
        const reversed = [...more].reverse();
        await store.savePodcast(podcast, reversed);
        expect(await store.getEpisodeIds(FEED)).toEqual(reversed.map((e) => e.id));
        expect((await store.loadPodcast(FEED))?.episodes).toStrictEqual(reversed);
      });

      it('leaves one whole save when two stores save the same podcast at once', async () => {
        const first = await open();
        const second = await open();
        const a = [bareEpisode('a1'), bareEpisode('a2'), bareEpisode('a3')];
        const b = [bareEpisode('b1'), bareEpisode('a2', 'a2 retitled')];
        for (let round = 0; round < 5; round++) {
          await Promise.all([first.savePodcast(podcast, a), second.savePodcast(podcast, b), first.savePodcast(podcast, b), second.savePodcast(podcast, a)]);
          const episodes = (await first.loadCatalog())[0]?.episodes;
          expect([a, b]).toContainEqual(episodes);
        }
      });

      it("marks a first save's episodes seen for every follower of the feed, and only with backCatalogue", async () => {
        const store = await open();
        await store.follow('guild-1', FEED, { seenEpisodeIds: [] });
        await store.follow('guild-2', FEED, { seenEpisodeIds: ['e1'] });
        await store.follow('guild-3', MOVED, { seenEpisodeIds: [] });
        const list = [bareEpisode('e2'), bareEpisode('e1')];
        await store.savePodcast(podcast, list);
        expect(await store.unannouncedEpisodes('guild-1', FEED, ['e2', 'e1'])).toEqual(['e2', 'e1']);
        await store.savePodcast(podcast, list, { backCatalogue: true });
        expect(await store.unannouncedEpisodes('guild-1', FEED, ['e2', 'e1'])).toEqual([]);
        expect(await store.unannouncedEpisodes('guild-2', FEED, ['e2', 'e1'])).toEqual([]);
        expect(await store.unannouncedEpisodes('guild-3', MOVED, ['e2', 'e1'])).toEqual(['e2', 'e1']);
        // Not with a later save: what comes then is new.
        await store.savePodcast(podcast, [bareEpisode('e3'), ...list]);
        expect(await store.unannouncedEpisodes('guild-1', FEED, ['e3', 'e2', 'e1'])).toEqual(['e3']);
      });
    });

    describe('chapters and transcripts caches', () => {
      it('round-trips fetched chapters and a parsed transcript per episode', async () => {
        let store = await open();
        const fetchedAt = new Date('2024-03-02T00:00:00.000Z');
        const chapters = { sourceUrl: 'https://example.com/3.chapters.json', chapters: fullEpisode.chapters, fetchedAt };
        const transcript = {
          sourceUrl: 'https://example.com/3.vtt',
          type: 'text/vtt',
          language: 'en',
          segments: [
            { startSeconds: 0, endSeconds: 4.5, speaker: 'Host', text: 'Welcome.' },
            { startSeconds: 4.5, text: 'Today: examples.' },
          ],
          fetchedAt,
        };
        await store.saveChapters(FEED, 'guid-3', chapters);
        await store.saveTranscript(FEED, 'guid-3', transcript);
        store = await reopen(store);
        expect(await store.getChapters(FEED, 'guid-3')).toStrictEqual(chapters);
        expect(await store.getTranscript(FEED, 'guid-3')).toStrictEqual(transcript);
        expect(await store.getChapters(FEED, 'guid-2')).toBeUndefined();
        expect(await store.getTranscript(FEED, 'guid-2')).toBeUndefined();
      });

      it('replaces a cached entry when saved again', async () => {
        const store = await open();
        const fetchedAt = new Date('2024-03-02T00:00:00.000Z');
        await store.saveTranscript(FEED, 'e', { sourceUrl: 'a', type: 'text/vtt', language: 'en', segments: [], fetchedAt });
        await store.saveTranscript(FEED, 'e', { sourceUrl: 'b', type: 'application/srt', segments: [], fetchedAt });
        expect(await store.getTranscript(FEED, 'e')).toStrictEqual({
          sourceUrl: 'b',
          type: 'application/srt',
          segments: [],
          fetchedAt,
        });
      });

      it('keeps a chapters source\'s validators and re-check times, and gives each due re-check to one claimant', async () => {
        let store = await open();
        const at = (minutes: number): Date => new Date(Date.UTC(2024, 0, 1, 0, minutes));
        const audio = {
          sourceUrl: 'https://cdn.example.com/3.mp3',
          chapters: [{ startSeconds: 0, title: 'Intro', source: 'audio' as const }],
          fetchedAt: at(0),
          etag: '"abc"',
          lastModified: 'Mon, 01 Jan 2024 00:00:00 GMT',
          appearedAt: at(0),
          recheckAt: at(60),
        };
        await store.saveChapters(FEED, 'guid-3', audio);
        await store.saveChapters(FEED, 'guid-2', { sourceUrl: 'https://example.com/2.json', chapters: [], fetchedAt: at(0), appearedAt: at(0), recheckAt: at(30) });
        await store.saveChapters(FEED, 'guid-1', { sourceUrl: 'https://example.com/1.json', chapters: [], fetchedAt: at(0) });
        store = await reopen(store);
        expect(await store.getChapters(FEED, 'guid-3')).toStrictEqual(audio);
        expect(await store.dueChapterRechecks(at(59), 10)).toMatchObject([{ podcastId: FEED, episodeId: 'guid-2', cached: { recheckAt: at(30) } }]);
        expect((await store.dueChapterRechecks(at(60), 10)).map((d) => d.episodeId)).toStrictEqual(['guid-2', 'guid-3']);
        expect(await store.dueChapterRechecks(at(60), 1)).toHaveLength(1);
        expect((await store.dueChapterRechecks(at(60), 10))[1]?.cached).toStrictEqual(audio);

        // Two processes take the same due re-check: one gets it.
        expect(await store.claimChapterRecheck(FEED, 'guid-3', at(60), at(1440))).toBe(true);
        expect(await store.claimChapterRecheck(FEED, 'guid-3', at(60), at(1440))).toBe(false);
        expect(await store.getChapters(FEED, 'guid-3')).toStrictEqual({ ...audio, recheckAt: at(1440) });
        // The last one leaves none.
        expect(await store.claimChapterRecheck(FEED, 'guid-2', at(30), undefined)).toBe(true);
        expect((await store.dueChapterRechecks(at(100_000), 10)).map((d) => d.episodeId)).toStrictEqual(['guid-3']);
        expect(await store.getChapters(FEED, 'guid-2')).not.toHaveProperty('recheckAt');
      });
    });

    describe('feed fetch state', () => {
      const t = (minutes: number): Date => new Date(Date.UTC(2024, 0, 1, 0, minutes));

      it('makes a newly tracked feed due at once, and a checked one due at its next check', async () => {
        const store = await open();
        await store.trackFeed(FEED);
        await store.trackFeed(FEED);
        expect(await store.getFetchState(FEED)).toStrictEqual({
          url: FEED,
          consecutiveFailures: 0,
          paused: false,
          pausedNoticeSent: false,
        });
        expect(await store.dueFeeds(t(0))).toEqual([FEED]);

        await store.recordFetchSuccess(FEED, { etag: '"a"', lastModified: 'Mon, 01 Jan 2024 00:00:00 GMT', checkedAt: t(0), nextCheckAt: t(30) });
        expect(await store.dueFeeds(t(29))).toEqual([]);
        expect(await store.dueFeeds(t(30))).toEqual([FEED]);
      });

      it('lists due feeds never checked first, then the most overdue', async () => {
        const store = await open();
        await store.recordFetchSuccess('https://b.example/feed', { checkedAt: t(0), nextCheckAt: t(10) });
        await store.recordFetchSuccess('https://a.example/feed', { checkedAt: t(0), nextCheckAt: t(20) });
        await store.trackFeed('https://c.example/feed');
        expect(await store.dueFeeds(t(60))).toEqual(['https://c.example/feed', 'https://b.example/feed', 'https://a.example/feed']);
      });

      it('keeps validators a 304 does not repeat, replaces given ones and clears null ones', async () => {
        const store = await open();
        await store.recordFetchSuccess(FEED, { etag: '"a"', lastModified: 'then', checkedAt: t(0), nextCheckAt: t(30) });
        let state = await store.recordFetchSuccess(FEED, { checkedAt: t(30), nextCheckAt: t(60) });
        expect([state.etag, state.lastModified]).toEqual(['"a"', 'then']);
        state = await store.recordFetchSuccess(FEED, { etag: '"b"', lastModified: null, checkedAt: t(60), nextCheckAt: t(90) });
        expect(state).toStrictEqual({
          url: FEED,
          etag: '"b"',
          lastCheckedAt: t(60),
          nextCheckAt: t(90),
          consecutiveFailures: 0,
          paused: false,
          pausedNoticeSent: false,
        });
      });

      it('records many 304s in one write as recordFetchSuccess records each: validators kept or replaced, failures reset, leases ended', async () => {
        const store = await open();
        const other = 'https://other.example.com/feed.xml';
        await store.recordFetchSuccess(FEED, { etag: '"a"', lastModified: 'then', checkedAt: t(0), nextCheckAt: t(30) });
        await store.trackFeed(other);
        await store.recordFetchFailure(other, { error: 'HTTP 500', checkedAt: t(0), nextCheckAt: t(10), pause: false });
        expect(await store.claimDueFeeds({ owner: 'me', until: t(100) }, t(30), 10)).toEqual([other, FEED]);

        const at = { checkedAt: t(31), nextCheckAt: t(61) };
        await store.recordNotModified([{ url: FEED, ...at }, { url: other, etag: '"o"', ...at }, { url: 'https://untracked.example.com/x.xml', ...at }]);
        const expected = { lastCheckedAt: t(31), nextCheckAt: t(61), consecutiveFailures: 0, paused: false, pausedNoticeSent: false };
        expect(await store.getFetchState(FEED)).toStrictEqual({ url: FEED, etag: '"a"', lastModified: 'then', ...expected });
        expect(await store.getFetchState(other)).toStrictEqual({ url: other, etag: '"o"', ...expected });
        expect(await store.getFetchState('https://untracked.example.com/x.xml')).toBeUndefined();
        // The leases ended with the write: due again for anyone at the next check time (a tie, broken by URL).
        expect(await store.claimDueFeeds({ owner: 'someone else', until: t(200) }, t(61), 10)).toEqual([FEED, other]);
        await store.recordNotModified([]);
      });

      it('records each 304 with its own check times, keeps what it does not change (a pause with a reason) and ends each lease', async () => {
        const store = await open();
        const feeds = ['https://a.example.com/feed.xml', 'https://b.example.com/feed.xml', 'https://c.example.com/feed.xml'];
        for (const [i, url] of feeds.entries()) await store.recordFetchSuccess(url, { etag: `"${i}"`, checkedAt: t(0), nextCheckAt: t(10 + i) });
        expect(await store.claimDueFeeds({ owner: 'me', until: t(100) }, t(20), 10)).toEqual(feeds);
        await store.pauseFeed(feeds[2]!, 'too many new episodes');

        await store.recordNotModified([
          { url: feeds[2]!, etag: '"2"', checkedAt: t(21), nextCheckAt: t(80) },
          { url: feeds[0]!, checkedAt: t(22), nextCheckAt: t(70) },
          { url: feeds[1]!, etag: '"1 again"', checkedAt: t(23), nextCheckAt: t(60) },
        ]);
        const state = { consecutiveFailures: 0, pausedNoticeSent: false };
        expect(await store.getFetchState(feeds[0]!)).toStrictEqual({ url: feeds[0], etag: '"0"', lastCheckedAt: t(22), nextCheckAt: t(70), paused: false, ...state });
        expect(await store.getFetchState(feeds[1]!)).toStrictEqual({ url: feeds[1], etag: '"1 again"', lastCheckedAt: t(23), nextCheckAt: t(60), paused: false, ...state });
        expect(await store.getFetchState(feeds[2]!)).toStrictEqual({
          url: feeds[2], etag: '"2"', lastCheckedAt: t(21), nextCheckAt: t(80), paused: true, pauseReason: 'too many new episodes', ...state,
        });
        // Every lease ended (the paused feed is not due), each feed due at its own time, in that order.
        expect(await store.dueFeeds(t(75))).toEqual([feeds[1], feeds[0]]);
        expect(await store.claimDueFeeds({ owner: 'someone else', until: t(200) }, t(90), 10)).toEqual([feeds[1], feeds[0]]);
        await store.resumeFeed(feeds[2]!, t(91));
        expect(await store.dueFeeds(t(91))).toEqual([feeds[2]]);
      });

      it('counts consecutive failures with their backoff, pauses, and resets on success', async () => {
        let store = await open();
        await store.recordFetchSuccess(FEED, { etag: '"a"', checkedAt: t(0), nextCheckAt: t(30) });
        await store.recordFetchFailure(FEED, { error: 'HTTP 500', checkedAt: t(30), nextCheckAt: t(35), pause: false });
        const second = await store.recordFetchFailure(FEED, { error: 'timed out', checkedAt: t(35), nextCheckAt: t(45), pause: false });
        expect(second).toStrictEqual({
          url: FEED,
          etag: '"a"',
          lastCheckedAt: t(35),
          nextCheckAt: t(45),
          lastError: 'timed out',
          consecutiveFailures: 2,
          paused: false,
          pausedNoticeSent: false,
        });

        const paused = await store.recordFetchFailure(FEED, { error: 'HTTP 404', checkedAt: t(45), nextCheckAt: t(65), pause: true });
        expect([paused.consecutiveFailures, paused.paused, paused.pausedNoticeSent]).toEqual([3, true, false]);
        expect(await store.dueFeeds(t(1000))).toEqual([]);
        await store.markPausedNoticeSent(FEED);

        store = await reopen(store);
        expect(await store.getFetchState(FEED)).toMatchObject({ paused: true, pausedNoticeSent: true, consecutiveFailures: 3 });

        const back = await store.recordFetchSuccess(FEED, { checkedAt: t(70), nextCheckAt: t(100) });
        expect(back).toStrictEqual({
          url: FEED,
          etag: '"a"',
          lastCheckedAt: t(70),
          nextCheckAt: t(100),
          consecutiveFailures: 0,
          paused: false,
          pausedNoticeSent: false,
        });
      });

      it('breaks ties between due feeds by URL, byte by byte', async () => {
        const store = await open();
        for (const url of ['https://x.example/b', 'https://x.example/B', 'https://x.example/a', 'https://x.example/A']) await store.trackFeed(url);
        expect(await store.dueFeeds(t(0))).toEqual(['https://x.example/A', 'https://x.example/B', 'https://x.example/a', 'https://x.example/b']);
      });

      it('resumes a paused feed: due at once, failures reset', async () => {
        const store = await open();
        await store.recordFetchFailure(FEED, { error: 'gone', checkedAt: t(0), nextCheckAt: t(600), pause: true });
        await store.markPausedNoticeSent(FEED);
        await store.resumeFeed(FEED);
        expect(await store.dueFeeds(t(1))).toEqual([FEED]);
        expect(await store.getFetchState(FEED)).toMatchObject({ paused: false, pausedNoticeSent: false, consecutiveFailures: 0 });
      });

      it('keeps a feed paused for a reason through fetches that work, until resumed; resuming records when', async () => {
        let store = await open();
        await store.trackFeed(FEED);
        expect(await store.pauseFeed('https://untracked.example/feed.xml', 'why')).toBeUndefined();
        const paused = await store.pauseFeed(FEED, 'too many new episodes');
        expect(paused).toMatchObject({ paused: true, pauseReason: 'too many new episodes', pausedNoticeSent: false });
        await store.markPausedNoticeSent(FEED);
        // A check that was already running when it was paused does not unpause it.
        await store.recordFetchSuccess(FEED, { checkedAt: t(1), nextCheckAt: t(2) });
        store = await reopen(store);
        expect(await store.getFetchState(FEED)).toMatchObject({ paused: true, pauseReason: 'too many new episodes', pausedNoticeSent: true });
        expect(await store.dueFeeds(t(1000))).toEqual([]);

        await store.resumeFeed(FEED, t(3));
        const resumed = await store.getFetchState(FEED);
        expect(resumed).toMatchObject({ paused: false, pausedNoticeSent: false, resumedAt: t(3) });
        expect(resumed?.pauseReason).toBeUndefined();
        expect(await store.dueFeeds(t(3))).toEqual([FEED]);
      });

      it('forgets an untracked feed', async () => {
        const store = await open();
        await store.trackFeed(FEED);
        await store.setFeedCredentials(FEED, { username: 'u', password: 'p' });
        await store.untrackFeed(FEED);
        expect(await store.getFetchState(FEED)).toBeUndefined();
        expect(await store.getFeedCredentials(FEED)).toBeUndefined();
        expect(await store.dueFeeds(t(0))).toEqual([]);
      });

      it("keeps a feed's credentials apart from its URL, across a restart, until replaced or removed", async () => {
        let store = await open();
        await store.trackFeed(FEED);
        expect(await store.getFeedCredentials(FEED)).toBeUndefined();
        await store.setFeedCredentials(FEED, { username: 'alice', password: 'p%40ss' });
        store = await reopen(store);
        expect(await store.getFeedCredentials(FEED)).toStrictEqual({ username: 'alice', password: 'p%40ss' });
        await store.setFeedCredentials(FEED, { username: 'alice', password: 'new' });
        expect(await store.getFeedCredentials(FEED)).toStrictEqual({ username: 'alice', password: 'new' });
        await store.setFeedCredentials(FEED, undefined);
        expect(await store.getFeedCredentials(FEED)).toBeUndefined();
      });
    });

    describe('follows', () => {
      it('records the back catalogue as seen so only new episodes are unannounced', async () => {
        let store = await open();
        expect(await store.follow('guild-1', FEED, { seenEpisodeIds: ['e1', 'e2'], now: new Date(1000) })).toBe(true);
        expect(await store.follow('guild-1', FEED, { seenEpisodeIds: ['e3'] })).toBe(false);
        store = await reopen(store);
        expect(await store.unannouncedEpisodes('guild-1', FEED, ['e5', 'e4', 'e3', 'e2', 'e1'])).toEqual(['e5', 'e4']);
        // Another guild has seen nothing of it.
        expect(await store.unannouncedEpisodes('guild-2', FEED, ['e2', 'e1'])).toEqual(['e2', 'e1']);
        expect(await store.listFollows('guild-1')).toStrictEqual([{ guildId: 'guild-1', feedUrl: FEED, followedAt: new Date(1000) }]);
      });

      it('tracks a followed feed so it is polled', async () => {
        const store = await open();
        await store.follow('guild-1', FEED, { seenEpisodeIds: [] });
        expect(await store.dueFeeds(new Date())).toEqual([FEED]);
      });

      it('lists followers of a feed and the follows of a guild', async () => {
        const store = await open();
        await store.follow('guild-2', FEED, { seenEpisodeIds: [], now: new Date(1) });
        await store.follow('guild-1', FEED, { seenEpisodeIds: [], now: new Date(2) });
        await store.follow('guild-1', MOVED, { seenEpisodeIds: [], now: new Date(3) });
        expect(await store.followersOf(FEED)).toEqual(['guild-1', 'guild-2']);
        expect((await store.listFollows('guild-1')).map((f) => f.feedUrl)).toEqual([FEED, MOVED]);
        expect(await store.listFollows('guild-3')).toEqual([]);
      });

      it('lists followers in byte order of their ids', async () => {
        const store = await open();
        for (const guild of ['guild-b', 'guild-B', 'guild-a', 'guild-A', 'guild-10', 'guild-9']) await store.follow(guild, FEED, { seenEpisodeIds: [] });
        expect(await store.followersOf(FEED)).toEqual(['guild-10', 'guild-9', 'guild-A', 'guild-B', 'guild-a', 'guild-b']);
      });

      it("gives every feed's followers in one read, as followersOf gives each feed's", async () => {
        const store = await open();
        expect(await store.allFollowers()).toEqual(new Map());
        for (const guild of ['guild-b', 'guild-B', 'guild-a']) await store.follow(guild, FEED, { seenEpisodeIds: [] });
        await store.follow('guild-a', MOVED, { seenEpisodeIds: [] });
        await store.follow('guild-c', MOVED, { seenEpisodeIds: [] });
        await store.unfollow('guild-c', MOVED);
        const all = await store.allFollowers();
        expect([...all]).toStrictEqual([
          [FEED, ['guild-B', 'guild-a', 'guild-b']],
          [MOVED, ['guild-a']],
        ]);
        for (const [feed, guilds] of all) expect(await store.followersOf(feed)).toStrictEqual(guilds);
      });

      it('unfollows: the follow, its seen marks and its settings override go; the ledger stays', async () => {
        const store = await open();
        await store.follow('guild-1', FEED, { seenEpisodeIds: ['e1'] });
        await store.setAnnouncementSettings('guild-1', { channelId: 'c2', publish: false, enabled: true }, FEED);
        await store.recordIntent('guild-1', FEED, 'e2', 'c1', 'n-e2');
        await store.markSent('guild-1', FEED, 'e2', 'm-e2');
        expect(await store.unfollow('guild-1', FEED)).toBe(true);
        expect(await store.unfollow('guild-1', FEED)).toBe(false);
        expect(await store.followersOf(FEED)).toEqual([]);
        expect(await store.getAnnouncementSettings('guild-1', FEED)).toBeUndefined();
        expect(await store.unannouncedEpisodes('guild-1', FEED, ['e2', 'e1'])).toEqual(['e1']);
        expect(await store.wasAnnounced('guild-1', FEED, 'e2')).toBe(true);
      });

      it('marks episodes seen without announcing them', async () => {
        const store = await open();
        await store.markSeen('guild-1', FEED, ['e1', 'e1', 'e2']);
        expect(await store.unannouncedEpisodes('guild-1', FEED, ['e3', 'e2', 'e1'])).toEqual(['e3']);
        expect(await store.wasAnnounced('guild-1', FEED, 'e1')).toBe(false);
      });
    });

    describe('announcement settings', () => {
      it('applies a per-podcast override over the guild default', async () => {
        let store = await open();
        const defaults = { channelId: 'news', roleId: 'listeners', publish: true, enabled: true };
        const override = { channelId: 'show-channel', publish: false, enabled: false };
        expect(await store.effectiveAnnouncementSettings('guild-1', FEED)).toBeUndefined();
        await store.setAnnouncementSettings('guild-1', defaults);
        await store.setAnnouncementSettings('guild-1', override, FEED);
        store = await reopen(store);
        expect(await store.getAnnouncementSettings('guild-1')).toStrictEqual(defaults);
        expect(await store.getAnnouncementSettings('guild-1', FEED)).toStrictEqual(override);
        expect(await store.effectiveAnnouncementSettings('guild-1', FEED)).toStrictEqual(override);
        expect(await store.effectiveAnnouncementSettings('guild-1', MOVED)).toStrictEqual(defaults);

        expect(await store.clearAnnouncementSettings('guild-1', FEED)).toBe(true);
        expect(await store.effectiveAnnouncementSettings('guild-1', FEED)).toStrictEqual(defaults);
        await store.setAnnouncementSettings('guild-1', { channelId: 'news', publish: false, enabled: true });
        expect(await store.getAnnouncementSettings('guild-1')).toStrictEqual({ channelId: 'news', publish: false, enabled: true });
      });
    });

    describe('announcements ledger', () => {
      it('records an intent once: the second call returns the first row and its nonce', async () => {
        let store = await open();
        const first = await store.recordIntent('guild-1', FEED, 'e1', 'chan', 'nonce-1', new Date(5000));
        expect(first).toStrictEqual({
          created: true,
          announcement: { guildId: 'guild-1', podcastId: FEED, episodeId: 'e1', channelId: 'chan', nonce: 'nonce-1', intendedAt: new Date(5000), attempts: 0 },
        });
        store = await reopen(store);
        const second = await store.recordIntent('guild-1', FEED, 'e1', 'other-chan', 'nonce-2', new Date(6000));
        expect(second).toStrictEqual({ created: false, announcement: first.announcement });
        // Same episode, another guild: its own row.
        expect((await store.recordIntent('guild-2', FEED, 'e1', 'chan', 'nonce-3')).created).toBe(true);
      });

      it('lists intents without a sent mark for reconciliation, until they are sent', async () => {
        let store = await open();
        await store.recordIntent('guild-1', FEED, 'e1', 'chan', 'n1', new Date(1));
        await store.recordIntent('guild-1', FEED, 'e2', 'chan', 'n2', new Date(2));
        expect(await store.wasAnnounced('guild-1', FEED, 'e1')).toBe(false);
        // A pending intent is not "unannounced": it must be reconciled, not posted afresh.
        expect(await store.unannouncedEpisodes('guild-1', FEED, ['e3', 'e2', 'e1'])).toEqual(['e3']);

        store = await reopen(store);
        expect((await store.pendingIntents()).map((a) => a.nonce)).toEqual(['n1', 'n2']);
        expect(await store.markSent('guild-1', FEED, 'e1', 'msg-1', new Date(10))).toBe(true);
        expect(await store.wasAnnounced('guild-1', FEED, 'e1')).toBe(true);
        expect(await store.getAnnouncement('guild-1', FEED, 'e1')).toStrictEqual({
          guildId: 'guild-1',
          podcastId: FEED,
          episodeId: 'e1',
          channelId: 'chan',
          nonce: 'n1',
          intendedAt: new Date(1),
          messageId: 'msg-1',
          sentAt: new Date(10),
          attempts: 0,
        });
        expect((await store.pendingIntents()).map((a) => a.episodeId)).toEqual(['e2']);
        const again = await store.recordIntent('guild-1', FEED, 'e1', 'chan', 'n9');
        expect([again.created, again.announcement.messageId]).toEqual([false, 'msg-1']);
      });

      it('keeps failed posts pending with their reason until due, and gives them up without dropping them', async () => {
        let store = await open();
        const at = (ms: number) => new Date(ms);
        await store.recordIntent('guild-1', FEED, 'e1', 'chan', 'n1', at(1));
        await store.recordIntent('guild-1', FEED, 'e2', 'chan', 'n2', at(2));
        const failed = await store.recordPostFailure('guild-1', FEED, 'e1', { error: 'Missing Access (50001)', at: at(10), retryAt: at(100) });
        expect(failed).toMatchObject({ attempts: 1, lastAttemptAt: at(10), nextAttemptAt: at(100), lastError: 'Missing Access (50001)' });
        expect(failed?.failedAt).toBeUndefined();
        // Pending, but not due before its next attempt; still not "unannounced".
        expect((await store.pendingIntents()).map((a) => a.episodeId)).toEqual(['e1', 'e2']);
        expect((await store.pendingIntents(at(50))).map((a) => a.episodeId)).toEqual(['e2']);
        expect((await store.pendingIntents(at(100))).map((a) => a.episodeId)).toEqual(['e1', 'e2']);
        expect(await store.unannouncedEpisodes('guild-1', FEED, ['e1', 'e2', 'e3'])).toEqual(['e3']);

        store = await reopen(store);
        const given = await store.recordPostFailure('guild-1', FEED, 'e1', { error: 'Invalid Form Body (50035)', at: at(200) });
        expect(given).toMatchObject({ attempts: 2, failedAt: at(200), lastError: 'Invalid Form Body (50035)' });
        expect((await store.pendingIntents()).map((a) => a.episodeId)).toEqual(['e2']);
        expect(await store.unannouncedEpisodes('guild-1', FEED, ['e1'])).toEqual([]);
        expect(await store.wasAnnounced('guild-1', FEED, 'e1')).toBe(false);
        // A sent post has no failure to record.
        await store.markSent('guild-1', FEED, 'e2', 'm2', at(300));
        expect(await store.recordPostFailure('guild-1', FEED, 'e2', { error: 'late', at: at(301) })).toBeUndefined();
        expect(await store.getAnnouncement('guild-1', FEED, 'e2')).toMatchObject({ attempts: 0, messageId: 'm2' });

        // /feed list: the given-up one while it is recent enough.
        expect((await store.announcementIssues('guild-1', at(100))).map((a) => a.episodeId)).toEqual(['e1']);
        expect(await store.announcementIssues('guild-1', at(201))).toEqual([]);
        expect(await store.announcementIssues('guild-2', at(0))).toEqual([]);
      });

      it('owes a publish from markSent on, retries it when due, and ends it done or given up', async () => {
        const store = await open();
        const at = (ms: number) => new Date(ms);
        await store.recordIntent('guild-1', FEED, 'e1', 'news', 'n1', at(1));
        await store.recordIntent('guild-1', FEED, 'e2', 'news', 'n2', at(2));
        await store.recordIntent('guild-1', FEED, 'e3', 'text', 'n3', at(3));
        await store.markSent('guild-1', FEED, 'e1', 'm1', at(10), { publish: true });
        await store.markSent('guild-1', FEED, 'e2', 'm2', at(11), { publish: true });
        await store.markSent('guild-1', FEED, 'e3', 'm3', at(12));
        expect((await store.pendingPublishes()).map((a) => a.episodeId)).toEqual(['e1', 'e2']);
        expect((await store.getAnnouncement('guild-1', FEED, 'e3'))?.publish).toBeUndefined();

        await store.recordPublishFailure('guild-1', FEED, 'e1', { error: 'HTTP 500', at: at(20), retryAt: at(80) });
        expect((await store.pendingPublishes(at(50))).map((a) => a.episodeId)).toEqual(['e2']);
        expect((await store.getAnnouncement('guild-1', FEED, 'e1'))?.publish).toStrictEqual({ status: 'pending', attempts: 1, nextAttemptAt: at(80), lastError: 'HTTP 500' });
        expect((await store.announcementIssues('guild-1', at(0))).map((a) => a.episodeId)).toEqual(['e1']);

        await store.markPublished('guild-1', FEED, 'e1');
        await store.recordPublishFailure('guild-1', FEED, 'e2', { error: 'refused', at: at(30) });
        expect(await store.pendingPublishes()).toEqual([]);
        expect((await store.getAnnouncement('guild-1', FEED, 'e1'))?.publish?.status).toBe('done');
        expect((await store.getAnnouncement('guild-1', FEED, 'e2'))?.publish).toMatchObject({ status: 'failed', attempts: 1, lastError: 'refused' });
        expect((await store.announcementIssues('guild-1', at(0))).map((a) => a.episodeId)).toEqual(['e2']);
      });

      it('lists a guild\'s issues latest attempt first, ties by podcast then episode, byte by byte', async () => {
        const store = await open();
        const at = (ms: number) => new Date(ms);
        for (const episode of ['e-b', 'e-B', 'e-a', 'e-old']) await store.recordIntent('guild-1', FEED, episode, 'chan', `n-${episode}`, at(1));
        await store.recordIntent('guild-1', MOVED, 'e-z', 'chan', 'n-moved', at(1));
        await store.recordPostFailure('guild-1', FEED, 'e-old', { error: 'x', at: at(5), retryAt: at(500) });
        for (const episode of ['e-b', 'e-B', 'e-a']) await store.recordPostFailure('guild-1', FEED, episode, { error: 'x', at: at(9) });
        await store.recordPostFailure('guild-1', MOVED, 'e-z', { error: 'x', at: at(9), retryAt: at(500) });
        // FEED (feeds.example.com) sorts before MOVED (new.example.com).
        expect((await store.announcementIssues('guild-1', at(0))).map((a) => a.episodeId)).toEqual(['e-B', 'e-a', 'e-b', 'e-z', 'e-old']);
      });

      it('counts a guild\'s ledger rows for a podcast since a time, whatever their state', async () => {
        const store = await open();
        const at = (ms: number) => new Date(ms);
        await store.recordIntent('guild-1', FEED, 'e1', 'chan', 'n1', at(10));
        await store.recordIntent('guild-1', FEED, 'summary:3:x', 'chan', 'n2', at(20));
        await store.recordIntent('guild-1', FEED, 'e2', 'chan', 'n3', at(30));
        await store.markSent('guild-1', FEED, 'e1', 'm1', at(11));
        await store.recordPostFailure('guild-1', FEED, 'e2', { error: 'x', at: at(31) });
        await store.recordIntent('guild-2', FEED, 'e1', 'chan', 'n4', at(30));
        await store.recordIntent('guild-1', MOVED, 'e1', 'chan', 'n5', at(30));
        expect(await store.announcementsSince('guild-1', FEED, at(0))).toBe(3);
        expect(await store.announcementsSince('guild-1', FEED, at(20))).toBe(2);
        expect(await store.announcementsSince('guild-1', FEED, at(31))).toBe(0);
      });

      it('records one intent when two stores race for the same episode, and every caller gets its nonce', async () => {
        const first = await open();
        const second = await open();
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? first : second).recordIntent('guild-1', FEED, 'e1', 'chan', `nonce-${i}`)),
        );
        expect(results.filter((r) => r.created)).toHaveLength(1);
        const nonce = results.find((r) => r.created)?.announcement.nonce;
        expect(new Set(results.map((r) => r.announcement.nonce))).toEqual(new Set([nonce]));
        expect((await second.pendingIntents()).map((a) => a.nonce)).toEqual([nonce]);
      });

      it('refuses to mark sent what was never intended, and cancels only unsent intents', async () => {
        const store = await open();
        expect(await store.markSent('guild-1', FEED, 'nope', 'msg')).toBe(false);
        await store.recordIntent('guild-1', FEED, 'e1', 'chan', 'n1');
        await store.recordIntent('guild-1', FEED, 'e2', 'chan', 'n2');
        await store.markSent('guild-1', FEED, 'e2', 'msg-2');
        expect(await store.cancelIntent('guild-1', FEED, 'e1')).toBe(true);
        expect(await store.cancelIntent('guild-1', FEED, 'e2')).toBe(false);
        expect(await store.pendingIntents()).toEqual([]);
        expect(await store.unannouncedEpisodes('guild-1', FEED, ['e2', 'e1'])).toEqual(['e1']);
      });
    });

    describe('several processes: feed leases', () => {
      const t = (seconds: number): Date => new Date(Date.UTC(2024, 0, 1, 0, 0, seconds));
      const lease = (owner: string, untilSeconds: number) => ({ owner, until: t(untilSeconds) });
      const feed = (n: number): string => `https://feeds.example.com/${String(n).padStart(3, '0')}.xml`;

      it('gives each due feed to one owner at a time, most overdue first, until the lease expires', async () => {
        const store = await open();
        for (let n = 0; n < 5; n++) await store.recordFetchSuccess(feed(n), { checkedAt: t(0), nextCheckAt: t(10 - n) });
        await store.trackFeed(feed(9)); // never checked: first
        await store.recordFetchFailure(feed(7), { error: 'gone', checkedAt: t(0), nextCheckAt: t(1), pause: true });

        expect(await store.claimDueFeeds(lease('a', 60), t(20), 3)).toEqual([feed(9), feed(4), feed(3)]);
        expect(await store.claimDueFeeds(lease('b', 60), t(20), 10)).toEqual([feed(2), feed(1), feed(0)]);
        // Leased feeds are not due for anyone, not even their owner; the paused one is never handed out.
        expect(await store.claimDueFeeds(lease('a', 60), t(20), 10)).toEqual([]);
        expect(await store.dueFeeds(t(20))).toEqual([]);
        // Expired: anyone may take them again.
        expect(await store.dueFeeds(t(60))).toEqual([feed(9), feed(4), feed(3), feed(2), feed(1), feed(0)]);
        expect(await store.claimDueFeeds(lease('c', 120), t(60), 2)).toEqual([feed(9), feed(4)]);
      });

      it('ends a lease with the check\'s result, so the next check waits for the poll interval or the backoff', async () => {
        const store = await open();
        await store.trackFeed(feed(1));
        await store.trackFeed(feed(2));
        expect(await store.claimDueFeeds(lease('a', 60), t(0), 10)).toEqual([feed(1), feed(2)]);
        await store.recordFetchSuccess(feed(1), { checkedAt: t(1), nextCheckAt: t(600) });
        await store.recordFetchFailure(feed(2), { error: 'HTTP 500', checkedAt: t(1), nextCheckAt: t(1200), pause: false });
        expect(await store.claimDueFeeds(lease('b', 90), t(61), 10)).toEqual([]);
        expect(await store.claimDueFeeds(lease('b', 700), t(600), 10)).toEqual([feed(1)]);
        await store.recordFetchSuccess(feed(1), { checkedAt: t(601), nextCheckAt: t(1800) });
        expect(await store.claimDueFeeds(lease('c', 1300), t(1200), 10)).toEqual([feed(2)]);
      });

      it('gives a lease back only for its owner, and renews only what the owner still holds', async () => {
        const store = await open();
        for (const n of [1, 2, 3]) await store.trackFeed(feed(n));
        expect(await store.claimDueFeeds(lease('a', 10), t(0), 2)).toEqual([feed(1), feed(2)]);
        await store.releaseFeed(feed(1), 'b');
        expect(await store.dueFeeds(t(5))).toEqual([feed(3)]);
        await store.releaseFeed(feed(1), 'a');
        expect(await store.dueFeeds(t(5))).toEqual([feed(1), feed(3)]);
        // feed 2 renewed to 30 s; feed 1, no longer held, is not taken back by a renewal.
        await store.renewLeases(lease('a', 30), { feeds: [feed(1), feed(2)], announcements: [] });
        expect(await store.dueFeeds(t(20))).toEqual([feed(1), feed(3)]);
        expect(await store.dueFeeds(t(30))).toEqual([feed(1), feed(2), feed(3)]);
      });

      it('never gives one feed to two stores claiming at the same time', async () => {
        const first = await open();
        const second = await open();
        for (let n = 0; n < 60; n++) await first.trackFeed(feed(n));
        const claims = await Promise.all(
          Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? first : second).claimDueFeeds(lease(`owner-${i}`, 60), t(0), 7)),
        );
        const all = claims.flat();
        expect(new Set(all).size).toBe(all.length);
        expect(all.length).toBe(60);
      });

      it('keeps a feed owing announcements from its first mark until a pass that started after it', async () => {
        let store = await open();
        await store.trackFeed(feed(1));
        await store.trackFeed(feed(2));
        await store.oweAnnouncements(feed(1), t(10));
        await store.oweAnnouncements(feed(1), t(20));
        await store.oweAnnouncements(feed(2), t(15));
        await store.oweAnnouncements('https://untracked.example/feed.xml', t(1));
        store = await reopen(store);
        expect(await store.feedsOwedAnnouncements(t(9))).toEqual([]);
        expect(await store.feedsOwedAnnouncements(t(30))).toEqual([feed(1), feed(2)]);
        // A pass that started before the mark does not settle it; one after does.
        await store.settleAnnouncements(feed(1), t(5));
        await store.settleAnnouncements(feed(2), t(15));
        expect(await store.feedsOwedAnnouncements(t(30))).toEqual([feed(1)]);
        await store.settleAnnouncements(feed(1), t(25));
        expect(await store.feedsOwedAnnouncements(t(30))).toEqual([]);
      });

      it('keeps a registry of processes with their last sign of life; an ended one gives back all it held', async () => {
        let store = await open();
        const process = { id: 'host:1:a', role: 'worker', host: 'host', pid: 1, startedAt: t(0), lastSeen: t(0) };
        await store.heartbeat(process, t(1));
        await store.heartbeat({ ...process, id: 'host:2:b', pid: 2, role: 'all' }, t(5));
        await store.heartbeat(process, t(9));
        store = await reopen(store);
        expect(await store.processes(t(6))).toStrictEqual([{ ...process, lastSeen: t(9) }]);
        expect((await store.processes(new Date(0))).map((p) => [p.id, p.role, p.pid, p.lastSeen])).toEqual([
          ['host:1:a', 'worker', 1, t(9)],
          ['host:2:b', 'all', 2, t(5)],
        ]);

        await store.trackFeed(feed(1));
        await store.claimDueFeeds(lease('host:1:a', 60), t(10), 5);
        await store.recordIntent('guild-1', FEED, 'e1', 'chan', 'n1', t(10), lease('host:1:a', 60));
        expect(await store.claimPendingIntents(lease('host:2:b', 60), t(11), 5)).toEqual([]);
        await store.endProcess('host:1:a');
        expect(await store.processes(new Date(0))).toHaveLength(1);
        expect(await store.claimDueFeeds(lease('host:2:b', 60), t(11), 5)).toEqual([feed(1)]);
        expect((await store.claimPendingIntents(lease('host:2:b', 60), t(11), 5)).map((a) => a.episodeId)).toEqual(['e1']);
      });
    });

    describe('several processes: the outbox', () => {
      const t = (seconds: number): Date => new Date(Date.UTC(2024, 0, 1, 0, 0, seconds));
      const lease = (owner: string, untilSeconds: number) => ({ owner, until: t(untilSeconds) });

      it('records an intent claimed by its writer; another takes it only once the claim expires', async () => {
        const store = await open();
        const { created } = await store.recordIntent('guild-1', FEED, 'e1', 'chan', 'n1', t(0), lease('a', 30));
        expect(created).toBe(true);
        expect(await store.claimIntent('guild-1', FEED, 'e1', lease('b', 60), t(10))).toBeUndefined();
        expect(await store.claimPendingIntents(lease('b', 60), t(10), 10)).toEqual([]);
        // Its owner may take it again (a job run once more), and renew it.
        expect((await store.claimIntent('guild-1', FEED, 'e1', lease('a', 40), t(10)))?.nonce).toBe('n1');
        await store.renewLeases(lease('a', 50), { feeds: [], announcements: [{ guildId: 'guild-1', podcastId: FEED, episodeId: 'e1' }] });
        expect(await store.claimPendingIntents(lease('b', 90), t(45), 10)).toEqual([]);
        // The owner died: past the claim another reconciles it, with the first nonce.
        const taken = await store.claimPendingIntents(lease('b', 90), t(50), 10);
        expect(taken.map((a) => [a.episodeId, a.nonce])).toEqual([['e1', 'n1']]);
        expect(await store.claimIntent('guild-1', FEED, 'e1', lease('a', 100), t(60))).toBeUndefined();
        // Sent: nobody can take it any more.
        await store.markSent('guild-1', FEED, 'e1', 'm1', t(61));
        expect(await store.claimIntent('guild-1', FEED, 'e1', lease('c', 200), t(100))).toBeUndefined();
        expect(await store.claimPendingIntents(lease('c', 200), t(100), 10)).toEqual([]);
      });

      it('splits pending posts between processes, oldest first, leaving out what is not due, given up or paused', async () => {
        const store = await open();
        for (let n = 1; n <= 6; n++) await store.recordIntent('guild-1', FEED, `e${n}`, 'chan', `n${n}`, t(n));
        await store.recordIntent('guild-2', FEED, 'e1', 'chan-2', 'g2', t(0));
        await store.recordPostFailure('guild-1', FEED, 'e5', { error: 'HTTP 500', at: t(7), retryAt: t(100) });
        await store.recordPostFailure('guild-1', FEED, 'e6', { error: 'refused', at: t(7) });
        expect(await store.pauseGuildAnnouncements('guild-2', { reason: 'Missing Access (50001)', channelId: 'chan-2', at: t(8) })).toBe(true);

        const a = await store.claimPendingIntents(lease('a', 60), t(10), 2);
        const b = await store.claimPendingIntents(lease('b', 60), t(10), 10);
        expect(a.map((x) => x.episodeId)).toEqual(['e1', 'e2']);
        expect(b.map((x) => x.episodeId)).toEqual(['e3', 'e4']);
        // A failure ends the claim; the post is taken again once due.
        await store.recordPostFailure('guild-1', FEED, 'e1', { error: 'HTTP 502', at: t(11), retryAt: t(20) });
        expect(await store.claimPendingIntents(lease('c', 60), t(15), 10)).toEqual([]);
        expect((await store.claimPendingIntents(lease('c', 60), t(20), 10)).map((x) => x.episodeId)).toEqual(['e1']);
        // Given back unused: due for anyone at once; only the owner can give it back.
        await store.releaseIntent('guild-1', FEED, 'e2', 'b');
        await store.releaseIntent('guild-1', FEED, 'e3', 'b');
        expect((await store.claimPendingIntents(lease('c', 60), t(21), 10)).map((x) => x.episodeId)).toEqual(['e3']);
        expect((await store.pendingIntents()).map((x) => `${x.guildId}/${x.episodeId}`)).toEqual([
          'guild-2/e1', 'guild-1/e1', 'guild-1/e2', 'guild-1/e3', 'guild-1/e4', 'guild-1/e5',
        ]);
      });

      it('hands an owed publish to one process at a time', async () => {
        const store = await open();
        await store.recordIntent('guild-1', FEED, 'e1', 'news', 'n1', t(1));
        await store.markSent('guild-1', FEED, 'e1', 'm1', t(2), { publish: true });
        expect((await store.claimPendingPublishes(lease('a', 60), t(3), 5)).map((x) => x.messageId)).toEqual(['m1']);
        expect(await store.claimPendingPublishes(lease('b', 60), t(3), 5)).toEqual([]);
        await store.recordPublishFailure('guild-1', FEED, 'e1', { error: 'HTTP 500', at: t(4), retryAt: t(10) });
        expect(await store.claimPendingPublishes(lease('b', 60), t(5), 5)).toEqual([]);
        expect((await store.claimPendingPublishes(lease('b', 60), t(10), 5)).map((x) => x.episodeId)).toEqual(['e1']);
        await store.markPublished('guild-1', FEED, 'e1');
        expect(await store.claimPendingPublishes(lease('c', 600), t(100), 5)).toEqual([]);
      });

      it('owes a thread from markSent on, to one process at a time, keeps its id, and ends it done or given up', async () => {
        const store = await open();
        await store.recordIntent('guild-1', FEED, 'e1', 'text', 'n1', t(1));
        await store.recordIntent('guild-1', FEED, 'e2', 'text', 'n2', t(1));
        await store.recordIntent('guild-1', FEED, 'e3', 'text', 'n3', t(1));
        await store.markSent('guild-1', FEED, 'e1', 'm1', t(2), { thread: true });
        await store.markSent('guild-1', FEED, 'e2', 'm2', t(3), { thread: true, publish: true });
        await store.markSent('guild-1', FEED, 'e3', 'm3', t(4));
        expect((await store.getAnnouncement('guild-1', FEED, 'e1'))?.thread).toStrictEqual({ status: 'pending', attempts: 0 });
        expect((await store.getAnnouncement('guild-1', FEED, 'e3'))?.thread).toBeUndefined();

        // The row's one claim: a publish and a thread owed on one post are taken one after the other.
        expect((await store.claimPendingThreads(lease('a', 60), t(5), 5)).map((x) => x.messageId)).toEqual(['m1', 'm2']);
        expect(await store.claimPendingThreads(lease('b', 60), t(5), 5)).toEqual([]);
        expect(await store.claimPendingPublishes(lease('b', 60), t(5), 5)).toEqual([]);

        // The thread made, its chapter list not yet: the id is kept, and the claim with it.
        await store.markThreadStarted('guild-1', FEED, 'e1', 'thread-1');
        expect(await store.claimPendingThreads(lease('b', 60), t(6), 5)).toEqual([]);
        await store.recordThreadFailure('guild-1', FEED, 'e1', { error: 'HTTP 500', at: t(7), retryAt: t(20) });
        expect((await store.getAnnouncement('guild-1', FEED, 'e1'))?.thread).toStrictEqual({
          status: 'pending', attempts: 1, threadId: 'thread-1', nextAttemptAt: t(20), lastError: 'HTTP 500',
        });
        expect((await store.announcementIssues('guild-1', t(0))).map((x) => x.episodeId)).toEqual(['e1']);
        await store.releaseIntent('guild-1', FEED, 'e2', 'a');
        expect((await store.claimPendingThreads(lease('b', 60), t(10), 5)).map((x) => x.episodeId)).toEqual(['e2']);
        const due = await store.claimPendingThreads(lease('c', 60), t(70), 5);
        expect(due.map((x) => [x.episodeId, x.thread?.threadId])).toEqual([['e1', 'thread-1'], ['e2', undefined]]);

        await store.markThreadDone('guild-1', FEED, 'e1');
        await store.recordThreadFailure('guild-1', FEED, 'e2', { error: 'refused', at: t(71) });
        expect((await store.getAnnouncement('guild-1', FEED, 'e1'))?.thread).toMatchObject({ status: 'done', threadId: 'thread-1' });
        expect((await store.getAnnouncement('guild-1', FEED, 'e2'))?.thread).toMatchObject({ status: 'failed', attempts: 1, lastError: 'refused' });
        expect(await store.claimPendingThreads(lease('d', 600), t(500), 5)).toEqual([]);
        expect((await store.announcementIssues('guild-1', t(0))).map((x) => x.episodeId)).toEqual(['e2']);
        // Its publish is still owed, and now free to take.
        expect((await store.claimPendingPublishes(lease('d', 600), t(500), 5)).map((x) => x.episodeId)).toEqual(['e2']);
      });

      it('keeps a thread per episode in the settings, absent when off', async () => {
        const store = await open();
        await store.setAnnouncementSettings('guild-1', { channelId: 'c', publish: false, enabled: true, thread: true });
        await store.setAnnouncementSettings('guild-1', { channelId: 'c', publish: false, enabled: true }, FEED);
        expect(await store.getAnnouncementSettings('guild-1')).toStrictEqual({ channelId: 'c', publish: false, enabled: true, thread: true });
        expect(await store.effectiveAnnouncementSettings('guild-1', FEED)).toStrictEqual({ channelId: 'c', publish: false, enabled: true });
        expect(await store.effectiveAnnouncementSettings('guild-1', 'other')).toStrictEqual({ channelId: 'c', publish: false, enabled: true, thread: true });
      });

      it('keeps a live show per server and live item: claimed by one process at a time, its progress saved', async () => {
        const store = await open();
        const key = { guildId: 'guild-1', podcastId: FEED, liveId: 'live-1' };
        expect(await store.getLiveShow(key)).toBeUndefined();
        const taken = await store.claimLiveShow(key, { channelId: 'chan', nonce: 'nonce-1' }, lease('a', 60), t(1));
        expect(taken).toStrictEqual({ ...key, channelId: 'chan', nonce: 'nonce-1', createdAt: t(1), attempts: 0 });
        // Another process is refused while the claim lives; the first row's channel and nonce are kept.
        expect(await store.claimLiveShow(key, { channelId: 'other', nonce: 'nonce-2' }, lease('b', 60), t(2))).toBeUndefined();
        await store.saveLiveShow({ ...taken!, eventId: 'event-1', eventState: 'scheduled', attempts: 1, nextAttemptAt: t(30), lastError: 'HTTP 500', failedStep: 'post' });
        // Its own claim again (a second pass), then given back: anyone may take it.
        expect(await store.claimLiveShow(key, { channelId: 'other', nonce: 'nonce-2' }, lease('a', 90), t(3))).toMatchObject({ channelId: 'chan', eventId: 'event-1' });
        await store.releaseLiveShow(key, 'b');
        expect(await store.claimLiveShow(key, { channelId: 'other', nonce: 'nonce-2' }, lease('b', 60), t(4))).toBeUndefined();
        await store.releaseLiveShow(key, 'a');
        const second = await store.claimLiveShow(key, { channelId: 'other', nonce: 'nonce-2' }, lease('b', 60), t(5));
        expect(second).toStrictEqual({
          ...key, channelId: 'chan', nonce: 'nonce-1', createdAt: t(1), eventId: 'event-1', eventState: 'scheduled', attempts: 1, nextAttemptAt: t(30), lastError: 'HTTP 500', failedStep: 'post',
        });
        // Absent fields are cleared.
        const { nextAttemptAt: _n, lastError: _l, ...rest } = second!;
        await store.saveLiveShow({ ...rest, eventState: 'ended', liveMessageId: 'm1', liveAttemptedAt: t(6), attempts: 0, failedStep: 'event', failedAt: t(7) });
        expect(await store.getLiveShow(key)).toStrictEqual({ ...rest, eventState: 'ended', liveMessageId: 'm1', liveAttemptedAt: t(6), attempts: 0, failedStep: 'event', failedAt: t(7) });
        // An expired claim is anyone's; a process that ended gives its claims back at once.
        expect(await store.claimLiveShow(key, { channelId: 'x', nonce: 'x' }, lease('c', 600), t(65))).toBeDefined();
        await store.endProcess('c');
        expect(await store.claimLiveShow(key, { channelId: 'x', nonce: 'x' }, lease('d', 600), t(66))).toBeDefined();
        // A server that removed the bot is forgotten with its live shows; a moved feed takes them along.
        const other = { guildId: 'guild-2', podcastId: FEED, liveId: 'live-1' };
        await store.claimLiveShow(other, { channelId: 'c2', nonce: 'n2' }, lease('d', 600), t(67));
        await store.forgetGuild('guild-1');
        expect(await store.getLiveShow(key)).toBeUndefined();
        await store.renameFeed(FEED, 'https://moved.example.com/feed');
        expect(await store.getLiveShow(other)).toBeUndefined();
        expect(await store.getLiveShow({ ...other, podcastId: 'https://moved.example.com/feed' })).toMatchObject({ channelId: 'c2', nonce: 'n2' });
      });

      it('never gives one pending post to two stores claiming at the same time', async () => {
        const first = await open();
        const second = await open();
        for (let n = 0; n < 40; n++) await first.recordIntent(`guild-${n % 4}`, FEED, `e${n}`, 'chan', `n${n}`, t(n));
        const claims = await Promise.all(
          Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? first : second).claimPendingIntents(lease(`owner-${i}`, 600), t(100), 5)),
        );
        const keys = claims.flat().map((a) => `${a.guildId}/${a.episodeId}`);
        expect(new Set(keys).size).toBe(keys.length);
        expect(keys.length).toBe(40);
      });
    });

    describe('a guild whose announcements are paused', () => {
      const t = (seconds: number): Date => new Date(Date.UTC(2024, 0, 1, 0, 0, seconds));
      const lease = (owner: string, untilSeconds: number) => ({ owner, until: t(untilSeconds) });

      it('keeps the first reason, and resumes: posts for a channel no longer set are dropped, the rest are due at once', async () => {
        let store = await open();
        expect(await store.guildAnnouncementPause('guild-1')).toBeUndefined();
        expect(await store.resumeGuildAnnouncements('guild-1', t(0))).toBe(false);
        await store.setAnnouncementSettings('guild-1', { channelId: 'lost', publish: false, enabled: true });
        await store.setAnnouncementSettings('guild-1', { channelId: 'lost', publish: false, enabled: true }, MOVED);
        await store.recordIntent('guild-1', FEED, 'e1', 'lost', 'n1', t(1));
        await store.recordIntent('guild-1', MOVED, 'm1', 'lost', 'n2', t(1));
        await store.recordIntent('guild-1', FEED, 'e2', 'other', 'n3', t(1));
        await store.recordIntent('guild-1', FEED, 'e3', 'lost', 'n4', t(1), lease('worker', 100));
        await store.recordPostFailure('guild-1', FEED, 'e2', { error: 'HTTP 500', at: t(2), retryAt: t(5000) });
        const pause = { reason: 'the bot may not post there: Missing Permissions (50013)', channelId: 'lost', at: t(3) };
        expect(await store.pauseGuildAnnouncements('guild-1', pause)).toBe(true);
        expect(await store.pauseGuildAnnouncements('guild-1', { reason: 'later', channelId: 'x', at: t(4) })).toBe(false);
        store = await reopen(store);
        expect(await store.guildAnnouncementPause('guild-1')).toStrictEqual(pause);

        // A manager picks another channel for every podcast but MOVED, which stays on the lost one.
        await store.setAnnouncementSettings('guild-1', { channelId: 'new', publish: false, enabled: true });
        expect(await store.resumeGuildAnnouncements('guild-1', t(10))).toBe(true);
        expect(await store.guildAnnouncementPause('guild-1')).toBeUndefined();
        // e1 (refused channel, now sent elsewhere) is unannounced again; e3 is another process's claim: kept.
        expect(await store.getAnnouncement('guild-1', FEED, 'e1')).toBeUndefined();
        expect(await store.unannouncedEpisodes('guild-1', FEED, ['e1', 'e2', 'e3'])).toEqual(['e1']);
        expect((await store.pendingIntents(t(10))).map((a) => a.episodeId)).toEqual(['e2', 'e3', 'm1']);
      });

      it('is never handed a post while paused, and hands them out again once resumed', async () => {
        const store = await open();
        await store.setAnnouncementSettings('guild-1', { channelId: 'chan', publish: false, enabled: true });
        await store.recordIntent('guild-1', FEED, 'e1', 'chan', 'n1', t(1));
        await store.pauseGuildAnnouncements('guild-1', { reason: 'Unknown Channel (10003)', channelId: 'chan', at: t(2) });
        expect(await store.claimIntent('guild-1', FEED, 'e1', lease('a', 60), t(3))).toBeUndefined();
        expect(await store.claimPendingIntents(lease('a', 60), t(3), 5)).toEqual([]);
        await store.resumeGuildAnnouncements('guild-1', t(4));
        expect((await store.claimPendingIntents(lease('a', 60), t(4), 5)).map((a) => a.nonce)).toEqual(['n1']);
      });
    });

    describe('forgetGuild', () => {
      it('drops everything of the guild that left and nothing of another', async () => {
        let store = await open();
        for (const guild of ['guild-1', 'guild-2']) {
          await store.follow(guild, FEED, { seenEpisodeIds: ['e1'] });
          await store.follow(guild, MOVED, { seenEpisodeIds: [] });
          await store.setAnnouncementSettings(guild, { channelId: `chan-${guild}`, publish: false, enabled: true });
          await store.recordIntent(guild, FEED, 'e2', `chan-${guild}`, 'n2');
          await store.markSent(guild, FEED, 'e2', 'm2');
          await store.recordIntent(guild, FEED, 'e3', `chan-${guild}`, 'n3');
          await store.pauseGuildAnnouncements(guild, { reason: 'x', channelId: `chan-${guild}`, at: new Date(1) });
          await store.saveChannelInfo(`chan-${guild}`, { guildId: guild, kind: 'text', tags: [], fetchedAt: new Date(1) });
          await store.saveGuildLocale(guild, 'sv-SE', new Date(1));
        }
        expect(await store.forgetGuild('guild-1')).toStrictEqual({ follows: [FEED, MOVED].sort(), pendingPosts: 1 });
        store = await reopen(store);
        expect(await store.listFollows('guild-1')).toEqual([]);
        expect(await store.followersOf(FEED)).toEqual(['guild-2']);
        expect(await store.getAnnouncementSettings('guild-1')).toBeUndefined();
        expect(await store.unannouncedEpisodes('guild-1', FEED, ['e1', 'e2', 'e3'])).toEqual(['e1', 'e2', 'e3']);
        expect((await store.pendingIntents()).map((a) => a.guildId)).toEqual(['guild-2']);
        expect(await store.guildAnnouncementPause('guild-1')).toBeUndefined();
        expect(await store.getChannelInfo('chan-guild-1')).toBeUndefined();
        expect(await store.getGuildLocale('guild-1')).toBeUndefined();
        // The other guild keeps all of it; the feeds stay tracked for it.
        expect(await store.unannouncedEpisodes('guild-2', FEED, ['e1', 'e2', 'e3'])).toEqual([]);
        expect(await store.wasAnnounced('guild-2', FEED, 'e2')).toBe(true);
        expect(await store.guildAnnouncementPause('guild-2')).toMatchObject({ reason: 'x' });
        expect(await store.getChannelInfo('chan-guild-2')).toMatchObject({ guildId: 'guild-2' });
        expect(await store.getFetchState(FEED)).toBeDefined();
        expect(await store.forgetGuild('guild-1')).toStrictEqual({ follows: [], pendingPosts: 0 });
      });
    });

    describe('what workers read of Discord', () => {
      it('keeps channels and guild locales with when they were read, replaced when read again, dropped on demand', async () => {
        let store = await open();
        const forum = {
          guildId: 'guild-1',
          kind: 'forum' as const,
          tags: [{ id: 't1', name: 'Episode' }, { id: 't2', name: 'Discussion' }],
          fetchedAt: new Date(1000),
        };
        await store.saveChannelInfo('forum-1', forum);
        await store.saveChannelInfo('text-1', { guildId: 'guild-1', kind: 'text', tags: [], fetchedAt: new Date(1000) });
        await store.saveChannelInfo('text-1', { guildId: 'guild-1', kind: 'news', tags: [], fetchedAt: new Date(2000) });
        await store.saveGuildLocale('guild-1', 'sv-SE', new Date(3000));
        store = await reopen(store);
        expect(await store.getChannelInfo('forum-1')).toStrictEqual(forum);
        expect(await store.getChannelInfo('text-1')).toStrictEqual({ guildId: 'guild-1', kind: 'news', tags: [], fetchedAt: new Date(2000) });
        expect(await store.getGuildLocale('guild-1')).toStrictEqual({ locale: 'sv-SE', fetchedAt: new Date(3000) });
        await store.dropChannelInfo('forum-1');
        expect(await store.getChannelInfo('forum-1')).toBeUndefined();
        expect(await store.getGuildLocale('guild-2')).toBeUndefined();
      });

      it('loads one podcast as the catalogue has it', async () => {
        const store = await open();
        await store.savePodcast(podcast, [fullEpisode, bareEpisode('guid-2')]);
        expect(await store.loadPodcast(FEED)).toStrictEqual({ podcast, episodes: [fullEpisode, bareEpisode('guid-2')] });
        expect(await store.loadPodcast(MOVED)).toBeUndefined();
      });
    });

    describe('renameFeed', () => {
      it('moves everything recorded under the old URL to the new one', async () => {
        let store = await open();
        await store.savePodcast(podcast, [fullEpisode, bareEpisode('e1')]);
        await store.follow('guild-1', FEED, { seenEpisodeIds: ['e1'], now: new Date(7) });
        await store.recordFetchSuccess(FEED, { etag: '"a"', checkedAt: new Date(1), nextCheckAt: new Date(2) });
        await store.recordIntent('guild-1', FEED, fullEpisode.id, 'chan', 'n1');
        await store.setAnnouncementSettings('guild-1', { channelId: 'c', publish: false, enabled: true }, FEED);
        await store.saveChapters(FEED, fullEpisode.id, { sourceUrl: 'x', chapters: [], fetchedAt: new Date(3) });
        await store.setFeedCredentials(FEED, { username: 'u', password: 'p' });

        await store.renameFeed(FEED, MOVED);
        store = await reopen(store);
        // Credentials belong to the address they were given for: never carried to another.
        expect(await store.getFeedCredentials(FEED)).toBeUndefined();
        expect(await store.getFeedCredentials(MOVED)).toBeUndefined();

        expect(await store.loadCatalog()).toStrictEqual([
          { podcast: { ...podcast, id: MOVED, feedUrl: MOVED }, episodes: [fullEpisode, bareEpisode('e1')] },
        ]);
        expect(await store.getFetchState(FEED)).toBeUndefined();
        expect(await store.getFetchState(MOVED)).toMatchObject({ url: MOVED, etag: '"a"' });
        expect(await store.followersOf(FEED)).toEqual([]);
        expect(await store.listFollows('guild-1')).toStrictEqual([{ guildId: 'guild-1', feedUrl: MOVED, followedAt: new Date(7) }]);
        expect(await store.unannouncedEpisodes('guild-1', MOVED, [fullEpisode.id, 'e1', 'new'])).toEqual(['new']);
        expect((await store.pendingIntents()).map((a) => a.podcastId)).toEqual([MOVED]);
        expect(await store.getAnnouncementSettings('guild-1', MOVED)).toMatchObject({ channelId: 'c' });
        expect(await store.getChapters(MOVED, fullEpisode.id)).toMatchObject({ sourceUrl: 'x' });
        expect(await store.dueFeeds(new Date(5))).toEqual([MOVED]);
      });

      it('merges into a feed already known under the new URL, keeping its records', async () => {
        const store = await open();
        const movedPodcast = { ...podcast, id: MOVED, feedUrl: MOVED };
        await store.savePodcast(podcast, [bareEpisode('old')]);
        await store.savePodcast(movedPodcast, [bareEpisode('new')]);
        await store.follow('guild-1', FEED, { seenEpisodeIds: [], now: new Date(1) });
        await store.follow('guild-1', MOVED, { seenEpisodeIds: [], now: new Date(2) });
        await store.follow('guild-2', FEED, { seenEpisodeIds: [], now: new Date(3) });
        await store.recordIntent('guild-1', FEED, 'e', 'chan', 'old-nonce');
        await store.recordIntent('guild-1', MOVED, 'e', 'chan', 'new-nonce');

        await store.renameFeed(FEED, MOVED);
        expect(await store.loadCatalog()).toStrictEqual([{ podcast: movedPodcast, episodes: [bareEpisode('new')] }]);
        expect(await store.followersOf(MOVED)).toEqual(['guild-1', 'guild-2']);
        expect(await store.listFollows('guild-1')).toStrictEqual([{ guildId: 'guild-1', feedUrl: MOVED, followedAt: new Date(2) }]);
        expect((await store.pendingIntents()).map((a) => a.nonce)).toEqual(['new-nonce']);
      });
    });
  });
}
