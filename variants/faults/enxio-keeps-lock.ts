/**
 * the -ENXIO path returns without unlocking the CSD (model only: the implementation has no code path for it).
 */
import { defineVariant } from '../api.js';


export default defineVariant(import.meta.url, {
  id: 'enxio-keeps-lock',
  title: 'the -ENXIO path returns without unlocking the CSD',
  story: 'CPU0\'s async call to offline CPU2 returns -ENXIO but leaves csd_data locked; CPU0\'s next async call spins in csd_lock forever.',
  origin: 'classic',
  breaks: ['INV-LOCK-RELEASED'],
  model: {
    semantics: { enxioUnlocks: false },
    actions: ['csdReturnEnxio'],
    workload: 'any-mixed',
    cpus: 3,
    breaks: ['INV-LOCK-RELEASED'],
  },
  audit: { caughtBy: ['model'] },
});
