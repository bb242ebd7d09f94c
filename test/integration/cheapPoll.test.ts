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
