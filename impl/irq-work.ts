/**
 * irq_work on another CPU (kernel/irq_work.c, the SMP path): a struct irq_work is a node that
 * shares the per-CPU call_single_queue with the CSDs, with CSD_TYPE_IRQ_WORK in its flags word.
 * Its owner is the CPU whose `C_IRQ_WORK` slot it is (like a caller-owned CSD); any context may
 * queue it, hardirq included. `func`/`info` are ours (the kernel's work->func gets the work and
 * finds its data through container_of; here the node carries the request id, as a CSD's info).
 *
 * The claim is the only exclusion: one fully ordered fetch_or of PENDING|BUSY (IRQ_WORK_CLAIMED)
 * and the type; whoever found PENDING clear owns the queueing. The flush's irq_work_single drops
 * PENDING before the func runs (the work may be queued again from then on, from its own func too)
 * and BUSY after it, unless it was claimed again meanwhile.
 */
import {
  CSD_TYPE_IRQ_WORK, F_DST, F_FLAGS, F_FUNC, F_INFO, F_SRC, IRQ_WORK_BUSY, IRQ_WORK_CLAIMED, IRQ_WORK_PENDING, NULL,
} from './layout.js';
import { EBUSY, ENXIO } from './errno.js';
import { csdDoFunc, csdLockRecord } from './flush.js';
import { STEP, type Ctx, type Proto } from './memory.js';
import { cpuOnline, expect } from './smp.js';
import { CS_IRQ_WORK_QUEUE_ON } from './trace-ring.js';

/** irq_work_claim: false if the work is already pending (queued, its func not started yet). */
export function* irqWorkClaim(c: Ctx, work: number): Proto<boolean> {
  yield STEP;
  const old = c.a.atomic_fetch_or(c.L.csd(work, F_FLAGS), IRQ_WORK_CLAIMED | CSD_TYPE_IRQ_WORK); // fully ordered
  return (old & IRQ_WORK_PENDING) === 0;
}

/**
 * irq_work_queue_on(work, cpu): 0 = queued, -EBUSY = already pending (the kernel returns false),
 * -ENXIO = `cpu` is not an online CPU other than this one. The kernel WARNs on an offline target
 * (callers must keep it online) and queues all the same; the kit rejects it, as the model does, so
 * the caller's bug (fault irq-work-queue-offline) shows as the lost or offline run it causes.
 * A work for this CPU itself goes to its lazy/raised list in the kernel, not to call_single_queue:
 * the kit's callers never ask for it (-EINVAL at posting).
 */
export function* irqWorkQueueOn(c: Ctx, work: number, cpu: number, func: number, info: number): Proto<number> {
  if (cpu < 0 || cpu >= c.L.ncpus || cpu === c.cpu || !(yield* cpuOnline(c, cpu))) return -ENXIO;
  if (!(yield* irqWorkClaim(c, work))) return -EBUSY;
  yield* irqWorkFillQueue(c, work, cpu, func, info);
  return 0;
}

/**
 * After a successful claim: fill the work (the claimer owns its fields until the flush drops
 * PENDING, which it copies them before), then __smp_call_single_queue onto `cpu`.
 */
export function* irqWorkFillQueue(c: Ctx, work: number, cpu: number, func: number, info: number): Proto {
  yield STEP;
  c.a.WRITE_ONCE(c.L.csd(work, F_FUNC), func);
  c.a.WRITE_ONCE(c.L.csd(work, F_INFO), info);
  c.a.WRITE_ONCE(c.L.csd(work, F_SRC), c.cpu);
  c.a.WRITE_ONCE(c.L.csd(work, F_DST), cpu);
  yield* expect(c, info, cpu);
  yield* c.k.__smp_call_single_queue(c, cpu, work, CS_IRQ_WORK_QUEUE_ON);
}

/**
 * irq_work_single, from the flush's second pass (interrupts off): copy func/info, drop PENDING
 * (fully ordered fetch_andnot: from here the work may be claimed again), run, then drop BUSY with
 * a cmpxchg that fails if someone claimed it meanwhile (the new claim keeps BUSY).
 * The kernel traces no csd_function_entry/exit here; the kit does (func, the work's node), so
 * that the order and refinement oracles see when the entry ran.
 */
export function* irqWorkSingle(c: Ctx, work: number, hardirq: boolean): Proto {
  const flagsIdx = c.L.csd(work, F_FLAGS);
  yield STEP;
  const func = c.a.READ_ONCE(c.L.csd(work, F_FUNC));
  const info = c.a.READ_ONCE(c.L.csd(work, F_INFO));
  yield* csdLockRecord(c, work, func);
  yield STEP;
  const flags = c.a.atomic_fetch_andnot(flagsIdx, IRQ_WORK_PENDING) & ~IRQ_WORK_PENDING;
  yield* csdDoFunc(c, func, info, work, hardirq);
  yield STEP;
  c.a.cmpxchg(flagsIdx, flags, flags & ~IRQ_WORK_BUSY);
  yield* csdLockRecord(c, NULL, 0);
}
