/**
 * Requests: what a test or the CLI asks a CPU to do, and the shared accounting table that makes
 * every request's fate observable from counters (not logs). The same request objects are used by
 * both runtimes.
 */
import {
  B_CSDS, B_MASKS, B_OWNER, C_CFD, C_MB_HEAD, C_MB_TAIL, C_STATE, CSD_FLAG_LOCK, F_FLAGS, H_LIST_CORRUPT,
  H_OFFLINE_RUNS, H_REQ_NEXT, H_SYNC_EARLY, H_UNLOCK_WARN, H_IRQS_OFF_WARN, H_UAF, H_WARN_OFFLINE, HP_DYING, HP_ONLINE, HP_PREPARED,
  MB_CAP, R_ARG, R_COND, R_CSD, R_DUP, R_ELAPSED_NS, R_EXPECTED, R_FLAGS, R_FUNC, R_ISSUER, R_KIND, R_RAN, R_RC, R_RUNS,
  R_STATUS, R_WRONG, RQ_DST_CSD, RQ_HAS_COND, RQ_IRQS_OFF, RQ_RUN_LOCAL, RQ_SHARED_CSD, RQ_WAIT, RS_POSTED, RS_RETURNED,
  RESUBMIT_CSD_SLOT, SHARED_CSD_SLOT, IRQ_WORKS, TASKS,
  H_ALLOC_LIVE, type Layout, type Shared,
} from './layout.js';
import { ENXIO } from './errno.js';
import { funcId, type FuncName } from './functions.js';
import { kickHost } from './kick-host.js';

export const K_SINGLE = 1;
export const K_SINGLE_ASYNC = 2;
export const K_ANY = 3;
export const K_MANY = 4;
export const K_MANY_COND = 5;
export const K_CALL_FUNCTION = 6;
export const K_ON_EACH_CPU_COND_MASK = 7;
export const K_CPU_DOWN = 8;
export const K_CPU_UP = 9;
/** benchmark: `repeat` waiting single calls of do_nothing in a loop on the issuing CPU */
export const K_BENCH_SINGLE = 10;
/** open the fn_stall gate from a CPU (so a scenario can order it after other calls) */
export const K_OPEN_GATE = 11;
/** benchmark: `repeat` smp_call_function_single(wait=0) of do_nothing (csd_data: each waits for the previous) */
export const K_BENCH_ASYNC = 12;
/** benchmark: `repeat` waiting smp_call_function_many of do_nothing to `mask` */
export const K_BENCH_MANY = 13;
/** irq_work_queue_on(work, cpu): one of the issuer's irq_works onto another CPU's call_single_queue */
export const K_IRQ_WORK = 14;
/** ttwu_queue_wakelist(p, cpu): wake one of the issuer's tasks through `cpu`'s wakelist (a TTWU entry) */
export const K_TTWU = 15;

