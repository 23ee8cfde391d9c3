/**
 * The life of one CPU, written once for both runtimes: take part in stop_machine when asked,
 * run commands from its mailbox (each command is one call, the caller's whole "preemption
 * disabled" window), otherwise idle. Offline CPUs wait (interrupts off) until they are onlined.
 */
import {
  C_IRQ_WORK, C_TASK, C_IRQS_OFF, C_MB_HEAD, C_WAKE, C_MB_TAIL, C_STATE, C_USER_CSD, H_GATE, H_STOP, H_SYNC_EARLY, R_EXPECTED, R_RAN, HP_ONLINE, R_ARG, R_COND, R_CSD, R_FLAGS,
  R_EFFECT, R_ELAPSED_NS, R_FUNC, R_T_END, R_T_START, R_KIND, R_RC, R_STATUS, RQ_DST_CSD, RQ_HAS_COND, RQ_IRQS_OFF, RQ_RUN_LOCAL, RQ_SHARED_CSD, RQ_WAIT,
  RS_RETURNED, RS_STARTED,
} from './layout.js';
import { EINVAL } from './errno.js';
import { FN_NOP } from './functions.js';
import { cpuDown, cpuUp, stopMachineParticipate, stopMachinePending } from './hotplug.js';
import { kick, STEP, waitOn, type Ctx, type Proto } from './memory.js';
import {
  K_ANY, K_BENCH_ASYNC, K_BENCH_MANY, K_BENCH_SINGLE, K_OPEN_GATE, K_CALL_FUNCTION, K_CPU_DOWN, K_CPU_UP, K_MANY, K_MANY_COND, K_ON_EACH_CPU_COND_MASK, K_SINGLE,
  K_SINGLE_ASYNC, K_IRQ_WORK, K_TTWU,
} from './requests.js';
import { onEachCpuCondMask, SCF_RUN_LOCAL, SCF_WAIT, smpCallFunction, smpCallFunctionAny, smpCallFunctionMany } from './smp.js';

/**
 * The generator of the call a request asks for. A plain function (not a generator) so that the
 * call runs one frame shallower; the request words are immutable once posted, not shared state.
 */
function dispatch(c: Ctx, id: number): Proto<number> {
  const m = c.m;
  const L = c.L;
  const kind = Atomics.load(m, L.req(id, R_KIND));
  const arg = Atomics.load(m, L.req(id, R_ARG));
  const flags = Atomics.load(m, L.req(id, R_FLAGS));
  const func = Atomics.load(m, L.req(id, R_FUNC));
  const cond = (flags & RQ_HAS_COND) !== 0 ? Atomics.load(m, L.req(id, R_COND)) : null;
  const wait = (flags & RQ_WAIT) !== 0;
  switch (kind) {
    case K_SINGLE: return c.k.smp_call_function_single(c, arg, func, id, wait, (flags & RQ_DST_CSD) !== 0);
    case K_SINGLE_ASYNC: {
      if ((flags & RQ_SHARED_CSD) !== 0) {
        // the target's shared async CSD (postRequest checked that the target is a CPU)
        const shared = Atomics.load(m, L.cpu(arg, C_USER_CSD + Atomics.load(m, L.req(id, R_CSD))));
        return c.k.submit_shared_csd(c, arg, shared, func, id);
      }
      const csd = Atomics.load(m, L.cpu(c.cpu, C_USER_CSD + Atomics.load(m, L.req(id, R_CSD))));
      return c.k.smp_call_function_single_async(c, arg, csd, func, id);
    }
    case K_IRQ_WORK: {
      const owner = (flags & RQ_SHARED_CSD) !== 0 ? Atomics.load(m, L.req(id, R_COND)) : c.cpu;
      const work = Atomics.load(m, L.cpu(owner, C_IRQ_WORK + Atomics.load(m, L.req(id, R_CSD))));
      return c.k.irq_work_queue_on(c, work, arg, func, id);
    }
    case K_TTWU: return c.k.ttwu_queue_wakelist(c, Atomics.load(m, L.cpu(c.cpu, C_TASK + Atomics.load(m, L.req(id, R_CSD)))), arg, func, id);
    case K_ANY: return smpCallFunctionAny(c, arg, func, id, wait);
    case K_MANY: return smpCallFunctionMany(c, arg, func, id, wait);
    case K_MANY_COND:
      return c.k.smp_call_function_many_cond(c, arg, func, id, (wait ? SCF_WAIT : 0) | ((flags & RQ_RUN_LOCAL) !== 0 ? SCF_RUN_LOCAL : 0), cond);
    case K_CALL_FUNCTION: return smpCallFunction(c, func, id, wait);
    case K_ON_EACH_CPU_COND_MASK: return onEachCpuCondMask(c, cond, func, id, wait, arg);
    case K_CPU_DOWN: return cpuDown(c, arg);
    case K_CPU_UP: return cpuUp(c, arg);
    case K_OPEN_GATE: return openGate(c);
    case K_BENCH_SINGLE: return benchLoop(c, id, () => c.k.smp_call_function_single(c, arg, FN_NOP, -1, true));
    case K_BENCH_ASYNC: return benchLoop(c, id, () => c.k.smp_call_function_single(c, arg, FN_NOP, -1, false), () => c.k.smp_call_function_single(c, arg, FN_NOP, -1, true));
    case K_BENCH_MANY: return benchLoop(c, id, () => smpCallFunctionMany(c, arg, FN_NOP, -1, true));
    default: return errorCode(-EINVAL);
  }
}

