/**
 * The explorer's seen-set: 64-bit state fingerprints in one fixed-size open-addressing table
 * (linear probing), as TLC keeps its fingerprint set. The table lives in an ArrayBuffer or a
 * SharedArrayBuffer; in the second case several worker threads insert concurrently:
 * a slot is two Int32 words (hi, lo), claimed by `Atomics.compareExchange(hi: 0 → hi)` and then
 * completed by storing lo; a reader that finds hi equal to its own waits until lo is written.
 * So hi and lo are never 0 (a 0 half is mapped to 1, which costs 2^-32 of one half's entropy).
 *
 * A fingerprint's first slot is its mixed 32 bits scaled to the slot count, so the table takes
 * any number of slots the bytes given hold (`--table-mb`), not only a power of two.
 * The table never grows: it holds at most `limit` = 3/4 of its slots, and an insert beyond that
 * reports `FULL`, so memory is bounded by the bytes given and the explorer stops and says so.
 * Fingerprints are not states: two states with the same 64-bit fingerprint count once (for n
 * states the chance of any such collision is about n²/2^65, reported as `collisionProbability`).
 */

export const INSERTED = 1;
export const SEEN = 0;
export const FULL = -1;

/** Header words in the shared buffer before the slots: [0] = entries. */
const HEADER = 2;
/** Most inserts a thread makes before it adds them to a shared table's count. */
const PUBLISH = 256;

export interface FingerprintSetInit {
  /** Bytes for the slots (8 per slot, rounded down; at least 1024 slots, at most 2^29). */
  readonly bytes: number;
  readonly shared?: boolean;
}

export class FingerprintSet {
  readonly words: Int32Array;
  readonly slots: number;
  readonly limit: number;
  /** slots / 2^32: a 32-bit hash times this, rounded down, is a slot (exact: it stays below slots). */
  private readonly scale: number;
  private readonly shared: boolean;

  constructor(init: FingerprintSetInit | { readonly buffer: SharedArrayBuffer | ArrayBuffer }) {
    if ('buffer' in init) {
      this.words = new Int32Array(init.buffer);
      this.shared = typeof SharedArrayBuffer !== 'undefined' && init.buffer instanceof SharedArrayBuffer;
    } else {
      const slots = Math.max(1024, Math.min(2 ** 29, Math.floor(init.bytes / 8)));
      const bytes = (HEADER + slots * 2) * 4;
      this.shared = init.shared === true;
      this.words = new Int32Array(this.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    }
    this.slots = (this.words.length - HEADER) / 2;
    this.limit = Math.floor(this.slots * 0.75);
    this.scale = this.slots / 2 ** 32;
    this.batch = Math.max(1, Math.min(PUBLISH, Math.floor(this.slots / 256)));
  }

  get buffer(): SharedArrayBuffer | ArrayBuffer {
    return this.words.buffer;
  }
  get bytes(): number {
    return this.words.byteLength;
  }
  /** Entries (in a shared table: all threads' published ones plus this thread's pending ones). */
  get size(): number {
    return this.shared ? Atomics.load(this.words, 0) + this.pending : (this.words[0] as number);
  }
  /**
   * A shared table's inserts by this thread not yet added to the shared count (it is updated every
   * `batch` inserts, not on each: the count is one word all threads write). So the fill limit may
   * be passed by up to `batch` + 1 entries per other thread; `batch` ≤ slots/256 keeps that inside
   * the quarter kept free for up to 64 threads (the explorer runs at most 8).
   */
  private pending = 0;
  private readonly batch: number;
  /** Adds this thread's pending inserts to the shared count (the parallel explorer does at each level's end). */
  publish(): void {
    if (this.pending === 0) return;
    Atomics.add(this.words, 0, this.pending);
    this.pending = 0;
  }
  /** Chance that two of `size` distinct states shared a fingerprint (birthday bound n²/2^65). */
  get collisionProbability(): number {
    const n = this.size;
    return Math.min(1, (n * n) / 2 ** 65);
  }

  /** INSERTED (new; `lastSlot` is its slot), SEEN, or FULL. */
  lastSlot = -1;
  add(hi0: number, lo0: number): number {
    const hi = hi0 === 0 ? 1 : hi0 | 0;
    const lo = lo0 === 0 ? 1 : lo0 | 0;
    const w = this.words;
    // the slot: the mixed 32 bits scaled to [0, slots) (any slot count, not only a power of two)
    const n = this.slots;
    let pos = Math.floor(((lo ^ Math.imul(hi, 0x9e3779b1)) >>> 0) * this.scale);
    if (!this.shared) {
      for (;;) {
        const i = HEADER + 2 * pos;
        const cur = w[i] as number;
        if (cur === 0) {
          if ((w[0] as number) >= this.limit) return FULL;
          w[i] = hi;
          w[i + 1] = lo;
          w[0] = (w[0] as number) + 1;
          this.lastSlot = pos;
          return INSERTED;
        }
        if (cur === hi && w[i + 1] === lo) {
          this.lastSlot = pos;
          return SEEN;
        }
        if (++pos === n) pos = 0;
      }
    }
    // plain reads while probing: a slot's hi is written once, so a non-zero value read is final,
    // and a stale 0 is corrected by the compareExchange that claims the slot (the only atomic
    // read-modify-write of an insert; the count is published in batches)
    for (;;) {
      const i = HEADER + 2 * pos;
      let cur = w[i] as number;
      if (cur === 0) {
        if ((w[0] as number) + this.pending >= this.limit) return FULL;
        cur = Atomics.compareExchange(w, i, 0, hi);
        if (cur === 0) {
          // a plain store: lo is written once, and a reader that saw hi waits for it with Atomics.load
          w[i + 1] = lo;
          if (++this.pending >= this.batch) this.publish();
          this.lastSlot = pos;
          return INSERTED;
        }
      }
      if (cur === hi) {
        let l = w[i + 1] as number;
        while (l === 0) l = Atomics.load(w, i + 1);
        if (l === lo) {
          this.lastSlot = pos;
          return SEEN;
        }
      }
      if (++pos === n) pos = 0;
    }
  }
}
