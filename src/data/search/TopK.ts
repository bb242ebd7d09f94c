/** Ranking primitives: a bounded min-heap of the best (doc, score) pairs, and the order results are shown in. */

/** Best score first; equal scores by doc id, so result lists are deterministic. */
export function byScoreThenDoc(a: { doc: number; score: number }, b: { doc: number; score: number }): number {
  return b.score - a.score || a.doc - b.doc;
}

/** A bounded min-heap keeping the k best (doc, score) pairs. */
export class TopK {
  private readonly docs: Int32Array;
  private readonly scores: Float64Array;
  private size = 0;

  constructor(private readonly k: number) {
    this.docs = new Int32Array(k);
    this.scores = new Float64Array(k);
  }

  push(doc: number, score: number): void {
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if ((this.scores[parent] as number) <= score) break;
        this.docs[i] = this.docs[parent] as number;
        this.scores[i] = this.scores[parent] as number;
        i = parent;
      }
      this.docs[i] = doc;
      this.scores[i] = score;
      return;
    }
    if (score <= (this.scores[0] as number)) return;
    this.replaceMin(doc, score);
  }

  /** Puts (doc, score) in place of the root (the minimum) and sifts it down. */
  private replaceMin(doc: number, score: number): void {
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.size) break;
      const right = left + 1;
      const child = right < this.size && (this.scores[right] as number) < (this.scores[left] as number) ? right : left;
      if ((this.scores[child] as number) >= score) break;
      this.docs[i] = this.docs[child] as number;
      this.scores[i] = this.scores[child] as number;
      i = child;
    }
    this.docs[i] = doc;
    this.scores[i] = score;
  }

  /** The k-th best score (0 while fewer than k were pushed). */
  min(): number {
    return this.size < this.k ? 0 : (this.scores[0] as number);
  }

  drain(): { doc: number; score: number }[] {
    const out: { doc: number; score: number }[] = [];
    for (let i = 0; i < this.size; i++) out.push({ doc: this.docs[i] as number, score: this.scores[i] as number });
    return out;
  }

  /**
   * The kept pairs in byScoreThenDoc order, emptying the heap. Popping the minimum leaves only equal scores out of
   * doc order, which the insertion sort then fixes in a pass: several times faster than Array#sort with a comparator
   * (the pool of 180 cost ~20 µs a query).
   */
  drainSorted(): { doc: number; score: number }[] {
    const out: { doc: number; score: number }[] = new Array(this.size);
    while (this.size > 0) {
      const last = --this.size;
      out[last] = { doc: this.docs[0] as number, score: this.scores[0] as number };
      if (last > 0) this.replaceMin(this.docs[last] as number, this.scores[last] as number);
    }
    for (let i = 1; i < out.length; i++) {
      const c = out[i]!;
      let j = i - 1;
      for (; j >= 0 && byScoreThenDoc(out[j]!, c) > 0; j--) out[j + 1] = out[j]!;
      out[j + 1] = c;
    }
    return out;
  }
}
