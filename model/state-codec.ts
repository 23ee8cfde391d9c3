/**
 * A compact, canonical byte encoding of a model state (region leaves + SysContext) and its 64-bit
 * fingerprint. It replaces `stateKey`'s JSON string in the explorer: equal states give equal bytes,
 * different states different bytes (the encoding decodes back to the same value and context), and
 * the fingerprint is two independent 32-bit hashes of those bytes.
 *
 * Layout, in `CONTEXT_FIELDS` order (SysContext field order, except that the two fields of
 * variable length, queue and batch, come last), after one byte per region (the leaf's index among
 * its region's states, machine order). Keeping the lists at the end keeps every other field at the
 * same offset in every state of a workload, so the frontier (state-queue.ts) stores a state as
 * the few bytes where it differs from the one before it:
 * - boolean arrays: packed 8 per byte (n ≤ 8 CPUs: one byte; per-CSD arrays ⌈csds/8⌉ bytes);
 * - integers: one byte `v + 16` for -16 ≤ v < 237, `253` for null, else `254` and 4 bytes LE;
 * - arrays of lists (queue, batch): per list its length, then its items, as integers.
 * Array lengths are fixed by the workload (checked: a state whose arrays change length throws).
 */
import type { AnyStateNode } from 'xstate';
import type { SysContext } from './system.js';

type FieldKind = 'bools' | 'ints' | 'lists' | 'int';

