/**
 * Creating and resetting the shared memory of one system, and the per-CPU protocol context.
 * Both runtimes use these; a reset between runs lets one worker pool serve many runs.
 */
import {
  C_CFD, C_CSD_DATA, C_CUR_CSD, C_IRQ_WORK, IRQ_WORKS, C_TASK, TASKS, C_QUEUE, C_STACK_CSD, C_STATE, C_USER_CSD, F_DST, F_NEXT, F_SRC, FLAG_CSDLOCK_DEBUG,
  FLAG_IDLE_POLL, FLAG_TRACE, H_ALLOC_LIMIT, H_CSD_TIMEOUT_MS, H_FLAGS, H_MAGIC, H_NCPUS, H_PANIC_MS,
  H_POLL_SPINS, H_SPIN_LOADS, HP_ONLINE, Layout, MAGIC, NULL, USER_CSDS, type Shared,
} from './layout.js';
import { atomicsAccess, type Access } from './access.js';
import { allocCfdNow } from './hotplug.js';
import type { KernelFunctions } from './kernel.js';
import type { Ctx, DebugReport } from './memory.js';
import type { ImplVariant } from './variant.js';
import type { MemoryModel } from './memory-models/runtime-memory.js';

export interface SmpConfig {
  readonly cpus: number;
  /** A variant of the protocol (impl/variant.ts): named kernel functions replaced; default smp.c itself. */
  readonly variant?: ImplVariant;
  /** idle by polling first (TIF_POLLING_NRFLAG, the fast path) or halt at once */
  readonly idle?: 'poll' | 'halt';
  /** loads spent polling before halting (default: 200 threads / 2 deterministic) */
  readonly pollSpins?: number;
  /** threads runtime: loads spent spinning on a word before sleeping (default 200: keeps
   *  oversubscribed runs moving; raise it only when threads ≤ cores) */
  readonly spinLoads?: number;
  readonly trace?: boolean;
  /** csdlock_debug=1 */
  readonly csdlockDebug?: boolean;
  /** csd_lock_timeout in ms (default 5000) */
  readonly csdLockTimeoutMs?: number;
  /** panic_on_ipistall in ms (default 0 = never) */
  readonly panicOnIpistallMs?: number;
  /** allocator limit in live allocations (each cfd is 2); -1 = unlimited. Inject -ENOMEM with it. */
  readonly allocLimit?: number;
  readonly requests?: number;
  readonly traceCap?: number;
  /** deterministic runtime: the memory model of the protocol's accesses (default sc; threads: sc only) */
  readonly memory?: MemoryModel;
  /** threads runtime: run the plain form of the protocol (default; runtime/plain-build.ts) or the generators */
  readonly protocolForm?: 'plain' | 'generators';
}

export interface SharedMem {
  readonly sab: SharedArrayBuffer;
  readonly m: Shared;
  readonly f64: Float64Array<SharedArrayBuffer>;
  readonly L: Layout;
}

export function createSharedMem(cfg: SmpConfig): SharedMem {
  const L = new Layout({ cpus: cfg.cpus, ...(cfg.requests !== undefined ? { requests: cfg.requests } : {}), ...(cfg.traceCap !== undefined ? { traceCap: cfg.traceCap } : {}) });
  const sab = new SharedArrayBuffer(L.words * 4);
  const mem = { sab, m: new Int32Array(sab), f64: new Float64Array(sab), L };
  resetSharedMem(mem, cfg, 200);
  return mem;
}

export function attachSharedMem(sab: SharedArrayBuffer, L: Layout): SharedMem {
  return { sab, m: new Int32Array(sab), f64: new Float64Array(sab), L };
}

