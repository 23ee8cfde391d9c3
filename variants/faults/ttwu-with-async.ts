/**
 * flush that wakes TTWU entries in the ASYNC pass, in batch order, instead of last (implementation only).
 *
 * The spec's order (smp-semantics.md): per batch, SYNC first, then ASYNC and IRQ_WORK, then the
 * TTWU chain. This flush treats a wakeup like an async call: a task queued before an async entry
 * is woken before it.
 */
import {
  C_QUEUE, CSD_TYPE_IRQ_WORK, CSD_TYPE_MASK, CSD_TYPE_SYNC, CSD_TYPE_TTWU, csdDoFunc, csdLockRecord, type Ctx, defineVariant,
  F_FLAGS, F_FUNC, F_INFO, NULL, type Proto, rearmBacktrace, STEP, ttwuActivate, warnIfOffline,
} from '../api.js';

function* flushTtwuWithAsync(c: Ctx, warnCpuOffline: boolean, hardirq: boolean): Proto {
  const m = c.a;
  const L = c.L;
  const first = yield* c.k.llist_del_all(c, L.cpu(c.cpu, C_QUEUE));
  if (first === NULL) return;
  const batch = c.k.llist_reverse_order(c, first);
  rearmBacktrace(c);
  if (warnCpuOffline) yield* warnIfOffline(c, batch.length > 0);
  const rest: number[] = [];
  for (const csd of batch) {
    yield STEP;
    if ((m.READ_ONCE(L.csd(csd, F_FLAGS)) & CSD_TYPE_MASK) !== CSD_TYPE_SYNC) {
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
  for (const csd of rest) {
    yield STEP;
    const type = m.READ_ONCE(L.csd(csd, F_FLAGS)) & CSD_TYPE_MASK;
    if (type === CSD_TYPE_TTWU) {
      yield* ttwuActivate(c, csd, hardirq); // broken: woken here, in batch order, not after the ASYNC pass
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
}

export default defineVariant(import.meta.url, {
  id: 'ttwu-with-async',
  title: 'flush wakes TTWU entries in the ASYNC pass instead of last',
  story: 'CPU0 wakes a task of CPU1 through CPU1\'s wakelist, then CPU2 queues an async call to CPU1. CPU1\'s flush takes both and wakes the task first, in queue order, before the async function it should have run before the TTWU chain: the pass order SYNC, ASYNC/IRQ_WORK, TTWU is broken.',
  origin: 'classic (the third pass of __flush_smp_call_function_queue, 2020: TTWU entries sharing the queue)',
  breaks: ['INV-ORDER'],
  impl: { __flush_smp_call_function_queue: flushTtwuWithAsync },
  audit: { caughtBy: ['props'] },
});
