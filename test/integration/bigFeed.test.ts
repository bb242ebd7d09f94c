import { threadId } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../src/data/feed/parseFeed.js';
import { openSqliteStore } from '../../src/store/SqliteStore.js';
import type { Store } from '../../src/store/Store.js';
import { chatInput } from '../support/interactions.js';
import { command, episodes } from './support.js';
import { useTestRig } from './useTestRig.js';

/**
 * A huge feed is parsed on a worker thread while the bot keeps answering people (issue 12, defect 7: a 100,000-item
 * feed held the event loop for the whole parse, and every interaction waited for it).
 */

const rig = useTestRig({ database: 'memory' });

/** `items` short items, newest first, under the 15 MB fetch cap (100,000 make about 12 MB). */
function hugeFeed(items: number): Buffer {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Huge Show</title><link>https://huge.invalid/</link>\n'];
  const newest = Date.UTC(2024, 0, 1);
  for (let i = items; i > 0; i--) {
    const published = new Date(newest - (items - i) * 3_600_000).toUTCString();
    out.push(`<item><title>Huge ${i}</title><guid>h-${i}</guid><pubDate>${published}</pubDate><enclosure url="https://huge.invalid/${i}.mp3"/></item>\n`);
  }
  out.push('</channel></rss>\n');
  return Buffer.from(out.join(''));
}

/** Milliseconds on the clock the fake Discord stamps requests with. */
const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/**
 * Watches the event loop with a 5 ms timer and keeps every gap between two of its runs: a gap much longer than 5 ms is
 * the loop held up. (perf_hooks' monitorEventLoopDelay measures the same way, but its reset() forgets the run before,
 * so a stall that starts right after a reset is never recorded; the gaps here are kept with their times instead.)
 */
function watchEventLoop(): { longestOverlapping(start: number, end: number): number; stop(): void } {
  const gaps: { from: number; to: number }[] = [];
  let last = monotonicMs();
  const timer = setInterval(() => {
    const now = monotonicMs();
    gaps.push({ from: last, to: now });
    last = now;
  }, 5);
  return {
    longestOverlapping: (start, end) => Math.max(0, ...gaps.filter((g) => g.to > start && g.from < end).map((g) => g.to - g.from)),
    stop: () => clearInterval(timer),
  };
}

