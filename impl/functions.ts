/**
 * Functions callable on other CPUs, registered by id (closures cannot cross threads). Every test
 * function records its run in shared counters: per (function, CPU) run counts and, through `info`
 * (a request id), the request table used by accountingReport (INV-NO-LOST-CALL, INV-NO-DOUBLE-RUN,
 * INV-RUN-ON-TARGET, INV-NOT-ON-OFFLINE).
 */
import {
  C_IRQ_WORK, C_STATE, C_TASK, C_USER_CSD, IRQ_WORKS, TASKS, CSD_FLAG_LOCK, F_FLAGS, H_GATE, H_OFFLINE_RUNS, HP_ONLINE, R_CSD, R_DUP, R_EFFECT, R_EXPECTED, R_ISSUER, R_RAN,
  R_RESUBMITS, R_RUNS, R_WRONG, SHARED_CSD_SLOT,
} from './layout.js';
import { EBUSY } from './errno.js';
import { STEP, waitOn, type Ctx, type Proto } from './memory.js';

export type SmpFunc = (c: Ctx, info: number) => Proto;

export const FN_PING = 1;
export const FN_SLOW = 2;
export const FN_STALL = 3;
export const FN_NOP = 4;
export const FN_RESUBMIT = 5;
export const FN_FORWARD = 6;
export const FN_IRQ_WORK_NEXT = 7;
export const FN_TTWU_NEXT = 8;

export const FUNC_NAMES: Readonly<Record<number, string>> = {
  0: 'NULL',
  [FN_PING]: 'fn_ping',
  [FN_SLOW]: 'fn_slow',
  [FN_STALL]: 'fn_stall',
  [FN_NOP]: 'do_nothing',
  [FN_RESUBMIT]: 'fn_resubmit',
  [FN_FORWARD]: 'fn_forward',
  [FN_IRQ_WORK_NEXT]: 'fn_irq_work_next',
  [FN_TTWU_NEXT]: 'fn_ttwu_next',
};

export type FuncName = 'fn_ping' | 'fn_slow' | 'fn_stall' | 'do_nothing' | 'fn_resubmit' | 'fn_forward' | 'fn_irq_work_next' | 'fn_ttwu_next';

export function funcId(name: FuncName): number {
  for (const [id, n] of Object.entries(FUNC_NAMES)) if (n === name) return Number(id);
  throw new RangeError(`func: unknown function '${name}'`);
}

export function funcName(id: number): string {
  return FUNC_NAMES[id] ?? `func#${id}`;
}

/** Record one run of request `info` on this CPU. */
function* recordRun(c: Ctx, func: number, info: number): Proto {
  const m = c.m;
  const L = c.L;
  const bit = 1 << c.cpu;
  yield STEP;
  Atomics.add(m, L.funcRuns(func, c.cpu), 1);
  if (Atomics.load(m, L.cpu(c.cpu, C_STATE)) !== HP_ONLINE && !c.inDyingFlush) {
    Atomics.add(m, H_OFFLINE_RUNS, 1); // INV-NOT-ON-OFFLINE
  }
  if (info < 0 || info >= L.reqCap) return;
  Atomics.add(m, L.req(info, R_RUNS), 1);
  c.a.atomic_or(L.req(info, R_EFFECT), bit); // the function's effect: kernel data its caller reads
  const before = Atomics.or(m, L.req(info, R_RAN), bit);
  if ((before & bit) !== 0) Atomics.add(m, L.req(info, R_DUP), 1); // INV-NO-DOUBLE-RUN
  if ((Atomics.load(m, L.req(info, R_EXPECTED)) & bit) === 0) Atomics.add(m, L.req(info, R_WRONG), 1); // INV-RUN-ON-TARGET
}

/**
 * fn_resubmit (the callback of an async CSD, hardirq): resubmits its own CSD once, back to the CPU
 * that submitted it, with fn_ping. Legal because an ASYNC CSD is unlocked before its func runs
 * (smp-semantics.md §2.6, §7.7); it insists on -EBUSY as the 2015 code's csd_lock spun, so with the
 * unlock after func (B4) it waits for itself with interrupts off: a deadlock.
 */
