import { describe, expect, it } from 'vitest';
import { episodePositions } from '../../src/store/episodePositions.js';

const stored = (entries: [string, number][]): Map<string, number> => new Map(entries);

describe('episodePositions', () => {
  it('numbers a first save 0, 1, 2 ...', () => {
    expect(episodePositions(['c', 'b', 'a'], stored([]))).toEqual([0, 1, 2]);
  });

  it('keeps stored positions and puts new episodes above the first and after the last', () => {
    expect(episodePositions(['e', 'd', 'c', 'b', 'a', 'z'], stored([['c', 0], ['b', 1], ['a', 2]]))).toEqual([-2, -1, 0, 1, 2, 3]);
  });

  it('keeps them when episodes are gone, and fills a gap they left', () => {
    expect(episodePositions(['c', 'x', 'a'], stored([['c', 0], ['a', 2]]))).toEqual([0, 1, 2]);
  });

  it('numbers afresh when the order changed, or new episodes do not fit between two stored ones', () => {
    expect(episodePositions(['a', 'b'], stored([['b', 0], ['a', 1]]))).toEqual([0, 1]);
    expect(episodePositions(['c', 'x', 'y', 'a'], stored([['c', 0], ['a', 2]]))).toEqual([0, 1, 2, 3]);
  });
});
