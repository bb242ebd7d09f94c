import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Episode, Podcast } from '../../src/data/model.js';
import { migrations } from '../../src/store/migrations.js';
import { openSqliteStore, parseSqliteUrl, type SqliteStore } from '../../src/store/SqliteStore.js';

const FEED = 'https://feeds.example.com/show.xml';
const MOVED = 'https://new.example.com/show.xml';

const podcast: Podcast = {
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

const fullEpisode: Episode = {
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
const bareEpisode = (id: string, title = `Episode ${id}`): Episode => ({
  id,
  title,
  description: '',
  transcripts: [],
  chapters: [],
});

let dir: string;
const stores: SqliteStore[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'podcord-store-'));
});
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(url = `sqlite:${path.join(dir, 'podcord.db')}`): SqliteStore {
  const result = openSqliteStore(url, { baseDir: dir });
  if (!result.ok) throw new Error(result.error);
  stores.push(result.value);
  return result.value;
}

async function reopen(store: SqliteStore, url?: string): Promise<SqliteStore> {
  await store.close();
  return open(url);
}

describe('openSqliteStore', () => {
  it('creates the directory of a relative sqlite: path under the base directory', () => {
    open('sqlite:data/nested/podcord.db');
    expect(existsSync(path.join(dir, 'data', 'nested', 'podcord.db'))).toBe(true);
  });

  it('opens an absolute sqlite: path, with or without //', () => {
    open(`sqlite:${path.join(dir, 'a.db')}`);
    open(`sqlite://${path.join(dir, 'b.db')}`);
    expect(existsSync(path.join(dir, 'a.db'))).toBe(true);
    expect(existsSync(path.join(dir, 'b.db'))).toBe(true);
  });

  it('opens sqlite::memory: without touching the disk', async () => {
    const store = open('sqlite::memory:');
    await store.savePodcast(podcast, [bareEpisode('1')]);
    expect(await store.getEpisodeIds(FEED)).toEqual(['1']);
    expect(parseSqliteUrl('sqlite::memory:')).toEqual({ ok: true, value: ':memory:' });
  });

  it('refuses another scheme without echoing the rest of the URL', () => {
    const result = openSqliteStore('postgres://podcord:hunter2@db.internal/podcord');
    expect(result).toEqual({
      ok: false,
      error:
        'DATABASE_URL is a postgres: URL; only SQLite is supported: sqlite:data/podcord.db, sqlite:/absolute/path.db or sqlite::memory:.',
    });
  });

  it('refuses a value without a scheme and an empty sqlite: path', () => {
    const bare = openSqliteStore('data/podcord.db');
    expect(bare.ok ? '' : bare.error).toMatch(/^DATABASE_URL is a value without a scheme; only SQLite is supported/);
    const empty = openSqliteStore('sqlite:');
    expect(empty.ok ? '' : empty.error).toMatch(/names no file/);
  });

  it('reports a path that cannot be created', () => {
    const blocker = path.join(dir, 'not-a-directory');
    writeFileSync(blocker, '');
    const result = openSqliteStore(`sqlite:${blocker}/podcord.db`);
    expect(result.ok ? '' : result.error).toContain(`Could not open the database ${blocker}/podcord.db: `);
  });

  it('runs the migrations once, in WAL mode, and keeps the data on reopen', async () => {
    const file = path.join(dir, 'podcord.db');
    let store = open();
    expect(store.schemaVersion()).toBe(migrations.length);
    await store.savePodcast(podcast, [fullEpisode]);
    await store.follow('guild-1', FEED, { seenEpisodeIds: [fullEpisode.id] });

    store = await reopen(store);
    expect(store.schemaVersion()).toBe(migrations.length);
    expect(await store.getEpisodeIds(FEED)).toEqual([fullEpisode.id]);
    expect(await store.followersOf(FEED)).toEqual(['guild-1']);

    await store.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('user_version', { simple: true })).toBe(migrations.length);
    raw.close();
  });

  it('refuses a database written by a newer schema', () => {
    const file = path.join(dir, 'future.db');
    const raw = new Database(file);
    raw.pragma(`user_version = ${migrations.length + 1}`);
    raw.close();
    const result = openSqliteStore(`sqlite:${file}`);
    expect(result.ok ? '' : result.error).toMatch(/schema is version \d+, newer than this Podcord knows/);
  });

  it('enforces foreign keys', async () => {
    const store = open();
    await store.savePodcast(podcast, [bareEpisode('1')]);
    expect(await store.deletePodcast(FEED)).toBe(true);
    await store.savePodcast(podcast, []);
    expect(await store.getEpisodeIds(FEED)).toEqual([]);
  });
});

