/** A run's trace (plus the host's posts) as per-CPU timeline rows (model/types.ts TimelineEntry). */
import { readTrace, type TraceEvent } from '../impl/trace-export.js';
import type { TimelineEntry } from '../model/types.js';
import type { RealSystem } from './real-system.js';
import { staleReadRows } from './stale-reads.js';

const LANES: Readonly<Record<string, TimelineEntry['lane']>> = {
  csd_queue_cpu: 'queue', ipi_send_cpu: 'ipi', ipi_send_cpumask: 'ipi', sched_wake_idle_without_ipi: 'ipi',
  csd_function_entry: 'entry', csd_function_exit: 'exit', cpuhp_enter: 'hotplug', cpuhp_exit: 'hotplug',
};

function text(e: TraceEvent): string {
  const f = e.fields;
  switch (e.event) {
    case 'csd_queue_cpu': return `csd_queue_cpu cpu=${f.cpu ?? '?'} csd=…${(f.csd ?? '').slice(-4)}`;
    case 'csd_function_entry':
    case 'csd_function_exit': return `${e.event.slice(13)} ${f.func ?? '?'} csd=…${(f.csd ?? '').slice(-4)}`;
    case 'ipi_send_cpu': return `ipi_send_cpu cpu=${f.cpu ?? '?'}`;
    case 'ipi_send_cpumask': return `ipi_send_cpumask ${f.cpumask ?? '?'}`;
    case 'sched_wake_idle_without_ipi': return `wake_idle_without_ipi cpu=${f.cpu ?? '?'}`;
    case 'cpuhp_enter': return `cpuhp_enter cpu=${f.cpu ?? '?'} ${f.fun ?? ''}`;
    case 'cpuhp_exit': return `cpuhp_exit cpu=${f.cpu ?? '?'} ret=${f.ret ?? '?'}`;
    default: return e.event;
  }
}

export function timelineOf(real: RealSystem): TimelineEntry[] {
  const rows: TimelineEntry[] = real.hostLog.map((h) => ({ step: h.step, cpu: h.cpu, lane: 'call' as const, text: h.text }));
  for (const e of readTrace(real.sys.mem)) {
    rows.push({ step: Math.round(e.ts * 1e6), cpu: e.cpu, lane: LANES[e.event] ?? 'other', text: text(e) });
  }
  rows.push(...staleReadRows(real.sys.mem.L, real.sys.staleReads));
  for (const v of real.obs.violations) rows.push({ step: v.step, cpu: 0, lane: 'other', text: `!! ${v.id}` });
  return rows.sort((a, b) => a.step - b.step);
}
