/**
 * irq_work claimed with a plain read and a plain write (implementation only).
 *
 * irq_work_claim must be one atomic RMW (a fetch_or of PENDING|BUSY): the queuer that finds
 * PENDING clear owns the queueing. With a read, a test and a separate write, two CPUs queueing
 * one shared irq_work both read PENDING clear, both claim it and both llist_add its one node: the
 * same shape as B11 (a node queued twice, pointing to itself) for an irq_work.
 */
import {
  CSD_TYPE_IRQ_WORK, type Ctx, cpuOnline, defineVariant, EBUSY, ENXIO, F_FLAGS, IRQ_WORK_CLAIMED, IRQ_WORK_PENDING,
  irqWorkFillQueue, type Proto, STEP,
} from '../api.js';

function* irqWorkQueueOnPlainClaim(c: Ctx, work: number, cpu: number, func: number, info: number): Proto<number> {
  if (cpu < 0 || cpu >= c.L.ncpus || cpu === c.cpu || !(yield* cpuOnline(c, cpu))) return -ENXIO;
  const flags = c.L.csd(work, F_FLAGS);
  yield STEP;
  const old = c.a.READ_ONCE(flags);
  if ((old & IRQ_WORK_PENDING) !== 0) return -EBUSY;
  yield STEP;
  c.a.WRITE_ONCE(flags, old | IRQ_WORK_CLAIMED | CSD_TYPE_IRQ_WORK); // broken: not one RMW with the test
  yield* irqWorkFillQueue(c, work, cpu, func, info);
  return 0;
}

export default defineVariant(import.meta.url, {
  id: 'irq-work-claim-not-atomic',
  title: 'irq_work claimed with a plain read and write: two queuers both claim it',
  story: 'CPU0 and CPU2 both call irq_work_queue_on(w, 1) on one irq_work (like a root domain\'s push work that several CPUs queue). Both read w\'s flags with PENDING clear before either writes PENDING|BUSY, so both own the claim, both fill w (the second request overwrites the first\'s data) and both llist_add w\'s one node onto CPU1\'s queue: the second add makes the node point to itself, and CPU1\'s flush walks the cycle forever (the kit cuts it and reports it), or runs one request twice and the other never.',
  origin: 'classic (a test-and-set split into a load and a store; irq_work_claim is one atomic_fetch_or)',
  breaks: ['INV-ONE-OWNER', 'INV-NO-REUSE-LOCKED', 'INV-NO-DOUBLE-RUN'],
  impl: { irq_work_queue_on: irqWorkQueueOnPlainClaim },
  audit: { caughtBy: ['props', 'det-random'] },
});
