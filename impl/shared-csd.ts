/**
 * The caller's side of the async contract (smp-semantics.md §2.6): the -EBUSY test and the lock
 * update of smp_call_function_single_async are two plain accesses, so submitters of one CSD must be
 * serialised by their caller. Here every CPU exposes one shared async CSD (SHARED_CSD_SLOT, like
 * the scheduler's per-rq nohz_csd) that any CPU may submit to its owner, and the submitters hold
 * a per-CSD lock across the call, so the test and the update are one step for every other
 * submitter: one of two racing submitters queues the CSD, the other gets -EBUSY while it is in
 * flight. Not a kernel function (the kernel's callers each have their own exclusion, e.g. the
 * nohz kick flag); B6 is this exclusion not covering the test (variants/faults/B6-*.ts).
 */
import { C_IRQS_OFF, F_CALLER_LOCK } from './layout.js';
import { kick, STEP, waitOn, type Ctx, type Proto } from './memory.js';

/**
 * raw_spin_lock_irqsave of the submitters' lock (acquire): interrupts off first, so a callback
 * that submits (fn_forward, hardirq) never spins on a lock its own CPU holds. Returns the saved state.
 */
export function* callerLock(c: Ctx, lock: number): Proto<number> {
  const irq = c.L.cpu(c.cpu, C_IRQS_OFF);
  const was = Atomics.load(c.m, irq); // local_irq_save: this CPU's own flag
  Atomics.store(c.m, irq, 1);
  for (;;) {
    yield STEP;
    const seen = c.a.cmpxchg_acquire(lock, 0, c.cpu + 1);
    if (seen === 0) return was;
    yield waitOn(c, lock, seen);
  }
}

/** raw_spin_unlock_irqrestore (release); wakes every CPU, any of them may spin on it. */
export function* callerUnlock(c: Ctx, lock: number, was: number): Proto {
  yield STEP;
  c.a.smp_store_release(lock, 0);
  for (let t = 0; t < c.L.ncpus; t++) if (t !== c.cpu) kick(c, t);
  Atomics.store(c.m, c.L.cpu(c.cpu, C_IRQS_OFF), was);
}

/** Submit `csd` (owned by `cpu`, type ASYNC) to `cpu` under the submitters' lock. */
export function* submitSharedCsd(c: Ctx, cpu: number, csd: number, func: number, info: number): Proto<number> {
  const lock = c.L.csd(csd, F_CALLER_LOCK);
  const was = yield* callerLock(c, lock);
  const rc = yield* c.k.smp_call_function_single_async(c, cpu, csd, func, info);
  yield* callerUnlock(c, lock, was);
  return rc;
}
