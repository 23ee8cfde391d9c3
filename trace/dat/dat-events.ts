/**
 * trace.dat records → `FtraceEvent`s in time order, printed the way the kernel's `trace` file
 * prints them (so the checker sees one event shape whatever the input): `%ps` / `%pS` through the
 * file's kallsyms, `%p` as 16 hex digits, cpumasks as lists, the latency flags column rebuilt from
 * `common_flags` / `common_preempt_count`, task names from the saved command lines.
 *
 * The per-CPU streams are merged by timestamp, lowest CPU first on ties (as `trace-cmd report`
 * does). `line` is the record's line in `trace-cmd report` output (line 1 is its `cpus=N` header,
 * then one per record and one per dropped-events marker), so a finding can be looked up there.
 */
import { KNOWN_EVENTS, type FtraceEvent } from '../ftrace-parse.js';
import type { EventField, EventFormat } from './event-format.js';
import { hex64 } from './kallsyms.js';
import { CpuStream } from './ring-buffer.js';
import type { TraceDat } from './trace-dat-file.js';

/** `common_flags` bits (kernel/trace/trace.h, `enum trace_flag_type`). */
const TRACE_FLAG_IRQS_OFF = 0x01;
const TRACE_FLAG_NEED_RESCHED_LAZY = 0x02;
const TRACE_FLAG_NEED_RESCHED = 0x04;
const TRACE_FLAG_HARDIRQ = 0x08;
const TRACE_FLAG_SOFTIRQ = 0x10;
const TRACE_FLAG_PREEMPT_RESCHED = 0x20;
const TRACE_FLAG_NMI = 0x40;
const TRACE_FLAG_BH_OFF = 0x80;

/** The latency-format column (`d.h1.`) as the kernel's `trace` file prints it. */
export function latencyFlags(flags: number, preemptCount: number): string {
  const bhOff = (flags & TRACE_FLAG_BH_OFF) !== 0;
  const irqsOff = (flags & TRACE_FLAG_IRQS_OFF) !== 0;
  const c1 = irqsOff && bhOff ? 'D' : irqsOff ? 'd' : bhOff ? 'b' : '.';
  const nr = (flags & TRACE_FLAG_NEED_RESCHED) !== 0;
  const lazy = (flags & TRACE_FLAG_NEED_RESCHED_LAZY) !== 0;
  const pr = (flags & TRACE_FLAG_PREEMPT_RESCHED) !== 0;
  const c2 = nr && lazy ? 'B' : nr && pr ? 'N' : nr ? 'n' : lazy && pr ? 'L' : lazy ? 'l' : pr ? 'p' : '.';
  const nmi = (flags & TRACE_FLAG_NMI) !== 0;
  const hard = (flags & TRACE_FLAG_HARDIRQ) !== 0;
  const soft = (flags & TRACE_FLAG_SOFTIRQ) !== 0;
  const c3 = nmi && hard ? 'Z' : nmi ? 'z' : hard && soft ? 'H' : hard ? 'h' : soft ? 's' : '.';
  const c4 = (preemptCount & 0xf) !== 0 ? (preemptCount & 0xf).toString(16) : '.';
  const c5 = (preemptCount & 0xf0) !== 0 ? (preemptCount >> 4).toString(16) : '.';
  return c1 + c2 + c3 + c4 + c5;
}

/** Decimal strings of small integers (CPU numbers, vectors, hotplug steps), made once. */
const SMALL_DECIMALS: string[] = Array.from({ length: 1024 }, (_, i) => String(i));
function decimal(v: number): string {
  return v >= 0 && v < 1024 && Number.isInteger(v) ? (SMALL_DECIMALS[v] ?? String(v)) : String(v);
}

type FieldPrinter = (buf: Buffer, base: number, length: number) => string;
type IntReader = (buf: Buffer, at: number) => number;