function* openGate(c: Ctx): Proto<number> {
  yield STEP;
  Atomics.store(c.m, H_GATE, 1);
  for (let t = 0; t < c.L.ncpus; t++) kick(c, t);
  return 0;
}

/**
 * Benchmarks: `repeat` calls in a loop on the issuing CPU, elapsed ns of the whole loop into the
 * request. `last` (the async bench: one waiting call) makes the loop end only when every queued
 * call has run (the target's queue is FIFO within its class).
 */
function* benchLoop(c: Ctx, id: number, call: () => Proto<number>, last?: () => Proto<number>): Proto<number> {
  const L = c.L;
  const n = Atomics.load(c.m, L.req(id, R_COND));
  const t0 = c.nowMs();
  for (let i = 0; i < n; i++) {
    yield* call();
    c.stepsWithoutWait = 0; // a call returned: progress for the livelock watchdog (self-calls never wait)
  }
  if (last !== undefined) yield* last();
  c.f64[L.req(id, R_ELAPSED_NS) >> 1] = (c.nowMs() - t0) * 1e6; // published by the status store
  return 0;
}

// eslint-disable-next-line require-yield
function* errorCode(rc: number): Proto<number> {
  return rc;
}

export function* runCommand(c: Ctx, id: number): Proto {
  const m = c.m;
  const L = c.L;
  const irq = L.cpu(c.cpu, C_IRQS_OFF);
  yield STEP;
  // Timestamps on the trace clock, so a failing request can be placed in the trace (stress).
  c.f64[L.req(id, R_T_START) >> 1] = c.now();
  Atomics.store(m, L.req(id, R_STATUS), RS_STARTED);
  const irqsOff = (Atomics.load(m, L.req(id, R_FLAGS)) & RQ_IRQS_OFF) !== 0;
  if (irqsOff) Atomics.store(m, irq, 1);
  const rc = yield* dispatch(c, id);
  yield STEP;
  // INV-SYNC-AFTER-RUN: a waiting call that returned 0 must find its function run on every CPU
  // it was queued to (B9, sync-unlock-before-func); checked here from the shared counters.
  const flags = Atomics.load(m, L.req(id, R_FLAGS));
  if (rc === 0 && (flags & RQ_WAIT) !== 0) {
    const exp = Atomics.load(m, L.req(id, R_EXPECTED));
    if ((Atomics.load(m, L.req(id, R_RAN)) & exp) !== exp) Atomics.add(m, H_SYNC_EARLY, 1);
    // ... and, through this CPU's own view of kernel memory, see its effects (weak memory: what
    // the release of csd_unlock and the acquire of csd_lock_wait guarantee)
    else if ((c.a.READ_ONCE(L.req(id, R_EFFECT)) & exp) !== exp) Atomics.add(m, H_SYNC_EARLY, 1);
  }
  if (irqsOff) Atomics.store(m, irq, 0);
  Atomics.store(m, L.req(id, R_RC), rc);
  c.f64[L.req(id, R_T_END) >> 1] = c.now(); // published by the status store below
  Atomics.store(m, L.req(id, R_STATUS), RS_RETURNED); // release: rc before status; host waits on it
  Atomics.notify(m, L.req(id, R_STATUS));
}

/** Take the next command id from this CPU's mailbox, or -1. */
function* takeCommand(c: Ctx): Proto<number> {
  const m = c.m;
  const L = c.L;
  yield STEP;
  const head = Atomics.load(m, L.cpu(c.cpu, C_MB_HEAD));
  if (head === Atomics.load(m, L.cpu(c.cpu, C_MB_TAIL))) return -1;
  const id = Atomics.load(m, L.mailbox(c.cpu, head));
  Atomics.store(m, L.cpu(c.cpu, C_MB_HEAD), head + 1);
  return id;
}

export function* cpuLoop(c: Ctx): Proto {
  const m = c.m;
  const L = c.L;
  const stateIdx = L.cpu(c.cpu, C_STATE);
  let seenSeq = -1;
  for (;;) {
    yield STEP;
    // read the wake word before looking for work: a kick after this point makes idle return
    const seq = Atomics.load(m, L.cpu(c.cpu, C_WAKE));
    // Noticing a kick is a wake-up: its full barrier pairs with kick's, so what the kicker did
    // before the kick is visible to the checks below (weak memory; on SC a no-op).
    if (seq !== seenSeq) c.a.smp_mb();
    seenSeq = seq;
    if (Atomics.load(m, H_STOP) !== 0) return;
    const st = Atomics.load(m, stateIdx);
    if (st !== HP_ONLINE) {
      // offline: no IPIs, no commands, until the control CPU onlines us
      Atomics.store(m, L.cpu(c.cpu, C_IRQS_OFF), 1);
      yield waitOn(c, stateIdx, st);
      yield STEP;
      if (Atomics.load(m, stateIdx) === HP_ONLINE) Atomics.store(m, L.cpu(c.cpu, C_IRQS_OFF), 0);
      continue;
    }
    if (yield* stopMachinePending(c)) {
      yield* stopMachineParticipate(c);
      continue;
    }
    const id = yield* takeCommand(c);
    if (id >= 0) {
      yield* runCommand(c, id);
      continue;
    }
    yield* c.k.do_idle(c, seq);
  }
}
