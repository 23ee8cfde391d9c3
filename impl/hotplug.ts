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
  B_CPUMASK, B_CPUMASK_IPI, B_CSDS, B_FREED, B_MASKS, B_OWNER, C_CFD, C_IRQS_OFF, C_SM_DONE, C_SM_PARKED, C_SM_SEEN,
  C_STATE, C_WAKE, CSD_FLAG_LOCK, F_DST, F_FLAGS, F_POISON, F_SRC, H_ALLOC_FAILS, H_ALLOC_LIMIT, H_ALLOC_LIVE, H_HP_LOCK, H_SM_ARRIVED,
  H_SM_CPU, H_SM_CTRL, H_SM_GEN, H_SM_PHASE, H_UAF, HP_DEAD, HP_DYING, HP_OFFLINE, HP_ONLINE, HP_PREPARED, NULL,
  type Layout, type Shared,
} from './layout.js';
import { EBUSY, EINVAL, ENOMEM } from './errno.js';
import { kick, STEP, waitOn, type Ctx, type Proto } from './memory.js';
import { EV_CPUHP_ENTER, EV_CPUHP_EXIT, tracepoint } from './trace-ring.js';

/** Our step numbers for the two hotplug states (a real kernel's differ per config). */
export const CPUHP_SMPCFD_PREPARE = 21;
export const CPUHP_AP_SMPCFD_DYING = 42;
export const CPUHP_ONLINE = 235;
export const CPUHP_FUNCS = ['smpcfd_prepare_cpu', 'smpcfd_dying_cpu', 'smpcfd_dead_cpu'] as const;

/** stop_machine phases (low two bits of H_SM_PHASE; the generation is above them). */
export const PH_PREPARE = 1;
export const PH_RUN = 2;

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
  // INV-NO-UAF: a CSD of this block still locked was freed while queued; rewriting it now is the
  // use-after-free turning into corruption (the old owner's entry is still on some queue)
  for (let t = 0; t < L.ncpus; t++) {
    const csd = L.cfdCsd(b, t);
    if (Atomics.load(m, L.csd(csd, F_POISON)) !== 0 && (Atomics.load(m, L.csd(csd, F_FLAGS)) & CSD_FLAG_LOCK) !== 0) Atomics.add(m, H_UAF, 1);
    Atomics.store(m, L.csd(csd, F_POISON), 0);
  }
  Atomics.store(m, L.cfd(b, B_FREED), 0);
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
  // The allocator's quarantine (instrumentation, as KASAN's): blocks never freed first, then freed
  // ones, so that a freed CSD still queued somewhere stays poisoned when it is touched (INV-NO-UAF).
  for (let k = 0; k < 2 * L.cfdBlocks; k++) {
    const b = k % L.cfdBlocks;
    yield STEP;
    if ((k < L.cfdBlocks) !== (Atomics.load(m, L.cfd(b, B_FREED)) === 0)) continue;
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
  const L = c.L;
  yield STEP;
  const b = c.a.READ_ONCE(L.cpu(cpu, C_CFD));
  if (b === NULL) return;
  // The dead CPU's last smp_call_function_many(wait=0) may still sit in other CPUs' queues.
  // Mainline (2025) frees anyway, a latent use-after-free (smp-semantics §4.2 c): the fault
  // dead-cpu-frees-in-flight, caught by INV-NO-UAF. The kit's reference waits for those CSDs.
  for (let t = 0; t < L.ncpus; t++) yield* c.k.csd_lock_wait(c, L.cfdCsd(b, t), 1);
  yield STEP;
  c.a.WRITE_ONCE(L.cpu(cpu, C_CFD), NULL);
  yield* freeCfd(c, b);
}

/** free_cpumask_var + free_percpu of one cfd block (the allocator's words, then its live count). */
export function* freeCfd(c: Ctx, b: number): Proto {
  const m = c.m;
  yield STEP;
  for (let t = 0; t < c.L.ncpus; t++) Atomics.store(m, c.L.csd(c.L.cfdCsd(b, t), F_POISON), 1); // instrumentation
  Atomics.store(m, c.L.cfd(b, B_FREED), 1);
  Atomics.store(m, c.L.cfd(b, B_MASKS), 0);
  Atomics.store(m, c.L.cfd(b, B_CSDS), 0);
  Atomics.store(m, c.L.cfd(b, B_OWNER), NULL);
  Atomics.sub(m, H_ALLOC_LIVE, 2);
}

/** smpcfd_dying_cpu: on the dying CPU, interrupts off, already marked offline. */
export function* smpcfdDyingCpu(c: Ctx): Proto {
  // A request queued while we were online may still wait for its IPI (interrupts were off in
  // stop_machine, or the IPI is late): run it now, without the offline warning.
  c.inDyingFlush = true;
  yield* c.k.__flush_smp_call_function_queue(c, false, false);
  c.inDyingFlush = false;
}

