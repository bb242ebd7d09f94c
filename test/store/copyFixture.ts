import type { Podcast } from '../../src/data/model.js';
import type { Store } from '../../src/store/Store.js';
import type { TableAccess } from '../../src/store/TableAccess.js';
import { COPIED_TABLES } from '../../src/store/copyStore.js';
import { FEED, bareEpisode, fullEpisode, podcast } from './storeContract.js';

/**
 * A database as a bot leaves it, filled only through the Store's own methods (the paths the bot writes by), and every
 * answer the Store gives about it: what a copy must reproduce exactly.
 */

export const OTHER_FEED = 'https://other.example.org/feed.rss';
export const QUIET_FEED = 'https://quiet.example.net/rss';
export const GUILDS = ['guild-1', 'guild-2', 'guild-B', 'guild-a'] as const;
/** Enough episodes that every batch size the copy uses is crossed (1000 by default). */
export const LONG_FEED_EPISODES = 2500;

const otherPodcast: Podcast = { id: OTHER_FEED, feedUrl: OTHER_FEED, title: 'Ünïcödé 🎙️ "Other" Show', categories: ['Arts'] };
const quietPodcast: Podcast = { id: QUIET_FEED, feedUrl: QUIET_FEED, title: 'A quiet show with no episodes yet', categories: [] };
const at = (minute: number): Date => new Date(Date.UTC(2024, 4, 1, 12, minute, 0, 123));

export const longFeed = [fullEpisode, ...Array.from({ length: LONG_FEED_EPISODES - 1 }, (_, i) => bareEpisode(`e${LONG_FEED_EPISODES - 1 - i}`))];
const otherEpisodes = [bareEpisode('o3', 'Third — with "quotes" \\ and 100%'), bareEpisode('o2'), bareEpisode('o1')];

