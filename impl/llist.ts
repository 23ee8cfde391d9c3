/**
 * The lock-free call_single_queue (kernel llist): many producers push one node with a CAS on the
 * head, the owning CPU takes everything with one exchange and reverses it to FIFO order.
 */
import { F_NEXT, H_LIST_CORRUPT, NULL } from './layout.js';
import { STEP, type Ctx, type Proto } from './memory.js';

/** llist_add: returns true iff the list was empty before (the producer must then kick the owner). */
export function* llistAdd(c: Ctx, head: number, node: number): Proto<boolean> {
  const next = c.L.csd(node, F_NEXT);
  yield STEP;
  let h = c.a.READ_ONCE(head);
  for (;;) {
    yield STEP;
    c.a.WRITE_ONCE(next, h); // node not reachable yet; the cmpxchg below publishes it
    yield STEP;
    const seen = c.a.cmpxchg(head, h, node); // fully ordered: publishes node with its fields set
    if (seen === h) return h === NULL;
    h = seen;
  }
}

/** llist_del_all: the whole list with one xchg (fully ordered: sees every node's fields as published). */
export function* llistDelAll(c: Ctx, head: number): Proto<number> {
  yield STEP;
  return c.a.xchg(head, NULL);
}

/**
 * llist_reverse_order over the private chain from `first`: oldest first. Not a scheduling point
 * (the chain is private after llist_del_all). A node queued twice makes a cycle (B6): reported
 * in H_LIST_CORRUPT instead of looping forever.
 */
export function llistReverseOrder(c: Ctx, first: number): number[] {
  const out = llistChain(c, first);
  out.reverse();
  return out;
}

/** The chain from `first` in list order (newest first), cut at a cycle. For variants too. */
export function llistChain(c: Ctx, first: number): number[] {
  const out: number[] = [];
  const bound = c.L.csdCount;
  let n = first;
  while (n !== NULL) {
    if (out.length > bound) {
      Atomics.add(c.m, H_LIST_CORRUPT, 1);
      break;
    }
    out.push(n);
    n = c.a.READ_ONCE(c.L.csd(n, F_NEXT));
  }
  return out;
}

/** llist_empty (a racy snapshot, as in the kernel). */
export function* llistEmpty(c: Ctx, head: number): Proto<boolean> {
  yield STEP;
  return c.a.READ_ONCE(head) === NULL;
}
