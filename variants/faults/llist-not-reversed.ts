/**
 * list not reversed (batch runs newest first) (implementation only: the model has no rule for it).
 */
import { type Ctx, defineVariant, llistChain } from '../api.js';

// broken: llist_reverse_order skipped, the batch runs newest first
function llistNotReversed(c: Ctx, first: number): number[] {
  return llistChain(c, first);
}

export default defineVariant(import.meta.url, {
  id: 'llist-not-reversed',
  title: 'list not reversed (batch runs newest first)',
  story: 'CPU0 queues a then b (both async) on CPU1 before CPU1 takes its interrupt. llist is LIFO: without llist_reverse_order CPU1 runs b before a. No call is lost or doubled; only the FIFO order within one flush pass changes, which the kernel keeps but does not promise to callers.',
  origin: 'classic',
  breaks: ['INV-ORDER', 'DET-FIFO'],
  impl: { llist_reverse_order: llistNotReversed },
  audit: { caughtBy: ['props', 'detector'], note: 'the kernel\'s INV-ORDER (smp-semantics §7) only demands SYNC before ASYNC; the property suite\'s INV-ORDER observer also checks queue order within each pass, so it catches it (a batch of two same-type entries suffices); the directed DET-FIFO check (two async entries from one CPU, run order read from the trace) catches it without search. The model explorer cannot: its flush is not list-ordered' },
});
