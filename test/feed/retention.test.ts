import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { parseOk, rss } from './helpers.js';

// A gc() for this test alone: vitest's workers run without --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap bytes still used, after full collections, while `keep` holds what `make` returned. */
function retainedBy(make: () => unknown): number {
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept = make();
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  expect(kept).toBeDefined();
  return after - before;
}

describe('memory kept by a parsed feed', () => {
  // The parser reads a feed in 64 KB pieces, and a short string cut from one (a slice) would keep the whole piece.
  it.each([
    ['plain-text notes', (i: number) => `<![CDATA[Short notes ${i}]]>`],
    ['one paragraph of HTML', (i: number) => `<![CDATA[<p>Short notes ${i}</p>]]>`],
  ])('is what the episodes hold, not the pieces of the feed, for %s', (_kind, notes) => {
    // Padding the feed but not the episodes (3,000 of them hold about 1.5 MB): what is kept is a fraction of the feed.
    const padding = `<!-- ${'x'.repeat(2000)} -->`;
    const items = Array.from({ length: 3000 }, (_, i) => `<item><guid>${i}</guid><title>E${i}</title><description>${notes(i)}</description>${padding}</item>`);
    const feed = Buffer.from(rss(items.join('\n')));
    const bytes = retainedBy(() => parseOk(feed).episodes);
    expect(feed.length).toBeGreaterThan(6_000_000);
    expect(bytes).toBeLessThan(feed.length / 3);
  });
});
