/**
 * The idle loop sets and clears TIF_POLLING without either smp_mb__after_atomic
 * (current_set_polling_and_test, current_clr_polling_and_test) before its tests and its flush.
 */
import { type Ctx, C_TIF, C_WAKE, defineVariant, FLAG_IDLE_POLL, flushSmpCallFunctionQueue, H_FLAGS, haltIdle, type Proto, STEP, TIF_NEED_RESCHED, TIF_POLLING } from '../api.js';

function* doIdleNoMb(c: Ctx, seq: number): Proto {
  if ((Atomics.load(c.m, H_FLAGS) & FLAG_IDLE_POLL) !== 0 && c.pollSpins > 0) {
    const tif = c.L.cpu(c.cpu, C_TIF);
    const wake = c.L.cpu(c.cpu, C_WAKE);
    yield STEP;
    c.a.atomic_or(tif, TIF_POLLING); // broken: no smp_mb__after_atomic (current_set_polling_and_test)
    for (let i = 0; i < c.pollSpins; i++) {
      yield STEP;
      if ((c.a.READ_ONCE(tif) & TIF_NEED_RESCHED) !== 0) break;
      if (Atomics.load(c.m, wake) !== seq) break;
    }
    yield STEP;
    c.a.atomic_andnot(tif, TIF_POLLING); // broken: no smp_mb__after_atomic after the clear
    yield STEP;
    if ((c.a.READ_ONCE(tif) & TIF_NEED_RESCHED) !== 0) {
      yield* flushSmpCallFunctionQueue(c); // its read of the queue head is not ordered after the flag
      yield STEP;
      c.a.atomic_andnot(tif, TIF_NEED_RESCHED);
      return;
    }
  }
  yield* haltIdle(c, seq);
}

export default defineVariant(import.meta.url, {
  id: 'idle-no-mb-after-atomic',
  title: 'idle path without its smp_mb__after_atomic barriers',
  story: 'CPU1 polls in idle. CPU0 queues a call on it (fully ordered llist_add) and, seeing TIF_POLLING, sets NEED_RESCHED with its cmpxchg instead of sending an IPI. CPU1 sees NEED_RESCHED, clears polling with an unordered RMW and flushes: without smp_mb__after_atomic its load of the queue head is not ordered after the flag it saw (message passing without the reader\'s barrier), so it may read the queue as empty, flush nothing, clear NEED_RESCHED and go idle again. Nothing looks at the queue again until an IPI that never comes: the call is lost.',
  origin: 'classic (the flags-word ordering around TIF_POLLING_NRFLAG; kernel/sched/idle.c relies on it)',
  breaks: ['INV-NO-LOST-CALL', 'INV-NO-DEADLOCK'],
  impl: { do_idle: doIdleNoMb },
  audit: { caughtBy: [], memory: ['lkmm'], note: 'a barrier fault: only lkmm lets the load of the queue pass the flag read and the RMW' },
});
