/**
 * csd_lock sets the lock bit without the smp_wmb that orders it before the func/info stores.
 */
import { type Ctx, CSD_FLAG_LOCK, defineVariant, F_FLAGS, F_SRC, type Proto, STEP } from '../api.js';

/** Today's csd_lock (impl/csd-lock.ts: wait, then an acquire cmpxchg of the lock bit) without its smp_wmb. */
function* csdLockNoWmb(c: Ctx, csd: number): Proto {
  const idx = c.L.csd(csd, F_FLAGS);
  for (;;) {
    const mine = Atomics.load(c.m, c.L.csd(csd, F_SRC)) === c.cpu; // runtime hint, as in csd_lock
    yield* c.k.csd_lock_wait(c, csd, mine ? Infinity : 1);
    yield STEP;
    const f = c.a.READ_ONCE(idx);
    if ((f & CSD_FLAG_LOCK) !== 0) continue;
    yield STEP;
    if (c.a.cmpxchg_acquire(idx, f, f | CSD_FLAG_LOCK) === f) break;
  }
  // broken: no smp_wmb before the func/info stores that follow
}

export default defineVariant(import.meta.url, {
  id: 'csd-lock-no-wmb',
  title: 'csd_lock without its smp_wmb',
  story: 'CPU0 locks a CSD and fills func and info without the smp_wmb after setting the lock bit, then queues it to CPU1. Another CPU that sees the new func/info could still see the CSD unlocked. In this kit every path from the field stores to a reader goes through the fully ordered llist_add cmpxchg (or the owner itself), so the barrier is redundant here: the audit shows it missed under every model, which is the finding (the kernel keeps the smp_wmb for readers outside the queue, e.g. csd_lock_wait debug).',
  origin: 'classic (missing write barrier)',
  // what it would break where the barrier is not subsumed (a reader outside the queue)
  breaks: ['INV-ONE-OWNER'],
  impl: { csd_lock: csdLockNoWmb },
  audit: { caughtBy: [], memory: [], note: 'expected missed under every model: the publishing cmpxchg is fully ordered, which subsumes the smp_wmb' },
});
