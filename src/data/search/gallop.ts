/** Galloping search in sorted doc-id postings: how a later query word probes the passages already found. */

/** First position in sorted `docs[from, end)` holding a value >= target: doubling steps, then binary search. */
export function gallop(docs: Uint32Array, target: number, from: number, end: number): number {
  if (from >= end || (docs[from] as number) >= target) return from;
  let step = 1;
  let lo = from;
  let hi = from + 1;
  while (hi < end && (docs[hi] as number) < target) {
    lo = hi;
    step *= 2;
    hi = lo + step;
  }
  if (hi > end) hi = end;
  // docs[lo] < target; docs[hi] >= target or hi === end
  while (lo + 1 < hi) {
    const mid = (lo + hi) >>> 1;
    if ((docs[mid] as number) < target) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * The same from a cursor that usually needs a step or two (lists of like length walked side by side): those steps
 * taken inline before galloping, which costs more than they do.
 */
export function stepTo(docs: Uint32Array, target: number, from: number, end: number): number {
  let c = from;
  if (c < end && (docs[c] as number) < target) {
    c++;
    if (c < end && (docs[c] as number) < target) {
      c++;
      if (c < end && (docs[c] as number) < target) c = gallop(docs, target, c + 1, end);
    }
  }
  return c;
}
