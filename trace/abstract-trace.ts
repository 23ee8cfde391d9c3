/**
 * Abstract state coverage of a kernel trace: per-CPU state reconstructed from the events, mapped
 * onto the PROJECTION of the abstract state (model/abstract-state.ts) that a trace can observe.
 *
 * Observable (and so in the projection):
 *   hotplug  — `cpuhp_enter` of takedown_cpu → dying; its `cpuhp_exit` → dead; smpcfd_dead_cpu's
 *              exit → offline; smpcfd_prepare_cpu → prepared; the CPU's first own event → online;
 *   IPI      — `ipi_send_cpu`/`ipi_send_cpumask` to a CPU until its `call_function_single_entry`;
 *   flush    — inside `call_function_single_entry/exit`, or a csd's entry/exit in progress;
 *   requests — a csd from `csd_queue_cpu` until its `csd_function_entry` (queued), then until its
 *              exit (running), with its target's hotplug relation.
 * Not observable, so projected away: interrupts (the flags column is only a sample at each event's
 * time), idle mode other than flush (`<idle>` does not tell polling from halted), queue shape
 * versus the flush's batch (llist_del_all is not traced), CSD class (no wait flag in the events),
 * locked-but-not-queued CSDs (csd_lock is not traced).
 */
import { parseAbstractKey } from '../model/abstract-state.js';
import type { AbstractReachable } from '../model/abstract-reachable.js';
import type { FtraceEvent } from './ftrace-parse.js';

export const TRACE_OBSERVABLE = ['hotplug state', 'IPI pending', 'in flush', 'queued/running requests and their target relation'] as const;
export const TRACE_UNOBSERVABLE = ['interrupts on/off', 'idle mode other than flush (polling vs halted vs running)', 'queue shape vs the batch a flush took', 'CSD class (SYNC vs ASYNC)', 'locked-but-not-queued CSDs'] as const;

type Hp = 'online' | 'dying' | 'dead' | 'offline' | 'prepared';
const rel = (h: Hp): string => (h === 'online' ? 'online' : h === 'dying' ? 'dying' : 'offline');

function projectParts(cpus: readonly { hp: string; ipi: boolean; flush: boolean }[], reqs: readonly string[]): string {
  return `${cpus.map((c) => `${c.hp},${c.ipi ? 'P' : '-'},${c.flush ? 'F' : '-'}`).sort().join('|')} # ${reqs.length === 0 ? '-' : [...reqs].sort().join(' ')}`;
}

/** The projection of a model abstract key onto what a trace observes. */
export function projectAbstractKey(key: string): string {
  const a = parseAbstractKey(key);
  return projectParts(
    a.cpus.map((c) => ({ hp: c.hotplug, ipi: c.ipi, flush: c.idle === 'flush' })),
    a.requests.filter((r) => r.state !== 'locked').map((r) => `${r.state}>${r.target}`),
  );
}

/** The projected reachable space: distinct projections of the reachable states and transitions. */
export function projectReachable(reach: AbstractReachable): { states: Map<string, number>; transitions: Set<string> } {
  const states = new Map<string, number>();
  const proj = reach.states.map((s) => projectAbstractKey(s.key));
  for (const p of proj) if (!states.has(p)) states.set(p, states.size);
  const transitions = new Set<string>();
  for (const t of reach.transitions) {
    const a = proj[t.from] ?? '', b = proj[t.to] ?? '';
    if (a !== b) transitions.add(`${a}\t${b}`);
  }
  return { states, transitions };
}

interface Live {
  readonly target: number;
  running: boolean;
}

/** Feed every event of one trace; `key()` is the projected abstract state after the last one. */
export class TraceAbstraction {
  private readonly hp: Hp[];
  private readonly ipi: boolean[];
  private readonly irqDepth: number[];
  private readonly running: string[][];
  private readonly live = new Map<string, Live>();
  private readonly stepNames = new Map<string, string>();

  constructor(readonly n: number) {
    this.hp = new Array<Hp>(n).fill('online');
    this.ipi = new Array<boolean>(n).fill(false);
    this.irqDepth = new Array<number>(n).fill(0);
    this.running = Array.from({ length: n }, () => []);
  }

