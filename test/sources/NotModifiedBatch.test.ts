import { describe, expect, it } from 'vitest';
import { NotModifiedBatch } from '../../src/sources/NotModifiedBatch.js';
import type { NotModified } from '../../src/store/Store.js';

describe('NotModifiedBatch', () => {
  function batch(options: { maxSize?: number; maxWaitMs?: number } = {}) {
    const writes: NotModified[][] = [];
    let clock = 1_000;
    const made = new NotModifiedBatch({
      write: async (checks) => void writes.push([...checks]),
      // Every reading of the clock a second later: each group's time shows when it was closed.
      now: () => new Date((clock += 1000)),
      nextCheckAt: (now) => new Date(now.getTime() + 600_000),
      groupSize: 3,
      maxSize: options.maxSize ?? 100,
      maxWaitMs: options.maxWaitMs ?? 60_000,
    });
    return { made, writes };
  }

  it('writes every check that came in one write, each group of groupSize in a row with its own check times', async () => {
    const { made, writes } = batch();
    const written = Array.from({ length: 7 }, (_, i) => made.add({ url: `https://example.com/${i}.xml`, ...(i === 1 && { etag: '"e"' }) }));
    expect(made.size).toBe(7);
    expect(writes).toEqual([]);
    await made.flush();
    await Promise.all(written);
    expect(made.size).toBe(0);
    expect(writes).toHaveLength(1);
    const [write] = writes;
    expect(write?.map((c) => c.url)).toEqual(Array.from({ length: 7 }, (_, i) => `https://example.com/${i}.xml`));
    expect(write?.[1]?.etag).toBe('"e"');
    // Groups of 3, 3 and the 1 left when written: one time each, in the order they filled.
    expect(write?.map((c) => c.checkedAt.getTime())).toEqual([2000, 2000, 2000, 3000, 3000, 3000, 4000]);
    expect(write?.every((c) => c.nextCheckAt.getTime() === c.checkedAt.getTime() + 600_000)).toBe(true);
  });

  it('writes as soon as maxSize checks wait, and after maxWaitMs otherwise', async () => {
    const full = batch({ maxSize: 4 });
    const written = Array.from({ length: 4 }, (_, i) => full.made.add({ url: `https://example.com/${i}.xml` }));
    await Promise.all(written);
    expect(full.writes.map((w) => w.length)).toEqual([4]);

    const timed = batch({ maxWaitMs: 5 });
    await timed.made.add({ url: 'https://example.com/alone.xml' });
    expect(timed.writes.map((w) => w.map((c) => c.url))).toEqual([['https://example.com/alone.xml']]);
  });

  it("fails every check of a batch whose write fails, for each to handle as its own", async () => {
    const made = new NotModifiedBatch({
      write: async () => {
        throw new Error('disk full');
      },
      now: () => new Date(0),
      nextCheckAt: (now) => now,
      groupSize: 2,
      maxSize: 100,
      maxWaitMs: 60_000,
    });
    const written = [made.add({ url: 'https://example.com/a.xml' }), made.add({ url: 'https://example.com/b.xml' })];
    await made.flush();
    for (const check of written) await expect(check).rejects.toThrow('disk full');
  });
});
