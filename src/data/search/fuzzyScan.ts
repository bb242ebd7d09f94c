import { sortedPrefixRange } from './sortedPrefixRange.js';

/**
 * Finds every string in a sorted dictionary within `maxDistance` edits of `query` (Damerau, optimal string
 * alignment: insert, delete, substitute, swap two neighbours).
 *
 * The sorted array is walked as an implicit trie: consecutive words share a prefix, so the edit-distance rows
 * for that prefix are reused, and when every cell of a row exceeds `maxDistance` no word below that prefix can
 * match, so the walk jumps past all of them with a binary search. With 1 or 2 edits most branches die after two
 * or three letters, so the cost grows with the alphabet, not the dictionary.
 * (A swap reaches row r+1 from row r-1, but the cell it skips is at most one more, so pruning on the row
 * minimum stays safe.)
 */
export function fuzzyScan(
  sorted: readonly string[],
  query: string,
  maxDistance: number,
  onMatch: (index: number, distance: number) => void,
): void {
  const qn = query.length;
  const width = qn + 1;
  const maxDepth = qn + maxDistance;
  const rows = new Int32Array((maxDepth + 1) * width);
  for (let j = 0; j <= qn; j++) rows[j] = j;
  const q = new Int32Array(qn);
  for (let j = 0; j < qn; j++) q[j] = query.charCodeAt(j);

  let previous = '';
  let validDepth = 0; // rows[0..validDepth] describe previous.slice(0, validDepth)
  let i = 0;
  const n = sorted.length;
  while (i < n) {
    const word = sorted[i] as string;
    let depth = 0;
    const limit = Math.min(validDepth, word.length);
    while (depth < limit && word.charCodeAt(depth) === previous.charCodeAt(depth)) depth++;

    let prunedAt = -1;
    while (depth < word.length) {
      if (depth + 1 > maxDepth) {
        prunedAt = depth + 1;
        break;
      }
      const r = depth + 1;
      const c = word.charCodeAt(depth);
      const prevC = depth > 0 ? word.charCodeAt(depth - 1) : -1;
      const cur = r * width;
      const prev = cur - width;
      const prev2 = prev - width;
      rows[cur] = r;
      let rowMin = r;
      for (let j = 1; j <= qn; j++) {
        const qc = q[j - 1] as number;
        let v = (rows[prev + j - 1] as number) + (qc === c ? 0 : 1);
        const del = (rows[prev + j] as number) + 1;
        if (del < v) v = del;
        const ins = (rows[cur + j - 1] as number) + 1;
        if (ins < v) v = ins;
        if (r > 1 && j > 1 && c === q[j - 2] && prevC === qc) {
          const swap = (rows[prev2 + j - 2] as number) + 1;
          if (swap < v) v = swap;
        }
        rows[cur + j] = v;
        if (v < rowMin) rowMin = v;
      }
      depth = r;
      if (rowMin > maxDistance) {
        prunedAt = r;
        break;
      }
    }
    previous = word;
    validDepth = depth;
    if (prunedAt >= 0) {
      // Nothing starting with word[0, prunedAt) can match: skip the whole subtree.
      i = sortedPrefixRange(sorted, word.slice(0, prunedAt), i, n)[1];
      continue;
    }
    const distance = rows[word.length * width + qn] as number;
    if (distance <= maxDistance) onMatch(i, distance);
    i++;
  }
}

/** Plain Damerau (OSA) distance, for small sets such as the mutable segment's new words. */
export function editDistance(a: string, b: string, maxDistance: number): number {
  if (Math.abs(a.length - b.length) > maxDistance) return maxDistance + 1;
  const m = a.length;
  const n = b.length;
  const width = n + 1;
  const d = new Int32Array((m + 1) * width);
  for (let j = 0; j <= n; j++) d[j] = j;
  for (let i = 1; i <= m; i++) {
    d[i * width] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min((d[(i - 1) * width + j] as number) + 1, (d[i * width + j - 1] as number) + 1, (d[(i - 1) * width + j - 1] as number) + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        v = Math.min(v, (d[(i - 2) * width + j - 2] as number) + 1);
      }
      d[i * width + j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > maxDistance) return maxDistance + 1;
  }
  return d[m * width + n] as number;
}
