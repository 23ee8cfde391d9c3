/**
 * The Linux-kernel memory model as an operational `MemoryCore`, view-based (in the style of
 * C11Tester, Loom and Promising-ARM without promises). Its outcomes are a subset of what the LKMM
 * allows (litmus/README.md lists the behaviours it cannot produce and why; test/litmus/operational
 * checks the subset on every litmus test).
 *
 * State. Every word has a modification order `mo`: the stores to it in coherence order, the initial
 * value first; a store appends (coherence order = the order stores execute). Each stored message
 * carries a view (word → position in its mo): what a CPU that reads it with ordering learns must
 * already be visible. Each CPU has
 *   cur  — the oldest message of each word it may still read (coherence and ordering so far);
 *   acq  — everything the messages it read (and its own stores) know: applied to `cur` by
 *          smp_rmb / smp_mb / an acquire, and by a load with an address dependency;
 *   wrel — what its relaxed stores carry: set by smp_wmb / smp_mb.
 * A global view S orders strong fences (smp_mb, fully ordered RMWs) against each other.
 *
 * Operations. A load reads any message of its word at or after `cur` (the choice). A release store
 * carries cur ∪ acq (A-cumulative); a relaxed one wrel. An RMW reads the newest message (atomicity)
 * and its store also carries the view of the message it read (RMW sequences). smp_rmb: cur ∪= acq.
 * smp_wmb: wrel ∪= cur ∪ acq. smp_mb (and smp_mb__before/after_atomic, taken as smp_mb, and the two
 * fences of a fully ordered RMW that stores; a failing cmpxchg is a relaxed read): cur ∪= acq ∪ S;
 * S ∪= cur; wrel ∪= cur. Where this is stronger than the LKMM (wmb and rmb cumulative, the
 * __atomic fences as smp_mb) it only removes behaviours.
 *
 * Dependencies. A load never reads a store that has not executed yet, so dependencies into stores
 * (and load buffering in general) are always respected. An address dependency into a load must be
 * told: `addressDependency(cpu)` before the access (the litmus executor does, from its taint); with
 * `dependentLoads: 'ordered'` every load is treated as address-dependent (for code whose
 * dependencies are not tracked: no stale dependent read, at the price of weaker ordering checks).
 *
 * `memory` always holds the newest message of each word, so an observer reading it directly sees
 * the coherence-latest values.
 */
import type { FenceKind, LoadOrder, MemoryCore, RmwOp, RmwOrder, StoreOrder } from '../access.js';
import { pick, rmwResult, type Chooser } from './choice.js';

type View = Map<number, number>;

interface Message {
  readonly v: number;
  readonly view: View;
}

interface CpuViews {
  readonly cur: View;
  readonly acq: View;
  /** copy-on-write: relaxed stores' messages share it until a fence changes it */
  wrel: View;
  wrelShared: boolean;
  /** dirty flags, so a fence skips joins that cannot change anything: acq may hold what cur lacks;
   *  cur may hold what S lacks; cur may hold what wrel lacks; the version of S cur already holds */
  acqNew: boolean;
  curNewS: boolean;
  curNewW: boolean;
  strongSeen: number;
  addrDep: boolean;
}

function join(into: View, from: View): void {
  for (const [i, ts] of from) if ((into.get(i) ?? 0) < ts) into.set(i, ts);
}

function raise(into: View, i: number, ts: number): void {
  if ((into.get(i) ?? 0) < ts) into.set(i, ts);
}

export interface LkmmCoreOptions {
  /** 'hinted' (default): only loads marked by addressDependency() are ordered after what the CPU read. */
  readonly dependentLoads?: 'hinted' | 'ordered';
  /**
   * The runtime's settings (the litmus executor leaves them unset):
   * - window: a load reads one of the newest `window` messages of its word at most (older ones
   *   are forgotten: bounded memory and choices < 256; it only removes behaviours);
   * - newestFirst: choice 0 is the newest message (a chooser that always says 0 gives SC reads);
   * - external: a word written behind the core's back (plain Atomics of code outside `Access`)
   *   gets the written value as a new message every CPU must read from then on.
   */
  readonly window?: number;
  readonly newestFirst?: boolean;
  readonly external?: boolean;
  /**
   * Every `gcEvery` stores, forget what every CPU has already passed: the messages of a word
   * older than the oldest one any CPU may still read, and every view entry at or below that
   * point (no behaviour changes: such entries can no longer raise anything). Keeps views small.
   */
  readonly gcEvery?: number;
}

/** What a load read: message `ts` of word `i` while the newest was `newestTs` (stale iff they differ). */
export interface ReadFrom {
  readonly cpu: number;
  readonly i: number;
  readonly ts: number;
  readonly v: number;
  readonly newestTs: number;
  readonly newestV: number;
}

