/**
 * The BFS frontier as encoded states (state-codec.ts) in 1 MiB chunks: `push` appends a record,
 * `shift` reads the next one in FIFO order, and a chunk is released as soon as it has been read,
 * so memory follows the frontier, not the states seen. `peakBytes` reports the most it held.
 * `take`/`append` move all records to another queue (the parallel explorer hands states to the
 * worker that owns them): whole chunks change hands, nothing is copied.
 *
 * A record is stored as the bytes where it differs from the record before it in the same chunk
 * (the first one of a chunk in full), so every chunk decodes on its own. Consecutive records are
 * mostly successors of one state, and the codec keeps every field but the lists at a fixed offset
 * (state-codec.ts), so they differ in a few places:
 *   varint length · zigzag varint (ref − previous ref) · ops until `length` bytes are made, where
 *   an op byte is `0nnnnnnn`: the next n+1 bytes as in the previous record, or `1nnnnnnn`: n+1
 *   bytes follow.
 * Both ends work in place: `push` writes the changed bytes into its copy of the previous record,
 * `shift` into the record it returned last. At 4 CPUs (sizing workload) a state of 175 bytes takes
 * about 40 (bench/explore-4cpu.ts reports `queuePeakBytes`).
 */
const CHUNK = 1 << 20;
const LIT = 0x80;

export interface QueueChunks {
  readonly chunks: Uint8Array[];
  readonly ends: number[];
  readonly records: number;
}