/** A reader of one integer width/signedness/byte order, chosen once per field (not per record). */
function intReader(size: number, signed: boolean, le: boolean): IntReader {
  switch (size) {
    case 1:
      return signed ? (b, at) => b.readInt8(at) : (b, at) => b[at] ?? 0;
    case 2:
      if (le) return signed ? (b, at) => b.readInt16LE(at) : (b, at) => b.readUInt16LE(at);
      return signed ? (b, at) => b.readInt16BE(at) : (b, at) => b.readUInt16BE(at);
    case 4:
      if (le) return signed ? (b, at) => b.readInt32LE(at) : (b, at) => b.readUInt32LE(at);
      return signed ? (b, at) => b.readInt32BE(at) : (b, at) => b.readUInt32BE(at);
    case 8:
      if (le) return signed ? (b, at) => b.readInt32LE(at + 4) * 2 ** 32 + b.readUInt32LE(at) : (b, at) => b.readUInt32LE(at + 4) * 2 ** 32 + b.readUInt32LE(at);
      return signed ? (b, at) => b.readInt32BE(at) * 2 ** 32 + b.readUInt32BE(at + 4) : (b, at) => b.readUInt32BE(at) * 2 ** 32 + b.readUInt32BE(at + 4);
    default:
      return () => NaN;
  }
}

/**
 * The fields record of a modelled event: one object per decoder, made once with the key set's
 * fixed shape and refilled for every record with named stores (one hidden class per event kind);
 * other key sets fall back to a loop.
 */
interface Shaper {
  readonly make: () => Record<string, string>;
  readonly fill: (o: Record<string, string>, v: readonly string[]) => void;
}
function shaper(keys: readonly string[]): Shaper {
  switch (keys.join(',')) {
    case 'func,csd':
      return { make: () => ({ func: '', csd: '' }), fill: (o, v) => { o.func = v[0] ?? ''; o.csd = v[1] ?? ''; } };
    case 'cpu,callsite,func,csd':
      return { make: () => ({ cpu: '', callsite: '', func: '', csd: '' }), fill: (o, v) => { o.cpu = v[0] ?? ''; o.callsite = v[1] ?? ''; o.func = v[2] ?? ''; o.csd = v[3] ?? ''; } };
    case 'cpu,callsite,callback':
      return { make: () => ({ cpu: '', callsite: '', callback: '' }), fill: (o, v) => { o.cpu = v[0] ?? ''; o.callsite = v[1] ?? ''; o.callback = v[2] ?? ''; } };
    case 'cpumask,callsite,callback':
      return { make: () => ({ cpumask: '', callsite: '', callback: '' }), fill: (o, v) => { o.cpumask = v[0] ?? ''; o.callsite = v[1] ?? ''; o.callback = v[2] ?? ''; } };
    case 'vector':
      return { make: () => ({ vector: '' }), fill: (o, v) => { o.vector = v[0] ?? ''; } };
    case 'cpu':
      return { make: () => ({ cpu: '' }), fill: (o, v) => { o.cpu = v[0] ?? ''; } };
    default:
      return {
        make: () => Object.fromEntries(keys.map((k) => [k, ''])),
        fill: (o, v) => { keys.forEach((k, i) => (o[k] = v[i] ?? '')); },
      };
  }
}

/** An `FtraceEvent` the reader fills in place. */
type MutableEvent = { -readonly [K in keyof FtraceEvent]: FtraceEvent[K] };

/** How one modelled event is decoded: output key → printer of a record field. */
interface Decoder {
  readonly name: string;
  readonly printers: readonly FieldPrinter[];
  readonly shape: Shaper;
  /** This event kind's fields record, refilled per record. */
  readonly fields: Record<string, string>;
}

