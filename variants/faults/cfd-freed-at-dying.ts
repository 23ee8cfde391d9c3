/**
 * cfd freed at dying instead of dead (implementation and model).
 */
import { C_CFD, type Ctx, defineVariant, freeCfd, NULL, type Proto, smpcfdDyingCpu } from '../api.js';

function* smpcfdDyingCpuFrees(c: Ctx): Proto {
  yield* smpcfdDyingCpu(c);
  // broken: the cfd goes while this CPU is still dying; its last async many-call CSDs may be queued
  const b = c.a.READ_ONCE(c.L.cpu(c.cpu, C_CFD));
  if (b === NULL) return;
  c.a.WRITE_ONCE(c.L.cpu(c.cpu, C_CFD), NULL);
  yield* freeCfd(c, b);
}

export default defineVariant(import.meta.url, {
  id: 'cfd-freed-at-dying',
  title: 'cfd freed at dying instead of dead',
  story: 'CPU1\'s last smp_call_function_many(wait=0) queued its cfd CSDs on CPU0 and CPU2. CPU1 then goes down and frees its cfd in smpcfd_dying_cpu, while those CSDs are still queued; the allocator hands the block to the next prepared CPU, whose csd_lock/fill rewrites nodes that CPU0 is about to run.',
  origin: 'classic (use-after-free; see smp-semantics §4.2 c for the related latent issue)',
  breaks: ['INV-NO-LEAK'],
  impl: { smpcfd_dying_cpu: smpcfdDyingCpuFrees },
  model: {
    semantics: { cfdFreeAt: 'dying' },
    actions: ['smpcfdDeadCpu', 'smpcfdDyingCpu'],
    workload: 'hotplug',
    cpus: 3,
    breaks: ['INV-NO-LEAK'],
  },
  audit: { caughtBy: ['model', 'det-pct'], note: 'random schedules rarely show it in the impl (the block must be handed out again while one of its CSDs is still queued); PCT finds that reuse as INV-ONE-OWNER; the model states when the cfd must exist (INV-NO-LEAK)' },
});
