/**
 * CPU hotplug as it touches smp.c (smp-protocol.md §5, smp-semantics.md §4):
 * smpcfd_prepare_cpu (allocate cfd, -ENOMEM with rollback), the stop_machine barrier around
 * take_cpu_down (mark offline, then smpcfd_dying_cpu flushes the queue without the offline
 * warning), and smpcfd_dead_cpu (free cfd) on the control CPU.
 *
 * stop_machine here: the controller publishes a generation and phase word; every other online CPU
 * takes part when it reaches its command loop (outside any sender window: the "preemption
 * disabled" window is a whole call), arrives, then waits with interrupts ON (it still takes IPIs,
 * like a stopper thread spinning in MULTI_STOP_PREPARE). Phase 2: all interrupts off; the dying
 * CPU runs take_cpu_down; phase 0: everyone resumes.
 */
import {
  B_CPUMASK, B_CPUMASK_IPI, B_CSDS, B_MASKS, B_OWNER, C_CFD, C_IRQS_OFF, C_SM_DONE, C_SM_PARKED, C_SM_SEEN,
  C_STATE, C_WAKE, F_DST, F_FLAGS, F_SRC, H_ALLOC_FAILS, H_ALLOC_LIMIT, H_ALLOC_LIVE, H_HP_LOCK, H_SM_ARRIVED,
  H_SM_CPU, H_SM_CTRL, H_SM_GEN, H_SM_PHASE, HP_DEAD, HP_DYING, HP_OFFLINE, HP_ONLINE, HP_PREPARED, NULL,
  type Layout, type Shared,
} from './layout.js';
import { csdLockWait } from './csd-lock.js';
import { EBUSY, EINVAL, ENOMEM } from './errno.js';
import { F_CFD_FREED_AT_DYING, F_CFD_NOT_FREED_AT_DEAD, F_FLUSH_BEFORE_OFFLINE, F_NO_DYING_FLUSH, F_NO_STOP_MACHINE_BARRIER } from './faults.js';
import { flushSmpCallFunctionQueueInner } from './flush.js';
import { kick, STEP, waitOn, type Ctx, type Proto } from './memory.js';
import { EV_CPUHP_ENTER, EV_CPUHP_EXIT, tracepoint } from './trace-ring.js';

/** Our step numbers for the two hotplug states (a real kernel's differ per config). */
export const CPUHP_SMPCFD_PREPARE = 21;
export const CPUHP_AP_SMPCFD_DYING = 42;
export const CPUHP_ONLINE = 235;
export const CPUHP_FUNCS = ['smpcfd_prepare_cpu', 'smpcfd_dying_cpu', 'smpcfd_dead_cpu'] as const;

const PH_PREPARE = 1;
const PH_RUN = 2;

// ---- cfd allocator --------------------------------------------------------------------------

/** Host-side (boot) allocation, not a scheduling point. Returns the block or NULL. */
export function allocCfdNow(m: Shared, L: Layout, cpu: number): number {
  for (let b = 0; b < L.cfdBlocks; b++) {
    if (Atomics.load(m, L.cfd(b, B_MASKS)) !== 0 || Atomics.load(m, L.cfd(b, B_CSDS)) !== 0) continue;
    initBlock(m, L, b, cpu);
    Atomics.add(m, H_ALLOC_LIVE, 2);
    return b;
  }
  return NULL;
}

function initBlock(m: Shared, L: Layout, b: number, cpu: number): void {
  Atomics.store(m, L.cfd(b, B_MASKS), 1);
  Atomics.store(m, L.cfd(b, B_CSDS), 1);
  Atomics.store(m, L.cfd(b, B_OWNER), cpu);
  Atomics.store(m, L.cfd(b, B_CPUMASK), 0);
  Atomics.store(m, L.cfd(b, B_CPUMASK_IPI), 0);
  for (let t = 0; t < L.ncpus; t++) {
    const csd = L.cfdCsd(b, t);
    Atomics.store(m, L.csd(csd, F_FLAGS), 0);
    Atomics.store(m, L.csd(csd, F_SRC), cpu);
    Atomics.store(m, L.csd(csd, F_DST), t);
  }
  Atomics.store(m, L.cpu(cpu, C_CFD), b);
}

