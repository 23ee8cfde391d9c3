/**
 * idle stops polling without re-checking the queue (implementation and model).
 */
import { type Ctx, defineVariant, FLAG_IDLE_POLL, H_FLAGS, haltIdle, pollIdle, type Proto } from '../api.js';

function* doIdleNoRecheck(c: Ctx, seq: number): Proto {
  if ((Atomics.load(c.m, H_FLAGS) & FLAG_IDLE_POLL) !== 0 && c.pollSpins > 0) {
    yield* pollIdle(c, seq); // broken: neither NEED_RESCHED nor the queue is looked at afterwards
  }
  yield* haltIdle(c, seq);
}

export default defineVariant(import.meta.url, {
  id: 'idle-no-recheck',
  title: 'idle stops polling without re-checking the queue',
  story: 'CPU1 polls in idle, so CPU0 queues without an IPI (the polling CPU will see it). CPU1 then stops polling and halts without re-checking need_resched / its queue after clearing the polling flag: the entry queued in between is never run.',
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
