/**
 * A compact, canonical byte encoding of a model state (region leaves + SysContext) and its 64-bit
 * fingerprint. It replaces `stateKey`'s JSON string in the explorer: equal states give equal bytes,
 * different states different bytes (the encoding decodes back to the same value and context), and
 * the fingerprint is two independent 32-bit hashes of those bytes.
 *
 * Layout, in SysContext field order (`CONTEXT_FIELDS`), after one byte per region (the leaf's index
 * among its region's states, machine order):
 * - boolean arrays: packed 8 per byte (n ≤ 8 CPUs: one byte; per-CSD arrays ⌈csds/8⌉ bytes);
 * - integers: one byte `v + 16` for -16 ≤ v < 237, `253` for null, else `254` and 4 bytes LE;
 * - arrays of lists (queue, batch): per list its length, then its items, as integers.
 * Array lengths are fixed by the workload (checked: a state whose arrays change length throws).
 */
import type { AnyStateNode } from 'xstate';
import type { SysContext } from './system.js';

type FieldKind = 'bools' | 'ints' | 'lists' | 'int';

/** Every SysContext field with its encoding; test/model/state-codec.test.ts checks none is missing. */
export const CONTEXT_FIELDS: readonly (readonly [keyof SysContext, FieldKind])[] = [
  ['online', 'bools'], ['dying', 'bools'], ['cfd', 'bools'], ['queue', 'lists'], ['batch', 'lists'],
  ['inFlush', 'bools'], ['running', 'ints'], ['ipi', 'bools'], ['polling', 'bools'], ['needResched', 'bools'],
  ['pc', 'ints'], ['phase', 'ints'], ['sel', 'ints'], ['ipiMask', 'ints'], ['lock', 'ints'], ['func', 'ints'],
  ['ran', 'ints'], ['ranOn', 'ints'], ['target', 'ints'], ['enq', 'ints'], ['localRan', 'ints'], ['ret', 'ints'],
  ['hpLeft', 'ints'], ['enomemLeft', 'ints'], ['offlineWarn', 'int'], ['freedInFlight', 'bools'], ['uaf', 'int'],
];

const NULL_BYTE = 253;
const WIDE_BYTE = 254;
const BIAS = 16;

export interface EncodedState {
  readonly value: Readonly<Record<string, string>>;
  readonly context: SysContext;
}

/** Two 32-bit halves of a 64-bit fingerprint. `hi` and `lo` are never both 0. */
export interface Fingerprint {
  hi: number;
  lo: number;
}

export class StateCodec {
  readonly regions: readonly string[];
  private readonly leaves: readonly (readonly string[])[];
  private readonly leafIndex: readonly ReadonlyMap<string, number>[];
  private readonly lengths: readonly number[];
  /** Scratch buffer: `encode` writes here; `length` bytes are valid, zero-padded to a word. */
  buf: Uint8Array = new Uint8Array(1024);
  private words = new Uint32Array(this.buf.buffer);
  length = 0;

  constructor(root: AnyStateNode, context0: SysContext) {
    this.regions = Object.keys(root.states);
    this.leaves = this.regions.map((r) => Object.keys((root.states[r] as AnyStateNode).states));
    this.leafIndex = this.leaves.map((l) => new Map(l.map((name, i) => [name, i])));
    this.lengths = CONTEXT_FIELDS.map(([f, kind]) => (kind === 'int' ? 1 : (context0[f] as readonly unknown[]).length));
  }

  private ensure(extra: number): void {
    if (this.length + extra + 4 <= this.buf.length) return;
    const b = new Uint8Array(this.buf.length * 2);
    b.set(this.buf.subarray(0, this.length));
    this.buf = b;
    this.words = new Uint32Array(b.buffer);
  }

  /** Writes one integer at `p` (room for 5 bytes ensured by the caller); returns the next position. */
  private putInt(v: number | null, p: number): number {
    const b = this.buf;
    if (v === null) b[p++] = NULL_BYTE;
    else if (v >= -BIAS && v < NULL_BYTE - BIAS) b[p++] = v + BIAS;
    else {
      b[p++] = WIDE_BYTE;
      b[p++] = v & 0xff;
      b[p++] = (v >>> 8) & 0xff;
      b[p++] = (v >>> 16) & 0xff;
      b[p++] = (v >>> 24) & 0xff;
    }
    return p;
  }