/** Fills `store` as a bot that ran for a while would have: every table gets rows, every ledger state occurs. */
export async function fillAsTheBotDoes(store: Store): Promise<void> {
  // Catalogue.
  await store.savePodcast(podcast, longFeed);
  await store.savePodcast(otherPodcast, otherEpisodes);
  await store.savePodcast(quietPodcast, []);

  // Caches of side files.
  await store.saveChapters(FEED, fullEpisode.id, { sourceUrl: fullEpisode.chaptersUrl ?? '', chapters: fullEpisode.chapters, fetchedAt: at(1) });
  await store.saveTranscript(FEED, fullEpisode.id, {
    sourceUrl: 'https://example.com/3.vtt',
    type: 'text/vtt',
    language: 'en',
    segments: [
      { startSeconds: 0, endSeconds: 4.5, speaker: 'Host', text: 'Welcome — a NUL \u0000 inside JSON.' },
      { startSeconds: 4.5, text: 'Today: examples.' },
    ],
    fetchedAt: at(2),
  });
  await store.saveTranscript(OTHER_FEED, 'o3', { sourceUrl: 'https://other.example.org/o3.srt', type: 'application/srt', segments: [], fetchedAt: at(3) });

  // Follows with the back catalogue seen, and fetch state: validators, failures, a pause with a reason, a resume.
  await store.follow('guild-1', FEED, { seenEpisodeIds: longFeed.slice(3).map((e) => e.id), now: at(4) });
  await store.follow('guild-2', FEED, { seenEpisodeIds: longFeed.slice(1).map((e) => e.id), now: at(5) });
  await store.follow('guild-1', OTHER_FEED, { seenEpisodeIds: ['o1', 'o2'], now: at(6) });
  await store.follow('guild-B', QUIET_FEED, { seenEpisodeIds: [], now: at(7) });
  await store.follow('guild-a', OTHER_FEED, { seenEpisodeIds: ['o1'], now: at(7) });
  await store.markSeen('guild-a', OTHER_FEED, ['o2']);
  await store.recordFetchSuccess(FEED, { etag: '"v1-abc"', lastModified: 'Wed, 01 May 2024 12:00:00 GMT', checkedAt: at(10), nextCheckAt: at(20) });
  await store.recordFetchSuccess(OTHER_FEED, { etag: 'W/"other"', checkedAt: at(10), nextCheckAt: at(25) });
  await store.recordFetchFailure(OTHER_FEED, { error: 'HTTP 503', checkedAt: at(25), nextCheckAt: at(30), pause: false });
  await store.recordFetchFailure(OTHER_FEED, { error: 'timed out after 20 s', checkedAt: at(30), nextCheckAt: at(40), pause: false });
  await store.pauseFeed(QUIET_FEED, 'it announced 40 episodes in a day');
  await store.markPausedNoticeSent(QUIET_FEED);
  await store.trackFeed('https://resumed.example.com/feed');
  await store.recordFetchFailure('https://resumed.example.com/feed', { error: 'HTTP 404', checkedAt: at(11), nextCheckAt: at(12), pause: true });
  await store.resumeFeed('https://resumed.example.com/feed', at(13));
  await store.trackFeed('https://never-checked.example.com/feed');
  // A private feed: its login is kept apart from its address.
  await store.setFeedCredentials(OTHER_FEED, { username: 'listener', password: 'pa:ss@word' });
  // A server whose announcement channel was lost: its posts wait for /announce channel.
  await store.pauseGuildAnnouncements('guild-2', { reason: 'Missing Access (50001)', channelId: 'chan-2', at: at(14) });

  // Settings: guild defaults, a per-podcast override with a role, announcements off somewhere.
  await store.setAnnouncementSettings('guild-1', { channelId: 'chan-1', publish: false, enabled: true });
  await store.setAnnouncementSettings('guild-1', { channelId: 'chan-news', roleId: 'role-9', publish: true, enabled: true }, OTHER_FEED);
  await store.setAnnouncementSettings('guild-2', { channelId: 'chan-2', publish: false, enabled: false });
  await store.setAnnouncementSettings('guild-a', { channelId: 'chan-a', publish: false, enabled: true });

  // The ledger in every state: sent; sent with a publish owed, retried, done or given up; pending; failed once and
  // due again later; given up; a summary post.
  // e2499 is not among guild-1's seen episodes: only its sent ledger row keeps it from being announced again.
  await store.recordIntent('guild-1', FEED, 'e2499', 'chan-1', 'nonce-sent', at(14));
  await store.markSent('guild-1', FEED, 'e2499', 'msg-sent', at(15));
  await store.recordIntent('guild-1', FEED, fullEpisode.id, 'chan-1', 'nonce-pending', at(16));
  await store.recordIntent('guild-2', FEED, fullEpisode.id, 'chan-2', 'nonce-retry', at(16));
  await store.recordPostFailure('guild-2', FEED, fullEpisode.id, { error: 'HTTP 500 from Discord', at: at(17), retryAt: at(47) });
  await store.recordIntent('guild-1', OTHER_FEED, 'o3', 'chan-news', 'nonce-publish', at(18));
  await store.markSent('guild-1', OTHER_FEED, 'o3', 'msg-publish', at(19), { publish: true });
  await store.recordPublishFailure('guild-1', OTHER_FEED, 'o3', { error: 'rate limited', at: at(20), retryAt: at(50) });
  await store.recordIntent('guild-a', OTHER_FEED, 'o3', 'chan-a', 'nonce-gone', at(21));
  await store.recordPostFailure('guild-a', OTHER_FEED, 'o3', { error: 'Missing Access (50001)', at: at(22) });
  await store.recordIntent('guild-1', OTHER_FEED, 'summary:3:o', 'chan-news', 'nonce-summary', at(23));
  await store.markSent('guild-1', OTHER_FEED, 'summary:3:o', 'msg-summary', at(24), { publish: true });
  await store.markPublished('guild-1', OTHER_FEED, 'summary:3:o');
  await store.recordIntent('guild-B', QUIET_FEED, 'q1', 'chan-b', 'nonce-q', at(25));
  await store.markSent('guild-B', QUIET_FEED, 'q1', 'msg-q', at(26), { publish: true });
  await store.recordPublishFailure('guild-B', QUIET_FEED, 'q1', { error: 'not an announcement channel', at: at(27) });
  // A discussion thread made, its chapter list owed after a failure.
  await store.recordIntent('guild-2', OTHER_FEED, 'o3', 'chan-2', 'nonce-thread', at(28));
  await store.markSent('guild-2', OTHER_FEED, 'o3', 'msg-thread', at(29), { thread: true });
  await store.markThreadStarted('guild-2', OTHER_FEED, 'o3', 'msg-thread');
  await store.recordThreadFailure('guild-2', OTHER_FEED, 'o3', { error: 'HTTP 500', at: at(30), retryAt: at(60) });
  // A live show: its event scheduled, "live now" not posted yet.
  const live = await store.claimLiveShow({ guildId: 'guild-1', podcastId: FEED, liveId: 'live-1' }, { channelId: 'chan-1', nonce: 'nonce-live' }, { owner: 'p', until: at(40) }, at(31));
  if (live) await store.saveLiveShow({ ...live, eventId: 'event-1', eventState: 'scheduled' });
}

/** The ledger rows fillAsTheBotDoes writes, by guild, podcast and episode. */
export const LEDGER: readonly [string, string, string][] = [
  ['guild-1', FEED, 'e2499'],
  ['guild-1', FEED, fullEpisode.id],
  ['guild-2', FEED, fullEpisode.id],
  ['guild-1', OTHER_FEED, 'o3'],
  ['guild-a', OTHER_FEED, 'o3'],
  ['guild-1', OTHER_FEED, 'summary:3:o'],
  ['guild-B', QUIET_FEED, 'q1'],
  ['guild-2', OTHER_FEED, 'o3'],
];

