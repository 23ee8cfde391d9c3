/**
 * __flush_smp_call_function_queue (flushSmpCallFunctionQueueInner): runs on the owning CPU with
 * interrupts off, from the IPI handler, the idle loop and the dying callback.
 */
import {
  C_CUR_CSD, C_CUR_FUNC, C_IRQS_OFF, C_QUEUE, C_STATE, CSD_TYPE_IRQ_WORK, CSD_TYPE_MASK, CSD_TYPE_SYNC, CSD_TYPE_TTWU, F_FLAGS, F_FUNC, F_INFO,
  F_POISON, H_BT_TOKEN, H_UAF, H_WARN_OFFLINE, HP_ONLINE, NULL,
} from './layout.js';
import { runFunction } from './functions.js';
import { STEP, type Ctx, type Proto } from './memory.js';
import { EV_CSD_FUNCTION_ENTRY, EV_CSD_FUNCTION_EXIT, tracepoint } from './trace-ring.js';

/** csd_do_func: the entry/exit tracepoints around the call; csd NULL for local calls. */
export function* csdDoFunc(c: Ctx, func: number, info: number, csd: number, hardirq: boolean): Proto {
  tracepoint(c, EV_CSD_FUNCTION_ENTRY, func, csd, 0, 0, hardirq);
  yield* runFunction(c, func, info);
  tracepoint(c, EV_CSD_FUNCTION_EXIT, func, csd, 0, 0, hardirq);
}

/**
 * csd_lock_record: what this CPU runs now (read by other CPUs' lock-wait debug). The flush has
 * just read `csd`'s func/info and has not unlocked it yet: if its cfd block was freed, that read
 * was a use-after-free (INV-NO-UAF, counted in H_UAF; the poison word is instrumentation).
 */
export function* csdLockRecord(c: Ctx, csd: number, func: number): Proto {
  if (csd !== NULL && Atomics.load(c.m, c.L.csd(csd, F_POISON)) !== 0) Atomics.add(c.m, H_UAF, 1);
  yield STEP;
  c.a.WRITE_ONCE(c.L.cpu(c.cpu, C_CUR_FUNC), func);
  c.a.WRITE_ONCE(c.L.cpu(c.cpu, C_CUR_CSD), csd);
}

/** Lock-wait debug (B10): this CPU responds again, so the next stuck waiter may backtrace it. */
export function rearmBacktrace(c: Ctx): void {
  if (!c.debug) return;
  c.a.smp_mb__before_atomic(); // trigger_backtrace[this] := 1 is a release in the kernel
  c.a.atomic_andnot(H_BT_TOKEN, 1 << c.cpu);
}

/** The "IPI on offline CPU" detector, on the detached batch (B8: not on the emptied queue). */
export function* warnIfOffline(c: Ctx, batchNonEmpty: boolean): Proto {
  yield STEP;
  const offline = c.a.READ_ONCE(c.L.cpu(c.cpu, C_STATE)) !== HP_ONLINE;
  if (offline && batchNonEmpty) Atomics.add(c.m, H_WARN_OFFLINE, 1);
}

export function* flushSmpCallFunctionQueueInner(c: Ctx, warnCpuOffline: boolean, hardirq: boolean): Proto {
  const m = c.a;
  const L = c.L;
  // 1. take the whole list, oldest first
  const first = yield* c.k.llist_del_all(c, L.cpu(c.cpu, C_QUEUE));
  if (first === NULL) return;
  const batch = c.k.llist_reverse_order(c, first);
  rearmBacktrace(c);
  // 2. the detector looks at the detached batch, not the emptied queue (B8)
  if (warnCpuOffline) yield* warnIfOffline(c, batch.length > 0);
  const rest: number[] = [];
  // 3. First; run all SYNC callbacks, people are waiting for us: run, THEN unlock (the waiter may
  //    free its stack CSD as soon as it sees the unlock).
  for (const csd of batch) {
    yield STEP;
    const flags = m.READ_ONCE(L.csd(csd, F_FLAGS));
    if ((flags & CSD_TYPE_MASK) !== CSD_TYPE_SYNC) {
      rest.push(csd);
      continue;
    }
    const func = m.READ_ONCE(L.csd(csd, F_FUNC));
    const info = m.READ_ONCE(L.csd(csd, F_INFO));
    yield* csdLockRecord(c, csd, func);
    yield* csdDoFunc(c, func, info, csd, hardirq);
    yield* c.k.csd_unlock(c, csd);
    yield* csdLockRecord(c, NULL, 0);
  }
  // 4. Second; ASYNC: copy func/info, unlock FIRST (the function may resubmit its own CSD), run;
  //    IRQ_WORK: irq_work_single (it drops PENDING before the func: same unlock point);
  //    TTWU entries are left for the third pass.
  const ttwu: number[] = [];
  for (const csd of rest) {
    yield STEP;
    const type = m.READ_ONCE(L.csd(csd, F_FLAGS)) & CSD_TYPE_MASK;
    if (type === CSD_TYPE_TTWU) {
      ttwu.push(csd);
      continue;
    }
    if (type === CSD_TYPE_IRQ_WORK) {
      yield* c.k.irq_work_single(c, csd, hardirq);
      continue;
    }
    const func = m.READ_ONCE(L.csd(csd, F_FUNC));
    const info = m.READ_ONCE(L.csd(csd, F_INFO));
    yield* csdLockRecord(c, csd, func);
    yield* c.k.csd_unlock(c, csd);
    yield* csdDoFunc(c, func, info, csd, hardirq);
    yield* csdLockRecord(c, NULL, 0);
  }
  // 5. Third; only TTWU entries are left: wake them all, oldest first.
  if (ttwu.length > 0) yield* c.k.sched_ttwu_pending(c, ttwu, hardirq);
}

/** generic_smp_call_function_single_interrupt: the IPI handler (interrupts already off). */
export function ipiHandler(c: Ctx): Proto {
  return c.k.__flush_smp_call_function_queue(c, true, true);
}

/** flush_smp_call_function_queue: from the idle loop, task context. */
export function* flushSmpCallFunctionQueue(c: Ctx): Proto {
  const irq = c.L.cpu(c.cpu, C_IRQS_OFF);
  yield STEP;
  if (c.a.READ_ONCE(c.L.cpu(c.cpu, C_QUEUE)) === NULL) return;
  const was = Atomics.load(c.m, irq);
  Atomics.store(c.m, irq, 1); // local_irq_save: this CPU's own state, not shared kernel memory
  yield* c.k.__flush_smp_call_function_queue(c, true, false);
  Atomics.store(c.m, irq, was);
}
