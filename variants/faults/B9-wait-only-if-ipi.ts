/**
 * many-call waits only when it sent an IPI (B9) (implementation and model).
 */
import {
  B_CPUMASK, B_CPUMASK_IPI, C_CFD, C_IRQS_OFF, C_QUEUE, cpuOnline, CS_MANY_COND, CSD_TYPE_SYNC, csdDoFunc, type Ctx,
  defineVariant, EV_CSD_QUEUE_CPU, expect, F_FLAGS, fill, NULL, type Proto, SCF_RUN_LOCAL, SCF_WAIT,
  STEP, tracepoint, warnIfIrqsOff,
} from '../api.js';

function* manyCondWaitIfIpi(
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
      if (yield* c.k.llist_add(c, L.cpu(t, C_QUEUE), csd)) {
        ipiMask |= bit;
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
  // broken (B9): "an IPI was sent" decides the wait, not "work was enqueued"
  if (nrCpus > 0 && wait) {
    yield STEP;
    const cfd = m.READ_ONCE(L.cpu(me, C_CFD));
    for (let t = 0; t < L.ncpus; t++) {
      if ((waitMask & (1 << t)) !== 0) yield* c.k.csd_lock_wait(c, L.cfdCsd(cfd, t));
    }
  }
  return 0;
}

export default defineVariant(import.meta.url, {
  id: 'B9-wait-only-if-ipi',
  title: 'many-call waits only when it sent an IPI (B9)',
  story: 'CPU2 queues an async entry on CPU1 and sends the IPI; CPU1 has not flushed yet. CPU0 calls smp_call_function_many(wait=1) for CPU1: its llist_add finds the queue non-empty, so no IPI is needed and nr_cpus stays 0; CPU0 skips the wait and returns, its caller frees info; CPU1 then flushes and runs CPU0\'s function on freed memory.',
  origin: 'B9: 946a72819825 (2025, Rik van Riel), replacing reverted a12a498a9738',
  formerly: ['b9-wait-only-if-ipi', 'many-wait-if-ipi'],
  breaks: ['INV-WAIT-SET', 'INV-SYNC-AFTER-RUN'],
  impl: { smp_call_function_many_cond: manyCondWaitIfIpi },
  model: {
    semantics: { manyWaitIf: 'ipi-sent' },
    guards: ['manySendWait?', 'manySendReturn?'],
    workload: 'many-nonempty',
    cpus: 2,
    breaks: ['INV-WAIT-SET', 'INV-SYNC-AFTER-RUN'],
  },
  audit: { caughtBy: ['model', 'props', 'det-random', 'det-pct'] },
});
