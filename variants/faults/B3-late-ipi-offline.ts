/**
 * no dying flush: a late IPI runs the function on the offline CPU (B3 outcome b) (model only: the implementation has no code path for it).
 */
import { defineVariant } from '../api.js';


export default defineVariant(import.meta.url, {
  id: 'B3-late-ipi-offline',
  title: 'no dying flush: a late IPI runs the function on the offline CPU (B3 outcome b)',
  story: 'As B3, but the IPI that was pending on CPU1 is delivered after CPU1 left cpu_online_mask (the idle-dead path briefly enables interrupts): the function runs on an offline CPU, which is exactly what the "IPI on offline CPU" warning reports.',
  origin: 'B3: 8d056c48e486 (2014)',
  formerly: ['no-dying-flush-ipi'],
  breaks: ['INV-NOT-ON-OFFLINE'],
  model: {
    semantics: { dyingFlush: false },
    guards: ['flushedByDying?'],
    workload: 'hotplug',
    cpus: 3,
    breaks: ['INV-NOT-ON-OFFLINE'],
  },
  audit: { caughtBy: ['model'] },
});
