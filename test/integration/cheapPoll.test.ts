import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Library } from '../../src/data/library.js';
import { createLogger } from '../../src/logger.js';
import { FeedPoller } from '../../src/sources/feedPoller.js';
import { ParsePool } from '../../src/sources/ParsePool.js';
import { PollSchedule } from '../../src/sources/PollSchedule.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/SqliteStore.js';
import { episodes, startFeedHost, tempDir, type FeedHost } from './support.js';

/**
 * A cheap poll (issue 16, item 4), through the real path: a FeedPoller on a real SQLite file polling a real HTTP feed
 * host on 127.0.0.1.
 */

let host: FeedHost;
let temp: ReturnType<typeof tempDir>;
let store: SqliteStore;
let parsers: ParsePool;
let poller: FeedPoller | undefined;
let time: number;

beforeEach(async () => {
  host = await startFeedHost();
  temp = tempDir();
  const opened = openSqliteStore(temp.dbUrl());
  if (!opened.ok) throw new Error(opened.error);
  store = opened.value;
  parsers = new ParsePool();
  time = Date.parse('2026-01-01T00:00:00Z');
});

afterEach(async () => {
  await poller?.stop();
  poller = undefined;
  await parsers.close();
  await store.close();
  await host.close();
  temp.remove();
});

function startPoller(): FeedPoller {
  poller = new FeedPoller({
    store,
    library: new Library(),
    log: createLogger({ level: 'silent' }),
    schedule: new PollSchedule({ intervalSeconds: 600 }),
    parsers,
    allowPrivateNetwork: true,
    now: () => new Date(time),
    // Feed polling alone: the fixture's MP3s (on this host, answering 404) are not read for their ID3 chapters.
    maxAudioChapterReads: 0,
  });
  return poller;
}

describe('feed fetches reuse connections', () => {
  it('polls twelve feeds of one host twice over no more connections than the per-host limit', async () => {
    const urls = Array.from({ length: 12 }, (_, i) => {
      host.feeds.set(`/show-${i}.xml`, { title: `Show ${i}`, episodes: episodes(`s${i}`, 3) });
      return host.url(`/show-${i}.xml`);
    });
    const polling = startPoller();
    for (const url of urls) await store.trackFeed(url);

    const first = await polling.pollOnce();
    expect(first.map((o) => o.status)).toEqual(urls.map(() => 'updated'));
    time += 700_000;
    const second = await polling.pollOnce();
    expect(second.map((o) => o.status)).toEqual(urls.map(() => 'not-modified'));

    // 24 requests; one connection each before keep-alive.
    expect([...host.requests.values()].reduce((a, b) => a + b, 0)).toBe(24);
    expect(host.connections).toBeLessThanOrEqual(polling.limits.perHost);
  });
});

describe('a 304 writes a few bytes, not pages', () => {
  it('records a steady cycle of 128 feeds that all answer 304 in under half a page of the database log per feed', async () => {
    const count = 128;
    const urls = Array.from({ length: count }, (_, i) => {
      host.feeds.set(`/show-${i}.xml`, { title: `Show ${i}`, episodes: episodes(`s${i}`, 2) });
      return host.url(`/show-${i}.xml`);
    });
    const polling = startPoller();
    for (const url of urls) await store.trackFeed(url);
    expect((await polling.pollOnce()).filter((o) => o.status === 'updated')).toHaveLength(count);
    // The first round of 304s: from now on the feeds recorded together are due together (and next to each other).
    time += 700_000;
    expect((await polling.pollOnce()).filter((o) => o.status === 'not-modified')).toHaveLength(count);

    // Every frame the cycle appends to the WAL stays there: a reader holding the empty WAL's snapshot keeps SQLite
    // from checkpointing it back and starting over.
    const file = temp.dbUrl().slice('sqlite:'.length);
    const reader = new Database(file);
    try {
      reader.pragma('wal_checkpoint(TRUNCATE)');
      reader.exec('BEGIN');
      reader.prepare('SELECT count(*) FROM sqlite_master').pluck().get();
      time += 700_000;
      const outcomes = await polling.pollOnce();
      expect(outcomes.filter((o) => o.status === 'not-modified')).toHaveLength(count);
      const walBytes = existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0;
      // Before: each 304 was a transaction of its own, four or five 4 KB pages (over 16 KB a feed). Now about 0.9 KB
      // here (a few pages per batch of 64 feeds; the bench shows 10,000 feeds); the bound leaves room for slow machines.
      expect(walBytes / count).toBeLessThan(2048);
    } finally {
      reader.close();
    }
    for (const url of urls) expect((await store.getFetchState(url))?.lastCheckedAt?.getTime()).toBe(time);
  });
});