/** For each modelled event: output key (as the text parser names it) and the format's field. */
const LAYOUT: Readonly<Record<string, readonly (readonly [key: string, field: string, how: 'int' | 'sym' | 'symoff' | 'ptr' | 'cpumask'])[]>> = {
  csd_queue_cpu: [['cpu', 'cpu', 'int'], ['callsite', 'callsite', 'symoff'], ['func', 'func', 'sym'], ['csd', 'csd', 'ptr']],
  csd_function_entry: [['func', 'func', 'sym'], ['csd', 'csd', 'ptr']],
  csd_function_exit: [['func', 'func', 'sym'], ['csd', 'csd', 'ptr']],
  ipi_send_cpu: [['cpu', 'cpu', 'int'], ['callsite', 'callsite', 'symoff'], ['callback', 'callback', 'symoff']],
  ipi_send_cpumask: [['cpumask', 'cpumask', 'cpumask'], ['callsite', 'callsite', 'symoff'], ['callback', 'callback', 'symoff']],
  sched_wake_idle_without_ipi: [['cpu', 'cpu', 'int']],
  cpuhp_enter: [['cpu', 'cpu', 'int'], ['target', 'target', 'int'], ['step', 'idx', 'int'], ['fun', 'fun', 'sym']],
  cpuhp_multi_enter: [['cpu', 'cpu', 'int'], ['target', 'target', 'int'], ['step', 'idx', 'int'], ['fun', 'fun', 'sym']],
  cpuhp_exit: [['cpu', 'cpu', 'int'], ['state', 'state', 'int'], ['step', 'idx', 'int'], ['ret', 'ret', 'int']],
  call_function_single_entry: [['vector', 'vector', 'int']],
  call_function_single_exit: [['vector', 'vector', 'int']],
  call_function_entry: [['vector', 'vector', 'int']],
  call_function_exit: [['vector', 'vector', 'int']],
};

export class DatEventReader {
  /** Events not modelled, by name (as the text parser's `skipped`). */
  readonly skipped: Record<string, number> = {};
  /** Dropped-events markers: the CPU whose ring buffer lost events before `line`. */
  readonly lost: { line: number; cpu: number }[] = [];
  records = 0;
  lineNo = 1; // `cpus=N`
  maxLines = Infinity;

  private readonly dat: TraceDat;
  private readonly streams: CpuStream[];
  private readonly live: boolean[];
  private readonly decoders = new Map<number, Decoder | string>();
  private readonly typeAt: number;
  private readonly typeEnd: number;
  private readonly readType: IntReader;
  private readonly flagsAt: number;
  private readonly readFlags: IntReader;
  private readonly preemptAt: number;
  private readonly readPreempt: IntReader;
  private readonly pidAt: number;
  private readonly readPid: IntReader;
  /** Scratch: the two halves of the last pointer read. */
  private ph = 0;
  private pl = 0;
  private readonly values: string[] = [];
  private readonly ptrCache = new Map<number, Map<number, string>>();
  private lastTask = '';
  private lastPid = -1;
  private lastFlagsKey = -1;
  private lastFlags = '';
  private primed = false;

  constructor(dat: TraceDat) {
    this.dat = dat;
    this.streams = dat.cpus.map((c) => new CpuStream(dat, c));
    this.live = this.streams.map(() => true);
    const any = dat.formats.values().next().value;
    const common = (name: string): EventField | undefined => any?.fields.get(name);
    const le = dat.littleEndian;
    const zero: IntReader = () => 0;
    const t = common('common_type');
    this.typeAt = t?.offset ?? 0;
    this.typeEnd = this.typeAt + (t?.size ?? 2);
    this.readType = intReader(t?.size ?? 2, false, le);
    const f = common('common_flags');
    this.flagsAt = f?.offset ?? 0;
    this.readFlags = f === undefined ? zero : intReader(f.size, false, le);
    const pc = common('common_preempt_count');
    this.preemptAt = pc?.offset ?? 0;
    this.readPreempt = pc === undefined ? zero : intReader(pc.size, false, le);
    const pid = common('common_pid');
    this.pidAt = pid?.offset ?? 0;
    this.readPid = pid === undefined ? () => -1 : intReader(pid.size, true, le);
    // `trace-cmd report` prints "CPU n is empty" after `cpus=N` for each CPU without data.
    const withData = new Set(dat.cpus.map((c) => c.cpu));
    for (let i = 0; i < dat.cpuCount; i++) if (!withData.has(i)) this.lineNo++;
  }

