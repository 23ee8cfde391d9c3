/**
 * The CSD lock word: CSD_FLAG_LOCK plus the type bits in one 32-bit flags word.
 * csd_lock_wait: acquire load until the bit is clear (spin, then sleep: a WAIT on the word);
 * csd_lock: wait, then take the bit with an acquire cmpxchg (retry from the wait if another CPU took
 *   it first), smp_wmb. A plain OR would do for a CSD with one sender (cfd, own csd_data), not for
 *   one that senders share (the destination's csd_data on the 2026 debug path: B11, fixed so);
 * csd_unlock: release store of 0 to the whole word (type reset too), then wake the owner.
 */
import { CSD_FLAG_LOCK, F_FLAGS, F_SRC, H_UNLOCK_WARN } from './layout.js';
import { LockWaitDebug } from './lockwait-debug.js';
import { kick, STEP, WAIT, type Ctx, type Proto } from './memory.js';

/** `sleepBoundMs`: for a waiter that is not the CSD's owner (the unlock wakes only the owner). */
export function* csdLockWait(c: Ctx, csd: number, sleepBoundMs = Infinity): Proto {
  const idx = c.L.csd(csd, F_FLAGS);
  let dbg: LockWaitDebug | null = null;
  for (;;) {
    yield STEP;
    const f = c.a.smp_load_acquire(idx); // smp_cond_load_acquire: pairs with the release in csdUnlock
    if ((f & CSD_FLAG_LOCK) === 0) {
      dbg?.unlocked();
      c.waitTimeoutMs = Infinity;
      return;
    }
    c.waitTimeoutMs = sleepBoundMs;
    if (c.debug) {
      dbg ??= new LockWaitDebug(c, csd);
      c.waitTimeoutMs = Math.min(sleepBoundMs, dbg.stillLocked());
    }
    c.waitIdx = idx;
    c.waitVal = f;
    yield WAIT;
  }
}

export function* csdLock(c: Ctx, csd: number): Proto {
  const idx = c.L.csd(csd, F_FLAGS);
  for (;;) {
    // Runtime hint, not a protocol access: the unlock wakes only the CSD's last sender, so a CPU
    // that did not fill it last (a shared CSD) sleeps with a bound on the threads runtime.
    const mine = Atomics.load(c.m, c.L.csd(csd, F_SRC)) === c.cpu;
    yield* c.k.csd_lock_wait(c, csd, mine ? Infinity : 1);
    yield STEP;
    const f = c.a.READ_ONCE(idx);
    if ((f & CSD_FLAG_LOCK) !== 0) continue;
    yield STEP;
    if (c.a.cmpxchg_acquire(idx, f, f | CSD_FLAG_LOCK) === f) break;
  }
  // The lock bit is ordered before the func/info stores that follow (smp_wmb).
  c.a.smp_wmb();
}

export function* csdUnlock(c: Ctx, csd: number): Proto {
  const idx = c.L.csd(csd, F_FLAGS);
  yield STEP;
  const f = c.a.READ_ONCE(idx);
  if ((f & CSD_FLAG_LOCK) === 0) Atomics.add(c.m, H_UNLOCK_WARN, 1); // kernel: WARN_ON(!(flags & LOCK))
  const owner = c.a.READ_ONCE(c.L.csd(csd, F_SRC));
  yield STEP;
  // release: everything the function did happens-before the waiter sees the bit clear;
  // pairs with the acquire load in csdLockWait. After this store the CSD may be gone (stack CSD).
  c.a.smp_store_release(idx, 0);
  if (owner >= 0 && owner < c.L.ncpus) kick(c, owner);
}
