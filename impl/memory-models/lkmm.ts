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
 * Dependencies. A load never reads a store that has not executed yet, so data, address and
 * control dependencies into stores (and load buffering in general) are always respected, and so
 * is `dep ; rfi` (a CPU reads its own store or a later one). A data dependency adds nothing to
 * what the store's message carries: the LKMM's data dependency is not cumulative (WRC and WWC with
 * a data dependency stay Sometimes). An address dependency into a load must be told, in one of
 * two ways:
 * - precise (`trackDependencies`, what the litmus executor uses): every read gets a dependency
 *   view — the view of the message it read (what an acquire of it would learn), its own position,
 *   and the dependency views of the reads its address depended on — and `dependsOn(cpu, reads)`
 *   before an access names the CPU's earlier reads (bit k = its k-th read, loads and RMWs
 *   counted from 0, as the litmus taint counts them) its address depends on. A dependent load
 *   then reads at or after that view: ordered after the reads it depends on (and what they
 *   observed), not after the CPU's other reads (`addr` in the LKMM's ppo; transitive through
 *   chains of dependencies, as hb is).
 * - coarse (`addressDependency(cpu)`): the next load is ordered after everything its CPU read
 *   before (stronger than the LKMM: only removes behaviours); with `dependentLoads: 'ordered'`
 *   every load is (for code whose dependencies are not tracked: no stale dependent read, at the
 *   price of weaker ordering checks). The runtime marks none.
 *
 * `memory` always holds the newest message of each word, so an observer reading it directly sees
 * the coherence-latest values.
 *
 * Representation (speed; the same decisions as maps of word → position, test/impl/weak-memory).
 * Words get dense slots on first touch; a view is an Int32Array over slots plus a log of its
 * raises (slot, position), in order. A view only grows, so "X as it was when a message was
 * stored" is a prefix of X's log: a message carries references (view id, log length) instead of
 * a copy, and a join absorbs only the part of the source's log it has not absorbed yet
 * (`joined[source]`). Work is proportional to what actually changes, not to the size of a view.
 * Log entries at or below their word's `base` can no longer raise anything a load looks at; every
 * so often (`gcEvery` stores) they are dropped and every reference renumbered.
 */
import type { FenceKind, LoadOrder, MemoryCore, RmwOp, RmwOrder, StoreOrder } from '../access.js';
import { pick, rmwResult, type Chooser } from './choice.js';

/** A monotone view: a position per slot, and the log of its raises (for delta joins). */
class View {
  val: Int32Array;
  /** raises in order: slot, position, slot, position, … */
  log = new Int32Array(64);
  /** entries (pairs) in `log` */
  len = 0;
  /** per source view id: how many of its log entries this view has absorbed */
  readonly joined: Int32Array;
  constructor(readonly id: number, slots: number, views: number) {
    this.val = new Int32Array(slots);
    this.joined = new Int32Array(views);
  }

  raise(s: number, ts: number): void {
    if ((this.val[s] ?? 0) >= ts) return;
    this.val[s] = ts;
    if (2 * this.len === this.log.length) {
      const bigger = new Int32Array(2 * this.log.length);
      bigger.set(this.log);
      this.log = bigger;
    }
    this.log[2 * this.len] = s;
    this.log[2 * this.len + 1] = ts;
    this.len++;
  }

  /** this ∪= `src` as it was when its log had `upTo` entries. */
  absorb(src: View, upTo: number): void {
    if (src === this) return; // a view holds every earlier version of itself
    const from = this.joined[src.id] ?? 0;
    if (from >= upTo) return;
    const log = src.log;
    for (let p = from; p < upTo; p++) this.raise(log[2 * p] ?? 0, log[2 * p + 1] ?? 0);
    this.joined[src.id] = upTo;
  }

  /** this ∪= `src` now. */
  absorbAll(src: View): void {
    this.absorb(src, src.len);
  }
}

/** A store. Forgotten messages are reused (`pool`): nothing may keep one past the next store. */
interface Message {
  v: number;
  /** the view it carries: view id, log length, view id, log length, … (at most one pair per view) */
  readonly refs: Int32Array;
  /** entries used in `refs` (2 per view) */
  n: number;
}

