/**
 * x86-TSO as an operational `MemoryCore`: one FIFO store buffer per CPU in front of one memory.
 * A store goes into the CPU's buffer; a load reads the CPU's own newest buffered store to that word,
 * else memory; `smp_mb` and every atomic RMW (locked on x86, a failed cmpxchg too) drain the CPU's
 * buffer first, and an RMW acts on memory. smp_wmb / smp_rmb / smp_mb__{before,after}_atomic are
 * compiler barriers on x86: nothing to do. Orderings (acquire, release, relaxed) change nothing
 * either: every x86 load is an acquire and every store a release.
 *
 * When buffered stores reach memory is the nondeterministic part. Only a load, an RMW or another
 * drain can tell when a store drained, so the decision is taken there: before a CPU reads memory
 * (load or RMW) and before smp_mb drains its buffer, `choose` picks, one store at a time, which
 * CPU's oldest buffered store drains next, or stop. That yields every x86-TSO behaviour (a drain
 * can be moved to just before the next event that can observe it) with few choices. `settle()`
 * drains everything, in a chosen order (the final state).
 *
 * `memory` holds, for an observer outside the model (the runtime's waits, invariant observers),
 * the newest store executed to each word; what the CPUs read from memory is kept beside it for
 * words with stores still buffered (`drainedOf`). After `settle()` both agree.
 */
import type { FenceKind, MemoryCore, RmwOp } from '../access.js';
import { pick, rmwResult, type Chooser } from './choice.js';

interface Buffered {
  readonly i: number;
  readonly v: number;
}

export class TsoCore implements MemoryCore {
  private readonly buffers: Buffered[][];
  /** words with buffered stores: the value in memory as the CPUs see it, and how many are buffered */
  private readonly drainedOf = new Map<number, number>();
  private readonly bufferedCount = new Map<number, number>();

  /** `memory` is written in place (see above). */
  constructor(readonly memory: Int32Array, readonly cpus: number, private readonly choose: Chooser) {
    this.buffers = Array.from({ length: cpus }, () => []);
  }

  private buffer(cpu: number): Buffered[] {
    const b = this.buffers[cpu];
    if (b === undefined) throw new RangeError(`cpu ${cpu} out of range (${this.cpus} CPUs)`);
    return b;
  }

  private drain(cpu: number, n: number): void {
    const b = this.buffer(cpu);
    for (const e of b.splice(0, n)) {
      const left = (this.bufferedCount.get(e.i) ?? 1) - 1;
      if (left === 0) {
        this.bufferedCount.delete(e.i);
        this.drainedOf.delete(e.i);
        this.memory[e.i] = e.v;
      } else {
        this.bufferedCount.set(e.i, left);
        this.drainedOf.set(e.i, e.v);
      }
    }
  }

  /** Memory as the CPUs read it (a word with buffered stores: what has drained). */
  private drained(i: number): number {
    const d = this.drainedOf.get(i);
    return d ?? this.memory[i] ?? 0;
  }

  private setDrained(i: number, v: number): void {
    if (this.drainedOf.has(i)) this.drainedOf.set(i, v);
    this.memory[i] = v;
  }

  /**
   * Before a CPU reads memory: buffered stores drain, the oldest of one CPU at a time, in a chosen
   * order, until the chooser says stop (option 0). The reader's own buffer too: whether its own
   * older store to the word has drained (and been overwritten) decides what it reads.
   */
  private drains(): void {
    for (;;) {
      const busy: number[] = [];
      for (let c = 0; c < this.cpus; c++) if (this.buffer(c).length > 0) busy.push(c);
      if (busy.length === 0) return;
      const k = pick(this.choose, busy.length + 1);
      if (k === 0) return;
      this.drain(busy[k - 1] ?? 0, 1);
    }
  }

  load(cpu: number, i: number): number {
    this.drains();
    const own = this.buffer(cpu);
    for (let k = own.length - 1; k >= 0; k--) if (own[k]?.i === i) return own[k]?.v ?? 0;
    return this.drained(i);
  }

  store(cpu: number, i: number, v: number): void {
    if (!this.drainedOf.has(i)) this.drainedOf.set(i, this.memory[i] ?? 0);
    this.bufferedCount.set(i, (this.bufferedCount.get(i) ?? 0) + 1);
    this.memory[i] = v;
    this.buffer(cpu).push({ i, v });
  }

  rmw(cpu: number, i: number, op: RmwOp, a: number, b: number): number {
    this.drains();
    this.drain(cpu, this.buffer(cpu).length);
    const old = this.drained(i);
    const r = rmwResult(op, old, a, b);
    if (r.writes) this.setDrained(i, r.v);
    return old;
  }

  fence(cpu: number, f: FenceKind): void {
    if (f !== 'mb') return;
    this.drains(); // other CPUs' stores may reach memory before this CPU's (coherence order)
    this.drain(cpu, this.buffer(cpu).length);
  }

  /** Whether `cpu` may read a value of word `i` other than `v` now (a waiter on `i` can go on). */
  canReadOther(cpu: number, i: number, v: number): boolean {
    const own = this.buffer(cpu);
    for (let k = own.length - 1; k >= 0; k--) if (own[k]?.i === i) return own[k]?.v !== v;
    return this.drained(i) !== v;
  }

  /** Whether any store is still buffered. */
  hasPending(): boolean {
    for (const b of this.buffers) if (b.length > 0) return true;
    return false;
  }

  /** Drains the oldest store of one CPU, chosen among those with buffered stores. */
  drainOne(): void {
    const busy: number[] = [];
    for (let c = 0; c < this.cpus; c++) if (this.buffer(c).length > 0) busy.push(c);
    if (busy.length > 0) this.drain(busy[pick(this.choose, busy.length)] ?? 0, 1);
  }

  /** Stores still buffered on `cpu` (oldest first). */
  pending(cpu: number): readonly Buffered[] {
    return this.buffer(cpu);
  }

  /**
   * Drains every buffer. Which CPU's oldest store goes next is chosen, one store at a time: two
   * CPUs' buffered stores to one word reach memory in either order (2+2W).
   */
  settle(): void {
    for (;;) {
      const busy: number[] = [];
      for (let c = 0; c < this.cpus; c++) if (this.buffer(c).length > 0) busy.push(c);
      if (busy.length === 0) return;
      this.drain(busy[pick(this.choose, busy.length)] ?? 0, 1);
    }
  }
}