export class LkmmCore implements MemoryCore {
  private readonly mo = new Map<number, Message[]>();
  /** absolute timestamp of mo[i][0] (messages before it were forgotten: `window`) */
  private readonly base = new Map<number, number>();
  private readonly cpuViews: CpuViews[];
  private readonly strong: View = new Map();
  private strongVersion = 0;
  private readonly orderedLoads: boolean;
  private readonly window: number;
  private readonly newestFirst: boolean;
  private readonly external: boolean;
  private readonly gcEvery: number;
  private sinceGc = 0;
  /** Called after every load with what it read (the runtime annotates stale reads in timelines). */
  onRead: ((r: ReadFrom) => void) | null = null;

  constructor(readonly memory: Int32Array, readonly cpus: number, private readonly choose: Chooser, opts: LkmmCoreOptions = {}) {
    this.cpuViews = Array.from({ length: cpus }, () => ({ cur: new Map(), acq: new Map(), wrel: new Map(), wrelShared: false, acqNew: false, curNewS: false, curNewW: false, strongSeen: 0, addrDep: false }));
    this.orderedLoads = opts.dependentLoads === 'ordered';
    this.window = opts.window ?? Infinity;
    this.newestFirst = opts.newestFirst === true;
    this.external = opts.external === true;
    this.gcEvery = opts.gcEvery ?? Infinity;
  }

  /** See `gcEvery`. */
  private gc(): void {
    for (const [i, msgs] of this.mo) {
      let f = Infinity;
      for (const c of this.cpuViews) f = Math.min(f, c.cur.get(i) ?? 0);
      const b = this.baseOf(i);
      if (f > b && f !== Infinity) {
        msgs.splice(0, f - b);
        this.base.set(i, f);
      }
    }
    const drop = (v: View): void => {
      for (const [i, ts] of v) if (ts <= this.baseOf(i)) v.delete(i);
    };
    for (const c of this.cpuViews) {
      drop(c.cur);
      drop(c.acq);
      drop(c.wrel);
    }
    drop(this.strong);
    for (const msgs of this.mo.values()) for (const m of msgs) drop(m.view);
  }

  private cpu(cpu: number): CpuViews {
    const c = this.cpuViews[cpu];
    if (c === undefined) throw new RangeError(`cpu ${cpu} out of range (${this.cpus} CPUs)`);
    return c;
  }

  private messages(i: number): Message[] {
    let m = this.mo.get(i);
    if (m === undefined) {
      m = [{ v: this.memory[i] ?? 0, view: new Map() }];
      this.mo.set(i, m);
      this.base.set(i, 0);
    } else if (this.external && m[m.length - 1]?.v !== this.memory[i]) {
      // written behind the core's back: a new message every CPU reads from now on
      const ts = this.baseOf(i) + m.length;
      m.push({ v: this.memory[i] ?? 0, view: new Map([[i, ts]]) });
      for (const c of this.cpuViews) {
        raise(c.cur, i, ts);
        c.curNewS = true;
        c.curNewW = true;
      }
    }
    return m;
  }

  private baseOf(i: number): number {
    return this.base.get(i) ?? 0;
  }

  /** Forgets messages no load may read any more (outside the window). */
  private prune(i: number, msgs: Message[]): void {
    if (msgs.length <= 2 * this.window) return;
    const drop = msgs.length - this.window;
    msgs.splice(0, drop);
    this.base.set(i, this.baseOf(i) + drop);
  }

  /** Whether `cpu` may read a value of word `i` other than `v` now (a waiter on `i` can go on). */
  canReadOther(cpu: number, i: number, v: number): boolean {
    const msgs = this.messages(i);
    const b = this.baseOf(i);
    const lo = Math.max((this.cpu(cpu).cur.get(i) ?? 0) - b, msgs.length - this.window, 0);
    for (let k = lo; k < msgs.length; k++) if (msgs[k]?.v !== v) return true;
    return false;
  }

  /** The next access of `cpu` has an address dependency on an earlier load of it. */
  addressDependency(cpu: number): void {
    this.cpu(cpu).addrDep = true;
  }

  /** Reads message `k` of word `i` into the CPU's views; returns its value. */
  private readAt(c: CpuViews, i: number, k: number, acquire: boolean): Message {
    const m = this.messages(i)[k - this.baseOf(i)];
    if (m === undefined) throw new RangeError(`no message ${k} of word ${i}`);
    raise(c.cur, i, k);
    join(c.acq, m.view);
    raise(c.acq, i, k);
    c.acqNew = true;
    c.curNewS = true;
    c.curNewW = true;
    if (acquire) this.applyAcq(c);
    return m;
  }

