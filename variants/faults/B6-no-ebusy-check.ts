/**
 * async submission without the -EBUSY test (B6) (implementation and model).
 */
import { CSD_FLAG_LOCK, type Ctx, defineVariant, F_FLAGS, fill, type Proto, STEP } from '../api.js';

function* singleAsyncNoBusyCheck(c: Ctx, cpu: number, csd: number, func: number, info: number): Proto<number> {
  const m = c.a;
  const idx = c.L.csd(csd, F_FLAGS);
  yield STEP;
  m.READ_ONCE(idx); // broken (B6): the lock bit is read but not tested
  yield STEP;
  m.WRITE_ONCE(idx, CSD_FLAG_LOCK); // type ASYNC
  m.smp_wmb();
  yield* fill(c, csd, func, info, cpu);
  return yield* c.k.generic_exec_single(c, cpu, csd, 3);
}

export default defineVariant(import.meta.url, {
  id: 'B6-no-ebusy-check',
  title: 'async submission without the -EBUSY test (B6)',
  story: 'CPU0 and CPU2 both submit the same async CSD to CPU1. Both read the lock bit clear (or the test is skipped), both set it and both llist_add the one node: the second add overwrites node->next, so CPU1\'s queue either loses entries or holds a cycle; the function runs twice, or on the first target with the second request\'s info.',
  origin: 'B6: 19a1f5ec6999 (2020, Peter Zijlstra); introduced by 90b5363acd47',
  formerly: ['no-ebusy-check'],
  breaks: ['INV-NO-REUSE-LOCKED', 'INV-ONE-OWNER', 'INV-NO-DOUBLE-RUN'],
  impl: { smp_call_function_single_async: singleAsyncNoBusyCheck },
  model: {
    semantics: { asyncBusyCheck: false },
    guards: ['callBusy?', 'callLock?', 'callSelf?', 'callEnxio?'],
    workload: 'async-ebusy',
    cpus: 3,
    breaks: ['INV-NO-REUSE-LOCKED', 'INV-ONE-OWNER', 'INV-NO-DOUBLE-RUN', 'INV-NO-LOST-CALL'],
  },
  audit: { caughtBy: ['model', 'props', 'det-random', 'det-pct'] },
});
