/**
 * The 2026 shared-csd regression (B11): csd_lock's wait and lock update are not one atomic step,
 * on a path where senders share the destination CPU's CSD (implementation only).
 */
import { CSD_FLAG_LOCK, type Ctx, defineVariant, F_FLAGS, F_SRC, type Proto, STEP } from '../api.js';

function* csdLockPlain(c: Ctx, csd: number): Proto {
  const idx = c.L.csd(csd, F_FLAGS);
  yield* c.k.csd_lock_wait(c, csd, Atomics.load(c.m, c.L.csd(csd, F_SRC)) === c.cpu ? Infinity : 1);
  yield STEP;
  const f = c.a.READ_ONCE(idx);
  yield STEP;
  c.a.WRITE_ONCE(idx, f | CSD_FLAG_LOCK); // broken (B11): a plain store, another sender may have taken it since the wait
  c.a.smp_wmb();
}

export default defineVariant(import.meta.url, {
  id: 'B11-shared-csd-lock-not-atomic',
  title: 'senders share the destination\'s CSD and csd_lock is not atomic (B11, 2026)',
  story: 'A debug path makes every sender to CPU1 use CPU1\'s csd_data. CPU0 and CPU2 call smp_call_function_single(1, f, info, 0) at once: both see the lock bit clear in csd_lock_wait, both store it set, both fill func/info and llist_add the one node. The second add finds the node itself at the head, so node->next points to the node: CPU1\'s flush walks the cycle forever with interrupts off (reproduced with scftorture at 1024 threads with hotplug churn). Fixed by taking the lock bit with an acquire cmpxchg.',
  origin: 'B11: 2026 regression (senders share the destination CSD on a debug path), fixed with an acquire cmpxchg in csd_lock (commit id unverified)',
  breaks: ['INV-NO-REUSE-LOCKED', 'INV-ONE-OWNER', 'INV-NO-DEADLOCK'],
  impl: { csd_lock: csdLockPlain },
  audit: {
    caughtBy: ['props', 'det-random'],
    note: 'implementation only: the model takes csd_lock in one step, so it has no rule to break; the kit cuts the cycle in the flush instead of looping (counted as a list corruption) and reports it as INV-ONE-OWNER and as the livelock it is in the kernel (INV-NO-DEADLOCK), so the test does not hang; PCT (depth 3) rarely preempts a sender between the wait and the store, and the threads stress rarely interleaves there within the budget',
  },
});
