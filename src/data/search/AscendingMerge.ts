/**
 * The positions in these words' postings, ascending (an episode holding two of the words comes twice), merged lazily
 * with a min-heap of list heads: a lookup usually stops after a few dozen, so sorting them all would be wasted.
 */
export class AscendingMerge {
  readonly #lists: ArrayLike<number>[];
  /** Indices into #lists, a min-heap on each list's current head. */
  readonly #heap: Int32Array;
  readonly #cursor: Int32Array;
  #size = 0;

  constructor(postings: readonly ArrayLike<number>[], words: readonly number[]) {
    this.#lists = words.map((w) => postings[w]!).filter((list) => list.length > 0);
    this.#heap = new Int32Array(this.#lists.length);
    this.#cursor = new Int32Array(this.#lists.length);
    for (let i = 0; i < this.#lists.length; i++) this.#heap[this.#size++] = i;
    for (let i = (this.#size >> 1) - 1; i >= 0; i--) this.#siftDown(i);
  }

  /** The next position, or -1 when every list is exhausted. */
  next(): number {
    if (this.#size === 0) return -1;
    const list = this.#heap[0]!;
    const position = this.#lists[list]![this.#cursor[list]!]!;
    if (++this.#cursor[list]! === this.#lists[list]!.length) this.#heap[0] = this.#heap[--this.#size]!;
    this.#siftDown(0);
    return position;
  }

  #head(slot: number): number {
    const list = this.#heap[slot]!;
    return this.#lists[list]![this.#cursor[list]!]!;
  }

  #siftDown(slot: number): void {
    const heap = this.#heap;
    for (;;) {
      const left = 2 * slot + 1;
      if (left >= this.#size) return;
      const right = left + 1;
      const child = right < this.#size && this.#head(right) < this.#head(left) ? right : left;
      if (this.#head(child) >= this.#head(slot)) return;
      const swap = heap[slot]!;
      heap[slot] = heap[child]!;
      heap[child] = swap;
      slot = child;
    }
  }
}
