/**
 * take-all without an atomic exchange (implementation and model).
 */
import { type Ctx, defineVariant, NULL, type Proto, STEP } from '../api.js';

function* llistDelAllNoXchg(c: Ctx, head: number): Proto<number> {
  yield STEP;
  // broken: a node added between the load and the store is dropped with the old head
  const n = c.a.READ_ONCE(head);
  yield STEP;
  c.a.WRITE_ONCE(head, NULL);
  return n;
}

export default defineVariant(import.meta.url, {
  id: 'del-all-no-xchg',
  title: 'take-all without an atomic exchange',
  story: 'CPU1 reads head == A (load), CPU0 pushes B (head = B -> A), CPU1 stores head = NULL: B was never seen by CPU1 and is now unreachable. The function is lost; a waiting CPU0 spins forever.',
  origin: 'classic (lost update)',
  formerly: ['del-all-not-atomic'],
  breaks: ['INV-NO-LOST-CALL', 'INV-ONE-OWNER', 'INV-NO-DEADLOCK'],
  impl: { llist_del_all: llistDelAllNoXchg },
  model: {
    semantics: { delAllClears: false },
    actions: ['flushTake', 'idleFlush'],
    workload: 'async-ebusy',
    cpus: 3,
    breaks: ['INV-ONE-OWNER'],
  },
  audit: { caughtBy: ['model', 'props', 'det-random', 'det-pct'] },
});
