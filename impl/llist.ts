/**
 * The lock-free call_single_queue (kernel llist): many producers push one node with a CAS on the
 * head, the owning CPU takes everything with one exchange and reverses it to FIFO order.
 */
import { F_NEXT, H_LIST_CORRUPT, NULL } from './layout.js';
import { F_DEL_ALL_NO_XCHG, F_LLIST_ADD_NO_CAS, F_LLIST_NOT_REVERSED } from './faults.js';
import { STEP, type Ctx, type Proto } from './memory.js';

/** llist_add: returns true iff the list was empty before (the producer must then kick the owner). */
export function* llistAdd(c: Ctx, head: number, node: number): Proto<boolean> {
  const m = c.m;
  const next = c.L.csd(node, F_NEXT);
  yield STEP;
  let h = Atomics.load(m, head);
  if ((c.faults & F_LLIST_ADD_NO_CAS) !== 0) {
    // broken: a producer that raced in between is overwritten (its node is lost)
    yield STEP;
    Atomics.store(m, next, h);
    yield STEP;
    Atomics.store(m, head, node);
    return h === NULL;
  }
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
  let n: number;
  if ((c.faults & F_DEL_ALL_NO_XCHG) !== 0) {
    // broken: a node added between the load and the store is dropped with the old head
    n = Atomics.load(c.m, head);
    yield STEP;
    Atomics.store(c.m, head, NULL);
  } else n = Atomics.exchange(c.m, head, NULL); // acquire: sees every node's fields as published
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
  if ((c.faults & F_LLIST_NOT_REVERSED) === 0) out.reverse();
  return out;
}

/** llist_empty (a racy snapshot, as in the kernel). */
export function* llistEmpty(c: Ctx, head: number): Proto<boolean> {
  yield STEP;
  return Atomics.load(c.m, head) === NULL;
}