/** Most bytes a record of `len` state bytes can take (header + every byte literal). */
function worst(len: number): number {
  return 12 + len + Math.ceil(len / 128);
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
  /** The last record pushed into the write chunk (the base of the next one's difference). */
  private wPrev = new Uint8Array(256);
  private wPrevWords = new Uint32Array(this.wPrev.buffer);
  /** The last buffer pushed from, and its words if it is aligned. */
  private bBytes: Uint8Array | null = null;
  private bWords: Uint32Array | null = null;
  private wPrevLen = 0;
  private wPrevRef = 0;
  /** Decoding: the reference of the record `shift` returned (its bytes are `buf`). */
  private rPrevRef = 0;

  push(b: Uint8Array, len: number, ref: number): void {
    if (len > 0xffff) throw new Error(`state queue: an encoded state of ${len} bytes exceeds 65535`);
    if (this.writeOff + worst(len) > CHUNK) {
      if (this.writeChunk >= 0) this.ends[this.writeChunk] = this.writeOff;
      this.openChunk(new Uint8Array(CHUNK), CHUNK);
      this.writeChunk = this.chunks.length - 1;
      this.writeOff = 0;
      this.wPrevLen = 0;
      this.wPrevRef = 0;
    }
    const c = this.chunks[this.writeChunk] as Uint8Array;
    let o = this.writeOff;
    o = putVar(c, o, len);
    const d = ref - this.wPrevRef;
    o = putVar(c, o, d >= 0 ? d * 2 : -d * 2 - 1);
    let p = this.wPrev;
    if (p.length < len) {
      p = new Uint8Array(Math.max(len, p.length * 2) + 3 & ~3);
      p.set(this.wPrev);
      this.wPrev = p;
      this.wPrevWords = new Uint32Array(p.buffer);
    }
    if (b !== this.bBytes) {
      this.bBytes = b;
      this.bWords = b.byteOffset % 4 === 0 ? new Uint32Array(b.buffer, b.byteOffset, b.length >>> 2) : null;
    }
    const bw = this.bWords;
    const pw = this.wPrevWords;
    const same = Math.min(len, this.wPrevLen);
    let i = 0;
    while (i < len) {
      let e = i;
      if (bw !== null) {
        // equal bytes a word at a time where both are aligned (the codec's buffer is)
        while ((e & 3) !== 0 && e < same && b[e] === p[e]) e++;
        if ((e & 3) === 0) while (e + 4 <= same && bw[e >>> 2] === pw[e >>> 2]) e += 4;
      }
      while (e < same && b[e] === p[e]) e++;
      for (let n = e - i; n > 0; n -= 128) c[o++] = Math.min(n, 128) - 1;
      i = e;
      if (i === len) break;
      // changed bytes up to two equal ones in a row (or an equal last byte)
      e = i + 1;
      while (e < len && !(e < same && b[e] === p[e] && (e + 1 === len || (e + 1 < same && b[e + 1] === p[e + 1])))) e++;
      for (let k = i; k < e; k += 128) {
        const n = Math.min(e - k, 128);
        c[o++] = LIT | (n - 1);
        for (let x = k; x < k + n; x++) {
          const v = b[x] as number;
          c[o++] = v;
          p[x] = v;
        }
      }
      i = e;
    }
    this.writeOff = o;
    this.wPrevLen = len;
    this.wPrevRef = ref;
    this.length++;
  }

  private openChunk(c: Uint8Array, end: number): void {
    this.chunks.push(c);
    this.ends.push(end);
    this.live++;
    this.peakBytes = Math.max(this.peakBytes, this.live * CHUNK);
  }

  /** The record `shift` returned: `buf[off..off+len)`, valid until the next `shift`; `ref` as pushed. */
  buf: Uint8Array = new Uint8Array(256);
  off = 0;
  len = 0;
  ref = 0;
  shift(): boolean {
    if (this.length === 0) return false;
    for (;;) {
      const c = this.chunks[this.readChunk] as Uint8Array;
      const end = this.readChunk === this.writeChunk ? this.writeOff : (this.ends[this.readChunk] ?? CHUNK);
      if (this.readOff < end) {
        if (this.readOff === 0) this.rPrevRef = 0;
        this.decode(c);
        this.length--;
        return true;
      }
      this.chunks[this.readChunk] = null;
      this.live--;
      this.readChunk++;
      this.readOff = 0;
    }
  }

  /** Decodes the record at `readOff` of chunk `c` into `buf`, over the record it held (the one before). */
  private decode(c: Uint8Array): void {
    let o = this.readOff;
    let len = 0;
    for (let s = 0; ; s += 7) {
      const x = c[o++] as number;
      len |= (x & 0x7f) << s;
      if (x < 0x80) break;
    }
    let z = 0;
    for (let s = 0; ; s += 7) {
      const x = c[o++] as number;
      z += (x & 0x7f) * 2 ** s;
      if (x < 0x80) break;
    }
    this.ref = this.rPrevRef + ((z & 1) === 0 ? z / 2 : -(z + 1) / 2);
    let out = this.buf;
    if (out.length < len) {
      out = new Uint8Array(Math.max(len, out.length * 2));
      out.set(this.buf);
    }
    for (let i = 0; i < len;) {
      const op = c[o++] as number;
      const n = (op & 0x7f) + 1;
      if (op >= LIT) for (let k = 0; k < n; k++) out[i + k] = c[o + k] as number;
      if (op >= LIT) o += n;
      i += n;
    }
    this.readOff = o;
    this.buf = out;
    this.off = 0;
    this.len = len;
    this.rPrevRef = this.ref;
  }

  /** Removes every record and returns them as chunks (for a transfer); the queue is then empty. */
  take(): QueueChunks {
    if (this.readOff > 0 && this.length > 0) {
      // part of the read chunk is gone, and its next record is a difference from a read one: re-encode the rest
      const q = new StateQueue();
      while (this.shift()) q.push(this.buf, this.len, this.ref);
      this.reset();
      return q.take();
    }
    const chunks: Uint8Array[] = [];
    const ends: number[] = [];
    for (let k = this.readChunk; k < this.chunks.length; k++) {
      const c = this.chunks[k];
      if (c === null || c === undefined) continue;
      const end = k === this.writeChunk ? this.writeOff : (this.ends[k] ?? CHUNK);
      if (end === 0) continue;
      chunks.push(c);
      ends.push(end);
    }
    const records = this.length;
    this.reset();
    return { chunks, ends, records };
  }

  private reset(): void {
    this.chunks = [];
    this.ends = [];
    this.writeChunk = -1;
    this.writeOff = CHUNK;
    this.readChunk = 0;
    this.readOff = 0;
    this.live = 0;
    this.length = 0;
    this.wPrevLen = 0;
    this.wPrevRef = 0;
  }

  /**
   * Appends the records of `q` (from `take`, possibly of another thread) by taking over its chunks;
   * records pushed later go into a new chunk after them.
   */
  append(q: QueueChunks): void {
    if (q.records === 0) return;
    if (this.writeChunk >= 0) this.ends[this.writeChunk] = this.writeOff;
    for (let k = 0; k < q.chunks.length; k++) this.openChunk(q.chunks[k] as Uint8Array, q.ends[k] ?? 0);
    this.writeChunk = -1;
    this.writeOff = CHUNK;
    this.length += q.records;
  }
}

function putVar(c: Uint8Array, o: number, v: number): number {
  if (v < 0x80) {
    c[o] = v;
    return o + 1;
  }
  while (v >= 0x80) {
    c[o++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  c[o++] = v;
  return o;
}