function* allocOne(c: Ctx, b: number, field: number): Proto<boolean> {
  const m = c.m;
  yield STEP;
  const live = Atomics.load(m, H_ALLOC_LIVE);
  const limit = Atomics.load(m, H_ALLOC_LIMIT);
  if (limit >= 0 && live >= limit) {
    Atomics.add(m, H_ALLOC_FAILS, 1);
    return false;
  }
  yield STEP;
  if (Atomics.compareExchange(m, c.L.cfd(b, field), 0, 1) !== 0) return false;
  Atomics.add(m, H_ALLOC_LIVE, 1); // a leak is observable: live count vs CPUs that should own a cfd
  return true;
}

/** smpcfd_prepare_cpu: allocate masks then the per-target CSD array; undo on failure. */
export function* smpcfdPrepareCpu(c: Ctx, cpu: number): Proto<number> {
  const m = c.m;
  const L = c.L;
  for (let b = 0; b < L.cfdBlocks; b++) {
    yield STEP;
    if (Atomics.load(m, L.cfd(b, B_MASKS)) !== 0 || Atomics.load(m, L.cfd(b, B_CSDS)) !== 0) continue;
    if (!(yield* allocOne(c, b, B_MASKS))) return -ENOMEM;
    if (!(yield* allocOne(c, b, B_CSDS))) {
      yield STEP;
      Atomics.store(m, L.cfd(b, B_MASKS), 0); // rollback: free what was allocated
      Atomics.sub(m, H_ALLOC_LIVE, 1);
      return -ENOMEM;
    }
    yield STEP;
    Atomics.sub(m, H_ALLOC_LIVE, 2);
    initBlock(m, L, b, cpu);
    Atomics.add(m, H_ALLOC_LIVE, 2);
    return 0;
  }
  Atomics.add(m, H_ALLOC_FAILS, 1);
  return -ENOMEM;
}

/** smpcfd_dead_cpu: free the dead CPU's cfd (run by the control CPU). */
export function* smpcfdDeadCpu(c: Ctx, cpu: number): Proto {
  const m = c.m;
  const L = c.L;
  yield STEP;
  const b = Atomics.load(m, L.cpu(cpu, C_CFD));
  if (b === NULL) return;
  // The dead CPU's last smp_call_function_many(wait=0) may still sit in other CPUs' queues.
  // Mainline (2025) frees anyway, a latent use-after-free (smp-semantics §4.2 c); we wait for
  // those CSDs to be released so that the allocator cannot hand them out while queued.
  for (let t = 0; t < L.ncpus; t++) yield* csdLockWait(c, L.cfdCsd(b, t), 1);
  yield STEP;
  Atomics.store(m, L.cpu(cpu, C_CFD), NULL);
  if ((c.faults & F_CFD_NOT_FREED_AT_DEAD) !== 0) return;
  yield STEP;
  Atomics.store(m, L.cfd(b, B_MASKS), 0);
  Atomics.store(m, L.cfd(b, B_CSDS), 0);
  Atomics.store(m, L.cfd(b, B_OWNER), NULL);
  Atomics.sub(m, H_ALLOC_LIVE, 2);
}

/** smpcfd_dying_cpu: on the dying CPU, interrupts off, already marked offline. */
export function* smpcfdDyingCpu(c: Ctx): Proto {
  if ((c.faults & F_NO_DYING_FLUSH) !== 0) return; // B3/B5: the flush is not run
  // A request queued while we were online may still wait for its IPI (interrupts were off in
  // stop_machine, or the IPI is late): run it now, without the offline warning.
  c.inDyingFlush = true;
  yield* flushSmpCallFunctionQueueInner(c, false, false);
  c.inDyingFlush = false;
  if ((c.faults & F_CFD_FREED_AT_DYING) !== 0) {
    // broken: the cfd goes while this CPU is still dying; its last async many-call CSDs may be queued
    const m = c.m;
    const b = Atomics.load(m, c.L.cpu(c.cpu, C_CFD));
    if (b === NULL) return;
    yield STEP;
    Atomics.store(m, c.L.cpu(c.cpu, C_CFD), NULL);
    Atomics.store(m, c.L.cfd(b, B_MASKS), 0);
    Atomics.store(m, c.L.cfd(b, B_CSDS), 0);
    Atomics.store(m, c.L.cfd(b, B_OWNER), NULL);
    Atomics.sub(m, H_ALLOC_LIVE, 2);
  }
}

// ---- stop_machine ---------------------------------------------------------------------------

function* setIrqs(c: Ctx, off: boolean): Proto {
  yield STEP;
  Atomics.store(c.m, c.L.cpu(c.cpu, C_IRQS_OFF), off ? 1 : 0);
}

function kickAll(c: Ctx): void {
  for (let t = 0; t < c.L.ncpus; t++) if (t !== c.cpu) kick(c, t);
}

