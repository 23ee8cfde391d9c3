/**
 * dying flush before the CPU is marked offline, no stop_machine barrier (implementation only: the model has no rule for it).
 */
import {
  C_STATE, CPUHP_AP_SMPCFD_DYING, type Ctx, defineVariant, EV_CPUHP_ENTER, EV_CPUHP_EXIT, HP_DYING, type Proto, STEP,
  stopMachineRequest, stopMachineRun, takeCpuDownDone, tracepoint,
} from '../api.js';

function* stopMachineNoBarrier(c: Ctx, cpu: number): Proto {
  const gen = yield* stopMachineRequest(c, cpu);
  yield* stopMachineRun(c, cpu, gen); // broken: no rendezvous
}

function* takeCpuDownFlushFirst(c: Ctx, gen: number): Proto {
  yield* c.k.smpcfd_dying_cpu(c); // broken: flushed while still online
  yield STEP;
  c.a.WRITE_ONCE(c.L.cpu(c.cpu, C_STATE), HP_DYING);
  tracepoint(c, EV_CPUHP_ENTER, c.cpu, 0, CPUHP_AP_SMPCFD_DYING, 1);
  tracepoint(c, EV_CPUHP_EXIT, c.cpu, CPUHP_AP_SMPCFD_DYING - 1, CPUHP_AP_SMPCFD_DYING, 0);
  yield* takeCpuDownDone(c, gen);
}

export default defineVariant(import.meta.url, {
  id: 'flush-before-offline',
  title: 'dying flush before the CPU is marked offline, no stop_machine barrier',
  story: 'CPU1 runs smpcfd_dying_cpu\'s flush first and clears itself from cpu_online_mask afterwards, and the control CPU does not wait for the others to leave their windows. CPU0 sees CPU1 online between the flush and the clear (or is still in its window) and queues: the entry lands after the last flush of a CPU that is about to die.',
  origin: 'classic (order inside take_cpu_down: offline first, then the DYING callbacks)',
  breaks: ['INV-DYING-EMPTY', 'INV-NO-LOST-CALL'],
  impl: { stop_machine_cpuslocked: stopMachineNoBarrier, take_cpu_down: takeCpuDownFlushFirst },
  audit: { caughtBy: ['props', 'det-random', 'det-pct'] },
});
