/**
 * Where a call's function must run and where it may run, derived only from the request as the
 * caller made it (API, target or mask, `cond`, run-local, the function) and the online set the
 * test knows — never from the implementation's own bookkeeping (R_EXPECTED is written by
 * impl/smp.ts as it queues, so a bug that drops a target drops it from there too and then agrees
 * with its own check; issue 15).
 *
 * The online set during a call is known exactly for CPUs no hotplug command touched in the call's
 * epoch (between two quiescent points): they keep the state they had when the call was posted.
 * A touched CPU may or may not be seen online by the caller's snapshot (cpu_online_mask changes
 * under the caller unless it holds the hotplug lock), so it is in the "may run" set of a call
 * that names it and never in the "must run" set. Work queued to a CPU that then goes down still
 * runs, in its dying flush (smpcfd_dying_cpu), so a CPU that was online and untouched must run it.
 */
import { R_RAN, R_RC, R_STATUS, RS_RETURNED } from '../impl/layout.js';
import type { SmpRequest } from '../impl/requests.js';
import type { SharedMem } from '../impl/system.js';
import type { InvariantId } from '../model/types.js';

export interface ExpectedRuns {
  /** CPUs on which the function must have run once the call returned 0 (or, async, by quiescence) */
  readonly must: number;
  /** CPUs on which the function may run; a run anywhere else is INV-RUN-ON-TARGET */
  readonly may: number;
  /** smp_call_function_any: the function runs on exactly one CPU */
  readonly atMostOne: boolean;
}

const bit = (c: number): number => 1 << c;

function maskOf(cpus: readonly number[]): number {
  let m = 0;
  for (const c of cpus) if (Number.isInteger(c) && c >= 0 && c < 31) m |= bit(c);
  return m;
}

/** The lowest CPU of `m`, or -1. */
function lowest(m: number): number {
  return m === 0 ? -1 : 31 - Math.clz32(m & -m);
}

/**
 * The CPUs the API targets for a given online set (the kernel's rules, smp-semantics.md §3):
 * single calls run on their target (locally if it is the caller); the many-calls on
 * mask ∩ online, without the caller unless they run locally (SCF_RUN_LOCAL, on_each_cpu_*), and
 * only where `cond` holds; smp_call_function on every other online CPU; smp_call_function_any on
 * the caller if it is in the mask, else on the lowest online CPU of the mask (one NUMA node).
 */
function targets(req: SmpRequest, caller: number, online: number, all: number): number {
  const self = bit(caller);
  switch (req.kind) {
    case 'single':
    case 'single_async':
      return req.target === caller ? self : bit(req.target) & online & all;
    case 'irq_work':
    case 'ttwu':
      // irq_work_queue_on / a wakeup through another CPU's wakelist: there, if it is online (-ENXIO otherwise)
      return req.target === caller ? 0 : bit(req.target) & online & all;
    case 'any': {
      const mask = maskOf(req.mask) & all;
      if ((mask & self) !== 0) return self;
      const t = lowest(mask & online);
      return t < 0 ? 0 : bit(t);
    }
    case 'many':
      return maskOf(req.mask) & online & all & ~self;
    case 'many_cond': {
      const cond = req.cond === undefined ? all : maskOf(req.cond);
      const local = req.runLocal ? self : 0;
      return maskOf(req.mask) & cond & ((online & ~self) | local) & all;
    }
    case 'call_function':
      return online & all & ~self;
    case 'on_each_cpu_cond_mask': {
      const cond = req.cond === undefined ? all : maskOf(req.cond);
      return maskOf(req.mask) & cond & (online | self) & all;
    }
    case 'cpu_down':
    case 'cpu_up':
    case 'bench_single':
    case 'bench_async':
    case 'bench_many':
    case 'open_gate':
      return 0;
  }
}

/**
 * What `req`, posted on `caller` while `onlineAtPost` were online, must and may run, when the
 * CPUs in `touched` had hotplug commands in the same epoch. Callbacks that call the API add their
 * own runs of the same request: fn_resubmit runs once more on the submitter (it resubmits its own
 * CSD there), fn_forward, fn_irq_work_next and fn_ttwu_next may run once more on the next CPU
 * (its shared CSD, the callback's irq_work or task may be busy: -EBUSY).
 */