/** Boot state: every CPU online with its cfd, queues empty, CSDs unlocked. */
export function resetSharedMem(mem: SharedMem, cfg: SmpConfig, defaultPollSpins: number): void {
  const { m, L } = mem;
  m.fill(0);
  const flags = (cfg.trace === false ? 0 : FLAG_TRACE) | (cfg.csdlockDebug === true ? FLAG_CSDLOCK_DEBUG : 0)
    | (cfg.idle === 'halt' ? 0 : FLAG_IDLE_POLL);
  Atomics.store(m, H_NCPUS, L.ncpus);
  Atomics.store(m, H_FLAGS, flags);
  Atomics.store(m, H_CSD_TIMEOUT_MS, cfg.csdLockTimeoutMs ?? 5000);
  Atomics.store(m, H_PANIC_MS, cfg.panicOnIpistallMs ?? 0);
  Atomics.store(m, H_ALLOC_LIMIT, cfg.allocLimit ?? -1);
  Atomics.store(m, H_POLL_SPINS, cfg.pollSpins ?? defaultPollSpins);
  Atomics.store(m, H_SPIN_LOADS, cfg.spinLoads ?? 200);
  for (let i = 0; i < L.csdCount; i++) {
    Atomics.store(m, L.csd(i, F_NEXT), NULL);
    Atomics.store(m, L.csd(i, F_SRC), NULL);
    Atomics.store(m, L.csd(i, F_DST), NULL);
  }
  for (let c = 0; c < L.ncpus; c++) {
    Atomics.store(m, L.cpu(c, C_QUEUE), NULL);
    Atomics.store(m, L.cpu(c, C_STATE), HP_ONLINE);
    Atomics.store(m, L.cpu(c, C_CUR_CSD), NULL);
    Atomics.store(m, L.cpu(c, C_CFD), NULL);
    Atomics.store(m, L.cpu(c, C_CSD_DATA), L.csdData(c));
    Atomics.store(m, L.cpu(c, C_STACK_CSD), L.stackCsd(c));
    Atomics.store(m, L.csd(L.csdData(c), F_SRC), c);
    Atomics.store(m, L.csd(L.stackCsd(c), F_SRC), c);
    for (let k = 0; k < USER_CSDS; k++) {
      Atomics.store(m, L.cpu(c, C_USER_CSD + k), L.userCsd(c, k));
      Atomics.store(m, L.csd(L.userCsd(c, k), F_SRC), c);
    }
    for (let k = 0; k < TASKS; k++) {
      Atomics.store(m, L.cpu(c, C_TASK + k), L.task(c, k));
      Atomics.store(m, L.csd(L.task(c, k), F_SRC), c);
    }
    for (let k = 0; k < IRQ_WORKS; k++) {
      Atomics.store(m, L.cpu(c, C_IRQ_WORK + k), L.irqWork(c, k));
      Atomics.store(m, L.csd(L.irqWork(c, k), F_SRC), c);
    }
  }
  for (let c = 0; c < L.ncpus; c++) allocCfdNow(m, L, c); // smpcfd_prepare_cpu at boot
  Atomics.store(m, H_MAGIC, MAGIC);
}

export interface CtxHooks {
  readonly now: () => number;
  readonly nowMs: () => number;
  readonly report: (r: DebugReport) => void;
}

const accessOf = new WeakMap<Shared, Access>();

/** One SC accessor object per memory (shared by its CPUs: monomorphic call sites). */
function scAccess(m: Shared): Access {
  let a = accessOf.get(m);
  if (a === undefined) {
    a = atomicsAccess(m);
    accessOf.set(m, a);
  }
  return a;
}

/** The context of `cpu`; `k` is the system's function table (variant.ts kernelTable). */
export function makeCtx(mem: SharedMem, cpu: number, hooks: CtxHooks, k: KernelFunctions, a?: Access): Ctx {
  const m = mem.m;
  const flags = Atomics.load(m, H_FLAGS);
  return {
    m, f64: mem.f64, L: mem.L, cpu, k,
    a: a ?? scAccess(m), // SC unless the deterministic runtime gives a weak memory's accessors
    traceOn: (flags & FLAG_TRACE) !== 0,
    debug: (flags & FLAG_CSDLOCK_DEBUG) !== 0,
    csdLockTimeoutMs: Atomics.load(m, H_CSD_TIMEOUT_MS),
    panicOnIpistallMs: Atomics.load(m, H_PANIC_MS),
    pollSpins: Atomics.load(m, H_POLL_SPINS),
    spinLoads: Atomics.load(m, H_SPIN_LOADS),
    waitIdx: 0, waitVal: 0, waitTimeoutMs: Infinity, inDyingFlush: false, stepsWithoutWait: 0,
    now: hooks.now, nowMs: hooks.nowMs, report: hooks.report,
  };
}

