/**
 * Tracepoints written to the shared ring buffer, with the kernel's event names and fields.
 * Writers claim a slot with one Atomics.add on H_TRACE_HEAD, fill it, then publish the type word
 * last (release); readers skip slots whose type word is not yet published. Tracing is not a
 * scheduling point: it is instrumentation, like a tracepoint, and costs nothing when off.
 */
import {
  C_IRQS_OFF, H_TRACE_HEAD, T_A, T_B, T_C, T_CPU, T_D, T_TS, T_TYPE, type Layout, type Shared,
} from './layout.js';
import type { Ctx } from './memory.js';

export const EV_CSD_QUEUE_CPU = 1;
export const EV_CSD_FUNCTION_ENTRY = 2;
export const EV_CSD_FUNCTION_EXIT = 3;
export const EV_IPI_SEND_CPU = 4;
export const EV_IPI_SEND_CPUMASK = 5;
export const EV_CPUHP_ENTER = 6;
export const EV_CPUHP_EXIT = 7;
export const EV_SCHED_WAKE_IDLE_WITHOUT_IPI = 8;

export const EVENT_NAMES: Readonly<Record<number, string>> = {
  [EV_CSD_QUEUE_CPU]: 'csd_queue_cpu',
  [EV_CSD_FUNCTION_ENTRY]: 'csd_function_entry',
  [EV_CSD_FUNCTION_EXIT]: 'csd_function_exit',
  [EV_IPI_SEND_CPU]: 'ipi_send_cpu',
  [EV_IPI_SEND_CPUMASK]: 'ipi_send_cpumask',
  [EV_CPUHP_ENTER]: 'cpuhp_enter',
  [EV_CPUHP_EXIT]: 'cpuhp_exit',
  [EV_SCHED_WAKE_IDLE_WITHOUT_IPI]: 'sched_wake_idle_without_ipi',
};

/** Trace-line flag bits (the `d.h1.` column). */
export const TF_IRQS_OFF = 1;
export const TF_HARDIRQ = 2;

/** callsite ids for the `callsite=` field */
export const CALLSITES = [
  'generic_exec_single',
  'smp_call_function_many_cond',
  'smp_call_function_single',
  'smp_call_function_single_async',
  'on_each_cpu_cond_mask',
  'smpcfd_dying_cpu',
  'irq_work_queue_on',
  'ttwu_queue_wakelist',
] as const;
export const CS_GENERIC_EXEC_SINGLE = 0;
export const CS_MANY_COND = 1;
export const CS_IRQ_WORK_QUEUE_ON = 6;
export const CS_TTWU_QUEUE_WAKELIST = 7;

export function tracepoint(c: Ctx, ev: number, a: number, b: number, cc: number, d: number, hardirq = false): void {
  if (!c.traceOn) return;
  const m = c.m;
  const L = c.L;
  const slot = Atomics.add(m, H_TRACE_HEAD, 1);
  const flags = (Atomics.load(m, L.cpu(c.cpu, C_IRQS_OFF)) !== 0 ? TF_IRQS_OFF : 0) | (hardirq ? TF_HARDIRQ : 0);
  Atomics.store(m, L.trace(slot, T_CPU), c.cpu);
  Atomics.store(m, L.trace(slot, T_A), a);
  Atomics.store(m, L.trace(slot, T_B), b);
  Atomics.store(m, L.trace(slot, T_C), cc);
  Atomics.store(m, L.trace(slot, T_D), d);
  c.f64[L.trace(slot, T_TS) >> 1] = c.now();
  // release: fields before the type word; pairs with the acquire load in readTrace
  Atomics.store(m, L.trace(slot, T_TYPE), ev | (flags << 8) | (1 << 30));
}

export interface RawTraceEvent {
  readonly seq: number;
  readonly ts: number;
  readonly cpu: number;
  readonly event: number;
  readonly flags: number;
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
}

/** The last min(written, capacity) events, in write order. */
export function readRawTrace(m: Shared, f64: Float64Array<SharedArrayBuffer>, L: Layout): RawTraceEvent[] {
  const head = Atomics.load(m, H_TRACE_HEAD);
  const first = Math.max(0, head - L.traceCap);
  const out: RawTraceEvent[] = [];
  for (let s = first; s < head; s++) {
    const t = Atomics.load(m, L.trace(s, T_TYPE)); // acquire
    if ((t & (1 << 30)) === 0) continue;
    out.push({
      seq: s,
      ts: f64[L.trace(s, T_TS) >> 1] ?? 0,
      cpu: Atomics.load(m, L.trace(s, T_CPU)),
      event: t & 0xff,
      flags: (t >> 8) & 0xff,
      a: Atomics.load(m, L.trace(s, T_A)),
      b: Atomics.load(m, L.trace(s, T_B)),
      c: Atomics.load(m, L.trace(s, T_C)),
      d: Atomics.load(m, L.trace(s, T_D)),
    });
  }
  return out;
}
