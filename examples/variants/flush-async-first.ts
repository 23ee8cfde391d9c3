/**
 * Worked variant 2 (broken): a reordered flush. __flush_smp_call_function_queue runs the ASYNC
 * entries of a batch before the SYNC ones, against the SYNC-first order of 52103be07d8b. Nothing
 * is lost or run twice; a waiter just waits behind work nobody waits for. The variant changes both
 * sides: the implementation's flush (`impl`) and the model's flush order (`model`: the
 * `flushOrder` knob and the two guards that pick the next entry), so `check` and `explore` both
 * see it:
 *
 *   npx smpcheck check --variant examples/variants/flush-async-first.ts     # INV-ORDER
 *   npx smpcheck explore --variant examples/variants/flush-async-first.ts --workload many-nonempty --cpus 2
 */
import {
  C_QUEUE, CSD_TYPE_MASK, CSD_TYPE_SYNC, csdDoFunc, csdLockRecord, type Ctx, defineVariant, F_FLAGS, F_FUNC, F_INFO,
  NULL, type Proto, rearmBacktrace, STEP, warnIfOffline,
} from '../../variants/api.js';

function* flushAsyncFirst(c: Ctx, warnCpuOffline: boolean, hardirq: boolean): Proto {
  const m = c.a;
  const L = c.L;
  const first = yield* c.k.llist_del_all(c, L.cpu(c.cpu, C_QUEUE));
  if (first === NULL) return;
  const batch = c.k.llist_reverse_order(c, first);
  rearmBacktrace(c);
  if (warnCpuOffline) yield* warnIfOffline(c, batch.length > 0);
  const sync: number[] = [];
  // the reordering: ASYNC entries first (unlock, then run), SYNC entries afterwards
  for (const csd of batch) {
    yield STEP;
    if ((m.READ_ONCE(L.csd(csd, F_FLAGS)) & CSD_TYPE_MASK) === CSD_TYPE_SYNC) {
      sync.push(csd);
      continue;
    }
    const func = m.READ_ONCE(L.csd(csd, F_FUNC));
    const info = m.READ_ONCE(L.csd(csd, F_INFO));
    yield* csdLockRecord(c, csd, func);
    yield* c.k.csd_unlock(c, csd);
    yield* csdDoFunc(c, func, info, csd, hardirq);
    yield* csdLockRecord(c, NULL, 0);
  }
  for (const csd of sync) {
    yield STEP;
    const func = m.READ_ONCE(L.csd(csd, F_FUNC));
    const info = m.READ_ONCE(L.csd(csd, F_INFO));
    yield* csdLockRecord(c, csd, func);
    yield* csdDoFunc(c, func, info, csd, hardirq);
    yield* c.k.csd_unlock(c, csd);
    yield* csdLockRecord(c, NULL, 0);
  }
}

export default defineVariant(import.meta.url, {
  id: 'example-flush-async-first',
  title: 'flush runs ASYNC entries before SYNC ones',
  story: 'CPU1\'s batch holds CPU2\'s async entry (queued first) and CPU0\'s sync entry. The reordered flush runs the async one first, so CPU0 keeps waiting behind work nobody waits for; the flush order of one batch is SYNC entries first (INV-ORDER).',
  origin: 'example',
  breaks: ['INV-ORDER'],
  impl: { __flush_smp_call_function_queue: flushAsyncFirst },
  model: {
    semantics: { flushOrder: 'async-first' },
    guards: ['runSyncNext?', 'runAsyncNext?'],
    workload: 'many-nonempty',
    cpus: 2,
    breaks: ['INV-ORDER'],
  },
});
