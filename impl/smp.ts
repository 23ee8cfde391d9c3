/**
 * The calls of kernel/smp.c (smp-protocol.md §2). Thin wrappers over generic_exec_single and
 * smp_call_function_many_cond, as in the kernel. `info` is a request id (see requests.ts).
 * The caller's "preemption disabled" window is the whole generator run: a CPU leaves it only by
 * returning to its command loop, which is where stop_machine can catch it (hotplug.ts).
 * Named kernel functions are called through the system's table `c.k` (kernel.ts).
 */
import {
  C_CFD, C_CSD_DATA, C_IRQS_OFF, C_QUEUE, C_STATE, CSD_FLAG_LOCK, CSD_TYPE_SYNC, F_DST, F_FLAGS, F_FUNC,
  F_INFO, F_SRC, H_IRQS_OFF_WARN, HP_ONLINE, NULL, B_CPUMASK, B_CPUMASK_IPI, R_EXPECTED,
} from './layout.js';
import { EBUSY, ENXIO } from './errno.js';
import { csdDoFunc } from './flush.js';
import { STEP, type Ctx, type Proto } from './memory.js';
import { CS_GENERIC_EXEC_SINGLE, CS_MANY_COND, EV_CSD_QUEUE_CPU, tracepoint } from './trace-ring.js';

export const SCF_WAIT = 1;
export const SCF_RUN_LOCAL = 2;

export function* expect(c: Ctx, info: number, cpu: number): Proto {
  if (info < 0 || info >= c.L.reqCap) return;
  yield STEP;
  // before the llist_add that publishes the CSD: the target may run it at once
  Atomics.or(c.m, c.L.req(info, R_EXPECTED), 1 << cpu);
}

export function* irqsDisabled(c: Ctx): Proto<boolean> {
  yield STEP;
  return Atomics.load(c.m, c.L.cpu(c.cpu, C_IRQS_OFF)) !== 0;
}

export function* cpuOnline(c: Ctx, cpu: number): Proto<boolean> {
  yield STEP;
  return c.a.READ_ONCE(c.L.cpu(cpu, C_STATE)) === HP_ONLINE;
}

/**
 * The kernel's check at the top of smp_call_function_single and smp_call_function_many_cond: a
 * call made with interrupts off on an online CPU WARNs (deadlock risk, smp-semantics §2.5) — for
 * every call, waiting or not — and then carries on. Counted in H_IRQS_OFF_WARN (irqsOffWarnings).
 */
export function* warnIfIrqsOff(c: Ctx): Proto {
  if ((yield* irqsDisabled(c)) && (yield* cpuOnline(c, c.cpu))) Atomics.add(c.m, H_IRQS_OFF_WARN, 1);
}

/** __smp_call_single_queue: trace before queueing (the node may be consumed at once), then kick. */
export function* smpCallSingleQueue(c: Ctx, cpu: number, csd: number, callsite: number): Proto {
  if (c.traceOn) {
    yield STEP;
    tracepoint(c, EV_CSD_QUEUE_CPU, cpu, callsite, c.a.READ_ONCE(c.L.csd(csd, F_FUNC)), csd);
  }
  if (yield* c.k.llist_add(c, c.L.cpu(cpu, C_QUEUE), csd)) yield* c.k.send_call_function_single_ipi(c, cpu, callsite);
}

/** generic_exec_single: the CSD is locked and filled by the caller. */
export function* genericExecSingle(c: Ctx, cpu: number, csd: number, callsite: number): Proto<number> {
  const m = c.a;
  const L = c.L;
  if (cpu === c.cpu) {
    // Self-call: unlock first (safe: same CPU, nobody else can see this CSD), run with irqs off.
    yield STEP;
    const func = m.READ_ONCE(L.csd(csd, F_FUNC));
    const info = m.READ_ONCE(L.csd(csd, F_INFO));
    yield* expect(c, info, cpu);
    yield* c.k.csd_unlock(c, csd);
    const irq = L.cpu(c.cpu, C_IRQS_OFF);
    const was = Atomics.load(c.m, irq); // local_irq_save: this CPU's own flag
    Atomics.store(c.m, irq, 1);
    yield* csdDoFunc(c, func, info, NULL, false);
    Atomics.store(c.m, irq, was);
    return 0;
  }
  if (cpu < 0 || cpu >= L.ncpus || !(yield* cpuOnline(c, cpu))) {
    yield* c.k.csd_unlock(c, csd);
    return -ENXIO; // INV-ENXIO: func never runs
  }
  yield STEP;
  yield* expect(c, m.READ_ONCE(L.csd(csd, F_INFO)), cpu);
  yield* c.k.__smp_call_single_queue(c, cpu, csd, callsite);
  return 0;
}

/** csd->func = func; csd->info = info; (+ src/dst as under CONFIG_CSD_LOCK_WAIT_DEBUG) */
export function* fill(c: Ctx, csd: number, func: number, info: number, dst: number): Proto {
  const m = c.a;
  const L = c.L;
  yield STEP;
  m.WRITE_ONCE(L.csd(csd, F_FUNC), func);
  m.WRITE_ONCE(L.csd(csd, F_INFO), info);
  m.WRITE_ONCE(L.csd(csd, F_SRC), c.cpu);
  m.WRITE_ONCE(L.csd(csd, F_DST), dst);
}

