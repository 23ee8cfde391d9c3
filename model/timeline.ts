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

/** What the step did, in kernel terms, read from the views before and after it. */
function effect(e: SysEvent, b: SystemView, a: SystemView, cw: CompiledWorkload): string {
  const out: string[] = [];
  for (let t = 0; t < cw.n; t++) {
    const added = (a.ctx.queue[t] ?? []).length - (b.ctx.queue[t] ?? []).length;
    if (added > 0 && (e.type === 'QUEUE')) out.push(`csd_queue_cpu(cpu${t})${(b.ctx.queue[t] ?? []).length === 0 ? ' onto empty queue' : ' onto non-empty queue'}`);
    if (a.ctx.ipi[t] === true && b.ctx.ipi[t] !== true) out.push(`ipi_send(cpu${t})`);
    if (a.ctx.needResched[t] === true && b.ctx.needResched[t] !== true) out.push(`sched_wake_idle_without_ipi(cpu${t})`);
    if (e.type === 'HP_DEAD' && b.ctx.ipi[t] === true && a.ctx.ipi[t] !== true) out.push(`pending IPI to cpu${t} lost`);
  }
  if (e.type === 'HP_DYING' && (a.ctx.queue[e.cpu] ?? []).length > 0) out.push(`${(a.ctx.queue[e.cpu] ?? []).length} entries left on the offline CPU's queue`);
  for (let s = 0; s < a.csd.length; s++) {
    const was = b.csd[s];
    const now = a.csd[s];
    if (was === now) continue;
    const slot = cw.slots[s];
    const who = `r${slot?.req ?? -1}${slot === undefined ? '' : ` ${slot.type}`}`;
    if (now === 'running') out.push(`csd_function_entry(${who})`);
    else if (now === 'released' && was === 'running') out.push(`csd_function_exit(${who})`);
    else if (now === 'released' && was === 'queued') out.push(`dying flush ran ${who}`);
    else if (now === 'released') out.push(`ran ${who} locally`);
    else if (now === 'enxio') out.push('-ENXIO');
    else if (now === 'busy') out.push('-EBUSY');
  }
  const took = (a.ctx.batch[e.cpu] ?? []).length - (b.ctx.batch[e.cpu] ?? []).length;
  if ((e.type === 'IPI' || e.type === 'IDLE_WAKE' || e.type === 'IDLE_SLEEP') && took >= 0 && a.ctx.inFlush[e.cpu] === true) out.push(`llist_del_all took ${took}`);
  return out.length === 0 ? '' : ` → ${out.join(', ')}`;
}

/** `cpu0: CALL single(target=1, wait) → …`: the event, its request, and (given `after`) its effect. */
export function stepText(e: SysEvent, before: SystemView, cw: CompiledWorkload, after?: SystemView): string {
  const rid = cw.scripts[e.cpu]?.[before.ctx.pc[e.cpu] ?? 0];
  const r = rid === undefined ? undefined : cw.requests[rid];
  const callerStep = e.type === 'CALL' || e.type === 'QUEUE' || e.type === 'SEND' || e.type === 'RETURN';
  const head = callerStep && r !== undefined ? `cpu${e.cpu}: ${e.type} ${r.text}` : `cpu${e.cpu}: ${e.type}`;
  return after === undefined ? head : head + effect(e, before, after, cw);
}

export function timelineEntry(step: number, e: SysEvent, before: SystemView, cw: CompiledWorkload, after?: SystemView): TimelineEntry {
  return { step, cpu: e.cpu, lane: LANES[e.type], text: stepText(e, before, cw, after) };
}
