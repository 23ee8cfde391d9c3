/**
 * trace-cmd's binary `trace.dat`, versions 6 and 7 (trace-cmd.dat.v6(5), trace-cmd.dat.v7(5)):
 * the file header, the metadata (event formats, kallsyms, saved command lines, ring-buffer page
 * header) and where each CPU's ring-buffer pages are. The pages themselves are read lazily by
 * `ring-buffer.ts`; nothing here holds the trace data.
 *
 * v7 is built of sections (`<u16 id><u16 flags><u32 string id><u64 size>`), found through OPTIONS
 * sections; a section with flag 1 is compressed as `<u32 compressed size><u32 size><data>` with
 * the algorithm named in the file header (zstd or zlib). v6 has the metadata in a fixed order
 * after the header and a `flyrecord` table of per-CPU offsets.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
import { TRACE_CMD_MAGIC, TraceInputError } from '../open-trace.js';
import { EventFormatError, scanEventFormat, type EventFormat } from './event-format.js';
import { Kallsyms } from './kallsyms.js';

/** Option / section ids of trace-cmd.dat.v7(5). */
const OPT = {
  DONE: 0,
  CPUSTAT: 2,
  BUFFER: 3,
  TRACECLOCK: 4,
  CPUCOUNT: 8,
  STRINGS: 15,
  HEADER_INFO: 16,
  FTRACE_EVENTS: 17,
  EVENT_FORMATS: 18,
  KALLSYMS: 19,
  PRINTK: 20,
  CMDLINES: 21,
  BUFFER_TEXT: 22,
} as const;

/** Layout of a ring-buffer page (`events/header_page`). */
export interface PageHeader {
  readonly tsOffset: number;
  readonly commitOffset: number;
  readonly commitSize: number;
  readonly dataOffset: number;
}

/** One CPU's trace data in the file: raw pages, or zstd/zlib chunks of pages (v7). */
export interface CpuData {
  readonly cpu: number;
  readonly offset: number;
  readonly size: number;
}

export interface CpuStat {
  readonly cpu: number;
  readonly overrun: number;
}

export type Decompressor = (data: Uint8Array, size: number) => Uint8Array;

export interface TraceDat {
  readonly file: string;
  readonly version: 6 | 7;
  readonly littleEndian: boolean;
  readonly longSize: number;
  readonly pageSize: number;
  /** Algorithm of compressed sections and chunks, or null. */
  readonly compression: string | null;
  readonly decompress: Decompressor | null;
  readonly pageHeader: PageHeader;
  readonly formats: ReadonlyMap<number, EventFormat>;
  readonly kallsyms: Kallsyms;
  readonly cmdlines: ReadonlyMap<number, string>;
  readonly cpuCount: number;
  readonly cpus: readonly CpuData[];
  /** The per-CPU data is chunk-compressed (v7 with compression). */
  readonly chunked: boolean;
  readonly clock: string;
  /** `per_cpu/cpuN/stats` at extract time: `overrun` > 0 means that CPU's oldest events were overwritten. */
  readonly cpuStats: readonly CpuStat[];
  /** Names of further trace instances in the file (only the top instance is read). */
  readonly otherInstances: readonly string[];
  /** The open file; `closeTraceDat` releases it. */
  readonly fd: number;
  readonly fileSize: number;
}

/** Reads exactly `len` bytes at `pos`, or fails naming the file as truncated. */
export function readAt(fd: number, file: string, pos: number, len: number, fileSize: number): Buffer {
  if (pos < 0 || len < 0 || pos + len > fileSize) throw new TraceInputError(file, null, `truncated trace.dat: needs bytes ${pos}..${pos + len} of a ${fileSize}-byte file`);
  const buf = Buffer.allocUnsafe(len);
  let got = 0;
  while (got < len) {
    const n = readSync(fd, buf, got, len - got, pos + got);
    if (n === 0) throw new TraceInputError(file, null, `truncated trace.dat at byte ${pos + got}`);
    got += n;
  }
  return buf;
}