/**
 * smp_call_function_single(cpu, func, info, wait). `dstCsd` (wait=0): use the destination CPU's
 * csd_data, which every sender to it then shares (the 2026 debug path; csd_lock must be atomic, B11).
 */
export function* smpCallFunctionSingle(c: Ctx, cpu: number, func: number, info: number, wait: boolean, dstCsd = false): Proto<number> {
  yield* warnIfIrqsOff(c);
  const m = c.a;
  const L = c.L;
  let csd: number;
  if (wait) {
    csd = L.stackCsd(c.cpu);
    yield STEP;
    m.WRITE_ONCE(L.csd(csd, F_FLAGS), CSD_FLAG_LOCK | CSD_TYPE_SYNC); // on-stack CSD, locked from the start
  } else {
    yield STEP;
    const owner = dstCsd && cpu >= 0 && cpu < L.ncpus ? cpu : c.cpu;
    csd = m.READ_ONCE(L.cpu(owner, C_CSD_DATA));
    yield* c.k.csd_lock(c, csd); // waits until the previous async single call on it was taken by its target
  }
  yield* fill(c, csd, func, info, cpu);
  const rc = yield* c.k.generic_exec_single(c, cpu, csd, CS_GENERIC_EXEC_SINGLE);
  if (wait) yield* c.k.csd_lock_wait(c, csd); // INV-SYNC-AFTER-RUN
  return rc;
}

/**
 * smp_call_function_single_async(cpu, csd): -EBUSY if the caller's CSD is still locked. The test
 * and the set are two plain steps (B6: concurrent submitters must be serialised by the caller).
 * Our caller fills func/info only after the test passed, so a rejected call leaves the in-flight
 * request untouched.
 */
export function* smpCallFunctionSingleAsync(c: Ctx, cpu: number, csd: number, func: number, info: number): Proto<number> {
  const m = c.a;
  const idx = c.L.csd(csd, F_FLAGS);
  yield STEP;
  if ((m.READ_ONCE(idx) & CSD_FLAG_LOCK) !== 0) return -EBUSY;
  yield STEP;
  m.WRITE_ONCE(idx, CSD_FLAG_LOCK); // type ASYNC
  m.smp_wmb();
  yield* fill(c, csd, func, info, cpu);
  return yield* c.k.generic_exec_single(c, cpu, csd, 3);
}

/**
 * smp_call_function_any: this CPU if in mask, else the first online CPU of mask in NUMA-distance
 * order — on this flat (one-node) machine the lowest-numbered online CPU of mask.
 */
export function* smpCallFunctionAny(c: Ctx, mask: number, func: number, info: number, wait: boolean): Proto<number> {
  let cpu = -1;
  if ((mask & (1 << c.cpu)) !== 0) cpu = c.cpu;
  else {
    // One NUMA node: every CPU is equally near, so the kernel's distance-ordered search ends at the
    // lowest online CPU of mask — the same rule as the model (model/system.ts resolveTarget).
    for (let t = 0; t < c.L.ncpus && cpu < 0; t++) {
      if ((mask & (1 << t)) !== 0 && (yield* cpuOnline(c, t))) cpu = t;
    }
  }
  if (cpu < 0) {
    // nothing usable: pick the first CPU of mask (or an invalid one) so generic_exec_single says -ENXIO
    cpu = mask === 0 ? c.L.ncpus : 31 - Math.clz32(mask & -mask);
  }
  return yield* c.k.smp_call_function_single(c, cpu, func, info, wait);
}

/**
 * smp_call_function_many_cond(mask, func, info, scf_flags, cond). `cond` is a CPU mask
 * (cond_func(cpu) = bit set) or null. Returns 0 (with interrupts off it warns and carries on).
 */
export function* smpCallFunctionManyCond(
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
  if (runRemote && wait) {
    yield STEP;
    const cfd = m.READ_ONCE(L.cpu(me, C_CFD));
    for (let t = 0; t < L.ncpus; t++) {
      if ((waitMask & (1 << t)) !== 0) yield* c.k.csd_lock_wait(c, L.cfdCsd(cfd, t));
    }
  }
  return 0;
}

// The wrappers return the core generator itself (no extra generator frame per step).
export function smpCallFunctionMany(c: Ctx, mask: number, func: number, info: number, wait: boolean): Proto<number> {
  return c.k.smp_call_function_many_cond(c, mask, func, info, wait ? SCF_WAIT : 0, null);
}

export function smpCallFunction(c: Ctx, func: number, info: number, wait: boolean): Proto<number> {
  return c.k.smp_call_function_many_cond(c, (1 << c.L.ncpus) - 1, func, info, wait ? SCF_WAIT : 0, null);
}

export function onEachCpuCondMask(c: Ctx, cond: number | null, func: number, info: number, wait: boolean, mask: number): Proto<number> {
  return c.k.smp_call_function_many_cond(c, mask, func, info, SCF_RUN_LOCAL | (wait ? SCF_WAIT : 0), cond);
}
