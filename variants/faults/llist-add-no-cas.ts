/**
 * lock-free push without CAS (plain read-then-write) (implementation only: the model has no rule for it).
 */
import { type Ctx, defineVariant, F_NEXT, NULL, type Proto, STEP } from '../api.js';

function* llistAddNoCas(c: Ctx, head: number, node: number): Proto<boolean> {
  const next = c.L.csd(node, F_NEXT);
  yield STEP;
  const h = c.a.READ_ONCE(head);
  // broken: a producer that raced in between is overwritten (its node is lost)
  yield STEP;
  c.a.WRITE_ONCE(next, h);
  yield STEP;
  c.a.WRITE_ONCE(head, node);
  return h === NULL;
}

export default defineVariant(import.meta.url, {
  id: 'llist-add-no-cas',
  title: 'lock-free push without CAS (plain read-then-write)',
  story: 'CPU0 and CPU2 push to CPU1\'s queue at once. Both read head == A, both write their node\'s next = A, both store head = own node: the first store is overwritten, its node is unreachable, its function never runs and (wait=1) its caller spins forever.',
  origin: 'classic (lost update)',
  breaks: ['INV-NO-LOST-CALL', 'INV-LOCK-RELEASED', 'INV-NO-DEADLOCK'],
  impl: { llist_add: llistAddNoCas },
  audit: { caughtBy: ['props', 'det-random', 'det-pct'] },
});
