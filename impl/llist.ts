/**
 * The lock-free call_single_queue (kernel llist): many producers push one node with a CAS on the
 * head, the owning CPU takes everything with one exchange and reverses it to FIFO order.
 */
import { F_NEXT, H_LIST_CORRUPT, NULL } from './layout.js';
import { STEP, type Ctx, type Proto } from './memory.js';

/** llist_add: returns true iff the list was empty before (the producer must then kick the owner). */
export function* llistAdd(c: Ctx, head: number, node: number): Proto<boolean> {
  const m = c.m;
  const next = c.L.csd(node, F_NEXT);
  yield STEP;
  let h = Atomics.load(m, head);
  for (;;) {
    yield STEP;
    Atomics.store(m, next, h); // node not reachable yet; the CAS below publishes it (release)
    yield STEP;
    const seen = Atomics.compareExchange(m, head, h, node); // publishes node with its fields set
    if (seen === h) return h === NULL;
    h = seen;
  }
}

/** llist_del_all + llist_reverse_order: the batch, oldest first. The batch is private afterwards. */
export function* llistDelAllReversed(c: Ctx, head: number): Proto<number[]> {
  yield STEP;
  let n = Atomics.exchange(c.m, head, NULL); // acquire: sees every node's fields as published
  const out: number[] = [];
  const bound = c.L.csdCount;
  while (n !== NULL) {
    if (out.length > bound) {
      // A node queued twice makes a cycle (B6): report instead of looping forever.
      Atomics.add(c.m, H_LIST_CORRUPT, 1);
      break;
    }
    out.push(n);
    n = Atomics.load(c.m, c.L.csd(n, F_NEXT));
  }
  out.reverse();
  return out;
}

/** llist_empty (a racy snapshot, as in the kernel). */
export function* llistEmpty(c: Ctx, head: number): Proto<boolean> {
  yield STEP;
  return Atomics.load(c.m, head) === NULL;
}
