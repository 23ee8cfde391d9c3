/**
 * The idle loop of one CPU: poll (TIF_POLLING_NRFLAG set, watch NEED_RESCHED: senders skip the IPI)
 * for a bounded number of loads, then leave polling, RE-CHECK, and halt (sleep with interrupts on).
 * Bounded polling keeps oversubscribed runs (more CPUs than cores) making progress.
 */
import {
  C_IDLE, C_QUEUE, C_TIF, C_WAKE, FLAG_IDLE_POLL, H_FLAGS, NULL, TIF_NEED_RESCHED, TIF_POLLING,
} from './layout.js';
import { flushSmpCallFunctionQueue } from './flush.js';
import { STEP, waitOn, type Ctx, type Proto } from './memory.js';

/** Poll for work with TIF_POLLING set; returns the TIF word as the atomic clear of POLLING found it. */
export function* pollIdle(c: Ctx, seq: number): Proto<number> {
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
  // Leave polling with one fully ordered RMW: a sender either set NEED_RESCHED before it (we see
  // it in the returned word) or finds POLLING clear and sends a real IPI (pairs with ipi.ts).
  return c.a.atomic_fetch_andnot(tif, TIF_POLLING | TIF_NEED_RESCHED);
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

/** do_idle. `seq`: the wake word as read BEFORE the caller checked for work (else a kick in between is lost). */
export function* doIdle(c: Ctx, seq: number): Proto {
  if ((Atomics.load(c.m, H_FLAGS) & FLAG_IDLE_POLL) !== 0 && c.pollSpins > 0) {
    const t = yield* pollIdle(c, seq);
    if ((t & TIF_NEED_RESCHED) !== 0) {
      yield* flushSmpCallFunctionQueue(c);
      return;
    }
    // the re-check after leaving polling (after the full barrier of the RMW above)
    c.a.smp_mb__after_atomic();
    yield STEP;
    if (c.a.READ_ONCE(c.L.cpu(c.cpu, C_QUEUE)) !== NULL) {
      yield* flushSmpCallFunctionQueue(c);
      return;
    }
  }
  yield* haltIdle(c, seq);
}
