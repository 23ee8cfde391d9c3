/**
 * flush runs ASYNC entries before SYNC ones (model only: the implementation has no code path for it).
 */
import { defineVariant } from '../api.js';


export default defineVariant(import.meta.url, {
  id: 'flush-async-first',
  title: 'flush runs ASYNC entries before SYNC ones',
  story: 'CPU1\'s batch holds CPU2\'s async entry and CPU0\'s sync entry. Running the async one first keeps CPU0 waiting behind work nobody waits for, against the SYNC-first order of 52103be07d8b.',
  origin: 'classic (rule of 52103be07d8b, 2020)',
  breaks: ['INV-ORDER'],
  model: {
    semantics: { flushOrder: 'async-first' },
    guards: ['runSyncNext?', 'runAsyncNext?'],
    workload: 'many-nonempty',
    cpus: 3,
    breaks: ['INV-ORDER'],
  },
  audit: { caughtBy: ['model'] },
});