export function expectedRuns(req: SmpRequest, caller: number, n: number, onlineAtPost: number, touched: number): ExpectedRuns {
  const all = n >= 31 ? 0x7fffffff : bit(n) - 1;
  const stable = onlineAtPost & ~touched & all;
  const maybe = (onlineAtPost | touched) & all;
  let must = targets(req, caller, stable, all);
  let may = targets(req, caller, maybe, all);
  if (req.kind === 'any') {
    const mask = maskOf(req.mask) & all;
    // a touched CPU below the pick may have been online when the caller looked: then it won
    if ((mask & bit(caller)) === 0) {
      must = (mask & touched & (must - 1)) !== 0 ? 0 : must;
      may = mask & maybe;
    }
  }
  const func = 'func' in req ? req.func : undefined;
  if (func === 'fn_resubmit' && (req.kind === 'single' || req.kind === 'single_async') && req.target !== caller) {
    if ((must & bit(req.target)) !== 0 && (stable & bit(caller)) !== 0) must |= bit(caller);
    may |= bit(caller);
  }
  if ((func === 'fn_forward' || func === 'fn_irq_work_next' || func === 'fn_ttwu_next') && (req.kind === 'single' || req.kind === 'single_async' || req.kind === 'irq_work' || req.kind === 'ttwu')) {
    may |= bit((req.target + 1) % n);
  }
  return { must, may, atMostOne: req.kind === 'any' };
}

export function onlineMask(n: number, online: (cpu: number) => boolean): number {
  let m = 0;
  for (let c = 0; c < n; c++) if (online(c)) m |= bit(c);
  return m;
}

export function cpuList(m: number): string {
  const out: number[] = [];
  for (let c = 0; c < 31; c++) if ((m & bit(c)) !== 0) out.push(c);
  return out.length === 0 ? '-' : out.join(',');
}

/** A call as its caller made it: enough to say where it must and may run. */
export interface CallAsMade {
  readonly id: number;
  readonly cpu: number;
  readonly req: SmpRequest;
  readonly text: string;
  readonly onlineAtPost: number;
}

export interface RunVerdict {
  readonly id: InvariantId;
  readonly message: string;
}

/**
 * INV-NO-LOST-CALL and INV-RUN-ON-TARGET at a quiescent point, from the requests as the callers
 * made them: a call that returned 0 ran on every CPU it must run on; no call ran anywhere it may
 * not. Reads only what the caller and the callback see: the return code, whether it returned,
 * and where the function ran (the function records its own runs, R_RAN).
 */
export function checkRuns<C extends CallAsMade>(mem: SharedMem, calls: readonly C[], touched: (call: C) => number): RunVerdict[] {
  const { m, L } = mem;
  const out: RunVerdict[] = [];
  for (const call of calls) {
    const ran = Atomics.load(m, L.req(call.id, R_RAN));
    const want = expectedRuns(call.req, call.cpu, L.ncpus, call.onlineAtPost, touched(call));
    const extra = ran & ~want.may;
    if (extra !== 0) {
      out.push({ id: 'INV-RUN-ON-TARGET', message: `cpu${call.cpu} ${call.text} (request ${call.id}) ran on cpu ${cpuList(extra)}, which the request does not target (it may run on cpu ${cpuList(want.may)})` });
    }
    if (want.atMostOne && (ran & (ran - 1)) !== 0) {
      out.push({ id: 'INV-RUN-ON-TARGET', message: `cpu${call.cpu} ${call.text} (request ${call.id}) ran on cpu ${cpuList(ran)}: smp_call_function_any runs on one CPU` });
    }
    const returned0 = Atomics.load(m, L.req(call.id, R_STATUS)) === RS_RETURNED && Atomics.load(m, L.req(call.id, R_RC)) === 0;
    const missing = want.must & ~ran;
    if (returned0 && missing !== 0) {
      out.push({ id: 'INV-NO-LOST-CALL', message: `cpu${call.cpu} ${call.text} (request ${call.id}) returned 0 but its func never ran on cpu ${cpuList(missing)} (the request targets cpu ${cpuList(want.must)}, online and not hotplugged meanwhile)` });
    }
  }
  return out;
}
