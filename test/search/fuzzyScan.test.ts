import { describe, expect, it } from 'vitest';
import { prng } from '../support/prng.js';
import { editDistance, fuzzyScan } from '../../src/data/search/fuzzyScan.js';

function naive(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const up = d[i - 1] as number[];
      row[j] = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

function words(seed: number, count: number): string[] {
  const next = prng(seed);
  const out = new Set<string>();
  while (out.size < count) {
    let w = '';
    const length = 1 + Math.floor(next() * 9);
    for (let i = 0; i < length; i++) w += 'abcdet'[Math.floor(next() * 6)];
    out.add(w);
  }
  return [...out];
}

describe('fuzzyScan', () => {
  const dictionary = words(7, 1500).sort();

  it('finds exactly the words a brute-force Damerau distance finds, with the same distance', () => {
    for (const query of words(99, 40)) {
      for (const max of [1, 2]) {
        const found = new Map<string, number>();
        fuzzyScan(dictionary, query, max, (i, distance) => found.set(dictionary[i] as string, distance));
        const expected = new Map(dictionary.map((w) => [w, naive(query, w)] as const).filter(([, d]) => d <= max));
        expect(found).toEqual(expected);
      }
    }
  });

  it('counts a swap of neighbouring letters as one edit', () => {
    const found: string[] = [];
    fuzzyScan(['tesla', 'tessa', 'vesla'], 'tesal', 1, (i) => found.push(['tesla', 'tessa', 'vesla'][i] as string));
    expect(found).toEqual(['tesla']);
    expect(editDistance('tesal', 'tesla', 2)).toBe(1);
  });
});
