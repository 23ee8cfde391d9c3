/**
 * The composed system for N CPUs: a `type: 'parallel'` xstate machine with
 * - one hotplug region per CPU (`cpu0`…), built by `hotplugStates` (hotplug-chart.ts),
 * - one CSD region per CSD use (`req0`…), built by `csdStates` (csd-chart.ts),
 * - one `kernel` region holding what belongs to a CPU rather than to a CSD: the many-call begin/send,
 *   the waiter's return, IPI entry (llist_del_all) and the idle loop,
 * and a shared JSON-clean context (queues, pending IPIs, polling, cfd, locks, per-request results).
 * Every rule lives in a named guard or action here; the explorer, coverage and later the property
 * tests and trace checker step this machine through xstate's transition function. Broken variants
 * (faults.ts) replace named guards/actions with `machine.provide`, built by the same factories from a
 * `Semantics` record with one switch flipped.
 */
import { assign, setup } from 'xstate';
import { csdStates, type CsdAction, type CsdGuard } from './csd-chart.js';
import { hotplugStates, type HotplugAction, type HotplugGuard } from './hotplug-chart.js';
import type { CompiledRequest, CompiledSlot, CompiledWorkload } from './workload.js';

export const ENXIO = -6;
export const EBUSY = -16;

/** Caller phase of a CPU's script: ready for its next call, inside the window, or waiting. */
export const PHASE_READY = 0;
export const PHASE_WINDOW = 1;
export const PHASE_WAIT = 2;

export interface SysContext {
  /** cpu_online_mask. */
  readonly online: readonly boolean[];
  /** Marked offline by stop_machine, still executing until dead (IPIs may still arrive). */
  readonly dying: readonly boolean[];
  /** cfd allocated (smpcfd_prepare_cpu … smpcfd_dead_cpu). */
  readonly cfd: readonly boolean[];
  /** call_single_queue per CPU: slot ids in llist_add order (the flush reverses the llist). */
  readonly queue: readonly (readonly number[])[];
  /** Entries the running flush took with llist_del_all and has not started yet. */
  readonly batch: readonly (readonly number[])[];
  /** CPU is inside __flush_smp_call_function_queue (IRQs off). */
  readonly inFlush: readonly boolean[];
  /** Slot whose func is executing on the CPU, or -1. */
  readonly running: readonly number[];
  readonly ipi: readonly boolean[];
  readonly polling: readonly boolean[];
  readonly needResched: readonly boolean[];
  /** Script position and caller phase per CPU. */
  readonly pc: readonly number[];
  readonly phase: readonly number[];
  /** many-call in progress: cfd->cpumask targets still to queue (bit mask). */
  readonly sel: readonly number[];
  /** many-call in progress: cfd->cpumask_ipi (targets whose queue this call made non-empty). */
  readonly ipiMask: readonly number[];
  /** Per physical CSD: 0 = unlocked, else owner slot + 1 (CSD_FLAG_LOCK). */
  readonly lock: readonly number[];
  /**
   * Per physical CSD: the slot whose func/info the memory holds (last writer), -1 before first use.
   * A queue entry runs what its memory holds: if a second submitter overwrote it (B6), the first
   * request's func is lost and the second one's runs twice.
   */
  readonly func: readonly number[];
  /** Per slot: times func ran, CPU it ran on (-1), resolved target. */
  readonly ran: readonly number[];
  readonly ranOn: readonly number[];
  readonly target: readonly number[];
  /** Per request: targets enqueued (bit mask), local runs, return code (null = not returned). */
  readonly enq: readonly number[];
  readonly localRan: readonly number[];
  readonly ret: readonly (number | null)[];
  /** Hotplug budget: down cycles left, -ENOMEM failures left. */
  readonly hpLeft: readonly number[];
  readonly enomemLeft: readonly number[];
  /** "IPI on offline CPU" warnings of flushes with warn_if_offline. */
  readonly offlineWarn: number;
  /** Per physical CSD: a cfd CSD whose cfd was freed while it was still locked (queued, in flight). */
  readonly freedInFlight: readonly boolean[];
  /** Flushes that touched (read, unlocked, ran) such a freed CSD: use-after-free (INV-NO-UAF). */
  readonly uaf: number;
}