interface Common {
  /** the function to run (default fn_ping) */
  readonly func?: FuncName;
  /** issue the call with this CPU's interrupts disabled (bad use for waiting calls) */
  readonly irqsDisabled?: boolean;
}
export type SmpRequest =
  | (Common & {
      readonly kind: 'single'; readonly target: number; readonly wait: boolean;
      /** wait=0 only: queue the destination CPU's csd_data, shared by every sender (the 2026 debug path, B11) */
      readonly dstCsd?: boolean;
    })
  | (Common & {
      readonly kind: 'single_async'; readonly target: number; readonly csd?: number;
      /** submit the target's shared async CSD (any CPU may), serialised by submit_shared_csd (B6) */
      readonly shared?: boolean;
    })
  | (Common & { readonly kind: 'any'; readonly mask: readonly number[]; readonly wait: boolean })
  | (Common & { readonly kind: 'many'; readonly mask: readonly number[]; readonly wait: boolean })
  | (Common & {
      readonly kind: 'many_cond'; readonly mask: readonly number[]; readonly wait: boolean;
      readonly runLocal: boolean; readonly cond?: readonly number[];
    })
  | (Common & { readonly kind: 'call_function'; readonly wait: boolean })
  | (Common & {
      readonly kind: 'on_each_cpu_cond_mask'; readonly mask: readonly number[]; readonly wait: boolean;
      readonly cond?: readonly number[];
    })
  | (Common & {
      readonly kind: 'irq_work'; readonly target: number;
      /** which of the owner's irq_works (0..IRQ_WORKS-2; the last one is fn_irq_work_next's); reusing a pending one gives -EBUSY */
      readonly work?: number;
      /** whose irq_work (default the issuer's): several CPUs may queue one work, its claim decides (no caller lock) */
      readonly owner?: number;
    })
  | (Common & {
      readonly kind: 'ttwu'; readonly target: number;
      /** which of the issuer's tasks (0..TASKS-2; the last one is fn_ttwu_next's); one being woken gives -EBUSY */
      readonly task?: number;
    })
  | (Common & { readonly kind: 'cpu_down'; readonly cpu: number })
  | (Common & { readonly kind: 'cpu_up'; readonly cpu: number })
  | (Common & { readonly kind: 'bench_single'; readonly target: number; readonly repeat: number })
  | (Common & { readonly kind: 'bench_async'; readonly target: number; readonly repeat: number })
  | (Common & { readonly kind: 'bench_many'; readonly mask: readonly number[]; readonly repeat: number })
  | (Common & { readonly kind: 'open_gate' });

export interface RequestResult {
  readonly id: number;
  readonly rc: number;
  readonly returned: boolean;
  /** CPUs the request was queued to or run locally on */
  readonly expected: readonly number[];
  readonly ranOn: readonly number[];
  readonly runs: number;
  /** bench_single only: nanoseconds for the whole loop */
  readonly elapsedNs: number;
}

function toMask(cpus: readonly number[], what: string): number {
  let m = 0;
  for (const c of cpus) {
    if (!Number.isInteger(c) || c < 0 || c > 30) throw new RangeError(`${what}: cpu ${String(c)} is not in 0..30`);
    m |= 1 << c;
  }
  return m;
}

function fromMask(mask: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if ((mask & (1 << i)) !== 0) out.push(i);
  return out;
}

