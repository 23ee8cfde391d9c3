/**
 * sched_ttwu_pending that wakes only the first task of the chain (implementation only).
 *
 * The flush hands sched_ttwu_pending the whole TTWU chain (one llist); a walk that stops after
 * its first node (a loop written as `if` where `while` was meant, or a chain cut by a wrong
 * `->next`) leaves every later task TASK_WAKING and never woken.
 */
import { type Ctx, defineVariant, type Proto, ttwuActivate } from '../api.js';

function* schedTtwuPendingFirstOnly(c: Ctx, chain: readonly number[], hardirq: boolean): Proto {
  const first = chain[0];
  if (first !== undefined) yield* ttwuActivate(c, first, hardirq); // broken: the rest of the chain is dropped
}

export default defineVariant(import.meta.url, {
  id: 'ttwu-chain-first-only',
  title: 'sched_ttwu_pending wakes only the first task of its chain',
  story: 'CPU0 and CPU2 both wake a task of CPU1 through CPU1\'s wakelist before CPU1 takes its queue: its flush finds two TTWU entries and hands the chain to sched_ttwu_pending, which activates the first task and returns. The second task stays TASK_WAKING, never runs, and every later wakeup of it fails as "already being woken".',
  origin: 'classic (a list walk that stops after one node)',
  breaks: ['INV-NO-LOST-CALL', 'INV-LOCK-RELEASED', 'INV-ORDER'],
  impl: { sched_ttwu_pending: schedTtwuPendingFirstOnly },
  audit: { caughtBy: ['props', 'det-random', 'det-pct', 'threads'] },
});