  /** Reads a pointer field into `ph`/`pl` (64-bit values stay exact as two u32 halves). */
  private readPtr(b: Buffer, at: number, size: number): void {
    if (size === 4) {
      this.ph = 0;
      this.pl = this.dat.littleEndian ? b.readUInt32LE(at) : b.readUInt32BE(at);
    } else if (this.dat.littleEndian) {
      this.ph = b.readUInt32LE(at + 4);
      this.pl = b.readUInt32LE(at);
    } else {
      this.ph = b.readUInt32BE(at);
      this.pl = b.readUInt32BE(at + 4);
    }
  }

  private printer(f: EventField, how: 'int' | 'sym' | 'symoff' | 'ptr' | 'cpumask'): FieldPrinter {
    const { offset, size, signed } = f;
    const ks = this.dat.kallsyms;
    switch (how) {
      case 'int': {
        const read = intReader(size, signed, this.dat.littleEndian);
        return (b, base) => decimal(read(b, base + offset));
      }
      case 'sym':
      case 'symoff': {
        const withOff = how === 'symoff';
        // The field's last address and its text: a csd's function or callsite repeats record after record.
        let lastHi = -1;
        let lastLo = -1;
        let last = '';
        return (b, base) => {
          this.readPtr(b, base + offset, size);
          if (this.ph === lastHi && this.pl === lastLo) return last;
          lastHi = this.ph;
          lastLo = this.pl;
          return (last = ks.format(lastHi, lastLo, withOff));
        };
      }
      case 'ptr':
        return (b, base) => {
          this.readPtr(b, base + offset, size);
          const hi = this.ph;
          const lo = this.pl;
          let m = this.ptrCache.get(hi);
          if (m === undefined) this.ptrCache.set(hi, (m = new Map<number, string>()));
          let s = m.get(lo);
          if (s === undefined) {
            s = size === 4 ? lo.toString(16).padStart(8, '0') : hex64(hi, lo);
            if (m.size < 1 << 16) m.set(lo, s);
          }
          return s;
        };
      case 'cpumask':
        return (b, base, length) => {
          let off: number;
          let len: number;
          if (f.dataLoc) {
            const loc = this.dat.littleEndian ? b.readUInt32LE(base + offset) : b.readUInt32BE(base + offset);
            off = loc & 0xffff;
            len = loc >>> 16;
            if (f.type.startsWith('__rel_loc')) off += offset + 4;
          } else {
            off = offset;
            len = size;
          }
          if (off + len > length) return '';
          return cpumaskList(b, base + off, len, this.dat.longSize === 4 ? 4 : 8, this.dat.littleEndian);
        };
    }
  }

  private decoder(type: number): Decoder | string {
    let d = this.decoders.get(type);
    if (d !== undefined) return d;
    const fmt: EventFormat | undefined = this.dat.formats.get(type);
    if (fmt === undefined) d = `unknown-event-${type}`;
    else if (!KNOWN_EVENTS.has(fmt.name) || LAYOUT[fmt.name] === undefined) d = fmt.name;
    else {
      const keys: string[] = [];
      const printers: FieldPrinter[] = [];
      for (const [key, field, how] of LAYOUT[fmt.name] ?? []) {
        const f = fmt.fields.get(field);
        if (f === undefined) continue; // the checker reports the missing field with the line
        keys.push(key);
        printers.push(this.printer(f, how));
      }
      const shape = shaper(keys);
      d = { name: fmt.name, printers, shape, fields: shape.make() };
    }
    this.decoders.set(type, d);
    return d;
  }

  private task(pid: number): string {
    if (pid === this.lastPid) return this.lastTask;
    this.lastPid = pid;
    this.lastTask = pid === 0 ? '<idle>' : (this.dat.cmdlines.get(pid) ?? '<...>');
    return this.lastTask;
  }

  /** Next batch of modelled events (up to `max`, each its own object), or null at the end. */
  nextBatch(max = 4096): FtraceEvent[] | null {
    const out: FtraceEvent[] = [];
    this.each((ev) => out.push({ ...ev, fields: { ...ev.fields } }), max);
    return out.length > 0 ? out : null;
  }

