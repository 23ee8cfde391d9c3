/**
 * llist_add publishes the node with a relaxed cmpxchg (implementation only: the model is SC).
 * A barrier fault: invisible under sc, found under lkmm.
 */
import { type Ctx, defineVariant, F_NEXT, NULL, type Proto, STEP } from '../api.js';

function* llistAddRelaxed(c: Ctx, head: number, node: number): Proto<boolean> {
  const next = c.L.csd(node, F_NEXT);
  yield STEP;
  let h = c.a.READ_ONCE(head);
  for (;;) {
    yield STEP;
    c.a.WRITE_ONCE(next, h);
    yield STEP;
    const seen = c.a.cmpxchg_relaxed(head, h, node); // broken: not ordered after the node's fields
    if (seen === h) return h === NULL;
    h = seen;
  }
}

export default defineVariant(import.meta.url, {
  id: 'B1-publish-relaxed',
  title: 'queue node published before its fields are visible (relaxed publishing cmpxchg)',
  story: 'CPU0 locks a CSD, stores its func, info and next, and links it onto CPU1\'s call_single_queue with a relaxed cmpxchg. CPU1 takes the list with its fully ordered xchg and reads the node, but nothing ordered CPU0\'s field stores before the publishing store: CPU1 may read the CSD\'s previous func/info or a stale next pointer, running the wrong call or losing the rest of the list. Sequentially consistent memory hides it; the kernel needs the cmpxchg to be fully ordered (B1 was the 2011 publication-order bug of the old list design).',
  origin: 'B1: e6cd1e07a185 (publication order; here as a missing barrier)',
  breaks: ['INV-NO-LOST-CALL', 'INV-RUN-ON-TARGET', 'INV-NO-DEADLOCK'],
  impl: { llist_add: llistAddRelaxed },
  audit: { caughtBy: [], memory: ['lkmm'], note: 'a barrier fault: no run under sc can show it; tso keeps stores in order (x86 cmpxchg is locked), so only lkmm finds it' },
});
