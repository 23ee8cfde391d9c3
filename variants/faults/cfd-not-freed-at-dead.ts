/**
 * smpcfd_dead_cpu leaks the cfd (implementation and model).
 */
import { C_CFD, type Ctx, defineVariant, NULL, type Proto, STEP } from '../api.js';

function* smpcfdDeadCpuLeaks(c: Ctx, cpu: number): Proto {
  const L = c.L;
  yield STEP;
  const b = c.a.READ_ONCE(L.cpu(cpu, C_CFD));
  if (b === NULL) return;
  // The dead CPU's last smp_call_function_many(wait=0) may still sit in other CPUs' queues.
  // Mainline (2025) frees anyway, a latent use-after-free (smp-semantics §4.2 c); we wait for
  // those CSDs to be released so that the allocator cannot hand them out while queued.
  for (let t = 0; t < L.ncpus; t++) yield* c.k.csd_lock_wait(c, L.cfdCsd(b, t), 1);
  yield STEP;
  c.a.WRITE_ONCE(L.cpu(cpu, C_CFD), NULL); // broken: forgotten, never freed
}

export default defineVariant(import.meta.url, {
  id: 'cfd-not-freed-at-dead',
  title: 'smpcfd_dead_cpu leaks the cfd',
  story: 'CPU1 goes down; the control CPU0 runs smpcfd_dead_cpu but forgets to free CPU1\'s cfd (cpumask, cpumask_ipi, per-target CSDs). Each offline/online cycle of CPU1 leaks one more cfd.',
  origin: 'classic (resource leak on the hotplug path)',
  formerly: ['cfd-not-freed'],
  breaks: ['INV-NO-LEAK'],
  impl: { smpcfd_dead_cpu: smpcfdDeadCpuLeaks },
  model: {
    semantics: { cfdFreeAt: 'never' },
    actions: ['smpcfdDeadCpu', 'smpcfdDyingCpu'],
    workload: 'hotplug',
    cpus: 3,
    breaks: ['INV-NO-LEAK'],
  },
  audit: { caughtBy: ['model', 'props', 'det-random', 'det-pct'] },
});
