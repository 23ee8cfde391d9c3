/**
 * The idle loop of one CPU: poll (TIF_POLLING_NRFLAG set, watch NEED_RESCHED: senders skip the IPI)
 * for a bounded number of loads, then leave polling, test NEED_RESCHED, and halt (sleep with
 * interrupts on) as do_idle / cpuidle_idle_call do: no re-check of the queue.
 * Bounded polling keeps oversubscribed runs (more CPUs than cores) making progress.
 */
import {
  C_IDLE, C_TIF, C_WAKE, FLAG_IDLE_POLL, H_FLAGS, TIF_NEED_RESCHED, TIF_POLLING,
} from './layout.js';
import { flushSmpCallFunctionQueue } from './flush.js';
import { STEP, waitOn, type Ctx, type Proto } from './memory.js';

/**
 * cpu_idle_poll with TIF_POLLING set (`__current_set_polling` + the barrier of
 * current_set_polling_and_test), bounded, then current_clr_polling_and_test: clear POLLING with an
 * unordered RMW, `smp_mb__after_atomic`, test NEED_RESCHED. Returns whether NEED_RESCHED was set:
 * a sender either set it while POLLING was set (and sent no IPI; we see it here) or finds POLLING
 * clear and sends a real IPI (pairs with set_nr_if_polling's cmpxchg in ipi.ts). The kernel does
 * not look at its queue here and does not clear NEED_RESCHED with POLLING: the ordering of the RMWs
 * on the flags word is all that keeps a call from being lost (schedule_idle clears NEED_RESCHED).
 */
export function* pollIdle(c: Ctx, seq: number): Proto<boolean> {
  const tif = c.L.cpu(c.cpu, C_TIF);
  const wake = c.L.cpu(c.cpu, C_WAKE);
  yield STEP;
  c.a.atomic_or(tif, TIF_POLLING);
  c.a.smp_mb__after_atomic(); // current_set_polling_and_test: polling visible before the tests below
  for (let i = 0; i < c.pollSpins; i++) {
    yield STEP;
    // polling idle waits for work like cpu_idle_poll: progress for the livelock watchdog, however
    // long --poll-spins makes it (the bench polls ~forever)
    c.stepsWithoutWait = 0;
    if ((c.a.READ_ONCE(tif) & TIF_NEED_RESCHED) !== 0) break;
    if (Atomics.load(c.m, wake) !== seq) break;
  }
  yield STEP;
  c.a.atomic_andnot(tif, TIF_POLLING); // __current_clr_polling: clear_thread_flag, unordered
  c.a.smp_mb__after_atomic(); // current_clr_polling_and_test: the clear before the test (and the flush)
  yield STEP;
  return (c.a.READ_ONCE(tif) & TIF_NEED_RESCHED) !== 0;
}

/** Halt: interrupts on; anything that needs us bumps the wake word (IPI, mailbox, stop_machine). */
export function* haltIdle(c: Ctx, seq: number): Proto {
  const wake = c.L.cpu(c.cpu, C_WAKE);
  yield STEP;
  if (Atomics.load(c.m, wake) !== seq) return;
  Atomics.store(c.m, c.L.cpu(c.cpu, C_IDLE), 1);
  yield waitOn(c, wake, seq);
  yield STEP;
  Atomics.store(c.m, c.L.cpu(c.cpu, C_IDLE), 0);
}

/**
 * do_idle. `seq`: the wake word as read BEFORE the caller checked for work (else a kick in between
 * is lost). NEED_RESCHED seen: flush_smp_call_function_queue (the barrier after clearing POLLING is
 * the one in pollIdle), then schedule_idle clears NEED_RESCHED; else halt until an IPI.
 */
export function* doIdle(c: Ctx, seq: number): Proto {
  if ((Atomics.load(c.m, H_FLAGS) & FLAG_IDLE_POLL) !== 0 && c.pollSpins > 0) {
    if (yield* pollIdle(c, seq)) {
      yield* flushSmpCallFunctionQueue(c);
      yield STEP;
      c.a.atomic_andnot(c.L.cpu(c.cpu, C_TIF), TIF_NEED_RESCHED); // schedule_idle: clear_tsk_need_resched
      return;
    }
  }
  yield* haltIdle(c, seq);
}
