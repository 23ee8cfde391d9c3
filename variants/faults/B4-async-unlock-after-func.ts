/**
 * async CSD unlocked only after its function (B4) (implementation and model).
 */
import {
  C_QUEUE, CSD_TYPE_MASK, CSD_TYPE_SYNC, csdDoFunc, csdLockRecord, type Ctx, defineVariant, F_FLAGS, F_FUNC,
  F_INFO, NULL, type Proto, rearmBacktrace, STEP, warnIfOffline, CSD_TYPE_IRQ_WORK, CSD_TYPE_TTWU,
} from '../api.js';

function* flushAsyncUnlockAfterFunc(c: Ctx, warnCpuOffline: boolean, hardirq: boolean): Proto {
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
  //    IRQ_WORK: irq_work_single; TTWU entries are left for the third pass.
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
    yield* csdDoFunc(c, func, info, csd, hardirq);
    yield* c.k.csd_unlock(c, csd); // broken (B4): the CSD stays locked while func runs
    yield* csdLockRecord(c, NULL, 0);
  }
  // 5. Third; only TTWU entries are left: wake them all, oldest first.
  if (ttwu.length > 0) yield* c.k.sched_ttwu_pending(c, ttwu, hardirq);
}

export default defineVariant(import.meta.url, {
  id: 'B4-async-unlock-after-func',
  title: 'async CSD unlocked only after its function (B4)',
  story: 'CPU0 submits async CSD x to CPU1. CPU1 takes x and starts func(x) with the lock bit still set. func (or CPU2 reacting to func\'s side effects) resubmits x: its csd_lock spins until CPU1 returns from func; when the resubmitter is CPU1 itself with interrupts off, or a CPU that CPU1 waits for, nothing moves again. The unlock point of an ASYNC entry must be before the call.',
  origin: 'B4: 8053871d0f7f (2015, Linus Torvalds)',
  formerly: ['async-unlock-after-func', 'async-unlock-after-run'],
  breaks: ['INV-UNLOCK-POINT', 'INV-NO-DEADLOCK'],
  impl: { __flush_smp_call_function_queue: flushAsyncUnlockAfterFunc },
  model: {
    semantics: { asyncUnlock: 'after' },
    guards: ['runSyncNext?', 'runAsyncNext?', 'syncDone?', 'asyncDone?'],
    workload: 'async-ebusy',
    cpus: 3,
    breaks: ['INV-UNLOCK-POINT'],
  },
  audit: {
    caughtBy: ['model', 'props', 'det-random', 'det-pct'],
    note: 'the deadlock needs a callback that resubmits its own CSD (fn_resubmit, a workload command of the property suite and of the audit\'s random calls): it waits for its own unlock with interrupts off (INV-NO-DEADLOCK); the model has no such callback and checks the unlock point (INV-UNLOCK-POINT, at every func entry, in the property suite too)',
  },
});
