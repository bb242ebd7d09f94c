import { describe, expect, it } from 'vitest';
import { AscendingMerge } from '../../src/data/search/AscendingMerge.js';
import { prng } from '../support/prng.js';

describe('AscendingMerge', () => {
  it('yields the chosen postings lists merged in ascending order, duplicates kept, then -1', () => {
    const random = prng(7);
    for (let round = 0; round < 200; round++) {
      const postings = Array.from({ length: 1 + Math.floor(random() * 12) }, () =>
        Array.from({ length: Math.floor(random() * 20) }, () => Math.floor(random() * 100)).sort((a, b) => a - b),
      );
      const words = postings.map((_, i) => i).filter(() => random() < 0.7);
      const merge = new AscendingMerge(postings, words);
      const out: number[] = [];
      for (let p = merge.next(); p >= 0; p = merge.next()) out.push(p);
      expect(out).toEqual(words.flatMap((w) => postings[w]!).sort((a, b) => a - b));
      expect(merge.next()).toBe(-1);
    }
  });
});