  private append(c: CpuViews, i: number, v: number, release: boolean, extra?: View): void {
    const msgs = this.messages(i);
    const ts = this.baseOf(i) + msgs.length;
    // (the message's own position needs no entry: a reader raises its views to it anyway)
    let view: View;
    if (release || extra !== undefined) {
      view = new Map(release ? c.cur : c.wrel);
      if (release) join(view, c.acq);
      if (extra !== undefined) join(view, extra);
    } else {
      view = c.wrel; // shared, never changed in place afterwards (fences copy first)
      c.wrelShared = true;
    }
    msgs.push({ v, view });
    this.memory[i] = v;
    if (msgs.length > 2 * this.window) this.prune(i, msgs);
    if (++this.sinceGc >= this.gcEvery) {
      this.sinceGc = 0;
      this.gc();
    }
    raise(c.cur, i, ts);
    raise(c.acq, i, ts);
    c.curNewS = true;
    c.curNewW = true;
  }

  load(cpu: number, i: number, ord: LoadOrder): number {
    const c = this.cpu(cpu);
    const dependent = c.addrDep || this.orderedLoads;
    c.addrDep = false;
    const msgs = this.messages(i);
    const b = this.baseOf(i);
    const newest = b + msgs.length - 1;
    let lower = Math.max(c.cur.get(i) ?? 0, b, newest + 1 - this.window);
    if (dependent) lower = Math.max(lower, c.acq.get(i) ?? 0);
    const p = pick(this.choose, newest + 1 - lower);
    const k = this.newestFirst ? newest - p : lower + p;
    const m = this.readAt(c, i, k, ord === 'acquire');
    if (this.onRead !== null) this.onRead({ cpu, i, ts: k, v: m.v, newestTs: newest, newestV: msgs[msgs.length - 1]?.v ?? 0 });
    return m.v;
  }

  store(cpu: number, i: number, v: number, ord: StoreOrder): void {
    const c = this.cpu(cpu);
    c.addrDep = false;
    this.append(c, i, v, ord === 'release');
  }

  rmw(cpu: number, i: number, op: RmwOp, a: number, b: number, ord: RmwOrder): number {
    const c = this.cpu(cpu);
    c.addrDep = false;
    const msgs = this.messages(i);
    const k = this.baseOf(i) + msgs.length - 1;
    // The RMW reads the newest message, so whether it stores is known before it runs: a failing
    // cmpxchg is a relaxed read, without the fences of the fully ordered form.
    const r = rmwResult(op, msgs[msgs.length - 1]?.v ?? 0, a, b);
    if (ord === 'mb' && r.writes) this.fence(cpu, 'mb');
    const m = this.readAt(c, i, k, ord === 'acquire' && r.writes);
    if (r.writes) {
      this.append(c, i, r.v, ord === 'release', m.view);
      if (ord === 'mb') this.fence(cpu, 'mb');
    }
    return m.v;
  }

  fence(cpu: number, f: FenceKind): void {
    const c = this.cpu(cpu);
    switch (f) {
      case 'rmb':
        this.applyAcq(c);
        return;
      case 'wmb':
        this.ownWrel(c);
        join(c.wrel, c.cur);
        join(c.wrel, c.acq);
        return;
      case 'mb':
      case 'mb__before_atomic':
      case 'mb__after_atomic':
        this.applyAcq(c);
        if (c.strongSeen !== this.strongVersion) {
          join(c.cur, this.strong);
          c.curNewS = true;
          c.curNewW = true;
        }
        if (c.curNewS) {
          join(this.strong, c.cur); // now S = cur ∪ S_old and cur ⊇ S_old: cur holds all of S
          this.strongVersion++;
          c.curNewS = false;
        }
        c.strongSeen = this.strongVersion;
        if (c.curNewW) {
          this.ownWrel(c);
          join(c.wrel, c.cur);
          c.curNewW = false;
        }
    }
  }

  /** cur ∪= acq (acquire, smp_rmb, smp_mb), skipped when acq gained nothing since. */
  private applyAcq(c: CpuViews): void {
    if (!c.acqNew) return;
    join(c.cur, c.acq);
    c.acqNew = false;
    c.curNewS = true;
    c.curNewW = true;
  }

  private ownWrel(c: CpuViews): void {
    if (!c.wrelShared) return;
    c.wrel = new Map(c.wrel);
    c.wrelShared = false;
  }

  /** Messages of word `i` in coherence order (oldest first). */
  history(i: number): readonly number[] {
    return this.messages(i).map((m) => m.v);
  }

  /** Nothing is buffered: `memory` already holds the final values. */
  settle(): void {
    /* every store is in memory at once */
  }
}
