/**
 * Invariant checks at a quiescent point (nothing enabled), computed from the implementation's own
 * accounting (`accountingReport`), the request table and the trace; the step-level ones live in
 * observations.ts. Each check names its invariant ID in the violation.
 */
import { EBUSY, ENXIO } from '../impl/errno.js';
import { C_CFD, C_QUEUE, C_STATE, HP_DYING, HP_NAMES, HP_ONLINE, HP_PREPARED, NULL } from '../impl/layout.js';
import { checkRuns } from './expected-runs.js';
import { accountingReport, requestResult } from '../impl/requests.js';
import { readTrace, type TraceEvent } from '../impl/trace-export.js';
import type { EntryClass, Observations, PostedCall } from './observations.js';
import type { SharedMem } from '../impl/system.js';
import type { InvariantId } from '../model/types.js';

/** Where violations go (Observations, or the threads runtime's log). */
export interface ViolationSink {
  violate(id: InvariantId, message: string): void;
}
import type { SteppedSystem } from './stepped-system.js';

function maskOf(list: string): number {
  let m = 0;
  for (const part of list.split(',')) {
    if (part === '') continue;
    const [a, b] = part.split('-').map(Number);
    if (a === undefined || Number.isNaN(a)) continue;
    for (let c = a; c <= (b ?? a); c++) m |= 1 << c;
  }
  return m;
}

/** INV-KICK: per (producer, target), kicks sent = empty→non-empty edges the producer made. */
function checkKicks(sys: SteppedSystem, obs: Observations, trace: readonly TraceEvent[]): void {
  const n = sys.n;
  const kicks = new Array<number>(n * n).fill(0);
  for (const e of trace) {
    if (e.event === 'ipi_send_cpu' || e.event === 'sched_wake_idle_without_ipi') {
      const t = Number(e.fields.cpu);
      kicks[e.cpu * n + t] = (kicks[e.cpu * n + t] ?? 0) + 1;
    } else if (e.event === 'ipi_send_cpumask') {
      const m = maskOf(e.fields.cpumask ?? '');
      for (let t = 0; t < n; t++) if ((m & (1 << t)) !== 0) kicks[e.cpu * n + t] = (kicks[e.cpu * n + t] ?? 0) + 1;
    }
  }
  for (let p = 0; p < n; p++) {
    for (let t = 0; t < n; t++) {
      const k = kicks[p * n + t] ?? 0;
      const e = obs.edges[p * n + t] ?? 0;
      if (k !== e) {
        obs.violate('INV-KICK', `cpu${p} made cpu${t}'s queue non-empty ${e} time(s) but kicked it ${k} time(s)`);
        return;
      }
    }
  }
}

/**
 * INV-NO-REUSE-LOCKED / INV-ONE-OWNER: between two csd_queue_cpu of one CSD its func must have
 * started (the lock is released at or after the start); a second queueing before that means the
 * CSD was queued while its lock bit was set, i.e. owned twice.
 */
export function checkReuse(obs: ViolationSink, trace: readonly TraceEvent[]): void {
  const queuedTo = new Map<string, number>();
  for (const e of trace) {
    const csd = e.fields.csd;
    if (csd === undefined) continue;
    if (e.event === 'csd_queue_cpu') {
      const prev = queuedTo.get(csd);
      if (prev !== undefined) {
        obs.violate('INV-NO-REUSE-LOCKED', `cpu${e.cpu} re-queued csd ${csd} to cpu${e.fields.cpu ?? '?'} while it was still queued to cpu${prev} with its lock bit set`);
        obs.violate('INV-ONE-OWNER', `csd ${csd} is on call_single_queue of cpu${prev} and queued again by cpu${e.cpu} (two owners)`);
      }
      queuedTo.set(csd, Number(e.fields.cpu));
    } else if (e.event === 'csd_function_entry') queuedTo.delete(csd);
  }
}

/**
 * INV-ORDER: each batch runs its SYNC entries first, then ASYNC and IRQ_WORK (one pass, FIFO), then
 * TTWU, FIFO within each class; the classes are the ones the callers queued (Observations.classOf).
 */
