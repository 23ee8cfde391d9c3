/**
 * Worked variant 3 (harmless): a refactor of llist_add that re-reads the head before every
 * attempt instead of reusing the value a failed cmpxchg returned. One more load per retry, the same
 * linearisation point (the successful cmpxchg), the same "was empty" answer. It must pass:
 *
 *   npx smpcheck check --variant examples/variants/llist-add-reread.ts      # exit 0
 */
import { type Ctx, defineVariant, F_NEXT, NULL, type Proto, STEP } from '../../variants/api.js';

function* llistAddReread(c: Ctx, head: number, node: number): Proto<boolean> {
  const next = c.L.csd(node, F_NEXT);
  for (;;) {
    yield STEP;
    const h = c.a.READ_ONCE(head); // re-read on every attempt instead of reusing cmpxchg's result
    yield STEP;
    c.a.WRITE_ONCE(next, h);
    yield STEP;
    if (c.a.cmpxchg(head, h, node) === h) return h === NULL;
  }
}

export default defineVariant(import.meta.url, {
  id: 'example-llist-add-reread',
  title: 'llist_add re-reads the head on every attempt',
  story: 'A producer that loses the cmpxchg race reads the head again with READ_ONCE before retrying, instead of retrying with the value the failed cmpxchg returned. Same queue contents, same empty-edge answer, so every invariant must still hold.',
  origin: 'example',
  breaks: [],
  impl: { llist_add: llistAddReread },
});
