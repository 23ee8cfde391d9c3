/**
 * Turning a path of model events into readable steps and a per-CPU timeline (types.ts TimelineEntry).
 */
import type { SysEvent } from './system.js';
import type { SystemView } from './step.js';
import type { TimelineEntry } from './types.js';
import type { CompiledWorkload } from './workload.js';

const LANES: Record<SysEvent['type'], TimelineEntry['lane']> = {
  CALL: 'call', QUEUE: 'queue', SEND: 'ipi', RETURN: 'call', IPI: 'ipi', FLUSH_RUN: 'entry', FLUSH_DONE: 'exit',
  IDLE_WAKE: 'other', IDLE_SLEEP: 'other', HP_PREPARE: 'hotplug', HP_PREPARE_ENOMEM: 'hotplug', HP_ONLINE: 'hotplug',
  HP_DYING: 'hotplug', HP_DEAD: 'hotplug', HP_OFFLINE: 'hotplug',
};

/** `cpu0: CALL single(target=1, wait)`: the event, with the request it concerns where known. */
export function stepText(e: SysEvent, before: SystemView, cw: CompiledWorkload): string {
  const rid = cw.scripts[e.cpu]?.[before.ctx.pc[e.cpu] ?? 0];
  const r = rid === undefined ? undefined : cw.requests[rid];
  const callerStep = e.type === 'CALL' || e.type === 'QUEUE' || e.type === 'SEND' || e.type === 'RETURN';
  return callerStep && r !== undefined ? `cpu${e.cpu}: ${e.type} ${r.text}` : `cpu${e.cpu}: ${e.type}`;
}

export function timelineEntry(step: number, e: SysEvent, before: SystemView, cw: CompiledWorkload): TimelineEntry {
  return { step, cpu: e.cpu, lane: LANES[e.type], text: stepText(e, before, cw) };
}