describe('catalogue', () => {
  it('round-trips podcasts and episodes deep-equal, optional fields absent', async () => {
    let store = open();
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

  it('is idempotent: saving the same feed twice stores it once', async () => {
    const store = open();
    const episodes = [fullEpisode, bareEpisode('guid-2')];
    await store.savePodcast(podcast, episodes);
    await store.savePodcast(podcast, episodes);
    expect(await store.loadCatalog()).toStrictEqual([{ podcast, episodes }]);
  });

  it('makes the stored episodes exactly the latest save, in its order', async () => {
    const store = open();
    await store.savePodcast(podcast, [bareEpisode('2'), bareEpisode('1')]);
    const renamed = { ...podcast, title: 'Renamed Show' };
    await store.savePodcast(renamed, [bareEpisode('3'), bareEpisode('2', 'Episode 2, retitled')]);
    expect(await store.getEpisodeIds(FEED)).toEqual(['3', '2']);
    expect(await store.loadCatalog()).toStrictEqual([
      { podcast: renamed, episodes: [bareEpisode('3'), bareEpisode('2', 'Episode 2, retitled')] },
    ]);
  });

  it('keeps the first of two episodes with the same id', async () => {
    const store = open();
    await store.savePodcast(podcast, [bareEpisode('1', 'first'), bareEpisode('1', 'second')]);
    expect((await store.loadCatalog())[0]?.episodes).toStrictEqual([bareEpisode('1', 'first')]);
  });

  it('returns no episode ids for an unknown podcast', async () => {
    expect(await open().getEpisodeIds('https://nowhere.example/feed')).toEqual([]);
  });
});

describe('chapters and transcripts caches', () => {
  it('round-trips fetched chapters and a parsed transcript per episode', async () => {
    let store = open();
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
    const store = open();
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
});

describe('feed fetch state', () => {
  const t = (minutes: number): Date => new Date(Date.UTC(2024, 0, 1, 0, minutes));

  it('makes a newly tracked feed due at once, and a checked one due at its next check', async () => {
    const store = open();
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
    const store = open();
    await store.recordFetchSuccess('https://b.example/feed', { checkedAt: t(0), nextCheckAt: t(10) });
    await store.recordFetchSuccess('https://a.example/feed', { checkedAt: t(0), nextCheckAt: t(20) });
    await store.trackFeed('https://c.example/feed');
    expect(await store.dueFeeds(t(60))).toEqual(['https://c.example/feed', 'https://b.example/feed', 'https://a.example/feed']);
  });

  it('keeps validators a 304 does not repeat, replaces given ones and clears null ones', async () => {
    const store = open();
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

  it('counts consecutive failures with their backoff, pauses, and resets on success', async () => {
    let store = open();
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

  it('resumes a paused feed: due at once, failures reset', async () => {
    const store = open();
    await store.recordFetchFailure(FEED, { error: 'gone', checkedAt: t(0), nextCheckAt: t(600), pause: true });
    await store.markPausedNoticeSent(FEED);
    await store.resumeFeed(FEED);
    expect(await store.dueFeeds(t(1))).toEqual([FEED]);
    expect(await store.getFetchState(FEED)).toMatchObject({ paused: false, pausedNoticeSent: false, consecutiveFailures: 0 });
  });

  it('keeps a feed paused for a reason through fetches that work, until resumed; resuming records when', async () => {
    let store = open();
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
    const store = open();
    await store.trackFeed(FEED);
    await store.untrackFeed(FEED);
    expect(await store.getFetchState(FEED)).toBeUndefined();
    expect(await store.dueFeeds(t(0))).toEqual([]);
  });
});

describe('follows', () => {
  it('records the back catalogue as seen so only new episodes are unannounced', async () => {
    let store = open();
    expect(await store.follow('guild-1', FEED, { seenEpisodeIds: ['e1', 'e2'], now: new Date(1000) })).toBe(true);
    expect(await store.follow('guild-1', FEED, { seenEpisodeIds: ['e3'] })).toBe(false);
    store = await reopen(store);
    expect(await store.unannouncedEpisodes('guild-1', FEED, ['e5', 'e4', 'e3', 'e2', 'e1'])).toEqual(['e5', 'e4']);
    // Another guild has seen nothing of it.
    expect(await store.unannouncedEpisodes('guild-2', FEED, ['e2', 'e1'])).toEqual(['e2', 'e1']);
    expect(await store.listFollows('guild-1')).toStrictEqual([{ guildId: 'guild-1', feedUrl: FEED, followedAt: new Date(1000) }]);
  });

  it('tracks a followed feed so it is polled', async () => {
    const store = open();
    await store.follow('guild-1', FEED, { seenEpisodeIds: [] });
    expect(await store.dueFeeds(new Date())).toEqual([FEED]);
  });

  it('lists followers of a feed and the follows of a guild', async () => {
    const store = open();
    await store.follow('guild-2', FEED, { seenEpisodeIds: [], now: new Date(1) });
    await store.follow('guild-1', FEED, { seenEpisodeIds: [], now: new Date(2) });
    await store.follow('guild-1', MOVED, { seenEpisodeIds: [], now: new Date(3) });
    expect(await store.followersOf(FEED)).toEqual(['guild-1', 'guild-2']);
    expect((await store.listFollows('guild-1')).map((f) => f.feedUrl)).toEqual([FEED, MOVED]);
    expect(await store.listFollows('guild-3')).toEqual([]);
  });

  it('unfollows: the follow, its seen marks and its settings override go; the ledger stays', async () => {
    const store = open();
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
    const store = open();
    await store.markSeen('guild-1', FEED, ['e1', 'e1', 'e2']);
    expect(await store.unannouncedEpisodes('guild-1', FEED, ['e3', 'e2', 'e1'])).toEqual(['e3']);
    expect(await store.wasAnnounced('guild-1', FEED, 'e1')).toBe(false);
  });
});

describe('announcement settings', () => {
  it('applies a per-podcast override over the guild default', async () => {
    let store = open();
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
    let store = open();
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
    let store = open();
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
    let store = open();
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
    const store = open();
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

  it('counts a guild\'s ledger rows for a podcast since a time, whatever their state', async () => {
    const store = open();
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

  it('brings a database of the first schema up to date with its ledger and feeds intact', async () => {
    const file = path.join(dir, 'v1.db');
    const raw = new Database(file);
    raw.exec(migrations[0]!);
    raw.pragma('user_version = 1');
    raw.prepare(`INSERT INTO feed_state (url, consecutive_failures, paused, paused_notice_sent) VALUES (?, 8, 1, 1)`).run(FEED);
    raw.prepare(`INSERT INTO announcements (guild_id, podcast_id, episode_id, channel_id, nonce, intended_at, message_id, sent_at)
                 VALUES ('guild-1', ?, 'e1', 'chan', 'n1', 1, 'm1', 2), ('guild-1', ?, 'e2', 'chan', 'n2', 3, NULL, NULL)`).run(FEED, FEED);
    raw.close();

    const store = open(`sqlite:${file}`);
    expect(store.schemaVersion()).toBe(migrations.length);
    expect(await store.getFetchState(FEED)).toMatchObject({ paused: true, pausedNoticeSent: true, consecutiveFailures: 8 });
    expect((await store.getFetchState(FEED))?.pauseReason).toBeUndefined();
    expect(await store.getAnnouncement('guild-1', FEED, 'e1')).toStrictEqual({
      guildId: 'guild-1', podcastId: FEED, episodeId: 'e1', channelId: 'chan', nonce: 'n1', intendedAt: new Date(1), messageId: 'm1', sentAt: new Date(2), attempts: 0,
    });
    expect((await store.pendingIntents(new Date(4))).map((a) => a.episodeId)).toEqual(['e2']);
    expect(await store.pendingPublishes()).toEqual([]);
    // A failure pause is still lifted by a fetch that works.
    await store.recordFetchSuccess(FEED, { checkedAt: new Date(5), nextCheckAt: new Date(6) });
    expect(await store.getFetchState(FEED)).toMatchObject({ paused: false });
  });

  it('refuses to mark sent what was never intended, and cancels only unsent intents', async () => {
    const store = open();
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

describe('renameFeed', () => {
  it('moves everything recorded under the old URL to the new one', async () => {
    let store = open();
    await store.savePodcast(podcast, [fullEpisode, bareEpisode('e1')]);
    await store.follow('guild-1', FEED, { seenEpisodeIds: ['e1'], now: new Date(7) });
    await store.recordFetchSuccess(FEED, { etag: '"a"', checkedAt: new Date(1), nextCheckAt: new Date(2) });
    await store.recordIntent('guild-1', FEED, fullEpisode.id, 'chan', 'n1');
    await store.setAnnouncementSettings('guild-1', { channelId: 'c', publish: false, enabled: true }, FEED);
    await store.saveChapters(FEED, fullEpisode.id, { sourceUrl: 'x', chapters: [], fetchedAt: new Date(3) });

    await store.renameFeed(FEED, MOVED);
    store = await reopen(store);

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
    const store = open();
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
