/**
 * Bytes into chunks of a fixed size, for a writer that hands a big image over a piece at a time
 * (writeSnapshot, Catalog.serializeStream): `full` yields the chunks filled so far, each valid until the next is
 * asked for (its memory is then filled again), so a save holds a chunk or two, not what it has written. An empty
 * chunk (`pause`) hands control back with nothing to write: the writer lets the event loop turn then, so a loop that
 * makes few bytes for its work (removed passages skipped, a byte a posting) still stops every slice.
 */
const align8 = (n: number): number => (n + 7) & ~7;

/** What `pause` hands over: no bytes. */
const PAUSE = new Uint8Array(0);

/** Bytes into chunks of a fixed size; `full` hands over the chunks filled so far, `pause` those or an empty one. */
export class ChunkWriter {
  #chunk: Uint8Array;
  #at = 0;
  #ready: Uint8Array[] = [];
  /** Bytes written so far. */
  total = 0;

  constructor(private readonly size: number) {
    this.#chunk = new Uint8Array(size);
  }

  /** Chunks handed over and given back (the caller is done with one when it asks for the next). */
  readonly #free: Uint8Array[] = [];

  #room(n: number): void {
    if (this.#at + n <= this.size) return;
    this.#ready.push(this.#chunk.subarray(0, this.#at));
    this.#chunk = this.#free.pop() ?? new Uint8Array(this.size);
    this.#at = 0;
  }

  u8(v: number): void {
    this.#room(1);
    this.#chunk[this.#at++] = v;
    this.total++;
  }

  bytes(b: Uint8Array): void {
    for (let from = 0; from < b.byteLength; ) {
      if (this.#at === this.size) this.#room(1);
      const n = Math.min(b.byteLength - from, this.size - this.#at);
      this.#chunk.set(b.subarray(from, from + n), this.#at);
      this.#at += n;
      from += n;
      this.total += n;
    }
  }

  /** Bytes, a chunk's worth at a time (a big run is not copied into many chunks before any is handed over). */
  *piece(bytes: Uint8Array): Generator<Uint8Array, void, void> {
    for (let from = 0; from < bytes.byteLength; from += this.size) {
      this.bytes(bytes.subarray(from, Math.min(bytes.byteLength, from + this.size)));
      yield* this.full();
    }
  }

  /** A typed array as it is in memory (little-endian platforms: what encodeIndex writes), then padding to 8. */
  *array(a: Uint8Array | Uint16Array | Uint32Array | Float64Array): Generator<Uint8Array, void, void> {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (let from = 0; from < bytes.byteLength; from += this.size) {
      this.bytes(bytes.subarray(from, Math.min(bytes.byteLength, from + this.size)));
      yield* this.full();
    }
    this.align();
  }

  /** Zeros up to the next multiple of 8 bytes written. */
  align(): void {
    const pad = align8(this.total) - this.total;
    for (let i = 0; i < pad; i++) this.u8(0);
  }

  *full(): Generator<Uint8Array, void, void> {
    const ready = this.#ready;
    if (ready.length === 0) return;
    this.#ready = [];
    // Each chunk's memory is written again once the caller asks for the next: a save holds a few chunks, not the
    // gigabyte of chunks a collection would otherwise find behind it.
    for (const chunk of ready) {
      yield chunk;
      this.#free.push(new Uint8Array(chunk.buffer));
    }
  }

  /** The chunks filled so far, or an empty one when none is: a slice of work done, the writer may pause. */
  *pause(): Generator<Uint8Array, void, void> {
    if (this.#ready.length > 0) yield* this.full();
    else yield PAUSE;
  }

  *end(): Generator<Uint8Array, void, void> {
    yield* this.full();
    if (this.#at > 0) yield this.#chunk.subarray(0, this.#at);
    this.#at = 0;
  }
}
