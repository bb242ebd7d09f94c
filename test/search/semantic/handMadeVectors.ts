import { WordVectors } from '../../../src/data/search/semantic/WordVectors.js';

/**
 * Five-dimensional vectors written by hand: one axis per topic (cars, accidents, fruit, music, space), near words
 * leaning on the same axis. Rank order is the array order.
 */
export const HAND_MADE: readonly [string, number[]][] = [
  ['car', [1, 0, 0, 0, 0]],
  ['automobile', [0.95, 0.05, 0, 0, 0.1]],
  ['driverless', [0.9, 0, 0, 0, 0.2]],
  ['taxi', [0.8, 0, 0.1, 0, 0]],
  ['crash', [0.1, 1, 0, 0, 0]],
  ['accident', [0.15, 0.95, 0, 0, 0]],
  ['collision', [0.2, 0.9, 0, 0.05, 0]],
  ['banana', [0, 0, 1, 0, 0]],
  ['apple', [0, 0, 0.9, 0.1, 0]],
  ['smoothie', [0, 0, 0.95, 0, 0.05]],
  ['guitar', [0, 0, 0, 1, 0]],
  ['song', [0, 0, 0.05, 0.95, 0]],
  ['rocket', [0, 0, 0, 0, 1]],
  ['mars', [0, 0, 0, 0.05, 0.95]],
];

export function handMadeVectors(): WordVectors {
  return WordVectors.fromFloatRows(
    HAND_MADE.map(([w]) => w),
    HAND_MADE.map(([, v]) => v),
    5,
  );
}