export const SYS_EVENT_TYPES = [
  'CALL', 'QUEUE', 'SEND', 'RETURN', 'IPI', 'FLUSH_RUN', 'FLUSH_DONE', 'IDLE_WAKE', 'IDLE_SLEEP',
  'HP_PREPARE', 'HP_PREPARE_ENOMEM', 'HP_ONLINE', 'HP_DYING', 'HP_DEAD', 'HP_OFFLINE',
] as const;
export type SysEventType = (typeof SYS_EVENT_TYPES)[number];

/** Every event names the CPU that performs (or, for hotplug, undergoes) the step. */
export interface SysEvent {
  readonly type: SysEventType;
  readonly cpu: number;
}

/**
 * The rules that broken variants change. `CORRECT_SEMANTICS` is the kernel; each fault flips one.
 */
export interface Semantics {
  readonly dyingFlush: boolean;
  readonly syncUnlock: 'after' | 'before';
  readonly asyncUnlock: 'before' | 'after';
  readonly asyncBusyCheck: boolean;
  readonly kickOnEmpty: boolean;
  readonly snapshotOnline: boolean;
  readonly stopMachineExcludesCallers: boolean;
  readonly cfdFreeAt: 'dead' | 'dying' | 'never';
  /**
   * smpcfd_dead_cpu waits until the dead CPU's cfd CSDs are unlocked before it frees them (the
   * kit's reference). Mainline (2025) frees at once: `false`, the fault dead-cpu-frees-in-flight.
   */
  readonly deadWaitsCfd: boolean;
  readonly manyWaitIf: 'enqueued' | 'ipi-sent';
  readonly idleRecheck: boolean;
  readonly flushOrder: 'sync-first' | 'async-first';
  readonly onlineCheck: boolean;
  readonly delAllClears: boolean;
  readonly enxioUnlocks: boolean;
  readonly ttwuStaleCpu: boolean;
}

export const CORRECT_SEMANTICS: Semantics = {
  dyingFlush: true, syncUnlock: 'after', asyncUnlock: 'before', asyncBusyCheck: true, kickOnEmpty: true,
  snapshotOnline: true, stopMachineExcludesCallers: true, cfdFreeAt: 'dead', deadWaitsCfd: true, manyWaitIf: 'enqueued',
  idleRecheck: true, flushOrder: 'sync-first', onlineCheck: true, delAllClears: true, enxioUnlocks: true,
  ttwuStaleCpu: false,
};

export interface Params {
  readonly slot?: number;
  readonly cpu?: number;
}
type Args = { readonly context: SysContext; readonly event: SysEvent };
export type GuardImpl = (args: Args, params: Params) => boolean;
type Assigner = (ctx: SysContext, ev: SysEvent, p: Params) => Partial<SysContext>;
export type KernelGuard =
  | 'manyBegin?' | 'manySendWait?' | 'manySendReturn?' | 'waitDone?' | 'ipiDeliverable?' | 'pollWoken?'
  | 'idleRecheckFinds?' | 'idleHalts?';
export type KernelAction =
  | 'manyBegin' | 'manySend' | 'enterWait' | 'callerReturn' | 'flushTake' | 'idleFlush' | 'stopPolling';
export type GuardName = CsdGuard | HotplugGuard | KernelGuard;
export type ActionName = CsdAction | HotplugAction | KernelAction;

// ---- small immutable helpers (snapshots are shared between explored states: never mutate) ----
function put<T>(a: readonly T[], i: number, v: T): T[] {
  const b = a.slice();
  b[i] = v;
  return b;
}
function without(a: readonly number[], v: number): number[] {
  const i = a.indexOf(v);
  return i < 0 ? a.slice() : [...a.slice(0, i), ...a.slice(i + 1)];
}
function bitCount(m: number): number {
  let n = 0;
  for (let x = m; x !== 0; x &= x - 1) n++;
  return n;
}
function lowestBit(m: number): number {
  return m === 0 ? -1 : 31 - Math.clz32(m & -m);
}

/** The rules as pure functions of (workload, semantics); guards and actions below only wrap them. */
export class Rules {
  constructor(
    readonly cw: CompiledWorkload,
    readonly sem: Semantics,
  ) {}

