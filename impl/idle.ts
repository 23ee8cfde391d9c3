/**
 * The idle loop of one CPU: poll (TIF_POLLING_NRFLAG set, watch NEED_RESCHED: senders skip the IPI)
 * for a bounded number of loads, then leave polling, RE-CHECK, and halt (sleep with interrupts on).
 * Bounded polling keeps oversubscribed runs (more CPUs than cores) making progress.
 */
import {
  C_IDLE, C_QUEUE, C_TIF, C_WAKE, FLAG_IDLE_POLL, H_FLAGS, NULL, TIF_NEED_RESCHED, TIF_POLLING,
} from './layout.js';
import { F_IDLE_NO_RECHECK } from './faults.js';
import { flushSmpCallFunctionQueue } from './flush.js';
import { STEP, waitOn, type Ctx, type Proto } from './memory.js';

/** `seq`: the wake word as read BEFORE the caller checked for work (else a kick in between is lost). */
export function* cpuIdle(c: Ctx, seq: number): Proto {
  const m = c.m;
  const L = c.L;
  const wake = L.cpu(c.cpu, C_WAKE);
  const tif = L.cpu(c.cpu, C_TIF);
  if ((Atomics.load(m, H_FLAGS) & FLAG_IDLE_POLL) !== 0 && c.pollSpins > 0) {
    yield STEP;
    Atomics.or(m, tif, TIF_POLLING);
    for (let i = 0; i < c.pollSpins; i++) {
      yield STEP;
      if ((Atomics.load(m, tif) & TIF_NEED_RESCHED) !== 0) break;
      if (Atomics.load(m, wake) !== seq) break;
    }
    yield STEP;
    // Leave polling with one atomic RMW (full barrier): a sender either set NEED_RESCHED before it
    // (we see it below) or finds POLLING clear and sends a real IPI (pairs with ipi.ts).
    const t = Atomics.and(m, tif, ~(TIF_POLLING | TIF_NEED_RESCHED));
    if ((c.faults & F_IDLE_NO_RECHECK) === 0) {
      if ((t & TIF_NEED_RESCHED) !== 0) {
        yield* flushSmpCallFunctionQueue(c);
        return;
      }
      yield STEP;
      if (Atomics.load(m, L.cpu(c.cpu, C_QUEUE)) !== NULL) {
        yield* flushSmpCallFunctionQueue(c);
        return;
      }
    }
  }
  // halt: interrupts on; anything that needs us bumps the wake word (IPI, mailbox, stop_machine)
  yield STEP;
  if (Atomics.load(m, wake) !== seq) return;
  Atomics.store(m, L.cpu(c.cpu, C_IDLE), 1);
  yield waitOn(c, wake, seq);
  yield STEP;
  Atomics.store(m, L.cpu(c.cpu, C_IDLE), 0);
}
