/**
 * set_nr_if_polling as a plain read and store instead of one cmpxchg on the thread-flags word
 * (implementation only).
 */
import {
  C_DOORBELL, C_TIF, type Ctx, defineVariant, EV_IPI_SEND_CPU, EV_SCHED_WAKE_IDLE_WITHOUT_IPI, kick, type Proto, STEP, TIF_NEED_RESCHED, TIF_POLLING, tracepoint,
} from '../api.js';

function* sendIpiPlainSetNr(c: Ctx, cpu: number, callsite: number): Proto {
  const idx = c.L.cpu(cpu, C_TIF);
  yield STEP;
  const t = c.a.READ_ONCE(idx);
  if ((t & TIF_POLLING) !== 0) {
    yield STEP;
    // broken: the target may have cleared POLLING since the read (and found no NEED_RESCHED):
    // this store sets NEED_RESCHED (and POLLING again) on a CPU that is going to halt, and no IPI is sent
    c.a.WRITE_ONCE(idx, t | TIF_NEED_RESCHED);
    tracepoint(c, EV_SCHED_WAKE_IDLE_WITHOUT_IPI, cpu, 0, 0, 0);
    return;
  }
  tracepoint(c, EV_IPI_SEND_CPU, cpu, callsite, 0, 0);
  yield STEP;
  Atomics.store(c.m, c.L.cpu(cpu, C_DOORBELL), 1);
  kick(c, cpu);
}

export default defineVariant(import.meta.url, {
  id: 'set-nr-if-polling-not-atomic',
  title: 'set_nr_if_polling not atomic (read, then store NEED_RESCHED)',
  story: 'CPU0 queues a call on idle CPU1 and reads CPU1\'s thread flags: TIF_POLLING is set, so it will set NEED_RESCHED instead of sending an IPI. Before its store, CPU1 ends its poll, clears TIF_POLLING and tests NEED_RESCHED (current_clr_polling_and_test): clear, so it halts. CPU0\'s plain store then sets NEED_RESCHED on a halted CPU and sends nothing: the call is never run. The kernel decides with one try_cmpxchg, so a sender either sets the flag while POLLING is still set or sees it clear and sends the IPI. An idle path that re-checks its queue before halting (as this kit\'s did until 2026-12) hides this bug.',
  origin: 'classic (lost wake-up around TIF_POLLING_NRFLAG; the kernel relies on the RMW ordering on the flags word, kernel/sched/core.c set_nr_if_polling)',
  breaks: ['INV-NO-LOST-CALL', 'INV-NO-DEADLOCK'],
  impl: { send_call_function_single_ipi: sendIpiPlainSetNr },
  audit: {
    caughtBy: ['props', 'det-random'],
    note: 'implementation only: the model sets NEED_RESCHED and tests POLLING in one step (ipiOrPoll), so it has no rule to break',
  },
});
