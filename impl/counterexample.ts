/**
 * Turning a failed deterministic run into the shared Counterexample shape (model/types.ts, types
 * only): the invariant, one line of what was observed, the calls, a per-CPU timeline from the
 * trace, and the one line that replays it.
 */
import type { Counterexample, InvariantId, TimelineEntry } from '../model/types.js';
import type { AccountingReport, SmpRequest } from './requests.js';
import type { DeterministicResult } from './runtime/deterministic.js';
import type { TraceEvent } from './trace-export.js';

const LANES: Readonly<Record<string, TimelineEntry['lane']>> = {
  csd_queue_cpu: 'queue',
  ipi_send_cpu: 'ipi',
  ipi_send_cpumask: 'ipi',
  sched_wake_idle_without_ipi: 'ipi',
  csd_function_entry: 'entry',
  csd_function_exit: 'exit',
  cpuhp_enter: 'hotplug',
  cpuhp_exit: 'hotplug',
};

export function timeline(events: readonly TraceEvent[]): TimelineEntry[] {
  return events.map((e) => ({
    step: Math.round(e.ts * 1e6),
    cpu: e.cpu,
    lane: LANES[e.event] ?? 'other',
    text: `${e.event}: ${Object.entries(e.fields).map(([k, v]) => `${k}=${v}`).join(' ')}`,
  }));
}

const SENTENCES: Readonly<Record<string, string>> = {
  'INV-NO-DEADLOCK': 'from every reachable state some step is enabled until all requests completed',
  'INV-NO-LOST-CALL': 'every request that returned 0 has its func run exactly once, eventually',
  'INV-NO-DOUBLE-RUN': 'no request runs its func twice',
  'INV-RUN-ON-TARGET': 'func runs on the target CPU (or locally for a self-call / run_local)',
  'INV-NOT-ON-OFFLINE': 'no queued func runs on a CPU that is offline, except inside its own dying flush',
  'INV-SYNC-AFTER-RUN': 'a waiting caller returns only after its func returned on every target',
  'INV-LOCK-RELEASED': 'every CSD locked is unlocked once its request completed; at quiescence no lock bit is set',
  'INV-NO-LEAK': "a CPU's cfd is allocated exactly while it is prepared, online or dying; after dead, nothing of it remains",
  'INV-ONE-OWNER': 'a locked CSD has one owner, and it is on at most one queue at most once',
  'INV-NO-UAF': 'no flush touches a CSD of a freed `cfd`: smpcfd_dead_cpu never frees a CPU\'s cfd while one of its CSDs is still queued and then run',
};

/** The first violated invariant of a run, or null. */
export function violatedInvariant(status: DeterministicResult['status'], a: AccountingReport): { id: InvariantId; message: string } | null {
  if (status === 'deadlock') return { id: 'INV-NO-DEADLOCK', message: 'nothing is runnable but work remains' };
  if (a.lost > 0) return { id: 'INV-NO-LOST-CALL', message: `${a.lost} queued run(s) never happened` };
  if (a.duplicated > 0) return { id: 'INV-NO-DOUBLE-RUN', message: `${a.duplicated} duplicate run(s)` };
  if (a.wrongCpu > 0) return { id: 'INV-RUN-ON-TARGET', message: `${a.wrongCpu} run(s) on a CPU the request was not queued to` };
  if (a.offlineRuns > 0) return { id: 'INV-NOT-ON-OFFLINE', message: `${a.offlineRuns} run(s) on an offline CPU` };
  if (a.returnedBeforeRun > 0) return { id: 'INV-SYNC-AFTER-RUN', message: `${a.returnedBeforeRun} waiting call(s) returned before their function ran` };
  if (a.locksStillSet > 0) return { id: 'INV-LOCK-RELEASED', message: `${a.locksStillSet} CSD lock bit(s) still set at quiescence` };
  if (a.uafTouches > 0) return { id: 'INV-NO-UAF', message: `${a.uafTouches} touch(es) of a CSD of a freed cfd` };
  if (a.leakedCfd > 0) return { id: 'INV-NO-LEAK', message: `${a.leakedCfd} cfd allocation(s) owned by no prepared/online/dying CPU` };
  if (a.listCorruptions > 0 || a.unlockWarnings > 0) return { id: 'INV-ONE-OWNER', message: `${a.listCorruptions} list cycle(s), ${a.unlockWarnings} unlock(s) of an unlocked CSD` };
  return null;
}

export function describeCall(cpu: number, r: SmpRequest): string {
  const { kind, ...rest } = r;
  const args = Object.entries(rest).map(([k, v]) => `${k}=${Array.isArray(v) ? `[${(v as number[]).join(',')}]` : String(v)}`);
  return `cpu${cpu} ${kind}(${args.join(', ')})`;
}

export function toCounterexample(
  r: DeterministicResult, calls: readonly (readonly [number, SmpRequest])[], events: readonly TraceEvent[],
): Counterexample | null {
  const v = violatedInvariant(r.status, r.accounting);
  if (v === null) return null;
  return {
    invariant: v.id,
    sentence: SENTENCES[v.id] ?? '',
    message: `${v.id} violated after ${r.steps} steps: ${v.message}`,
    steps: calls.map(([cpu, req]) => describeCall(cpu, req)),
    timeline: timeline(events),
    replay: r.schedule,
  };
}
