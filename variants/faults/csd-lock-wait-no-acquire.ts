/**
 * csd_lock_wait polls the lock bit with READ_ONCE instead of smp_cond_load_acquire.
 */
import { type Ctx, CSD_FLAG_LOCK, defineVariant, F_FLAGS, type Proto, STEP, WAIT } from '../api.js';

function* csdLockWaitRelaxed(c: Ctx, csd: number, sleepBoundMs = Infinity): Proto {
  const idx = c.L.csd(csd, F_FLAGS);
  for (;;) {
    yield STEP;
    const f = c.a.READ_ONCE(idx); // broken: later loads are not ordered after seeing the bit clear
    if ((f & CSD_FLAG_LOCK) === 0) {
      c.waitTimeoutMs = Infinity;
      return;
    }
    c.waitTimeoutMs = sleepBoundMs;
    c.waitIdx = idx;
    c.waitVal = f;
    yield WAIT;
  }
}

export default defineVariant(import.meta.url, {
  id: 'csd-lock-wait-no-acquire',
  title: 'csd_lock_wait without acquire (READ_ONCE poll of the lock bit)',
  story: 'CPU0 waits for its synchronous call to CPU1 with a plain READ_ONCE of the lock bit. CPU1 runs the function (its result stored) and releases the lock. CPU0 sees the bit clear, but without the acquire its following load of the result is not ordered after that: it may read the value from before the function ran. Invisible under sc and tso (x86 loads are ordered), found under lkmm. (No csdlock_debug reports in this variant.)',
  origin: 'classic (missing acquire in a lock handover)',
  breaks: ['INV-SYNC-AFTER-RUN'],
  impl: { csd_lock_wait: csdLockWaitRelaxed },
  audit: { caughtBy: [], memory: ['lkmm'], note: 'a barrier fault: only a model that reorders loads (lkmm) can show it' },
});
