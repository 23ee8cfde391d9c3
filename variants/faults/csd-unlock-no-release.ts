/**
 * csd_unlock clears the lock with WRITE_ONCE instead of smp_store_release.
 */
import { type Ctx, CSD_FLAG_LOCK, defineVariant, F_FLAGS, F_SRC, H_UNLOCK_WARN, kick, type Proto, STEP } from '../api.js';

function* csdUnlockRelaxed(c: Ctx, csd: number): Proto {
  const idx = c.L.csd(csd, F_FLAGS);
  yield STEP;
  const f = c.a.READ_ONCE(idx);
  if ((f & CSD_FLAG_LOCK) === 0) Atomics.add(c.m, H_UNLOCK_WARN, 1);
  const owner = c.a.READ_ONCE(c.L.csd(csd, F_SRC));
  yield STEP;
  c.a.WRITE_ONCE(idx, 0); // broken: the function's stores are not ordered before the unlock
  if (owner >= 0 && owner < c.L.ncpus) kick(c, owner);
}

export default defineVariant(import.meta.url, {
  id: 'csd-unlock-no-release',
  title: 'csd_unlock without release (WRITE_ONCE of the flags word)',
  story: 'CPU0 calls smp_call_function_single(1, f, wait=1) and spins in csd_lock_wait. CPU1 runs f, which stores its result, then clears the lock bit with a plain WRITE_ONCE. CPU0\'s acquire load sees the bit clear, returns, and reads f\'s result: nothing ordered that store before the unlock, so CPU0 may read the old value although "wait" promised the function had finished. Invisible under sc and tso (x86 stores are ordered), found under lkmm.',
  origin: 'classic (missing release in a lock handover)',
  breaks: ['INV-SYNC-AFTER-RUN'],
  impl: { csd_unlock: csdUnlockRelaxed },
  audit: { caughtBy: [], memory: ['lkmm'], note: 'a barrier fault: only a model that reorders stores (lkmm) can show it' },
});
