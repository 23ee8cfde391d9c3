/**
 * Directed detector checks: small hand-built situations in the implementation that test that a
 * diagnostic still fires (B8: the "IPI on offline CPU" warning; B10: one backtrace per stuck target)
 * and that one flush pass keeps queue order (llist_reverse_order). A detector must itself be tested
 * by injection (smp-semantics §8, B8).
 */
import { ipiHandler } from '../impl/flush.js';
import type { KernelFunctions } from '../impl/kernel.js';
import { funcId } from '../impl/functions.js';
import { C_QUEUE, C_STATE, CSD_FLAG_LOCK, F_DST, F_FLAGS, F_FUNC, F_INFO, F_SRC, H_WARN_OFFLINE, HP_OFFLINE } from '../impl/layout.js';
import { LockWaitDebug } from '../impl/lockwait-debug.js';
import { WAIT, type Ctx, type DebugReport, type Proto } from '../impl/memory.js';
import { runDeterministic } from '../impl/runtime/deterministic.js';
import { priorityScheduler } from '../impl/runtime/schedulers.js';
import { createSharedMem, makeCtx, type SharedMem } from '../impl/system.js';
import { kernelTable, type ImplVariant } from '../impl/variant.js';
import type { DetectorId } from '../variants/index.js';

export interface DetectorOutcome {
  readonly id: DetectorId;
  readonly failed: boolean;
  /** what was observed, one line */
  readonly message: string;
}

/** Run a generator that must not block (every word it could wait on is already set). */
function runOut(g: Proto<unknown>): void {
  for (let r = g.next(); r.done !== true; r = g.next()) {
    if (r.value === WAIT) throw new Error('detector scenario blocked');
  }
}

function ctxOf(mem: SharedMem, cpu: number, k: KernelFunctions, nowMs: () => number = () => 0, reports: DebugReport[] = []): Ctx {
  return makeCtx(mem, cpu, { now: () => nowMs() / 1e3, nowMs, report: (r) => { reports.push(r); } }, k);
}

function lockedCsd(mem: SharedMem, csd: number, src: number, dst: number): void {
  const { m, L } = mem;
  Atomics.store(m, L.csd(csd, F_FLAGS), CSD_FLAG_LOCK);
  Atomics.store(m, L.csd(csd, F_FUNC), funcId('fn_ping'));
  Atomics.store(m, L.csd(csd, F_INFO), -1);
  Atomics.store(m, L.csd(csd, F_SRC), src);
  Atomics.store(m, L.csd(csd, F_DST), dst);
}

/** DET-OFFLINE-WARN: work injected onto an offline CPU's queue, then its IPI handler runs: one warning. */
export function offlineWarning(variant?: ImplVariant): DetectorOutcome {
  const mem = createSharedMem({ cpus: 3, trace: false });
  const k = kernelTable(variant?.impl);
  const { m, L } = mem;
  Atomics.store(m, L.cpu(1, C_STATE), HP_OFFLINE);
  const csd = L.csdData(0);
  lockedCsd(mem, csd, 0, 1);
  runOut(k.llist_add(ctxOf(mem, 0, k), L.cpu(1, C_QUEUE), csd));
  runOut(ipiHandler(ctxOf(mem, 1, k)));
  const warnings = Atomics.load(m, H_WARN_OFFLINE);
  return {
    id: 'DET-OFFLINE-WARN', failed: warnings !== 1,
    message: `IPI handler ran a batch on offline cpu1: ${warnings} "IPI on offline CPU" warning(s), expected 1`,
  };
}

/** DET-BT-TOKEN: two CPUs stuck on CSDs queued to the same unresponsive CPU: one NMI backtrace of it. */
export function backtraceToken(variant?: ImplVariant): DetectorOutcome {
  const mem = createSharedMem({ cpus: 3, trace: false, csdlockDebug: true, csdLockTimeoutMs: 10 });
  const k = kernelTable(variant?.impl);
  let now = 0;
  const reports: DebugReport[] = [];
  const waiters = [0, 2].map((cpu) => {
    const csd = mem.L.csdData(cpu);
    lockedCsd(mem, csd, cpu, 1);
    return new LockWaitDebug(ctxOf(mem, cpu, k, () => now, reports), csd);
  });
  now = 25;
  for (const w of waiters) w.stillLocked();
  const first = reports.filter((r) => r.kind === 'backtrace').length;
  // the target flushes (responds again): the token is re-armed for the next stall
  const work = mem.L.userCsd(0, 0);
  lockedCsd(mem, work, 0, 1);
  runOut(k.llist_add(ctxOf(mem, 0, k), mem.L.cpu(1, C_QUEUE), work));
  runOut(k.__flush_smp_call_function_queue(ctxOf(mem, 1, k), true, true));
  const again = new LockWaitDebug(ctxOf(mem, 0, k, () => now, reports), mem.L.csdData(0));
  now = 60;
  again.stillLocked();
  const total = reports.filter((r) => r.kind === 'backtrace').length;
  return {
    id: 'DET-BT-TOKEN', failed: first !== 1 || total !== 2,
    message: `2 waiters stuck on cpu1: ${first} backtrace(s) of cpu1, expected 1; after cpu1 flushed, a new stall: ${total - first}, expected 1`,
  };
}

/** DET-FIFO: cpu0 queues two async entries on cpu1 before cpu1 runs: cpu1 runs them in that order. */
export function fifoOrder(variant?: ImplVariant): DetectorOutcome {
  const { sys, result } = runDeterministic({ cpus: 2, ...(variant === undefined ? {} : { variant }), scheduler: priorityScheduler([0]) }, [
    [0, { kind: 'many', mask: [1], wait: false }],
    [0, { kind: 'single_async', target: 1 }],
  ]);
  const ev = sys.trace();
  const queued = ev.filter((e) => e.event === 'csd_queue_cpu').map((e) => e.fields.csd ?? '');
  const ran = ev.filter((e) => e.event === 'csd_function_entry' && e.cpu === 1).map((e) => e.fields.csd ?? '');
  const ok = result.status === 'quiescent' && queued.length === 2 && queued.join() === ran.join();
  return {
    id: 'DET-FIFO', failed: !ok,
    message: `queued on cpu1 in order [${queued.join(', ')}], cpu1 ran [${ran.join(', ')}] (${result.status})`,
  };
}

export const DETECTORS: readonly ((variant?: ImplVariant) => DetectorOutcome)[] = [offlineWarning, backtraceToken, fifoOrder];

/** Every detector for one variant (smp.c itself when absent: none may fail). */
export function runDetectors(variant?: ImplVariant): DetectorOutcome[] {
  return DETECTORS.map((d) => d(variant));
}
