/**
 * csd_lock sets the lock bit without the smp_wmb that orders it before the func/info stores.
 */
import { type Ctx, CSD_FLAG_LOCK, defineVariant, F_FLAGS, type Proto, STEP } from '../api.js';

function* csdLockNoWmb(c: Ctx, csd: number): Proto {
  yield* c.k.csd_lock_wait(c, csd);
  const idx = c.L.csd(csd, F_FLAGS);
  yield STEP;
  const f = c.a.READ_ONCE(idx);
  yield STEP;
  c.a.WRITE_ONCE(idx, f | CSD_FLAG_LOCK); // broken: no smp_wmb before the func/info stores
}

export default defineVariant(import.meta.url, {
  id: 'csd-lock-no-wmb',
  title: 'csd_lock without its smp_wmb',
  story: 'CPU0 locks a CSD and fills func and info without the smp_wmb after setting the lock bit, then queues it to CPU1. Another CPU that sees the new func/info could still see the CSD unlocked. In this kit every path from the field stores to a reader goes through the fully ordered llist_add cmpxchg (or the owner itself), so the barrier is redundant here: the audit shows it missed under every model, which is the finding (the kernel keeps the smp_wmb for readers outside the queue, e.g. csd_lock_wait debug).',
  origin: 'classic (missing write barrier)',
  breaks: ['INV-ONE-OWNER'],
  impl: { csd_lock: csdLockNoWmb },
  audit: { caughtBy: [], memory: [], note: 'expected missed under every model: the publishing cmpxchg is fully ordered, which subsumes the smp_wmb' },
});