/** Is there a stop_machine this CPU has not taken part in yet? */
export function* stopMachinePending(c: Ctx): Proto<boolean> {
  yield STEP;
  const p = Atomics.load(c.m, H_SM_PHASE);
  return p !== 0 && p >> 2 !== Atomics.load(c.m, c.L.cpu(c.cpu, C_SM_SEEN));
}

/** A non-controller CPU's part in stop_machine (multi_cpu_stop). */
export function* stopMachineParticipate(c: Ctx): Proto {
  const m = c.m;
  const L = c.L;
  yield STEP;
  const phase0 = Atomics.load(m, H_SM_PHASE);
  const gen = phase0 >> 2;
  // Read who is dying now, before we arrive: generation `gen` cannot end without our arrival, so
  // this is its CPU; read later it could already belong to the next stop_machine (ABA).
  const dying = Atomics.load(m, H_SM_CPU) - 1;
  const ctrl = Atomics.load(m, H_SM_CTRL);
  Atomics.store(m, L.cpu(c.cpu, C_SM_SEEN), gen);
  Atomics.store(m, L.cpu(c.cpu, C_SM_PARKED), 1);
  yield STEP;
  Atomics.add(m, H_SM_ARRIVED, 1);
  kick(c, ctrl);
  let p: number;
  for (;;) {
    yield STEP;
    p = Atomics.load(m, H_SM_PHASE);
    if (p !== gen * 4 + PH_PREPARE) break;
    yield waitOn(c, H_SM_PHASE, p); // interrupts still on: IPIs are handled while parked
  }
  if (p === gen * 4 + PH_RUN) {
    yield* setIrqs(c, true);
    if (dying === c.cpu) yield* takeCpuDown(c, gen);
    for (;;) {
      yield STEP;
      p = Atomics.load(m, H_SM_PHASE);
      if (p !== gen * 4 + PH_RUN) break;
      yield waitOn(c, H_SM_PHASE, p);
    }
    // The dying CPU keeps interrupts off and stays here (dead, then offline) until the control
    // CPU brings it up again: it must not return to its loop while another CPU may be onlining
    // it, or it could run online with interrupts still off.
    for (;;) {
      yield STEP;
      const st = Atomics.load(m, L.cpu(c.cpu, C_STATE));
      if (st === HP_ONLINE) break;
      yield waitOn(c, L.cpu(c.cpu, C_STATE), st);
    }
    yield* setIrqs(c, false); // bring-up: online first, then interrupts on (pending IPIs delivered)
  }
  yield STEP;
  Atomics.store(m, L.cpu(c.cpu, C_SM_PARKED), 0);
}

/** take_cpu_down on the dying CPU: mark offline FIRST, then the DYING callbacks. */
function* takeCpuDown(c: Ctx, gen: number): Proto {
  const m = c.m;
  // broken: flushing while still online lets a caller queue after the flush (INV-DYING-EMPTY)
  const early = (c.faults & F_FLUSH_BEFORE_OFFLINE) !== 0;
  if (early) yield* smpcfdDyingCpu(c);
  yield STEP;
  Atomics.store(m, c.L.cpu(c.cpu, C_STATE), HP_DYING); // __cpu_disable: clear from cpu_online_mask
  tracepoint(c, EV_CPUHP_ENTER, c.cpu, 0, CPUHP_AP_SMPCFD_DYING, 1);
  if (!early) yield* smpcfdDyingCpu(c);
  tracepoint(c, EV_CPUHP_EXIT, c.cpu, CPUHP_AP_SMPCFD_DYING - 1, CPUHP_AP_SMPCFD_DYING, 0);
  yield STEP;
  Atomics.store(m, c.L.cpu(c.cpu, C_SM_DONE), gen);
  kick(c, Atomics.load(m, H_SM_CTRL));
}

function* hotplugLock(c: Ctx): Proto {
  const wake = c.L.cpu(c.cpu, C_WAKE);
  for (;;) {
    yield STEP;
    // wait on our wake word, read first: both an unlock and a stop_machine request kick us
    const seq = Atomics.load(c.m, wake);
    const h = Atomics.compareExchange(c.m, H_HP_LOCK, 0, c.cpu + 1);
    if (h === 0) return;
    // cpus_write_lock sleeps: while we wait, the holder's stop_machine needs us too
    if (yield* stopMachinePending(c)) {
      yield* stopMachineParticipate(c);
      continue;
    }
    yield waitOn(c, wake, seq);
  }
}

function* hotplugUnlock(c: Ctx): Proto {
  yield STEP;
  Atomics.store(c.m, H_HP_LOCK, 0);
  kickAll(c);
}

