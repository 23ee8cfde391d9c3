/**
 * generic_exec_single without the online check (model only: the implementation has no code path for it).
 */
import { defineVariant } from '../api.js';


export default defineVariant(import.meta.url, {
  id: 'no-online-check',
  title: 'generic_exec_single without the online check',
  story: 'CPU0 calls smp_call_function_single(2, ...) while CPU2 is offline; without the cpu_online test it queues on the dead CPU instead of returning -ENXIO: the call is lost.',
  origin: 'classic',
  breaks: ['INV-ENXIO', 'INV-DYING-EMPTY'],
  model: {
    semantics: { onlineCheck: false },
    guards: ['callEnxio?', 'callLock?'],
    workload: 'hotplug',
    cpus: 3,
    breaks: ['INV-ENXIO', 'INV-DYING-EMPTY'],
  },
  audit: { caughtBy: ['model'] },
});