function* resubmitOwnCsd(c: Ctx, info: number): Proto {
  yield* recordRun(c, FN_RESUBMIT, info);
  const m = c.m;
  const L = c.L;
  if (info < 0 || info >= L.reqCap || Atomics.add(m, L.req(info, R_RESUBMITS), 1) !== 0) return;
  const issuer = Atomics.load(m, L.req(info, R_ISSUER));
  const csd = Atomics.load(m, L.cpu(issuer, C_USER_CSD + Atomics.load(m, L.req(info, R_CSD))));
  const flags = L.csd(csd, F_FLAGS);
  for (;;) {
    const rc = yield* c.k.smp_call_function_single_async(c, issuer, csd, FN_PING, info);
    if (rc !== -EBUSY) return;
    yield STEP;
    const f = c.a.READ_ONCE(flags);
    if ((f & CSD_FLAG_LOCK) !== 0) yield waitOn(c, flags, f);
  }
}

/**
 * fn_forward (hardirq): queues the same request on the next CPU through that CPU's shared async
 * CSD (like the scheduler kicking an idle CPU from the tick); -EBUSY there means a kick is pending.
 */
function* forwardToNext(c: Ctx, info: number): Proto {
  yield* recordRun(c, FN_FORWARD, info);
  const L = c.L;
  const next = (c.cpu + 1) % L.ncpus;
  if (next === c.cpu) return;
  const csd = Atomics.load(c.m, L.cpu(next, C_USER_CSD + SHARED_CSD_SLOT));
  yield* c.k.submit_shared_csd(c, next, csd, FN_PING, info);
}

/**
 * fn_irq_work_next (hardirq): queues the same request on the next CPU with this CPU's own
 * callback irq_work (its last slot, which only this function uses), irq_work_queue_on from inside
 * the flush; -EBUSY there means that work is still pending from an earlier callback (it runs the
 * request once, not twice), -ENXIO that the next CPU is not online.
 */
function* irqWorkToNext(c: Ctx, info: number): Proto {
  yield* recordRun(c, FN_IRQ_WORK_NEXT, info);
  const L = c.L;
  const next = (c.cpu + 1) % L.ncpus;
  if (next === c.cpu) return;
  const work = Atomics.load(c.m, L.cpu(c.cpu, C_IRQ_WORK + IRQ_WORKS - 1));
  yield* c.k.irq_work_queue_on(c, work, next, FN_PING, info);
}

/**
 * fn_ttwu_next (hardirq): wakes this CPU's own callback task (its last slot, which only this
 * function uses) on the next CPU through that CPU's wakelist, with the same request; -EBUSY means
 * that task is still being woken from an earlier callback, -ENXIO that the next CPU is not online.
 */
function* ttwuToNext(c: Ctx, info: number): Proto {
  yield* recordRun(c, FN_TTWU_NEXT, info);
  const L = c.L;
  const next = (c.cpu + 1) % L.ncpus;
  if (next === c.cpu) return;
  const task = Atomics.load(c.m, L.cpu(c.cpu, C_TASK + TASKS - 1));
  yield* c.k.ttwu_queue_wakelist(c, task, next, FN_PING, info);
}

const REGISTRY: Readonly<Record<number, SmpFunc>> = {
  [FN_IRQ_WORK_NEXT]: irqWorkToNext,
  [FN_TTWU_NEXT]: ttwuToNext,
  [FN_RESUBMIT]: resubmitOwnCsd,
  [FN_FORWARD]: forwardToNext,
  [FN_PING]: (c, info) => recordRun(c, FN_PING, info),
  [FN_NOP]: (c, info) => recordRun(c, FN_NOP, info),
  [FN_SLOW]: function* (c, info) {
    yield* recordRun(c, FN_SLOW, info);
    for (let i = 0; i < 8; i++) yield STEP; // a function that takes a while: widens race windows
  },
  [FN_STALL]: function* (c, info) {
    yield* recordRun(c, FN_STALL, info);
    // Spins until the host opens the gate: a target that is unresponsive while running a function.
    for (;;) {
      yield STEP;
      const g = Atomics.load(c.m, H_GATE);
      if (g !== 0) return;
      yield waitOn(c, H_GATE, g);
    }
  },
};

export function runFunction(c: Ctx, func: number, info: number): Proto {
  const f = REGISTRY[func];
  if (f === undefined) return recordRun(c, func, info);
  return f(c, info);
}
