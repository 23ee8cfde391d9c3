/**
 * The BFS frontier as encoded states (state-codec.ts) in 1 MiB chunks: `push` appends a record
 * (2-byte length + bytes), `shift` reads the next one in FIFO order, and a chunk is released as
 * soon as it has been read, so memory follows the frontier, not the states seen. `peakBytes`
 * reports the most it held.
 */
const CHUNK = 1 << 20;

export class StateQueue {
  private readonly chunks: (Uint8Array | null)[] = [];
  private writeChunk = -1;
  private writeOff = CHUNK;
  private readChunk = 0;
  private readOff = 0;
  private live = 0;
  length = 0;
  peakBytes = 0;

  push(b: Uint8Array, len: number): void {
    if (len >= 0xffff) throw new Error(`state queue: an encoded state of ${len} bytes exceeds 65534`);
    if (this.writeOff + 2 + len > CHUNK) {
      if (this.writeChunk >= 0) {
        const c = this.chunks[this.writeChunk];
        if (c !== null && c !== undefined && this.writeOff + 2 <= CHUNK) { c[this.writeOff] = 0xff; c[this.writeOff + 1] = 0xff; }
      }
      this.chunks.push(new Uint8Array(CHUNK));
      this.writeChunk = this.chunks.length - 1;
      this.writeOff = 0;
      this.live++;
      this.peakBytes = Math.max(this.peakBytes, this.live * CHUNK);
    }
    const c = this.chunks[this.writeChunk] as Uint8Array;
    c[this.writeOff] = len & 0xff;
    c[this.writeOff + 1] = len >>> 8;
    c.set(b.subarray(0, len), this.writeOff + 2);
    this.writeOff += 2 + len;
    this.length++;
  }

  /** The next record: `buf[off..off+len)`, valid until the chunk is released (next `shift` past it). */
  buf: Uint8Array = new Uint8Array(0);
  off = 0;
  len = 0;
  shift(): boolean {
    if (this.length === 0) return false;
    for (;;) {
      const c = this.chunks[this.readChunk] as Uint8Array;
      const end = this.readChunk === this.writeChunk ? this.writeOff : CHUNK;
      if (this.readOff + 2 <= end) {
        const len = (c[this.readOff] as number) | ((c[this.readOff + 1] as number) << 8);
        if (len !== 0xffff) {
          this.buf = c;
          this.off = this.readOff + 2;
          this.len = len;
          this.readOff += 2 + len;
          this.length--;
          return true;
        }
      }
      this.chunks[this.readChunk] = null;
      this.live--;
      this.readChunk++;
      this.readOff = 0;
    }
  }
}
