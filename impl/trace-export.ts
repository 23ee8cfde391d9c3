/**
 * Trace export: events from the shared ring as objects, as ftrace text (the same line format as a
 * real kernel's `trace` file, so one parser reads both) and as Chrome/Perfetto trace JSON.
 */
import { funcName } from './functions.js';
import { CPUHP_FUNCS } from './hotplug.js';
import type { SharedMem } from './system.js';
import {
  CALLSITES, EV_CPUHP_ENTER, EV_CPUHP_EXIT, EV_CSD_FUNCTION_ENTRY, EV_CSD_FUNCTION_EXIT, EV_CSD_QUEUE_CPU,
  EV_IPI_SEND_CPU, EV_IPI_SEND_CPUMASK, EV_SCHED_WAKE_IDLE_WITHOUT_IPI, EVENT_NAMES, readRawTrace, TF_HARDIRQ,
  TF_IRQS_OFF,
} from './trace-ring.js';

export interface TraceEvent {
  readonly seq: number;
  /** seconds */
  readonly ts: number;
  readonly cpu: number;
  readonly event: string;
  readonly irqsOff: boolean;
  readonly hardirq: boolean;
  /** field values as printed by the kernel's print fmt */
  readonly fields: Readonly<Record<string, string>>;
}

const IPI_CALLBACK = 'generic_smp_call_function_single_interrupt+0x0/0x10';

function hex16(n: number): string {
  return n.toString(16).padStart(16, '0');
}

function callsite(id: number): string {
  return `${CALLSITES[id] ?? 'unknown'}+0x0/0x0`;
}

/** cpumask as the kernel prints %*pbl: ranges like 0-2,5 */
export function cpumaskList(mask: number): string {
  const parts: string[] = [];
  let i = 0;
  while (i < 31) {
    if ((mask & (1 << i)) === 0) { i++; continue; }
    let j = i;
    while (j + 1 < 31 && (mask & (1 << (j + 1))) !== 0) j++;
    parts.push(i === j ? String(i) : `${i}-${j}`);
    i = j + 1;
  }
  return parts.join(',');
}

export function readTrace(mem: SharedMem): TraceEvent[] {
  const L = mem.L;
  const out: TraceEvent[] = [];
  for (const r of readRawTrace(mem.m, mem.f64, L)) {
    const name = EVENT_NAMES[r.event] ?? `event${r.event}`;
    let fields: Record<string, string>;
    switch (r.event) {
      case EV_CSD_QUEUE_CPU:
        fields = { cpu: String(r.a), callsite: callsite(r.b), func: funcName(r.c), csd: hex16(L.csdAddress(r.d)) };
        break;
      case EV_CSD_FUNCTION_ENTRY:
      case EV_CSD_FUNCTION_EXIT:
        fields = { func: funcName(r.a), csd: hex16(L.csdAddress(r.b)) };
        break;
      case EV_IPI_SEND_CPU:
        fields = { cpu: String(r.a), callsite: callsite(r.b), callback: IPI_CALLBACK };
        break;
      case EV_IPI_SEND_CPUMASK:
        fields = { cpumask: cpumaskList(r.a), callsite: callsite(r.b), callback: IPI_CALLBACK };
        break;
      case EV_SCHED_WAKE_IDLE_WITHOUT_IPI:
        fields = { cpu: String(r.a) };
        break;
      case EV_CPUHP_ENTER:
        fields = { cpu: String(r.a), target: String(r.b), step: String(r.c), fun: CPUHP_FUNCS[r.d] ?? String(r.d) };
        break;
      case EV_CPUHP_EXIT:
        fields = { cpu: String(r.a), state: String(r.b), step: String(r.c), ret: String(r.d) };
        break;
      default:
        fields = { a: String(r.a), b: String(r.b), c: String(r.c), d: String(r.d) };
    }
    out.push({
      seq: r.seq, ts: r.ts, cpu: r.cpu, event: name, fields,
      irqsOff: (r.flags & TF_IRQS_OFF) !== 0, hardirq: (r.flags & TF_HARDIRQ) !== 0,
    });
  }
  // Per-CPU buffers merged by time, as the kernel's trace file does (stable on equal stamps).
  return out.sort((x, y) => x.ts - y.ts || x.seq - y.seq);
}