  slot(p: Params): CompiledSlot {
    const s = this.cw.slots[p.slot ?? -1];
    if (s === undefined) throw new Error(`no CSD slot ${String(p.slot)}`);
    return s;
  }
  req(id: number): CompiledRequest {
    const r = this.cw.requests[id];
    if (r === undefined) throw new Error(`no request ${id}`);
    return r;
  }
  /** The request at the caller's script position, if any. */
  current(ctx: SysContext, cpu: number): CompiledRequest | undefined {
    const id = this.cw.scripts[cpu]?.[ctx.pc[cpu] ?? 0];
    return id === undefined ? undefined : this.req(id);
  }
  /** A CPU runs task code (its script) only while online and not inside a flush (IRQ context). */
  taskRuns(ctx: SysContext, cpu: number): boolean {
    return ctx.online[cpu] === true && ctx.inFlush[cpu] !== true;
  }
  /**
   * smp_call_function_any as the kernel picks on a flat (one-node) machine: the caller if it is in
   * mask, else the lowest-numbered online CPU of mask, else (none online) the lowest CPU of mask,
   * which the single call then rejects with -ENXIO.
   */
  resolveTarget(ctx: SysContext, r: CompiledRequest): number {
    if (r.kind !== 'any') {
      if (r.kind === 'ttwu' && this.sem.ttwuStaleCpu) return (r.target + 1) % this.cw.n === r.cpu ? (r.target + 2) % this.cw.n : (r.target + 1) % this.cw.n;
      return r.target;
    }
    const n = this.cw.n;
    if ((r.mask & (1 << r.cpu)) !== 0) return r.cpu;
    for (let t = 0; t < n; t++) {
      if ((r.mask & (1 << t)) !== 0 && ctx.online[t] === true) return t;
    }
    return lowestBit(r.mask);
  }
  /** Outcome of the CALL step of a single-family CSD use, or null when it is not this slot's turn. */
  callOutcome(ctx: SysContext, ev: SysEvent, p: Params): 'self' | 'enxio' | 'busy' | 'lock' | 'blocked' | null {
    const s = this.slot(p);
    const r = this.req(s.req);
    if (r.many || ev.cpu !== s.caller || !this.taskRuns(ctx, s.caller)) return null;
    if (ctx.phase[s.caller] !== PHASE_READY || this.current(ctx, s.caller)?.id !== r.id) return null;
    const locked = ctx.lock[s.csd] !== 0;
    // single_async / irq_work: test the lock bit, -EBUSY at once; others: csd_lock waits
    if ((r.kind === 'single_async' || r.kind === 'irq_work') && locked && this.sem.asyncBusyCheck) return 'busy';
    if (locked && (this.sem.asyncBusyCheck || (r.kind !== 'single_async' && r.kind !== 'irq_work'))) return 'blocked';
    const t = this.resolveTarget(ctx, r);
    if (t === s.caller) return 'self';
    if (t < 0 || t >= this.cw.n) return 'enxio';
    if (ctx.online[t] !== true && this.sem.onlineCheck) return 'enxio';
    return 'lock';
  }
  /** many-call snapshot: (mask ∩ online) − self, filtered by cond (cfd->cpumask). */
  manyTargets(ctx: SysContext, r: CompiledRequest): number {
    let m = r.mask & ~(1 << r.cpu) & r.cond;
    if (this.sem.snapshotOnline) for (let t = 0; t < this.cw.n; t++) if (ctx.online[t] !== true) m &= ~(1 << t);
    return m;
  }
  manyCallStarts(ctx: SysContext, ev: SysEvent, cpu: number): CompiledRequest | undefined {
    if (ev.cpu !== cpu || !this.taskRuns(ctx, cpu) || ctx.phase[cpu] !== PHASE_READY) return undefined;
    const r = this.current(ctx, cpu);
    return r?.many === true ? r : undefined;
  }
  /** The entry the flush on `cpu` runs next: SYNC pass first, then ASYNC/IRQ_WORK, then TTWU. */
  nextFlushEntry(ctx: SysContext, cpu: number): number {
    const b = ctx.batch[cpu] ?? [];
    let best = -1;
    for (const s of b) if (best < 0 || this.flushClass(s) < this.flushClass(best)) best = s;
    return best;
  }
  /** The flush pass of slot `s`: 0 runs first. */
  flushClass(s: number): number {
    const t = this.cw.slots[s]?.type;
    if (this.sem.flushOrder === 'async-first') return t === 'SYNC' ? 1 : t === 'TTWU' ? 2 : 0;
    return t === 'SYNC' ? 0 : t === 'TTWU' ? 2 : 1;
  }
  runNext(ctx: SysContext, ev: SysEvent, p: Params): CompiledSlot | undefined {
    const s = this.slot(p);
    const c = ctx.target[s.id];
    if (c !== ev.cpu || ctx.inFlush[c] !== true || ctx.running[c] !== -1) return undefined;
    return this.nextFlushEntry(ctx, c) === s.id ? s : undefined;
  }
  /** Which transition (SYNC-style: unlock after, or ASYNC-style: unlock before) this entry takes. */
  unlocksBefore(s: CompiledSlot): boolean {
    return s.type === 'SYNC' ? this.sem.syncUnlock === 'before' : this.sem.asyncUnlock === 'before';
  }
  /** stop_machine can start: every CPU is in preemptible task context (not in a call, not in a flush). */
  canStopMachine(ctx: SysContext, cpu: number): boolean {
    if (ctx.online[cpu] !== true || (ctx.hpLeft[cpu] ?? 0) <= 0) return false;
    for (let c = 0; c < this.cw.n; c++) {
      if (ctx.inFlush[c] === true) return false;
      if (this.sem.stopMachineExcludesCallers && ctx.phase[c] !== PHASE_READY) return false;
    }
    return true;
  }
  manySendReady(ctx: SysContext, ev: SysEvent, cpu: number): CompiledRequest | undefined {
    if (ev.cpu !== cpu || !this.taskRuns(ctx, cpu) || ctx.phase[cpu] !== PHASE_WINDOW) return undefined;
    const r = this.current(ctx, cpu);
    return r?.many === true && ctx.sel[cpu] === 0 ? r : undefined;
  }
  /** "work was enqueued" decides the wait (B9: not "an IPI was sent"). */
  manyMustWait(ctx: SysContext, r: CompiledRequest): boolean {
    if (!r.wait) return false;
    return this.sem.manyWaitIf === 'enqueued' ? (ctx.enq[r.id] ?? 0) !== 0 : (ctx.ipiMask[r.cpu] ?? 0) !== 0;
  }
  /** csd_lock_wait on every CSD this request enqueued. */
  waitDone(ctx: SysContext, cpu: number): boolean {
    if (ctx.phase[cpu] !== PHASE_WAIT || ctx.inFlush[cpu] === true) return false;
    const r = this.current(ctx, cpu);
    if (r === undefined) return false;
    for (const sid of r.slots) {
      const s = this.cw.slots[sid];
      if (s === undefined) continue;
      const t = ctx.target[sid] ?? -1;
      if (t >= 0 && ((ctx.enq[r.id] ?? 0) & (1 << t)) !== 0 && ctx.lock[s.csd] === sid + 1) return false;
    }
    return true;
  }
  /** Kick one CPU on the single-target path: need_resched for a polling idle CPU, else an IPI. */
  /** Is one of `cpu`'s cfd CSDs still locked (queued on some CPU, not yet run)? */
  cfdInFlight(ctx: SysContext, cpu: number): boolean {
    const prefix = `cfd:${cpu}:`;
    return this.cw.csds.some((name, i) => name.startsWith(prefix) && ctx.lock[i] !== 0);
  }
  /** free_percpu of `cpu`'s cfd: its per-target CSDs still locked (queued somewhere) are freed in flight. */
  freeCfd(ctx: SysContext, cpu: number): Partial<SysContext> {
    if (!this.cfdInFlight(ctx, cpu)) return { cfd: put(ctx.cfd, cpu, false) };
    const prefix = `cfd:${cpu}:`;
    const f = ctx.freedInFlight.map((x, i) => x || ((this.cw.csds[i] ?? '').startsWith(prefix) && ctx.lock[i] !== 0));
    return { cfd: put(ctx.cfd, cpu, false), freedInFlight: f };
  }
  /** A flush touches the CSD memory of slot `s` (reads func/info, unlocks): a freed one is a use-after-free. */
  touch(ctx: SysContext, csd: number): Partial<SysContext> {
    return ctx.freedInFlight[csd] === true ? { freedInFlight: put(ctx.freedInFlight, csd, false), uaf: ctx.uaf + 1 } : {};
  }
  kick(ctx: SysContext, t: number): Partial<SysContext> {
    return ctx.polling[t] === true ? { needResched: put(ctx.needResched, t, true) } : { ipi: put(ctx.ipi, t, true) };
  }
  /** llist_del_all + reverse: the batch is the queue in add order. */
  take(ctx: SysContext, cpu: number, warnIfOffline: boolean): Partial<SysContext> {
    const q = ctx.queue[cpu] ?? [];
    const warn = warnIfOffline && ctx.online[cpu] !== true && q.length > 0 ? 1 : 0;
    return {
      batch: put(ctx.batch, cpu, [...(ctx.batch[cpu] ?? []), ...q]),
      queue: this.sem.delAllClears ? put(ctx.queue, cpu, []) : ctx.queue,
      inFlush: put(ctx.inFlush, cpu, q.length > 0 || (ctx.batch[cpu] ?? []).length > 0),
      offlineWarn: ctx.offlineWarn + warn,
    };
  }
}