/** Cursor over a buffer in the file's byte order. */
class Cursor {
  pos = 0;
  constructor(
    readonly buf: Buffer,
    readonly le: boolean,
    readonly file: string,
    readonly what: string,
  ) {}
  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new TraceInputError(this.file, null, `truncated trace.dat ${this.what}`);
  }
  u16(): number {
    this.need(2);
    const v = this.le ? this.buf.readUInt16LE(this.pos) : this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.le ? this.buf.readUInt32LE(this.pos) : this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  u64(): number {
    this.need(8);
    const v = this.le ? this.buf.readBigUInt64LE(this.pos) : this.buf.readBigUInt64BE(this.pos);
    this.pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new TraceInputError(this.file, null, `trace.dat ${this.what}: size or offset ${v} out of range`);
    return Number(v);
  }
  str(): string {
    const end = this.buf.indexOf(0, this.pos);
    if (end < 0) throw new TraceInputError(this.file, null, `truncated trace.dat ${this.what} (unterminated string)`);
    const s = this.buf.toString('latin1', this.pos, end);
    this.pos = end + 1;
    return s;
  }
  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  get rest(): number {
    return this.buf.length - this.pos;
  }
}

function decompressorFor(name: string, file: string): Decompressor | null {
  if (name === 'none' || name === '') return null;
  if (name === 'zstd') return (data) => zstdDecompress(data);
  if (name === 'zlib') return (data) => inflateSync(data);
  throw new TraceInputError(file, null, `trace.dat compressed with ${name}, which is not supported (zstd and zlib are)`);
}

/** Opens and reads the metadata of a trace.dat. The caller closes it with `closeTraceDat`. */
export function openTraceDat(path: string, file = path): TraceDat {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new TraceInputError(file, null, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot read');
  }
  try {
    return readMeta(fd, file);
  } catch (e) {
    closeSync(fd);
    if (e instanceof TraceInputError) throw e;
    if (e instanceof EventFormatError) throw new TraceInputError(file, null, `trace.dat: ${e.message}`);
    throw new TraceInputError(file, null, `corrupt trace.dat (${e instanceof Error ? e.message : String(e)})`);
  }
}

export function closeTraceDat(dat: TraceDat): void {
  closeSync(dat.fd);
}

interface Meta {
  pageHeader: PageHeader | null;
  formats: Map<number, EventFormat>;
  kallsyms: Kallsyms;
  cmdlines: Map<number, string>;
}

function readMeta(fd: number, file: string): TraceDat {
  const fileSize = fstatSync(fd).size;
  const head = readAt(fd, file, 0, Math.min(fileSize, 512), fileSize);
  if (!TRACE_CMD_MAGIC.every((b, i) => head[i] === b)) throw new TraceInputError(file, null, 'not a trace-cmd trace.dat (bad magic)');
  const c0 = new Cursor(head, true, file, 'header');
  c0.pos = TRACE_CMD_MAGIC.length;
  const vs = c0.str();
  const version = Number(vs);
  if (version !== 6 && version !== 7) throw new TraceInputError(file, null, `trace-cmd trace.dat version ${JSON.stringify(vs)} is not supported (6 and 7 are)`);
  const endian = c0.bytes(1)[0];
  const le = endian === 0;
  const longSize = c0.bytes(1)[0] ?? 0;
  const c = new Cursor(head, le, file, 'header');
  c.pos = c0.pos;
  const pageSize = c.u32();
  if (pageSize < 512 || pageSize > 1 << 20 || (pageSize & (pageSize - 1)) !== 0) throw new TraceInputError(file, null, `corrupt trace.dat: page size ${pageSize}`);
  const meta: Meta = { pageHeader: null, formats: new Map(), kallsyms: Kallsyms.empty(), cmdlines: new Map() };
  const base = { file, littleEndian: le, longSize, pageSize, fd, fileSize };
  if (version === 7) {
    const compression = c.str();
    c.str(); // compression library version
    const decompress = decompressorFor(compression, file);
    const firstOptions = c.u64();
    const v7 = readV7(fd, file, fileSize, le, firstOptions, decompress, meta);
    if (meta.pageHeader === null) throw new TraceInputError(file, null, 'trace.dat has no HEADER_INFO section (ring-buffer page layout)');
    return { ...base, version: 7, compression: decompress === null ? null : compression, decompress, pageHeader: meta.pageHeader, formats: meta.formats, kallsyms: meta.kallsyms, cmdlines: meta.cmdlines, ...v7 };
  }
  const v6 = readV6(fd, file, fileSize, le, c.pos, meta);
  if (meta.pageHeader === null) throw new TraceInputError(file, null, 'trace.dat has no header_page');
  return { ...base, version: 6, compression: null, decompress: null, pageHeader: meta.pageHeader, formats: meta.formats, kallsyms: meta.kallsyms, cmdlines: meta.cmdlines, ...v6 };
}

