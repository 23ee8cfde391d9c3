/**
 * TTWU entry routed by a stale task_cpu (B7) (implementation and model).
 */
import { type Ctx, defineVariant, type Proto, SMP_C } from '../api.js';

/**
 * broken (B7): the waker reads task_cpu(p) before p->on_cpu and gets a stale CPU — here the one
 * after the CPU the caller named (or the one after that, if that is the waker itself): the
 * wakelist entry lands on a CPU that is not the task's. The model's `ttwuStaleCpu` picks alike.
 */
function* ttwuQueueWakelistStaleCpu(c: Ctx, task: number, cpu: number, func: number, info: number): Proto<number> {
  const n = c.L.ncpus;
  const stale = cpu < 0 || cpu >= n ? cpu : (cpu + 1) % n === c.cpu ? (cpu + 2) % n : (cpu + 1) % n;
  // with 2 CPUs there is no third one to go stale to
  return yield* SMP_C.ttwu_queue_wakelist(c, task, stale === c.cpu ? cpu : stale, func, info);
}

export default defineVariant(import.meta.url, {
  id: 'B7-ttwu-stale-cpu',
  title: 'TTWU entry routed by a stale task_cpu (B7)',
  story: 'try_to_wake_up on CPU0 reads task_cpu(p) before p->on_cpu; on a weakly ordered CPU the stale value names CPU2 (or CPU0 itself) while p still runs on CPU1. The wakelist entry lands on the wrong CPU\'s queue and that CPU activates p on an rq that is not p\'s.',
  origin: 'B7: b6e13e85829f (2020, Peter Zijlstra); introduced by c6e7bd7afaeb',
  formerly: ['ttwu-stale-cpu'],
  breaks: ['INV-RUN-ON-TARGET', 'INV-NO-LOST-CALL'],
  impl: { ttwu_queue_wakelist: ttwuQueueWakelistStaleCpu },
  model: {
    semantics: { ttwuStaleCpu: true },
    guards: ['callSelf?', 'callEnxio?', 'callLock?', 'callBusy?'],
    actions: ['csdLock', 'csdReturnEnxio'],
    workload: 'any-mixed',
    cpus: 3,
    breaks: ['INV-RUN-ON-TARGET'],
  },
  audit: { caughtBy: ['model', 'props', 'det-random', 'det-pct', 'threads'] },
});