function checkOrder(sys: SteppedSystem, obs: Observations, trace: readonly TraceEvent[]): void {
  const L = sys.mem.L;
  const pass = (k: EntryClass | undefined, sync: boolean | undefined): number => (k === undefined ? (sync === true ? 0 : 1) : k === 'SYNC' ? 0 : k === 'TTWU' ? 2 : 1);
  for (let c = 0; c < sys.n; c++) {
    const want: number[] = [];
    for (const b of obs.batches) {
      if (b.cpu !== c) continue;
      for (let p = 0; p < 3; p++) b.csds.forEach((x, i) => { if (pass(b.cls?.[i], b.sync[i]) === p) want.push(x); });
    }
    const got: number[] = [];
    for (const e of trace) {
      if (e.cpu !== c || e.event !== 'csd_function_entry') continue;
      const x = L.csdFromAddress(parseInt(e.fields.csd ?? '0', 16));
      if (x !== NULL) got.push(x);
    }
    for (let i = 0; i < got.length; i++) {
      if (got[i] !== want[i]) {
        obs.violate('INV-ORDER', `cpu${c} ran csd #${got[i] ?? -1} as its ${i + 1}th queued func, expected csd #${want[i] ?? -1} (SYNC, then ASYNC/IRQ_WORK, then TTWU; FIFO per class)`);
        return;
      }
    }
  }
}

/** Which requests the accounting counts as lost: request id, the call, expected and ran CPUs, rc (at most 3). */
function lostDetail(mem: SharedMem, calls: readonly PostedCall[]): string {
  const out: string[] = [];
  for (const call of calls) {
    const r = requestResult(mem.m, mem.L, call.id);
    const missing = r.expected.filter((c) => !r.ranOn.includes(c));
    if (missing.length === 0 || (r.returned && r.rc !== 0)) continue;
    out.push(`request ${call.id} (${call.text}): expected on cpu ${r.expected.join(',')}, ran on ${r.ranOn.join(',') || '-'}, ${r.returned ? `rc ${r.rc}` : 'not returned'}`);
    if (out.length === 3) break;
  }
  return out.length === 0 ? '' : `: ${out.join('; ')}`;
}

/**
 * Checks that need only shared memory at a quiescent point (both runtimes): the implementation's
 * accounting, cfd ownership per hotplug state, queues of online CPUs, and the return codes of calls.
 */