// ---- metadata blocks (same layout in v6 and in v7 sections) ----

function parseHeaderInfo(cur: Cursor, file: string): PageHeader {
  if (cur.str() !== 'header_page') throw new TraceInputError(file, null, 'corrupt trace.dat: expected header_page');
  const text = cur.bytes(cur.u64()).toString('latin1');
  if (cur.str() !== 'header_event') throw new TraceInputError(file, null, 'corrupt trace.dat: expected header_event');
  cur.bytes(cur.u64());
  const field = (name: string): { offset: number; size: number } => {
    const m = new RegExp(`field:[^;]*\\b${name}(?:\\[\\])?;\\s*offset:(\\d+);\\s*size:(\\d+);`).exec(text);
    if (m === null) throw new TraceInputError(file, null, `corrupt trace.dat: header_page has no ${name} field`);
    return { offset: Number(m[1]), size: Number(m[2]) };
  };
  const ts = field('timestamp');
  const commit = field('commit');
  const data = field('data');
  return { tsOffset: ts.offset, commitOffset: commit.offset, commitSize: commit.size, dataOffset: data.offset };
}

function parseFtraceFormats(cur: Cursor, meta: Meta): void {
  const n = cur.u32();
  for (let i = 0; i < n; i++) addFormat(meta, 'ftrace', cur.bytes(cur.u64()).toString('latin1'));
}

function parseEventFormats(cur: Cursor, meta: Meta): void {
  const systems = cur.u32();
  for (let s = 0; s < systems; s++) {
    const system = cur.str();
    const n = cur.u32();
    for (let i = 0; i < n; i++) addFormat(meta, system, cur.bytes(cur.u64()).toString('latin1'));
  }
}

function addFormat(meta: Meta, system: string, text: string): void {
  const f = scanEventFormat(system, text);
  meta.formats.set(f.id, f);
}

function parseCmdlines(text: string, meta: Meta): void {
  for (const line of text.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp <= 0) continue;
    const pid = Number(line.slice(0, sp));
    if (Number.isInteger(pid)) meta.cmdlines.set(pid, line.slice(sp + 1));
  }
}

// ---- v7: sections ----

