/** First index in `sorted[from, to)` whose string is >= `key` (UTF-16 code unit order, as Array#sort). */
export function lowerBound(sorted: readonly string[], key: string, from = 0, to = sorted.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as string) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The half-open index range of the strings in `sorted` that start with `prefix`. */
export function sortedPrefixRange(sorted: readonly string[], prefix: string, from = 0, to = sorted.length): [number, number] {
  const start = lowerBound(sorted, prefix, from, to);
  let lo = start;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as string).startsWith(prefix)) lo = mid + 1;
    else hi = mid;
  }
  return [start, lo];
}
