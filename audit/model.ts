/**
 * The model technique: exhaustive BFS (model/explorer.ts) of the workload the model fault names,
 * every invariant checked in every state; the counterexample is the shortest one (BFS), its length
 * is the number of model events. The explorer has no clock, so the budget is a state bound.
 */
import { explore } from '../model/explorer.js';
import { faultById } from '../model/faults.js';
import type { TechniqueResult } from './result.js';

export const MODEL_MAX_STATES = 300_000;

export function modelTechnique(modelFault: string | null, workload?: { name: string; cpus: number }): TechniqueResult {
  const t0 = performance.now();
  const f = modelFault === null ? null : faultById(modelFault);
  const w = workload ?? (f === null ? null : { name: f.workload, cpus: f.cpus });
  if (w === null) return { technique: 'model', status: 'n/a', invariant: null, runs: 0, timeMs: 0, ceLength: null, message: null };
  const r = explore({ cpus: w.cpus, workload: w.name, ...(f === null ? {} : { fault: f.id }), maxStates: MODEL_MAX_STATES, coverage: false });
  const timeMs = performance.now() - t0;
  const v = r.violations[0];
  if (v === undefined) {
    return {
      technique: 'model', status: 'missed', invariant: null, runs: r.states, timeMs, ceLength: null,
      message: `${w.name} at ${w.cpus} CPUs: ${r.states} states${r.complete ? '' : ` (${r.bound ?? 'bounded'})`}`,
    };
  }
  return {
    technique: 'model', status: 'caught', invariant: v.invariant, runs: r.states, timeMs, ceLength: v.steps.length,
    message: `${w.name} at ${w.cpus} CPUs: ${v.message}`,
  };
}
