/**
 * The `position` column of a podcast's episodes for a new save: what orders them (ascending = the feed's order).
 * Positions need only increase down the list, not be 0, 1, 2 ..., so the stored ones are kept wherever the order
 * allows: a new episode at the top of a feed takes a number below the first, one at the end a number after the last,
 * and the episodes already stored keep theirs and are not written again. Only when the stored order changed (or new
 * episodes come between two stored neighbours with no numbers left between them) is the whole list numbered afresh.
 */
export function episodePositions(ids: readonly string[], stored: ReadonlyMap<string, number>): number[] {
  const positions: (number | undefined)[] = ids.map((id) => stored.get(id));
  let last = -Infinity;
  for (const position of positions) {
    if (position === undefined) continue;
    if (position <= last) return ids.map((_, index) => index);
    last = position;
  }
  if (last === -Infinity) return ids.map((_, index) => index);
  // Runs of new episodes, each between the stored neighbours before and after it.
  for (let start = 0; start < positions.length; ) {
    if (positions[start] !== undefined) {
      start++;
      continue;
    }
    let end = start;
    while (end < positions.length && positions[end] === undefined) end++;
    const before = start === 0 ? undefined : positions[start - 1];
    const after = end === positions.length ? undefined : positions[end];
    const count = end - start;
    let first: number;
    if (before === undefined) first = (after as number) - count;
    else if (after === undefined || after - before - 1 >= count) first = before + 1;
    else return ids.map((_, index) => index);
    for (let i = 0; i < count; i++) positions[start + i] = first + i;
    start = end;
  }
  return positions as number[];
}