function readV7(fd: number, file: string, fileSize: number, le: boolean, firstOptions: number, decompress: Decompressor | null, meta: Meta): Pick<TraceDat, 'cpuCount' | 'cpus' | 'chunked' | 'clock' | 'cpuStats' | 'otherInstances'> {
  const section = (offset: number, expectId: number): { data: Buffer; compressed: boolean; dataOffset: number } => {
    const h = new Cursor(readAt(fd, file, offset, 16, fileSize), le, file, 'section header');
    const id = h.u16();
    const flags = h.u16();
    h.u32(); // description string id
    const size = h.u64();
    if (id !== expectId) throw new TraceInputError(file, null, `corrupt trace.dat: section at ${offset} has id ${id}, expected ${expectId}`);
    const compressed = (flags & 1) !== 0;
    if (expectId === OPT.BUFFER) return { data: Buffer.alloc(0), compressed, dataOffset: offset + 16 };
    const raw = readAt(fd, file, offset + 16, size, fileSize);
    if (!compressed) return { data: raw, compressed, dataOffset: offset + 16 };
    if (decompress === null) throw new TraceInputError(file, null, 'corrupt trace.dat: compressed section in a file without compression');
    const cc = new Cursor(raw, le, file, 'compressed section');
    const csize = cc.u32();
    const usize = cc.u32();
    const out = decompress(cc.bytes(csize), usize);
    if (out.length !== usize) throw new TraceInputError(file, null, `corrupt trace.dat: section at ${offset} decompressed to ${out.length} bytes, expected ${usize}`);
    return { data: Buffer.from(out.buffer, out.byteOffset, out.byteLength), compressed, dataOffset: offset + 16 };
  };
  let cpuCount = 0;
  let clock = '';
  const cpuStats: CpuStat[] = [];
  const buffers: { name: string; clock: string; sectionOffset: number; cpus: CpuData[] }[] = [];
  const seen = new Set<number>();
  let next = firstOptions;
  while (next !== 0) {
    if (seen.has(next)) throw new TraceInputError(file, null, `corrupt trace.dat: options sections loop at ${next}`);
    seen.add(next);
    const opts = new Cursor(section(next, 0).data, le, file, 'options');
    next = 0;
    while (opts.rest > 0) {
      const id = opts.u16();
      const size = opts.u32();
      const d = new Cursor(opts.bytes(size), le, file, `option ${id}`);
      if (id === OPT.DONE) {
        next = d.u64();
        break;
      }
      switch (id) {
        case OPT.HEADER_INFO:
          meta.pageHeader = parseHeaderInfo(new Cursor(section(d.u64(), id).data, le, file, 'HEADER_INFO'), file);
          break;
        case OPT.FTRACE_EVENTS:
          parseFtraceFormats(new Cursor(section(d.u64(), id).data, le, file, 'FTRACE_EVENTS'), meta);
          break;
        case OPT.EVENT_FORMATS:
          parseEventFormats(new Cursor(section(d.u64(), id).data, le, file, 'EVENT_FORMATS'), meta);
          break;
        case OPT.KALLSYMS: {
          const k = new Cursor(section(d.u64(), id).data, le, file, 'KALLSYMS');
          meta.kallsyms = Kallsyms.parse(k.bytes(k.u32()));
          break;
        }
        case OPT.CMDLINES: {
          const k = new Cursor(section(d.u64(), id).data, le, file, 'CMDLINES');
          parseCmdlines(k.bytes(k.u64()).toString('latin1'), meta);
          break;
        }
        case OPT.CPUCOUNT:
          cpuCount = d.u32();
          break;
        case OPT.CPUSTAT: {
          const stat = parseCpuStat(d.str());
          if (stat !== null) cpuStats.push(stat);
          break;
        }
        case OPT.TRACECLOCK: {
          const m = /\[(\w+)\]/.exec(d.str());
          if (m !== null) clock = m[1] ?? '';
          break;
        }
        case OPT.BUFFER: {
          const sectionOffset = d.u64();
          const name = d.str();
          const bclock = d.str();
          // trace-cmd ≥ 3.0 writes the page size here; the v7 manual does not list it. It is
          // present when the rest is exactly <u32 page size><u32 n><n × 20 bytes>.
          if (d.rest >= 8 && d.rest - 8 === d.buf.readUInt32LE(d.pos + 4) * 20) d.u32();
          const n = d.u32();
          const cpus: CpuData[] = [];
          for (let i = 0; i < n; i++) cpus.push({ cpu: d.u32(), offset: d.u64(), size: d.u64() });
          buffers.push({ name, clock: bclock, sectionOffset, cpus });
          break;
        }
        case OPT.BUFFER_TEXT:
          throw new TraceInputError(file, null, 'trace.dat holds a latency (text) trace, not flyrecord ring-buffer data');
        default:
          break; // DATE, CPUSTAT, UNAME, VERSION, TRACEID, PRINTK, … are not needed
      }
    }
  }
  // The top instance (name "") is the trace; other instances are separate buffers.
  const top = buffers.find((b) => b.name === '') ?? buffers[0];
  if (top === undefined) throw new TraceInputError(file, null, 'trace.dat has no BUFFER option (no ring-buffer data)');
  const flags = section(top.sectionOffset, OPT.BUFFER);
  const otherInstances = buffers.filter((b) => b !== top).map((b) => b.name);
  return { cpuCount: cpuCount || top.cpus.length, cpus: top.cpus.filter((c) => c.size > 0), chunked: flags.compressed, clock: top.clock || clock, cpuStats, otherInstances };
}