/** Every SysContext field with its encoding, in layout order; test/model/state-codec.test.ts checks none is missing. */
export const CONTEXT_FIELDS: readonly (readonly [keyof SysContext, FieldKind])[] = [
  ['online', 'bools'], ['dying', 'bools'], ['cfd', 'bools'], ['inFlush', 'bools'], ['running', 'ints'], ['ipi', 'bools'],
  ['polling', 'bools'], ['needResched', 'bools'], ['pc', 'ints'], ['phase', 'ints'], ['sel', 'ints'], ['ipiMask', 'ints'],
  ['lock', 'ints'], ['func', 'ints'], ['ran', 'ints'], ['ranOn', 'ints'], ['target', 'ints'], ['enq', 'ints'],
  ['localRan', 'ints'], ['ret', 'ints'], ['hpLeft', 'ints'], ['enomemLeft', 'ints'], ['offlineWarn', 'int'],
  ['freedInFlight', 'bools'], ['uaf', 'int'], ['queue', 'lists'], ['batch', 'lists'],
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

  /**
   * Encodes `s` into `buf[0..length)` (zero-padded to a multiple of 4). A field whose array is the
   * very object of the state `decode` returned last (a successor shares what its step did not
   * change: the rules never mutate arrays) is copied from that state's bytes instead of re-encoded;
   * the bytes are the same either way.
   */
  encode(s: EncodedState): void {
    this.length = 0;
    this.runFrom = this.runTo = 0;
    this.ensure(this.regions.length + 8);
    const b = this.buf;
    const d = this.dec;
    let p = 0;
    if (d !== null && s.value === this.decValue) {
      p = this.copyField(0, 0);
    } else {
      for (let r = 0; r < this.regions.length; r++) {
        const i = this.leafIndex[r]?.get(s.value[this.regions[r] as string] ?? '');
        if (i === undefined) throw new Error(`state codec: region ${this.regions[r] ?? r} has no leaf ${s.value[this.regions[r] as string] ?? '(none)'}`);
        b[p++] = i;
      }
    }
    this.length = p;
    const c = s.context;
    // CONTEXT_FIELDS order, written out: keyed loads by a field name in a loop were slower
    if (d === null) {
      this.bools(c.online, 0); this.bools(c.dying, 1); this.bools(c.cfd, 2); this.bools(c.inFlush, 3); this.ints(c.running, 4);
      this.bools(c.ipi, 5); this.bools(c.polling, 6); this.bools(c.needResched, 7); this.ints(c.pc, 8); this.ints(c.phase, 9);
      this.ints(c.sel, 10); this.ints(c.ipiMask, 11); this.ints(c.lock, 12); this.ints(c.func, 13); this.ints(c.ran, 14);
      this.ints(c.ranOn, 15); this.ints(c.target, 16); this.ints(c.enq, 17); this.ints(c.localRan, 18); this.ints(c.ret, 19);
      this.ints(c.hpLeft, 20); this.ints(c.enomemLeft, 21); this.int(c.offlineWarn); this.bools(c.freedInFlight, 23);
      this.int(c.uaf); this.lists(c.queue, 25); this.lists(c.batch, 26);
    } else {
      if (c.online === d.online) this.copy(1); else { this.flush(); this.bools(c.online, 0); }
      if (c.dying === d.dying) this.copy(2); else { this.flush(); this.bools(c.dying, 1); }
      if (c.cfd === d.cfd) this.copy(3); else { this.flush(); this.bools(c.cfd, 2); }
      if (c.inFlush === d.inFlush) this.copy(4); else { this.flush(); this.bools(c.inFlush, 3); }
      if (c.running === d.running) this.copy(5); else { this.flush(); this.ints(c.running, 4); }
      if (c.ipi === d.ipi) this.copy(6); else { this.flush(); this.bools(c.ipi, 5); }
      if (c.polling === d.polling) this.copy(7); else { this.flush(); this.bools(c.polling, 6); }
      if (c.needResched === d.needResched) this.copy(8); else { this.flush(); this.bools(c.needResched, 7); }
      if (c.pc === d.pc) this.copy(9); else { this.flush(); this.ints(c.pc, 8); }
      if (c.phase === d.phase) this.copy(10); else { this.flush(); this.ints(c.phase, 9); }
      if (c.sel === d.sel) this.copy(11); else { this.flush(); this.ints(c.sel, 10); }
      if (c.ipiMask === d.ipiMask) this.copy(12); else { this.flush(); this.ints(c.ipiMask, 11); }
      if (c.lock === d.lock) this.copy(13); else { this.flush(); this.ints(c.lock, 12); }
      if (c.func === d.func) this.copy(14); else { this.flush(); this.ints(c.func, 13); }
      if (c.ran === d.ran) this.copy(15); else { this.flush(); this.ints(c.ran, 14); }
      if (c.ranOn === d.ranOn) this.copy(16); else { this.flush(); this.ints(c.ranOn, 15); }
      if (c.target === d.target) this.copy(17); else { this.flush(); this.ints(c.target, 16); }
      if (c.enq === d.enq) this.copy(18); else { this.flush(); this.ints(c.enq, 17); }
      if (c.localRan === d.localRan) this.copy(19); else { this.flush(); this.ints(c.localRan, 18); }
      if (c.ret === d.ret) this.copy(20); else { this.flush(); this.ints(c.ret, 19); }
      if (c.hpLeft === d.hpLeft) this.copy(21); else { this.flush(); this.ints(c.hpLeft, 20); }
      if (c.enomemLeft === d.enomemLeft) this.copy(22); else { this.flush(); this.ints(c.enomemLeft, 21); }
      this.flush();
      this.int(c.offlineWarn);
      if (c.freedInFlight === d.freedInFlight) this.copy(24); else { this.flush(); this.bools(c.freedInFlight, 23); }
      this.flush();
      this.int(c.uaf);
      if (c.queue === d.queue) this.copy(26); else { this.flush(); this.lists(c.queue, 25); }
      if (c.batch === d.batch) this.copy(27); else { this.flush(); this.lists(c.batch, 26); }
      this.flush();
    }
    const end = this.length;
    this.ensure(4);
    for (let k = end; k < ((end + 3) & ~3); k++) this.buf[k] = 0;
  }

  /**
   * The state `decode` returned last, the bytes it was decoded from (the caller's buffer at
   * `decBase`: they must stay unchanged until its successors are encoded, as the explorers' frontier
   * records do) and where each part starts in them (0: regions, k+1: field k, 28: end).
   */
  private dec: SysContext | null = null;
  private decValue: Readonly<Record<string, string>> | null = null;
  private decBytes: Uint8Array = new Uint8Array(0);
  private decBase = 0;
  private readonly decOff = new Int32Array(CONTEXT_FIELDS.length + 2);
  /** Parts of the decoded state still to be copied (a run of unchanged fields is copied at once): [from, to) relative to decBase. */
  private runFrom = 0;
  private runTo = 0;
  /** Words of the decoded bytes' buffer (for copying runs a word at a time). */
  private srcWordsOf: ArrayBufferLike | null = null;
  private srcWords: Uint32Array = new Uint32Array(0);

  /** Appends part `k` of the last decoded state's bytes; returns the new length. */
  private copyField(k: number, at: number): number {
    const from = this.decBase + (this.decOff[k] as number);
    const len = (this.decOff[k + 1] as number) - (this.decOff[k] as number);
    this.ensure(len);
    const b = this.buf;
    const src = this.decBytes;
    for (let i = 0; i < len; i++) b[at + i] = src[from + i] as number;
    return at + len;
  }
  /** Keeps part `k` as in the decoded state: extends the pending run (flushed by `flush`). */
  private copy(k: number): void {
    const from = this.decOff[k] as number;
    if (this.runTo === from && this.runTo > this.runFrom) this.runTo = this.decOff[k + 1] as number;
    else {
      this.flush();
      this.runFrom = from;
      this.runTo = this.decOff[k + 1] as number;
    }
  }
  private flush(): void {
    const len = this.runTo - this.runFrom;
    if (len <= 0) return;
    this.ensure(len);
    const b = this.buf;
    const src = this.decBytes;
    const from = this.decBase + this.runFrom;
    const at = this.length;
    let i = 0;
    const abs = src.byteOffset + from;
    if (len >= 16 && (abs & 3) === (at & 3)) {
      // the same offset mod 4 on both sides (the fields before a run rarely change length): words
      if (this.srcWordsOf !== src.buffer) {
        this.srcWordsOf = src.buffer;
        this.srcWords = new Uint32Array(src.buffer, 0, src.buffer.byteLength >>> 2);
      }
      for (; ((at + i) & 3) !== 0; i++) b[at + i] = src[from + i] as number;
      const w = this.words;
      const sw = this.srcWords;
      const d = (at + i) >>> 2, s = (abs + i) >>> 2, n = (len - i) >>> 2;
      for (let k = 0; k < n; k++) w[d + k] = sw[s + k] as number;
      i += n * 4;
    }
    for (; i < len; i++) b[at + i] = src[from + i] as number;
    this.length = at + len;
    this.runFrom = this.runTo = 0;
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

  /** Decodes bytes written by `encode` (from `off`) back to a state; `encode` then copies the parts a successor shares with it. */
  decode(b: Uint8Array, off = 0): EncodedState {
    const value: Record<string, string> = {};
    const O = this.decOff;
    let p = off;
    O[0] = 0;
    for (let r = 0; r < this.regions.length; r++) value[this.regions[r] as string] = this.leaves[r]?.[b[p++] as number] ?? '';
    this.rp = p;
    const L = this.lengths;
    // field by field, in CONTEXT_FIELDS order, noting where each starts (relative to off)
    O[1] = this.rp - off; const online = this.getBools(b, L[0] ?? 0);
    O[2] = this.rp - off; const dying = this.getBools(b, L[1] ?? 0);
    O[3] = this.rp - off; const cfd = this.getBools(b, L[2] ?? 0);
    O[4] = this.rp - off; const inFlush = this.getBools(b, L[3] ?? 0);
    O[5] = this.rp - off; const running = this.getInts(b, L[4] ?? 0);
    O[6] = this.rp - off; const ipi = this.getBools(b, L[5] ?? 0);
    O[7] = this.rp - off; const polling = this.getBools(b, L[6] ?? 0);
    O[8] = this.rp - off; const needResched = this.getBools(b, L[7] ?? 0);
    O[9] = this.rp - off; const pc = this.getInts(b, L[8] ?? 0);
    O[10] = this.rp - off; const phase = this.getInts(b, L[9] ?? 0);
    O[11] = this.rp - off; const sel = this.getInts(b, L[10] ?? 0);
    O[12] = this.rp - off; const ipiMask = this.getInts(b, L[11] ?? 0);
    O[13] = this.rp - off; const lock = this.getInts(b, L[12] ?? 0);
    O[14] = this.rp - off; const func = this.getInts(b, L[13] ?? 0);
    O[15] = this.rp - off; const ran = this.getInts(b, L[14] ?? 0);
    O[16] = this.rp - off; const ranOn = this.getInts(b, L[15] ?? 0);
    O[17] = this.rp - off; const target = this.getInts(b, L[16] ?? 0);
    O[18] = this.rp - off; const enq = this.getInts(b, L[17] ?? 0);
    O[19] = this.rp - off; const localRan = this.getInts(b, L[18] ?? 0);
    O[20] = this.rp - off; const ret = this.getNullableInts(b, L[19] ?? 0);
    O[21] = this.rp - off; const hpLeft = this.getInts(b, L[20] ?? 0);
    O[22] = this.rp - off; const enomemLeft = this.getInts(b, L[21] ?? 0);
    O[23] = this.rp - off; const offlineWarn = this.getInt(b) ?? 0;
    O[24] = this.rp - off; const freedInFlight = this.getBools(b, L[23] ?? 0);
    O[25] = this.rp - off; const uaf = this.getInt(b) ?? 0;
    O[26] = this.rp - off; const queue = this.getLists(b, L[25] ?? 0);
    O[27] = this.rp - off; const batch = this.getLists(b, L[26] ?? 0);
    O[28] = this.rp - off;
    const context: SysContext = {
      online, dying, cfd, queue, batch, inFlush, running, ipi, polling, needResched, pc, phase, sel, ipiMask, lock, func,
      ran, ranOn, target, enq, localRan, ret, hpLeft, enomemLeft, offlineWarn, freedInFlight, uaf,
    };
    this.decBytes = b;
    this.decBase = off;
    this.dec = context;
    this.decValue = value;
    return { value, context };
  }

  /** The arrays `decodeReusing` fills (one set per codec), made on its first call. */
  private pool: { value: Record<string, string>; context: Record<string, unknown> } | null = null;

  /**
   * `decode`, but into this codec's own arrays and value record, overwritten in place by the next
   * `decodeReusing`: for the explorers, which expand one state at a time and keep no state (nor a
   * successor, which shares the arrays its step did not change) past its expansion. Saves the
   * allocation of every array per expanded state.
   */
  decodeReusing(b: Uint8Array, off = 0): EncodedState {
    if (this.pool === null) {
      // the first state decoded the ordinary way: its record and arrays (the usual object shapes) become the pool
      const fresh = this.decode(b, off);
      this.pool = { value: fresh.value, context: fresh.context as unknown as Record<string, unknown> };
      return fresh;
    }
    const { value } = this.pool;
    const ctx = this.pool.context as unknown as { -readonly [K in keyof SysContext]: SysContext[K] };
    const O = this.decOff;
    let p = off;
    O[0] = 0;
    for (let r = 0; r < this.regions.length; r++) value[this.regions[r] as string] = this.leaves[r]?.[b[p++] as number] ?? '';
    this.rp = p;
    O[1] = this.rp - off; this.fillBools(b, ctx.online as boolean[]);
    O[2] = this.rp - off; this.fillBools(b, ctx.dying as boolean[]);
    O[3] = this.rp - off; this.fillBools(b, ctx.cfd as boolean[]);
    O[4] = this.rp - off; this.fillBools(b, ctx.inFlush as boolean[]);
    O[5] = this.rp - off; this.fillInts(b, ctx.running as number[]);
    O[6] = this.rp - off; this.fillBools(b, ctx.ipi as boolean[]);
    O[7] = this.rp - off; this.fillBools(b, ctx.polling as boolean[]);
    O[8] = this.rp - off; this.fillBools(b, ctx.needResched as boolean[]);
    O[9] = this.rp - off; this.fillInts(b, ctx.pc as number[]);
    O[10] = this.rp - off; this.fillInts(b, ctx.phase as number[]);
    O[11] = this.rp - off; this.fillInts(b, ctx.sel as number[]);
    O[12] = this.rp - off; this.fillInts(b, ctx.ipiMask as number[]);
    O[13] = this.rp - off; this.fillInts(b, ctx.lock as number[]);
    O[14] = this.rp - off; this.fillInts(b, ctx.func as number[]);
    O[15] = this.rp - off; this.fillInts(b, ctx.ran as number[]);
    O[16] = this.rp - off; this.fillInts(b, ctx.ranOn as number[]);
    O[17] = this.rp - off; this.fillInts(b, ctx.target as number[]);
    O[18] = this.rp - off; this.fillInts(b, ctx.enq as number[]);
    O[19] = this.rp - off; this.fillInts(b, ctx.localRan as number[]);
    O[20] = this.rp - off; this.fillNullableInts(b, ctx.ret as (number | null)[]);
    O[21] = this.rp - off; this.fillInts(b, ctx.hpLeft as number[]);
    O[22] = this.rp - off; this.fillInts(b, ctx.enomemLeft as number[]);
    O[23] = this.rp - off; ctx.offlineWarn = this.getInt(b) ?? 0;
    O[24] = this.rp - off; this.fillBools(b, ctx.freedInFlight as boolean[]);
    O[25] = this.rp - off; ctx.uaf = this.getInt(b) ?? 0;
    O[26] = this.rp - off; this.fillLists(b, ctx.queue as number[][]);
    O[27] = this.rp - off; this.fillLists(b, ctx.batch as number[][]);
    O[28] = this.rp - off;
    this.decBytes = b;
    this.decBase = off;
    const context = ctx as SysContext;
    this.dec = context;
    this.decValue = value;
    return { value, context };
  }
  private fillBools(b: Uint8Array, a: boolean[]): void {
    const n = a.length;
    for (let i = 0; i < n; i += 8) {
      const m = b[this.rp++] as number;
      for (let k = 0; k < 8 && i + k < n; k++) a[i + k] = (m & (1 << k)) !== 0;
    }
  }
  private fillInts(b: Uint8Array, a: number[]): void {
    for (let i = 0; i < a.length; i++) a[i] = this.getInt(b) ?? 0;
  }
  private fillNullableInts(b: Uint8Array, a: (number | null)[]): void {
    for (let i = 0; i < a.length; i++) a[i] = this.getInt(b);
  }
  private fillLists(b: Uint8Array, a: number[][]): void {
    for (let i = 0; i < a.length; i++) {
      const len = this.getInt(b) ?? 0;
      const l = a[i] as number[];
      if (l.length !== len) l.length = len;
      for (let k = 0; k < len; k++) l[k] = this.getInt(b) ?? 0;
    }
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