export function checkMemoryAtQuiescence(
  mem: SharedMem, obs: ViolationSink, calls: readonly PostedCall[], hotplugTouched: (epoch: number) => ReadonlySet<number>,
): void {
  const { m, L } = mem;
  const acc = accountingReport(mem);
  if (acc.lost > 0) obs.violate('INV-NO-LOST-CALL', `${acc.lost} expected run(s) of queued or returned-0 requests never happened${lostDetail(mem, calls)}`);
  if (acc.duplicated > 0) obs.violate('INV-NO-DOUBLE-RUN', `${acc.duplicated} func run(s) repeated a request on the same CPU`);
  checkRunsAgainstRequests(mem, obs, calls, hotplugTouched);
  if (acc.offlineRuns > 0) obs.violate('INV-NOT-ON-OFFLINE', `${acc.offlineRuns} func run(s) on an offline CPU outside its dying flush`);
  if (acc.locksStillSet > 0) obs.violate('INV-LOCK-RELEASED', `${acc.locksStillSet} CSD lock bit(s) still set at quiescence`);
  if (acc.listCorruptions > 0) {
    obs.violate('INV-ONE-OWNER', `${acc.listCorruptions} call_single_queue batch(es) longer than the CSD pool (a CSD queued twice)`);
    // the kit cuts the chain; the kernel's flush walks the cycle with interrupts off and never returns
    obs.violate('INV-NO-DEADLOCK', `livelock: ${acc.listCorruptions} call_single_queue batch(es) hold a cycle (a node queued twice points back into the list), which the kernel's flush walks forever with interrupts off`);
  }
  if (acc.unlockWarnings > 0) obs.violate('INV-ONE-OWNER', `${acc.unlockWarnings} csd_unlock of an unlocked CSD (two owners released it)`);
  if (acc.uafTouches > 0) obs.violate('INV-NO-UAF', `${acc.uafTouches} touch(es) of a CSD of a freed cfd (smpcfd_dead_cpu freed it while it was still queued)`);
  if (acc.leakedCfd > 0) obs.violate('INV-NO-LEAK', `${acc.leakedCfd} cfd allocation(s) owned by no prepared/online/dying CPU`);
  for (let c = 0; c < L.ncpus; c++) {
    const st = m[L.cpu(c, C_STATE)] ?? -1;
    const has = (m[L.cpu(c, C_CFD)] ?? NULL) !== NULL;
    const want = st === HP_PREPARED || st === HP_ONLINE || st === HP_DYING;
    if (has !== want) obs.violate('INV-NO-LEAK', `cpu${c} is ${HP_NAMES[st] ?? st} and its cfd is ${has ? 'allocated' : 'not allocated'}`);
    if (st === HP_ONLINE && (m[L.cpu(c, C_QUEUE)] ?? NULL) !== NULL) {
      obs.violate('INV-IPI-OR-POLL', `online cpu${c} has a non-empty call_single_queue at quiescence: no IPI pending, not handling one, not polling`);
    }
  }
  for (const call of calls) {
    const r = requestResult(m, L, call.id);
    if (!r.returned) continue;
    if (r.rc === -ENXIO && r.runs > 0) obs.violate('INV-ENXIO', `cpu${call.cpu} ${call.text} returned -ENXIO but its func ran ${r.runs} time(s)`);
    // offline when posted and no hotplug of that CPU ran in the same epoch: it stayed offline
    const offlineSure = call.targetOffline && !hotplugTouched(call.epoch).has(call.target);
    // -EBUSY comes first for an async CSD still in flight (the lock test precedes the online check);
    if (offlineSure && call.target !== call.cpu && r.rc !== -ENXIO && r.rc !== -EBUSY) {
      obs.violate('INV-ENXIO', `cpu${call.cpu} ${call.text} to an offline or invalid CPU returned ${r.rc}, not -ENXIO`);
    }
  }
}

/**
 * INV-NO-LOST-CALL and INV-RUN-ON-TARGET from the requests as the callers made them
 * (expected-runs.ts), not from the implementation's R_EXPECTED (written as it queues);
 * `accountingReport`'s `lost` above adds the calls that have not returned (a caller stuck
 * waiting), whose queued work must run too.
 */
function checkRunsAgainstRequests(
  mem: SharedMem, obs: ViolationSink, calls: readonly PostedCall[], hotplugTouched: (epoch: number) => ReadonlySet<number>,
): void {
  const touched = (call: PostedCall): number => {
    let t = 0;
    for (const c of hotplugTouched(call.epoch)) t |= 1 << c;
    return t;
  };
  for (const v of checkRuns(mem, calls, touched)) obs.violate(v.id, v.message);
}

/** Everything checkable once nothing is enabled (deterministic runtime: step observations too). */
export function checkAtQuiescence(
  sys: SteppedSystem, obs: Observations, reached: boolean, hotplugTouched: (epoch: number) => ReadonlySet<number>,
): void {
  if (!reached) obs.violate('INV-NO-DEADLOCK', `no quiescence within the step bound at step ${sys.stepCount} (livelock?)`);
  const stuck = sys.stuckCpus();
  if (stuck.length > 0) obs.violate('INV-NO-DEADLOCK', `nothing is runnable but work remains: ${stuck.map((s) => `cpu${s.cpu} ${s.waitsOn}`).join('; ')}`);
  checkMemoryAtQuiescence(sys.mem, obs, obs.calls, hotplugTouched);
  const trace = readTrace(sys.mem);
  checkKicks(sys, obs, trace);
  checkReuse(obs, trace);
  checkOrder(sys, obs, trace);
}