/** Guard implementations for a workload and semantics. */
export function makeGuards(rules: Rules): Record<GuardName, GuardImpl> {
  const R = rules;
  const forCpu = (ev: SysEvent, p: Params): boolean => ev.cpu === p.cpu;
  return {
    'callSelf?': ({ context, event }, p) => R.callOutcome(context, event, p) === 'self',
    'callEnxio?': ({ context, event }, p) => R.callOutcome(context, event, p) === 'enxio',
    'callBusy?': ({ context, event }, p) => R.callOutcome(context, event, p) === 'busy',
    'callLock?': ({ context, event }, p) => R.callOutcome(context, event, p) === 'lock',
    'manySkip?': ({ context, event }, p) => {
      const s = R.slot(p);
      const r = R.manyCallStarts(context, event, s.caller);
      return r?.id === s.req && (R.manyTargets(context, r) & (1 << s.target)) === 0;
    },
    'manyQueueTurn?': ({ context, event }, p) => {
      const s = R.slot(p);
      const c = s.caller;
      if (event.cpu !== c || !R.taskRuns(context, c) || context.phase[c] !== PHASE_WINDOW) return false;
      if (R.current(context, c)?.id !== s.req) return false;
      // cfd loop in CPU order; csd_lock waits while the previous use of this cfd CSD is in flight
      return lowestBit(context.sel[c] ?? 0) === s.target && context.lock[s.csd] === 0;
    },
    'singleQueueTurn?': ({ context, event }, p) => {
      const s = R.slot(p);
      return event.cpu === s.caller && R.taskRuns(context, s.caller) && context.phase[s.caller] === PHASE_WINDOW &&
        R.current(context, s.caller)?.id === s.req;
    },
    'runSyncNext?': ({ context, event }, p) => {
      const s = R.runNext(context, event, p);
      return s !== undefined && !R.unlocksBefore(s);
    },
    'runAsyncNext?': ({ context, event }, p) => {
      const s = R.runNext(context, event, p);
      return s !== undefined && R.unlocksBefore(s);
    },
    'flushedByDying?': ({ context, event }, p) =>
      R.sem.dyingFlush && R.canStopMachine(context, event.cpu) && (context.queue[event.cpu] ?? []).includes(R.slot(p).id),
    'syncDone?': ({ context, event }, p) => {
      const s = R.slot(p);
      return context.running[event.cpu] === s.id && !R.unlocksBefore(s);
    },
    'asyncDone?': ({ context, event }, p) => {
      const s = R.slot(p);
      return context.running[event.cpu] === s.id && R.unlocksBefore(s);
    },
    'allocOk?': ({ event }, p) => forCpu(event, p),
    'allocFails?': ({ context, event }, p) => forCpu(event, p) && (context.enomemLeft[event.cpu] ?? 0) > 0,
    'bootDone?': ({ event }, p) => forCpu(event, p),
    'canStopMachine?': ({ context, event }, p) => forCpu(event, p) && R.canStopMachine(context, event.cpu),
    // the dying CPU may still take an IPI (IRQs on after stop_machine) before it stops;
    // smpcfd_dead_cpu then waits for the CPU's cfd CSDs still in flight (deadWaitsCfd)
    'cpuStopped?': ({ context, event }, p) => forCpu(event, p) && context.inFlush[event.cpu] !== true &&
      !(R.sem.deadWaitsCfd && R.cfdInFlight(context, event.cpu)),
    'teardownDone?': ({ event }, p) => forCpu(event, p),
    'manyBegin?': ({ context, event }) => R.manyCallStarts(context, event, event.cpu) !== undefined,
    'manySendWait?': ({ context, event }) => {
      const r = R.manySendReady(context, event, event.cpu);
      return r !== undefined && R.manyMustWait(context, r);
    },
    'manySendReturn?': ({ context, event }) => {
      const r = R.manySendReady(context, event, event.cpu);
      return r !== undefined && !R.manyMustWait(context, r);
    },
    'waitDone?': ({ context, event }) => R.waitDone(context, event.cpu),
    'ipiDeliverable?': ({ context, event }) => {
      const c = event.cpu;
      return context.ipi[c] === true && context.inFlush[c] !== true && (context.online[c] === true || context.dying[c] === true);
    },
    'pollWoken?': ({ context, event }) => {
      const c = event.cpu;
      return context.polling[c] === true && context.needResched[c] === true && R.taskRuns(context, c);
    },
    // current_clr_polling_and_test(): stop polling, then re-check need_resched before halting
    'idleRecheckFinds?': ({ context, event }) => {
      const c = event.cpu;
      return context.polling[c] === true && R.taskRuns(context, c) && R.sem.idleRecheck && context.needResched[c] === true;
    },
    'idleHalts?': ({ context, event }) => {
      const c = event.cpu;
      return context.polling[c] === true && R.taskRuns(context, c) && (!R.sem.idleRecheck || context.needResched[c] !== true);
    },
  };
}

