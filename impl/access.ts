/**
 * The ordering-annotated accessor API: every access the protocol makes to kernel state goes
 * through one of these, named as in the kernel (tools/memory-model, Documentation/atomic_t.txt),
 * so an auditor maps a line of impl/ to a line of smp.c and sees the same ordering there.
 *
 * Words are indices into the one Int32Array of the system (layout.ts). Instrumentation (the trace
 * ring, the request table, counters) is the observer, not kernel memory, and stays plain Atomics.
 *
 * Semantics (LKMM names; what a weaker runtime may and may not do with each):
 * - READ_ONCE / WRITE_ONCE: a single-copy-atomic access, no ordering against other locations.
 * - smp_load_acquire: later accesses of this CPU are ordered after it.
 * - smp_store_release: earlier accesses of this CPU are ordered before it (and cumulative).
 * - Value-returning RMWs (xchg, cmpxchg, atomic_fetch_*, atomic_*_return) are fully ordered
 *   (smp_mb before and after); their _relaxed / _acquire / _release forms are what they say.
 *   A cmpxchg that fails is a plain (relaxed) load.
 * - Non-value-returning RMWs (atomic_add, atomic_or, atomic_andnot, set_bit…) are unordered;
 *   smp_mb__before_atomic / smp_mb__after_atomic make them fully ordered on the side they name.
 * - smp_mb orders everything, smp_wmb stores against stores, smp_rmb loads against loads.
 *
 * On real threads and in the deterministic runtime with `--memory sc` every method is one JS
 * `Atomics` operation (sequentially consistent: a legal behaviour of every weaker model).
 * A weak-memory runtime (tso, lkmm) supplies its own `Access` per CPU over a `MemoryCore`.
 */
import type { Shared } from './layout.js';

/** Ordering of a load. */
export type LoadOrder = 'once' | 'acquire';
/** Ordering of a store. */
export type StoreOrder = 'once' | 'release';
/** Ordering of a read-modify-write ('mb' = fully ordered, the kernel's default for value-returning RMWs). */
export type RmwOrder = 'relaxed' | 'acquire' | 'release' | 'mb';
/** Fences, as the kernel names them. */
export type FenceKind = 'mb' | 'wmb' | 'rmb' | 'mb__before_atomic' | 'mb__after_atomic';
/** The value computation of an RMW; `cmpxchg` stores `b` iff the old value equals `a`. */
export type RmwOp = 'xchg' | 'cmpxchg' | 'add' | 'or' | 'and' | 'andnot';

/**
 * What a memory model implements (one instance per system; `cpu` says who accesses). Every RMW
 * returns the old value. The protocol never calls this directly: it calls `Access`.
 */
export interface MemoryCore {
  load(cpu: number, i: number, ord: LoadOrder): number;
  store(cpu: number, i: number, v: number, ord: StoreOrder): void;
  rmw(cpu: number, i: number, op: RmwOp, a: number, b: number, ord: RmwOrder): number;
  fence(cpu: number, f: FenceKind): void;
}

/** The accessors of one CPU, with the kernel's names. */
export interface Access {
  READ_ONCE(i: number): number;
  WRITE_ONCE(i: number, v: number): void;
  smp_load_acquire(i: number): number;
  smp_store_release(i: number, v: number): void;

  xchg(i: number, v: number): number;
  xchg_relaxed(i: number, v: number): number;
  xchg_acquire(i: number, v: number): number;
  xchg_release(i: number, v: number): number;
  /** returns the old value; the store happened iff it equals `old` */
  cmpxchg(i: number, old: number, v: number): number;
  cmpxchg_relaxed(i: number, old: number, v: number): number;
  cmpxchg_acquire(i: number, old: number, v: number): number;
  cmpxchg_release(i: number, old: number, v: number): number;

  /** atomic_read / atomic_set are READ_ONCE / WRITE_ONCE of an atomic_t */
  atomic_read(i: number): number;
  atomic_set(i: number, v: number): void;
  /** unordered (no return value) */
  atomic_add(i: number, v: number): void;
  atomic_or(i: number, v: number): void;
  atomic_andnot(i: number, v: number): void;
  /** fully ordered, return the old value */
  atomic_fetch_add(i: number, v: number): number;
  atomic_fetch_or(i: number, v: number): number;
  atomic_fetch_andnot(i: number, v: number): number;
  atomic_fetch_or_relaxed(i: number, v: number): number;
  atomic_fetch_andnot_relaxed(i: number, v: number): number;

  smp_mb(): void;
  smp_wmb(): void;
  smp_rmb(): void;
  smp_mb__before_atomic(): void;
  smp_mb__after_atomic(): void;
}

