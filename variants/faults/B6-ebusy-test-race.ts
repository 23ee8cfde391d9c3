/**
 * Two submitters of one async CSD both pass the -EBUSY test (B6) (implementation and model).
 */
import { callerLock, callerUnlock, type Ctx, defineVariant, F_CALLER_LOCK, type Proto } from '../api.js';

/**
 * broken (B6): the submitters' exclusion is released before the -EBUSY test and the lock update
 * instead of after them (the 2020 kick_ilb bug: its flag was released in the wrong place), so two
 * CPUs can run the two plain accesses of smp_call_function_single_async interleaved.
 */
function* submitSharedCsdReleasedEarly(c: Ctx, cpu: number, csd: number, func: number, info: number): Proto<number> {
  const lock = c.L.csd(csd, F_CALLER_LOCK);
  const was = yield* callerLock(c, lock);
  yield* callerUnlock(c, lock, was); // broken (B6): released before the CSD is locked
  return yield* c.k.smp_call_function_single_async(c, cpu, csd, func, info);
}

export default defineVariant(import.meta.url, {
  id: 'B6-ebusy-test-race',
  title: 'two submitters of one async CSD both pass the -EBUSY test (B6)',
  story: 'CPU0 and CPU2 both submit CPU1\'s shared async CSD. Their exclusion ends before the -EBUSY test, so both read the lock bit clear, both set it and both llist_add the one node onto CPU1\'s queue: the second add makes node->next point to the node itself (CPU1\'s flush would walk the cycle forever) or overwrites the first request\'s func/info, so one request is lost and the other runs twice.',
  origin: 'B6: 19a1f5ec6999 (2020, Peter Zijlstra); introduced by 90b5363acd47',
  formerly: ['B6-no-ebusy-check', 'no-ebusy-check'],
  breaks: ['INV-NO-REUSE-LOCKED', 'INV-ONE-OWNER'],
  impl: { submit_shared_csd: submitSharedCsdReleasedEarly },
  model: {
    // The model's CALL tests the lock bit and takes it in one step; without the test both
    // submitters take the CSD, which is what the interleaved plain accesses allow.
    semantics: { asyncBusyCheck: false },
    guards: ['callBusy?', 'callLock?', 'callSelf?', 'callEnxio?'],
    workload: 'async-shared',
    cpus: 3,
    breaks: ['INV-NO-REUSE-LOCKED', 'INV-ONE-OWNER'],
  },
  audit: {
    caughtBy: ['model', 'props', 'det-random'],
    note: 'PCT (depth 3) rarely preempts a submitter between the -EBUSY test and the lock update, the one step the race needs, and the threads stress hits that window only now and then (once in 9.2 s in one audit run): neither is required to catch it',
  },
});
