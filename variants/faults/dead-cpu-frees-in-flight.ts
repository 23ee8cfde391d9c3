/**
 * smpcfd_dead_cpu frees the cfd at once, as mainline (2025) does (implementation and model): the
 * latent use-after-free of smp-semantics §4.2 c. The kit's reference waits for the dead CPU's cfd
 * CSDs still in flight; this variant drops that wait.
 */
import { C_CFD, type Ctx, defineVariant, freeCfd, NULL, type Proto, STEP } from '../api.js';

function* smpcfdDeadCpuFreesAtOnce(c: Ctx, cpu: number): Proto {
  const L = c.L;
  yield STEP;
  const b = c.a.READ_ONCE(L.cpu(cpu, C_CFD));
  if (b === NULL) return;
  // mainline: no csd_lock_wait for the per-target CSDs a last smp_call_function_many(wait=0) queued
  yield STEP;
  c.a.WRITE_ONCE(L.cpu(cpu, C_CFD), NULL);
  yield* freeCfd(c, b);
}

export default defineVariant(import.meta.url, {
  id: 'dead-cpu-frees-in-flight',
  title: 'smpcfd_dead_cpu frees the cfd while its CSDs are still queued (mainline 2025)',
  story: 'CPU1 calls smp_call_function_many(wait=0) on CPU0: its cfd CSD for CPU0 is locked and queued, and CPU0\'s IPI is late. CPU1 goes down (stop_machine, dying flush of its own queue), and the control CPU runs smpcfd_dead_cpu, which frees CPU1\'s cfd at once. CPU0 then takes the IPI and its flush reads func/info from the freed CSD and unlocks it: a use-after-free (and, once the block is handed out again, a rewrite of a node still on CPU0\'s queue).',
  origin: 'classic (use-after-free) as mainline (2025) has it: smp-semantics §4.2 c, latent; the 2026 preemption series stops freeing the CSD array',
  breaks: ['INV-NO-UAF'],
  impl: { smpcfd_dead_cpu: smpcfdDeadCpuFreesAtOnce },
  model: {
    semantics: { deadWaitsCfd: false },
    guards: ['cpuStopped?'],
    workload: 'hotplug-async-many',
    cpus: 2,
    breaks: ['INV-NO-UAF'],
  },
  audit: { caughtBy: ['model', 'det-pct'], note: 'the freed CSD must still be queued when smpcfd_dead_cpu runs: its target\'s IPI late through the whole cpu_down. PCT finds that at once; the threads stress (hotplug churn) in seconds (measured 3.7 s / 480 runs with budget 10 s, not required); random schedules and the command-based invariant properties rarely do (the refinement runs of `check` name it INV-NO-UAF within 13 runs)' },
});
