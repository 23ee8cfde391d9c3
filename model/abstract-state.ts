/**
 * The abstract state of the protocol: the one vocabulary in which every technique (model explorer,
 * property suite on the deterministic runtime, threads runtime, trace checker) reports how much of
 * the protocol's state space it reached (model/README.md "Abstract state coverage").
 *
 * Per CPU: hotplug state, interrupts on/off, idle mode, IPI pending, queue shape (empty / one /
 * several, by class). Per in-flight CSD use (locked, queued or running): its state, its class and
 * its target's hotplug relation (online, dying, offline). No CPU number appears anywhere, so the
 * state is canonicalised by CPU symmetry simply by sorting the per-CPU tuples and the per-request
 * tuples (see the README for why that quotient is sound and what it forgets).
 *
 * The key is a readable string, e.g. `online,i,halted,P,1S|online,i,running,-,0|… # queued:S>online`.
 */
import type { HotplugState } from './hotplug-chart.js';
import type { SystemView } from './step.js';
import { PHASE_READY } from './system.js';
import type { CompiledWorkload } from './workload.js';

/**
 * running: task code (a call, a wait, the idle loop between decisions); polling: idle with
 * TIF_POLLING_NRFLAG; halted: idle, sleeping until an IPI; flush: inside
 * __flush_smp_call_function_queue; stop_machine: parked in the stopper (the model never shows it:
 * its HP_DYING is one atomic step); down: not online (dying, dead, offline, prepared).
 */
export const IDLE_MODES = ['running', 'polling', 'halted', 'flush', 'stop_machine', 'down'] as const;
export type IdleMode = (typeof IDLE_MODES)[number];

/** S: SYNC (unlock after the function); A: ASYNC, IRQ_WORK, TTWU (unlock before it). */
export type CsdClass = 'S' | 'A';
/** `0` empty; `1S`/`1A` one entry; `nS`/`nA`/`nSA` several entries with the classes present. */
export type QueueShape = '0' | '1S' | '1A' | 'nS' | 'nA' | 'nSA';
export const QUEUE_SHAPES: readonly QueueShape[] = ['0', '1S', '1A', 'nS', 'nA', 'nSA'];
export type InFlightState = 'locked' | 'queued' | 'running';
export const IN_FLIGHT_STATES: readonly InFlightState[] = ['locked', 'queued', 'running'];
export type TargetRelation = 'online' | 'dying' | 'offline';
export const TARGET_RELATIONS: readonly TargetRelation[] = ['online', 'dying', 'offline'];

export interface AbstractCpu {
  readonly hotplug: HotplugState;
  readonly irqsOff: boolean;
  readonly idle: IdleMode;
  readonly ipi: boolean;
  readonly queue: QueueShape;
}

export interface AbstractRequest {
  readonly state: InFlightState;
  readonly cls: CsdClass;
  readonly target: TargetRelation;
}

export interface AbstractState {
  readonly cpus: readonly AbstractCpu[];
  readonly requests: readonly AbstractRequest[];
}

export function queueShape(classes: readonly CsdClass[]): QueueShape {
  if (classes.length === 0) return '0';
  const s = classes.includes('S');
  const a = classes.includes('A');
  if (classes.length === 1) return s ? '1S' : '1A';
  return s && a ? 'nSA' : s ? 'nS' : 'nA';
}

export function targetRelation(hp: HotplugState): TargetRelation {
  return hp === 'online' ? 'online' : hp === 'dying' ? 'dying' : 'offline';
}

export function cpuKey(c: AbstractCpu): string {
  return `${c.hotplug},${c.irqsOff ? 'd' : 'i'},${c.idle},${c.ipi ? 'P' : '-'},${c.queue}`;
}
export function requestKey(r: AbstractRequest): string {
  return `${r.state}:${r.cls}>${r.target}`;
}

/** Canonical key: CPU tuples and request tuples each sorted (the CPU-symmetry quotient). */
export function abstractKey(a: AbstractState): string {
  const cpus = a.cpus.map(cpuKey).sort().join('|');
  const reqs = a.requests.map(requestKey).sort().join(' ');
  return `${cpus} # ${reqs === '' ? '-' : reqs}`;
}

/** Inverse of abstractKey (for tables and reports reading keys back from coverage.json). */
export function parseAbstractKey(key: string): AbstractState {
  const [cpuPart = '', reqPart = '-'] = key.split(' # ');
  const cpus = cpuPart.split('|').filter((x) => x !== '').map((t): AbstractCpu => {
    const [hotplug, irq, idle, ipi, queue] = t.split(',');
    return { hotplug: hotplug as HotplugState, irqsOff: irq === 'd', idle: idle as IdleMode, ipi: ipi === 'P', queue: queue as QueueShape };
  });
  const requests = reqPart === '-' ? [] : reqPart.split(' ').map((t): AbstractRequest => {
    const [state = '', rest = ''] = t.split(':');
    const [cls = '', target = ''] = rest.split('>');
    return { state: state as InFlightState, cls: cls as CsdClass, target: target as TargetRelation };
  });
  return { cpus, requests };
}

/** The abstraction of one model state (the view the invariants read). */
export function abstractOfModel(v: SystemView, cw: CompiledWorkload): AbstractState {
  const ctx = v.ctx;
  const cls = (slot: number): CsdClass => (cw.slots[slot]?.type === 'SYNC' ? 'S' : 'A');
  const cpus: AbstractCpu[] = [];
  for (let c = 0; c < cw.n; c++) {
    const hotplug = v.hotplug[c] ?? 'offline';
    const inFlush = ctx.inFlush[c] === true;
    const busy = (ctx.pc[c] ?? 0) < (cw.scripts[c]?.length ?? 0) || ctx.phase[c] !== PHASE_READY;
    const idle: IdleMode = inFlush ? 'flush' : hotplug !== 'online' ? 'down' : ctx.polling[c] === true ? 'polling' : busy ? 'running' : 'halted';
    cpus.push({
      hotplug, irqsOff: inFlush || hotplug !== 'online', idle, ipi: ctx.ipi[c] === true,
      queue: queueShape((ctx.queue[c] ?? []).map(cls)),
    });
  }
  const requests: AbstractRequest[] = [];
  for (const s of cw.slots) {
    const st = v.csd[s.id];
    if (st !== 'locked' && st !== 'queued' && st !== 'running') continue;
    const t = ctx.target[s.id] ?? -1;
    requests.push({ state: st, cls: cls(s.id), target: targetRelation(v.hotplug[t] ?? 'offline') });
  }
  return { cpus, requests };
}