  /** Returns false for events that do not touch the projection (no new observation). */
  feed(ev: FtraceEvent): boolean {
    const c = ev.cpu;
    if (c < 0 || c >= this.n) return false;
    let changed = false;
    if (this.hp[c] === 'prepared') {
      this.hp[c] = 'online';
      changed = true;
    }
    const f = ev.fields;
    switch (ev.name) {
      case 'csd_queue_cpu': {
        const t = Number(f.cpu);
        const csd = f.csd ?? '';
        if (Number.isInteger(t) && t >= 0 && t < this.n && csd !== '') this.live.set(csd, { target: t, running: false });
        return true;
      }
      case 'csd_function_entry': {
        const csd = (f.csd ?? '').replace(/,$/, '');
        const r = this.live.get(csd);
        if (r !== undefined) r.running = true;
        if (!/^0+$/.test(csd)) this.running[c]?.push(csd);
        return true;
      }
      case 'csd_function_exit': {
        const csd = (f.csd ?? '').replace(/,$/, '');
        this.live.delete(csd);
        const run = this.running[c];
        if (run !== undefined) {
          const i = run.lastIndexOf(csd);
          if (i >= 0) run.splice(i, 1);
        }
        return true;
      }
      case 'ipi_send_cpu': {
        const t = Number(f.cpu);
        if (Number.isInteger(t) && t >= 0 && t < this.n) this.ipi[t] = true;
        return true;
      }
      case 'ipi_send_cpumask': {
        for (const m of (f.cpumask ?? '').matchAll(/\d+(?:-\d+)?/g)) {
          const [lo = 0, hi = lo] = m[0].split('-').map(Number);
          for (let t = lo; t <= hi && t < this.n; t++) this.ipi[t] = true;
        }
        return true;
      }
      case 'call_function_single_entry':
      case 'call_function_entry':
        this.ipi[c] = false;
        this.irqDepth[c] = (this.irqDepth[c] ?? 0) + 1;
        return true;
      case 'call_function_single_exit':
      case 'call_function_exit':
        this.irqDepth[c] = Math.max(0, (this.irqDepth[c] ?? 0) - 1);
        return true;
      case 'cpuhp_enter':
      case 'cpuhp_multi_enter':
      case 'cpuhp_exit':
        return this.hotplug(ev) || changed;
      default:
        return changed;
    }
  }

  private hotplug(ev: FtraceEvent): boolean {
    // fields as parsed: "cpu: 0001 target: 144 step: 236 (cpuhp_kick_ap_work)" or "... state: 234 step: 235 ret: 0"
    const text = Object.entries(ev.fields).map(([k, v]) => `${k}=${v}`).join(' ');
    const cpu = Number(/cpu\D*(\d+)/.exec(text)?.[1] ?? NaN);
    const step = /step\D*(\d+)/.exec(text)?.[1] ?? '';
    if (!Number.isInteger(cpu) || cpu < 0 || cpu >= this.n) return false;
    const name = /\((\w+)\)/.exec(text)?.[1];
    if (ev.name !== 'cpuhp_exit' && name !== undefined) this.stepNames.set(step, name);
    const fn = ev.name === 'cpuhp_exit' ? this.stepNames.get(step) : name;
    const before = this.hp[cpu];
    if (ev.name !== 'cpuhp_exit') {
      if (fn === 'takedown_cpu') this.hp[cpu] = 'dying';
      else if (fn === 'smpcfd_prepare_cpu') this.hp[cpu] = 'prepared';
    } else if (fn === 'takedown_cpu') this.hp[cpu] = 'dead';
    else if (fn === 'smpcfd_dead_cpu') this.hp[cpu] = 'offline';
    if (this.hp[cpu] === 'dying' || this.hp[cpu] === 'dead' || this.hp[cpu] === 'offline') this.ipi[cpu] = false;
    return before !== this.hp[cpu];
  }

  key(): string {
    const cpus = this.hp.map((h, c) => ({
      hp: h, ipi: this.ipi[c] === true, flush: (this.irqDepth[c] ?? 0) > 0 || (this.running[c]?.length ?? 0) > 0,
    }));
    const reqs = [...this.live.values()].map((r) => `${r.running ? 'running' : 'queued'}>${rel(this.hp[r.target] ?? 'online')}`);
    return projectParts(cpus, reqs);
  }
}

export interface TraceAbstractCoverage {
  readonly cpus: number;
  readonly files: number;
  readonly events: number;
  readonly states: number;
  readonly transitions: number;
  readonly of: number;
  readonly ofTransitions: number;
  /** distinct projected states the traces showed that the model's projection never has */
  readonly extraStates: number;
  readonly extraExamples: readonly string[];
}

/** Collects projected coverage over several traces (each a run) against one projected space. */
export class TraceCoverageCollector {
  private readonly proj: ReturnType<typeof projectReachable>;
  private readonly seen = new Set<string>();
  private readonly seenT = new Set<string>();
  private readonly extra = new Set<string>();
  private files = 0;
  private events = 0;
  private cur: TraceAbstraction | null = null;
  private last = '';

  constructor(readonly reach: AbstractReachable) {
    this.proj = projectReachable(reach);
  }

  begin(): void {
    this.files++;
    this.cur = new TraceAbstraction(this.reach.config.cpus);
    this.last = '';
    this.observe();
  }

  feed(ev: FtraceEvent): void {
    this.events++;
    if (this.cur?.feed(ev) === true) this.observe();
  }

  private observe(): void {
    if (this.cur === null) return;
    const k = this.cur.key();
    if (k === this.last) return;
    if (!this.proj.states.has(k)) {
      this.extra.add(k);
      return;
    }
    this.seen.add(k);
    if (this.last !== '' && this.proj.transitions.has(`${this.last}\t${k}`)) this.seenT.add(`${this.last}\t${k}`);
    this.last = k;
  }

  result(): TraceAbstractCoverage {
    return {
      cpus: this.reach.config.cpus, files: this.files, events: this.events, states: this.seen.size, transitions: this.seenT.size,
      of: this.proj.states.size, ofTransitions: this.proj.transitions.size, extraStates: this.extra.size,
      extraExamples: [...this.extra].slice(0, 5),
    };
  }

  /** Reachable abstract states whose projection a trace showed (an upper bound: the projection merges states). */
  coveredStateIndices(): number[] {
    return this.reach.states.flatMap((s, i) => (this.seen.has(projectAbstractKey(s.key)) ? [i] : []));
  }
}