function encode(req: SmpRequest): { kind: number; arg: number; flags: number; cond: number; csd: number } {
  const wait = 'wait' in req && req.wait ? RQ_WAIT : 0;
  const irq = req.irqsDisabled === true ? RQ_IRQS_OFF : 0;
  switch (req.kind) {
    case 'single': {
      if (req.dstCsd === true && req.wait) throw new RangeError('dstCsd: only a call with wait=0 uses a csd_data');
      return { kind: K_SINGLE, arg: req.target, flags: wait | irq | (req.dstCsd === true ? RQ_DST_CSD : 0), cond: 0, csd: 0 };
    }
    case 'single_async': {
      if (req.shared === true) {
        if (req.csd !== undefined) throw new RangeError('csd: a shared submission uses the target\'s shared CSD, not a slot');
        return { kind: K_SINGLE_ASYNC, arg: req.target, flags: irq | RQ_SHARED_CSD, cond: 0, csd: SHARED_CSD_SLOT };
      }
      const k = req.csd ?? 0;
      if (!Number.isInteger(k) || k < 0 || k >= SHARED_CSD_SLOT) throw new RangeError(`csd: ${String(k)} is not a caller-owned CSD slot 0..${SHARED_CSD_SLOT - 1} (slot ${SHARED_CSD_SLOT} is the shared one: shared: true)`);
      if ((k === RESUBMIT_CSD_SLOT) !== (req.func === 'fn_resubmit')) throw new RangeError(`csd: slot ${RESUBMIT_CSD_SLOT} is for fn_resubmit and fn_resubmit needs it (its function resubmits it)`);
      return { kind: K_SINGLE_ASYNC, arg: req.target, flags: irq, cond: 0, csd: k };
    }
    case 'irq_work': {
      const k = req.work ?? 0;
      if (!Number.isInteger(k) || k < 0 || k >= IRQ_WORKS - 1) throw new RangeError(`work: ${String(k)} is not an irq_work slot 0..${IRQ_WORKS - 2} (slot ${IRQ_WORKS - 1} is fn_irq_work_next's)`);
      return { kind: K_IRQ_WORK, arg: req.target, flags: irq | (req.owner === undefined ? 0 : RQ_SHARED_CSD), cond: req.owner ?? 0, csd: k };
    }
    case 'ttwu': {
      const k = req.task ?? 0;
      if (!Number.isInteger(k) || k < 0 || k >= TASKS - 1) throw new RangeError(`task: ${String(k)} is not a task slot 0..${TASKS - 2} (slot ${TASKS - 1} is fn_ttwu_next's)`);
      return { kind: K_TTWU, arg: req.target, flags: irq, cond: 0, csd: k };
    }
    case 'any': return { kind: K_ANY, arg: toMask(req.mask, 'mask'), flags: wait | irq, cond: 0, csd: 0 };
    case 'many': return { kind: K_MANY, arg: toMask(req.mask, 'mask'), flags: wait | irq, cond: 0, csd: 0 };
    case 'many_cond': return {
      kind: K_MANY_COND, arg: toMask(req.mask, 'mask'), cond: req.cond ? toMask(req.cond, 'cond') : 0, csd: 0,
      flags: wait | irq | (req.runLocal ? RQ_RUN_LOCAL : 0) | (req.cond ? RQ_HAS_COND : 0),
    };
    case 'call_function': return { kind: K_CALL_FUNCTION, arg: 0, flags: wait | irq, cond: 0, csd: 0 };
    case 'on_each_cpu_cond_mask': return {
      kind: K_ON_EACH_CPU_COND_MASK, arg: toMask(req.mask, 'mask'), cond: req.cond ? toMask(req.cond, 'cond') : 0,
      csd: 0, flags: wait | irq | (req.cond ? RQ_HAS_COND : 0),
    };
    case 'cpu_down': return { kind: K_CPU_DOWN, arg: req.cpu, flags: irq, cond: 0, csd: 0 };
    case 'cpu_up': return { kind: K_CPU_UP, arg: req.cpu, flags: irq, cond: 0, csd: 0 };
    case 'open_gate': return { kind: K_OPEN_GATE, arg: 0, flags: irq, cond: 0, csd: 0 };
    case 'bench_single': return { kind: K_BENCH_SINGLE, arg: req.target, flags: RQ_WAIT | irq, cond: req.repeat, csd: 0 };
    case 'bench_async': return { kind: K_BENCH_ASYNC, arg: req.target, flags: irq, cond: req.repeat, csd: 0 };
    case 'bench_many': return { kind: K_BENCH_MANY, arg: toMask(req.mask, 'mask'), flags: RQ_WAIT | irq, cond: req.repeat, csd: 0 };
  }
}