function body(e: TraceEvent): string {
  const f = e.fields;
  const g = (k: string): string => f[k] ?? '';
  switch (e.event) {
    case 'csd_queue_cpu': return `cpu=${g('cpu')} callsite=${g('callsite')} func=${g('func')} csd=${g('csd')}`;
    case 'csd_function_entry':
    case 'csd_function_exit': return `func=${g('func')}, csd=${g('csd')}`;
    case 'ipi_send_cpu': return `cpu=${g('cpu')} callsite=${g('callsite')} callback=${g('callback')}`;
    case 'ipi_send_cpumask': return `cpumask=${g('cpumask')} callsite=${g('callsite')} callback=${g('callback')}`;
    case 'sched_wake_idle_without_ipi': return `cpu=${g('cpu')}`;
    case 'cpuhp_enter':
      return `cpu: ${g('cpu').padStart(4, '0')} target: ${g('target').padStart(3)} step: ${g('step').padStart(3)} (${g('fun')})`;
    case 'cpuhp_exit':
      return `cpu: ${g('cpu').padStart(4, '0')}  state: ${g('state').padStart(3)} step: ${g('step').padStart(3)} ret: ${g('ret')}`;
    default: return Object.entries(f).map(([k, v]) => `${k}=${v}`).join(' ');
  }
}

/** One line, exactly like a kernel `trace` file line. */
export function ftraceLine(e: TraceEvent): string {
  const comm = `cpu${e.cpu}`;
  const pid = 100 + e.cpu;
  const flags = `${e.irqsOff ? 'd' : '.'}.${e.hardirq ? 'h' : '.'}${e.hardirq ? '1' : '2'}.`;
  const sec = Math.floor(e.ts);
  const usec = Math.min(999999, Math.round((e.ts - sec) * 1e6));
  const ts = `${String(sec).padStart(5)}.${String(usec).padStart(6, '0')}`;
  return `${comm.padStart(16)}-${String(pid).padEnd(7)} [${String(e.cpu).padStart(3, '0')}] ${flags} ${ts}: ${e.event}: ${body(e)}`;
}

export function exportFtrace(events: readonly TraceEvent[], cpus?: number): string {
  const ncpu = cpus ?? events.reduce((a, e) => Math.max(a, e.cpu + 1), 1);
  const header = [
    '# tracer: nop',
    '#',
    `# entries-in-buffer/entries-written: ${events.length}/${events.length}   #P:${ncpu}`,
    '#',
    '#                                _-----=> irqs-off/BH-disabled',
    '#                               / _----=> need-resched',
    '#                              | / _---=> hardirq/softirq',
    '#                              || / _--=> preempt-depth',
    '#                              ||| / _-=> migrate-disable',
    '#                              |||| /     delay',
    '#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION',
    '#              | |         |   |||||     |         |',
  ];
  return [...header, ...events.map(ftraceLine)].join('\n') + '\n';
}

export interface PerfettoTrace {
  readonly traceEvents: readonly Record<string, unknown>[];
  readonly displayTimeUnit: 'ns';
}

/** Chrome trace-event JSON (loads in Perfetto / chrome://tracing): one track per CPU. */
export function exportPerfetto(events: readonly TraceEvent[]): PerfettoTrace {
  const out: Record<string, unknown>[] = [];
  const cpus = new Set(events.map((e) => e.cpu));
  for (const c of cpus) out.push({ name: 'thread_name', ph: 'M', pid: 1, tid: c, args: { name: `cpu${c}` } });
  for (const e of events) {
    const ts = e.ts * 1e6;
    if (e.event === 'csd_function_entry') out.push({ name: e.fields.func, cat: 'csd', ph: 'B', ts, pid: 1, tid: e.cpu, args: e.fields });
    else if (e.event === 'csd_function_exit') out.push({ name: e.fields.func, cat: 'csd', ph: 'E', ts, pid: 1, tid: e.cpu, args: e.fields });
    else out.push({ name: e.event, cat: e.event.split('_')[0], ph: 'i', s: 't', ts, pid: 1, tid: e.cpu, args: e.fields });
  }
  return { traceEvents: out, displayTimeUnit: 'ns' };
}