function* stateOf(c: Ctx, cpu: number): Proto<number> {
  yield STEP;
  return Atomics.load(c.m, c.L.cpu(cpu, C_STATE));
}

/** cpu_down(cpu) driven by this (control) CPU. */
export function* cpuDown(c: Ctx, cpu: number): Proto<number> {
  const m = c.m;
  const L = c.L;
  if (cpu < 0 || cpu >= L.ncpus || cpu === c.cpu) return -EINVAL;
  yield* hotplugLock(c);
  let online = 0;
  for (let t = 0; t < L.ncpus; t++) if ((yield* stateOf(c, t)) === HP_ONLINE) online++;
  if ((yield* stateOf(c, cpu)) !== HP_ONLINE) {
    yield* hotplugUnlock(c);
    return -EINVAL;
  }
  if (online <= 1) {
    yield* hotplugUnlock(c);
    return -EBUSY;
  }
  // stop_machine(take_cpu_down, cpu)
  yield STEP;
  const gen = Atomics.add(m, H_SM_GEN, 1) + 1;
  Atomics.store(m, H_SM_CTRL, c.cpu);
  Atomics.store(m, H_SM_CPU, cpu + 1);
  Atomics.store(m, H_SM_ARRIVED, 1);
  Atomics.store(m, L.cpu(c.cpu, C_SM_SEEN), gen);
  Atomics.store(m, H_SM_PHASE, gen * 4 + PH_PREPARE);
  kickAll(c);
  if ((c.faults & (F_NO_STOP_MACHINE_BARRIER | F_FLUSH_BEFORE_OFFLINE)) === 0) {
    for (;;) {
      yield STEP;
      const a = Atomics.load(m, H_SM_ARRIVED);
      if (a >= online) break;
      yield waitOn(c, H_SM_ARRIVED, a);
    }
  }
  yield* setIrqs(c, true);
  yield STEP;
  Atomics.store(m, H_SM_PHASE, gen * 4 + PH_RUN);
  kickAll(c);
  for (;;) {
    yield STEP;
    const d = Atomics.load(m, L.cpu(cpu, C_SM_DONE));
    if (d === gen) break;
    yield waitOn(c, L.cpu(cpu, C_SM_DONE), d);
  }
  yield STEP;
  Atomics.store(m, H_SM_CPU, 0);
  Atomics.store(m, H_SM_PHASE, 0);
  kickAll(c);
  yield* setIrqs(c, false);
  // the dead CPU is gone: smpcfd_dead_cpu on the control CPU
  yield STEP;
  Atomics.store(m, L.cpu(cpu, C_STATE), HP_DEAD);
  tracepoint(c, EV_CPUHP_ENTER, cpu, 0, CPUHP_SMPCFD_PREPARE, 2);
  yield* smpcfdDeadCpu(c, cpu);
  tracepoint(c, EV_CPUHP_EXIT, cpu, CPUHP_SMPCFD_PREPARE - 1, CPUHP_SMPCFD_PREPARE, 0);
  yield STEP;
  Atomics.store(m, L.cpu(cpu, C_STATE), HP_OFFLINE);
  kick(c, cpu);
  yield* hotplugUnlock(c);
  return 0;
}

/** cpu_up(cpu): prepare (may fail with -ENOMEM), then online. */
export function* cpuUp(c: Ctx, cpu: number): Proto<number> {
  const m = c.m;
  const L = c.L;
  if (cpu < 0 || cpu >= L.ncpus) return -EINVAL;
  yield* hotplugLock(c);
  if ((yield* stateOf(c, cpu)) !== HP_OFFLINE) {
    yield* hotplugUnlock(c);
    return -EINVAL;
  }
  tracepoint(c, EV_CPUHP_ENTER, cpu, CPUHP_ONLINE, CPUHP_SMPCFD_PREPARE, 0);
  const rc = yield* smpcfdPrepareCpu(c, cpu);
  tracepoint(c, EV_CPUHP_EXIT, cpu, CPUHP_SMPCFD_PREPARE, CPUHP_SMPCFD_PREPARE, rc);
  if (rc !== 0) {
    yield* hotplugUnlock(c);
    return rc;
  }
  yield STEP;
  Atomics.store(m, L.cpu(cpu, C_STATE), HP_PREPARED);
  yield STEP;
  Atomics.store(m, L.cpu(cpu, C_STATE), HP_ONLINE); // the CPU wakes from its offline wait
  kick(c, cpu);
  yield* hotplugUnlock(c);
  return 0;
}
