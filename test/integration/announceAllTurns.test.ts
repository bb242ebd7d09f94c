import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../../src/data/library.js';
import { parseFeed } from '../../src/data/feed/parseFeed.js';
import { Announcer } from '../../src/discord/announcer.js';
import type { AnnouncementTransport } from '../../src/discord/announcementTransport.js';
import { createLogger } from '../../src/logger.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/SqliteStore.js';
import { rss, tempDir } from './support.js';

/**
 * The catch-up pass over every feed after a start (Announcer.announceAll) on SQLite, whose calls are synchronous: it
 * lets the event loop turn while it goes, so the commands that arrive meanwhile are answered then, not after the
 * whole catalogue (at a million episodes it held the answering thread 2-4 s right after the start).
 */
const FEEDS = 2_000;
const GUILD = '1200000000000000001';
const dir = tempDir();
let store: SqliteStore;
const library = new Library();

beforeAll(async () => {
  const opened = openSqliteStore(dir.dbUrl());
  if (!opened.ok) throw new Error(opened.error);
  store = opened.value;
  library.readDetailsFrom((podcastId, ids) => store.loadEpisodes(podcastId, ids));
  const now = new Date();
  for (let i = 0; i < FEEDS; i++) {
    const url = `https://turns.example/feed-${i}.xml`;
    const episodes = [1, 2].map((n) => ({ guid: `f${i}-e${n}`, title: `Feed ${i} episode ${n}`, published: new Date(Date.UTC(2024, 0, n, i % 24)).toISOString(), description: 'Notes.' }));
    const parsed = parseFeed(Buffer.from(rss({ title: `Feed ${i}`, episodes }, 'https://turns.example')), { feedUrl: url });
    if (!parsed.ok) throw new Error(parsed.error);
    await store.savePodcast(parsed.value.podcast, parsed.value.episodes);
    // Followed with every episode seen: the pass finds nothing to post.
    await store.follow(GUILD, url, { seenEpisodeIds: parsed.value.episodes.map((e) => e.id), now });
    library.addSummaries(parsed.value.podcast, parsed.value.episodes);
  }
}, 240_000);

afterAll(async () => {
  await store.close();
  dir.remove();
});

describe('the catch-up pass over every feed', () => {
  it('lets the event loop turn while it goes (the store answers synchronously on SQLite)', async () => {
    // Nothing is posted (every episode was seen): any use of Discord is a failure of this test.
    const transport = new Proxy({ botUserId: '1' } as AnnouncementTransport, {
      get: (target, key) => (key in target ? Reflect.get(target, key) : () => Promise.reject(new Error(`Discord was asked: ${String(key)}`))),
    });
    const announcer = new Announcer({ store, library, log: createLogger({ level: 'silent' }), transport });
    let running = true;
    let turns = 0;
    const tick = (): void => {
      if (!running) return;
      turns++;
      setImmediate(tick);
    };
    setImmediate(tick);
    await announcer.announceAll();
    running = false;
    expect(turns).toBeGreaterThan(0);
    await announcer.stop();
  }, 120_000);
});
