/**
 * Per-CPU timeline rows for a window of the trace (the HTML report draws one swimlane per CPU).
 * A long trace only contributes the chosen window, capped, so memory does not grow with the trace.
 */
import type { TimelineEntry } from '../model/types.js';
import type { FtraceEvent } from './ftrace-parse.js';

export interface TimelineWindow {
  /** Seconds, as the trace prints them; `null` = from the first event. */
  readonly from: number | null;
  /** Seconds; `null` = until `maxEntries` rows were taken. */
  readonly to: number | null;
  readonly maxEntries: number;
  /** Only trace lines in this range (a counterexample's neighbourhood); absent = every line. */
  readonly lines?: { readonly from: number; readonly to: number };
}

export const DEFAULT_WINDOW: TimelineWindow = { from: null, to: null, maxEntries: 500 };

/** Parses `--window from:to` (seconds; either side may be empty). Throws a one-line Error. */
export function parseWindow(spec: string, maxEntries = 5000): TimelineWindow {
  const m = /^\s*([0-9.]*)\s*:\s*([0-9.]*)\s*$/.exec(spec);
  const a = m?.[1] ?? '';
  const b = m?.[2] ?? '';
  const from = a === '' ? null : Number(a);
  const to = b === '' ? null : Number(b);
  if (m === null || (from !== null && !Number.isFinite(from)) || (to !== null && !Number.isFinite(to)) || (from !== null && to !== null && to < from)) {
    throw new Error(`--window ${JSON.stringify(spec)}: expected FROM:TO in trace seconds with FROM <= TO, e.g. 6620.82:6620.83`);
  }
  return { from, to, maxEntries };
}

function lane(name: string): TimelineEntry['lane'] {
  switch (name) {
    case 'csd_queue_cpu':
      return 'queue';
    case 'ipi_send_cpu':
    case 'ipi_send_cpumask':
    case 'sched_wake_idle_without_ipi':
      return 'ipi';
    case 'csd_function_entry':
      return 'entry';
    case 'csd_function_exit':
      return 'exit';
    case 'cpuhp_enter':
    case 'cpuhp_multi_enter':
    case 'cpuhp_exit':
      return 'hotplug';
    default:
      return 'other';
  }
}

function text(ev: FtraceEvent): string {
  const f = ev.fields;
  switch (ev.name) {
    case 'csd_queue_cpu':
      return `${ev.ts.toFixed(6)} queue ${f['func'] ?? '?'} -> cpu${f['cpu'] ?? '?'} csd=${f['csd'] ?? '?'}`;
    case 'csd_function_entry':
    case 'csd_function_exit':
      return `${ev.ts.toFixed(6)} ${ev.name === 'csd_function_entry' ? 'entry' : 'exit'} ${f['func'] ?? '?'} csd=${f['csd'] ?? '?'}`;
    case 'ipi_send_cpu':
      return `${ev.ts.toFixed(6)} ipi -> cpu${f['cpu'] ?? '?'}`;
    case 'ipi_send_cpumask':
      return `${ev.ts.toFixed(6)} ipi -> cpus ${f['cpumask'] ?? '?'}`;
    case 'sched_wake_idle_without_ipi':
      return `${ev.ts.toFixed(6)} poll wake (no ipi) -> cpu${f['cpu'] ?? '?'}`;
    default:
      return `${ev.ts.toFixed(6)} ${ev.name} ${Object.entries(f).map(([k, v]) => `${k}=${v}`).join(' ')}`.trimEnd();
  }
}

export class TimelineCollector {
  readonly entries: TimelineEntry[] = [];
  truncated = false;
  first: number | null = null;
  last: number | null = null;

  constructor(private readonly window: TimelineWindow = DEFAULT_WINDOW) {}

  add(ev: FtraceEvent): void {
    const w = this.window;
    if (w.from !== null && ev.ts < w.from) return;
    if (w.to !== null && ev.ts > w.to) return;
    if (w.lines !== undefined && (ev.line < w.lines.from || ev.line > w.lines.to)) return;
    if (this.entries.length >= w.maxEntries) {
      this.truncated = true;
      return;
    }
    this.first ??= ev.ts;
    this.last = ev.ts;
    // `step` is the trace line, so a row of the report can be found in the file.
    this.entries.push({ step: ev.line, cpu: ev.cpu, lane: lane(ev.name), text: text(ev) });
  }

  windowInfo(): { from: number; to: number; truncated: boolean } {
    return { from: this.window.from ?? this.first ?? 0, to: this.window.to ?? this.last ?? 0, truncated: this.truncated };
  }
}
