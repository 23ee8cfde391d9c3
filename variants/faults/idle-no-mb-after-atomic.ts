/**
 * The idle loop sets and clears TIF_POLLING with unordered RMWs and neither smp_mb__after_atomic
 * (current_set_polling_and_test, current_clr_polling) before looking at its queue.
 */
import { type Ctx, C_QUEUE, C_TIF, C_WAKE, defineVariant, FLAG_IDLE_POLL, flushSmpCallFunctionQueue, H_FLAGS, haltIdle, NULL, type Proto, STEP, TIF_NEED_RESCHED, TIF_POLLING } from '../api.js';

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
    // broken: current_clr_polling is an unordered RMW and the smp_mb__after_atomic is gone
    const t = c.a.atomic_fetch_andnot_relaxed(tif, TIF_POLLING | TIF_NEED_RESCHED);
    if ((t & TIF_NEED_RESCHED) !== 0) {
      yield* flushSmpCallFunctionQueue(c);
      return;
    }
    yield STEP;
    if (c.a.READ_ONCE(c.L.cpu(c.cpu, C_QUEUE)) !== NULL) {
      yield* flushSmpCallFunctionQueue(c);
      return;
    }
  }
  yield* haltIdle(c, seq);
}

export default defineVariant(import.meta.url, {
  id: 'idle-no-mb-after-atomic',
  title: 'idle path without its smp_mb__after_atomic barriers',
  story: 'CPU1 polls in idle. CPU0 queues a call on it (fully ordered llist_add) and, seeing TIF_POLLING, sets NEED_RESCHED instead of sending an IPI. CPU1 clears polling with an unordered RMW that finds NEED_RESCHED, then looks at its queue: without the barrier its load of the queue head is not ordered after the flag it saw, it may still read the empty queue, return from the flush; on its next idle period it sets polling again, and with no barrier after that either its re-check of the queue can read the empty queue once more, so it halts with the call queued and no IPI coming. (With either barrier in place the re-check sees the call: the kit finds the bug only without both.)',
  origin: 'classic (store buffering around TIF_POLLING_NRFLAG)',
  breaks: ['INV-NO-LOST-CALL', 'INV-NO-DEADLOCK'],
  impl: { do_idle: doIdleNoMb },
  audit: { caughtBy: [], memory: ['lkmm'], note: 'a barrier fault: only lkmm lets the load of the queue pass the RMW' },
});
