/**
 * How long a big feed's parse holds up the event loop, the thread that answers interactions: parseFeed called on it
 * (as the poller did) against the same parse through the ParsePool's worker thread (as the poller does now).
 *
 *   npm run bench -- parsing        (or npx tsx bench/parseStall.ts)
 *
 * A 1 ms interval timer runs throughout; the longest gap between two of its runs while a parse is in flight is the
 * longest any interaction arriving then would have waited before the bot could even read it. With the pool, what is
 * left on this thread is posting the bytes (a copy) and receiving the result (structured clone: every episode object
 * is rebuilt here). Each feed is parsed a few times to warm both paths, then in alternating rounds; medians shown.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseFeed } from '../src/data/feed/parseFeed.js';
import { ParsePool } from '../src/sources/ParsePool.js';
import { generateFeed } from './generateFeed.js';
import { median } from './measure.js';
import { stallDuring } from './stallDuring.js';
import type { ParsedFeed, Result } from '../src/data/model.js';

const ROUNDS = Number(process.env['PARSE_STALL_ROUNDS'] ?? 7);

/** `items` short items (title, guid, date, enclosure): 100,000 make a 12 MB feed, 20,000 episodes kept. */
function shortItemsFeed(items: number): Buffer {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Huge Show</title><link>https://huge.invalid/</link>\n'];
  const newest = Date.UTC(2024, 0, 1);
  for (let i = items; i > 0; i--) {
    const published = new Date(newest - (items - i) * 3_600_000).toUTCString();
    out.push(`<item><title>Huge ${i}</title><guid>h-${i}</guid><pubDate>${published}</pubDate><enclosure url="https://huge.invalid/${i}.mp3"/></item>\n`);
  }
  out.push('</channel></rss>\n');
  return Buffer.from(out.join(''));
}

/** stallDuring of a parse: its figures and how many episodes it read (a failed parse stops the bench). */
async function parseStall(
  parse: () => Promise<Result<ParsedFeed, unknown>> | Result<ParsedFeed, unknown>,
): Promise<{ wallMs: number; stallMs: number; episodes: number }> {
  const { result, wallMs, stallMs } = await stallDuring(parse);
  if (!result.ok) throw new Error(typeof result.error === 'string' ? result.error : JSON.stringify(result.error));
  return { wallMs, stallMs, episodes: result.value.episodes.length };
}

export async function runParseStallBench(): Promise<void> {
  const inputs: [string, Buffer][] = [
    ['YLE (real, 1,342 items)', readFileSync(new URL('./fixtures/yle-ajantasa_1342-items.xml', import.meta.url))],
    ['generated 5,000 items', Buffer.from(generateFeed(5_000))],
    ['100,000 short items', shortItemsFeed(100_000)],
  ];
  const rows: Record<string, string>[] = [];
  for (const [name, bytes] of inputs) {
    // A new pool per feed: its first parse pays for starting the worker (tsx compiling the parsers, when run from source).
    const pool = new ParsePool();
    try {
      const cold = await parseStall(() => pool.parseFeed(bytes));
      for (let i = 0; i < 3; i++) {
        parseFeed(bytes);
        await pool.parseFeed(bytes);
      }
      const inline: { wallMs: number; stallMs: number }[] = [];
      const pooled: { wallMs: number; stallMs: number }[] = [];
      let episodes = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const a = await parseStall(() => parseFeed(bytes));
        const b = await parseStall(() => pool.parseFeed(bytes));
        inline.push(a);
        pooled.push(b);
        episodes = b.episodes;
      }
      const inlineStall = median(inline.map((r) => r.stallMs));
      const pooledStall = median(pooled.map((r) => r.stallMs));
      rows.push({
        feed: name,
        size: `${(bytes.length / 1048576).toFixed(1)} MB`,
        episodes: String(episodes),
        'on the loop: wall': `${median(inline.map((r) => r.wallMs)).toFixed(0)} ms`,
        'on the loop: stall': `${inlineStall.toFixed(0)} ms`,
        'pool: wall': `${median(pooled.map((r) => r.wallMs)).toFixed(0)} ms`,
        'pool: stall': `${pooledStall.toFixed(1)} ms`,
        'stall, pool / on the loop': `${(pooledStall / inlineStall).toFixed(3)}`,
        'cold pool: wall / stall': `${cold.wallMs.toFixed(0)} / ${cold.stallMs.toFixed(1)} ms`,
      });
    } finally {
      await pool.close();
    }
  }
  console.log(`\nEvent-loop stall while one feed is parsed (median of ${ROUNDS} rounds; "stall" = longest gap of a 1 ms timer during the parse)`);
  console.table(rows);
  console.log(
    'On the loop: parseFeed called on the thread that answers interactions, as the poller did before the pool.' +
      '\nPool: the same bytes through ParsePool (one worker thread on 2 cores); its stall is mostly receiving the result.' +
      '\nCold pool: the first parse of a new pool, which starts its worker.',
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runParseStallBench();
}