  /** Encodes `s` into `buf[0..length)` (zero-padded to a multiple of 4). */
  encode(s: EncodedState): void {
    this.length = 0;
    this.ensure(this.regions.length + 8);
    const b = this.buf;
    let p = 0;
    for (let r = 0; r < this.regions.length; r++) {
      const i = this.leafIndex[r]?.get(s.value[this.regions[r] as string] ?? '');
      if (i === undefined) throw new Error(`state codec: region ${this.regions[r] ?? r} has no leaf ${s.value[this.regions[r] as string] ?? '(none)'}`);
      b[p++] = i;
    }
    this.length = p;
    const c = s.context;
    // CONTEXT_FIELDS order, written out: keyed loads by a field name in a loop were slower
    this.bools(c.online, 0); this.bools(c.dying, 1); this.bools(c.cfd, 2); this.lists(c.queue, 3); this.lists(c.batch, 4);
    this.bools(c.inFlush, 5); this.ints(c.running, 6); this.bools(c.ipi, 7); this.bools(c.polling, 8); this.bools(c.needResched, 9);
    this.ints(c.pc, 10); this.ints(c.phase, 11); this.ints(c.sel, 12); this.ints(c.ipiMask, 13); this.ints(c.lock, 14); this.ints(c.func, 15);
    this.ints(c.ran, 16); this.ints(c.ranOn, 17); this.ints(c.target, 18); this.ints(c.enq, 19); this.ints(c.localRan, 20); this.ints(c.ret, 21);
    this.ints(c.hpLeft, 22); this.ints(c.enomemLeft, 23); this.int(c.offlineWarn); this.bools(c.freedInFlight, 25); this.int(c.uaf);
    const end = this.length;
    this.ensure(4);
    for (let k = end; k < ((end + 3) & ~3); k++) this.buf[k] = 0;
  }

  private checkLength(a: readonly unknown[], f: number): void {
    if (a.length !== this.lengths[f]) throw new Error(`state codec: context.${CONTEXT_FIELDS[f]?.[0] ?? f} has ${a.length} entries, the workload ${this.lengths[f] ?? 0}`);
  }
  private int(v: number): void {
    this.ensure(5);
    this.length = this.putInt(v, this.length);
  }
  private bools(a: readonly boolean[], f: number): void {
    this.checkLength(a, f);
    this.ensure(a.length);
    const b = this.buf;
    let p = this.length;
    for (let i = 0; i < a.length; i += 8) {
      let m = 0;
      for (let k = 0; k < 8 && i + k < a.length; k++) if (a[i + k] === true) m |= 1 << k;
      b[p++] = m;
    }
    this.length = p;
  }
  private ints(a: readonly (number | null)[], f: number): void {
    this.checkLength(a, f);
    this.ensure(a.length * 5);
    let p = this.length;
    for (let i = 0; i < a.length; i++) p = this.putInt(a[i] as number | null, p);
    this.length = p;
  }
  private lists(a: readonly (readonly number[])[], f: number): void {
    this.checkLength(a, f);
    for (let i = 0; i < a.length; i++) {
      const l = a[i] as readonly number[];
      this.ensure(l.length * 5 + 5);
      let p = this.putInt(l.length, this.length);
      for (let k = 0; k < l.length; k++) p = this.putInt(l[k] as number, p);
      this.length = p;
    }
  }

  /** 64-bit fingerprint of the encoded bytes (two 32-bit murmur3-style hashes with seeds). */
  fingerprint(seed: number, out: Fingerprint): Fingerprint {
    const nw = (this.length + 3) >>> 2;
    const w = this.words;
    let h1 = (seed ^ 0x9747b28c) >>> 0;
    let h2 = (Math.imul(seed, 0x85ebca6b) ^ 0x5bd1e995 ^ this.length) >>> 0;
    for (let i = 0; i < nw; i++) {
      let k = Math.imul(w[i] as number, 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, 0x1b873593);
      h1 ^= k;
      h1 = (h1 << 13) | (h1 >>> 19);
      h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
      let j = Math.imul((w[i] as number) ^ 0x27d4eb2f, 0x165667b1);
      j = (j << 13) | (j >>> 19);
      h2 = (Math.imul(h2 ^ j, 0x27d4eb2d) + 0x3c6ef372) | 0;
    }
    h1 ^= this.length;
    h1 ^= h1 >>> 16;
    h1 = Math.imul(h1, 0x85ebca6b);
    h1 ^= h1 >>> 13;
    h1 = Math.imul(h1, 0xc2b2ae35);
    h1 ^= h1 >>> 16;
    h2 ^= h2 >>> 15;
    h2 = Math.imul(h2, 0x2c1b3c6d);
    h2 ^= h2 >>> 12;
    h2 = Math.imul(h2, 0x297a2d39);
    h2 ^= h2 >>> 15;
    out.hi = h1 >>> 0;
    out.lo = h2 >>> 0;
    if (out.hi === 0 && out.lo === 0) out.lo = 1;
    return out;
  }