const FEEDS = [FEED, OTHER_FEED, QUIET_FEED, 'https://resumed.example.com/feed', 'https://never-checked.example.com/feed', 'https://unknown.example/feed'];

/** Every answer the Store gives about the data fillAsTheBotDoes wrote, through every read method. */
export async function everythingTheStoreSays(store: Store): Promise<Record<string, unknown>> {
  const answers: Record<string, unknown> = {};
  answers['loadCatalog'] = await store.loadCatalog();
  for (const feed of FEEDS) {
    answers[`getEpisodeIds ${feed}`] = await store.getEpisodeIds(feed);
    answers[`getFetchState ${feed}`] = await store.getFetchState(feed);
    answers[`getFeedCredentials ${feed}`] = await store.getFeedCredentials(feed);
    answers[`followersOf ${feed}`] = await store.followersOf(feed);
  }
  for (const when of [at(0), at(21), at(35), at(100)]) answers[`dueFeeds ${when.toISOString()}`] = await store.dueFeeds(when);
  for (const guild of [...GUILDS, 'guild-none']) {
    answers[`listFollows ${guild}`] = await store.listFollows(guild);
    answers[`getAnnouncementSettings ${guild}`] = await store.getAnnouncementSettings(guild);
    answers[`announcementIssues ${guild}`] = await store.announcementIssues(guild, at(0));
    answers[`guildAnnouncementPause ${guild}`] = await store.guildAnnouncementPause(guild);
    for (const feed of FEEDS) {
      answers[`getAnnouncementSettings ${guild} ${feed}`] = await store.getAnnouncementSettings(guild, feed);
      answers[`effectiveAnnouncementSettings ${guild} ${feed}`] = await store.effectiveAnnouncementSettings(guild, feed);
      answers[`announcementsSince ${guild} ${feed}`] = await store.announcementsSince(guild, feed, at(0));
    }
    answers[`unannouncedEpisodes ${guild} ${FEED}`] = await store.unannouncedEpisodes(guild, FEED, longFeed.map((e) => e.id));
    answers[`unannouncedEpisodes ${guild} ${OTHER_FEED}`] = await store.unannouncedEpisodes(guild, OTHER_FEED, [...otherEpisodes.map((e) => e.id), 'summary:3:o', 'o4']);
    answers[`unannouncedEpisodes ${guild} ${QUIET_FEED}`] = await store.unannouncedEpisodes(guild, QUIET_FEED, ['q1', 'q2']);
  }
  for (const [guild, feed, episode] of LEDGER) {
    answers[`getAnnouncement ${guild} ${feed} ${episode}`] = await store.getAnnouncement(guild, feed, episode);
    answers[`wasAnnounced ${guild} ${feed} ${episode}`] = await store.wasAnnounced(guild, feed, episode);
  }
  answers['pendingIntents'] = await store.pendingIntents();
  answers['pendingIntents due by 30'] = await store.pendingIntents(at(30));
  answers['pendingPublishes'] = await store.pendingPublishes();
  answers['pendingPublishes due by 30'] = await store.pendingPublishes(at(30));
  answers['getLiveShow'] = await store.getLiveShow({ guildId: 'guild-1', podcastId: FEED, liveId: 'live-1' });
  answers['getChapters'] = await store.getChapters(FEED, fullEpisode.id);
  answers['getChapters missing'] = await store.getChapters(FEED, 'e1');
  answers['getTranscript'] = await store.getTranscript(FEED, fullEpisode.id);
  answers['getTranscript other'] = await store.getTranscript(OTHER_FEED, 'o3');
  return answers;
}

/**
 * Every row of every copied table, values as SQLite keeps them (Dates as milliseconds, booleans as 0/1) and rows
 * sorted, keyed by column name: two databases holding the same data give the same answer whichever their kind.
 */
export async function everyRow(tables: TableAccess): Promise<Record<string, Record<string, unknown>[]>> {
  const out: Record<string, Record<string, unknown>[]> = {};
  await tables.readSnapshot(async (read) => {
    for (const table of COPIED_TABLES) {
      const columns = (await tables.columnNames(table)).sort();
      const rows: Record<string, unknown>[] = [];
      for await (const batch of read.rows(table, columns, 1000)) {
        for (const row of batch) {
          rows.push(Object.fromEntries(columns.map((column, i) => [column, normalise(row[i])])));
        }
      }
      out[table] = rows.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
    }
  });
  return out;
}

function normalise(value: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}
