/**
 * SYNC entry unlocked before its function ran (implementation and model).
 */
import {
  C_QUEUE, CSD_TYPE_MASK, CSD_TYPE_SYNC, csdDoFunc, csdLockRecord, type Ctx, defineVariant, F_FLAGS, F_FUNC,
  F_INFO, NULL, type Proto, rearmBacktrace, STEP, warnIfOffline, CSD_TYPE_IRQ_WORK, CSD_TYPE_TTWU,
} from '../api.js';

function* flushSyncUnlockBeforeFunc(c: Ctx, warnCpuOffline: boolean, hardirq: boolean): Proto {
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
    yield* c.k.csd_unlock(c, csd); // broken: the waiter returns before func ran
    yield* csdDoFunc(c, func, info, csd, hardirq);
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
    yield* c.k.csd_unlock(c, csd);
    yield* csdDoFunc(c, func, info, csd, hardirq);
    yield* csdLockRecord(c, NULL, 0);
  }
  // 5. Third; only TTWU entries are left: wake them all, oldest first.
  if (ttwu.length > 0) yield* c.k.sched_ttwu_pending(c, ttwu, hardirq);
}

export default defineVariant(import.meta.url, {
  id: 'sync-unlock-before-func',
  title: 'SYNC entry unlocked before its function ran',
  story: 'CPU0 calls smp_call_function_single(1, f, info, wait=1) with an on-stack CSD. CPU1 takes the entry and unlocks it before calling f. CPU0 sees the lock bit clear, returns and reuses its stack (info) while CPU1 is still about to run f on it.',
  origin: 'classic (the SYNC rule of 8053871d0f7f: call, then unlock)',
  formerly: ['sync-unlock-before-run'],
  breaks: ['INV-SYNC-AFTER-RUN', 'INV-UNLOCK-POINT'],
  impl: { __flush_smp_call_function_queue: flushSyncUnlockBeforeFunc },
  model: {
    semantics: { syncUnlock: 'before' },
    guards: ['runSyncNext?', 'runAsyncNext?', 'syncDone?', 'asyncDone?'],
    workload: 'single-wait',
    cpus: 3,
    breaks: ['INV-SYNC-AFTER-RUN', 'INV-UNLOCK-POINT'],
  },
  audit: { caughtBy: ['model', 'props', 'det-random', 'det-pct'] },
});
