/**
 * offline detector inspects the emptied queue (B8: detector silenced) (implementation only: the model has no rule for it).
 */
import {
  C_QUEUE, CSD_TYPE_MASK, CSD_TYPE_SYNC, csdDoFunc, csdLockRecord, type Ctx, defineVariant, F_FLAGS, F_FUNC,
  F_INFO, NULL, type Proto, rearmBacktrace, STEP, warnIfOffline, CSD_TYPE_IRQ_WORK, CSD_TYPE_TTWU,
} from '../api.js';

function* flushWarnChecksQueue(c: Ctx, warnCpuOffline: boolean, hardirq: boolean): Proto {
  const m = c.a;
  const L = c.L;
  // 1. take the whole list, oldest first
  const first = yield* c.k.llist_del_all(c, L.cpu(c.cpu, C_QUEUE));
  if (first === NULL) return;
  const batch = c.k.llist_reverse_order(c, first);
  rearmBacktrace(c);
  // 2. the detector looks at the detached batch, not the emptied queue (B8)
  // broken (B8): tests llist_empty(head) after the detach, true only for a racing add
  if (warnCpuOffline) yield* warnIfOffline(c, m.READ_ONCE(L.cpu(c.cpu, C_QUEUE)) !== NULL);
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
    yield* c.k.csd_unlock(c, csd);
    yield* csdDoFunc(c, func, info, csd, hardirq);
    yield* csdLockRecord(c, NULL, 0);
  }
  // 5. Third; only TTWU entries are left: wake them all, oldest first.
  if (ttwu.length > 0) yield* c.k.sched_ttwu_pending(c, ttwu, hardirq);
}

export default defineVariant(import.meta.url, {
  id: 'B8-offline-warn-checks-queue',
  title: 'offline detector inspects the emptied queue (B8: detector silenced)',
  story: 'A late IPI reaches CPU1 after it left cpu_online_mask. CPU1\'s flush detaches the whole queue with llist_del_all and only then tests llist_empty(head) to decide the "IPI on offline CPU" warning; the head is empty right after the detach unless another CPU added in the few instructions since, so the real delivery of a batch to an offline CPU passes silently. The protocol still behaves; only the detector is blind.',
  origin: 'B8: 9e949a388635 (2022, Nadav Amit); introduced by 8d056c48e486',
  formerly: ['offline-warn-checks-queue'],
  breaks: ['DET-OFFLINE-WARN'],
  impl: { __flush_smp_call_function_queue: flushWarnChecksQueue },
  audit: { caughtBy: ['detector'] },
});
