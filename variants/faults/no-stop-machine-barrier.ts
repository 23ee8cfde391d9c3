/**
 * take_cpu_down without the stop_machine barrier (implementation and model).
 */
import { type Ctx, defineVariant, type Proto, stopMachineRequest, stopMachineRun } from '../api.js';

function* stopMachineNoBarrier(c: Ctx, cpu: number): Proto {
  const gen = yield* stopMachineRequest(c, cpu);
  // broken: no rendezvous, the other CPUs may still be inside their windows
  yield* stopMachineRun(c, cpu, gen);
}

export default defineVariant(import.meta.url, {
  id: 'no-stop-machine-barrier',
  title: 'take_cpu_down without the stop_machine barrier',
  story: 'CPU0 checks cpu_online(1) (true) inside its preemption-disabled window. Without the stop_machine rendezvous CPU1 marks itself offline and runs its dying flush while CPU0 is still in the window; CPU0 then queues the entry on CPU1 after the flush: the dead CPU keeps a non-empty queue and the call is lost.',
  origin: 'classic (preempt-off vs stop_machine exclusion, documented 2025 by Joel Fernandes / Frederic Weisbecker)',
  formerly: ['queue-outside-stop-machine'],
  breaks: ['INV-DYING-EMPTY', 'INV-ENXIO', 'INV-NO-LOST-CALL'],
  impl: { stop_machine_cpuslocked: stopMachineNoBarrier },
  model: {
    semantics: { stopMachineExcludesCallers: false },
    guards: ['canStopMachine?', 'flushedByDying?'],
    workload: 'hotplug',
    cpus: 3,
    breaks: ['INV-DYING-EMPTY', 'INV-ENXIO'],
  },
  audit: { caughtBy: ['model', 'props', 'det-random', 'det-pct'] },
});
