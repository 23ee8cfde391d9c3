/**
 * The BFS frontier as encoded states (state-codec.ts) in 1 MiB chunks: `push` appends a record
 * (2-byte length, 4-byte reference of the state, its bytes), `shift` reads the next one in FIFO
 * order, and a chunk is released as soon as it has been read, so memory follows the frontier, not
 * the states seen. `peakBytes` reports the most it held. `take`/`append` move all records to
 * another queue (the parallel explorer hands states to the worker that owns them).
 */
const CHUNK = 1 << 20;
const HEAD = 6;
const END = 0xffff;

export interface QueueChunks {
  readonly chunks: Uint8Array[];
  readonly ends: number[];
  readonly records: number;
}

export class StateQueue {
  private chunks: (Uint8Array | null)[] = [];
  private ends: number[] = [];
  private writeChunk = -1;
  private writeOff = CHUNK;
  private readChunk = 0;
  private readOff = 0;
  private live = 0;
  length = 0;
  peakBytes = 0;

  push(b: Uint8Array, len: number, ref: number): void {
    if (len >= END) throw new Error(`state queue: an encoded state of ${len} bytes exceeds 65534`);
    if (this.writeOff + HEAD + len > CHUNK) {
      if (this.writeChunk >= 0) this.ends[this.writeChunk] = this.writeOff;
      this.chunks.push(new Uint8Array(CHUNK));
      this.ends.push(CHUNK);
      this.writeChunk = this.chunks.length - 1;
      this.writeOff = 0;
      this.live++;
      this.peakBytes = Math.max(this.peakBytes, this.live * CHUNK);
    }
    const c = this.chunks[this.writeChunk] as Uint8Array;
    const o = this.writeOff;
    c[o] = len & 0xff;
    c[o + 1] = len >>> 8;
    c[o + 2] = ref & 0xff;
    c[o + 3] = (ref >>> 8) & 0xff;
    c[o + 4] = (ref >>> 16) & 0xff;
    c[o + 5] = (ref >>> 24) & 0xff;
    for (let k = 0, d = o + HEAD; k < len; k++) c[d + k] = b[k] as number;
    this.writeOff = o + HEAD + len;
    this.length++;
  }

  /** The record `shift` returned: `buf[off..off+len)`, valid until the next `shift`; `ref` as pushed. */
  buf: Uint8Array = new Uint8Array(0);
  off = 0;
  len = 0;
  ref = 0;
  shift(): boolean {
    if (this.length === 0) return false;
    for (;;) {
      const c = this.chunks[this.readChunk] as Uint8Array;
      const end = this.readChunk === this.writeChunk ? this.writeOff : (this.ends[this.readChunk] ?? CHUNK);
      if (this.readOff + HEAD <= end) {
        const o = this.readOff;
        const len = (c[o] as number) | ((c[o + 1] as number) << 8);
        this.buf = c;
        this.ref = (c[o + 2] as number) | ((c[o + 3] as number) << 8) | ((c[o + 4] as number) << 16) | ((c[o + 5] as number) << 24);
        this.off = o + HEAD;
        this.len = len;
        this.readOff = o + HEAD + len;
        this.length--;
        return true;
      }
      this.chunks[this.readChunk] = null;
      this.live--;
      this.readChunk++;
      this.readOff = 0;
    }
  }

  /** Removes every record and returns them as chunks (for a transfer); the queue is then empty. */
  take(): QueueChunks {
    const chunks: Uint8Array[] = [];
    const ends: number[] = [];
    for (let k = this.readChunk; k < this.chunks.length; k++) {
      const c = this.chunks[k];
      if (c === null || c === undefined) continue;
      const start = k === this.readChunk ? this.readOff : 0;
      const end = k === this.writeChunk ? this.writeOff : (this.ends[k] ?? CHUNK);
      chunks.push(start === 0 ? c : c.slice(start, end));
      ends.push(start === 0 ? end : end - start);
    }
    const records = this.length;
    this.chunks = [];
    this.ends = [];
    this.writeChunk = -1;
    this.writeOff = CHUNK;
    this.readChunk = 0;
    this.readOff = 0;
    this.live = 0;
    this.length = 0;
    return { chunks, ends, records };
  }

  /** Appends the records of `q` (from `take`, possibly of another thread). */
  append(q: QueueChunks): void {
    for (let k = 0; k < q.chunks.length; k++) {
      const c = q.chunks[k] as Uint8Array;
      const end = q.ends[k] ?? 0;
      for (let o = 0; o + HEAD <= end;) {
        const len = (c[o] as number) | ((c[o + 1] as number) << 8);
        const ref = (c[o + 2] as number) | ((c[o + 3] as number) << 8) | ((c[o + 4] as number) << 16) | ((c[o + 5] as number) << 24);
        this.push(c.subarray(o + HEAD, o + HEAD + len), len, ref);
        o += HEAD + len;
      }
    }
  }
}
