/**
 * irq_work_queue_on that queues onto an offline CPU (implementation only).
 *
 * The kernel itself only WARNs on an offline target (its callers must keep the CPU online, e.g.
 * under cpus_read_lock) and queues all the same; a caller that does not keep it online loses the
 * work on the dead CPU's queue. The kit's correct irq_work_queue_on rejects the target (-ENXIO),
 * as the model does; this variant is the kernel path without a caller that keeps the target up.
 */
import {
  type Ctx, defineVariant, EBUSY, ENXIO, irqWorkClaim, irqWorkFillQueue, type Proto,
} from '../api.js';

function* irqWorkQueueOnOffline(c: Ctx, work: number, cpu: number, func: number, info: number): Proto<number> {
  if (cpu < 0 || cpu >= c.L.ncpus || cpu === c.cpu) return -ENXIO;
  // broken: no cpu_online(cpu) test (the kernel's WARN_ON_ONCE, then it queues anyway)
  if (!(yield* irqWorkClaim(c, work))) return -EBUSY;
  yield* irqWorkFillQueue(c, work, cpu, func, info);
  return 0;
}

export default defineVariant(import.meta.url, {
  id: 'irq-work-queue-offline',
  title: 'irq_work queued onto an offline CPU',
  story: 'CPU1 is down. CPU0 calls irq_work_queue_on(work, 1): nothing checks that CPU1 is online, the claim succeeds and the work is added to CPU1\'s call_single_queue, which nobody flushes (its dying flush has run). The call reports success, the work never runs while CPU1 is down and stays PENDING, so every later queueing of it fails; when CPU1 comes back it runs the stale work late.',
  origin: 'classic (irq_work_queue_on\'s WARN_ON_ONCE(cpu_is_offline(cpu)): a caller that does not hold the target online)',
  breaks: ['INV-ENXIO', 'INV-DYING-EMPTY', 'INV-RUN-ON-TARGET'],
  impl: { irq_work_queue_on: irqWorkQueueOnOffline },
  audit: { caughtBy: ['props', 'det-random', 'det-pct', 'threads'] },
});