// ---- v6: fixed order ----

function readV6(fd: number, file: string, fileSize: number, le: boolean, start: number, meta: Meta): Pick<TraceDat, 'cpuCount' | 'cpus' | 'chunked' | 'clock' | 'cpuStats' | 'otherInstances'> {
  // The metadata is variable-length and sequential: read it in growing windows.
  let pos = start;
  const take = (len: number): Buffer => {
    const b = readAt(fd, file, pos, len, fileSize);
    pos += len;
    return b;
  };
  const u32 = (): number => new Cursor(take(4), le, file, 'header').u32();
  const u64 = (): number => new Cursor(take(8), le, file, 'header').u64();
  const str = (): string => {
    const chunk = readAt(fd, file, pos, Math.min(256, fileSize - pos), fileSize);
    const end = chunk.indexOf(0);
    if (end < 0) throw new TraceInputError(file, null, 'corrupt trace.dat (unterminated string)');
    pos += end + 1;
    return chunk.toString('latin1', 0, end);
  };
  const hp = str();
  const hpText = take(u64());
  const he = str();
  const heText = take(u64());
  const hb = Buffer.concat([Buffer.from(`${hp}\0`), le64(hpText.length, le), hpText, Buffer.from(`${he}\0`), le64(heText.length, le), heText]);
  meta.pageHeader = parseHeaderInfo(new Cursor(hb, le, file, 'header_page'), file);
  const nf = u32();
  for (let i = 0; i < nf; i++) addFormat(meta, 'ftrace', take(u64()).toString('latin1'));
  const systems = u32();
  for (let s = 0; s < systems; s++) {
    const system = str();
    const n = u32();
    for (let i = 0; i < n; i++) addFormat(meta, system, take(u64()).toString('latin1'));
  }
  meta.kallsyms = Kallsyms.parse(take(u32()));
  take(u32()); // printk formats
  parseCmdlines(take(u64()).toString('latin1'), meta);
  const cpuCount = u32();
  let tag = take(10).toString('latin1');
  let clock = '';
  const cpuStats: CpuStat[] = [];
  if (tag === 'options  \0') {
    for (;;) {
      const id = new Cursor(take(2), le, file, 'options').u16();
      if (id === 0) break;
      const d = take(u32());
      if (id === OPT.TRACECLOCK) clock = /\[(\w+)\]/.exec(d.toString('latin1'))?.[1] ?? '';
      if (id === OPT.CPUSTAT) {
        const stat = parseCpuStat(d.toString('latin1'));
        if (stat !== null) cpuStats.push(stat);
      }
    }
    tag = take(10).toString('latin1');
  }
  if (tag === 'latency  \0') throw new TraceInputError(file, null, 'trace.dat holds a latency (text) trace, not flyrecord ring-buffer data');
  if (tag !== 'flyrecord\0') throw new TraceInputError(file, null, `corrupt trace.dat: expected "flyrecord", found ${JSON.stringify(tag)}`);
  const cpus: CpuData[] = [];
  for (let i = 0; i < cpuCount; i++) cpus.push({ cpu: i, offset: u64(), size: u64() });
  return { cpuCount, cpus: cpus.filter((c) => c.size > 0), chunked: false, clock, cpuStats, otherInstances: [] };
}

/** `CPU: 0\nentries: …\noverrun: 12\n…` */
function parseCpuStat(text: string): CpuStat | null {
  const cpu = /^CPU:\s*(\d+)/m.exec(text);
  const overrun = /^overrun:\s*(\d+)/m.exec(text);
  if (cpu === null) return null;
  return { cpu: Number(cpu[1]), overrun: overrun === null ? 0 : Number(overrun[1]) };
}

function le64(n: number, le: boolean): Buffer {
  const b = Buffer.alloc(8);
  if (le) b.writeBigUInt64LE(BigInt(n));
  else b.writeBigUInt64BE(BigInt(n));
  return b;
}