  /** The record `decode` fills (re-used record after record). */
  private readonly cur: MutableEvent = { line: 0, task: '', pid: 0, cpu: 0, flags: '', ts: 0, name: '', fields: {} };

  /**
   * Hands the next modelled events (up to `max`) to `sink`, in time order; returns how many (0 at
   * the end). The event and its fields are records re-used for the next one: the sink must not
   * keep them (the checker copies what it keeps), so decoding allocates nothing per record.
   */
  each(sink: (ev: FtraceEvent) => void, max = 4096): number {
    let count = 0;
    const streams = this.streams;
    const live = this.live;
    // Prime: each stream positioned on its first record.
    if (!this.primed) {
      this.primed = true;
      for (let i = 0; i < streams.length; i++) live[i] = streams[i]?.next() ?? false;
    }
    while (count < max) {
      if (this.lineNo >= this.maxLines) break;
      let best = -1;
      let bestTs = Infinity;
      for (let i = 0; i < streams.length; i++) {
        if (!live[i]) continue;
        const s = streams[i];
        if (s !== undefined && s.ts < bestTs) {
          bestTs = s.ts;
          best = i;
        }
      }
      if (best < 0) break;
      const s = streams[best];
      if (s === undefined) break;
      if (s.missedBefore) {
        this.lineNo++;
        this.lost.push({ line: this.lineNo, cpu: s.cpu });
      }
      const got = this.decode(s);
      live[best] = s.next();
      if (got) {
        count++;
        sink(this.cur);
      }
    }
    return count;
  }

  /** Decodes the stream's current record into `cur`; false for a record that is not modelled. */
  private decode(s: CpuStream): boolean {
    const b = s.buf;
    const base = s.start;
    if (s.length < this.typeEnd) return false;
    const line = ++this.lineNo;
    this.records++;
    const d = this.decoder(this.readType(b, base + this.typeAt));
    if (typeof d === 'string') {
      this.skipped[d] = (this.skipped[d] ?? 0) + 1;
      return false;
    }
    const key = this.readFlags(b, base + this.flagsAt) * 256 + this.readPreempt(b, base + this.preemptAt);
    if (key !== this.lastFlagsKey) {
      this.lastFlagsKey = key;
      this.lastFlags = latencyFlags(key >> 8, key & 0xff);
    }
    const pid = this.readPid(b, base + this.pidAt);
    const v = this.values;
    const ps = d.printers;
    for (let i = 0; i < ps.length; i++) v[i] = (ps[i] as FieldPrinter)(b, base, s.length);
    d.shape.fill(d.fields, v);
    const ev = this.cur;
    ev.line = line;
    ev.task = this.task(pid);
    ev.pid = pid;
    ev.cpu = s.cpu;
    ev.flags = this.lastFlags;
    ev.ts = s.ts / 1e9;
    ev.name = d.name;
    ev.fields = d.fields;
    return true;
  }
}

/** A cpumask bitmap (array of longs) as the kernel's `%*pbl` list: `0-3,5`. */
export function cpumaskList(b: Buffer, at: number, len: number, longSize: 4 | 8, le: boolean): string {
  const bits: number[] = [];
  for (let w = 0; w + longSize <= len; w += longSize) {
    for (let half = 0; half < longSize / 4; half++) {
      // Within a long, the low 32 bits come first on little-endian.
      const word = le ? b.readUInt32LE(at + w + half * 4) : b.readUInt32BE(at + w + (longSize - 4 - half * 4));
      for (let bit = 0; bit < 32; bit++) if ((word >>> bit) & 1) bits.push(w * 8 + half * 32 + bit);
    }
  }
  const parts: string[] = [];
  for (let i = 0; i < bits.length; ) {
    let j = i;
    while (j + 1 < bits.length && bits[j + 1] === (bits[j] ?? 0) + 1) j++;
    parts.push(i === j ? String(bits[i]) : `${bits[i]}-${bits[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
