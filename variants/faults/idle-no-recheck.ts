/**
 * idle stops polling without testing NEED_RESCHED (current_clr_polling without the test; implementation and model).
 */
import { type Ctx, defineVariant, FLAG_IDLE_POLL, H_FLAGS, haltIdle, pollIdle, type Proto } from '../api.js';

function* doIdleNoRecheck(c: Ctx, seq: number): Proto {
  if ((Atomics.load(c.m, H_FLAGS) & FLAG_IDLE_POLL) !== 0 && c.pollSpins > 0) {
    yield* pollIdle(c, seq); // broken: the NEED_RESCHED it returns is not looked at: halt regardless
  }
  yield* haltIdle(c, seq);
}

export default defineVariant(import.meta.url, {
  id: 'idle-no-recheck',
  title: 'idle stops polling without testing NEED_RESCHED',
  story: 'CPU1 polls in idle, so CPU0 queues without an IPI (the polling CPU will see it). CPU1 then clears the polling flag and halts without testing need_resched (current_clr_polling instead of current_clr_polling_and_test): a NEED_RESCHED set just before the clear is ignored, and the entry it stood for is never run.',
  origin: 'classic (lost wake-up around TIF_POLLING_NRFLAG)',
  breaks: ['INV-IPI-OR-POLL', 'INV-NO-LOST-CALL'],
  impl: { do_idle: doIdleNoRecheck },
  model: {
    semantics: { idleRecheck: false },
    guards: ['idleRecheckFinds?', 'idleHalts?'],
    workload: 'idle-poll',
    cpus: 3,
    breaks: ['INV-IPI-OR-POLL'],
  },
  audit: { caughtBy: ['model', 'props', 'det-random', 'det-pct'] },
});