interface CpuViews {
  readonly cur: View;
  readonly acq: View;
  readonly wrel: View;
  addrDep: boolean;
}

/** Removes the oldest `n` messages (in place), handing them to `pool` for reuse: no garbage. */
function drop(msgs: Message[], n: number, pool: Message[]): void {
  for (let k = 0; k < n; k++) {
    const m = msgs[k];
    if (m !== undefined) pool.push(m);
  }
  msgs.copyWithin(0, n);
  for (let k = 0; k < n; k++) msgs.pop();
}

/** m's view ∪= (id as it was at log length len): one pair per view, the longer prefix wins. */
function addRef(m: Message, id: number, len: number): void {
  const refs = m.refs;
  for (let k = 0; k < m.n; k += 2) {
    if (refs[k] === id) {
      if ((refs[k + 1] ?? 0) < len) refs[k + 1] = len;
      return;
    }
  }
  refs[m.n] = id;
  refs[m.n + 1] = len;
  m.n += 2;
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
   * older than the oldest one any CPU may still read, and the log entries at or below that point
   * (no behaviour changes: such entries can no longer raise anything). Keeps memory bounded.
   */
  readonly gcEvery?: number;
  /** At a gc, the logs are compacted once they hold this many entries more than twice the live ones at the last compaction (default 16384; tests set it small). */
  readonly logSlack?: number;
  /** Record a dependency view per read, for `dependsOn` (precise address dependencies; the litmus executor). */
  readonly trackDependencies?: boolean;
}

/** A dependency view: slot → the oldest position of that word a dependent load may read. */
type DepView = Map<number, number>;

