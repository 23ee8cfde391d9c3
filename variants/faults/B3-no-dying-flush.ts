/**
 * no flush at CPU dying (B3, and B5 where the flush was registered but never run) (implementation and model).
 */
import { defineVariant, type Proto } from '../api.js';

function* smpcfdDyingCpuNoFlush(): Proto {
  // the flush of call_single_queue is missing: whatever is queued stays there
}

export default defineVariant(import.meta.url, {
  id: 'B3-no-dying-flush',
  title: 'no flush at CPU dying (B3, and B5 where the flush was registered but never run)',
  story: 'CPU0 sees CPU1 online, queues an async call on CPU1 and sends the IPI. CPU1 enters stop_machine with interrupts off before the IPI is taken, clears itself from cpu_online_mask and runs its DYING callbacks, which do not flush call_single_queue. CPU1 dies with the entry queued: the function never runs and CPU0\'s CSD stays locked, so its next async call spins in csd_lock forever.',
  origin: 'B3: 8d056c48e486 (2014); B5: 31487f8328f2 introduced, fixed 2017 by Lai Jiangshan (id unverified)',
  formerly: ['no-dying-flush'],
  breaks: ['INV-DYING-EMPTY', 'INV-NO-LOST-CALL', 'INV-LOCK-RELEASED'],
  impl: { smpcfd_dying_cpu: smpcfdDyingCpuNoFlush },
  model: {
    semantics: { dyingFlush: false },
    guards: ['flushedByDying?'],
    workload: 'hotplug',
    cpus: 3,
    breaks: ['INV-DYING-EMPTY', 'INV-NO-LOST-CALL'],
  },
  audit: { caughtBy: ['model', 'props'] },
});