/** Host side: write the request into the table and post its id to `cpu`'s mailbox. */
export function postRequest(m: Shared, L: Layout, cpu: number, req: SmpRequest): number {
  if (!Number.isInteger(cpu) || cpu < 0 || cpu >= L.ncpus) throw new RangeError(`cpu: ${String(cpu)} is not in 0..${L.ncpus - 1}`);
  const e = encode(req);
  if (req.kind === 'irq_work' && req.owner !== undefined && (!Number.isInteger(req.owner) || req.owner < 0 || req.owner >= L.ncpus)) throw new RangeError(`owner: ${String(req.owner)} is not a CPU in 0..${L.ncpus - 1}`);
  if ((req.kind === 'irq_work' || req.kind === 'ttwu') && req.target === cpu) throw new RangeError(`target: ${req.kind === 'ttwu' ? 'a wakeup' : 'irq_work_queue_on'} to the issuing CPU itself (cpu${cpu}) does not use call_single_queue; pick another CPU`);
  if ((e.flags & (RQ_SHARED_CSD | RQ_DST_CSD)) !== 0 && (e.arg < 0 || e.arg >= L.ncpus)) {
    throw new RangeError(`target: a shared CSD belongs to a CPU in 0..${L.ncpus - 1}, got ${e.arg}`);
  }
  const id = Atomics.add(m, H_REQ_NEXT, 1);
  if (id >= L.reqCap) throw new RangeError(`requests: table full (${L.reqCap}); raise 'requests' in the config`);
  const tail = Atomics.load(m, L.cpu(cpu, C_MB_TAIL));
  if (tail - Atomics.load(m, L.cpu(cpu, C_MB_HEAD)) >= MB_CAP) throw new RangeError(`mailbox: cpu${cpu} has ${MB_CAP} pending commands`);
  Atomics.store(m, L.req(id, R_KIND), e.kind);
  Atomics.store(m, L.req(id, R_ISSUER), cpu);
  Atomics.store(m, L.req(id, R_ARG), e.arg);
  Atomics.store(m, L.req(id, R_FLAGS), e.flags);
  Atomics.store(m, L.req(id, R_COND), e.cond);
  Atomics.store(m, L.req(id, R_CSD), e.csd);
  Atomics.store(m, L.req(id, R_FUNC), funcId(req.func ?? 'fn_ping'));
  Atomics.store(m, L.req(id, R_STATUS), RS_POSTED);
  Atomics.store(m, L.mailbox(cpu, tail), id);
  Atomics.store(m, L.cpu(cpu, C_MB_TAIL), tail + 1); // release: request fields before the tail
  kickHost(m, L, cpu);
  return id;
}

export function requestResult(m: Shared, L: Layout, id: number, f64?: Float64Array<SharedArrayBuffer>): RequestResult {
  return {
    id,
    rc: Atomics.load(m, L.req(id, R_RC)),
    returned: Atomics.load(m, L.req(id, R_STATUS)) === RS_RETURNED,
    expected: fromMask(Atomics.load(m, L.req(id, R_EXPECTED)), L.ncpus),
    ranOn: fromMask(Atomics.load(m, L.req(id, R_RAN)), L.ncpus),
    runs: Atomics.load(m, L.req(id, R_RUNS)),
    elapsedNs: f64?.[L.req(id, R_ELAPSED_NS) >> 1] ?? 0,
  };
}

export interface AccountingReport {
  readonly requests: number;
  readonly returned: number;
  /** INV-NO-LOST-CALL: expected runs that did not happen (request returned 0) */
  readonly lost: number;
  /** INV-NO-DOUBLE-RUN */
  readonly duplicated: number;
  /** INV-RUN-ON-TARGET (and INV-ENXIO: a -ENXIO request that ran counts here too) */
  readonly wrongCpu: number;
  /** INV-SYNC-AFTER-RUN: waiting calls that returned before their function ran everywhere */
  readonly returnedBeforeRun: number;
  /** INV-NOT-ON-OFFLINE */
  readonly offlineRuns: number;
  /** INV-NO-LEAK: cfd allocations that belong to no CPU that should own one */
  readonly leakedCfd: number;
  /** INV-LOCK-RELEASED: CSDs with the lock bit still set */
  readonly locksStillSet: number;
  readonly enxio: number;
  /** calls made with interrupts off on an online CPU: the kernel's WARN, counted (not a violation) */
  readonly irqsOffWarnings: number;
  readonly offlineWarnings: number;
  readonly unlockWarnings: number;
  readonly listCorruptions: number;
  /** INV-NO-UAF: touches of a CSD of a freed cfd (a flush read it, or the allocator rewrote it while queued) */
  readonly uafTouches: number;
  readonly allocLive: number;
  /** every check above is zero */
  readonly ok: boolean;
}