/** Action implementations (pure context updates) for a workload and semantics. */
export function makeAssigners(rules: Rules): Record<ActionName, Assigner> {
  const R = rules;
  const next = (ctx: SysContext, c: number, ret: number, rid: number): Partial<SysContext> => ({
    ret: put(ctx.ret, rid, ret), pc: put(ctx.pc, c, (ctx.pc[c] ?? 0) + 1), phase: put(ctx.phase, c, PHASE_READY),
  });
  return {
    csdRunLocal: (ctx, _e, p) => {
      const s = R.slot(p);
      return {
        ...next(ctx, s.caller, 0, s.req),
        ran: put(ctx.ran, s.id, (ctx.ran[s.id] ?? 0) + 1), ranOn: put(ctx.ranOn, s.id, s.caller),
        target: put(ctx.target, s.id, s.caller),
      };
    },
    csdReturnEnxio: (ctx, _e, p) => {
      const s = R.slot(p);
      const t = R.resolveTarget(ctx, R.req(s.req));
      // the lock was taken for csd_data uses; -ENXIO unlocks it again
      const lock = R.sem.enxioUnlocks ? ctx.lock : put(ctx.lock, s.csd, s.id + 1);
      return { ...next(ctx, s.caller, ENXIO, s.req), target: put(ctx.target, s.id, t), lock };
    },
    csdReturnEbusy: (ctx, _e, p) => {
      const s = R.slot(p);
      return next(ctx, s.caller, EBUSY, s.req);
    },
    csdLock: (ctx, _e, p) => {
      const s = R.slot(p);
      const r = R.req(s.req);
      // csd_lock, then the owner writes func/info/type into the CSD memory
      const out: Partial<SysContext> = { lock: put(ctx.lock, s.csd, s.id + 1), func: put(ctx.func, s.csd, s.id) };
      if (r.many) return out;
      return { ...out, target: put(ctx.target, s.id, R.resolveTarget(ctx, r)), phase: put(ctx.phase, s.caller, PHASE_WINDOW) };
    },
    manySkip: () => ({}),
    llistAdd: (ctx, _e, p) => {
      const s = R.slot(p);
      const r = R.req(s.req);
      const t = ctx.target[s.id] ?? -1;
      const out: Partial<SysContext> = {
        queue: put(ctx.queue, t, [...(ctx.queue[t] ?? []), s.id]),
        enq: put(ctx.enq, r.id, (ctx.enq[r.id] ?? 0) | (1 << t)),
      };
      return r.many ? { ...out, sel: put(ctx.sel, s.caller, (ctx.sel[s.caller] ?? 0) & ~(1 << t)) } : out;
    },
    // after llistAdd: the queue holding only this entry means llist_add found it empty
    kickSingle: (ctx, _e, p) => {
      const t = ctx.target[R.slot(p).id] ?? -1;
      return R.sem.kickOnEmpty && (ctx.queue[t] ?? []).length === 1 ? R.kick(ctx, t) : {};
    },
    noteIpi: (ctx, _e, p) => {
      const s = R.slot(p);
      const t = ctx.target[s.id] ?? -1;
      if (!R.sem.kickOnEmpty || (ctx.queue[t] ?? []).length !== 1) return {};
      return { ipiMask: put(ctx.ipiMask, s.caller, (ctx.ipiMask[s.caller] ?? 0) | (1 << t)) };
    },
    leaveWindow: (ctx, _e, p) => {
      const s = R.slot(p);
      return R.req(s.req).wait ? { phase: put(ctx.phase, s.caller, PHASE_WAIT) } : next(ctx, s.caller, 0, s.req);
    },
    // unlock stores 0 to the whole flag word (release)
    csdUnlock: (ctx, _e, p) => ({ lock: put(ctx.lock, R.slot(p).csd, 0) }),
    flushRunFunc: (ctx, ev, p) => {
      const s = R.slot(p);
      const c = ev.cpu;
      const f = ctx.func[s.csd] ?? s.id;
      return {
        batch: put(ctx.batch, c, without(ctx.batch[c] ?? [], s.id)), running: put(ctx.running, c, s.id),
        ran: put(ctx.ran, f, (ctx.ran[f] ?? 0) + 1), ranOn: put(ctx.ranOn, f, c), ...R.touch(ctx, s.csd),
      };
    },
    dyingRunFunc: (ctx, ev, p) => {
      const s = R.slot(p);
      const c = ev.cpu;
      const f = ctx.func[s.csd] ?? s.id;
      return {
        queue: put(ctx.queue, c, without(ctx.queue[c] ?? [], s.id)),
        ran: put(ctx.ran, f, (ctx.ran[f] ?? 0) + 1), ranOn: put(ctx.ranOn, f, c), lock: put(ctx.lock, s.csd, 0),
        ...R.touch(ctx, s.csd),
      };
    },
    funcReturn: (ctx, ev) => {
      const c = ev.cpu;
      return { running: put(ctx.running, c, -1), inFlush: put(ctx.inFlush, c, (ctx.batch[c] ?? []).length > 0) };
    },
    smpcfdPrepareCpu: (ctx, ev) => ({ cfd: put(ctx.cfd, ev.cpu, true) }),
    smpcfdPrepareFail: (ctx, ev) => ({
      cfd: put(ctx.cfd, ev.cpu, false), enomemLeft: put(ctx.enomemLeft, ev.cpu, (ctx.enomemLeft[ev.cpu] ?? 1) - 1),
    }),
    markOnline: (ctx, ev) => ({ online: put(ctx.online, ev.cpu, true) }),
    markOffline: (ctx, ev) => ({
      online: put(ctx.online, ev.cpu, false), dying: put(ctx.dying, ev.cpu, true),
      hpLeft: put(ctx.hpLeft, ev.cpu, (ctx.hpLeft[ev.cpu] ?? 1) - 1),
      polling: put(ctx.polling, ev.cpu, false), needResched: put(ctx.needResched, ev.cpu, false),
    }),
    smpcfdDyingCpu: (ctx, ev) => (R.sem.cfdFreeAt === 'dying' ? R.freeCfd(ctx, ev.cpu) : {}),
    // the CPU is powered off: a still-pending IPI is lost with it
    smpcfdDeadCpu: (ctx, ev) => ({
      dying: put(ctx.dying, ev.cpu, false), ipi: put(ctx.ipi, ev.cpu, false),
      ...(R.sem.cfdFreeAt === 'dead' ? R.freeCfd(ctx, ev.cpu) : {}),
    }),
    finishOffline: () => ({}),
    manyBegin: (ctx, ev) => {
      const r = R.current(ctx, ev.cpu);
      if (r === undefined) return {};
      return {
        sel: put(ctx.sel, ev.cpu, R.manyTargets(ctx, r)), ipiMask: put(ctx.ipiMask, ev.cpu, 0),
        phase: put(ctx.phase, ev.cpu, PHASE_WINDOW),
      };
    },
    // IPIs after the loop: one target → single IPI (polling shortcut), several → one mask IPI
    manySend: (ctx, ev) => {
      const c = ev.cpu;
      const r = R.current(ctx, c);
      const m = ctx.ipiMask[c] ?? 0;
      let out: Partial<SysContext> = { ipiMask: put(ctx.ipiMask, c, 0) };
      if (bitCount(m) === 1) out = { ...out, ...R.kick(ctx, lowestBit(m)) };
      else if (m !== 0) {
        const ipi = ctx.ipi.slice();
        for (let t = 0; t < R.cw.n; t++) if ((m & (1 << t)) !== 0) ipi[t] = true;
        out = { ...out, ipi };
      }
      if (r?.runLocal === true && (r.mask & (1 << c)) !== 0 && (r.cond & (1 << c)) !== 0) {
        out = { ...out, localRan: put(ctx.localRan, r.id, (ctx.localRan[r.id] ?? 0) + 1) };
      }
      return out;
    },
    enterWait: (ctx, ev) => ({ phase: put(ctx.phase, ev.cpu, PHASE_WAIT) }),
    callerReturn: (ctx, ev) => {
      const r = R.current(ctx, ev.cpu);
      return r === undefined ? {} : next(ctx, ev.cpu, 0, r.id);
    },
    flushTake: (ctx, ev) => ({ ipi: put(ctx.ipi, ev.cpu, false), ...R.take(ctx, ev.cpu, true) }),
    idleFlush: (ctx, ev) => ({ needResched: put(ctx.needResched, ev.cpu, false), ...R.take(ctx, ev.cpu, false) }),
    stopPolling: (ctx, ev) => ({ polling: put(ctx.polling, ev.cpu, false) }),
  };
}

