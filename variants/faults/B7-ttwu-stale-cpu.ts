/**
 * TTWU entry routed by a stale task_cpu (B7) (model only: the implementation has no code path for it).
 */
import { defineVariant } from '../api.js';


export default defineVariant(import.meta.url, {
  id: 'B7-ttwu-stale-cpu',
  title: 'TTWU entry routed by a stale task_cpu (B7)',
  story: 'try_to_wake_up on CPU0 reads task_cpu(p) before p->on_cpu; on a weakly ordered CPU the stale value names CPU2 (or CPU0 itself) while p still runs on CPU1. The wakelist entry lands on the wrong CPU\'s queue and that CPU activates p on an rq that is not p\'s.',
  origin: 'B7: b6e13e85829f (2020, Peter Zijlstra); introduced by c6e7bd7afaeb',
  formerly: ['ttwu-stale-cpu'],
  breaks: ['INV-RUN-ON-TARGET'],
  model: {
    semantics: { ttwuStaleCpu: true },
    guards: ['callSelf?', 'callEnxio?', 'callLock?', 'callBusy?'],
    actions: ['csdLock', 'csdReturnEnxio'],
    workload: 'any-mixed',
    cpus: 3,
    breaks: ['INV-RUN-ON-TARGET'],
  },
  audit: { caughtBy: ['model'] },
});
