import { readdirSync, readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { parseJsonChapters } from '../../src/data/chapters/parseJsonChapters.js';
import { parseFeedDetailed } from '../../src/data/feed/parseFeed.js';
import { describeFeedIssue } from '../../src/data/problems.js';
import { parseTranscript } from '../../src/data/transcripts/parseTranscript.js';
import { createLogger } from '../../src/logger.js';
import { ParsePool } from '../../src/sources/ParsePool.js';
import { parseAudioTag } from '../../src/sources/parseAudioTag.js';
import { cover, id3Tag, silentFrames } from '../support/taggedMp3.js';

/**
 * The pool the poller parses in: real worker threads running the same parsers. What comes back across the threads
 * must be what the parser returns in this thread, field for field, and a worker that dies takes only its parse with it.
 */

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const golden = fileURLToPath(new URL('../golden/feeds/', import.meta.url));
const feeds = readdirSync(`${fixtures}feeds`).filter((name) => /\.(xml|rss)$/.test(name)).sort();

let pool: ParsePool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

function logged(): { log: ReturnType<typeof createLogger>; lines: () => Record<string, unknown>[] } {
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw.push(chunk.toString());
      done();
    },
  });
  return { log: createLogger({ level: 'debug', destination }), lines: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/** A feed of `items` items with long notes: parsing it keeps tens of megabytes of episodes. */
function notesFeed(items: number): Buffer {
  const notes = 'Notes about this episode, long enough to matter. '.repeat(40);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Wordy Show</title>\n'];
  for (let i = items; i > 0; i--) out.push(`<item><title>Wordy ${i}</title><guid>w-${i}</guid><description>${notes}${i}</description></item>\n`);
  out.push('</channel></rss>\n');
  return Buffer.from(out.join(''));
}

describe('ParsePool', () => {
  it('parses every golden feed on a worker thread into exactly what the parser returns here', async () => {
    const { log, lines } = logged();
    pool = new ParsePool({ log });
    for (const name of feeds) {
      const bytes = readFileSync(`${fixtures}feeds/${name}`);
      const inWorker = await pool.parseFeed(bytes, { feedUrl: `https://example.com/${name}` });
      expect(inWorker, name).toStrictEqual(parseFeedDetailed(bytes, { feedUrl: `https://example.com/${name}` }));
      const plain = await pool.parseFeed(bytes);
      if (!plain.ok) throw new Error(describeFeedIssue(plain.error));
      const expected = JSON.parse(readFileSync(`${golden}${name.replace(/\.(xml|rss)$/, '')}.json`, 'utf8')) as unknown;
      expect(JSON.parse(JSON.stringify(plain.value)), name).toEqual(expected);
    }
    const parsed = lines().filter((l) => l['msg'] === 'parsed in a worker');
    expect(parsed).toHaveLength(feeds.length * 2);
    for (const line of parsed) expect(line['threadId']).not.toBe(threadId);
  });

  it('sends long lists back in batches that add up to exactly the parser\'s result', async () => {
    pool = new ParsePool();
    // The largest real feed we keep (1,342 episodes) and a generated one of 2,000, past the 250 a batch holds.
    const yle = readFileSync(new URL('../../bench/fixtures/yle-ajantasa_1342-items.xml', import.meta.url));
    for (const bytes of [yle, notesFeed(2_000)]) {
      const inWorker = await pool.parseFeed(bytes, { feedUrl: 'https://example.com/feed.xml' });
      expect(inWorker.ok && inWorker.value.episodes.length).toBeGreaterThan(1_000);
      expect(inWorker).toStrictEqual(parseFeedDetailed(bytes, { feedUrl: 'https://example.com/feed.xml' }));
    }
    const cue = (i: number): string => `${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000`;
    const vtt = `WEBVTT\n\n${Array.from({ length: 1_000 }, (_, i) => `${cue(i)} --> ${cue(i + 1)}\n<v Host>Cue number ${i}.</v>\n`).join('\n')}`;
    const segments = await pool.parseTranscript(vtt, 'text/vtt');
    expect(segments.ok && segments.value.length).toBe(1_000);
    expect(segments).toStrictEqual(parseTranscript(vtt, 'text/vtt'));
  });

  it('reads an MP3 tag\'s chapters on a worker thread exactly as here (the thread loads music-metadata natively)', async () => {
    pool = new ParsePool();
    const tag = id3Tag({
      image: cover(50_000),
      chapter: [
        { elementID: 'b', startTimeMs: 30_000, endTimeMs: 90_000, tags: { title: 'Second', userDefinedUrl: [{ description: 'u', url: 'https://example.com/b' }] } },
        { elementID: 'a', startTimeMs: 0, endTimeMs: 30_000, tags: { title: 'First' } },
      ],
      tableOfContents: [{ elementID: 'toc', isOrdered: true, elements: ['a', 'b'] }],
    });
    const here = await parseAudioTag(new Uint8Array(tag));
    expect(here).toStrictEqual({
      ok: true,
      value: [
        { startSeconds: 0, endSeconds: 30, title: 'First', source: 'audio' },
        { startSeconds: 30, endSeconds: 90, title: 'Second', url: 'https://example.com/b', source: 'audio' },
      ],
    });
    expect(await pool.parseAudioTag(new Uint8Array(tag))).toStrictEqual(here);
    // No tag at all: no chapters, not an error.
    expect(await pool.parseAudioTag(new Uint8Array(silentFrames(3)))).toStrictEqual(await parseAudioTag(new Uint8Array(silentFrames(3))));
  });

  it('parses chapters files and transcripts (and their refusals) as the parsers do here', async () => {
    pool = new ParsePool();
    const chapterFiles = readdirSync(`${fixtures}chapters`);
    expect(chapterFiles.length).toBeGreaterThan(0);
    for (const name of chapterFiles) {
      const text = readFileSync(`${fixtures}chapters/${name}`, 'utf8');
      expect(await pool.parseJsonChapters(text), name).toStrictEqual(parseJsonChapters(text));
    }
    expect(await pool.parseJsonChapters('{ not json')).toStrictEqual(parseJsonChapters('{ not json'));
    const types: Record<string, string> = { vtt: 'text/vtt', srt: 'application/srt', json: 'application/json' };
    for (const name of readdirSync(`${fixtures}transcripts`)) {
      const text = readFileSync(`${fixtures}transcripts/${name}`, 'utf8');
      const type = types[name.split('.').pop() ?? ''] ?? 'text/plain';
      const inWorker = await pool.parseTranscript(text, type);
      expect(inWorker.ok, name).toBe(true);
      expect(inWorker, name).toStrictEqual(parseTranscript(text, type));
    }
    expect(await pool.parseTranscript('', 'text/vtt')).toStrictEqual(parseTranscript('', 'text/vtt'));
  });

  it('fails only the feed whose parse ran its worker out of memory, and parses the next one on a new worker', async () => {
    const { log, lines } = logged();
    // Enough for a worker to start (about 10 MB here) but not for 20,000 wordy episodes (well over 40 MB).
    pool = new ParsePool({ maxHeapMb: 24, log });
    const small = readFileSync(`${fixtures}feeds/homegrown-hits.xml`);
    const [first, wordy] = await Promise.all([pool.parseFeed(small), pool.parseFeed(notesFeed(20_000))]);
    expect(first).toStrictEqual(parseFeedDetailed(small));
    expect(wordy).toEqual({ ok: false, error: { kind: 'outOfMemory', megabytes: 24 } });
    expect(lines().some((l) => l['msg'] === 'parse stopped' && l['task'] === 'feed')).toBe(true);
    const workersBefore = new Set(lines().filter((l) => l['msg'] === 'parsed in a worker').map((l) => l['threadId']));

    expect(await pool.parseFeed(small)).toStrictEqual(parseFeedDetailed(small));
    const after = lines().filter((l) => l['msg'] === 'parsed in a worker').at(-1);
    expect(workersBefore.has(after?.['threadId'])).toBe(false);
  });

  it('fails a parse its workers never answer within the timeout instead of holding it forever', async () => {
    const { log, lines } = logged();
    // 2 MB is too little for a worker to even load the parsers: nothing will ever answer.
    pool = new ParsePool({ maxHeapMb: 2, timeoutMs: 2_000, log });
    const small = readFileSync(`${fixtures}feeds/homegrown-hits.xml`);
    expect(await pool.parseFeed(small)).toEqual({ ok: false, error: { kind: 'timedOut', seconds: 2 } });
    expect(lines().some((l) => l['msg'] === 'a parse worker failed')).toBe(true);
  });

  it('queues at most threads + maxQueue parses and lets the rest wait their turn, each answered in full', async () => {
    pool = new ParsePool({ threads: 1, maxQueue: 1 });
    const small = readFileSync(`${fixtures}feeds/homegrown-hits.xml`);
    const asked = Array.from({ length: 5 }, () => pool!.parseFeed(small));
    // One for the thread, one queued for it; three wait for a place.
    expect(pool.waiting).toBe(3);
    expect(await Promise.all(asked)).toStrictEqual(Array.from({ length: 5 }, () => parseFeedDetailed(small)));
    expect(pool.waiting).toBe(0);
  });
});
