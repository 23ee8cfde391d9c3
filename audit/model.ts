/**
 * The model technique: exhaustive BFS (model/explorer.ts) of the workload the variant names, every
 * invariant checked in every state; the counterexample is the shortest one (BFS), its length is
 * the number of model events. The explorer has no clock, so the budget is a state bound.
 */
import { explore } from '../model/explorer.js';
import { findWorkload, type Workload } from '../model/workload.js';
import { modelVariant, type Variant } from '../variants/index.js';
import type { TechniqueResult } from './result.js';

export const MODEL_MAX_STATES = 300_000;

/** The model workload a variant is explored on (its own workloads first). */
export function variantWorkload(v: Variant): { workload: Workload; cpus: number } | null {
  const m = v.model;
  if (m === null) return null;
  const name = m.workload ?? v.workloads[0]?.name;
  if (name === undefined) return null;
  const w = v.workloads.find((x) => x.name === name) ?? findWorkload(name);
  return { workload: w, cpus: m.cpus ?? 3 };
}

/** `workload`: explore this one instead (a variant's own workload is passed as `workload.workload`). */
export function modelTechnique(v: Variant | null, workload?: { name: string; cpus: number; workload?: Workload }): TechniqueResult {
  const t0 = performance.now();
  const vw = v === null ? null : variantWorkload(v);
  const w = workload === undefined ? vw : { workload: workload.workload ?? findWorkload(workload.name), cpus: workload.cpus };
  if (w === null) return { technique: 'model', status: 'n/a', invariant: null, runs: 0, timeMs: 0, ceLength: null, message: null };
  const mv = v === null ? null : modelVariant(v);
  const r = explore({ cpus: w.cpus, workload: w.workload, ...(mv === null ? {} : { variant: mv }), maxStates: MODEL_MAX_STATES, coverage: false });
  const timeMs = performance.now() - t0;
  const v0 = r.violations[0];
  const name = w.workload.name;
  if (v0 === undefined) {
    return {
      technique: 'model', status: 'missed', invariant: null, runs: r.states, timeMs, ceLength: null,
      message: `${name} at ${w.cpus} CPUs: ${r.states} states${r.complete ? '' : ` (${r.bound ?? 'bounded'})`}`,
    };
  }
  return {
    technique: 'model', status: 'caught', invariant: v0.invariant, runs: r.states, timeMs, ceLength: v0.steps.length,
    message: `${name} at ${w.cpus} CPUs: ${v0.message}`,
  };
}