  /** The bytes last encoded (a copy). */
  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }

  private rp = 0;
  private getInt(b: Uint8Array): number | null {
    const x = b[this.rp++] as number;
    if (x === NULL_BYTE) return null;
    if (x !== WIDE_BYTE) return x - BIAS;
    const p = this.rp;
    this.rp += 4;
    return (b[p] as number) | ((b[p + 1] as number) << 8) | ((b[p + 2] as number) << 16) | ((b[p + 3] as number) << 24);
  }

  /** Decodes bytes written by `encode` (from `off`, `len` bytes) back to a state. */
  decode(b: Uint8Array, off = 0): EncodedState {
    const value: Record<string, string> = {};
    let p = off;
    for (let r = 0; r < this.regions.length; r++) value[this.regions[r] as string] = this.leaves[r]?.[b[p++] as number] ?? '';
    this.rp = p;
    const L = this.lengths;
    const context: SysContext = {
      online: this.getBools(b, L[0] ?? 0), dying: this.getBools(b, L[1] ?? 0), cfd: this.getBools(b, L[2] ?? 0),
      queue: this.getLists(b, L[3] ?? 0), batch: this.getLists(b, L[4] ?? 0), inFlush: this.getBools(b, L[5] ?? 0),
      running: this.getInts(b, L[6] ?? 0), ipi: this.getBools(b, L[7] ?? 0), polling: this.getBools(b, L[8] ?? 0),
      needResched: this.getBools(b, L[9] ?? 0), pc: this.getInts(b, L[10] ?? 0), phase: this.getInts(b, L[11] ?? 0),
      sel: this.getInts(b, L[12] ?? 0), ipiMask: this.getInts(b, L[13] ?? 0), lock: this.getInts(b, L[14] ?? 0),
      func: this.getInts(b, L[15] ?? 0), ran: this.getInts(b, L[16] ?? 0), ranOn: this.getInts(b, L[17] ?? 0),
      target: this.getInts(b, L[18] ?? 0), enq: this.getInts(b, L[19] ?? 0), localRan: this.getInts(b, L[20] ?? 0),
      ret: this.getNullableInts(b, L[21] ?? 0), hpLeft: this.getInts(b, L[22] ?? 0), enomemLeft: this.getInts(b, L[23] ?? 0),
      offlineWarn: this.getInt(b) ?? 0, freedInFlight: this.getBools(b, L[25] ?? 0), uaf: this.getInt(b) ?? 0,
    };
    return { value, context };
  }

  private getBools(b: Uint8Array, n: number): boolean[] {
    const a: boolean[] = [];
    for (let i = 0; i < n; i += 8) {
      const m = b[this.rp++] as number;
      for (let k = 0; k < 8 && i + k < n; k++) a.push((m & (1 << k)) !== 0);
    }
    return a;
  }
  private getInts(b: Uint8Array, n: number): number[] {
    const a: number[] = [];
    for (let i = 0; i < n; i++) a.push(this.getInt(b) ?? 0);
    return a;
  }
  private getNullableInts(b: Uint8Array, n: number): (number | null)[] {
    const a: (number | null)[] = [];
    for (let i = 0; i < n; i++) a.push(this.getInt(b));
    return a;
  }
  private getLists(b: Uint8Array, n: number): number[][] {
    const a: number[][] = [];
    for (let i = 0; i < n; i++) {
      const len = this.getInt(b) ?? 0;
      const l: number[] = [];
      for (let k = 0; k < len; k++) l.push(this.getInt(b) ?? 0);
      a.push(l);
    }
    return a;
  }
}
