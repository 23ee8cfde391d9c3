/**
 * csd_lock that does not wait (implementation only: the model has no rule for it).
 */
import { CSD_FLAG_LOCK, type Ctx, defineVariant, F_FLAGS, type Proto, STEP } from '../api.js';

function* csdLockNoWait(c: Ctx, csd: number): Proto {
  // broken: no csd_lock_wait, the previous use may still be queued
  const idx = c.L.csd(csd, F_FLAGS);
  yield STEP;
  const f = c.a.READ_ONCE(idx);
  yield STEP;
  c.a.WRITE_ONCE(idx, f | CSD_FLAG_LOCK);
  c.a.smp_wmb();
}

export default defineVariant(import.meta.url, {
  id: 'csd-lock-no-wait',
  title: 'csd_lock that does not wait',
  story: 'CPU0\'s async call on CPU1 is still queued (lock bit set) when CPU0 makes its next async call with the same per-CPU csd_data. csd_lock sets the bit without waiting, CPU0 refills func/info and llist_adds the node again: the queued node is overwritten (lost call) or queued twice (cycle, double run).',
  origin: 'classic (B1-like reuse of a descriptor still owned by a receiver)',
  breaks: ['INV-NO-REUSE-LOCKED', 'INV-ONE-OWNER', 'INV-NO-LOST-CALL', 'INV-NO-DOUBLE-RUN'],
  impl: { csd_lock: csdLockNoWait },
  audit: { caughtBy: ['props', 'det-random', 'det-pct'] },
});