/** `Access` of `cpu` over any memory model. */
export function coreAccess(core: MemoryCore, cpu: number): Access {
  return {
    READ_ONCE: (i) => core.load(cpu, i, 'once'),
    WRITE_ONCE: (i, v) => { core.store(cpu, i, v, 'once'); },
    smp_load_acquire: (i) => core.load(cpu, i, 'acquire'),
    smp_store_release: (i, v) => { core.store(cpu, i, v, 'release'); },
    xchg: (i, v) => core.rmw(cpu, i, 'xchg', v, 0, 'mb'),
    xchg_relaxed: (i, v) => core.rmw(cpu, i, 'xchg', v, 0, 'relaxed'),
    xchg_acquire: (i, v) => core.rmw(cpu, i, 'xchg', v, 0, 'acquire'),
    xchg_release: (i, v) => core.rmw(cpu, i, 'xchg', v, 0, 'release'),
    cmpxchg: (i, old, v) => core.rmw(cpu, i, 'cmpxchg', old, v, 'mb'),
    cmpxchg_relaxed: (i, old, v) => core.rmw(cpu, i, 'cmpxchg', old, v, 'relaxed'),
    cmpxchg_acquire: (i, old, v) => core.rmw(cpu, i, 'cmpxchg', old, v, 'acquire'),
    cmpxchg_release: (i, old, v) => core.rmw(cpu, i, 'cmpxchg', old, v, 'release'),
    atomic_read: (i) => core.load(cpu, i, 'once'),
    atomic_set: (i, v) => { core.store(cpu, i, v, 'once'); },
    atomic_add: (i, v) => { core.rmw(cpu, i, 'add', v, 0, 'relaxed'); },
    atomic_or: (i, v) => { core.rmw(cpu, i, 'or', v, 0, 'relaxed'); },
    atomic_andnot: (i, v) => { core.rmw(cpu, i, 'andnot', v, 0, 'relaxed'); },
    atomic_fetch_add: (i, v) => core.rmw(cpu, i, 'add', v, 0, 'mb'),
    atomic_fetch_or: (i, v) => core.rmw(cpu, i, 'or', v, 0, 'mb'),
    atomic_fetch_andnot: (i, v) => core.rmw(cpu, i, 'andnot', v, 0, 'mb'),
    atomic_fetch_or_relaxed: (i, v) => core.rmw(cpu, i, 'or', v, 0, 'relaxed'),
    atomic_fetch_andnot_relaxed: (i, v) => core.rmw(cpu, i, 'andnot', v, 0, 'relaxed'),
    smp_mb: () => { core.fence(cpu, 'mb'); },
    smp_wmb: () => { core.fence(cpu, 'wmb'); },
    smp_rmb: () => { core.fence(cpu, 'rmb'); },
    smp_mb__before_atomic: () => { core.fence(cpu, 'mb__before_atomic'); },
    smp_mb__after_atomic: () => { core.fence(cpu, 'mb__after_atomic'); },
  };
}

/**
 * The sequentially consistent accessors: each one JS `Atomics` operation, fences are no-ops
 * (Atomics are already SC). Used on real threads and by the deterministic runtime's `sc` memory.
 */
export function atomicsAccess(m: Shared): Access {
  const cas = (i: number, old: number, v: number): number => Atomics.compareExchange(m, i, old, v);
  const nop = (): void => { /* SC: every Atomics op is already a full fence */ };
  return {
    READ_ONCE: (i) => Atomics.load(m, i),
    WRITE_ONCE: (i, v) => { Atomics.store(m, i, v); },
    smp_load_acquire: (i) => Atomics.load(m, i),
    smp_store_release: (i, v) => { Atomics.store(m, i, v); },
    xchg: (i, v) => Atomics.exchange(m, i, v),
    xchg_relaxed: (i, v) => Atomics.exchange(m, i, v),
    xchg_acquire: (i, v) => Atomics.exchange(m, i, v),
    xchg_release: (i, v) => Atomics.exchange(m, i, v),
    cmpxchg: cas,
    cmpxchg_relaxed: cas,
    cmpxchg_acquire: cas,
    cmpxchg_release: cas,
    atomic_read: (i) => Atomics.load(m, i),
    atomic_set: (i, v) => { Atomics.store(m, i, v); },
    atomic_add: (i, v) => { Atomics.add(m, i, v); },
    atomic_or: (i, v) => { Atomics.or(m, i, v); },
    atomic_andnot: (i, v) => { Atomics.and(m, i, ~v); },
    atomic_fetch_add: (i, v) => Atomics.add(m, i, v),
    atomic_fetch_or: (i, v) => Atomics.or(m, i, v),
    atomic_fetch_andnot: (i, v) => Atomics.and(m, i, ~v),
    atomic_fetch_or_relaxed: (i, v) => Atomics.or(m, i, v),
    atomic_fetch_andnot_relaxed: (i, v) => Atomics.and(m, i, ~v),
    smp_mb: nop,
    smp_wmb: nop,
    smp_rmb: nop,
    smp_mb__before_atomic: nop,
    smp_mb__after_atomic: nop,
  };
}

/** The SC `MemoryCore` over Atomics (the reference against which weaker cores are tested). */
export function scCore(m: Shared): MemoryCore {
  return {
    load: (_cpu, i) => Atomics.load(m, i),
    store: (_cpu, i, v) => { Atomics.store(m, i, v); },
    rmw: (_cpu, i, op, a, b) => {
      switch (op) {
        case 'xchg': return Atomics.exchange(m, i, a);
        case 'cmpxchg': return Atomics.compareExchange(m, i, a, b);
        case 'add': return Atomics.add(m, i, a);
        case 'or': return Atomics.or(m, i, a);
        case 'and': return Atomics.and(m, i, a);
        case 'andnot': return Atomics.and(m, i, ~a);
      }
    },
    fence: () => { /* SC */ },
  };
}
