/**
 * The reachable abstract state space of a configuration (CPU count, workload set): every abstract
 * state (abstract-state.ts) some model state of some workload maps to, with the shortest model path
 * to it, and every abstract transition (from, event kind, to). The explorer (explorer.ts) collects
 * them per workload; this file unions the workloads and keeps the shortest path per state.
 */
import { explore } from './explorer.js';
import type { SysEvent } from './system.js';
import { DEFAULT_WORKLOADS, type Workload } from './workload.js';

export interface AbstractConfig {
  readonly cpus: number;
  readonly workloads: readonly string[];
}

export interface ReachableState {
  readonly key: string;
  /** Workload whose BFS found the shortest path (its events refer to that workload's requests). */
  readonly workload: string;
  readonly path: readonly SysEvent[];
}

export interface ReachableTransition {
  readonly from: number;
  readonly kind: string;
  readonly to: number;
  /** Workload and shortest model path whose last event takes this transition. */
  readonly workload: string;
  readonly path: readonly SysEvent[];
}

export interface AbstractReachable {
  readonly config: AbstractConfig;
  readonly states: readonly ReachableState[];
  readonly transitions: readonly ReachableTransition[];
  /** Concrete model states explored to find them (for the report's parameters). */
  readonly concreteStates: number;
}

/** The default configuration of `verify`'s abstract coverage: the default workloads at 3 CPUs. */
export const DEFAULT_ABSTRACT_CPUS = 3;

export function reachableAbstract(opts: { readonly cpus?: number; readonly workloads?: readonly Workload[] } = {}): AbstractReachable {
  const cpus = opts.cpus ?? DEFAULT_ABSTRACT_CPUS;
  const set = (opts.workloads ?? DEFAULT_WORKLOADS).filter((w) => w.minCpus === undefined || cpus >= w.minCpus);
  const best = new Map<string, ReachableState>();
  const trans = new Map<string, { workload: string; path: readonly SysEvent[] }>();
  let concrete = 0;
  for (const w of set) {
    const r = explore({ cpus, workload: w, abstract: true, coverage: false });
    concrete += r.states;
    for (const [key, path] of r.abstract?.states ?? []) {
      const old = best.get(key);
      if (old === undefined || path.length < old.path.length) best.set(key, { key, workload: w.name, path });
    }
    for (const [t, path] of r.abstract?.transitions ?? []) {
      const old = trans.get(t);
      if (old === undefined || path.length < old.path.length) trans.set(t, { workload: w.name, path });
    }
  }
  // order: by path length, then key (stable across runs: the report lists uncovered states in this order)
  const states = [...best.values()].sort((a, b) => a.path.length - b.path.length || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const index = new Map(states.map((s, i) => [s.key, i]));
  const transitions: ReachableTransition[] = [];
  for (const [t, p] of [...trans].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))) {
    const [a = '', kind = '', b = ''] = t.split('\t');
    const from = index.get(a), to = index.get(b);
    if (from !== undefined && to !== undefined) transitions.push({ from, kind, to, workload: p.workload, path: p.path });
  }
  return { config: { cpus, workloads: set.map((w) => w.name) }, states, transitions, concreteStates: concrete };
}