describe('a huge feed', () => {
  it('is parsed on another thread while the bot answers interactions', { timeout: 90_000 }, async () => {
    const bytes = hugeFeed(100_000);
    rig.host.files.set('/huge.xml', ['application/rss+xml; charset=utf-8', bytes]);

    // /feed add parses the feed to preview it, then again when it adopts it: trackFeed starts the adoption and
    // savePodcast comes right after its parse, so between the two the bot does little but parse (and wait for it).
    // Both let the loop turn first, so the window holds neither the preview before it nor the saving after it.
    const turn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 30));
    const window = { start: 0, end: 0 };
    const opened = openSqliteStore('sqlite::memory:');
    if (!opened.ok) throw new Error(opened.error);
    const real = opened.value;
    const store = new Proxy(real, {
      get(target, property) {
        if (property === 'trackFeed') {
          return async (url: string) => {
            if (url.endsWith('/huge.xml') && window.start === 0) {
              await turn();
              window.start = monotonicMs();
            }
            return target.trackFeed(url);
          };
        }
        if (property === 'savePodcast') {
          return async (...args: Parameters<Store['savePodcast']>) => {
            if (args[0].title === 'Huge Show' && window.end === 0) {
              window.end = monotonicMs();
              await turn();
            }
            return target.savePodcast(...args);
          };
        }
        const value = Reflect.get(target, property) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    }) as Store;

    const bot = await rig.start({}, { store });
    const loop = watchEventLoop();
    // People keep asking, one after another, while an admin adds the feed.
    let adding = true;
    let asked = 0;
    const chatter = (async () => {
      while (adding) {
        asked++;
        await rig.fake.sendInteraction(chatInput('help'), 30_000);
      }
    })();
    const reply = await command(rig.fake, 'feed add', { url: rig.host.url('/huge.xml') }, { admin: true });
    adding = false;
    await chatter;
    loop.stop();
    await real.close();

    expect(JSON.stringify(reply)).toContain('Huge Show');
    expect(bot.running.library.catalog.episodes(rig.host.url('/huge.xml'))).toHaveLength(20_000);
    expect(window.start).toBeGreaterThan(0);
    expect(window.end).toBeGreaterThan(window.start);

    // Answers reached Discord while the feed was being parsed: on the main thread they could not have.
    const answeredDuringParse = rig.fake.requests.filter(
      (r) =>
        r.method === 'POST' &&
        r.path.endsWith('/callback') &&
        (r.body as { data?: { embeds?: { title?: string }[] } } | null)?.data?.embeds?.[0]?.title === 'Podcord' &&
        r.receivedAt > window.start &&
        r.receivedAt < window.end,
    ).length;
    expect(asked).toBeGreaterThan(answeredDuringParse);
    expect(answeredDuringParse).toBeGreaterThan(0);

    // The parse ran on a worker thread...
    const parsed = bot.logs
      .map((line) => JSON.parse(line) as { msg?: string; task?: string; threadId?: number })
      .filter((line) => line.msg === 'parsed in a worker' && line.task === 'feed');
    expect(parsed.length).toBeGreaterThanOrEqual(2);
    for (const line of parsed) expect(line.threadId).not.toBe(threadId);

    // ...and the longest the event loop was held up meanwhile is a small part of what the same parse takes here, in this
    // run, on this thread (a ratio, so a slow or busy machine moves both sides).
    const started = performance.now();
    const inThread = parseFeed(bytes, { feedUrl: rig.host.url('/huge.xml') });
    const parseMs = performance.now() - started;
    expect(inThread.ok).toBe(true);
    const longestStallMs = loop.longestOverlapping(window.start, window.end);
    expect(longestStallMs, `longest stall ${longestStallMs.toFixed(0)} ms; the parse alone ${parseMs.toFixed(0)} ms`).toBeLessThan(parseMs / 2);
  });

  it('whose parse runs a worker out of memory fails with a reason, and the next feed is followed', { timeout: 60_000 }, async () => {
    // 14 MB (under the fetch cap) of long show notes: its 20,000 episodes need well over 30 MB to hold.
    const notes = 'Notes about this episode, long enough to matter. '.repeat(14);
    const items = Array.from({ length: 20_000 }, (_, i) => `<item><title>Wordy ${i}</title><guid>w-${i}</guid><description>${notes}${i}</description></item>`);
    rig.host.files.set('/wordy.xml', ['application/rss+xml', `<rss version="2.0"><channel><title>Wordy Show</title>\n${items.join('\n')}\n</channel></rss>\n`]);
    rig.host.feeds.set('/show.xml', { title: 'Fixture Show', episodes: episodes('show', 3) });
    // A worker starts in about 10 MB here.
    const bot = await rig.start({}, { parsing: { maxHeapMb: 20 } });

    const refused = await command(rig.fake, 'feed add', { url: rig.host.url('/wordy.xml') }, { admin: true });
    expect(refused.content).toContain(`${rig.host.url('/wordy.xml')} is not a podcast feed: parsing it needed more than 20 MB of memory, so it was stopped.`);
    expect(bot.running.library.catalog.podcast(rig.host.url('/wordy.xml'))).toBeUndefined();

    rig.fake.clearRequests(); // so the next reply is not taken for an edit of this one
    const followed = await command(rig.fake, 'feed add', { url: rig.host.url('/show.xml') }, { admin: true });
    expect(followed.content).toMatch(/^Following \*\*Fixture Show\*\*: 3 episodes so far\./);
    expect(await rig.fake.sendInteraction(chatInput('help'))).toMatchObject({ data: { embeds: [{ title: 'Podcord' }] } });
  });
});
