/**
 * B2: the many-call's IPI mask computed after publication from state the receivers change (the
 * target queues), not from the sender's own llist_add results (implementation only).
 */
import {
  B_CPUMASK, B_CPUMASK_IPI, C_CFD, C_IRQS_OFF, C_QUEUE, cpuOnline, CS_MANY_COND, CSD_TYPE_SYNC, csdDoFunc, type Ctx,
  defineVariant, EV_CSD_QUEUE_CPU, expect, F_FLAGS, fill, NULL, type Proto, SCF_RUN_LOCAL, SCF_WAIT,
  STEP, tracepoint, warnIfIrqsOff,
} from '../api.js';

function* manyCondIpiFromQueues(
  c: Ctx, mask: number, func: number, info: number, scfFlags: number, cond: number | null,
): Proto<number> {
  const m = c.a;
  const L = c.L;
  const me = c.cpu;
  const wait = (scfFlags & SCF_WAIT) !== 0;
  yield* warnIfIrqsOff(c);
  // a. one snapshot of mask ∩ online − {this}
  let online = 0;
  for (let t = 0; t < L.ncpus; t++) if (yield* cpuOnline(c, t)) online |= 1 << t;
  const targets = mask & online & ~(1 << me);
  let runRemote = false;
  let nrCpus = 0;
  let lastCpu = -1;
  let ipiMask = 0;
  let waitMask = 0;
  if (targets !== 0) {
    yield STEP;
    const cfd = m.READ_ONCE(L.cpu(me, C_CFD));
    waitMask = targets;
    yield STEP;
    m.WRITE_ONCE(L.cfd(cfd, B_CPUMASK), waitMask);
    m.WRITE_ONCE(L.cfd(cfd, B_CPUMASK_IPI), 0);
    for (let t = 0; t < L.ncpus; t++) {
      const bit = 1 << t;
      if ((targets & bit) === 0) continue;
      if (cond !== null && (cond & bit) === 0) {
        waitMask &= ~bit;
        yield STEP;
        m.WRITE_ONCE(L.cfd(cfd, B_CPUMASK), waitMask);
        continue;
      }
      runRemote = true; // "work was enqueued" decides the wait, not "an IPI was sent" (B9)
      const csd = L.cfdCsd(cfd, t);
      yield* c.k.csd_lock(c, csd); // waits for the previous use of this (sender, target) CSD
      if (wait) {
        yield STEP;
        const fl = L.csd(csd, F_FLAGS);
        m.WRITE_ONCE(fl, m.READ_ONCE(fl) | CSD_TYPE_SYNC); // unlock reset the type: OR it in on every use
      }
      yield* fill(c, csd, func, info, t);
      yield* expect(c, info, t);
      if (c.traceOn) tracepoint(c, EV_CSD_QUEUE_CPU, t, CS_MANY_COND, func, csd);
      yield* c.k.llist_add(c, L.cpu(t, C_QUEUE), csd); // broken: whether the queue was empty is not kept
    }
    // broken: the IPI mask is computed after publication from state the receivers change — the
    // targets whose queue is still non-empty now (a receiver that already took its list is
    // skipped, a queue someone else made non-empty is kicked again)
    for (let t = 0; t < L.ncpus; t++) {
      if ((waitMask & (1 << t)) === 0) continue;
      yield STEP;
      if (m.READ_ONCE(L.cpu(t, C_QUEUE)) !== NULL) {
        ipiMask |= 1 << t;
        nrCpus++;
        lastCpu = t;
      }
    }
    yield STEP;
    m.WRITE_ONCE(L.cfd(cfd, B_CPUMASK_IPI), ipiMask);
    if (nrCpus === 1) yield* c.k.send_call_function_single_ipi(c, lastCpu, CS_MANY_COND);
    else if (nrCpus > 1) yield* c.k.send_call_function_ipi_mask(c, ipiMask, CS_MANY_COND);
  }
  // 2. local run after the remote kick, concurrently with the remote executions
  if ((scfFlags & SCF_RUN_LOCAL) !== 0 && (mask & (1 << me)) !== 0 && (cond === null || (cond & (1 << me)) !== 0)) {
    yield* expect(c, info, me);
    const irq = L.cpu(me, C_IRQS_OFF);
    yield STEP;
    const was = Atomics.load(c.m, irq); // local_irq_save
    Atomics.store(c.m, irq, 1);
    yield* csdDoFunc(c, func, info, NULL, false);
    Atomics.store(c.m, irq, was);
  }
  // 3. wait on exactly the CSDs enqueued (INV-WAIT-SET)
  if (runRemote && wait) {
    yield STEP;
    const cfd = m.READ_ONCE(L.cpu(me, C_CFD));
    for (let t = 0; t < L.ncpus; t++) {
      if ((waitMask & (1 << t)) !== 0) yield* c.k.csd_lock_wait(c, L.cfdCsd(cfd, t));
    }
  }
  return 0;
}

export default defineVariant(import.meta.url, {
  id: 'B2-ipi-mask-from-queues',
  title: 'many-call IPI mask computed from state the receivers change',
  story: 'CPU0 calls smp_call_function_many({1,2}). It queues its CSDs on CPU1 and CPU2 but, instead of keeping which llist_add found an empty queue (cfd->cpumask_ipi), it builds the IPI mask afterwards from the queues themselves: every target whose queue is still non-empty. The receivers change that state under it. CPU2, already in its flush (woken by another sender), takes the list with CPU0\'s entry and empties its queue: CPU0 leaves CPU2 out of the mask although its llist_add made that queue non-empty (a partial, possibly empty mask, as in 2013 when the mask was the cfd->cpumask receivers cleared), and it kicks CPU1 whose queue another CPU made non-empty and already kicked. The producer that made a queue non-empty is no longer the one that kicks it (INV-KICK). The kernel fix: snapshot the mask before publication; today cpumask_ipi is built from the sender\'s own llist_add results only.',
  origin: 'B2: 2013 cpumask_ipi copy (commit id unverified, smp-semantics.md §8)',
  breaks: ['INV-KICK'],
  impl: { smp_call_function_many_cond: manyCondIpiFromQueues },
  audit: {
    caughtBy: ['props'],
    memory: ['tso', 'lkmm'],
    note: 'a logic race, not a reordering: the receivers\' llist_del_all races with the sender\'s re-read of the queue under sc already (the sender reads its own fully ordered llist_add or newer, so no weak model adds a behaviour); caught under sc, tso and lkmm alike',
  },
});