// ---- stop_machine ---------------------------------------------------------------------------

export function* setIrqs(c: Ctx, off: boolean): Proto {
  yield STEP;
  Atomics.store(c.m, c.L.cpu(c.cpu, C_IRQS_OFF), off ? 1 : 0);
}

export function kickAll(c: Ctx): void {
  for (let t = 0; t < c.L.ncpus; t++) if (t !== c.cpu) kick(c, t);
}

/** Is there a stop_machine this CPU has not taken part in yet? */
export function* stopMachinePending(c: Ctx): Proto<boolean> {
  yield STEP;
  const p = c.a.READ_ONCE(H_SM_PHASE);
  return p !== 0 && p >> 2 !== c.a.READ_ONCE(c.L.cpu(c.cpu, C_SM_SEEN));
}

/** A non-controller CPU's part in stop_machine (multi_cpu_stop). */
export function* stopMachineParticipate(c: Ctx): Proto {
  const m = c.m;
  const L = c.L;
  yield STEP;
  const phase0 = c.a.smp_load_acquire(H_SM_PHASE);
  const gen = phase0 >> 2;
  // Read who is dying now, before we arrive: generation `gen` cannot end without our arrival, so
  // this is its CPU; read later it could already belong to the next stop_machine (ABA).
  const dying = c.a.READ_ONCE(H_SM_CPU) - 1;
  const ctrl = c.a.READ_ONCE(H_SM_CTRL);
  c.a.WRITE_ONCE(L.cpu(c.cpu, C_SM_SEEN), gen);
  Atomics.store(m, L.cpu(c.cpu, C_SM_PARKED), 1);
  yield STEP;
  c.a.atomic_fetch_add(H_SM_ARRIVED, 1); // multi_cpu_stop's ack: fully ordered
  kick(c, ctrl);
  let p: number;
  for (;;) {
    yield STEP;
    p = c.a.smp_load_acquire(H_SM_PHASE);
    if (p !== gen * 4 + PH_PREPARE) break;
    yield waitOn(c, H_SM_PHASE, p); // interrupts still on: IPIs are handled while parked
  }
  if (p === gen * 4 + PH_RUN) {
    yield* setIrqs(c, true);
    if (dying === c.cpu) yield* c.k.take_cpu_down(c, gen);
    for (;;) {
      yield STEP;
      p = c.a.smp_load_acquire(H_SM_PHASE);
      if (p !== gen * 4 + PH_RUN) break;
      yield waitOn(c, H_SM_PHASE, p);
    }
    // The dying CPU keeps interrupts off and stays here (dead, then offline) until the control
    // CPU brings it up again: it must not return to its loop while another CPU may be onlining
    // it, or it could run online with interrupts still off.
    for (;;) {
      yield STEP;
      const st = c.a.READ_ONCE(L.cpu(c.cpu, C_STATE));
      if (st === HP_ONLINE) break;
      yield waitOn(c, L.cpu(c.cpu, C_STATE), st);
    }
    yield* setIrqs(c, false); // bring-up: online first, then interrupts on (pending IPIs delivered)
  }
  yield STEP;
  Atomics.store(m, L.cpu(c.cpu, C_SM_PARKED), 0);
}

/** take_cpu_down on the dying CPU: mark offline FIRST, then the DYING callbacks. */
export function* takeCpuDown(c: Ctx, gen: number): Proto {
  yield STEP;
  c.a.WRITE_ONCE(c.L.cpu(c.cpu, C_STATE), HP_DYING); // __cpu_disable: clear from cpu_online_mask
  tracepoint(c, EV_CPUHP_ENTER, c.cpu, 0, CPUHP_AP_SMPCFD_DYING, 1);
  yield* c.k.smpcfd_dying_cpu(c);
  tracepoint(c, EV_CPUHP_EXIT, c.cpu, CPUHP_AP_SMPCFD_DYING - 1, CPUHP_AP_SMPCFD_DYING, 0);
  yield* takeCpuDownDone(c, gen);
}

/** The dying CPU's stopper function returned: tell the controller. */
export function* takeCpuDownDone(c: Ctx, gen: number): Proto {
  yield STEP;
  c.a.smp_store_release(c.L.cpu(c.cpu, C_SM_DONE), gen);
  kick(c, c.a.READ_ONCE(H_SM_CTRL));
}

