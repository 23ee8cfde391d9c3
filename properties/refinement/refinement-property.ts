/**
 * Refinement as a property: a small workload runs on the implementation under a generated
 * schedule; then (1) the implementation's final abstract view must equal the view of SOME terminal
 * state of the model for that workload, and (2) its trace must replay through the model with
 * bounded stuttering. The replay's witness path feeds the model's coverage counter.
 */
import type { AbstractCoverage } from '../../model/abstract-coverage.js';
import fc from 'fast-check';
import type { FaultId } from '../../impl/faults.js';
import { H_ALLOC_LIMIT } from '../../impl/layout.js';
import { readTrace } from '../../impl/trace-export.js';
import type { CoverageCounter } from '../../model/coverage.js';
import { RealSystem } from '../real-system.js';
import { implView, viewKey } from './abstract-view.js';
import { ModelOracle } from './model-oracle.js';
import { describeSmallWorkload, smallWorkloadArb, type SmallWorkload } from './small-workload.js';
import { replayTrace } from './trace-replay.js';

export class RefinementError extends Error {
  override readonly name = 'RefinementError';
}

export interface RefinementStats {
  runs: number;
  labels: number;
  steps: number;
}

export interface RefinementConfig {
  readonly maxCpus?: number;
  readonly faults?: readonly FaultId[];
  readonly coverage?: CoverageCounter;
  readonly abstract?: AbstractCoverage;
}

/** Run one workload under one schedule and check both refinement relations; throws RefinementError. */
export function checkRefinement(w: SmallWorkload, seed: number, lateIpis: boolean, cfg: RefinementConfig, oracles: Map<string, ModelOracle>, stats?: RefinementStats): void {
  // -ENOMEM injection: one allocation short of a cfd (boot allocations ignore the limit)
  const real = new RealSystem({ cpus: w.cpus, faults: cfg.faults ?? [], idle: 'halt', ...(w.enomem ? { allocLimit: 2 * w.cpus - 1 } : {}),
    // abstract coverage is measured for one CPU count: the suite's (other sizes would mix spaces)
    ...(cfg.abstract !== undefined && cfg.abstract.reach.config.cpus === w.cpus ? { abstract: cfg.abstract } : {}) });
  const ids: number[] = [];
  w.scripts.forEach((s, cpu) => { for (const c of s) ids.push(real.post(cpu, c, c.kind)); });
  if (w.hotplug > 0) {
    real.post(0, { kind: 'cpu_down', cpu: w.hotplug }, 'cpu_down');
    real.post(0, { kind: 'cpu_up', cpu: w.hotplug }, 'cpu_up');
  }
  real.quiesce(seed, lateIpis);
  if (w.enomem) {
    // the host frees memory, then CPU 0 retries the bring-up
    Atomics.store(real.sys.mem.m, H_ALLOC_LIMIT, -1);
    real.post(0, { kind: 'cpu_up', cpu: w.hotplug }, 'cpu_up');
    real.quiesce(seed + 1, lateIpis);
  }
  const key = JSON.stringify(w);
  let o = oracles.get(key);
  if (o === undefined) {
    o = new ModelOracle(w);
    oracles.set(key, o);
  }
  const workload = describeSmallWorkload(w).join('; ');
  const v = viewKey(implView(real.sys, ids));
  const terminals = o.terminals();
  if (!terminals.has(v)) {
    throw new RefinementError(`refinement (1): final view [${v}] of workload [${workload}] is not the view of any of the model's ${terminals.size} terminal states, e.g. [${[...terminals][0] ?? 'none'}]`);
  }
  const rr = replayTrace(o, readTrace(real.sys.mem));
  if (!rr.ok) throw new RefinementError(`refinement (2): workload [${workload}]: ${rr.failure ?? ''}`);
  if (stats !== undefined) {
    stats.runs++;
    stats.labels += rr.labels;
    stats.steps += real.sys.stepCount;
  }
  if (cfg.coverage !== undefined) {
    for (const p of rr.path) {
      cfg.coverage.visitState(p.value);
      cfg.coverage.visitTransitions(p.taken);
    }
  }
}

export function refinementProperty(cfg: RefinementConfig, stats?: RefinementStats): fc.IPropertyWithHooks<[SmallWorkload, number, boolean]> {
  const oracles = new Map<string, ModelOracle>();
  return fc.property(smallWorkloadArb(cfg.maxCpus ?? 3), fc.nat(0xffff), fc.boolean(), (w, seed, late) => {
    checkRefinement(w, seed, late, cfg, oracles, stats);
  });
}
