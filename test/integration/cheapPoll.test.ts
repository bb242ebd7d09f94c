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

  /**
   * `count` feeds on the host, each stored with the validator the host gives it (as a first check leaves it) and due
   * in the order of `dueRank` (0 first), a second apart: the order of the poll, not the order of their URLs.
   */
  async function feedsDueInOrder(count: number, dueRank: (i: number) => number): Promise<string[]> {
    const urls = Array.from({ length: count }, (_, i) => {
      host.feeds.set(`/show-${i}.xml`, { title: `Show ${i}`, episodes: episodes(`s${i}`, 1) });
      return host.url(`/show-${i}.xml`);
    });
    for (const [i, url] of urls.entries()) {
      const etag = (await fetch(url)).headers.get('etag');
      if (etag === null) throw new Error(`no ETag from ${url}`);
      await store.trackFeed(url);
      await store.recordFetchSuccess(url, { etag, checkedAt: new Date(time), nextCheckAt: new Date(time + 600_000 + dueRank(i) * 1000) });
    }
    return urls;
  }

  it('records a cycle of 304s from feeds due in an order unlike their order on disk in under 1 KB of the database log per feed', async () => {
    // Enough feeds that their state spans many pages; due in an order that jumps across all of them (a permutation:
    // 389 is prime to 1,500), as feeds come due after a cycle in which they were checked in whatever order they finished.
    const count = 1500;
    const urls = await feedsDueInOrder(count, (i) => (i * 389) % count);
    const polling = startPoller();
    time += 600_000 + count * 1000 + 1000;

    const file = temp.dbUrl().slice('sqlite:'.length);
    const reader = new Database(file);
    let walBytes: number;
    try {
      reader.pragma('wal_checkpoint(TRUNCATE)');
      reader.exec('BEGIN');
      reader.prepare('SELECT count(*) FROM sqlite_master').pluck().get();
      const outcomes = await polling.pollOnce();
      expect(outcomes.filter((o) => o.status === 'not-modified')).toHaveLength(count);
      walBytes = existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0;
    } finally {
      reader.close();
    }
    // Before: the 304s (and the leases before them) rewrote a page of the wide feed_state per feed, about 4-5 KB a feed
    // here. Now a feed's check times are a 20-byte row among 200 a page, written with a second's worth of 304s at once.
    expect(walBytes / count).toBeLessThan(1024);
    for (const url of urls) {
      const state = await store.getFetchState(url);
      expect(state?.lastCheckedAt?.getTime()).toBe(time);
      expect(state?.nextCheckAt?.getTime()).toBeGreaterThan(time);
    }
    expect(await store.dueFeeds(new Date(time))).toEqual([]);
  });

  it('keeps the next check of every 304 across a restart: nothing is checked again before it is due', async () => {
    const count = 200;
    const urls = await feedsDueInOrder(count, (i) => (i * 37) % count);
    time += 600_000 + count * 1000 + 1000;
    const polling = startPoller();
    expect((await polling.pollOnce()).filter((o) => o.status === 'not-modified')).toHaveLength(count);
    const before = new Map<string, number | undefined>();
    for (const url of urls) before.set(url, (await store.getFetchState(url))?.nextCheckAt?.getTime());

    // A restart: the poller stops, the database is closed and opened again by a new store and poller.
    await polling.stop();
    poller = undefined;
    await store.close();
    const reopened = openSqliteStore(temp.dbUrl());
    if (!reopened.ok) throw new Error(reopened.error);
    store = reopened.value;
    for (const url of urls) {
      const state = await store.getFetchState(url);
      expect(state?.lastCheckedAt?.getTime()).toBe(time);
      expect(state?.nextCheckAt?.getTime()).toBe(before.get(url));
      expect(state?.nextCheckAt?.getTime()).toBeGreaterThan(time);
    }
    const requests = [...host.requests.values()].reduce((a, b) => a + b, 0);
    time += 1000;
    expect(await startPoller().pollOnce()).toEqual([]);
    expect([...host.requests.values()].reduce((a, b) => a + b, 0)).toBe(requests);
    // And when they are due, each is checked once more, with its validator: a 304 again.
    time += 700_000;
    const again = await poller!.pollOnce();
    expect(again.filter((o) => o.status === 'not-modified')).toHaveLength(count);
  });
});