function* hotplugLock(c: Ctx): Proto {
  const wake = c.L.cpu(c.cpu, C_WAKE);
  for (;;) {
    yield STEP;
    // wait on our wake word, read first: both an unlock and a stop_machine request kick us
    const seq = Atomics.load(c.m, wake);
    const h = c.a.cmpxchg_acquire(H_HP_LOCK, 0, c.cpu + 1); // cpus_write_lock
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
  c.a.smp_store_release(H_HP_LOCK, 0); // cpus_write_unlock
  kickAll(c);
}

function* stateOf(c: Ctx, cpu: number): Proto<number> {
  yield STEP;
  return c.a.READ_ONCE(c.L.cpu(cpu, C_STATE));
}

/** cpu_down(cpu) driven by this (control) CPU. */
export function* cpuDown(c: Ctx, cpu: number): Proto<number> {
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
  yield* c.k.stop_machine_cpuslocked(c, cpu, online);
  // the dead CPU is gone: smpcfd_dead_cpu on the control CPU
  yield STEP;
  c.a.WRITE_ONCE(L.cpu(cpu, C_STATE), HP_DEAD);
  tracepoint(c, EV_CPUHP_ENTER, cpu, 0, CPUHP_SMPCFD_PREPARE, 2);
  yield* c.k.smpcfd_dead_cpu(c, cpu);
  tracepoint(c, EV_CPUHP_EXIT, cpu, CPUHP_SMPCFD_PREPARE - 1, CPUHP_SMPCFD_PREPARE, 0);
  yield STEP;
  c.a.WRITE_ONCE(L.cpu(cpu, C_STATE), HP_OFFLINE);
  kick(c, cpu);
  yield* hotplugUnlock(c);
  return 0;
}

/**
 * stop_machine_cpuslocked(take_cpu_down, cpu) on the control CPU: publish the request, wait until
 * every online CPU arrived (left its "preemption disabled" window), run, wait until the dying CPU
 * is done, release everyone. `online` counts the online CPUs, this one included.
 */
export function* stopMachineCpuslocked(c: Ctx, cpu: number, online: number): Proto {
  const gen = yield* stopMachineRequest(c, cpu);
  for (;;) {
    yield STEP;
    const a = c.a.atomic_read(H_SM_ARRIVED);
    if (a >= online) break;
    yield waitOn(c, H_SM_ARRIVED, a);
  }
  yield* stopMachineRun(c, cpu, gen);
}

/** First half of stop_machine: a new generation in MULTI_STOP_PREPARE; returns the generation. */
export function* stopMachineRequest(c: Ctx, cpu: number): Proto<number> {
  const m = c.a;
  yield STEP;
  const gen = m.atomic_fetch_add(H_SM_GEN, 1) + 1;
  m.WRITE_ONCE(H_SM_CTRL, c.cpu);
  m.WRITE_ONCE(H_SM_CPU, cpu + 1);
  m.atomic_set(H_SM_ARRIVED, 1);
  m.WRITE_ONCE(c.L.cpu(c.cpu, C_SM_SEEN), gen);
  m.smp_store_release(H_SM_PHASE, gen * 4 + PH_PREPARE);
  kickAll(c);
  return gen;
}

/** Second half (after the rendezvous): MULTI_STOP_RUN, wait for the dying CPU, release everyone. */
export function* stopMachineRun(c: Ctx, cpu: number, gen: number): Proto {
  const m = c.a;
  yield* setIrqs(c, true);
  yield STEP;
  m.smp_store_release(H_SM_PHASE, gen * 4 + PH_RUN);
  kickAll(c);
  const done = c.L.cpu(cpu, C_SM_DONE);
  for (;;) {
    yield STEP;
    const d = m.smp_load_acquire(done);
    if (d === gen) break;
    yield waitOn(c, done, d);
  }
  yield STEP;
  m.WRITE_ONCE(H_SM_CPU, 0);
  m.smp_store_release(H_SM_PHASE, 0);
  kickAll(c);
  yield* setIrqs(c, false);
}

/** cpu_up(cpu): prepare (may fail with -ENOMEM), then online. */
export function* cpuUp(c: Ctx, cpu: number): Proto<number> {
  const L = c.L;
  if (cpu < 0 || cpu >= L.ncpus) return -EINVAL;
  yield* hotplugLock(c);
  if ((yield* stateOf(c, cpu)) !== HP_OFFLINE) {
    yield* hotplugUnlock(c);
    return -EINVAL;
  }
  tracepoint(c, EV_CPUHP_ENTER, cpu, CPUHP_ONLINE, CPUHP_SMPCFD_PREPARE, 0);
  const rc = yield* c.k.smpcfd_prepare_cpu(c, cpu);
  tracepoint(c, EV_CPUHP_EXIT, cpu, CPUHP_SMPCFD_PREPARE, CPUHP_SMPCFD_PREPARE, rc);
  if (rc !== 0) {
    yield* hotplugUnlock(c);
    return rc;
  }
  yield STEP;
  c.a.WRITE_ONCE(L.cpu(cpu, C_STATE), HP_PREPARED);
  yield STEP;
  c.a.smp_store_release(L.cpu(cpu, C_STATE), HP_ONLINE); // set_cpu_online after the cfd is ready; the CPU wakes from its offline wait
  kick(c, cpu);
  yield* hotplugUnlock(c);
  return 0;
}