export type ActionImpl = ReturnType<typeof toAction>;
function toAction(f: Assigner) {
  return assign(({ context, event }: Args, params: Params) => f(context, event, params));
}
export function makeActions(rules: Rules): Record<ActionName, ActionImpl> {
  const a = makeAssigners(rules);
  const out = {} as Record<ActionName, ActionImpl>;
  for (const k of Object.keys(a) as ActionName[]) out[k] = toAction(a[k]);
  return out;
}

export function initialContext(cw: CompiledWorkload): SysContext {
  const n = cw.n;
  const fill = <T>(v: T): T[] => new Array<T>(n).fill(v);
  return {
    online: fill(true), dying: fill(false), cfd: fill(true),
    queue: Array.from({ length: n }, () => []), batch: Array.from({ length: n }, () => []),
    inFlush: fill(false), running: fill(-1), ipi: fill(false), polling: cw.polling.slice(), needResched: fill(false),
    pc: fill(0), phase: fill(PHASE_READY), sel: fill(0), ipiMask: fill(0),
    lock: new Array<number>(cw.csds.length).fill(0), func: new Array<number>(cw.csds.length).fill(-1),
    ran: cw.slots.map(() => 0), ranOn: cw.slots.map(() => -1), target: cw.slots.map((s) => s.target),
    enq: cw.requests.map(() => 0), localRan: cw.requests.map(() => 0), ret: cw.requests.map(() => null),
    hpLeft: cw.hpCycles.slice(), enomemLeft: cw.hpCycles.map((h) => (cw.enomem && h > 0 ? 1 : 0)),
    offlineWarn: 0, freedInFlight: new Array<boolean>(cw.csds.length).fill(false), uaf: 0,
  };
}

