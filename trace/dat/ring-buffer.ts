/**
 * One CPU's ring-buffer pages from a trace.dat, walked record by record: the kernel's ring-buffer
 * event encoding (`<u32: type_len:5 time_delta:27>` then the payload), page by page, with the
 * per-page `commit` word telling how many bytes are valid and whether events were dropped before
 * the page (RB_MISSED_EVENTS, bit 31).
 *
 * v7 compressed files keep each CPU's pages in chunks (`<u32 count>` then `<u32 csize><u32
 * size><data>` per chunk); one chunk is decompressed at a time, so memory stays flat.
 */
import { TraceInputError } from '../open-trace.js';
import { readAt, type CpuData, type TraceDat } from './trace-dat-file.js';

const TYPE_PADDING = 29;
const TYPE_TIME_EXTEND = 30;
const TYPE_TIME_STAMP = 31;
const TS_SHIFT = 27;
const RB_MISSED_EVENTS = 0x80000000;
const COMMIT_MASK = (1 << 27) - 1;
/** Uncompressed pages are read this many at a time. */
const PAGES_PER_READ = 64;

export class CpuStream {
  readonly cpu: number;
  /** Current record: timestamp (ns), payload buffer and range. Valid after `next()` is true. */
  ts = 0;
  buf: Buffer = Buffer.alloc(0);
  start = 0;
  length = 0;
  /** Events were dropped right before the current record (a page with RB_MISSED_EVENTS). */
  missedBefore = false;

  private readonly dat: TraceDat;
  private readonly data: CpuData;
  private readonly le: boolean;
  /** Pages in hand: `block` holds whole pages; `pageAt` is the current page's offset in it. */
  private block: Buffer = Buffer.alloc(0);
  private pageAt = 0;
  private pageEnd = 0;
  private p = 0;
  private filePos: number;
  private chunksLeft = -1;
  private missedPending = false;

  constructor(dat: TraceDat, data: CpuData) {
    this.dat = dat;
    this.data = data;
    this.cpu = data.cpu;
    this.le = dat.littleEndian;
    this.filePos = data.offset;
    this.pageAt = -dat.pageSize; // no page yet
  }

  private u32(b: Buffer, at: number): number {
    return this.le ? b.readUInt32LE(at) : b.readUInt32BE(at);
  }

  private fail(what: string): never {
    throw new TraceInputError(this.dat.file, null, `corrupt trace.dat: cpu${this.cpu} ring-buffer data: ${what}`);
  }

  /** Loads the next block of pages; false at the end of this CPU's data. */
  private loadBlock(): boolean {
    const { dat, data } = this;
    const end = data.offset + data.size;
    if (dat.chunked) {
      // The recorded size counts the chunks, not the leading chunk count.
      const chunkEnd = end + 4;
      if (this.chunksLeft < 0) {
        this.chunksLeft = this.u32(readAt(dat.fd, dat.file, this.filePos, 4, dat.fileSize), 0);
        this.filePos += 4;
      }
      if (this.chunksLeft === 0) return false;
      this.chunksLeft--;
      const h = readAt(dat.fd, dat.file, this.filePos, 8, dat.fileSize);
      const csize = this.u32(h, 0);
      const usize = this.u32(h, 4);
      if (this.filePos + 8 + csize > chunkEnd) this.fail(`chunk of ${csize} bytes runs past the CPU's data`);
      const raw = readAt(dat.fd, dat.file, this.filePos + 8, csize, dat.fileSize);
      this.filePos += 8 + csize;
      const decompress = dat.decompress;
      if (decompress === null) this.fail('compressed chunks in a file without compression');
      let out: Uint8Array;
      try {
        out = decompress(raw, usize);
      } catch (e) {
        this.fail(`chunk does not decompress (${e instanceof Error ? e.message : String(e)})`);
      }
      if (out.length !== usize) this.fail(`chunk decompressed to ${out.length} bytes, expected ${usize}`);
      this.block = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
    } else {
      if (this.filePos >= end) return false;
      const len = Math.min(end - this.filePos, dat.pageSize * PAGES_PER_READ);
      this.block = readAt(dat.fd, dat.file, this.filePos, len, dat.fileSize);
      this.filePos += len;
    }
    this.pageAt = -dat.pageSize;
    return true;
  }

  /** Moves to the next page with data; false at the end. */
  private nextPage(): boolean {
    const { pageSize, pageHeader: ph } = this.dat;
    for (;;) {
      this.pageAt += pageSize;
      if (this.pageAt + ph.dataOffset > this.block.length) {
        if (!this.loadBlock()) return false;
        continue;
      }
      const b = this.block;
      const at = this.pageAt;
      const tsLo = this.u32(b, at + ph.tsOffset + (this.le ? 0 : 4));
      const tsHi = this.u32(b, at + ph.tsOffset + (this.le ? 4 : 0));
      const commitLo = this.u32(b, at + ph.commitOffset + (this.le || ph.commitSize === 4 ? 0 : 4));
      const len = commitLo & COMMIT_MASK;
      if ((commitLo & RB_MISSED_EVENTS) !== 0) this.missedPending = true;
      if (len === 0) continue;
      if (ph.dataOffset + len > pageSize || at + ph.dataOffset + len > b.length) this.fail(`page commit ${len} exceeds the page`);
      this.ts = tsHi * 2 ** 32 + tsLo;
      this.p = at + ph.dataOffset;
      this.pageEnd = this.p + len;
      return true;
    }
  }

  /** Advances to the next data record. */
  next(): boolean {
    const le = this.le;
    for (;;) {
      if (this.p >= this.pageEnd) {
        if (!this.nextPage()) return false;
      }
      const b = this.block;
      const p = this.p;
      if (p + 4 > this.pageEnd) this.fail('event header past the page commit');
      const hdr = this.u32(b, p);
      const typeLen = le ? hdr & 31 : hdr >>> 27;
      const delta = le ? hdr >>> 5 : hdr & 0x7ffffff;
      if (typeLen === TYPE_PADDING) {
        if (delta === 0) {
          this.p = this.pageEnd; // rest of the page is empty
          continue;
        }
        this.p = p + 4 + this.u32(b, p + 4);
        continue;
      }
      if (typeLen === TYPE_TIME_EXTEND) {
        this.ts += this.u32(b, p + 4) * 2 ** TS_SHIFT + delta;
        this.p = p + 8;
        continue;
      }
      if (typeLen === TYPE_TIME_STAMP) {
        // Absolute timestamp of 59 bits; the top bits stay those of the page timestamp.
        const abs = this.u32(b, p + 4) * 2 ** TS_SHIFT + delta;
        const top = Math.floor(this.ts / 2 ** 59) * 2 ** 59;
        this.ts = top + abs;
        this.p = p + 8;
        continue;
      }
      this.ts += delta;
      let start: number;
      let length: number;
      if (typeLen === 0) {
        const l = this.u32(b, p + 4);
        if (l < 4) this.fail(`event length ${l}`);
        length = l - 4;
        start = p + 8;
        this.p = start + ((length + 3) & ~3);
      } else {
        length = typeLen * 4;
        start = p + 4;
        this.p = start + length;
      }
      if (start + length > this.pageEnd) this.fail('event runs past the page commit');
      this.buf = b;
      this.start = start;
      this.length = length;
      this.missedBefore = this.missedPending;
      this.missedPending = false;
      return true;
    }
  }
}
