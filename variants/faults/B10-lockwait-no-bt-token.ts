/**
 * every lock-wait reporter backtraces the stuck target (B10) (implementation only: the model has no rule for it).
 */
import { type Ctx, defineVariant, SMP_C } from '../api.js';

// broken (B10): the token is taken, but every waiter backtraces the target anyway
function triggerBacktraceAlways(c: Ctx, cpu: number): boolean {
  SMP_C.trigger_backtrace(c, cpu);
  return true;
}

export default defineVariant(import.meta.url, {
  id: 'B10-lockwait-no-bt-token',
  title: 'every lock-wait reporter backtraces the stuck target (B10)',
  story: 'CPU1 stops responding with interrupts off. CPU0 and CPU2 both wait on CSDs queued to CPU1 and both pass csd_lock_timeout. Without a per-target token each waiter asks for an NMI backtrace of CPU1 (and dumps its own stack) on its report: N waiters give N backtraces of the same target each period, an NMI storm on the very CPU that is already in trouble. With the token the first waiter takes it and the target re-arms it when it next flushes.',
  origin: 'B10: 0d3a00b37042 (2023, Imran Khan); companion 5bd00f6db012',
  formerly: ['lockwait-no-bt-token'],
  breaks: ['DET-BT-TOKEN'],
  impl: { trigger_backtrace: triggerBacktraceAlways },
  audit: { caughtBy: ['detector'], note: 'liveness of the diagnostics (smp-semantics §5), not of the protocol' },
});