/** Counts computed from shared counters only. Meaningful at quiescence. */
export function accountingReport(mem: { readonly m: Shared; readonly L: Layout }): AccountingReport {
  const { m, L } = mem;
  const n = Math.min(Atomics.load(m, H_REQ_NEXT), L.reqCap);
  let returned = 0, lost = 0, duplicated = 0, wrongCpu = 0, enxio = 0;
  for (let id = 0; id < n; id++) {
    const kind = Atomics.load(m, L.req(id, R_KIND));
    if (kind === K_CPU_DOWN || kind === K_CPU_UP || kind === K_BENCH_SINGLE || kind === K_BENCH_ASYNC || kind === K_BENCH_MANY || kind === K_OPEN_GATE) {
      if (Atomics.load(m, L.req(id, R_STATUS)) === RS_RETURNED) returned++;
      continue;
    }
    const expected = Atomics.load(m, L.req(id, R_EXPECTED));
    const ran = Atomics.load(m, L.req(id, R_RAN));
    const rc = Atomics.load(m, L.req(id, R_RC));
    const st = Atomics.load(m, L.req(id, R_STATUS));
    if (st === RS_RETURNED) returned++;
    if (rc === -ENXIO) enxio++;
    duplicated += Atomics.load(m, L.req(id, R_DUP));
    wrongCpu += Atomics.load(m, L.req(id, R_WRONG));
    // Queued work must run even if the caller has not returned yet (it may be stuck waiting on it).
    if (st === RS_RETURNED ? rc === 0 : st !== RS_POSTED) lost += popcount(expected & ~ran);
  }
  let locks = 0;
  for (let i = 0; i < L.csdCount; i++) if ((Atomics.load(m, L.csd(i, F_FLAGS)) & CSD_FLAG_LOCK) !== 0) locks++;
  let leaked = 0;
  for (let b = 0; b < L.cfdBlocks; b++) {
    const live = Atomics.load(m, L.cfd(b, B_MASKS)) + Atomics.load(m, L.cfd(b, B_CSDS));
    if (live === 0) continue;
    const owner = Atomics.load(m, L.cfd(b, B_OWNER));
    const st = owner >= 0 && owner < L.ncpus ? Atomics.load(m, L.cpu(owner, C_STATE)) : -1;
    const owns = owner >= 0 && owner < L.ncpus && Atomics.load(m, L.cpu(owner, C_CFD)) === b;
    if (!owns || (st !== HP_PREPARED && st !== HP_ONLINE && st !== HP_DYING)) leaked += live;
  }
  const r = {
    requests: n, returned, lost, duplicated, wrongCpu,
    returnedBeforeRun: Atomics.load(m, H_SYNC_EARLY),
    offlineRuns: Atomics.load(m, H_OFFLINE_RUNS),
    leakedCfd: leaked, locksStillSet: locks, enxio,
    irqsOffWarnings: Atomics.load(m, H_IRQS_OFF_WARN),
    offlineWarnings: Atomics.load(m, H_WARN_OFFLINE),
    unlockWarnings: Atomics.load(m, H_UNLOCK_WARN),
    listCorruptions: Atomics.load(m, H_LIST_CORRUPT),
    uafTouches: Atomics.load(m, H_UAF),
    allocLive: Atomics.load(m, H_ALLOC_LIVE),
  };
  const ok = r.lost === 0 && r.returnedBeforeRun === 0 && r.duplicated === 0 && r.wrongCpu === 0 && r.offlineRuns === 0 && r.leakedCfd === 0
    && r.locksStillSet === 0 && r.unlockWarnings === 0 && r.listCorruptions === 0 && r.uafTouches === 0;
  return { ...r, ok };
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