function joinInto(d: DepView, src: DepView): void {
  for (const [s, ts] of src) if ((d.get(s) ?? -1) < ts) d.set(s, ts);
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
  /** word → slot + 1 (0: not touched yet) */
  private readonly slotOf: Int32Array;
  /** slot → word */
  private words: number[] = [];
  /** per slot: messages in coherence order (the oldest kept first) */
  private mo: Message[][] = [];
  /** forgotten messages, reused by the next stores */
  private readonly pool: Message[] = [];
  /** per slot: absolute position of mo[s][0] (messages before it were forgotten) */
  private base = new Int32Array(64);
  private readonly cpuViews: CpuViews[];
  /** every view: per CPU cur, acq, wrel (ids 3c, 3c+1, 3c+2), then S */
  private readonly views: View[];
  private readonly strong: View;
  private readonly orderedLoads: boolean;
  private readonly window: number;
  private readonly newestFirst: boolean;
  private readonly external: boolean;
  private readonly gcEvery: number;
  private readonly logSlack: number;
  private sinceGc = 0;
  /** total log entries after the last compaction */
  private liveLog = 0;
  private compacted = 0;
  private scratch = new Int32Array(0);
  /** per CPU: the dependency view of each of its reads, by read index (`trackDependencies`), else null */
  private readonly readDeps: DepView[][] | null;
  /** per CPU: what the next access's address depends on (`dependsOn`), or null */
  private readonly nextDep: (DepView | null)[];
  /**
   * Called after every load that read a message older than the newest (the runtime annotates them
   * in timelines): what a `ReadFrom` holds, as arguments (no allocation per load).
   */
  onRead: ((cpu: number, i: number, ts: number, v: number, newestTs: number, newestV: number) => void) | null = null;

  constructor(readonly memory: Int32Array, readonly cpus: number, private readonly choose: Chooser, opts: LkmmCoreOptions = {}) {
    this.slotOf = new Int32Array(memory.length);
    const nv = 3 * cpus + 1;
    const mk = (id: number): View => new View(id, 64, nv);
    this.cpuViews = Array.from({ length: cpus }, (_, c) => ({ cur: mk(3 * c), acq: mk(3 * c + 1), wrel: mk(3 * c + 2), addrDep: false }));
    this.strong = mk(3 * cpus);
    this.views = [...this.cpuViews.flatMap((c) => [c.cur, c.acq, c.wrel]), this.strong];
    this.orderedLoads = opts.dependentLoads === 'ordered';
    this.window = opts.window ?? Infinity;
    this.newestFirst = opts.newestFirst === true;
    this.external = opts.external === true;
    this.gcEvery = opts.gcEvery ?? Infinity;
    this.logSlack = opts.logSlack ?? 16384;
    this.readDeps = opts.trackDependencies === true ? Array.from({ length: cpus }, () => []) : null;
    this.nextDep = Array.from({ length: cpus }, () => null);
  }

  /**
   * The next access of `cpu` has an address dependency on its reads in the bitmask `reads` (bit k:
   * its k-th read, loads and RMWs counted from 0). Needs `trackDependencies`.
   */
  dependsOn(cpu: number, reads: number): void {
    const list = this.readDeps?.[cpu];
    if (list === undefined) throw new Error('LkmmCore.dependsOn needs trackDependencies (and a CPU in range)');
    const d: DepView = new Map();
    for (let k = 0; k < 32 && (reads >>> k) !== 0; k++) {
      if (((reads >>> k) & 1) === 0) continue;
      const r = list[k];
      if (r === undefined) throw new RangeError(`cpu ${cpu} has no read #${k} to depend on (${list.length} reads so far)`);
      joinInto(d, r);
    }
    this.nextDep[cpu] = d;
  }

  /** Records the dependency view of `cpu`'s read of message `k` of slot `s`: what `m` carries, `k`, and `dep`. */
  private recordRead(cpu: number, s: number, k: number, m: Message, dep: DepView | null): void {
    const list = this.readDeps?.[cpu];
    if (list === undefined) return;
    const d: DepView = dep === null ? new Map<number, number>() : new Map<number, number>(dep);
    for (let j = 0; j < m.n; j += 2) {
      const v = this.view(m.refs[j] ?? 0);
      const len = m.refs[j + 1] ?? 0;
      for (let p = 0; p < len; p++) {
        const sl = v.log[2 * p] ?? 0;
        const ts = v.log[2 * p + 1] ?? 0;
        if ((d.get(sl) ?? -1) < ts) d.set(sl, ts);
      }
    }
    if ((d.get(s) ?? -1) < k) d.set(s, k);
    list.push(d);
  }

  private takeDep(cpu: number): DepView | null {
    const d = this.nextDep[cpu] ?? null;
    if (d !== null) this.nextDep[cpu] = null;
    return d;
  }

  /** How many times the logs were compacted (see `gcEvery`; tests check it happens). */
  get compactions(): number {
    return this.compacted;
  }

  /** See `gcEvery`. */
  private gc(): void {
    const n = this.words.length;
    for (let s = 0; s < n; s++) {
      const msgs = this.msgs(s);
      let f = Infinity;
      for (const c of this.cpuViews) f = Math.min(f, c.cur.val[s] ?? 0);
      const b = this.base[s] ?? 0;
      if (f > b) {
        drop(msgs, f - b, this.pool);
        this.base[s] = f;
      }
    }
    let total = 0;
    for (const v of this.views) total += v.len;
    if (total > 2 * this.liveLog + this.logSlack) this.compact();
  }

  /** Drops the log entries at or below their word's base and renumbers every reference to a log. */
  private compact(): void {
    this.compacted++;
    const base = this.base;
    // pre[at[id] + p]: the new position of view id's old log position p (one scratch array, reused)
    let need = 0;
    for (const v of this.views) need += v.len + 1;
    if (this.scratch.length < need) this.scratch = new Int32Array(2 * need);
    const pre = this.scratch;
    const at: number[] = [];
    let live = 0;
    let a = 0;
    for (const v of this.views) {
      at.push(a);
      const log = v.log;
      let o = 0;
      for (let k = 0; k < v.len; k++) {
        pre[a + k] = o;
        const s = log[2 * k] ?? 0;
        const ts = log[2 * k + 1] ?? 0;
        if (ts > (base[s] ?? 0)) {
          log[2 * o] = s;
          log[2 * o + 1] = ts;
          o++;
        }
      }
      pre[a + v.len] = o;
      a += v.len + 1;
      v.len = o;
      live += o;
    }
    this.liveLog = live;
    const renumber = (id: number, pos: number): number => pre[(at[id] ?? 0) + pos] ?? 0;
    for (const v of this.views) for (let id = 0; id < at.length; id++) v.joined[id] = renumber(id, v.joined[id] ?? 0);
    for (const msgs of this.mo) {
      for (const m of msgs) {
        const r = m.refs;
        for (let k = 0; k < m.n; k += 2) r[k + 1] = renumber(r[k] ?? 0, r[k + 1] ?? 0);
      }
    }
  }

  /** A message of value `v` carrying no view (a reused one if any). */
  private message(v: number): Message {
    const m = this.pool.pop() ?? { v: 0, refs: new Int32Array(2 * this.views.length), n: 0 };
    m.v = v;
    m.n = 0;
    return m;
  }

  private msgs(s: number): Message[] {
    const m = this.mo[s];
    if (m === undefined) throw new RangeError(`no slot ${s}`);
    return m;
  }

  private view(id: number): View {
    const v = this.views[id];
    if (v === undefined) throw new RangeError(`no view ${id}`);
    return v;
  }

  private cpu(cpu: number): CpuViews {
    const c = this.cpuViews[cpu];
    if (c === undefined) throw new RangeError(`cpu ${cpu} out of range (${this.cpus} CPUs)`);
    return c;
  }

  /** The slot of word `i` (a new one, with the initial value as its first message, on first touch). */
  private slot(i: number): number {
    let s = (this.slotOf[i] ?? 0) - 1;
    if (s < 0) {
      if (i < 0 || i >= this.memory.length || !Number.isInteger(i)) throw new RangeError(`word ${i} out of range (${this.memory.length} words)`);
      s = this.words.length;
      this.slotOf[i] = s + 1;
      this.words.push(i);
      this.mo.push([this.message(this.memory[i] ?? 0)]);
      if (s === this.base.length) this.grow();
      return s;
    }
    if (this.external) {
      const m = this.msgs(s);
      const v = this.memory[i] ?? 0;
      if (m[m.length - 1]?.v !== v) {
        // written behind the core's back: a new message every CPU reads from now on
        const ts = (this.base[s] ?? 0) + m.length;
        m.push(this.message(v)); // (its own position: a reader raises its views to it anyway)
        for (const c of this.cpuViews) c.cur.raise(s, ts);
      }
    }
    return s;
  }

  private grow(): void {
    const n = 2 * this.base.length;
    const b = new Int32Array(n);
    b.set(this.base);
    this.base = b;
    for (const v of this.views) {
      const a = new Int32Array(n);
      a.set(v.val);
      v.val = a;
    }
  }

  /** Forgets messages no load may read any more (outside the window). */
  private prune(s: number, msgs: Message[]): void {
    if (msgs.length <= 2 * this.window) return;
    const n = msgs.length - this.window;
    drop(msgs, n, this.pool);
    this.base[s] = (this.base[s] ?? 0) + n;
  }

  /** Whether `cpu` may read a value of word `i` other than `v` now (a waiter on `i` can go on). */
  canReadOther(cpu: number, i: number, v: number): boolean {
    const s = this.slot(i);
    const msgs = this.msgs(s);
    const b = this.base[s] ?? 0;
    const lo = Math.max((this.cpu(cpu).cur.val[s] ?? 0) - b, msgs.length - this.window, 0);
    for (let k = lo; k < msgs.length; k++) if (msgs[k]?.v !== v) return true;
    return false;
  }

  /** The next access of `cpu` has an address dependency on an earlier load of it. */
  addressDependency(cpu: number): void {
    this.cpu(cpu).addrDep = true;
  }

  /** Reads message `k` of slot `s` into the CPU's views; returns it. */
  private readAt(c: CpuViews, s: number, k: number, acquire: boolean): Message {
    const m = this.msgs(s)[k - (this.base[s] ?? 0)];
    if (m === undefined) throw new RangeError(`no message ${k} of word ${this.words[s] ?? s}`);
    c.cur.raise(s, k);
    const acq = c.acq;
    const r = m.refs;
    for (let j = 0; j < m.n; j += 2) acq.absorb(this.view(r[j] ?? 0), r[j + 1] ?? 0);
    acq.raise(s, k);
    if (acquire) c.cur.absorbAll(acq);
    return m;
  }

  private append(c: CpuViews, s: number, v: number, release: boolean, extra?: Message): void {
    const msgs = this.msgs(s);
    const ts = (this.base[s] ?? 0) + msgs.length;
    // (the message's own position needs no entry: a reader raises its views to it anyway)
    const msg = this.message(v);
    const refs = msg.refs;
    if (release) {
      refs[0] = c.cur.id;
      refs[1] = c.cur.len;
      refs[2] = c.acq.id;
      refs[3] = c.acq.len;
      msg.n = 4;
    } else {
      refs[0] = c.wrel.id;
      refs[1] = c.wrel.len;
      msg.n = 2;
    }
    if (extra !== undefined) for (let k = 0; k < extra.n; k += 2) addRef(msg, extra.refs[k] ?? 0, extra.refs[k + 1] ?? 0);
    msgs.push(msg);
    this.memory[this.words[s] ?? 0] = v;
    if (msgs.length > 2 * this.window) this.prune(s, msgs);
    if (++this.sinceGc >= this.gcEvery) {
      this.sinceGc = 0;
      this.gc();
    }
    c.cur.raise(s, ts);
    c.acq.raise(s, ts);
  }

  load(cpu: number, i: number, ord: LoadOrder): number {
    const c = this.cpu(cpu);
    const dependent = c.addrDep || this.orderedLoads;
    c.addrDep = false;
    const dep = this.takeDep(cpu);
    const s = this.slot(i);
    const msgs = this.msgs(s);
    const b = this.base[s] ?? 0;
    const newest = b + msgs.length - 1;
    let lower = Math.max(c.cur.val[s] ?? 0, b, newest + 1 - this.window);
    if (dependent) lower = Math.max(lower, c.acq.val[s] ?? 0);
    if (dep !== null) lower = Math.min(newest, Math.max(lower, dep.get(s) ?? 0));
    const p = pick(this.choose, newest + 1 - lower);
    const k = this.newestFirst ? newest - p : lower + p;
    const m = this.readAt(c, s, k, ord === 'acquire');
    this.recordRead(cpu, s, k, m, dep);
    if (k !== newest && this.onRead !== null) this.onRead(cpu, i, k, m.v, newest, msgs[msgs.length - 1]?.v ?? 0);
    return m.v;
  }

  store(cpu: number, i: number, v: number, ord: StoreOrder): void {
    const c = this.cpu(cpu);
    c.addrDep = false;
    this.takeDep(cpu); // an address or data dependency into a store: respected by execution order
    this.append(c, this.slot(i), v, ord === 'release');
  }

  rmw(cpu: number, i: number, op: RmwOp, a: number, b: number, ord: RmwOrder): number {
    const c = this.cpu(cpu);
    c.addrDep = false;
    const s = this.slot(i);
    const msgs = this.msgs(s);
    const k = (this.base[s] ?? 0) + msgs.length - 1;
    // The RMW reads the newest message, so whether it stores is known before it runs: a failing
    // cmpxchg is a relaxed read, without the fences of the fully ordered form.
    const r = rmwResult(op, msgs[msgs.length - 1]?.v ?? 0, a, b);
    if (ord === 'mb' && r.writes) this.fence(cpu, 'mb');
    const m = this.readAt(c, s, k, ord === 'acquire' && r.writes);
    this.recordRead(cpu, s, k, m, this.takeDep(cpu)); // (it reads the newest: the dependency only passes on)
    const old = m.v; // (m may be forgotten and reused by the store below)
    if (r.writes) {
      this.append(c, s, r.v, ord === 'release', m);
      if (ord === 'mb') this.fence(cpu, 'mb');
    }
    return old;
  }

  fence(cpu: number, f: FenceKind): void {
    const c = this.cpu(cpu);
    switch (f) {
      case 'rmb':
        c.cur.absorbAll(c.acq);
        return;
      case 'wmb':
        c.wrel.absorbAll(c.cur);
        c.wrel.absorbAll(c.acq);
        return;
      case 'mb':
      case 'mb__before_atomic':
      case 'mb__after_atomic':
        c.cur.absorbAll(c.acq);
        c.cur.absorbAll(this.strong);
        this.strong.absorbAll(c.cur);
        c.wrel.absorbAll(c.cur);
    }
  }

  /** Messages of word `i` in coherence order (oldest first). */
  history(i: number): readonly number[] {
    return this.msgs(this.slot(i)).map((m) => m.v);
  }

  /** Nothing is buffered: `memory` already holds the final values. */
  settle(): void {
    /* every store is in memory at once */
  }
}