const KERNEL_REGION = (() => {
  const g = (type: KernelGuard, ...actions: KernelAction[]) => ({ guard: type, actions: [...actions] });
  return {
    initial: 'run',
    states: {
      run: {
        description: 'per-CPU control flow not owned by one CSD: many-call begin/send, return, IPI entry, idle loop',
        on: {
          CALL: [g('manyBegin?', 'manyBegin')],
          SEND: [g('manySendWait?', 'manySend', 'enterWait'), g('manySendReturn?', 'manySend', 'callerReturn')],
          RETURN: [g('waitDone?', 'callerReturn')],
          IPI: [g('ipiDeliverable?', 'flushTake')],
          IDLE_WAKE: [g('pollWoken?', 'idleFlush')],
          IDLE_SLEEP: [g('idleRecheckFinds?', 'stopPolling', 'idleFlush'), g('idleHalts?', 'stopPolling')],
        },
      },
    },
  };
})();

export interface SystemConfig {
  readonly workload: CompiledWorkload;
  readonly semantics?: Semantics;
}

/** The composed machine for a compiled workload (N CPUs = workload.n). */
export function createSystemMachine(config: SystemConfig) {
  const cw = config.workload;
  const rules = new Rules(cw, config.semantics ?? CORRECT_SEMANTICS);
  const states: Record<string, unknown> = {};
  for (let c = 0; c < cw.n; c++) states[`cpu${c}`] = hotplugStates(c, 'online');
  for (const s of cw.slots) states[`req${s.id}`] = csdStates(s.id);
  states['kernel'] = KERNEL_REGION;
  return setup({
    types: { context: {} as SysContext, events: {} as SysEvent },
    // the implementations are typed on (Args, Params); setup's inferred parameter types are narrower
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    guards: makeGuards(rules) as never,
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    actions: makeActions(rules) as never,
  }).createMachine({ id: 'smp', type: 'parallel', context: initialContext(cw), states } as never);
}
export type SystemMachine = ReturnType<typeof createSystemMachine>;
