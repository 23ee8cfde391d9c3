/**
 * Sending IPIs: the single-target path with the idle-polling shortcut
 * (call_function_single_prep_ipi → set_nr_if_polling) and the mask path (no shortcut).
 * An IPI is a doorbell word per CPU plus a kick of the target's wake word.
 */
import { C_DOORBELL, C_TIF, TIF_NEED_RESCHED, TIF_POLLING } from './layout.js';
import { kick, STEP, type Ctx, type Proto } from './memory.js';
import {
  EV_IPI_SEND_CPU, EV_IPI_SEND_CPUMASK, EV_SCHED_WAKE_IDLE_WITHOUT_IPI, tracepoint,
} from './trace-ring.js';

/** set_nr_if_polling: atomically set NEED_RESCHED if the target's idle task is polling. */
function* setNrIfPolling(c: Ctx, cpu: number): Proto<boolean> {
  const idx = c.L.cpu(cpu, C_TIF);
  yield STEP;
  let t = c.a.READ_ONCE(idx);
  for (;;) {
    if ((t & TIF_POLLING) === 0) return false;
    if ((t & TIF_NEED_RESCHED) !== 0) return true;
    yield STEP;
    // One CAS decides between "poller will see the flag" and "poller already left: send an IPI";
    // pairs with the atomic AND in idle.ts that clears POLLING.
    const seen = c.a.cmpxchg(idx, t, t | TIF_NEED_RESCHED); // fully ordered (try_cmpxchg)
    if (seen === t) return true;
    t = seen;
  }
}

function* archSendIpi(c: Ctx, cpu: number): Proto {
  yield STEP;
  // the interrupt controller, not kernel memory: ordered after llist_add by the cmpxchg's full barrier
  Atomics.store(c.m, c.L.cpu(cpu, C_DOORBELL), 1);
  kick(c, cpu);
}

/** send_call_function_single_ipi */
export function* sendCallFunctionSingleIpi(c: Ctx, cpu: number, callsite: number): Proto {
  if (yield* setNrIfPolling(c, cpu)) {
    tracepoint(c, EV_SCHED_WAKE_IDLE_WITHOUT_IPI, cpu, 0, 0, 0);
    return;
  }
  tracepoint(c, EV_IPI_SEND_CPU, cpu, callsite, 0, 0);
  yield* archSendIpi(c, cpu);
}

/** send_call_function_ipi_mask: one trace event for the mask, no polling shortcut. */
export function* sendCallFunctionIpiMask(c: Ctx, mask: number, callsite: number): Proto {
  tracepoint(c, EV_IPI_SEND_CPUMASK, mask, callsite, 0, 0);
  for (let cpu = 0; cpu < c.L.ncpus; cpu++) {
    if ((mask & (1 << cpu)) !== 0) yield* archSendIpi(c, cpu);
  }
}
