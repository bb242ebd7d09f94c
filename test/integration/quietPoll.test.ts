import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Library } from '../../src/data/library.js';
import { createLogger } from '../../src/logger.js';
import { FeedPoller } from '../../src/sources/feedPoller.js';
import { ParsePool, type FeedParsers } from '../../src/sources/ParsePool.js';
import { PollSchedule } from '../../src/sources/PollSchedule.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/SqliteStore.js';
import { readTopicIndex, TopicIndexSaver } from '../../src/store/topicIndexFile.js';
import { episodes, startFeedHost, tempDir, type FeedHost } from './support.js';

/**
 * A poll cycle leaves the thread that answers people free (issue 16, "never stalls"), through the real path: a
 * FeedPoller on a real SQLite file polling a real HTTP feed host on 127.0.0.1, parsing on the ParsePool's worker, and
 * the topic index saver writing its real file.
 */

let host: FeedHost;
let temp: ReturnType<typeof tempDir>;
let store: SqliteStore;
let pool: ParsePool;
let poller: FeedPoller | undefined;
let saver: TopicIndexSaver | undefined;
const log = createLogger({ level: 'silent' });

beforeEach(async () => {
  host = await startFeedHost();
  temp = tempDir();
  const opened = openSqliteStore(temp.dbUrl());
  if (!opened.ok) throw new Error(opened.error);
  store = opened.value;
  pool = new ParsePool();
});

afterEach(async () => {
  await saver?.stop();
  saver = undefined;
  await poller?.stop();
  poller = undefined;
  await pool.close();
  await store.close();
  await host.close();
  temp.remove();
});

function startPoller(library: Library, parsers: FeedParsers = pool): FeedPoller {
  poller = new FeedPoller({
    store,
    library,
    log,
    schedule: new PollSchedule({ intervalSeconds: 600 }),
    parsers,
    allowPrivateNetwork: true,
    // Feeds alone: nothing fetched beside them (chapters files, transcripts, MP3 tags), so no I/O separates the
    // store work of one feed from the next.
    maxChapterFetches: 0,
    maxTranscriptFetches: 0,
    maxAudioChapterReads: 0,
  });
  return poller;
}

/**
 * The ParsePool, its answers handed back only once `count` feeds are parsed, all at once: a cycle's parses ending
 * together, as they do when hundreds of feeds of a big library changed.
 */
function parsedTogether(count: number): FeedParsers {
  const waiting: (() => void)[] = [];
  return {
    parseFeed: async (bytes, options) => {
      const parsed = await pool.parseFeed(bytes, options);
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (waiting.length === count) for (const release of waiting.splice(0)) release();
      });
      return parsed;
    },
    parseJsonChapters: (text) => pool.parseJsonChapters(text),
    parseTranscript: (text, type) => pool.parseTranscript(text, type),
    parseAudioTag: (bytes) => pool.parseAudioTag(bytes),
  };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 60_000) throw new Error(`waited a minute for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('feeds parsed together', () => {
  it('are saved and put in the catalogue one feed per event-loop turn, not all in one', { timeout: 120_000 }, async () => {
    const count = 12;
    const urls = Array.from({ length: count }, (_, i) => {
      host.feeds.set(`/show-${i}.xml`, { title: `Show ${i}`, episodes: episodes(`s${i}`, 3) });
      return host.url(`/show-${i}.xml`);
    });
    const library = new Library();
    const polling = startPoller(library, parsedTogether(count));
    for (const url of urls) await store.trackFeed(url);

    // How much the catalogue grew between two turns of the event loop (looked at once per turn while the cycle runs).
    const steps: number[] = [];
    let seen = 0;
    let turning = true;
    const look = (): void => {
      const now = library.catalog.size.podcasts;
      if (now !== seen) steps.push(now - seen);
      seen = now;
      if (turning) setImmediate(look);
    };
    setImmediate(look);
    const outcomes = await polling.pollOnce();
    turning = false;
    // The last look, queued before this turn's end.
    await new Promise((resolve) => setImmediate(resolve));

    expect(outcomes.map((o) => o.status)).toEqual(urls.map(() => 'updated'));
    expect(library.catalog.size.podcasts).toBe(count);
    // Before: the twelve answers went on to their saves in the same turn (the catalogue grew by 12 between two
    // samples), holding the thread all that time. Now the loop turns between any two feeds' store work.
    expect(steps).toEqual(urls.map(() => 1));
  });
});

describe('the topic index saver', () => {
  async function changedLibraryAndHeldCycle(): Promise<{ library: Library; release: () => void; cycle: Promise<unknown> }> {
    const library = new Library();
    library.readDetailsFrom((podcastId, ids) => store.loadEpisodes(podcastId, ids));
    const polling = startPoller(library);
    host.feeds.set('/quick.xml', { title: 'Quick show', episodes: episodes('quick', 3) });
    await store.trackFeed(host.url('/quick.xml'));
    expect((await polling.pollOnce()).map((o) => o.status)).toEqual(['updated']);
    // A second cycle that cannot end yet: its one feed's host has not answered.
    let release: () => void = () => {};
    host.feeds.set('/slow.xml', { title: 'Slow show', episodes: episodes('slow', 3), holdUntil: new Promise<void>((resolve) => (release = resolve)) });
    await store.trackFeed(host.url('/slow.xml'));
    const cycle = polling.pollOnce();
    expect(polling.busy).toBe(true);
    return { library, release, cycle };
  }

  it('waits for a running poll cycle to end before it saves, then saves what changed', { timeout: 120_000 }, async () => {
    const indexFile = `${temp.dir}/podcord.db.topics`;
    const { library, release, cycle } = await changedLibraryAndHeldCycle();
    saver = new TopicIndexSaver({ store, library, file: indexFile, log, intervalMs: 20 });
    saver.deferWhile(() => poller!.busy);
    saver.start();

    const running = saver;
    await until(() => running.deferrals >= 5, 'five ticks of the saver');
    // Before: the first tick saved, beside the cycle.
    expect(existsSync(indexFile)).toBe(false);

    release();
    await cycle;
    await until(() => existsSync(indexFile), 'the saved index');
    const saved = await readTopicIndex(indexFile);
    expect(saved.ok && [...saved.value.versions.keys()].sort()).toEqual([host.url('/quick.xml'), host.url('/slow.xml')].sort());
  });

  it('does not wait for ever: a cycle that does not end delays a save by maxDeferMs at most', { timeout: 120_000 }, async () => {
    const indexFile = `${temp.dir}/podcord.db.topics`;
    const { library, release, cycle } = await changedLibraryAndHeldCycle();
    saver = new TopicIndexSaver({ store, library, file: indexFile, log, intervalMs: 20, maxDeferMs: 200 });
    saver.deferWhile(() => poller!.busy);
    saver.start();

    await until(() => existsSync(indexFile), 'the saved index');
    expect(poller!.busy).toBe(true);
    expect(saver.deferrals).toBeGreaterThan(0);
    const saved = await readTopicIndex(indexFile);
    expect(saved.ok && [...saved.value.versions.keys()]).toEqual([host.url('/quick.xml')]);
    release();
    await cycle;
  });
});
